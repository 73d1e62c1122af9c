"""The two rules that screen passages: non-answers are rejected, identical answers are flagged.

Each runs once per passage. In a round both run in `assemble_round`, after redaction (the text a
reviewer will see), so the per-file accounting of ingest already counts the rejections;
`prepare_round` does not check again. `screen_table` applies the same rules to a passage table
that did not come from a round (`prepare_passages` on its own).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.campaigns import mark_campaigns
from consult.ingest.textutil import non_answer_reason

log = logging.getLogger(__name__)

# Kinds whose units are answers, where stock non-answer phrases ("N/A") are rejected.
PHRASE_KINDS = ("survey", "workshop")


def non_answer_reasons(
    texts: Iterable[Any], kinds: Iterable[Any], config: ConsultConfig
) -> list[str | None]:
    """Per text, why it is a non-answer (or None): the one place the rule is applied.

    Stock phrases count only for answers (PHRASE_KINDS, or a row of unknown kind), never for
    conversation turns, where "No." is a reply (see textutil.non_answer_reason).
    """
    non_answers = frozenset(a.casefold() for a in config.ingest.non_answers)
    return [
        non_answer_reason(t, non_answers, k in PHRASE_KINDS or not isinstance(k, str))
        for t, k in zip(texts, kinds)
    ]


def rejected_row(row: dict, reason: str, stage: str) -> dict:
    """The rejected item for a passage row: where it was, why, and at which stage."""
    return {
        S.ROUND: row.get(S.ROUND),
        S.SOURCE_KIND: row.get(S.SOURCE_KIND),
        S.SOURCE_FILE: row.get(S.SOURCE_FILE),
        S.LOCATION: row.get(S.LOCATION),
        S.REASON: reason,
        S.STAGE: stage,
    }


def split_non_answers(
    rows: list[dict], config: ConsultConfig, stage: str = "ingest"
) -> tuple[list[dict], list[dict]]:
    """(passages, rejected items) of one file's rows, in order; counted by the caller."""
    reasons = non_answer_reasons(
        (r[S.TEXT] for r in rows), (r[S.SOURCE_KIND] for r in rows), config
    )
    kept = [r for r, why in zip(rows, reasons) if not why]
    dropped = [rejected_row(r, why, stage) for r, why in zip(rows, reasons) if why]
    return kept, dropped


def flag_duplicates(passages: pd.DataFrame, min_words: int) -> pd.DataFrame:
    """Point identical answers (campaign responses) at the first one; keep them all."""
    out = passages.copy()
    out[S.DUPLICATE_OF] = None
    if out.empty:
        return out
    first: dict[str, str] = {}
    dup: list[str | None] = []
    for text, pid in zip(out[S.TEXT], out[S.PASSAGE_ID]):
        words = str(text).split()
        if len(words) < min_words:
            dup.append(None)
            continue
        key = " ".join(words).casefold()
        if key in first:
            dup.append(first[key])
        else:
            first[key] = pid
            dup.append(None)
    out[S.DUPLICATE_OF] = pd.Series(dup, index=out.index, dtype="object")
    return out


def screen_table(
    table: pd.DataFrame, config: ConsultConfig, stage: str = "prepare"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kept passages, rejected items) of a passage table that was not screened by a round.

    Duplicates are flagged again when a row went (it may have been the first of its kind) or
    when none were flagged yet; flags already set on a complete table are kept. Campaigns are
    always grouped afresh.
    """
    reasons = pd.Series(
        non_answer_reasons(table[S.TEXT], table[S.SOURCE_KIND], config),
        index=table.index,
        dtype="object",
    )
    bad = reasons.notna()
    rejected = pd.DataFrame(
        {
            S.ROUND: table.loc[bad, S.ROUND],
            S.SOURCE_KIND: table.loc[bad, S.SOURCE_KIND],
            S.SOURCE_FILE: table.loc[bad, S.SOURCE_FILE],
            S.LOCATION: table.loc[bad, S.LOCATION],
            S.REASON: reasons[bad],
            S.STAGE: stage,
        },
        columns=S.REJECTED_COLUMNS,
    ).astype("object")
    kept = table.loc[~bad].copy()
    if bad.any() or kept[S.DUPLICATE_OF].isna().all():
        kept = flag_duplicates(kept, config.ingest.duplicate_min_words)
    kept = mark_campaigns(kept, config.ingest.campaign_similarity, config.ingest.campaign_min_words)
    return kept, rejected
