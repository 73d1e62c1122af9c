"""The learned parts of tagging: a head per priority and thresholds for extra priorities."""

import numpy as np
import pandas as pd

from consult import schema
from consult.config import TaggingConfig
from consult.embedding.embed import HashingEmbedder
from consult.tagging.codebook import parse_codebook
from consult.tagging.learn import fit_head, fit_thresholds
from consult.tagging.tag import tag_passages

CODEBOOK = """
name: Test plan
priorities:
  - id: T
    label: Transport
    description: Transport links, including roads, railways, bridges, ports and trucks.
  - id: D
    label: Digital
    description: Digital connectivity, including internet, broadband, data and cybersecurity.
  - id: F
    label: Finance
    description: Financing, including bonds, investment, banks, loans and funding.
"""


def _clusters(rng, n, d=16):
    """Three well-separated directions and n noisy points around each."""
    centres = np.eye(d, dtype=np.float32)[:3] * 3
    x = np.concatenate([c + rng.normal(0, 0.3, (n, d)) for c in centres]).astype(np.float32)
    sets = np.zeros((3 * n, 3), dtype=bool)
    for k in range(3):
        sets[k * n : (k + 1) * n, k] = True
    return centres, x, sets


def test_head_learns_each_priority_and_skips_those_with_few_labels():
    rng = np.random.default_rng(0)
    centres, x, sets = _clusters(rng, 10)
    head = fit_head(x, sets)
    assert head is not None
    margin = head.margin(centres)
    assert (margin.argmax(axis=1) == [0, 1, 2]).all()
    sets[:, 2] = False
    sets[20:22, 2] = True  # two positives: below the minimum, no head for that priority
    head = fit_head(x, sets)
    assert head is not None and head.gain[2] == 0 and head.gain[0] > 0
    assert fit_head(x[:2], sets[:2]) is None


def test_thresholds_only_when_confirmed_passages_carry_several_priorities():
    rng = np.random.default_rng(1)
    prior = rng.normal(0, 0.05, (60, 3)).astype(np.float32)
    sets = np.zeros((60, 3), dtype=bool)
    sets[np.arange(60), prior.argmax(axis=1)] = True
    assert fit_thresholds(prior, sets) is None  # single-priority decisions: no extra rule
    # Every passage with a high second score was confirmed for that priority too.
    second = np.argsort(-prior, axis=1)[:, 1]
    high = prior[np.arange(60), second] > 0.0
    sets[np.flatnonzero(high), second[high]] = True
    at = fit_thresholds(prior, sets)
    assert at is not None and np.isfinite(at).all()
    assert (at > -0.05).all() and (at <= 0.2).all()


def _pairs(items):
    return pd.DataFrame(
        {"text": [t for t, _ in items], schema.PRIORITIES: [";".join(ids) for _, ids in items]}
    )


def test_multi_priority_decisions_teach_the_tagger_to_assign_more():
    cb = parse_codebook(CODEBOOK)
    emb = HashingEmbedder(512)
    topics = {
        "T": ["roads railways bridges", "ports and trucks", "railway bridges roads"],
        "D": ["internet broadband data", "cybersecurity data", "broadband internet"],
        "F": ["bonds investment banks", "loans funding", "bank loans bonds"],
    }
    both = []
    for a, b in (("T", "D"), ("D", "F"), ("T", "F")):
        for i in range(9):  # every pairing of a phrase of each: 9 distinct passages per pair
            both.append((f"{topics[a][i % 3]} {topics[b][i // 3]}", [a, b]))
    texts = ["roads bridges and broadband internet", "loans and bonds for railways ports"]
    cfg = TaggingConfig()
    zero = tag_passages(texts, emb.encode(texts), cb, emb, cfg)
    learned = tag_passages(texts, emb.encode(texts), cb, emb, cfg, labelled=_pairs(both))
    n_zero = sum(len(p.split(";")) for p in zero.tags[schema.PRIORITIES] if p)
    n_learned = sum(len(p.split(";")) for p in learned.tags[schema.PRIORITIES] if p)
    assert n_learned > n_zero
    assert learned.info["confidence_regime"] == "multi"
    assert learned.info["extra_priority_thresholds"] > 0
    assert zero.info["confidence_regime"] == "zero-shot"
