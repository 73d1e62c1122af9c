"""Representative passages ("quotes") for priorities and themes.

A quote should show what a group of passages is about, so we take the passages closest to the
group's centroid in embedding space. Verbatim text and source references are attached by the
caller from the row positions returned here: a quote is always the original text, never a
translation. Given each passage's language, passages a reviewer can read (English) move ahead
among the most representative candidates; a group with none is quoted in its own languages.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np

from consult.embedding.embed import normalise as unit_rows

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)  # a group's key: a priority id or a theme id

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Thai, Lao, Khmer, Burmese, Chinese, Japanese: no spaces between words, so words are estimated
# from the characters (about four per word) rather than counted between spaces.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f\u3040-\u30ff\u4e00-\u9fff]")
CHARS_PER_WORD = 4


def _dup_key(text: str) -> str:
    """Texts that differ only in case, spacing or punctuation count as the same quote."""
    return _NON_WORD.sub(" ", str(text).lower()).strip()


def n_words(text: str) -> int:
    """Words in `text`; estimated from its characters in scripts written without spaces."""
    n = len(text.split())
    if _UNSPACED.search(text):
        n = max(n, (len(text) - text.count(" ")) // CHARS_PER_WORD)
    return n


def _prefer(
    order: np.ndarray,
    rows: np.ndarray,
    languages: Sequence[str],
    prefer: Sequence[str],
    window: int,
) -> np.ndarray:
    """Within the first `window` candidates, preferred languages first (stable otherwise)."""
    head = order[:window]
    liked = np.array([str(languages[rows[i]]) in prefer for i in head], dtype=bool)
    return np.concatenate([head[liked], head[~liked], order[window:]])


def representative(
    embeddings: np.ndarray,
    groups: Mapping[K, Sequence[int]],
    k: int,
    texts: Sequence[str] | None = None,
    *,
    dup_similarity: float = 0.97,
    min_words: int = 5,
    languages: Sequence[str] | None = None,
    prefer: Sequence[str] = (),
    prefer_window: int = 3,
) -> dict[K, list[int]]:
    """For each group (priority or theme id -> row positions) its `k` most representative rows.

    Rows are ranked by cosine similarity to the group centroid, ties broken by row position so the
    result is deterministic. A row is skipped when it nearly duplicates one already chosen
    (same text up to case/punctuation, when `texts` is given, or embedding cosine >=
    `dup_similarity`), so a campaign answer pasted 50 times is quoted once. With `texts`, passages
    shorter than `min_words` words are used only when longer ones run out.

    With `languages` (one code per embedding row) and `prefer`, rows in a preferred language move
    ahead among the `prefer_window * k` most representative candidates, so a reviewer gets
    quotes they can read when the group has comparably central ones; the rest keep their order.
    """
    X = np.asarray(embeddings, dtype=np.float32)
    if languages is not None and len(languages) != X.shape[0]:
        raise ValueError(f"languages has {len(languages)} entries for {X.shape[0]} rows.")
    out: dict[K, list[int]] = {}
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
            short = np.array([n_words(str(texts[r])) < min_words for r in rows_arr])
        order = np.lexsort((rows_arr, -sims, short))  # long first, then most central, then row
        if languages is not None and prefer:
            long_first = int((~short).sum()) or len(order)  # never lift a short one over long
            order = _prefer(
                order, rows_arr, languages, tuple(prefer), min(long_first, prefer_window * k)
            )
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
