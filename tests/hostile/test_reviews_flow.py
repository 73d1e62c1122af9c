"""The issue's own case, through the whole flow: ten decisions, reviews.csv deleted, re-run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from consult import schema as S
from consult.config import ConsultConfig, EmbeddingConfig
from tests.support.paths import SAMPLE_RAW

pytestmark = pytest.mark.slow

SURVEY = "surveys/google-forms-online-survey.csv"


def _run(raw: Path, out: Path) -> Path:
    from consult.commands import run_round

    cfg = ConsultConfig(embedding=EmbeddingConfig(model="hashing-128"))
    return Path(run_round("r1", str(raw), str(out), cfg))


def _reviewed(book: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(book, read_only=True)["Passages"]
    rows = list(ws.iter_rows(values_only=True))
    h = list(rows[0])
    return {
        r[h.index("Passage ID")]: r[h.index("Final priorities")]
        for r in rows[1:]
        if r[h.index("Decided by")] == "reviewer"
    }


def test_ten_decisions_survive_a_deleted_reviews_csv(tmp_path):
    """Steps-level tests (test_reviews_hostile.py) cover the other damage; this one is the flow."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    (raw / "r1" / "surveys").mkdir(parents=True)
    shutil.copy(SAMPLE_RAW / "sample-round" / SURVEY, raw / "r1" / SURVEY)
    book = _run(raw, out)
    wb = openpyxl.load_workbook(book)
    ws = wb["Passages"]
    h = [c.value for c in ws[1]]
    for r in range(2, 12):  # a reviewer decides ten passages
        ws.cell(r, h.index("Reviewer priorities") + 1).value = "SA2" if r % 2 else "none"
    wb.save(book)
    assert _run(raw, out) == book
    decided = _reviewed(book)
    assert len(decided) == 10

    rnd = out / "r1"
    (rnd / "reviews.csv").unlink()  # the workbook is now exactly as the last run wrote it
    assert _run(raw, out) == book
    assert _reviewed(book) == decided
    store = pd.read_csv(rnd / "reviews.csv", dtype=str)
    assert set(decided) <= set(store[S.PASSAGE_ID])
    assert (
        "reviews.csv"
        in json.loads((rnd / "run-info.json").read_text())["reviewer decisions"]["reviews.csv"]
    )
