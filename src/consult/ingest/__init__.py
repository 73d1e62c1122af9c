"""Ingest: every consultation source of a round into one traceable, redacted passage table.

Public API:
- `collect_round(round_dir, config) -> list[RawFile]`: the I/O edge (files.py)
- `ingest_round(files, round_name, config) -> IngestResult`: passages, rejected, per-file table
- `format_check_report(result) -> str`: what `consult check ROUND` prints
"""
