"""What confirmed passages teach beyond the prototypes: a linear head per priority and, when the
confirmed passages carry several priorities each, how many priorities a passage should get.

Why: the prototypes (description, examples, nearest confirmed passages) are a strong prior but
learn slowly; a one-vs-rest logistic head on the same embeddings learns fast but is poor with few
labels. The head's margin is added to the prior's centred score with a weight that grows with the
priority's confirmed passages, so a priority with few labels stays zero-shot
(benchmarks/eval_learning.py: CAP macro F1 at k = 20 58.2 -> 59.6, logistic regression 52.4).

Extra priorities: when confirmed passages carry several priorities each, a second or third
priority is assigned where the prior's centred score for it reaches a per-priority threshold
chosen on the confirmed passages (best F1 for that priority), or where its head alone is sure.
Confirmed passages with one priority each fit no thresholds, so single-label rounds stay
single-label; rounds whose reviewers confirm two or three priorities per passage get more
(synthetic two-topic set, k = 20: macro F1 49.3 against logistic regression's 47.8).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

HEAD_MIN_POSITIVES = 3  # below this a priority has no head: zero-shot (and kNN) only
HEAD_GAIN = 2.0  # head margin weight at many labels, in softmax-temperature units
HEAD_HALF = 10.0  # confirmed passages at which the head has half its weight
HEAD_CLIP = 5.0  # bound on the head's margin (logit units), so one head cannot dominate
# Confirmed passages a priority needs before its threshold is fitted: with fewer, one passage
# moves it far (synthetic set: 5 lowered mean per-priority accuracy at k = 5, 12 did not).
THRESHOLD_MIN_POSITIVES = 12
THRESHOLD_MIN_MULTI = 0.1  # share of confirmed passages with 2+ priorities before any is fitted
# In a multi-priority round a further priority is also assigned where its head alone is sure
# (logit >= 1, p >= 0.73): synthetic macro F1 at k = 20 48.7 -> 49.3, accuracy not lower.
HEAD_EXTRA_LOGIT = 1.0


@dataclass(frozen=True)
class Head:
    """Per-priority linear margins: `weights` (P, d), `bias` (P,), `gain` (P,) (0: no head)."""

    weights: np.ndarray
    bias: np.ndarray
    gain: np.ndarray

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The heads' own logit (n, P); -inf for priorities without a head."""
        return np.where(self.gain > 0, x @ self.weights.T + self.bias, -np.inf)

    def margin(self, x: np.ndarray) -> np.ndarray:
        """Weighted, clipped logit margin (n, P); zero for priorities without a head."""
        raw = x @ self.weights.T + self.bias
        return self.gain * np.clip(raw, -HEAD_CLIP, HEAD_CLIP)


def fit_head(vectors: np.ndarray, sets: np.ndarray) -> Head | None:
    """One-vs-rest balanced logistic regression per priority on confirmed passages.

    `vectors` (U, d) are unique confirmed passages, `sets` (U, P) whether each was confirmed for
    each priority. None when no priority has enough positives and negatives.
    """
    if vectors.shape[0] == 0:
        return None
    from sklearn.linear_model import LogisticRegression

    U, P = sets.shape
    d = vectors.shape[1]
    weights = np.zeros((P, d), np.float32)
    bias = np.zeros(P, np.float32)
    gain = np.zeros(P, np.float32)
    for k in range(P):
        y = sets[:, k].astype(int)
        m = int(y.sum())
        if m < HEAD_MIN_POSITIVES or m == U:
            continue
        clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
        clf.fit(vectors, y)
        weights[k] = clf.coef_[0]
        bias[k] = clf.intercept_[0]
        gain[k] = HEAD_GAIN * m / (m + HEAD_HALF)
    if not gain.any():
        return None
    return Head(weights=weights, bias=bias, gain=gain)


def fit_thresholds(prior: np.ndarray, sets: np.ndarray) -> np.ndarray | None:
    """Per priority, the centred prior score from which a non-first priority is assigned (inf:
    never). `prior` (U, P) is the prior's centred score of each confirmed passage.

    Chosen to maximise F1 of "first priority, plus every other priority at or above the
    threshold" for that priority on the confirmed passages. None when the confirmed passages are
    (nearly) all single-priority: then extra priorities follow the relative rule only.
    """
    U, P = sets.shape
    if U == 0 or (sets.sum(axis=1) >= 2).mean() < THRESHOLD_MIN_MULTI:
        return None
    first = prior.argmax(axis=1)
    out = np.full(P, np.inf, np.float32)
    for k in range(P):
        pos = sets[:, k]
        if int(pos.sum()) < THRESHOLD_MIN_POSITIVES:
            continue
        is_first = first == k
        extra = ~is_first
        order = np.argsort(-prior[extra, k], kind="stable")
        values, hits = prior[extra, k][order], pos[extra][order]
        tp = float((is_first & pos).sum()) + np.cumsum(hits)
        f1 = 2 * tp / (is_first.sum() + np.arange(1, len(values) + 1) + pos.sum())
        last = np.r_[values[1:] < values[:-1], True]  # a threshold takes every tie with it
        f1 = np.where(last, f1, -1.0)
        base = 2 * float((is_first & pos).sum()) / (is_first.sum() + pos.sum())
        if len(f1) and f1.max() > base + 1e-9:
            out[k] = float(values[int(f1.argmax())])
    return out
