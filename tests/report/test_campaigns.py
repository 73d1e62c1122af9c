"""Campaigns counted once (or each, by setting) in every count, and the Campaigns sheet."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from consult import schema as S
from consult.config import ConsultConfig, ReportConfig
from consult.ingest.campaigns import mark_campaigns
from consult.report.counts import (
    PASSAGES,
    breakdown,
    campaign_priorities,
    counted,
    matrix,
    no_priority_count,
    priority_rows,
    priority_table,
)
from consult.report.workbook import ReportData, prepared_passages, write_workbook
from consult.reviews import rules as reviews
from tests.support.campaigns import campaign_answers, campaign_passages
from tests.support.report_fakes import FakeCodebook

# Campaign A (8 answers): P1 on all but one, P3 on two of them, P2 on one. Campaign B (3): P2.
# Campaign C (3, Thai): no priority. The 7 answers in no campaign: P4, or P5 for the two unrelated
# answers to the first question.
EDIT_TAGS = {"sentence added": "P1;P3", "words changed": "P1;P3", "greeting and signature": "P2"}


def _tagged(store: pd.DataFrame | None = None) -> pd.DataFrame:
    answers = campaign_answers()
    cfg = ConsultConfig().ingest
    p = mark_campaigns(campaign_passages(answers), cfg.campaign_similarity, cfg.campaign_min_words)
    tags = [
        {"A": EDIT_TAGS.get(edit, "P1"), "B": "P2", "C": ""}[camp]
        if camp
        else ("P5" if edit == "unrelated" and q.startswith("Which") else "P4")
        for camp, edit, q in zip(answers["campaign"], answers["edit"], answers["question"])
    ]
    p[S.PRIORITIES] = tags
    p[S.CONFIDENCE] = 0.8
    p[S.TAG_STATUS] = ["tagged" if t else "no-fit" for t in tags]
    p[S.THEME_ID], p[S.THEME_LABEL] = 0, "theme"
    return prepared_passages(reviews.apply_reviews(p, store))


@pytest.fixture(scope="module")
def tagged() -> pd.DataFrame:
    return _tagged()


def _count(table: pd.DataFrame, pid: str) -> int:
    return int(table.loc[table["id"] == pid, PASSAGES].iloc[0])


def test_a_campaign_counts_once_with_the_priorities_half_its_answers_carry(tagged):
    cb = FakeCodebook()
    once, each = priority_table(tagged, cb), priority_table(tagged, cb, "each")
    # 7 answers in no campaign (P4 x5, P5 x2) + 3 campaigns = 10 counted units
    assert len(counted(tagged)) == 10 and len(counted(tagged, campaigns="each")) == 21
    assert [_count(once, p) for p in ("P1", "P2", "P3", "P4", "P5")] == [1, 1, 0, 5, 2]
    assert [_count(each, p) for p in ("P1", "P2", "P3", "P4", "P5")] == [7, 4, 2, 5, 2]
    assert once.loc[once["id"] == "P1", "share"].iloc[0] == pytest.approx(1 / 10)
    assert no_priority_count(tagged) == 1 and no_priority_count(tagged, "each") == 3
    camp = tagged[tagged[S.CAMPAIGN_ID] != ""]
    assert sorted(campaign_priorities(camp).values()) == ["", "P1", "P2"]
    with pytest.raises(ValueError, match="count_campaigns"):
        counted(tagged, campaigns="twice")


def test_by_member_state_a_campaign_counts_once_where_its_answers_come_from(tagged):
    cb = FakeCodebook()
    m = matrix(tagged, cb, S.COUNTRY)
    a = tagged[tagged[S.CAMPAIGN_ID] == tagged.at[0, S.CAMPAIGN_ID]]
    for country in set(a[S.COUNTRY]):  # VNM, KHM, LAO, THA: campaign A once in each
        assert m.at[country, "P1"] >= 1
    assert m.at["VNM", "P1"] == 1  # three VNM answers in A, counted once
    assert m["P1"].sum() == len(set(a[S.COUNTRY]))
    assert matrix(tagged, cb, S.COUNTRY, "each").at["VNM", "P1"] == 3
    assert breakdown(tagged, "P1", S.COUNTRY).count(" 1") == len(set(a[S.COUNTRY]))


def test_a_reviewer_decision_on_a_member_decides_for_the_campaign():
    answers = campaign_answers()
    pid = campaign_passages(answers)[S.PASSAGE_ID][(answers["edit"] == "signature").idxmax()]
    edits = pd.DataFrame(
        [{S.PASSAGE_ID: pid, S.REVIEWER_PRIORITIES: "P4", S.REVIEWER_NOTE: "", S.TEXT: ""}]
    )
    store, _ = reviews.merge_reviews(None, edits, FakeCodebook(), "2026-01-01T00:00:00Z")
    table = priority_table(_tagged(store), FakeCodebook())
    assert _count(table, "P1") == 0 and _count(table, "P4") == 6


def test_quotes_take_the_template_once(tagged):
    once = priority_rows(tagged, ["P1"])["P1"]
    assert once == [0]  # the template row stands for campaign A
    assert len(priority_rows(tagged, ["P1"], "each")["P1"]) == 7


def test_tables_without_campaign_columns_count_every_passage(tagged):
    old = tagged.drop(columns=S.CAMPAIGN_COLUMNS)
    pd.testing.assert_frame_equal(
        priority_table(old, FakeCodebook()), priority_table(tagged, FakeCodebook(), "each")
    )


def _rows(ws, first: str) -> list[tuple]:
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == first)
    return [rows[start]] + [r for r in rows[start + 1 :] if r and r[0]]


def _book(tmp_path, tagged, count: str):
    data = ReportData("r1", tagged, FakeCodebook(), config=ReportConfig(count_campaigns=count))
    return load_workbook(write_workbook(tmp_path / f"{count}.xlsx", data), read_only=True)


def test_the_campaigns_sheet_lists_each_campaign_with_template_variants_and_spread(
    tmp_path, tagged
):
    wb = _book(tmp_path, tagged, "once")
    head, *rows = _rows(wb["Campaigns"], "Campaign ID")
    rows = [dict(zip(head, r)) for r in rows]
    assert [r["Answers"] for r in rows] == [8, 3, 3]
    answers = campaign_answers()
    a = rows[0]
    template = answers.loc[answers["edit"] == "template", "text"].iloc[0]
    assert a["Template (the wording its members share most)"] == template
    assert a["Copies of the template"] == 3 and a["Other wordings"] == 5
    assert a["Variant 1"] and a["Variant 3"] and a["Variant 1"] != template
    assert a["Priorities it counts with"] == "P1 Sustainable infrastructure"
    assert a["Member States"] == "VNM 3; KHM 2; THA 2; LAO 1"
    assert a["Stakeholder groups"].startswith("Civil society 5;")
    assert a["Question"].startswith("Which issues") and a["Template source"].endswith("'Q'")
    assert rows[2]["Priorities it counts with"] == "none"  # the Thai campaign has no tag
    overview = [r for r in wb["Overview"].iter_rows(values_only=True) if r and r[0]]
    fact = next(r for r in overview if str(r[0]).startswith("Campaigns"))
    assert fact[1] == "3 campaigns, 14 answers (on 'Campaigns')"
    head, *prio = _rows(wb["Priorities"], "Priority ID")
    p1 = dict(zip(head, next(r for r in prio if r[0] == "P1")))
    assert p1["Passages"] == 1 and p1["Campaigns (answers)"] == "1 (8)"


def test_counting_each_answer_is_a_setting(tmp_path, tagged):
    wb = _book(tmp_path, tagged, "each")
    head, *prio = _rows(wb["Priorities"], "Priority ID")
    p1 = dict(zip(head, next(r for r in prio if r[0] == "P1")))
    assert p1["Passages"] == 7
    notes = [r[0] for r in wb["Campaigns"].iter_rows(values_only=True, max_row=2) if r[0]]
    assert "count_campaigns = 'each'" in notes[1]


def test_a_round_without_campaigns_says_so(tmp_path, tagged):
    plain = tagged.assign(**{S.CAMPAIGN_ID: "", S.CAMPAIGN_SIZE: 0})
    data = ReportData("r1", plain, FakeCodebook())
    wb = load_workbook(write_workbook(tmp_path / "plain.xlsx", data), read_only=True)
    text = [c for r in wb["Campaigns"].iter_rows(values_only=True) for c in r if c]
    assert any(str(c).startswith("No campaign in this round") for c in text)
