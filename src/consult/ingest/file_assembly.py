"""One read file as rows of the round: manifest values, normalised labels, the round's speaker
pseudonyms, redaction, passage ids and the non-answer screen, with the file's row and report.

Split out of assemble.py, which keeps the round-level steps (files not read, the three tables).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from consult import schema as S
from consult.config import ConsultConfig
from consult.ids import passage_id
from consult.ingest.attributes import group_lookup, normalise_country, normalise_group
from consult.ingest.base import ReadResult
from consult.ingest.manifest import manifest_for
from consult.ingest.plan import PlannedFile, RoundPlan, file_row
from consult.ingest.round_privacy import RoundPrivacy
from consult.ingest.screen import split_non_answers
from consult.privacy.redact import Redactor
from consult.privacy.redaction import LABEL_COLUMNS, file_report, redact_attributes, redact_detected

# Columns holding our own values (ids, pseudonyms, flags): never redacted.
# fmt: off
_NOT_REDACTED = {S.PASSAGE_ID, S.ROUND, S.SOURCE_KIND, S.SOURCE_FILE, S.FILE_SHA256,
                 S.N_WORDS, S.IS_STAKEHOLDER_INPUT, S.DUPLICATE_OF, S.LANGUAGE, S.SPEAKER,
                 S.SPEAKER_ROLE, S.RESPONDENT_ID, S.LOCATION, S.ATTRIBUTES}
# fmt: on
_TO_REDACT = [c for c in S.PASSAGE_COLUMNS if c not in _NOT_REDACTED]
# Positions consult writes into locations ("cues 3001-3007", "row 12", "part 2 of 3"): numbers a
# phone or ID pattern would otherwise mask, leaving a reviewer unable to find the passage.
_POSITIONS = re.compile(
    r"\b(?:cues?|rows?|lines?|turns?|paragraphs?|pages?|parts?|items?|cells?)"
    r"\s+\d+(?:\s*[-\u2013]\s*\d+)?(?:\s+of\s+\d+)?",
    re.IGNORECASE,
)


def redact_around_positions(value: str, redact: Callable[[str], str]) -> str:
    """`redact` applied to a location except to the positions consult itself wrote in it."""
    out, last = [], 0
    for m in _POSITIONS.finditer(value):
        out += [redact(value[last : m.start()]) if m.start() > last else "", m.group(0)]
        last = m.end()
    out.append(redact(value[last:]) if last < len(value) else "")
    return "".join(out)


class FileRedaction:
    """One file's redactor; repeated values (questions, sections, attributes) are redacted once.

    Calls must come in the order the file is assembled: the redactor numbers and reports what it
    replaces as it goes.
    """

    def __init__(self, redactor: Redactor):
        self.redactor = redactor
        self._memo: dict[tuple[str, str], str] = {}
        self._attrs: dict[str, str] = {}

    def __call__(self, value: str, mode: str = "text") -> str:
        """mode "label": full names only (a group or event typed in the file); "contact":
        e-mail addresses and numbers only (the manifest's labels)."""
        out = self._memo.get((value, mode))
        if out is None:
            out = self._memo[(value, mode)] = self.redactor.redact(
                value, parts=mode != "label", contact_only=mode == "contact"
            )
        return out

    def location(self, value: str) -> str:
        """Full names out of a location; the positions in it stay, so it can still be found."""
        return redact_around_positions(value, lambda v: self.redactor.redact(v, parts=False))

    def attributes(self, attrs: str) -> str:
        """Attributes JSON redacted once per distinct value (a respondent's repeat per answer)."""
        if attrs not in self._attrs:
            self._attrs[attrs] = redact_attributes(attrs, self)
        return self._attrs[attrs]


@dataclass
class FileContext:
    """What every row of one read file shares."""

    round: str
    kind: str
    where: str  # the file as outputs show it
    sha: str
    manifest: dict[str, Any]  # the file's manifest row
    speakers: dict[str, str]  # file pseudonym -> round pseudonym
    redaction: FileRedaction


def reader_rejected(rej: dict, ctx: FileContext) -> dict:
    """A unit the reader rejected, located and explained without names."""
    return {
        S.ROUND: ctx.round,
        S.SOURCE_KIND: ctx.kind,
        S.SOURCE_FILE: ctx.where,
        S.LOCATION: ctx.redaction.location(str(rej.get(S.LOCATION, ""))),
        S.REASON: ctx.redaction(str(rej.get(S.REASON, "unreadable"))),
        S.STAGE: "ingest",
    }


def from_manifest(row: dict, manifest: dict[str, Any]) -> tuple[dict, set[str]]:
    """Empty cells take the file's manifest values; also the label columns that now hold a
    manifest label (checked for contact details only, not for names)."""
    row = dict(row)
    for col, value in manifest.items():
        if col in S.PASSAGE_COLUMNS and row.get(col) in (None, ""):
            row[col] = value
    return row, {c for c in LABEL_COLUMNS if manifest.get(c) and row.get(c) == manifest.get(c)}


def normalised(row: dict, groups: dict[str, str]) -> dict:
    """Country as an ISO code and stakeholder group as configured, so files agree on them."""
    return {
        **row,
        S.COUNTRY: normalise_country(row[S.COUNTRY]),
        S.STAKEHOLDER_GROUP: normalise_group(row[S.STAKEHOLDER_GROUP], groups),
    }


def redacted(row: dict, labels: set[str], redaction: FileRedaction) -> dict:
    """Names and contact details out of every free-text column, the attributes and the location;
    labels stay as written (contact details aside), our own columns untouched."""
    row = dict(row)
    for col in _TO_REDACT:
        value = row[col]
        if isinstance(value, str) and value:
            row[col] = (
                redaction.redactor(value)
                if col == S.TEXT
                else redaction(
                    value,
                    "contact" if col in labels else "label" if col in LABEL_COLUMNS else "text",
                )
            )
    attrs = row[S.ATTRIBUTES]
    if isinstance(attrs, str) and attrs:
        row[S.ATTRIBUTES] = redaction.attributes(attrs)
    row[S.LOCATION] = redaction.location(str(row[S.LOCATION] or ""))
    return row


def passage_row(
    p: dict, ctx: FileContext, groups: dict[str, str], canonical_groups: set[str]
) -> dict:
    """A reader's passage as a round row: manifest values, normalised labels, the round's
    pseudonym for its speaker, redacted (its id comes later, from the redacted location)."""
    row = {c: p.get(c) for c in S.PASSAGE_COLUMNS}
    row.update(
        {
            S.ROUND: ctx.round,
            S.SOURCE_KIND: ctx.kind,
            S.SOURCE_FILE: ctx.where,
            S.FILE_SHA256: ctx.sha,
            S.DUPLICATE_OF: None,
        }
    )
    row, labels = from_manifest(row, ctx.manifest)
    # values we made (ISO codes, canonical groups) stay as written, like manifest labels
    row = normalised(row, groups)
    if row[S.STAKEHOLDER_GROUP] in canonical_groups:
        labels.add(S.STAKEHOLDER_GROUP)
    if isinstance(row[S.SPEAKER], str):
        row[S.SPEAKER] = ctx.speakers.get(row[S.SPEAKER], row[S.SPEAKER])
    return redacted(row, labels, ctx.redaction)


def with_ids(rows: list[dict], sha: str) -> list[dict]:
    """Passage ids from the file's content and each (redacted) location, stable across runs;
    a location used again gets "#2", "#3" in its key."""
    used: Counter[str] = Counter()
    out = []
    for row in rows:
        loc = row[S.LOCATION]
        used[loc] += 1
        key = loc if used[loc] == 1 else f"{loc}#{used[loc]}"
        out.append({**row, S.PASSAGE_ID: passage_id(sha, key)})
    return out


def file_detected(res: ReadResult, ctx: FileContext, rel: str) -> dict[str, Any]:
    """What the reader detected, the manifest row and the redaction report, without names."""
    redaction = ctx.redaction
    det = redact_detected(dict(res.detected), redaction)
    if ctx.manifest:
        det["manifest"] = {
            k: redaction(v, "contact") if isinstance(v, str) else v for k, v in ctx.manifest.items()
        }
    report = file_report(redaction.redactor.report(), det, rel, ctx.where)
    if report:
        det["redactions"] = report
    return det


def assemble_file(
    item: PlannedFile,
    res: ReadResult,
    k: int,
    privacy: RoundPrivacy,
    plan: RoundPlan,
    round_name: str,
    config: ConsultConfig,
) -> tuple[list[dict], list[dict], dict]:
    """(passages, rejected items, file row) of the k-th read file: units = passages + rejected."""
    assert item.kind is not None  # only read files come here, and plan_round knew their kind
    own = privacy.own_names[k]
    redactor = privacy.redactor.with_names({**privacy.found.get(item.rel, {}), **own})
    ctx = FileContext(
        round_name,
        item.kind,
        privacy.show(item.rel, item.display),
        item.raw.sha256,
        manifest_for(item.rel, plan.manifest),
        privacy.renames[k],
        FileRedaction(redactor),
    )
    rejected = [reader_rejected(rej, ctx) for rej in res.rejected]
    groups = group_lookup(config.surveys.stakeholder_groups)
    canonical = set(config.surveys.stakeholder_groups)
    rows = with_ids([passage_row(p, ctx, groups, canonical) for p in res.passages], ctx.sha)
    passages, non_answers = split_non_answers(rows, config)
    rejected += non_answers
    det = file_detected(res, ctx, item.rel)
    n_p, n_r = len(passages), len(rejected)
    return (
        passages,
        rejected,
        file_row(
            round_name,
            ctx.where,
            item.kind,
            "read",
            det.get("problem"),
            det,
            ctx.sha,
            len(item.raw.data),
            n_p + n_r,
            n_p,
            n_r,
        ),
    )
