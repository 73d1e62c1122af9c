"""Ingest: every consultation source of a round into one traceable, redacted passage table.

Public API:
- `collect_round(round_dir, config) -> list[RawFile]`: the I/O edge (files.py)
- `ingest_round(files, round_name, config) -> IngestResult`: passages, rejected, per-file table
- `format_check_report(result) -> str`: what `consult check ROUND` prints
"""

from consult.ingest.base import ReadContext, ReadResult, UnreadableFile
from consult.ingest.check import format_check_report
from consult.ingest.files import CollectedFile, collect_round
from consult.ingest.round import IngestResult, flag_duplicates, ingest_round, source_kind

__all__ = [
    "CollectedFile", "IngestResult", "ReadContext", "ReadResult", "UnreadableFile",
    "collect_round", "flag_duplicates", "format_check_report", "ingest_round", "source_kind",
]
