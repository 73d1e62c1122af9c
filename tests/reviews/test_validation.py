"""Precision, recall and F1 of the model against blind coding, with bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from consult import schema
from consult.reviews import rules as reviews
from consult.reviews import validation as v
from consult.reviews.sample import DECIDED_BEFORE, SAMPLE_COLUMNS
from tests.support.report_fakes import FakeCodebook


def _coded(model: list[str], coding: list[str | None]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Passages with the model's tags and a reviewer's coding (None: not coded yet)."""
    ids = [f"p{i}" for i in range(len(model))]
    passages = pd.DataFrame(
        {
            schema.PASSAGE_ID: ids,
            schema.PRIORITIES: model,
            schema.FINAL_PRIORITIES: [m if c is None else c for m, c in zip(model, coding)],
            schema.FINAL_SOURCE: [reviews.MODEL if c is None else reviews.REVIEWER for c in coding],
        }
    )
    sample = pd.DataFrame({c: [""] * len(ids) for c in SAMPLE_COLUMNS})
    sample[schema.PASSAGE_ID] = ids
    return passages, sample


def _row(table: pd.DataFrame, pid: str) -> dict:
    return table[table[reviews.PRIORITY] == pid].iloc[0].to_dict()


def test_scores_leave_undefined_ratios_undefined():
    p, r, f = v.scores(np.array([0, 2, 0]), np.array([0, 1, 3]), np.array([0, 1, 0]))
    assert np.isnan(p[0]) and np.isnan(r[0]) and np.isnan(f[0])  # nothing on either side
    assert p[1] == pytest.approx(2 / 3) and r[1] == pytest.approx(2 / 3)
    assert f[1] == pytest.approx(2 / 3)
    assert p[2] == 0 and np.isnan(r[2]) and f[2] == 0  # only false alarms


def test_counts_per_priority_and_the_micro_row():
    cb = FakeCodebook()
    passages, sample = _coded(
        ["P1", "P1;P2", "P2", "", "P3"],
        ["P1", "P1", "P2;P3", "P1", "none-fits-here"],
    )
    passages.loc[4, schema.FINAL_PRIORITIES] = ""  # coded "none"
    table = v.validation_table(passages, sample, cb, resamples=200, seed=1)
    p1, p2, p3 = (_row(table, pid) for pid in ("P1", "P2", "P3"))
    assert (p1[reviews.BOTH], p1[reviews.MODEL_COUNT], p1[reviews.REVIEWER_COUNT]) == (2, 2, 3)
    assert p1[reviews.PRECISION] == 1.0 and p1[reviews.RECALL] == pytest.approx(2 / 3, abs=1e-4)
    assert p1[v.N] == 3  # passages the reviewer or the model gave P1
    assert (p2[reviews.BOTH], p2[reviews.MODEL_COUNT], p2[reviews.REVIEWER_COUNT]) == (1, 2, 1)
    assert p3[reviews.PRECISION] == 0.0 and p3[reviews.RECALL] == 0.0 and p3[reviews.F1] == 0.0
    p4 = _row(table, "P4")  # nobody gave it: nothing to say
    assert p4[v.N] == 0 and pd.isna(p4[reviews.F1]) and p4[v.GATE] == v.NO_DATA
    micro = _row(table, reviews.ALL_PRIORITIES)
    assert (micro[reviews.BOTH], micro[reviews.MODEL_COUNT], micro[reviews.REVIEWER_COUNT]) == (
        3,
        5,
        5,
    )
    assert micro[reviews.F1] == pytest.approx(0.6)
    assert set(table[v.CODED]) == {5}


def test_all_correct_gives_one_with_a_zero_width_interval():
    cb = FakeCodebook()
    tags = ["P1", "P2", "P1;P3", "P2"] * 15
    passages, sample = _coded(tags, tags)
    table = v.validation_table(passages, sample, cb, resamples=300, seed=3)
    for pid in ("P1", "P2", "P3"):
        row = _row(table, pid)
        assert row[reviews.F1] == 1.0
        assert (row[reviews.F1 + v.LOW], row[reviews.F1 + v.HIGH]) == (1.0, 1.0)
    assert _row(table, "P1")[v.GATE] == v.PASSES  # F1 1.0 on 30 passages
    assert _row(table, "P3")[v.GATE] == v.TOO_FEW  # F1 1.0 on 15 passages only


def test_no_coded_passage_gives_no_figures():
    cb = FakeCodebook()
    passages, sample = _coded(["P1", "P2"], [None, None])
    table = v.validation_table(passages, sample, cb, resamples=100)
    assert (table[v.CODED] == 0).all() and (table[v.N] == 0).all()
    assert table[reviews.F1].isna().all() and table[reviews.F1 + v.LOW].isna().all()


def test_only_sample_passages_a_reviewer_decided_count():
    cb = FakeCodebook()
    passages, sample = _coded(["P1", "P1", "P2"], ["P1", None, "P1"])
    table = v.validation_table(passages, sample.iloc[:2], cb, resamples=100)  # p2: not sampled
    assert _row(table, "P1")[v.CODED] == 1 and _row(table, "P1")[reviews.F1] == 1.0


def test_bootstrap_intervals_are_seeded_and_hold_the_estimate():
    cb = FakeCodebook()
    rng = np.random.default_rng(0)
    truth = rng.choice(["P1", "P2", "P3"], size=120).tolist()
    model = [t if rng.random() < 0.8 else "P4" for t in truth]
    passages, sample = _coded(model, truth)
    a = v.validation_table(passages, sample, cb, resamples=500, seed=7)
    b = v.validation_table(passages, sample, cb, resamples=500, seed=7)
    pd.testing.assert_frame_equal(a, b)
    for pid in ("P1", "P2", "P3", reviews.ALL_PRIORITIES):
        row = _row(a, pid)
        low, high = row[reviews.F1 + v.LOW], row[reviews.F1 + v.HIGH]
        assert low < row[reviews.F1] < high
        assert 0.05 < high - low < 0.4  # about 40 passages per priority: a real spread
    assert _row(a, "P1")[v.N] >= 30


def test_gate():
    assert v.gate(0.8, 30, 0.75, 30) == v.PASSES
    assert v.gate(0.7, 300, 0.75, 30) == v.FAILS
    assert v.gate(0.9, 29, 0.75, 30) == v.TOO_FEW
    assert v.gate(None, 0, 0.75, 30) == v.NO_DATA


def test_sample_facts_count_what_was_coded_before_the_draw():
    passages, sample = _coded(["P1", "P2", "P3"], ["P1", "P2", None])
    sample[DECIDED_BEFORE] = ["yes", "", ""]
    sample = pd.concat([sample, sample.iloc[[0]].assign(**{schema.PASSAGE_ID: "gone"})])
    facts = v.sample_facts(passages, sample)
    assert facts == {
        "in the sample": 4,
        "in this run": 3,
        "coded": 2,
        "coded before they were drawn": 1,
        "not in this run": 1,
    }
