"""A small round copied from the bundled sample: one survey, one workshop note, one transcript."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.paths import SAMPLE_RAW

FILES = [
    "surveys/google-forms-online-survey.csv",
    "workshops/kuala-lumpur-focus-group-notes.md",
    "transcripts/viet-nam-national-consultation.vtt",
]


def copy_round(tmp_path: Path, files=FILES) -> Path:
    """`tmp_path/raw/r1/` holding `files` from the sample round; returns `tmp_path/raw`."""
    raw = tmp_path / "raw"
    for rel in files:
        dest = raw / "r1" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLE_RAW / "sample-round" / rel, dest)
    return raw
