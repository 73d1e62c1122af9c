"""A reviewer's edit survives re-runs, changes the counts, and is never lost."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from consult import schema
from consult.report.workbook import ReportData, write_workbook
from consult.reviews import rules as reviews
from consult.reviews import store as store_io
from consult.reviews.readback import remember_written
from consult.reviews.sources import archive, collect
from consult.workspace import workbook_name
from tests.support.report_fakes import (
    FakeCodebook,
    make_passages,
    make_priority_quotes,
    make_themes,
)


def _run(folder: Path, passages: pd.DataFrame, cb, when: str) -> tuple[Path, pd.DataFrame]:
    """What the flow does for a round: carry reviews forward, then write the new workbook."""
    book = folder / workbook_name("r1")
    cache = folder / ".cache" / "edits"
    got = collect(book, folder / "reviews.csv", cb, when, cache)
    if got.target == book:
        archive(book, when)
    tagged = reviews.apply_reviews(passages, got.store)
    data = ReportData(
        round="r1",
        passages=tagged,
        codebook=cb,
        run_at=when,
        themes=make_themes(),
        priority_quotes=make_priority_quotes(tagged),
        orphaned=reviews.orphaned(tagged, got.store),
        agreement=reviews.agreement(tagged, cb),
        review_problems=got.problems(),
    )
    write_workbook(got.target, data)
    remember_written(got.target, tagged, cache, when)
    return got.target, tagged


def _edit(book: Path, changes: dict[str, tuple[str, str]], *, shuffle: bool = False) -> None:
    """Type into the Passages sheet as a reviewer would, then save in place."""
    wb = load_workbook(book)
    ws = wb["Passages"]
    header = [c.value for c in ws[1]]
    pid_col = header.index("Passage ID") + 1
    rp = header.index("Reviewer priorities") + 1
    rn = header.index("Reviewer note") + 1
    for r in range(2, ws.max_row + 1):
        pid = ws.cell(r, pid_col).value
        if pid in changes:
            ws.cell(r, rp).value, ws.cell(r, rn).value = changes[pid]
    if shuffle:  # the reviewer hides a column, moves the note column and filters the table
        ws.column_dimensions["C"].hidden = True
        ws.move_range(
            f"{ws.cell(1, rn).coordinate}:{ws.cell(ws.max_row, rn).coordinate}",
            cols=ws.max_column + 1 - rn,
        )
        ws.auto_filter.add_filter_column(0, ["pid0001"])
    wb.save(book)


def _passages_for(book: Path, pid: str) -> tuple:
    ws = load_workbook(book, read_only=True)["Passages"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    row = next(r for r in rows[1:] if r[0] == pid)
    return (
        row[header.index("Reviewer priorities")],
        row[header.index("Reviewer note")],
        row[header.index("Final priorities")],
    )


def _count(book: Path, pid: str) -> int:
    ws = load_workbook(book, read_only=True)["Priorities"]
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Priority ID")
    header = list(rows[start])
    row = next(r for r in rows[start + 1 :] if r[0] == pid)
    return row[header.index("Passages")]


def test_reviewer_edit_survives_two_reruns_and_changes_counts(tmp_path):
    cb = FakeCodebook()
    passages = make_passages(30)
    assert passages.loc[1, schema.PRIORITIES] == "P2"

    book, _ = _run(tmp_path, passages, cb, "2026-11-27T10:00:00")
    p5_before, p2_before = _count(book, "P5"), _count(book, "P2")
    _edit(book, {"pid0001": ("People mobility", "About visas, not payments")}, shuffle=True)

    book, tagged = _run(tmp_path, passages, cb, "2026-11-27T11:00:00")  # re-run 1
    assert _passages_for(book, "pid0001") == ("People mobility", "About visas, not payments", "P5")
    assert _count(book, "P5") == p5_before + 1 and _count(book, "P2") == p2_before - 1
    assert tagged.loc[1, schema.FINAL_SOURCE] == "reviewer"
    assert len(list((tmp_path / "previous").glob("*.xlsx"))) == 1  # the edited copy is kept

    _edit(book, {"pid0002": ("none", ""), "pid0003": ("P1; bogus", "")})
    book, tagged = _run(tmp_path, passages, cb, "2026-11-27T12:00:00")  # re-run 2
    assert _passages_for(book, "pid0001")[2] == "P5"  # the first edit is still there
    assert _passages_for(book, "pid0002") == ("none", None, None)  # reviewer: no priority
    assert _passages_for(book, "pid0003")[2] == "P1"
    store = store_io.load_store(tmp_path / "reviews.csv")
    assert set(store[schema.PASSAGE_ID]) == {"pid0001", "pid0002", "pid0003"}
    assert store.set_index(schema.PASSAGE_ID).loc["pid0001", reviews.DECIDED_AT] == (
        "2026-11-27T11:00:00"
    )
    assert store.set_index(schema.PASSAGE_ID).loc["pid0003", reviews.REVIEWER_INPUT] == (
        "P1; bogus"
    )  # kept verbatim
    dq = [
        c
        for row in load_workbook(book)["Data quality"].iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert any("bogus" in str(c) for c in dq)

    book, _ = _run(tmp_path, passages, cb, "2026-11-27T13:00:00")  # re-run 3: nothing edited
    assert _passages_for(book, "pid0001")[2] == "P5"
    overview = [
        c
        for row in load_workbook(book)["Overview"].iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    assert "Reviewed passages: 3" in overview


def test_decisions_of_vanished_passages_are_kept_and_listed(tmp_path):
    cb = FakeCodebook()
    passages = make_passages(12)
    book, _ = _run(tmp_path, passages, cb, "2026-11-27T10:00:00")
    _edit(book, {"pid0004": ("P3", "checked")})
    _run(tmp_path, passages, cb, "2026-11-27T11:00:00")
    # the raw files changed: pid0004 is gone from the new run
    changed = passages[passages[schema.PASSAGE_ID] != "pid0004"].reset_index(drop=True)
    book, _ = _run(tmp_path, changed, cb, "2026-11-27T12:00:00")
    store = store_io.load_store(tmp_path / "reviews.csv")
    assert "pid0004" in set(store[schema.PASSAGE_ID])
    dq = [
        c
        for row in load_workbook(book)["Data quality"].iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert "pid0004" in dq and "checked" in dq
    # and it comes back when the passage does
    book, tagged = _run(tmp_path, passages, cb, "2026-11-27T13:00:00")
    assert tagged.set_index(schema.PASSAGE_ID).loc["pid0004", schema.FINAL_PRIORITIES] == "P3"
