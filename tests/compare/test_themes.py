"""Theme matching and id carry-over on hand-made clusters: continuing, new, faded, no reuse."""

from __future__ import annotations

import numpy as np
import pandas as pd

from consult import schema as S
from consult.compare.basis import basis_record, codebook_from_basis, themes_from_basis
from consult.compare.themes import (
    MATCHED,
    carried_ids,
    faded_themes,
    match_themes,
    renumber,
    theme_changes,
    theme_set,
)
from tests.support.report_fakes import FakeCodebook

DIM = 32


def _topics(seed: int = 0) -> np.ndarray:
    """Six well separated topic directions."""
    return np.linalg.qr(np.random.default_rng(seed).normal(size=(DIM, DIM)))[0][:6]


def _round(name, sizes: dict[int, int], ids: dict[int, int], seed: int, **kw):
    """Passages around topic directions; `ids` maps topic -> the theme id this round gave it."""
    rng = np.random.default_rng(seed)
    topics = _topics()
    vecs, theme_ids = [], []
    for topic, n in sizes.items():
        vecs.append(topics[topic] + 0.35 * rng.normal(size=(n, DIM)) / np.sqrt(DIM))
        theme_ids += [ids[topic]] * n
    X = np.vstack(vecs)
    labels = {t: f"topic {k}" for k, t in ids.items()}
    counted = np.ones(len(theme_ids), bool)
    return theme_set(name, theme_ids, X, counted, labels, space="test", **kw), X, theme_ids


def test_continuing_themes_keep_ids_new_ones_get_fresh_ids_and_faded_are_listed():
    # earlier: topics 0-4 as themes 0-4; later: topics 1-5 (0 faded, 5 new), numbered afresh
    before, _, _ = _round("r1", {t: 40 for t in range(5)}, {t: t for t in range(5)}, seed=1)
    later_ids = {1: 3, 2: 0, 3: 4, 4: 1, 5: 2}
    after, _, _ = _round("r2", {t: 40 for t in range(1, 6)}, later_ids, seed=2)
    m = match_themes(before, after)
    got = dict(zip(m[S.THEME_ID], m[MATCHED]))
    assert got == {3: 1, 0: 2, 4: 3, 1: 4, 2: -1}  # topic 5 (later theme 2) is new
    mapping = carried_ids(m, before.next_id)
    assert mapping == {0: 2, 1: 4, 2: 5, 3: 1, 4: 3}  # the new theme gets 5, never 0
    faded = faded_themes(before, m, after)
    assert faded[S.THEME_ID].tolist() == [0]


def test_new_ids_never_reuse_an_id_an_earlier_round_used():
    # round 1 had themes 0..6 (next id 7); round 2 kept 0 and 1 only, so its next id is still 7
    before, _, _ = _round("r2", {0: 30, 1: 30}, {0: 0, 1: 1}, seed=3, next_id=7)
    assert before.next_id == 7
    after, _, _ = _round("r3", {0: 30, 1: 30, 2: 30}, {0: 0, 1: 1, 2: 2}, seed=4)
    mapping = carried_ids(match_themes(before, after), before.next_id)
    assert mapping[2] == 7


def test_renumber_maps_passages_and_the_theme_table_and_leaves_negative_ids():
    assignments = pd.DataFrame({S.THEME_ID: [0, 1, -1, -2, 1], S.THEME_LABEL: list("abcde")})
    themes = pd.DataFrame({S.THEME_ID: [0, 1], S.THEME_LABEL: ["a", "b"]})
    a, t = renumber(assignments, themes, {0: 5, 1: 2})
    assert a[S.THEME_ID].tolist() == [5, 2, -1, -2, 2]
    assert t[S.THEME_ID].tolist() == [5, 2]
    assert assignments[S.THEME_ID].tolist() == [0, 1, -1, -2, 1]  # inputs are not changed


def test_growth_and_since_per_theme():
    before, _, _ = _round("r1", {0: 20, 1: 60}, {0: 0, 1: 1}, seed=5, since={0: "r0", 1: "r1"})
    after, _, _ = _round("r2", {0: 60, 1: 20, 3: 20}, {0: 0, 1: 1, 3: 2}, seed=6)
    m = match_themes(before, after)
    table = theme_changes(before, after, m).set_index(S.THEME_ID)
    assert table.loc[0, S.THEME_STATUS] == "continuing (was T0 in r1)"
    assert table.loc[0, S.CHANGE_PP] == 35.0  # 25% -> 60%
    assert table.loc[1, S.CHANGE_PP] == -55.0  # 75% -> 20%
    assert table.loc[2, S.THEME_STATUS] == "new"
    assert table.loc[2, S.SIZE_BEFORE] == 0
    assert before.since_of(0) == "r0"


def test_without_centring_shared_content_makes_unrelated_themes_look_alike():
    # every passage shares a strong common direction (as all consultation text does)
    common = np.ones(DIM) / np.sqrt(DIM) * 3
    before, Xb, ids_b = _round("r1", {0: 40, 1: 40}, {0: 0, 1: 1}, seed=7)
    after, Xa, ids_a = _round("r2", {2: 40, 3: 40}, {2: 0, 3: 1}, seed=8)
    counted_b, counted_a = np.ones(len(ids_b), bool), np.ones(len(ids_a), bool)
    labels = {0: "x", 1: "y"}
    b = theme_set("r1", ids_b, Xb + common, counted_b, labels, space="t")
    a = theme_set("r2", ids_a, Xa + common, counted_a, labels, space="t")
    raw = match_themes(b, a, 0.75, centre=False, mutual=False)
    assert (raw[MATCHED] >= 0).all()  # false continuations
    assert (match_themes(b, a, 0.75)[MATCHED] == -1).all()  # centred: both new


def test_basis_round_trip():
    before, _, _ = _round("r1", {0: 10, 2: 12}, {0: 4, 2: 9}, seed=9, since={4: "r0"})
    record = basis_record(before, FakeCodebook())
    back = themes_from_basis(record)
    assert back.ids.tolist() == [4, 9] and back.since == ["r0", "r1"]
    assert back.sizes.tolist() == [10, 12] and back.next_id == 10
    assert np.allclose(back.centroids, before.centroids, atol=1e-5)
    cb = codebook_from_basis(record)
    assert [p.id for p in cb.priorities] == ["P1", "P2", "P3", "P4", "P5"]
    assert cb.resolve("digital innovation") == "P2"
