"""Assemble a round from its parsed files: one redacted passage table, with per-file accounting.

`assemble_round` runs these steps in order: round pseudonyms and the round's privacy context
(round_privacy.py), the files not read, then per read file (file_assembly.py): manifest values,
normalisation, speaker renumbering, redaction, passage ids, the non-answer screen; then
duplicates and campaigns (campaigns.py) are flagged across the round.
Privacy rules: see consult.privacy.redaction (full names round-wide, single words in their own
file, manifest labels checked for contact details only, file names shown pseudonymised).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.base import ReadResult
from consult.ingest.campaigns import mark_campaigns
from consult.ingest.file_assembly import assemble_file
from consult.ingest.files import file_extension, normalise_relpath
from consult.ingest.plan import WHOLE_FILE, RoundPlan, file_row
from consult.ingest.round_privacy import RoundPrivacy, round_privacy
from consult.ingest.screen import flag_duplicates
from consult.privacy.redaction import file_report

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    passages: pd.DataFrame  # exactly S.PASSAGE_COLUMNS
    rejected: pd.DataFrame  # exactly S.REJECTED_COLUMNS
    files: pd.DataFrame  # exactly S.FILE_COLUMNS


# ---- files rejected whole -------------------------------------------------------------------
def unread_files(
    plan: RoundPlan, outcomes: list[ReadResult | str | None], round_name: str, privacy: RoundPrivacy
) -> tuple[list[dict], list[dict]]:
    """(file rows, rejected items) of the manifest and of every file not read: one unit each,
    rejected whole, its reason scrubbed of names."""
    file_rows = [{**r, S.REASON: privacy.scrub(r[S.REASON])} for r in plan.file_rows]
    rejects = [{**r, S.REASON: privacy.scrub(r[S.REASON])} for r in plan.whole_rejects]
    for item, outcome in zip(plan.files, outcomes):
        if isinstance(outcome, ReadResult):
            continue
        status = item.status if item.status != "to-read" else "rejected"
        reason = privacy.scrub(item.reason if outcome is None else outcome)
        where = privacy.show(item.rel, item.display)
        # a path outside the round folder is kept as uploaded, and reports no extension
        ext = file_extension(item.rel) if normalise_relpath(item.rel) else ""
        det: dict[str, Any] = {"extension": ext}
        if where != item.rel:
            det["redactions"] = file_report({}, {}, item.rel, where)
        file_rows.append(
            file_row(
                round_name,
                where,
                item.kind or "unknown",
                status,
                reason,
                det,
                item.raw.sha256,
                item.size,
                1,
                0,
                1,
            )
        )
        rejects.append(
            {
                S.SOURCE_FILE: where,
                S.SOURCE_KIND: item.kind or "unknown",
                S.LOCATION: WHOLE_FILE,
                S.REASON: reason,
            }
        )
    rejected = [{S.ROUND: round_name, S.STAGE: "ingest", **r} for r in rejects]
    return file_rows, rejected


# ---- the round ----------------------------------------------------------------------------------
def round_tables(
    passages: list[dict], rejected: list[dict], file_rows: list[dict], config: ConsultConfig
) -> IngestResult:
    """The three tables, duplicates and campaigns flagged across the round, files in path
    order."""
    table = pd.DataFrame(passages, columns=S.PASSAGE_COLUMNS).astype("object")
    if table.empty:
        table = S.empty_passages()
    table = flag_duplicates(table, config.ingest.duplicate_min_words)
    table = mark_campaigns(
        table, config.ingest.campaign_similarity, config.ingest.campaign_min_words
    )
    rej = pd.DataFrame(rejected, columns=S.REJECTED_COLUMNS).astype("object")
    files_df = pd.DataFrame(file_rows, columns=S.FILE_COLUMNS)
    files_df = files_df.sort_values(S.SOURCE_FILE, kind="stable").reset_index(drop=True)
    return IngestResult(
        passages=table, rejected=rej if not rej.empty else S.empty_rejected(), files=files_df
    )


def assemble_round(
    plan: RoundPlan, outcomes: list[ReadResult | str | None], round_name: str, config: ConsultConfig
) -> IngestResult:
    """Redact across the round, apply the manifest, and account for every unit of every file."""
    read = [
        (item, outcome)
        for item, outcome in zip(plan.files, outcomes)
        if isinstance(outcome, ReadResult)
    ]
    privacy = round_privacy(plan, read, config)
    file_rows, rejected = unread_files(plan, outcomes, round_name, privacy)
    passages: list[dict] = []
    for k, (item, res) in enumerate(read):
        kept, dropped, row = assemble_file(item, res, k, privacy, plan, round_name, config)
        passages += kept
        rejected += dropped
        file_rows.append(row)
    result = round_tables(passages, rejected, file_rows, config)
    log.info(
        "Ingested round %s: %d files, %d passages, %d rejected",
        round_name,
        len(result.files),
        len(result.passages),
        len(result.rejected),
    )
    return result
