"""The review queue: which passages a reviewer should check first so that their decisions teach
the tagger most (issue 13). Pure: tags, scores and embeddings in, row positions out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from consult import schema


def review_worth(
    tags: pd.DataFrame, scores: pd.DataFrame, labelled_per_priority: dict[str, int] | None = None
) -> np.ndarray:
    """Per passage, in [0, 2]: doubt about its tags, raised when its best candidate priority has
    few confirmed passages."""
    conf = tags[schema.CONFIDENCE].to_numpy(dtype=float)
    assigned = tags[schema.PRIORITIES].fillna("").astype(str).str.len().to_numpy() > 0
    doubt = np.where(assigned, 1.0 - conf, 0.5)  # a no-fit is checked, but after the close calls
    doubt = np.where(
        tags[schema.TAG_STATUS].to_numpy() == "uncertain", np.maximum(doubt, 0.75), doubt
    )
    cols = [c for c in scores.columns if c.startswith(schema.SCORE_PREFIX)]
    if not cols:
        return doubt
    prefix = len(schema.SCORE_PREFIX)
    best = [cols[k][prefix:] for k in scores[cols].to_numpy().argmax(axis=1)]
    counts = labelled_per_priority or {}
    scarcity = np.asarray([1.0 / (1.0 + counts.get(pid, 0) / 5.0) for pid in best])
    return doubt * (1.0 + scarcity)


def review_queue(
    worth: np.ndarray, embeddings: np.ndarray, n: int, diversity: float = 0.5
) -> list[int]:
    """Row positions of the `n` passages to review first, most useful first (greedy maximal
    marginal relevance: a near-copy of a passage already picked waits)."""
    n = min(n, len(worth))
    if n <= 0:
        return []
    raw = np.asarray(embeddings, dtype=np.float64)
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    x = raw / np.where(norms == 0, 1.0, norms)
    closest = np.zeros(len(worth), dtype=np.float64)  # cosine to the nearest passage picked
    picked: list[int] = []
    taken = np.zeros(len(worth), dtype=bool)
    for _ in range(n):
        gain = np.where(taken, -np.inf, worth - diversity * closest)
        k = int(np.argmax(gain))
        picked.append(k)
        taken[k] = True
        closest = np.maximum(closest, x @ x[k])
    return picked


def review_order(
    tags: pd.DataFrame,
    scores: pd.DataFrame,
    embeddings: np.ndarray,
    n: int,
    labelled_per_priority: dict[str, int] | None = None,
) -> list[int]:
    """Row positions (into `tags`) of the `n` passages whose review teaches the tagger most.

    Turn by turn, the priority with the fewest confirmed passages (earlier decisions plus those
    queued) gets the next slot, filled with its most doubtful candidate (a passage whose best
    score is that priority) that is not a near-copy of one queued: a head and nearest neighbours
    need a few decisions for every priority, and random reviewing gives rare priorities none.
    """
    n = min(n, len(tags))
    if n <= 0:
        return []
    cols = [c for c in scores.columns if c.startswith(schema.SCORE_PREFIX)]
    if not cols:
        return review_queue(review_worth(tags, scores, labelled_per_priority), embeddings, n)
    worth = review_worth(tags, scores, labelled_per_priority)
    best = scores[cols].to_numpy().argmax(axis=1)
    prefix = len(schema.SCORE_PREFIX)
    counts = labelled_per_priority or {}
    have = np.asarray([counts.get(c[prefix:], 0) for c in cols], dtype=float)
    raw = np.asarray(embeddings, dtype=np.float64)
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    x = raw / np.where(norms == 0, 1.0, norms)
    closest = np.zeros(len(tags), dtype=np.float64)
    taken = np.zeros(len(tags), dtype=bool)
    open_ = np.asarray([(best == k).any() for k in range(len(cols))])
    picked: list[int] = []
    while len(picked) < n:
        if not open_.any():  # every candidate of every priority is queued: fill by worth
            rest = review_queue(np.where(taken, -np.inf, worth), x, n)
            picked += [i for i in rest if not taken[i]][: n - len(picked)]
            break
        k = int(np.argmin(np.where(open_, have, np.inf)))
        gain = np.where(~taken & (best == k), worth - 0.5 * closest, -np.inf)
        i = int(np.argmax(gain))
        if not np.isfinite(gain[i]):
            open_[k] = False
            continue
        picked.append(i)
        taken[i] = True
        have[k] += 1
        closest = np.maximum(closest, x @ x[i])
    return picked
