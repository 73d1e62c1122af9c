"""The Review queue sheet: passages in the queue's order, why each is there, and decisions typed
there read back like those on Passages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from consult import schema
from consult.report import review_queue as rq
from consult.report.workbook import ReportData, write_workbook
from consult.reviews import rules as reviews
from consult.reviews import store as store_io
from consult.reviews.readback import remember_written
from consult.reviews.sources import collect
from consult.workspace import workbook_name
from tests.support.report_fakes import FakeCodebook, make_passages

CB = FakeCodebook()


def _scores(rows: list[list[float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[schema.score_column(p.id) for p in CB.priorities])


def test_reasons_say_why_in_words():
    passages = pd.DataFrame(
        {
            schema.PRIORITIES: ["P1", "", "P2", "P3", ""],
            schema.CONFIDENCE: [0.9, 0.7, 0.3, 0.9, 0.4],
            schema.TAG_STATUS: ["tagged", "no-fit", "uncertain", "tagged", "uncertain"],
        }
    )
    scores = _scores(
        [
            [0.9, 0.85, 0.1, 0.0, 0.0],  # close call between P1 and P2
            [0.2, 0.1, 0.0, 0.0, 0.0],  # nothing fits
            [0.1, 0.6, 0.2, 0.0, 0.0],  # uncertain, low confidence
            [0.0, 0.0, 0.9, 0.1, 0.0],  # confident, P3 well known
            [0.3, 0.1, 0.0, 0.0, 0.0],  # uncertain, nothing assigned
        ]
    )
    why = rq.reasons(passages, scores, {"P1": 50, "P2": 2, "P3": 40})
    assert why[0] == "close call: P1 0.90 vs P2 0.85"
    assert why[1].startswith("no priority fits (nearest P1, score 0.20)")
    assert "few confirmed passages for P1 (50)" not in why[1]
    assert why[2] == (
        "close call (status uncertain); low confidence (0.30); few confirmed passages for P2 (2)"
    )
    assert why[3] == "unlike the passages above it in the queue"
    assert why[4].startswith("close call: nothing fits clearly (nearest P1")


def test_candidates_leave_out_decided_sampled_facilitator_and_copies():
    passages = reviews.apply_reviews(make_passages(20), None)
    passages.loc[0, schema.FINAL_SOURCE] = reviews.REVIEWER
    passages.loc[1, schema.DUPLICATE_OF] = "pid0003"
    rows = set(rq.candidates(passages, {"pid0002"}))
    assert not rows & {0, 1, 2, 6, 13}  # decided, a copy, sampled, facilitator turns
    assert {3, 4, 5, 7} <= rows


def _run(folder: Path, passages: pd.DataFrame, when: str) -> tuple[Path, pd.DataFrame]:
    book = folder / workbook_name("r1")
    cache = folder / ".cache" / "edits"
    got = collect(book, folder / "reviews.csv", CB, when, cache)
    tagged = reviews.apply_reviews(passages, got.store)
    order = list(rq.candidates(tagged, set()))[::-1][:5]  # any order: the sheet keeps it
    scores = _scores([[0.5, 0.45, 0.0, 0.0, 0.0]] * len(tagged))
    queue = rq.queue_table(tagged, scores, order, {"P1": 0})
    data = ReportData(round="r1", passages=tagged, codebook=CB, run_at=when, review_queue=queue)
    write_workbook(got.target, data)
    remember_written(got.target, tagged, cache, when)
    return got.target, queue


def _queue_sheet(book: Path) -> tuple[list, list[tuple]]:
    rows = list(load_workbook(book, read_only=True)["Review queue"].iter_rows(values_only=True))
    return list(rows[1]), [r for r in rows[2:] if r[0] is not None]


def test_the_sheet_keeps_the_queue_order_and_reads_decisions_back(tmp_path):
    passages = make_passages(30)
    book, queue = _run(tmp_path, passages, "2026-05-01T00:00:00Z")
    header, rows = _queue_sheet(book)
    assert header[:6] == [
        "Rank",
        "Passage ID",
        "Text",
        "Model priorities",
        "Reviewer priorities",
        "Reviewer note",
    ]
    assert "Why here" in header and "Confidence" in header and "Status" in header
    assert [r[1] for r in rows] == queue[schema.PASSAGE_ID].tolist()
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert [r[header.index("Why here")] for r in rows] == queue[rq.WHY].tolist()
    assert all("P1" in r[header.index("Why here")] for r in rows)
    first = rows[0][1]
    wb = load_workbook(book)
    wb["Review queue"].cell(3, 5).value = "P4"  # the first queued passage
    wb.save(book)
    book, queue = _run(tmp_path, passages, "2026-05-02T00:00:00Z")
    store = store_io.load_store(tmp_path / "reviews.csv")
    assert store.set_index(schema.PASSAGE_ID).loc[first, reviews.REVIEWER_INPUT] == "P4"
    _, rows = _queue_sheet(book)
    assert first not in [r[1] for r in rows]  # decided: it left the queue
    passages_rows = list(
        load_workbook(book, read_only=True)["Passages"].iter_rows(values_only=True)
    )
    assert next(r for r in passages_rows if r[0] == first)[3] == "P4"


def test_without_a_queue_the_sheet_says_why(tmp_path):
    data = ReportData(round="r1", passages=make_passages(5), codebook=CB)
    book = write_workbook(tmp_path / "wb.xlsx", data)
    cells = [c for r in load_workbook(book)["Review queue"].iter_rows(values_only=True) for c in r]
    assert "No review queue in this workbook (it is computed when the round runs)." in cells
