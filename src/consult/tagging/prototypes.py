"""The priorities as vectors: anchors from label, description and keywords, the description's
phrases, and the passages people confirmed (codebook examples and reviewer decisions)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from consult import schema
from consult.config import TaggingConfig
from consult.embedding.embed import Embedder, EmbeddingCache, embed_texts
from consult.embedding.embed import normalise as _unit_rows
from consult.tagging.codebook import Codebook

log = logging.getLogger(__name__)

LABELLED_TEXT = "text"  # column of the `labelled` frame holding the confirmed passage text


@dataclass
class Prototypes:
    """What a passage is compared with: one anchor per priority plus phrase vectors."""

    ids: list[str]
    anchors: np.ndarray  # (P, d), unit rows
    items: np.ndarray  # (M, d), unit rows: single phrases of labels and descriptions
    owner: np.ndarray  # (M,), priority index of each item
    labelled: np.ndarray | None = None  # (L, d) unit rows: codebook examples, confirmed passages
    labelled_owner: np.ndarray | None = None  # (L,), priority index of each confirmed tag
    prior_anchors: np.ndarray | None = None  # (P, d): anchors before confirmed passages pulled
    confirmed: np.ndarray | None = None  # (U, d): each confirmed text once
    confirmed_sets: np.ndarray | None = None  # (U, P) bool: the priorities it was confirmed for
    info: dict[str, Any] = field(default_factory=dict)


_SPLIT = re.compile(r"[;,:()]|\bincluding\b|\bsuch as\b|\bsuch\b|\be\.g\.|\bi\.e\.|\bas well as\b")


def description_phrases(label: str, description: str) -> list[str]:
    """The label plus the list items of a description ("a, b and c"), each a short phrase."""
    out = [label]
    for sent in re.split(r"(?<=[.!?])\s+", description):
        for part in _SPLIT.split(sent):
            part = re.sub(r"^\s*(and|or|the|of|in|on|for)\s+", "", part.strip(" .!?-"))
            if len(part.split()) >= 1 and len(part) > 2:
                out.append(part)
    return list(dict.fromkeys(out))


def split_labelled(
    labelled: pd.DataFrame | None, codebook: Codebook
) -> list[tuple[str, list[str]]]:
    """(text, [ids]) pairs of reviewer-confirmed tags; unknown tokens are resolved or skipped."""
    if labelled is None or len(labelled) == 0:
        return []
    missing = [c for c in (LABELLED_TEXT, schema.PRIORITIES) if c not in labelled.columns]
    if missing:
        raise ValueError(
            f"Labelled passages need columns {LABELLED_TEXT!r} and {schema.PRIORITIES!r}; "
            f"missing {missing}."
        )
    out = []
    for text, tags in zip(labelled[LABELLED_TEXT], labelled[schema.PRIORITIES]):
        if not isinstance(text, str) or not text.strip():
            continue
        ids: list[str] = []
        for tok in (tags if isinstance(tags, str) else "").split(";"):
            if tok.strip():
                try:
                    ids.append(codebook.resolve(tok))
                except ValueError:
                    log.warning("Ignoring confirmed tag %r not in codebook %s", tok, codebook.name)
        out.append((text, list(dict.fromkeys(ids))))
    return out


def build_prototypes(
    codebook: Codebook,
    embedder: Embedder,
    config: TaggingConfig,
    labelled: pd.DataFrame | None = None,
    cache: EmbeddingCache | None = None,
    encode_labelled: Callable[[list[str]], np.ndarray] | None = None,
) -> Prototypes:
    """Embed the codebook (and confirmed passages) once into anchors and phrase vectors.

    `encode_labelled` reads confirmed passages as the round's passages are read (each language
    by its model, in the shared space); by default they are read like the codebook.
    """
    pris = codebook.priorities
    texts: list[str] = []
    slots: list[tuple[int, str]] = []  # (priority index, role)

    def add(i: int, role: str, t: str) -> None:
        texts.append(t)
        slots.append((i, role))

    for i, p in enumerate(pris):
        add(i, "full", f"{p.label}. {p.description}".strip() if p.description else p.label)
        for ph in description_phrases(p.label, p.description):
            add(i, "item", ph)
        if p.keywords:
            add(i, "keywords", f"{p.label}: {', '.join(p.keywords)}")
    # A codebook example is a passage a person confirmed for its priority: it teaches as a
    # reviewer's decision does (kNN and a pull on the anchor), not as one more description phrase.
    # As phrases, a few examples made the best-phrase score noisy and cost accuracy at every k
    # below 50 (benchmarks/eval_learning.py).
    ex_texts = [ex for p in pris for ex in p.examples]
    ex_owner = [i for i, p in enumerate(pris) for _ in p.examples]
    pairs = split_labelled(labelled, codebook)
    index = {pid: k for k, pid in reversed(list(enumerate(codebook.ids)))}  # first wins
    lab_owner = np.asarray(ex_owner + [index[pid] for _, ids in pairs for pid in ids], dtype=int)
    lab_texts = [text for text, ids in pairs for _ in ids]
    if encode_labelled is None or not lab_texts:
        texts += ex_texts + lab_texts
        vecs = _unit_rows(embed_texts(texts, embedder, cache)[0])
    else:
        vecs = np.concatenate(
            [
                _unit_rows(embed_texts(texts + ex_texts, embedder, cache)[0]),
                _unit_rows(encode_labelled(lab_texts)),
            ]
        )
    lab_vecs = vecs[len(slots) :]  # examples, then confirmed passages: one row per (text, tag)
    n_lab = np.bincount(lab_owner, minlength=len(pris))
    d = vecs.shape[1]
    anchors = np.zeros((len(pris), d), np.float32)
    prior = np.zeros((len(pris), d), np.float32)
    items, owner = [], []
    by: dict[tuple[int, str], list[np.ndarray]] = {}
    for (i, role), v in zip(slots, vecs):
        by.setdefault((i, role), []).append(v)
        if role == "item":
            items.append(v)
            owner.append(i)
    for i in range(len(pris)):
        parts = [np.mean(by[(i, "full")], axis=0)]
        weights = [1.0]
        for role, w in (("keywords", 0.5),):
            if (i, role) in by:
                parts.append(_unit_rows(np.mean(by[(i, role)], axis=0)))
                weights.append(w)
        base = _unit_rows(np.average(np.stack(parts), axis=0, weights=weights))
        prior[i] = base
        n = int(n_lab[i])
        if n:
            w = config.labelled_weight * n / (n + 10.0)  # a pull by 2 passages skewed the anchor
            base = _unit_rows(base + w * _unit_rows(lab_vecs[lab_owner == i].mean(axis=0)) * 2.0)
        anchors[i] = base
    items_arr = np.stack(items) if items else np.zeros((0, d), np.float32)
    confirmed, sets = _confirmed(ex_texts + lab_texts, lab_vecs, lab_owner, len(pris))
    return Prototypes(
        ids=codebook.ids,
        anchors=_unit_rows(anchors),
        items=items_arr,
        owner=np.asarray(owner, dtype=int),
        labelled=lab_vecs.copy() if lab_owner.size else None,
        labelled_owner=lab_owner if lab_owner.size else None,
        prior_anchors=_unit_rows(prior),
        confirmed=confirmed,
        confirmed_sets=sets,
        info={
            "n_labelled": len(pairs),
            "n_examples": len(ex_texts),
            "labelled_per_priority": n_lab.tolist(),
        },
    )


def _confirmed(
    texts: list[str], vecs: np.ndarray, owner: np.ndarray, n_priorities: int
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Each confirmed text once, with the set of priorities it was confirmed for: a text listed
    under two priorities (codebook examples, or one decision naming two) carries both."""
    if not texts:
        return None, None
    first: dict[str, int] = {}
    rows: list[int] = []
    for j, t in enumerate(texts):
        if t not in first:
            first[t] = len(rows)
            rows.append(j)
    sets = np.zeros((len(rows), n_priorities), dtype=bool)
    for j, t in enumerate(texts):
        sets[first[t], owner[j]] = True
    return vecs[rows].copy(), sets
