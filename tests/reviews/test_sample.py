"""The validation sample: stratified, spread over countries and files, reproducible, and kept."""

from __future__ import annotations

import pandas as pd
import pytest

from consult import schema
from consult.reviews import sample as s


def _round(n: int = 400, shares=(("P1", 0.5), ("P2", 0.3), ("P3", 0.1))) -> pd.DataFrame:
    """n passages: first priorities in the given shares, the rest uncertain or no-fit, over four
    countries and eight files; every 10th is a facilitator turn, every 25th a copy."""
    rows = []
    bounds, acc = [], 0.0
    for pid, share in shares:
        acc += share
        bounds.append((acc, pid))
    for i in range(n):
        x = (i * 37 % n) / n  # spread the kinds over the table, not in blocks
        first = next((pid for b, pid in bounds if x < b), None)
        status = "tagged" if first else ("uncertain" if i % 2 else "no-fit")
        tags = first or ("P4" if status == "uncertain" else "")
        rows.append(
            {
                schema.PASSAGE_ID: f"id{i:05d}",
                schema.PRIORITIES: tags + (";P5" if i % 3 == 0 and tags else ""),
                schema.TAG_STATUS: status,
                schema.COUNTRY: ["IDN", "THA", "VNM", "PHL"][i % 4],
                schema.SOURCE_FILE: f"surveys/f{i % 8}.csv",
                schema.IS_STAKEHOLDER_INPUT: i % 10 != 9,
                schema.DUPLICATE_OF: "id00000" if i % 25 == 24 else None,
            }
        )
    return pd.DataFrame(rows)


def test_strata_are_the_first_priority_uncertain_and_no_fit():
    table = pd.DataFrame(
        {
            schema.PRIORITIES: ["P2;P1", "P1", "", "P3"],
            schema.TAG_STATUS: ["tagged", "uncertain", "no-fit", "tagged"],
        }
    )
    assert s.strata(table).tolist() == ["P2", "uncertain", "no-fit", "P3"]


def test_allocation_is_proportional_and_respects_room():
    sizes = {"a": 500, "b": 300, "c": 200}
    assert s.allocate(sizes, {}, sizes, 10) == {"a": 5, "b": 3, "c": 2}
    assert s.allocate(sizes, {}, {"a": 500, "b": 300, "c": 1}, 10) == {"a": 6, "b": 3, "c": 1}
    # growth: the stratum already over its share waits
    assert s.allocate(sizes, {"a": 10}, sizes, 10) == {"a": 0, "b": 6, "c": 4}


def test_a_draw_is_stratified_spread_and_only_stakeholder_input():
    passages = _round()
    got = s.draw(passages, 100, seed=5, kept=None, when="t1")
    sample = got.sample
    assert got.added == 100 and len(sample) == 100 and sample[schema.PASSAGE_ID].is_unique
    chosen = passages.set_index(schema.PASSAGE_ID).loc[sample[schema.PASSAGE_ID]]
    assert chosen[schema.IS_STAKEHOLDER_INPUT].all() and chosen[schema.DUPLICATE_OF].isna().all()
    pool = passages[s.eligible(passages)]
    expected = s.strata(pool).value_counts(normalize=True) * 100
    drawn = sample[s.STRATUM].value_counts()
    for stratum, share in expected.items():
        assert abs(drawn.get(stratum, 0) - share) <= 1, stratum
    assert sample[s.STRATUM].tolist() == s.strata(chosen).tolist()  # recorded as drawn
    for col in (schema.COUNTRY, schema.SOURCE_FILE):  # spread as the round is
        counts = chosen[col].value_counts()
        assert counts.max() - counts.min() <= 0.1 * len(chosen), col
    assert sample[s.SAMPLE_NO].tolist() == [str(i) for i in range(1, 101)]
    assert sample[s.DRAW].eq("1").all() and sample[s.DRAWN_AT].eq("t1").all()


def test_the_order_reviewers_see_does_not_follow_the_strata():
    sample = s.draw(_round(), 60, seed=5, kept=None, when="t").sample
    runs = (sample[s.STRATUM] != sample[s.STRATUM].shift()).sum()
    assert runs > 30  # strata in blocks would give about five runs


def test_the_draw_is_reproducible_and_ignores_row_order():
    passages = _round()
    a = s.draw(passages, 50, seed=11, kept=None, when="t").sample
    b = s.draw(passages.sample(frac=1, random_state=3), 50, seed=11, kept=None, when="t").sample
    pd.testing.assert_frame_equal(a, b)
    c = s.draw(passages, 50, seed=12, kept=None, when="t").sample
    assert set(c[schema.PASSAGE_ID]) != set(a[schema.PASSAGE_ID])


def test_a_kept_sample_is_kept_grows_and_reports_vanished_passages():
    passages = _round()
    first = s.draw(passages, 40, seed=1, kept=None, when="t1").sample
    again = s.draw(passages, 40, seed=1, kept=first, when="t2")
    assert again.added == 0 and again.sample.equals(first)  # a re-run keeps it as it is
    smaller = s.draw(passages, 10, seed=1, kept=first, when="t2")
    assert smaller.sample.equals(first)  # never shrinks: no coding is lost
    # five sampled passages vanish (their file was removed) and N grows to 60
    gone = set(first[schema.PASSAGE_ID].iloc[:5])
    later = passages[~passages[schema.PASSAGE_ID].isin(gone)]
    grown = s.draw(later, 60, seed=1, kept=first, when="t3")
    assert set(grown.vanished) == gone
    assert grown.added == 25  # 35 kept and present, 25 new: 60 present
    out = grown.sample
    assert out[schema.PASSAGE_ID].iloc[:40].tolist() == first[schema.PASSAGE_ID].tolist()
    assert out[s.DRAW].iloc[40:].eq("2").all() and out[s.DRAWN_AT].iloc[40:].eq("t3").all()
    assert out[s.SAMPLE_NO].tolist() == [str(i) for i in range(1, 66)]
    assert out[schema.PASSAGE_ID].is_unique


def test_passages_decided_before_the_draw_are_marked():
    passages = _round(100)
    ids = set(passages[schema.PASSAGE_ID])
    sample = s.draw(passages, 95, seed=2, kept=None, when="t", decided=ids).sample
    assert sample[s.DECIDED_BEFORE].eq("yes").all()


def test_a_small_round_gives_what_it_has():
    passages = _round(20)
    got = s.draw(passages, 100, seed=2, kept=None, when="t")
    n_eligible = int(s.eligible(passages).sum())
    assert got.added == n_eligible and got.short == 100 - n_eligible


@pytest.mark.parametrize("kept", [None, s.empty_sample()])
def test_nothing_asked_nothing_drawn(kept):
    got = s.draw(_round(30), 0, seed=2, kept=kept, when="t")
    assert got.added == 0 and got.sample.empty
