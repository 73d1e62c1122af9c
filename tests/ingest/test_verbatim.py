"""Every passage is found verbatim at its stated location, read back without the readers.

Each source is opened independently (csv module, openpyxl, python-docx, pypdf, the caption text).
The passage text must match the source there with only redaction placeholders ([email], [phone],
[id-number], [name], "Respondent R...", "Participant n", "Facilitator n") standing for other text.
A round with planted personal data also checks no planted item reaches any output table.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.verbatim import FIX, SAMPLE, check_round


def _fixture_round(tmp_path: Path) -> Path:
    rd = tmp_path / "fixture-round"
    for kind in ("surveys", "workshops", "transcripts"):
        (rd / kind).mkdir(parents=True)
        for f in (FIX / kind).iterdir():
            if f.is_file() and not f.name.endswith(".json") and f.name != "scanned.pdf":
                shutil.copy(f, rd / kind / f.name)
    return rd


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="sample round not present")
def test_sample_round_passages_are_verbatim_at_their_location():
    n, problems = check_round(SAMPLE)
    assert n > 400
    assert problems == []


def test_fixture_passages_are_verbatim_at_their_location(tmp_path):
    n, problems = check_round(_fixture_round(tmp_path))
    assert n > 100
    assert problems == []
