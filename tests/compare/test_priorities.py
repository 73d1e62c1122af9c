"""Per-priority and per-group comparison: the counts are the Priorities sheet's own, reviewer
decisions included; codebook differences are listed; thin groups are marked."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from consult import schema as S
from consult.compare.basis import StoredCodebook, StoredPriority
from consult.compare.priorities import compare_groups, compare_priorities, count_round
from consult.report.workbook import ReportData, write_workbook
from consult.reviews import rules as reviews
from tests.support.report_fakes import FakeCodebook, make_passages

DECISIONS = [("pid0000", "P5"), ("pid0001", "none"), ("pid0002", "P1; P2"), ("pid0003", "P4")]


def _reviewed(n: int = 60) -> pd.DataFrame:
    edits = pd.DataFrame(
        [
            {S.PASSAGE_ID: pid, S.REVIEWER_PRIORITIES: typed, S.REVIEWER_NOTE: "", S.TEXT: ""}
            for pid, typed in DECISIONS
        ]
    )
    store, _ = reviews.merge_reviews(None, edits, FakeCodebook(), "2026-01-01T00:00:00Z")
    return reviews.apply_reviews(make_passages(n), store)


def _sheet_counts(path) -> dict[str, int]:
    ws = load_workbook(path, read_only=True)["Priorities"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Priority ID")
    col = rows[head].index("Passages")
    return {r[0]: r[col] for r in rows[head + 1 :] if r and r[0]}


def test_counts_are_the_priorities_sheet_counts_with_reviewer_decisions(tmp_path):
    cb = FakeCodebook()
    passages = _reviewed()
    path = write_workbook(tmp_path / "wb.xlsx", ReportData("r1", passages, cb))
    counts = count_round(passages, cb, "r1")
    assert dict(zip(counts.table["id"], counts.table["Passages"])) == _sheet_counts(path)
    model_only = count_round(reviews.apply_reviews(make_passages(60), None), cb, "r1")
    assert not counts.table["Passages"].equals(model_only.table["Passages"])  # decisions count


def test_change_and_interval_per_priority():
    cb = FakeCodebook()
    before = count_round(_reviewed(60), cb, "r1")
    after_passages = _reviewed(60)
    after_passages[S.FINAL_PRIORITIES] = "P1"  # everyone now talks about P1 only
    after = count_round(after_passages, cb, "r2")
    table = compare_priorities(before, after).set_index(S.CMP_PRIORITY_ID)
    assert list(table.columns[:9]) == S.COMPARISON_COLUMNS[1:10]
    p1, p2 = table.loc["P1"], table.loc["P2"]
    assert p1[S.COUNT_AFTER] == after.n and p1[S.SHARE_AFTER] == 1.0
    assert p1[S.CHANGE_PP] == pytest.approx(100 * (1 - p1[S.SHARE_BEFORE]), abs=0.01)
    assert p1[S.SIGNIFICANT] and p1[S.CI_LOW_PP] > 0
    assert p2[S.COUNT_AFTER] == 0 and p2[S.SIGNIFICANT] and p2[S.CI_HIGH_PP] < 0
    assert (table[S.ROUND_BEFORE] == "r1").all() and (table[S.ROUND_AFTER] == "r2").all()
    assert (table[S.CMP_NOTE] == "").all()  # one codebook: nothing to say


def _codebook(*items) -> StoredCodebook:
    return StoredCodebook("cb", "", [StoredPriority(*i) for i in items])


def test_different_codebooks_compare_shared_ids_and_list_the_rest():
    old = _codebook(("P1", "Roads", "Roads."), ("P2", "Digital", "Old text."), ("P4", "Rules", ""))
    new = _codebook(("P1", "Roads", "Roads."), ("P2", "Digital", "New text."), ("P9", "Jobs", ""))
    passages = _reviewed()
    before = count_round(passages, old, "r1")
    after = count_round(passages, new, "r2")
    table = compare_priorities(before, after).set_index(S.CMP_PRIORITY_ID)
    assert table.index.tolist() == ["P1", "P2", "P9", "P4"]
    assert table.loc["P1", S.CMP_NOTE] == ""
    assert "description changed" in table.loc["P2", S.CMP_NOTE]
    assert table.loc["P2", S.CHANGE_PP] == 0.0  # still compared
    assert "not in the codebook of r1" in table.loc["P9", S.CMP_NOTE]
    assert pd.isna(table.loc["P9", S.CHANGE_PP]) and pd.isna(table.loc["P9", S.COUNT_BEFORE])
    assert "not in the codebook of r2" in table.loc["P4", S.CMP_NOTE]
    # a description an older round did not record is never flagged as changed
    unknown = _codebook(("P2", "Digital", None))
    t = compare_priorities(count_round(passages, unknown, "r1"), after)
    assert t.set_index(S.CMP_PRIORITY_ID).loc["P2", S.CMP_NOTE] == ""


def test_groups_with_too_few_passages_are_marked():
    cb = FakeCodebook()
    before = count_round(_reviewed(60), cb, "r1")
    later = _reviewed(60)
    later.loc[[0, 1, 2], S.COUNTRY] = "SGP"  # a Member State new in this round, thinly heard
    after = count_round(later, cb, "r2")
    table = compare_groups(before, after, S.COUNTRY, min_passages=5)
    per_group = table.groupby(S.CMP_GROUP).first()
    assert set(per_group.index) == {"IDN", "THA", "VNM", "PHL", "SGP", "(not given)"}
    assert ((per_group[S.N_BEFORE] >= 5) & (per_group[S.N_AFTER] >= 5)).equals(
        per_group[S.CMP_ENOUGH]
    )
    assert per_group[S.CMP_ENOUGH].to_dict() == {
        "(not given)": True,
        "IDN": True,
        "PHL": True,
        "SGP": False,
        "THA": True,
        "VNM": True,
    }
    assert per_group.loc["SGP", S.N_BEFORE] == 0
    assert len(table) == 6 * len(cb.priorities)
