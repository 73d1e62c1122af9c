"""The interval for a change in share: Newcombe's published values, zero counts, clustering."""

from __future__ import annotations

import math

import numpy as np
import pytest

from consult.compare.intervals import change_interval, design_effect, significant, wilson

# Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score):
# (x1, n1, x2, n2) -> interval for p1 - p2, rounded to 4 places
NEWCOMBE = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE)
def test_newcombe_hybrid_score_interval_matches_the_published_values(counts, expected):
    x1, n1, x2, n2 = counts
    # the change is "after - before": p1 is the later round
    d, lo, hi = change_interval(x2, n2, x1, n1)
    assert float(d) == pytest.approx(x1 / n1 - x2 / n2)
    assert (round(float(lo), 4), round(float(hi), 4)) == expected


def test_zero_counts_give_a_real_interval_not_a_point():
    d, lo, hi = change_interval(0, 40, 0, 50)
    assert float(d) == 0.0
    assert float(lo) < -0.05 and float(hi) > 0.05  # "could be several points either way"
    assert not significant(lo, hi)
    d, lo, hi = change_interval(0, 200, 12, 200)  # from nothing to 6%: a real rise
    assert float(lo) > 0 and significant(lo, hi)


def test_wilson_edges():
    lo, hi = wilson(0, 0)
    assert (float(lo), float(hi)) == (0.0, 1.0)  # nothing known
    lo, hi = wilson(0, 30)
    assert float(lo) == 0.0 and 0.1 < float(hi) < 0.12
    lo, hi = wilson(30, 30)
    assert float(hi) == 1.0 and 0.88 < float(lo) < 0.9


def test_a_round_without_passages_has_no_change():
    d, lo, hi = change_interval(0, 0, 3, 10)
    assert math.isnan(float(d)) and math.isnan(float(lo)) and math.isnan(float(hi))
    assert not significant(lo, hi)


def test_design_effect_widens_the_interval_for_clustered_passages():
    _, lo1, hi1 = change_interval(20, 100, 35, 100)
    _, lo4, hi4 = change_interval(20, 100, 35, 100, 4.0, 4.0)
    assert hi4 - lo4 > (hi1 - lo1) * 1.8  # about twice as wide for a design effect of 4
    assert significant(lo1, hi1) and not significant(lo4, hi4)


def test_design_effect_of_clusters():
    m = np.full(20, 5.0)
    # every cluster all-in or all-out: the clusters, not the passages, are the sample
    y = np.where(np.arange(20) < 8, 5.0, 0.0)
    assert design_effect(y, m)[0] == pytest.approx(5.0)  # bounded by the cluster size
    # the same share spread evenly over clusters: no clustering, never below 1
    even = np.full(20, 2.0)
    assert design_effect(even, m)[0] == 1.0
    # fewer than two clusters, or a share of 0 or 1: cannot be estimated, taken as 1
    assert design_effect(np.array([3.0]), np.array([9.0]))[0] == 1.0
    assert design_effect(np.zeros(20), m)[0] == 1.0
    assert design_effect(m, m)[0] == 1.0
    # several priorities at once: one design effect per column
    both = design_effect(np.column_stack([y, even]), m)
    assert both.tolist() == pytest.approx([5.0, 1.0])
