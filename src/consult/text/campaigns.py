"""Near-identical texts grouped, as campaigns send them: one template with small edits.

A text is the set of its shingles: runs of 3 words, and runs of 5 characters inside scripts
written without spaces (Thai, Lao, Khmer, Burmese, Chinese, Japanese), after case folding, so
punctuation and spacing never matter. Two texts are near-identical when the Jaccard similarity of
their shingle sets reaches `threshold` (`benchmarks/eval_campaigns.py` measures where it sits):
a changed greeting, an added sentence or a name signed at the end keep most runs of three
words; a rewrite, or a template buried in an answer of one's own, does not.

Finding the pairs is not quadratic: each distinct text gets a MinHash signature (126 hashes),
and only texts that agree on one band of 3 hashes (42 bands, numpy sorting) are compared, each
with the first text of its band bucket. Pairs found similar are joined into groups; a group then
keeps only the texts within `threshold` of its template (the member whose shingles its
members share most), so a chain of small edits never drifts into a different text. Hashes are
CRC-32 and fixed multipliers, so the same texts give the same groups in every process.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 0.5  # Jaccard of shingle sets; measured by benchmarks/eval_campaigns.py
WORD_SHINGLE = 3
CHAR_SHINGLE = 5
N_HASHES = 126  # 42 bands x 3 rows: a pair at Jaccard 0.5 meets in some band with p = 0.996
BAND_ROWS = 3
_CHUNK = 8_192  # shingles hashed at once: 8k x 126 x 8 bytes = 8 MB, cache-sized
_TEXTS = 4_096  # texts cut into shingles at once

_NO_SPACE = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
_UNSPACED = re.compile(rf"[{_NO_SPACE}]+")
_WORDS = re.compile(rf"[^\W{_NO_SPACE}]+")
_ANY_WORD = re.compile(r"\w+")


def _constants(tag: str) -> np.ndarray:
    """N_HASHES fixed 64-bit numbers (from SHA-256, not a random generator whose stream a new
    numpy could change): signatures must not change between runs or machines."""
    digests = [hashlib.sha256(f"{tag}{j}".encode()).digest()[:8] for j in range(N_HASHES)]
    return np.array([int.from_bytes(d, "little") for d in digests], dtype=np.uint64)


_A = _constants("multiplier") | np.uint64(1)  # odd: multiply-shift hashing
_B = _constants("offset")
_MIX = np.uint64(0x9E3779B97F4A7C15)  # folds a 64-bit window hash to 32 bits
_POS = np.array(  # one multiplier per place in a window, so "a b c" and "c b a" differ
    [
        0x8CB92BA72F3D8DD7,
        0xD6E8FEB86659FD93,
        0xA0761D6478BD642F,
        0xE7037ED1A0B428DB,
        0x1D8E4E27C47D124F,
    ],
    dtype=np.uint64,
)


def _tokens(texts: Sequence[str]) -> tuple[np.ndarray, list[int], np.ndarray, list[int]]:
    """(word hashes, each text's end in them, no-space-script characters, each text's end in
    them): the tokens of every text, flat. Words are hashed once per distinct word (CRC-32)."""
    words: list[str] = []
    word_ends: list[int] = []
    chars: list[np.ndarray] = []
    char_ends: list[int] = []
    n_chars = 0
    for text in texts:
        low = unicodedata.normalize("NFKC", text).casefold()
        unspaced = _UNSPACED.findall(low)
        words += _WORDS.findall(low) if unspaced else _ANY_WORD.findall(low)
        word_ends.append(len(words))
        if unspaced:
            for run in unspaced:
                chars.append(np.frombuffer(run.encode("utf-32-le"), dtype=np.uint32))
                n_chars += len(chars[-1])
        char_ends.append(n_chars)
    codes, uniques = pd.factorize(pd.Series(words, dtype=object), sort=False)
    crc = np.array([zlib.crc32(w.encode()) | 1 for w in uniques], np.uint64)  # never 0: padding
    hashes = crc[codes] if len(codes) else np.empty(0, np.uint64)
    flat_chars = np.concatenate(chars) if chars else np.empty(0, np.uint32)
    return hashes, word_ends, flat_chars, char_ends


def _windows(
    tokens: list[int] | np.ndarray, ends: list[int], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """(text index, 32-bit hash) of every window of `k` tokens inside one text; a text with
    fewer than `k` tokens (but some) gives one window, padded."""
    ends_a = np.asarray(ends, dtype=np.int64)
    starts = np.concatenate([[0], ends_a[:-1]]) if len(ends_a) else ends_a
    lengths = ends_a - starts
    n_win = np.where(lengths > 0, np.maximum(lengths - k + 1, 1), 0)
    if not n_win.sum():
        return np.empty(0, np.int64), np.empty(0, np.uint64)
    tok = np.asarray(tokens, dtype=np.uint64)
    tok = np.concatenate([tok, np.zeros(k, np.uint64)])
    owner = np.repeat(np.arange(len(ends_a)), n_win)
    offset = np.arange(int(n_win.sum())) - np.repeat(np.cumsum(n_win) - n_win, n_win)
    first = starts[owner] + offset
    end = ends_a[owner]
    h = np.zeros(len(first), np.uint64)
    for j in range(k):
        pos = first + j
        t = np.where(pos < end, tok[np.minimum(pos, len(tok) - 1)], np.uint64(0))
        h += t * _POS[j]
    return owner, (h * _MIX) >> np.uint64(32)


class Shingles:
    """The shingle sets of many texts, flat: text i holds flat[bounds[i]:bounds[i + 1]], sorted
    and distinct (32-bit hashes in uint64)."""

    def __init__(self, texts: Sequence[str]) -> None:
        flats, sizes = [], []
        for lo in range(0, len(texts), _TEXTS):  # a few thousand texts at a time stay in cache
            chunk = texts[lo : lo + _TEXTS]
            words, word_ends, chars, char_ends = _tokens(chunk)
            ow, wh = _windows(words, word_ends, WORD_SHINGLE)
            oc, ch = _windows(chars, char_ends, CHAR_SHINGLE)
            keys = np.concatenate([ow, oc]).astype(np.uint64) << np.uint64(32)
            keys |= np.concatenate([wh, ch])
            keys.sort()  # by text, then hash
            if len(keys):
                keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]  # each once
            flats.append(keys & np.uint64(0xFFFFFFFF))
            owner = (keys >> np.uint64(32)).astype(np.int64)
            sizes.append(np.bincount(owner, minlength=len(chunk)))
        self.flat = np.concatenate(flats) if flats else np.empty(0, np.uint64)
        self.sizes = np.concatenate(sizes) if sizes else np.empty(0, np.int64)
        self.bounds = np.concatenate([[0], np.cumsum(self.sizes)]).astype(np.int64)

    def __len__(self) -> int:
        return len(self.sizes)

    def gather(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in `idx`, shingle) for every shingle of the texts `idx`, concatenated."""
        idx = np.asarray(idx, np.int64)
        lengths = self.sizes[idx]
        total = int(lengths.sum())
        owner = np.repeat(np.arange(len(idx)), lengths)
        pos = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return owner, self.flat[self.bounds[idx][owner] + pos]

    def overlap(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """|A & B| for each pair of texts (a[i], b[i]), sorting, never a loop over pairs."""
        out = np.zeros(len(a), np.int64)
        step = max(1, _CHUNK * 16 // max(1, int(self.sizes.mean()) if len(self) else 1))
        for lo in range(0, len(a), step):
            oa, ha = self.gather(a[lo : lo + step])
            ob, hb = self.gather(b[lo : lo + step])
            keys = np.concatenate(
                [
                    (oa.astype(np.uint64) << np.uint64(32)) | ha,
                    (ob.astype(np.uint64) << np.uint64(32)) | hb,
                ]
            )
            keys.sort()
            same = keys[1:][keys[1:] == keys[:-1]]
            out[lo : lo + step] = np.bincount(
                (same >> np.uint64(32)).astype(np.int64), minlength=len(a[lo : lo + step])
            )
        return out

    def jaccard(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Jaccard similarity of each pair of texts (a[i], b[i]); 0 when either has no words."""
        a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
        inter = self.overlap(a, b)
        union = self.sizes[a] + self.sizes[b] - inter
        return np.where(union > 0, inter / np.maximum(union, 1), 0.0)


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of two texts' shingle sets, as grouping measures it."""
    return float(Shingles([a, b]).jaccard(np.array([0]), np.array([1]))[0])


def signatures(sh: Shingles, idx: np.ndarray) -> np.ndarray:
    """MinHash signature (len(idx) x N_HASHES, uint32) of the texts `idx` (none empty)."""
    sizes = sh.sizes[idx]
    if (sizes == 0).any():
        raise ValueError("signatures() needs texts with at least one word")
    _, flat = sh.gather(idx)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    out = np.empty((len(idx), N_HASHES), dtype=np.uint32)
    i = 0
    while i < len(idx):  # whole texts per chunk, so each minimum is taken once
        j = int(np.searchsorted(starts, starts[i] + _CHUNK, side="right"))
        j = max(j, i + 1)
        lo, hi = starts[i], starts[j - 1] + sizes[j - 1]
        hashed = flat[lo:hi, None] * _A[None, :]
        hashed += _B[None, :]
        low = np.minimum.reduceat(hashed, starts[i:j] - lo, axis=0)  # the shift keeps order
        out[i:j] = (low >> np.uint64(32)).astype(np.uint32)
        i = j
    return out


def _candidate_pairs(sig: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """(m x 2) pairs of rows that share a band within one group: each row of a band bucket
    paired with the bucket's first row, so a bucket of n rows costs n pairs, never n^2."""
    n = len(sig)
    pairs = []
    g = groups.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    for band in range(N_HASHES // BAND_ROWS):
        cols = sig[:, band * BAND_ROWS : (band + 1) * BAND_ROWS].astype(np.uint64)
        key = g.copy()
        for j in range(BAND_ROWS):
            key = (key ^ cols[:, j]) * _POS[j]
        order = np.argsort(key, kind="stable")
        ks = key[order]
        new = np.ones(n, bool)
        new[1:] = ks[1:] != ks[:-1]
        first = order[np.maximum.accumulate(np.where(new, np.arange(n), 0))]
        member = ~new
        pairs.append(first[member].astype(np.int64) * n + order[member])
    codes = np.unique(np.concatenate(pairs)) if pairs else np.empty(0, np.int64)
    return np.stack([codes // max(n, 1), codes % max(n, 1)], axis=1)


def templates(
    sh: Shingles, members: np.ndarray, group: np.ndarray, weights: np.ndarray
) -> dict[int, int]:
    """The template of each group: the member whose shingles the group's members share most
    (mean share of the members, weighted by `weights` copies, holding each of its shingles);
    ties go to the most copies, then the first member listed. Returns group -> member."""
    if not len(members):
        return {}
    owner, h = sh.gather(members)
    keys = (group[owner].astype(np.uint64) << np.uint64(32)) | h
    _, inv = np.unique(keys, return_inverse=True)
    held = np.bincount(inv, weights=weights[owner].astype(float))
    total = np.bincount(owner, weights=held[inv], minlength=len(members))
    score = np.round(total / np.maximum(sh.sizes[members], 1), 9)
    order = np.lexsort((-np.arange(len(members)), weights, score, group))
    last = np.ones(len(order), bool)
    last[:-1] = group[order][1:] != group[order][:-1]
    return {int(group[k]): int(members[k]) for k in order[last]}


def wording(text: str) -> str:
    """The text as grouping sees two copies: case folded, spacing collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def campaign_templates(texts: Sequence[str], groups: Sequence[Hashable]) -> dict[Hashable, int]:
    """{group: position of its template among `texts`} (the first copy of it), for texts
    already grouped (a campaign's members), as `near_duplicate_groups` chooses templates."""
    first: dict[tuple[Hashable, str], int] = {}
    copies: dict[tuple[Hashable, str], int] = {}
    for i, (t, g) in enumerate(zip(texts, groups, strict=True)):
        k = (g, wording(t))
        first.setdefault(k, i)
        copies[k] = copies.get(k, 0) + 1
    forms = list(first)
    if not forms:
        return {}
    number = {g: j for j, g in enumerate(dict.fromkeys(g for g, _ in forms))}
    sh = Shingles([texts[first[k]] for k in forms])
    best = templates(
        sh,
        np.arange(len(forms)),
        np.array([number[g] for g, _ in forms], np.int64),
        np.array([copies[k] for k in forms], np.int64),
    )
    names = list(number)
    return {names[j]: first[forms[d]] for j, d in best.items()}


def campaign_template(texts: Sequence[str]) -> int:
    """Position of the template among one campaign's members' texts (the first copy of it)."""
    return campaign_templates(texts, [0] * len(texts)).get(0, 0)


def near_duplicate_groups(
    texts: Sequence[str],
    keys: Sequence[Hashable | None] | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[np.ndarray, dict[int, int]]:
    """(group label per text: 0, 1, ... or -1 for a text in no group of two or more; the row of
    each group's template, by label).

    Only texts with the same `key` are compared (None: the text is left out); texts identical
    after case folding and spacing count as one, with their copies. `threshold` is the Jaccard
    similarity of shingle sets a member must reach with its group's template.
    """
    n = len(texts)
    keys = [0] * n if keys is None else list(keys)
    norm: dict[tuple[Hashable, str], int] = {}
    rep_of = np.full(n, -1, np.int64)
    distinct: list[str] = []
    dkeys: list[Hashable] = []
    first_row: list[int] = []
    for i, (t, k) in enumerate(zip(texts, keys, strict=True)):
        if k is None or not isinstance(t, str):
            continue
        d = norm.setdefault((k, wording(t)), len(distinct))
        if d == len(distinct):
            distinct.append(t)
            dkeys.append(k)
            first_row.append(i)
        rep_of[i] = d
    sh = Shingles(distinct)
    copies = np.bincount(rep_of[rep_of >= 0], minlength=len(distinct))
    key_ids = {k: j for j, k in enumerate(dict.fromkeys(dkeys))}
    dgroup = np.array([key_ids[k] for k in dkeys], np.int64)
    idx = np.flatnonzero(sh.sizes > 0)
    edges = np.empty((0, 2), np.int64)
    if len(idx) > 1:
        sig = signatures(sh, idx)
        cand = _candidate_pairs(sig, dgroup[idx])
        est = (sig[cand[:, 0]] == sig[cand[:, 1]]).mean(axis=1) if len(cand) else np.empty(0)
        near = idx[cand[est >= threshold - 0.15]]  # the estimate's spread at 126 hashes: ~0.045
        if len(near):
            edges = near[sh.jaccard(near[:, 0], near[:, 1]) >= threshold]
    dlabel, dtemplate = _grouped(edges, sh, copies, threshold)
    labels = np.full(n, -1, np.int64)
    labels[rep_of >= 0] = dlabel[rep_of[rep_of >= 0]]
    # number the groups by their first row, so labels read in table order
    found = np.unique(labels[labels >= 0])
    if not len(found):
        return labels, {}
    first_of = {int(v): i for i, v in reversed(list(enumerate(labels.tolist()))) if v >= 0}
    ordered = sorted(found.tolist(), key=lambda v: first_of[v])
    renum = np.full(int(found.max()) + 1, -1, np.int64)
    renum[ordered] = np.arange(len(ordered))
    out = np.where(labels >= 0, renum[np.maximum(labels, 0)], -1)
    return out, {int(renum[g]): first_row[t] for g, t in dtemplate.items()}


def _grouped(
    edges: np.ndarray, sh: Shingles, copies: np.ndarray, threshold: float
) -> tuple[np.ndarray, dict[int, int]]:
    """(group label per distinct text, template by label): the components of `edges`, each cut
    back to its template and the texts within `threshold` of it; a text with copies and no near
    text is a group by itself."""
    from scipy.sparse import coo_matrix  # here: `consult check` starts without scipy
    from scipy.sparse.csgraph import connected_components

    m = len(sh)
    labels = np.full(m, -1, np.int64)
    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(m, m))
    _, comp = connected_components(graph, directed=False)
    sizes = np.bincount(comp, minlength=m)
    members = np.flatnonzero(sizes[comp] > 1)
    tpl = templates(sh, members, comp[members], copies[members])
    if len(members):
        t_of = np.array([tpl[int(c)] for c in comp[members]], np.int64)
        near = sh.jaccard(members, t_of) >= threshold
        kept, kept_t = members[near], t_of[near]
        n_kept = np.bincount(kept_t, minlength=m)
        ok = (n_kept[kept_t] > 1) | (copies[kept_t] > 1)
        labels[kept[ok]] = comp[kept[ok]]
    alone = np.flatnonzero((copies > 1) & (labels < 0))  # exact copies, nothing near them
    labels[alone] = m + alone
    templates_of = {int(labels[t]): int(t) for t in set(tpl.values()) if labels[t] >= 0}
    templates_of.update({int(labels[d]): int(d) for d in alone})
    return labels, templates_of
