"""A reviewed round for the hostile review tests: the flow's report step over fake stage
outputs, a reviewer typing into the workbook, and what the workbook then shows."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from consult import schema
from consult.config import ConsultConfig
from consult.pipeline import report
from consult.reviews import store as store_io
from consult.workspace import RoundPaths
from tests.support.report_fakes import (
    FakeCodebook,
    make_files,
    make_passages,
    make_rejected,
    make_scores,
    make_themes,
)

CB = FakeCodebook()
N = 30
# ten decisions, as typed by a reviewer (one with a note in non-ASCII text)
DECISIONS = {f"pid{i:04d}": ("P5", "") for i in range(1, 8)}
DECISIONS.update(
    {
        "pid0010": ("none", "off-topic"),
        "pid0011": ("P1; P3", ""),
        "pid0012": ("P2", "Café, São Paulo, Hà Nội: digital"),
    }
)


def _bundle() -> dict:
    passages = make_passages(N)
    return {
        "passages": passages,
        "scores": make_scores(passages, CB),
        "embeddings": np.random.default_rng(0).random((len(passages), 8), dtype=np.float32),
        "themes": make_themes(),
        "rejected": make_rejected(),
        "files": make_files(),
        "codebook": CB,
        "run_info": {"round": "r1", "stage seconds": {}},
        "started": time.time(),
    }


def _run(out: Path) -> report.Outcome:
    return report.report(
        RoundPaths.for_round("r1", outputs=out), report.Bundle(**_bundle()), ConsultConfig()
    )


def _book(out: Path) -> Path:
    return out / "r1" / "consultation-summary-r1.xlsx"


def _edit(book: Path, changes: dict[str, tuple[str, str]], header: dict | None = None) -> None:
    """Type into the Passages sheet as a reviewer would, then save in place."""
    wb = load_workbook(book)
    ws = wb["Passages"]
    names = [c.value for c in ws[1]]
    if changes:
        pid_col = names.index("Passage ID") + 1
        rp, rn = names.index("Reviewer priorities") + 1, names.index("Reviewer note") + 1
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, pid_col).value in changes:
                ws.cell(r, rp).value, ws.cell(r, rn).value = changes[ws.cell(r, pid_col).value]
    for old, new in (header or {}).items():
        ws.cell(1, names.index(old) + 1).value = new
    wb.save(book)


def _shown(book: Path) -> dict[str, tuple]:
    """Passage id -> (Reviewer priorities, Final priorities, Decided by) for reviewed rows."""
    ws = load_workbook(book, read_only=True)["Passages"]
    rows = list(ws.iter_rows(values_only=True))
    h = list(rows[0])
    return {
        r[h.index("Passage ID")]: (
            r[h.index("Reviewer priorities")],
            r[h.index("Final priorities")],
            r[h.index("Decided by")],
        )
        for r in rows[1:]
        if r[h.index("Decided by")] == "reviewer"
    }


def _quality(book: Path) -> str:
    ws = load_workbook(book, read_only=True)["Data quality"]
    return "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)


@pytest.fixture(scope="module")
def _reviewed_once(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reviewed") / "outputs"
    _run(out)
    _edit(_book(out), DECISIONS)
    _run(out)
    assert len(_shown(_book(out))) == len(DECISIONS)
    return out


@pytest.fixture
def reviewed(_reviewed_once, tmp_path) -> Path:
    """A round whose workbook holds ten reviewer decisions, stored by one re-run (a copy)."""
    out = tmp_path / "outputs"
    shutil.copytree(_reviewed_once, out)
    return out


def _expect_all_decisions(book: Path) -> None:
    shown = _shown(book)
    assert set(shown) == set(DECISIONS)
    assert shown["pid0010"] == ("none", None, "reviewer")  # no priority fits
    assert shown["pid0001"] == ("P5", "P5", "reviewer")
    assert shown["pid0011"][1] == "P1;P3"
    store = store_io.load_store(book.parent / "reviews.csv")
    assert set(store[schema.PASSAGE_ID]) == set(DECISIONS)
    assert (
        store.set_index(schema.PASSAGE_ID).loc["pid0012", schema.REVIEWER_NOTE]
        == (DECISIONS["pid0012"][1])
    )
