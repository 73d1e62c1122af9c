"""Reviewer decisions: parsing, the durable store, final tags, agreement, labelled examples."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from consult import schema
from consult.reviews import rules as reviews
from consult.reviews import store as store_io


@dataclass(frozen=True)
class _P:
    id: str
    label: str


class _Codebook:
    name = "cb"
    sha256 = "0" * 64
    priorities = [_P("A", "Roads"), _P("B", "Digital"), _P("C", "Trade")]

    def resolve(self, token: str) -> str:
        for p in self.priorities:
            if token.strip().casefold() in (p.id.casefold(), p.label.casefold()):
                return p.id
        raise KeyError(f"`{token}` is not a priority of codebook `cb`.")


CB = _Codebook()


def _edits(*rows):
    return pd.DataFrame(
        [
            {
                schema.PASSAGE_ID: pid,
                schema.REVIEWER_PRIORITIES: prio,
                schema.REVIEWER_NOTE: note,
                schema.TEXT: f"text of {pid}",
            }
            for pid, prio, note in rows
        ]
    )


def _passages(*rows):
    return pd.DataFrame(
        [{schema.PASSAGE_ID: pid, schema.PRIORITIES: tags, schema.TEXT: pid} for pid, tags in rows]
    )


@pytest.mark.parametrize(
    "typed, ids, decision",
    [
        ("A", ["A"], reviews.PRIORITIES_DECISION),
        ("digital; a,\nTrade", ["B", "A", "C"], reviews.PRIORITIES_DECISION),
        ("A;A", ["A"], reviews.PRIORITIES_DECISION),
        ("none", [], reviews.NONE_DECISION),
        ("-", [], reviews.NONE_DECISION),
        ("No-Fit", [], reviews.NONE_DECISION),
        ("model", [], reviews.WITHDRAWN_DECISION),
        ("", [], reviews.NOTE_ONLY_DECISION),
        ("zzz", [], reviews.UNRESOLVED_DECISION),
        ("B: Digital; C: whatever", ["B", "C"], reviews.PRIORITIES_DECISION),  # matrix headers
    ],
)
def test_resolve_input(typed, ids, decision):
    got_ids, got_decision, _ = reviews.resolve_input(typed, CB)
    assert (got_ids, got_decision) == (ids, decision)


def test_unknown_tokens_are_problems_and_kept_verbatim():
    store, problems = reviews.merge_reviews(None, _edits(("p1", "A; Rodas", "")), CB, "t1")
    row = store.iloc[0]
    assert row[reviews.REVIEWER_INPUT] == "A; Rodas"
    assert row[schema.REVIEWER_PRIORITIES] == "A"
    assert row[reviews.UNRESOLVED] == "Rodas"
    assert list(problems[schema.PASSAGE_ID]) == ["p1"]
    assert "Rodas" in problems[schema.REASON].iloc[0]


def test_merge_is_idempotent_and_keeps_first_timestamp():
    store, _ = reviews.merge_reviews(None, _edits(("p1", "A", "n")), CB, "t1")
    store, _ = reviews.merge_reviews(store, _edits(("p1", "A", "n")), CB, "t2")
    assert len(store) == 1 and store.iloc[0][reviews.UPDATED_AT] == "t1"
    store, _ = reviews.merge_reviews(store, _edits(("p1", "B", "n")), CB, "t3")
    assert store.iloc[0][schema.REVIEWER_PRIORITIES] == "B"
    assert store.iloc[0][reviews.DECIDED_AT] == "t1" and store.iloc[0][reviews.UPDATED_AT] == "t3"


def test_emptied_cell_keeps_decision_and_model_withdraws_it():
    store, _ = reviews.merge_reviews(None, _edits(("p1", "A", "")), CB, "t1")
    store, _ = reviews.merge_reviews(store, _edits(("p1", "", "a note")), CB, "t2")
    assert store.iloc[0][reviews.DECISION] == reviews.PRIORITIES_DECISION
    assert store.iloc[0][schema.REVIEWER_NOTE] == "a note"
    store, _ = reviews.merge_reviews(store, _edits(("p1", "model", "")), CB, "t3")
    applied = reviews.apply_reviews(_passages(("p1", "B")), store)
    assert applied.iloc[0][schema.FINAL_PRIORITIES] == "B"
    assert applied.iloc[0][schema.FINAL_SOURCE] == "model"
    assert applied.iloc[0][schema.REVIEWER_PRIORITIES] == ""


def test_apply_reviews_makes_reviewer_final():
    store, _ = reviews.merge_reviews(
        None, _edits(("p1", "Roads", ""), ("p2", "none", "off-topic"), ("p3", "zzz", "")), CB, "t"
    )
    out = reviews.apply_reviews(
        _passages(("p1", "B"), ("p2", "A"), ("p3", "C"), ("p4", "A;B")), store
    )
    assert list(out[schema.FINAL_PRIORITIES]) == ["A", "", "C", "A;B"]
    assert list(out[schema.FINAL_SOURCE]) == ["reviewer", "reviewer", "model", "model"]
    assert list(out[schema.REVIEWER_PRIORITIES]) == ["Roads", "none", "zzz", ""]
    assert list(out[schema.REVIEWER_NOTE]) == ["", "off-topic", "", ""]


def test_store_round_trip_is_exact_and_neutralised(tmp_path):
    store, _ = reviews.merge_reviews(None, _edits(("p1", "=A; B", "=HYPERLINK(x)")), CB, "t")
    path = store_io.save_store(store, tmp_path / "r1" / "reviews.csv")
    back = store_io.load_store(path)
    assert back.iloc[0][schema.REVIEWER_NOTE] == "=HYPERLINK(x)"
    assert back.iloc[0][reviews.REVIEWER_INPUT] == "=A; B"
    assert "'=HYPERLINK(x)" in path.read_text(encoding="utf-8-sig")  # no live formula
    assert sorted(p.name for p in path.parent.rglob("*") if p.is_file()) == [
        "reviews-copy.csv",
        "reviews.csv",
    ]  # the file and its copy, no temporary left
    assert store_io.load_store(tmp_path / "missing.csv").empty


def test_journal_appends_and_detects_an_edited_line(tmp_path):
    from consult.reviews import store as review_store

    path = tmp_path / "reviews.csv"
    store, _ = reviews.merge_reviews(None, _edits(("p1", "A", ""), ("p2", "B", "")), CB, "t1")
    store_io.save_store(store, path)
    first = path.read_text(encoding="utf-8-sig")
    later, _ = reviews.merge_reviews(store, _edits(("p1", "C", "")), CB, "t2")
    journal = review_store.read_journal(path)
    review_store.append(journal, review_store.changed_rows(store, later))
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith(first) and text.count("\n") == first.count("\n") + 1  # appended
    assert review_store.read_journal(path).intact
    assert store_io.load_store(path).set_index(schema.PASSAGE_ID).loc["p1", "decision"] == (
        reviews.PRIORITIES_DECISION
    )
    path.write_text(text.replace("p2,B,B", "p2,A,A"), encoding="utf-8")
    journal = review_store.read_journal(path)
    assert not journal.intact and [b["line"] for b in journal.bad] == [3]
    assert "reviews.csv" in journal.problem() and "line(s) 3" in journal.problem()
    assert set(store_io.load_store(path)[schema.PASSAGE_ID]) == {"p1"}  # checked rows only


def test_orphaned():
    store, _ = reviews.merge_reviews(None, _edits(("p1", "A", ""), ("gone", "B", "")), CB, "t")
    assert list(reviews.orphaned(_passages(("p1", "A")), store)[schema.PASSAGE_ID]) == ["gone"]


def test_agreement_per_priority():
    store, _ = reviews.merge_reviews(
        None, _edits(("p1", "A", ""), ("p2", "A;B", ""), ("p3", "none", "")), CB, "t"
    )
    passages = reviews.apply_reviews(
        _passages(("p1", "A"), ("p2", "A"), ("p3", "B"), ("p4", "C")), store
    )
    agr = reviews.agreement(passages, CB).set_index(reviews.PRIORITY)
    assert agr.loc["A", reviews.N_REVIEWED] == 3
    assert agr.loc["A", reviews.F1] == 1.0
    # B: reviewer says p2, model says p3 -> precision 0, recall 0
    assert agr.loc["B", reviews.PRECISION] == 0.0 and agr.loc["B", reviews.F1] == 0.0
    assert pd.isna(agr.loc["C", reviews.F1])  # neither side used it among reviewed passages
    micro = agr.loc[reviews.ALL_PRIORITIES]
    assert (micro[reviews.BOTH], micro[reviews.REVIEWER_COUNT], micro[reviews.MODEL_COUNT]) == (
        2,
        3,
        3,
    )


def test_labelled_examples_from_confirmed_decisions():
    store, _ = reviews.merge_reviews(
        None,
        _edits(
            ("p1", "B; a", ""), ("p2", "none", ""), ("p3", "zzz", ""), ("p4", "", "just a note")
        ),
        CB,
        "t",
    )
    ex = reviews.labelled_examples(store)
    assert list(ex.columns) == [schema.TEXT, schema.PRIORITIES]
    assert ex.values.tolist() == [["text of p1", "B;A"], ["text of p2", ""]]


def test_an_unreadable_workbook_is_left_alone_and_named(tmp_path):
    from consult.reviews.sources import collect

    book = tmp_path / "consultation-summary-r1.xlsx"
    book.write_bytes(b"not a zip file")
    got = collect(book, tmp_path / "reviews.csv", CB, "2026-11-27T10:00:00")
    assert book.read_bytes() == b"not a zip file"
    assert got.target != book and got.target.parent == tmp_path
    assert got.target.name.startswith("consultation-summary-r1 (new 20261127-100000")
    assert any(str(book) in n and "could not be read" in n for n in got.notices)
    assert str(book) in " ".join(got.problems()[schema.REASON])


def test_no_previous_workbook_is_a_first_run(tmp_path):
    from consult.reviews.sources import collect

    got = collect(tmp_path / "none.xlsx", tmp_path / "reviews.csv", CB, "t")
    assert got.store.empty and got.problems().empty and not got.notices
    assert (tmp_path / "reviews.csv").is_file()  # an empty journal: a later loss is noticed
