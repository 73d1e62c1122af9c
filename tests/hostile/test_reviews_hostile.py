"""Reviewer decisions survive what careless users and other programs do to their files.

Each test runs the flow's report step (consult.pipeline.report.report) on small hand-made stage outputs, as
the flow does after tagging, then damages a file the way the hostile review did: reviews.csv
deleted, re-saved as cp1252, given a bad or cut line, edited by hand; the workbook's header
renamed, a formula typed, the workbook left open in Excel or LibreOffice. The rule checked
throughout: no decision is lost, and anything unusual is named on Data quality.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from consult import schema
from consult.reviews import rules as reviews
from consult.reviews import store as review_store
from consult.reviews import store as store_io
from tests.support.review_harness import (  # noqa: E402
    DECISIONS,
    _book,
    _edit,
    _expect_all_decisions,
    _quality,
    _run,
    _shown,
)


# ---- reviews.csv deleted or damaged -------------------------------------------------------------
@pytest.mark.parametrize(
    "lost",
    [
        ["reviews.csv"],
        ["reviews.csv", "previous/reviews-copy.csv"],
        ["reviews.csv", "previous/reviews-copy.csv", ".cache"],
    ],
)
def test_deleted_reviews_csv_loses_no_decision(reviewed, lost):
    out = reviewed
    rnd = out / "r1"
    assert _run(out).reused  # nothing changed: outputs kept, as before
    for rel in lost:
        target = rnd / rel
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    result = _run(out)
    _expect_all_decisions(_book(out))
    assert any("reviews.csv" in n and "missing" in n for n in result.notices)
    assert "reviews.csv" in _quality(_book(out)) and "missing" in _quality(_book(out))
    assert not _run(out).notices  # rebuilt once; the next run is quiet again


def _resave_cp1252(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    path.write_bytes(text.encode("cp1252", errors="replace"))


def _bad_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    lines.insert(3, 'pid0099,"P1, this line was pasted,\r\n')
    path.write_text("".join(lines), encoding="utf-8")


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 90])


def _edit_row(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace("pid0003,P5,P5", "pid0003,P1,P1", 1), encoding="utf-8-sig")
    assert "pid0003,P1,P1" in path.read_text(encoding="utf-8-sig")


def _not_csv(path: Path) -> None:
    path.write_bytes(b"\x00\xff garbage \x00" * 50)


@pytest.mark.parametrize(
    "damage, copy_too",
    [
        (_resave_cp1252, False),
        (_bad_line, False),
        (_truncate, False),
        (_edit_row, False),
        (_not_csv, False),
        (_resave_cp1252, True),
        (_truncate, True),
        (_edit_row, True),
    ],
)
def test_damaged_reviews_csv_is_named_and_recovered(reviewed, damage, copy_too):
    out = reviewed
    rnd = out / "r1"
    damage(rnd / "reviews.csv")
    if copy_too:
        damage(rnd / "previous" / "reviews-copy.csv")
    result = _run(out)  # no exception: the round completes
    _expect_all_decisions(_book(out))
    named = [n for n in result.notices if "reviews.csv" in n]
    assert named, result.notices
    kept = list((rnd / "previous").glob("reviews-damaged-*.csv"))
    assert kept and "damaged file is kept" in named[0]
    assert review_store.read_journal(rnd / "reviews.csv").intact  # rebuilt whole
    if damage is _edit_row:  # the hand edit is not applied, and it is listed
        assert _shown(_book(out))["pid0003"][1] == "P5"
        assert "pid0003" in _quality(_book(out))


def test_rows_cut_from_the_end_of_reviews_csv_come_back_from_its_copy(reviewed):
    path = reviewed / "r1" / "reviews.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path.write_text("".join(lines[:-3]), encoding="utf-8-sig")  # whole rows: checksums hold
    result = _run(reviewed)
    _expect_all_decisions(_book(reviewed))
    assert any("lacked rows its copy holds" in n for n in result.notices)


def test_a_decision_found_only_in_a_damaged_line_is_applied_and_listed(reviewed):
    """Every other trace gone: the damaged line is all there is, so it counts, flagged."""
    out = reviewed
    rnd = out / "r1"
    for path in [
        rnd / "previous" / "reviews-copy.csv",
        _book(out),
        *(rnd / "previous").glob("*.xlsx"),
    ]:
        path.unlink()
    shutil.rmtree(rnd / ".cache")
    _edit_row(rnd / "reviews.csv")
    _bad_line(rnd / "reviews.csv")  # and a line naming no passage of the round
    _run(out)
    assert _shown(_book(out))["pid0003"][1] == "P1"  # as the line reads
    quality = _quality(_book(out))
    assert "pid0003" in quality and "found nowhere else" in quality
    assert "pid0099" in quality and "not applied" in quality
    assert "pid0099" not in set(store_io.load_store(rnd / "reviews.csv")[schema.PASSAGE_ID])


def test_a_legacy_reviews_csv_is_read_and_converted(tmp_path):
    """reviews.csv as consult 0.1 wrote it (no checksum) keeps its decisions."""
    out = tmp_path / "outputs"
    _run(out)
    legacy = (
        ",".join(reviews.STORE_COLUMNS) + "\n"
        "pid0001,P5,P5,priorities,,checked,text,P1,2026-01-01,2026-01-01\n"
    )
    (out / "r1" / "reviews.csv").write_text(legacy, encoding="utf-8")
    _run(out)
    assert _shown(_book(out))["pid0001"][1] == "P5"
    assert review_store.CHAIN in (out / "r1" / "reviews.csv").read_text(encoding="utf-8-sig")


# ---- the workbook: renamed headers, formulas, open in Excel -------------------------------------
@pytest.mark.parametrize("renamed", ["Passage ID", "Reviewer priorities"])
def test_a_renamed_header_never_loses_the_edits_in_that_workbook(reviewed, renamed):
    out = reviewed
    book = _book(out)
    _edit(book, {"pid0020": ("P4", "new edit")}, header={renamed: "Renamed by reviewer"})
    before = book.read_bytes()
    result = _run(out)
    assert book.read_bytes() == before  # not overwritten
    beside = Path(result.workbook)
    assert beside != book and beside.parent == book.parent and "(new " in beside.name
    assert set(_shown(beside)) == set(DECISIONS)  # stored decisions kept
    quality = _quality(beside)
    assert book.name in quality and renamed in quality and "Rename the column back" in quality
    # the reviewer puts the header back: the edit counts, one workbook again
    _edit(book, {}, header={"Renamed by reviewer": renamed})
    result = _run(out)
    assert Path(result.workbook) == book
    assert _shown(book)["pid0020"] == ("P4", "P4", "reviewer")
    assert not list(book.parent.glob("* (new *).xlsx"))  # moved to previous/
    assert list((book.parent / "previous").glob("* (new *)*.xlsx"))


def test_a_formula_in_reviewer_priorities_is_read_and_reported(reviewed):
    out = reviewed
    _edit(_book(out), {"pid0020": ("=P4", "=A1&B1"), "pid0021": ('="P1; P2"', "")})
    _run(out)
    shown = _shown(_book(out))
    assert shown["pid0020"][1] == "P4" and shown["pid0021"][1] == "P1;P2"
    quality = _quality(_book(out))
    assert "formula `=P4`" in quality and "Passages!" in quality
    assert "formula `=A1&B1`" in quality  # a note formula is kept as typed, and reported


def test_an_entry_whose_passage_id_was_cleared_is_listed(reviewed):
    out = reviewed
    wb = load_workbook(_book(out))
    ws = wb["Passages"]
    names = [c.value for c in ws[1]]
    ws.cell(25, names.index("Passage ID") + 1).value = None
    ws.cell(25, names.index("Reviewer priorities") + 1).value = "P2"
    ws.cell(25, names.index("Reviewer note") + 1).value = "orphan note"
    wb.save(_book(out))
    _run(out)
    quality = _quality(_book(out))
    assert "row 25 of sheet `Passages`" in quality and "orphan note" in quality


@pytest.mark.parametrize(
    "lock, is_lock",
    [
        ("~$consultation-summary-r1.xlsx", True),
        ("~$nsultation-summary-r1.xlsx", True),
        (".~lock.consultation-summary-r1.xlsx#", True),
        ("~$consultation-summary-r1 (new 20261202-051708).xlsx", False),
        (".~lock.consultation-summary-r2.xlsx#", False),
        ("~$r1.xlsx", False),
    ],
)
def test_lock_files_of_excel_and_libreoffice_are_recognised(tmp_path, lock, is_lock):
    from consult.reviews.files import lock_file

    book = tmp_path / "consultation-summary-r1.xlsx"
    book.write_bytes(b"")
    (tmp_path / lock).write_bytes(b"x")
    assert (lock_file(book) == tmp_path / lock) is is_lock


def test_an_open_workbook_is_not_replaced(reviewed):
    out = reviewed
    lock = "~$consultation-summary-r1.xlsx"
    book = _book(out)
    _edit(book, {"pid0020": ("P3", "saved while open")})
    (book.parent / lock).write_bytes(b"reviewer,host")
    before = book.read_bytes()
    result = _run(out)
    assert book.read_bytes() == before
    beside = Path(result.workbook)
    assert beside != book and _shown(beside)["pid0020"][1] == "P3"  # its saved edits count
    assert any(lock in n for n in result.notices)
    assert lock in _quality(beside)
    info = [
        c
        for row in load_workbook(beside, read_only=True)["Run info"].iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert beside.name in info
    # a second reviewer edits the new workbook; the first closes Excel and edits more
    _edit(beside, {"pid0021": ("P2", "")})
    (book.parent / lock).unlink()
    _edit(book, {"pid0022": ("P1", "")})
    result = _run(out)
    assert Path(result.workbook) == book
    shown = _shown(book)
    assert shown["pid0020"][1] == "P3" and shown["pid0021"][1] == "P2"
    assert shown["pid0022"][1] == "P1"
    assert not beside.exists()


def test_a_stale_copy_does_not_undo_a_newer_decision(reviewed):
    """Two workbooks: one edited later on another passage still shows the old decision."""
    out = reviewed
    book = _book(out)
    _edit(book, {"pid0020": ("P3", "")})
    lock = book.parent / ".~lock.consultation-summary-r1.xlsx#"
    lock.write_bytes(b"x")
    beside = Path(_run(out).workbook)  # written beside: shows pid0001 = P5
    assert beside != book
    lock.unlink()
    _edit(book, {"pid0001": ("P2", "changed my mind")})
    _edit(beside, {"pid0025": ("P4", "")})  # saved later, pid0001 still shows P5
    _run(out)
    shown = _shown(book)
    assert shown["pid0001"][1] == "P2" and shown["pid0025"][1] == "P4"


# ---- reviews.csv is safe to open in a spreadsheet -----------------------------------------------
HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "'quoted",
    '=HYPERLINK("x")',
]


def test_reviews_csv_holds_no_live_formula_and_reads_back_exactly(tmp_path):
    edits = [
        {
            schema.PASSAGE_ID: f"p{i}",
            schema.REVIEWER_PRIORITIES: "A",
            schema.REVIEWER_NOTE: text,
            schema.TEXT: text,
        }
        for i, text in enumerate(HOSTILE)
    ]
    import pandas as pd

    store, _ = reviews.merge_reviews(None, pd.DataFrame(edits), CB_AB, "t")
    path = store_io.save_store(store, tmp_path / "reviews.csv")
    for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")):
        assert not any(field.startswith(("=", "+", "-", "@", "\t", "\r")) for field in row), row
    back = store_io.load_store(path).set_index(schema.PASSAGE_ID)
    for i, text in enumerate(HOSTILE):  # as stored: stripped, otherwise exact
        assert back.loc[f"p{i}", schema.REVIEWER_NOTE] == text.strip()
        assert back.loc[f"p{i}", schema.TEXT] == text.strip()
    copy = review_store.copy_path(path)
    assert copy.read_bytes() == path.read_bytes()


class _AB:
    name, sha256 = "ab", "0" * 64

    def resolve(self, token: str) -> str:
        if token.strip().upper() in ("A", "B"):
            return token.strip().upper()
        raise KeyError(f"`{token}` is not a priority")


CB_AB = _AB()


@pytest.mark.parametrize("table", ["passages.csv", "passages.parquet"])
def test_a_deleted_passage_table_is_written_again(reviewed, table):
    out = reviewed
    assert _run(out).reused
    (out / "r1" / table).unlink()
    result = _run(out)
    assert not result.reused and (out / "r1" / table).is_file()
    _expect_all_decisions(_book(out))
