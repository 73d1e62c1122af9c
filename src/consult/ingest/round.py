"""Ingest a whole round: dispatch each file to its reader, redact, account for every unit.

The round never stops for one bad file: every reader failure rejects that file whole with a
reason, and the per-file table says units == passages + rejected for every file.

Rules applied once, for every reader (plan.py plans, assemble.py, file_assembly.py
and screen.py apply them):
- Non-answers: an empty unit, or one without a letter or digit, is rejected whatever its kind;
  stock phrases (`ingest.non_answers`: "N/A", "no comment", "No") are rejected only for survey
  answers and workshop notes. Transcript turns such as "No." or "OK" are replies in a conversation
  and stay passages.
- Pseudonyms are unique across the round: readers number speakers per file ("Participant 1"),
  and `assemble_round` renumbers them in file order. The same named person in two files (same
  name once titles are removed) keeps one pseudonym; labels that name nobody ("Speaker 2") are
  different people in different files. A full name is replaced by its pseudonym in the whole
  round, a single word of a name only in its own file (consult.privacy.redaction).
- Pseudonyms, respondent ids and speaker roles are ours and never redacted; locations are
  redacted only for e-mail addresses, phone/ID numbers and full names, so they stay findable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from consult.config import ConsultConfig
from consult.ingest.assemble import IngestResult, assemble_round
from consult.ingest.base import ReadContext, ReadResult, UnreadableFile
from consult.ingest.file_assembly import redact_around_positions
from consult.ingest.guard import read_guarded
from consult.ingest.manifest import manifest_for
from consult.ingest.plan import PlannedFile, RoundPlan, plan_round, source_kind
from consult.schema import RawFile

__all__ = [
    "IngestResult",
    "PlannedFile",
    "RoundPlan",
    "assemble_round",
    "ingest_round",
    "plan_round",
    "read_planned",
    "redact_around_positions",
    "source_kind",
]

log = logging.getLogger(__name__)


def _reader(kind: str) -> Callable[[RawFile, ReadContext], ReadResult]:
    if kind == "survey":
        from consult.ingest.surveys import read_survey

        return read_survey
    try:
        if kind == "workshop":
            from consult.ingest.workshops import read_workshop as fn
        else:
            from consult.ingest.transcripts import read_transcript as fn
    except ImportError as exc:
        raise UnreadableFile(f"no reader for {kind} files is installed ({exc})") from exc
    return fn


def read_planned(
    item: PlannedFile, round_name: str, config: ConsultConfig, manifest: dict[str, dict]
) -> ReadResult | str:
    """Parse one file (the costly, cacheable, parallel part): a ReadResult or the reason it failed.

    The result is not yet redacted: it must stay in memory or in a private cache, never in outputs.
    Every reader runs under the file's limits (guard.py): over one, the file is rejected.
    """
    assert item.kind is not None  # plan_round rejects a file of unknown kind before reading
    ctx = ReadContext(round=round_name, config=config, manifest=manifest_for(item.rel, manifest))
    try:
        return read_guarded(
            _reader(item.kind),
            item.raw,
            ctx,
            None if item.kind == "survey" else config.ingest.max_document_passages,
        )
    except UnreadableFile as exc:
        return str(exc)
    except Exception as exc:  # a reader bug must not stop the round
        log.exception("Reader failed on %s", item.label)
        return (
            f"the file could not be read ({type(exc).__name__}: {exc}); check it "
            "opens in its application and upload it again"
        )


def ingest_round(
    files: list[RawFile], round_name: str, config: ConsultConfig | None = None
) -> IngestResult:
    """Read every file of a round into one redacted passage table, with per-file accounting."""
    config = config or ConsultConfig()
    plan = plan_round(files, round_name, config)
    outcomes = [
        read_planned(f, round_name, config, plan.manifest) if f.status == "to-read" else None
        for f in plan.files
    ]
    return assemble_round(plan, outcomes, round_name, config)
