"""How well the model's tags match reviewers' blind coding of the validation sample: per priority
precision, recall and F1 with 95% bootstrap intervals, and whether each passes the gate
(Consult, the UK government's tool, gates on F1 >= 0.75 with n >= 30). Pure maths.

The reviewer is the reference. A sample passage counts once a reviewer decided it (priorities or
`none`); the model's tags are those of this run. `n` for a priority is the number of coded
passages its F1 rests on: those the reviewer or the model gave it (F1 = 2TP / (2TP + FP + FN)
ignores the rest). Intervals resample coded passages with replacement (percentile bootstrap,
seeded, so a re-run shows the same figures).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from consult import schema
from consult.reviews import rules as reviews
from consult.reviews.sample import DECIDED_BEFORE
from consult.values import split_ids, stripped_text

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike

N = "n"
CODED = "coded"
METRICS = (reviews.PRECISION, reviews.RECALL, reviews.F1)
LOW, HIGH = "_low", "_high"
GATE = "gate"
PASSES, FAILS, TOO_FEW, NO_DATA = "passes", "fails", "too few passages", "no passage"
# fmt: off
VALIDATION_COLUMNS = [
    reviews.PRIORITY, reviews.LABEL, CODED, N, reviews.REVIEWER_COUNT, reviews.MODEL_COUNT,
    reviews.BOTH,
    *[m + s for m in METRICS for s in ("", LOW, HIGH)],
    GATE,
]
# fmt: on


def indicators(tag_lists: list[list[str]], ids: list[str]) -> np.ndarray:
    """(passages, priorities) booleans: passage i has priority j."""
    col = {pid: j for j, pid in enumerate(ids)}
    out = np.zeros((len(tag_lists), len(ids)), dtype=bool)
    for i, tags in enumerate(tag_lists):
        for pid in tags:
            if pid in col:
                out[i, col[pid]] = True
    return out


def scores(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> tuple[np.ndarray, ...]:
    """Precision, recall and F1 from counts (any shape); NaN where undefined (0 / 0)."""
    tp, fp, fn = (np.asarray(a, dtype=float) for a in (tp, fp, fn))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), np.nan)
        recall = np.where(tp + fn > 0, tp / (tp + fn), np.nan)
        f1 = np.where(tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan)
    return precision, recall, f1


def contributions(model: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, ...]:
    """(TP, FP, FN) of each passage (rows) per priority (columns), plus a last column pooling
    the passage's priorities (for the micro average)."""
    m, r = model.astype(float), ref.astype(float)
    parts = (m * r, m * (1 - r), (1 - m) * r)
    return tuple(np.column_stack([a, a.sum(axis=1)]) for a in parts)


def bootstrap(
    parts: tuple[np.ndarray, ...], resamples: int, seed: int
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """95% percentile intervals of each metric per column of `parts` (contributions), resampling
    passages with replacement; NaN where no resample defines the metric."""
    n, p = parts[0].shape
    nan = np.full(p, np.nan)
    if n == 0:
        return {m: (nan, nan) for m in METRICS}
    rng = np.random.default_rng(seed)
    values: dict[str, list[np.ndarray]] = {m: [] for m in METRICS}
    for start in range(0, resamples, 500):  # bounded memory: 500 x n weights at a time
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=min(500, resamples - start))
        for name, value in zip(METRICS, scores(*(weights @ a for a in parts))):
            values[name].append(value)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name in METRICS:
        stacked = np.concatenate(values[name])
        low, high = nan.copy(), nan.copy()
        for j in range(p):
            col = stacked[~np.isnan(stacked[:, j]), j]
            if col.size:
                low[j], high[j] = np.percentile(col, [2.5, 97.5])
        out[name] = (low, high)
    return out


def coded(passages: pd.DataFrame, sample: pd.DataFrame) -> pd.DataFrame:
    """The sample's passages in this run that a reviewer decided (the reference exists)."""
    ids = set(sample[schema.PASSAGE_ID].astype(str))
    rows = passages[passages[schema.PASSAGE_ID].astype(str).isin(ids)]
    if schema.FINAL_SOURCE not in rows.columns:
        return rows.iloc[0:0]
    return rows[rows[schema.FINAL_SOURCE] == reviews.REVIEWER]


def validation_table(
    passages: pd.DataFrame,
    sample: pd.DataFrame,
    codebook: CodebookLike,
    *,
    resamples: int = 2000,
    seed: int = 0,
    gate_f1: float = 0.75,
    gate_n: int = 30,
) -> pd.DataFrame:
    """Per priority (and micro-averaged over all): counts, precision, recall and F1 with their
    95% intervals, and the gate (passes / fails / too few passages / no passage)."""
    rows = coded(passages, sample)
    ids = [p.id for p in codebook.priorities]
    model = indicators([split_ids(v) for v in rows.get(schema.PRIORITIES, [])], ids)
    ref = indicators([split_ids(v) for v in rows.get(schema.FINAL_PRIORITIES, [])], ids)
    parts = contributions(model, ref)
    tp, fp, fn = (a.sum(axis=0) for a in parts)
    point = scores(tp, fp, fn)
    spread = bootstrap(parts, resamples, seed)
    labels = [p.label for p in codebook.priorities] + [""]
    out = []
    for j, pid in enumerate([*ids, reviews.ALL_PRIORITIES]):
        row: dict[str, Any] = {reviews.PRIORITY: pid, reviews.LABEL: labels[j], CODED: len(rows)}
        row[N] = int(tp[j] + fp[j] + fn[j])
        row[reviews.REVIEWER_COUNT] = int(tp[j] + fn[j])
        row[reviews.MODEL_COUNT] = int(tp[j] + fp[j])
        row[reviews.BOTH] = int(tp[j])
        for k, name in enumerate(METRICS):
            row[name] = _number(point[k][j])
            row[name + LOW] = _number(spread[name][0][j])
            row[name + HIGH] = _number(spread[name][1][j])
        row[GATE] = "" if j == len(ids) else gate(row[reviews.F1], row[N], gate_f1, gate_n)
        out.append(row)
    return pd.DataFrame(out, columns=VALIDATION_COLUMNS)


def gate(f1: float | None, n: int, gate_f1: float, gate_n: int) -> str:
    if f1 is None:
        return NO_DATA
    if n < gate_n:
        return TOO_FEW
    return PASSES if f1 >= gate_f1 else FAILS


def _number(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)


def sample_facts(
    passages: pd.DataFrame, sample: pd.DataFrame, vanished: list[str] | None = None
) -> dict[str, int]:
    """Counts the Overview shows above the table."""
    ids = set(passages[schema.PASSAGE_ID].astype(str))
    present = sample[sample[schema.PASSAGE_ID].astype(str).isin(ids)]
    done = coded(passages, sample)
    before = set(
        present.loc[present[DECIDED_BEFORE].map(stripped_text) != "", schema.PASSAGE_ID].astype(str)
    )
    return {
        "in the sample": len(sample),
        "in this run": len(present),
        "coded": len(done),
        "coded before they were drawn": int(done[schema.PASSAGE_ID].astype(str).isin(before).sum()),
        "not in this run": len(vanished) if vanished is not None else len(sample) - len(present),
    }
