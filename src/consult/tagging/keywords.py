"""Keyword evidence for tagging: which codebook keywords occur in a passage, matched by lemma.

Lemmas make "bridges" match the keyword "bridge" and "financing" match "finance"; multi-word
keywords must occur as a contiguous run of lemmas. The result also tells a drafter *which words*
tied a passage to a priority.
"""

from __future__ import annotations

import numpy as np

from consult.tagging.codebook import Codebook
from consult.text.lemmas import lemmas


def keyword_index(codebook: Codebook) -> dict[str, list[tuple[tuple[str, ...], int, str]]]:
    """First lemma -> [(lemma sequence, priority index, keyword)] for every keyword."""
    pairs = [(i, kw) for i, p in enumerate(codebook.priorities) for kw in p.keywords]
    if not pairs:
        return {}
    lem = lemmas([kw for _, kw in pairs])
    index: dict[str, list[tuple[tuple[str, ...], int, str]]] = {}
    for (i, kw), seq in zip(pairs, lem):
        if seq:
            index.setdefault(seq[0], []).append((tuple(seq), i, kw))
    return index


def keyword_matches(texts: list[str], codebook: Codebook) -> list[dict[int, list[str]]]:
    """Per text: priority index -> keywords found (each once, in codebook order of finding)."""
    index = keyword_index(codebook)
    if not index or not texts:
        return [{} for _ in texts]
    distinct = list(dict.fromkeys(texts))  # repeated answers are matched once
    found_in: dict[str, dict[int, list[str]]] = {}
    for text, toks in zip(distinct, lemmas(distinct)):
        found: dict[int, list[str]] = {}
        n = len(toks)
        for j, t in enumerate(toks):
            cands = index.get(t)
            if not cands:
                continue
            for seq, i, kw in cands:
                m = len(seq)
                if m == 1 or (j + m <= n and tuple(toks[j : j + m]) == seq):
                    lst = found.setdefault(i, [])
                    if kw not in lst:
                        lst.append(kw)
        found_in[text] = found
    return [{i: list(kws) for i, kws in found_in[t].items()} for t in texts]


def keyword_hits(texts: list[str], codebook: Codebook) -> np.ndarray:
    """(n, P) count of distinct keywords of each priority found in each text."""
    hits = np.zeros((len(texts), len(codebook.priorities)), np.float32)
    for r, found in enumerate(keyword_matches(texts, codebook)):
        for i, kws in found.items():
            hits[r, i] = len(kws)
    return hits
