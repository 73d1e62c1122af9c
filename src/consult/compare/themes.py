"""Themes that keep their identity across rounds: matching, id carry-over, growth.

A later round's themes are matched one-to-one to the earlier round's by the cosine of their
centroids (the mean embedding of each theme's stakeholder passages), after the mean of both
rounds' passages is taken off every centroid: what all consultation text shares would
otherwise make every pair of themes look alike. The assignment maximises total similarity
(Hungarian method); a pair is kept only when each theme is the other's most similar one (a
theme split in two continues as one half, the other half is new) and their similarity reaches
`threshold`. A matched theme is "continuing" and keeps its earlier id (so an id means the same
thing across rounds); an unmatched later theme is "new" and gets an id no earlier round used;
an earlier theme left unmatched has "faded". Centring, the mutual-best rule and the threshold
were chosen on CAP (`benchmarks/eval_compare.py`; the figures are in benchmarks/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from consult import schema as S
from consult.settings_compare import THEME_THRESHOLD as DEFAULT_THRESHOLD

MATCHED = S.THEME_MATCHED  # the earlier theme a later one continues; -1 for a new theme
SIMILARITY = S.THEME_SIMILARITY
NEAREST = "nearest_id"  # the most similar earlier theme, matched or not
NEAREST_SIMILARITY = "nearest_similarity"
MATCH_COLUMNS = [S.THEME_ID, MATCHED, SIMILARITY, NEAREST, NEAREST_SIMILARITY]
# a new or faded theme this similar to one of the other round is named with it: the themes stage
# may split or merge a theme between rounds, which a one-to-one match cannot call continuing
# (unrelated themes sit near 0 after centring, matched ones mostly above 0.75; CAP)
RELATED = 0.5

# the sheet's theme table
STATUS, WAS_LABEL = S.THEME_STATUS, S.THEME_WAS_LABEL
SIZE_BEFORE, SIZE_AFTER = S.SIZE_BEFORE, S.SIZE_AFTER
CHANGE_COLUMNS = [
    S.THEME_ID,
    S.THEME_LABEL,
    STATUS,
    S.THEME_SINCE,
    MATCHED,
    WAS_LABEL,
    SIMILARITY,
    SIZE_BEFORE,
    S.SHARE_BEFORE,
    SIZE_AFTER,
    S.SHARE_AFTER,
    S.CHANGE_PP,
]
CLOSEST_LATER = "closest_later"  # faded themes: "T14 (0.70)" when related to a later theme
FADED_COLUMNS = [
    S.THEME_ID,
    S.THEME_LABEL,
    S.THEME_SINCE,
    SIZE_BEFORE,
    S.SHARE_BEFORE,
    CLOSEST_LATER,
]


@dataclass(frozen=True)
class ThemeSet:
    """A round's themes as matching reads them (and as `comparison-basis.json` stores them)."""

    round: str
    ids: np.ndarray  # (k,) theme ids
    labels: list[str]
    sizes: np.ndarray  # (k,) counted passages per theme
    since: list[str]  # the round each theme first appeared in
    centroids: np.ndarray  # (k, d) mean unit vector of each theme's counted passages
    mean: np.ndarray  # (d,) mean unit vector of all the round's counted passages
    n: int  # counted passages
    next_id: int  # the first id no theme of this round or any it continued has used
    space: str  # the embedding model whose space the vectors are in

    def label_of(self, theme_id: int) -> str:
        hit = np.flatnonzero(self.ids == theme_id)
        return self.labels[int(hit[0])] if hit.size else ""

    def since_of(self, theme_id: int) -> str:
        hit = np.flatnonzero(self.ids == theme_id)
        return self.since[int(hit[0])] if hit.size else self.round


def _unit(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=-1, keepdims=True)
    return np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)


def theme_set(
    round_name: str,
    theme_ids,
    vectors: np.ndarray,
    counted,
    labels: dict[int, str],
    *,
    space: str,
    since: dict[int, str] | None = None,
    next_id: int | None = None,
) -> ThemeSet:
    """Centroids and sizes of a round's themes from its passages (theme id per passage, -1 for
    none), their vectors and which passages count; `labels` names every theme to keep (a theme
    without counted passages keeps a zero centroid: it matches nothing)."""
    ids_per = np.asarray(theme_ids, dtype=int)
    mask = np.asarray(counted, dtype=bool)
    U = _unit(np.asarray(vectors, dtype=np.float32)) if len(ids_per) else np.zeros((0, 1))
    dim = U.shape[1] if U.ndim == 2 and U.shape[0] else 1
    ids = np.array(sorted(int(t) for t in labels), dtype=int)
    centroids = np.zeros((ids.size, dim))
    sizes = np.zeros(ids.size, dtype=int)
    for j, t in enumerate(ids):
        rows = mask & (ids_per == t)
        sizes[j] = int(rows.sum())
        if sizes[j]:
            centroids[j] = U[rows].mean(axis=0)
    mean = U[mask].mean(axis=0) if mask.any() else np.zeros(dim)
    floor = int(ids.max()) + 1 if ids.size else 0
    return ThemeSet(
        round_name,
        ids,
        [str(labels[int(t)]) for t in ids],
        sizes,
        [(since or {}).get(int(t), round_name) for t in ids],
        centroids,
        mean,
        int(mask.sum()),
        max(floor, next_id or 0),
        space,
    )


def similarities(before: ThemeSet, after: ThemeSet, centre: bool = True) -> np.ndarray:
    """Cosine of every (later, earlier) pair of centroids; centred on both rounds' mean."""
    if before.centroids.shape[1] != after.centroids.shape[1]:
        raise ValueError(
            f"The themes of {before.round} and {after.round} are in spaces of different sizes "
            f"({before.space}: {before.centroids.shape[1]}, {after.space}: "
            f"{after.centroids.shape[1]}); embed both rounds with one model."
        )
    ref = (before.mean + after.mean) / 2 if centre else 0.0
    A = _unit(after.centroids - ref) * (after.sizes > 0)[:, None]
    B = _unit(before.centroids - ref) * (before.sizes > 0)[:, None]
    return A @ B.T


def match_themes(
    before: ThemeSet,
    after: ThemeSet,
    threshold: float = DEFAULT_THRESHOLD,
    centre: bool = True,
    mutual: bool = True,
) -> pd.DataFrame:
    """One row per later theme (MATCH_COLUMNS): the earlier theme it continues, or -1.

    `centre` and `mutual` (keep only mutually most similar pairs) are what a run uses; the
    benchmark switches them off to measure what they bring."""
    from scipy.optimize import linear_sum_assignment

    out = pd.DataFrame(
        {
            S.THEME_ID: after.ids,
            MATCHED: -1,
            SIMILARITY: np.nan,
            NEAREST: -1,
            NEAREST_SIMILARITY: np.nan,
        }
    )
    if not (before.ids.size and after.ids.size):
        return out
    sims = similarities(before, after, centre)
    nearest = sims.argmax(axis=1)
    out[NEAREST] = before.ids[nearest]
    out[NEAREST_SIMILARITY] = np.round(sims[np.arange(len(nearest)), nearest], 4)
    best_for_before = sims.argmax(axis=0)
    rows, cols = linear_sum_assignment(-sims)
    for r, c in zip(rows, cols):
        if mutual and not (nearest[r] == c and best_for_before[c] == r):
            continue
        if sims[r, c] >= threshold:
            out.loc[r, MATCHED] = int(before.ids[c])
            out.loc[r, SIMILARITY] = round(float(sims[r, c]), 4)
    return out


def faded_ids(before: ThemeSet, matches: pd.DataFrame) -> list[int]:
    """Earlier themes no later theme continues."""
    taken = set(matches[MATCHED].astype(int)) - {-1}
    return [int(t) for t in before.ids if int(t) not in taken]


def carried_ids(matches: pd.DataFrame, next_id: int) -> dict[int, int]:
    """Later theme id -> the id it keeps: the earlier id when continuing, else a fresh id from
    `next_id` on (in the later round's own id order), so no earlier id is ever reused."""
    mapping: dict[int, int] = {}
    fresh = next_id
    for tid, was in zip(matches[S.THEME_ID].astype(int), matches[MATCHED].astype(int)):
        if was >= 0:
            mapping[tid] = was
        else:
            mapping[tid] = fresh
            fresh += 1
    return mapping


def renumber(
    assignments: pd.DataFrame, themes: pd.DataFrame, mapping: dict[int, int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The themes stage's assignments and theme table with ids mapped (negative ids, which
    mean "no theme", stay as they are)."""
    ids = assignments[S.THEME_ID].astype(int).to_numpy()
    new = np.array([mapping.get(int(t), int(t)) if t >= 0 else int(t) for t in ids], dtype=int)
    a = assignments.copy()
    a[S.THEME_ID] = new
    t = themes.copy()
    if len(t):
        t[S.THEME_ID] = [mapping.get(int(v), int(v)) for v in t[S.THEME_ID]]
    return a, t


def match_status(matches: pd.DataFrame, before: ThemeSet) -> dict[int, str]:
    """Later theme id (as in `matches`) -> "continuing (was T3 in round-1)", "new", or
    "new (closest in round-1: T3, 0.68)" for a new theme related to an earlier one."""
    out = {}
    for rec in matches.to_dict("records"):
        tid, was = int(rec[S.THEME_ID]), int(rec[MATCHED])
        if was >= 0:
            out[tid] = f"continuing (was T{was} in {before.round})"
        elif rec[NEAREST] >= 0 and rec[NEAREST_SIMILARITY] >= RELATED:
            near = f"T{int(rec[NEAREST])}, {float(rec[NEAREST_SIMILARITY]):.2f}"
            out[tid] = f"new (closest in {before.round}: {near})"
        else:
            out[tid] = "new"
    return out


def theme_changes(before: ThemeSet, after: ThemeSet, matches: pd.DataFrame) -> pd.DataFrame:
    """One row per later theme (CHANGE_COLUMNS): status, sizes and shares in both rounds and
    the change in share (percentage points; no interval: a theme's edges move between fits,
    which no sampling interval covers)."""
    status = match_status(matches, before)
    by_id = matches.set_index(S.THEME_ID)
    rows = []
    for j, tid in enumerate(after.ids.tolist()):
        was = int(by_id.at[tid, MATCHED]) if tid in by_id.index else -1
        k = np.flatnonzero(before.ids == was)
        size_b = int(before.sizes[k[0]]) if was >= 0 and k.size else 0
        share_b = size_b / before.n if before.n else np.nan
        share_a = after.sizes[j] / after.n if after.n else np.nan
        rows.append(
            {
                S.THEME_ID: tid,
                S.THEME_LABEL: after.labels[j],
                STATUS: status.get(tid, "new"),
                S.THEME_SINCE: after.since[j],
                MATCHED: was,
                WAS_LABEL: before.label_of(was) if was >= 0 else "",
                SIMILARITY: by_id.at[tid, SIMILARITY] if tid in by_id.index else np.nan,
                SIZE_BEFORE: size_b,
                S.SHARE_BEFORE: round(float(share_b), 4),
                SIZE_AFTER: int(after.sizes[j]),
                S.SHARE_AFTER: round(float(share_a), 4),
                S.CHANGE_PP: round(float(share_a - share_b) * 100, 2),
            }
        )
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def faded_themes(
    before: ThemeSet, matches: pd.DataFrame, after: ThemeSet | None = None
) -> pd.DataFrame:
    """Earlier themes without a successor (FADED_COLUMNS), largest first; with `after` (ids
    as in `matches`), each names its closest later theme when related (RELATED)."""
    sims = similarities(before, after) if after is not None and after.ids.size else None
    rows = []
    for tid in faded_ids(before, matches):
        k = int(np.flatnonzero(before.ids == tid)[0])
        closest = ""
        if sims is not None:
            j = int(sims[:, k].argmax())
            if sims[j, k] >= RELATED:
                closest = f"T{int(after.ids[j])} ({sims[j, k]:.2f})"  # type: ignore[union-attr]
        rows.append(
            {
                S.THEME_ID: tid,
                S.THEME_LABEL: before.labels[k],
                S.THEME_SINCE: before.since[k],
                SIZE_BEFORE: int(before.sizes[k]),
                S.SHARE_BEFORE: round(before.sizes[k] / before.n, 4) if before.n else np.nan,
                CLOSEST_LATER: closest,
            }
        )
    out = pd.DataFrame(rows, columns=FADED_COLUMNS)
    return out.sort_values(SIZE_BEFORE, ascending=False, kind="stable").reset_index(drop=True)
