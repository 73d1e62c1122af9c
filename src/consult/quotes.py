"""Representative passages ("quotes") for priorities and themes.

A quote should show what a group of passages is about, so we take the passages closest to the
group's centroid in embedding space. Verbatim text and source references are attached by the
caller from the row positions returned here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from consult.embed import normalise as unit_rows

log = logging.getLogger(__name__)

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _dup_key(text: str) -> str:
    """Texts that differ only in case, spacing or punctuation count as the same quote."""
    return _NON_WORD.sub(" ", str(text).lower()).strip()


def representative(
    embeddings: np.ndarray,
    groups: Mapping[Hashable, Sequence[int]],
    k: int,
    texts: Sequence[str] | None = None,
    *,
    dup_similarity: float = 0.97,
    min_words: int = 5,
) -> dict[Hashable, list[int]]:
    """For each group (priority or theme id -> row positions) its `k` most representative rows.

    Rows are ranked by cosine similarity to the group centroid, ties broken by row position so the
    result is deterministic. A row is skipped when it nearly duplicates one already chosen
    (same text up to case/punctuation, when `texts` is given, or embedding cosine >=
    `dup_similarity`), so a campaign answer pasted 50 times is quoted once. With `texts`, passages
    shorter than `min_words` words are used only when longer ones run out.
    """
    X = np.asarray(embeddings, dtype=np.float32)
    out: dict[Hashable, list[int]] = {}
    for key, rows in groups.items():
        rows_arr = np.unique(np.asarray(list(rows), dtype=np.int64))
        if k <= 0 or rows_arr.size == 0:
            out[key] = []
            continue
        if rows_arr.min() < 0 or rows_arr.max() >= X.shape[0]:
            raise IndexError(
                f"Quote group {key!r} names rows outside 0..{X.shape[0] - 1}; pass row positions "
                "into the embeddings, not passage ids."
            )
        V = unit_rows(X[rows_arr])
        centroid = V.mean(axis=0)
        cn = float(np.linalg.norm(centroid))
        sims = V @ (centroid / cn) if cn > 0 else np.zeros(len(rows_arr), np.float32)
        sims = np.round(sims.astype(np.float64), 6)  # float noise must not reorder ties
        short = np.zeros(len(rows_arr), dtype=bool)
        if texts is not None:
            short = np.array([len(str(texts[r]).split()) < min_words for r in rows_arr])
        order = np.lexsort((rows_arr, -sims, short))  # long first, then most central, then row
        chosen: list[int] = []
        chosen_vecs: list[np.ndarray] = []
        seen: set[str] = set()
        for i in order:
            if len(chosen) >= k:
                break
            if texts is not None:
                dk = _dup_key(texts[rows_arr[i]])
                if dk in seen:
                    continue
            if chosen_vecs and float(np.max(np.stack(chosen_vecs) @ V[i])) >= dup_similarity:
                continue
            chosen.append(int(rows_arr[i]))
            chosen_vecs.append(V[i])
            if texts is not None:
                seen.add(dk)
        out[key] = chosen
    return out
