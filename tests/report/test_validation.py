"""The Validation sheet is blind, its coding comes back as reviewer decisions, and the Overview
reports the model against it with the gate."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from consult import schema
from consult.config import ReviewConfig
from consult.report.workbook import SHEETS, ReportData, write_workbook
from consult.reviews import rules as reviews
from consult.reviews import store as store_io
from consult.reviews.edits import EditsLayoutError, read_edits
from consult.reviews.readback import remember_written
from consult.reviews.sample import draw
from consult.reviews.sources import archive, collect
from consult.workspace import workbook_name
from tests.support.report_fakes import FakeCodebook, make_passages

CB = FakeCodebook()
REVIEW = ReviewConfig(gate_n=3, bootstrap_resamples=200)


def _run(folder: Path, passages: pd.DataFrame, sample: pd.DataFrame, when: str) -> Path:
    """What the report step does: reconcile decisions, then write the workbook."""
    book = folder / workbook_name("r1")
    cache = folder / ".cache" / "edits"
    got = collect(book, folder / "reviews.csv", CB, when, cache)
    if got.target == book:
        archive(book, when)
    tagged = reviews.apply_reviews(passages, got.store)
    data = ReportData(
        round="r1",
        passages=tagged,
        codebook=CB,
        run_at=when,
        review_problems=got.problems(),
        validation=sample,
        review=REVIEW,
    )
    write_workbook(got.target, data)
    remember_written(got.target, tagged, cache, when)
    return got.target


def _sheet(book: Path, title: str) -> tuple[list, list[tuple]]:
    rows = list(load_workbook(book, read_only=True)[title].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and "Passage ID" in r)
    return list(rows[head]), [r for r in rows[head + 1 :] if any(v is not None for v in r)]


def _type(book: Path, title: str, entries: dict[str, str]) -> None:
    """A reviewer types into a sheet's 'Reviewer priorities' column and saves."""
    wb = load_workbook(book)
    ws = wb[title]
    header_row = next(r for r in range(1, 6) if ws.cell(r, 2).value == "Passage ID")
    header = [c.value for c in ws[header_row]]
    pid_col, col = header.index("Passage ID") + 1, header.index("Reviewer priorities") + 1
    for r in range(header_row + 1, ws.max_row + 1):
        pid = ws.cell(r, pid_col).value
        if pid in entries:
            ws.cell(r, col).value = entries[pid]
    wb.save(book)


def _validation_rows(book: Path) -> list[list]:
    rows = list(load_workbook(book, read_only=True)["Overview"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("Validation"))
    head = next(i for i in range(start, len(rows)) if rows[i][0] == "Priority")
    out = []
    for r in rows[head + 1 :]:
        if r[0] is None:
            break
        out.append(list(r))
    return [list(rows[head])] + out


def test_the_validation_sheet_is_blind(tmp_path):
    passages = make_passages(40)
    sample = draw(passages, 12, seed=3, kept=None, when="t0").sample
    book = _run(tmp_path, passages, sample, "2026-05-01T00:00:00Z")
    wb = load_workbook(book, read_only=True)
    assert wb.sheetnames == SHEETS[:5] + ["Validation"] + SHEETS[5:]
    header, rows = _sheet(book, "Validation")
    assert len(rows) == 12
    for word in ("Model", "Confidence", "Status", "Final", "Decided", "Theme", "score"):
        assert not any(word.casefold() in str(h).casefold() for h in header), word
    shown = {str(v) for r in rows for v in r if v is not None}
    by_id = passages.set_index(schema.PASSAGE_ID)
    for pid in sample[schema.PASSAGE_ID]:
        rec = by_id.loc[pid]
        assert rec[schema.TEXT] in shown
        assert str(rec[schema.CONFIDENCE]) not in shown
        assert rec[schema.THEME_LABEL] not in shown
    tags = {t for v in passages[schema.PRIORITIES] for t in str(v).split(";") if t}
    assert not (shown & tags | shown & {"tagged", "uncertain", "no-fit"})
    assert [r[header.index("No.")] for r in rows] == list(range(1, 13))  # random order kept
    overview = [c for r in wb["Overview"].iter_rows(values_only=True) for c in r if c]
    assert "No sample passage has been coded yet." in overview


def test_blind_coding_is_read_back_as_decisions_and_scored(tmp_path):
    passages = make_passages(60)
    sample = draw(passages, 20, seed=3, kept=None, when="t0").sample
    book = _run(tmp_path, passages, sample, "2026-05-01T00:00:00Z")
    model = dict(zip(passages[schema.PASSAGE_ID], passages[schema.PRIORITIES]))
    ids = sample[schema.PASSAGE_ID].tolist()
    # the reviewer agrees with the model on P1 passages and says "none" for the first P2 one
    coding = {}
    for pid in ids:
        tags = model[pid]
        coding[pid] = tags if tags and not tags.startswith("P2") else "none"
    _type(book, "Validation", coding)
    book = _run(tmp_path, passages, sample, "2026-05-02T00:00:00Z")

    store = store_io.load_store(tmp_path / "reviews.csv")
    stored = dict(zip(store[schema.PASSAGE_ID], store[reviews.REVIEWER_INPUT]))
    assert stored == coding  # every coded passage is a reviewer decision in reviews.csv
    confirmed = store[store[reviews.DECISION].isin(reviews.CONFIRMED)]
    assert len(confirmed) == 20 and (confirmed[schema.TEXT] != "").all()
    examples = reviews.labelled_examples(store)  # what the tagger learns from
    assert len(examples) == 20

    _, rows = _sheet(book, "Validation")  # shown back where it was typed
    assert {r[1]: r[3] for r in rows} == coding
    header, *table = _validation_rows(book)
    gate = "Gate: F1 >= 0.75 with n >= 3"
    assert header[:3] == ["Priority", "Label", gate] and header[4:6] == ["F1", "F1, 95% interval"]
    got = {r[0]: dict(zip(header, r)) for r in table}
    n = header[3]
    p1 = got["P1"]
    assert p1["F1"] == 1.0 and p1["Precision (95% interval)"] == "1.00 (1.00\u20131.00)"
    assert p1[gate] == ("passes" if p1[n] >= 3 else "too few passages")
    p2 = got["P2"]  # the model's P2-first passages were coded "none": each a false alarm
    ref = [set(c.split(";")) for c in coding.values()]
    said = [set(model[pid].split(";")) for pid in coding]
    both = sum("P2" in a and "P2" in b for a, b in zip(said, ref))
    false = sum("P2" in a and "P2" not in b for a, b in zip(said, ref))
    missed = sum("P2" not in a and "P2" in b for a, b in zip(said, ref))
    assert false and p2[n] == both + false + missed
    assert p2["F1"] == round(2 * both / (2 * both + false + missed), 4)
    assert p2["Precision (95% interval)"].startswith(f"{both / (both + false):.2f} (")
    assert p2[gate] in ("fails", "too few passages")
    assert got[reviews.ALL_PRIORITIES][gate] is None
    low, high = (float(x) for x in p2["F1, 95% interval"].split("\u2013"))
    assert low <= p2["F1"] <= high
    overview = [c for r in load_workbook(book)["Overview"].iter_rows(values_only=True) for c in r]
    assert any(
        str(c).startswith("Sample passages coded by reviewers: 20 of the 20") for c in overview
    )


def test_a_change_on_passages_wins_over_the_same_passage_unchanged_on_validation(tmp_path):
    passages = make_passages(30)
    sample = draw(passages, 10, seed=4, kept=None, when="t0").sample
    pid = sample[schema.PASSAGE_ID].iloc[0]
    book = _run(tmp_path, passages, sample, "2026-05-01T00:00:00Z")
    _type(book, "Validation", {pid: "P3"})
    book = _run(tmp_path, passages, sample, "2026-05-02T00:00:00Z")
    # both sheets now show P3; the reviewer changes it on Passages only
    wb = load_workbook(book)
    ws = wb["Passages"]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == pid:
            ws.cell(r, header.index("Reviewer priorities") + 1).value = "P4"
    wb.save(book)
    book = _run(tmp_path, passages, sample, "2026-05-03T00:00:00Z")
    store = store_io.load_store(tmp_path / "reviews.csv")
    assert store.set_index(schema.PASSAGE_ID).loc[pid, reviews.REVIEWER_INPUT] == "P4"
    _, rows = _sheet(book, "Validation")
    assert {r[1]: r[3] for r in rows}[pid] == "P4"


def test_no_sample_no_sheet_and_the_overview_says_how_to_draw_one(tmp_path):
    book = _run(tmp_path, make_passages(10), None, "2026-05-01T00:00:00Z")
    wb = load_workbook(book, read_only=True)
    assert wb.sheetnames == SHEETS
    overview = [c for r in wb["Overview"].iter_rows(values_only=True) for c in r if c]
    assert any("--validation-sample N" in str(c) for c in overview)


def test_a_renamed_header_on_validation_is_an_error_not_a_silent_skip(tmp_path):
    passages = make_passages(20)
    sample = draw(passages, 5, seed=1, kept=None, when="t0").sample
    book = _run(tmp_path, passages, sample, "2026-05-01T00:00:00Z")
    wb = load_workbook(book)
    wb["Validation"].cell(2, 4).value = "My coding"
    wb.save(book)
    with pytest.raises(EditsLayoutError, match="Sheet `Validation`.*Reviewer priorities"):
        read_edits(book)
