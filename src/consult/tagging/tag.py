"""Tag passages with the codebook's priorities: multi-label, deterministic, zero-shot first.

Why this method: a plain cosine threshold over-assigns, and per-priority accuracy punishes a
wrong tag as much as a missed one. So each priority gets a prototype (its label and description,
plus keywords, examples and reviewer-confirmed passages when given), similarities are centred per
priority over the batch (some descriptions are close to everything), turned into probabilities by
a softmax that includes a "no priority" option, and only the best priority, plus those nearly as
good, are assigned. Prototypes are then moved towards the passages they won (a few rounds), which
adapts the codebook's wording to the round's wording. Keywords found by lemma give a small bonus.
Everything after the embeddings is vectorised numpy, so tagging takes milliseconds per thousand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from consult import schema
from consult.config import TaggingConfig
from consult.embedding.embed import Embedder, EmbeddingCache
from consult.embedding.embed import normalise as _unit_rows
from consult.tagging.codebook import Codebook
from consult.tagging.learn import (
    HEAD_EXTRA_LOGIT,
    THRESHOLD_MIN_MULTI,
    fit_head,
    fit_thresholds,
)
from consult.tagging.prototypes import Prototypes, build_prototypes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TagResult:
    """What the tag stage returns; frozen, so a result cached or shared is never changed.

    Tagging rejects no passage: every text gets a row (no-fit is a status, not a rejection).
    """

    tags: pd.DataFrame  # PRIORITIES, CONFIDENCE, TAG_STATUS, COVERAGE; aligned with the texts
    scores: pd.DataFrame  # one schema.score_column(id) per priority, in [0, 1]
    info: dict[str, Any] = field(default_factory=dict)  # codebook, labelled examples, keywords


# ---- scoring ---------------------------------------------------------------------------------


def _item_max(x: np.ndarray, protos: Prototypes) -> np.ndarray:
    """For each passage and priority, the cosine of its best-matching phrase."""
    P = len(protos.ids)
    out = np.full((x.shape[0], P), -1.0, np.float32)
    if len(protos.items) == 0:
        return out
    sims = x @ protos.items.T
    for k in range(P):
        cols = protos.owner == k
        if cols.any():
            out[:, k] = sims[:, cols].max(axis=1)
    return out


def _knn(x: np.ndarray, protos: Prototypes, config: TaggingConfig) -> tuple[np.ndarray, np.ndarray]:
    """Mean cosine to the 3 nearest confirmed passages of each priority, and its weight."""
    P = len(protos.ids)
    knn = np.zeros((x.shape[0], P), np.float32)
    lam = np.zeros(P, np.float32)
    if protos.labelled is None or protos.labelled_owner is None or x.shape[0] == 0:
        return knn, lam
    sims = x @ protos.labelled.T
    for k in range(P):
        cols = protos.labelled_owner == k
        m = int(cols.sum())
        if m == 0:
            continue
        sk = sims[:, cols]
        j = min(3, m)
        knn[:, k] = np.partition(sk, m - j, axis=1)[:, m - j :].mean(axis=1)
        lam[k] = min(1.0, config.labelled_weight * m / (m + 10.0))
    return knn, lam


def _centre(
    s: np.ndarray, config: TaggingConfig, groups: list[np.ndarray] | None = None
) -> np.ndarray:
    """Remove each priority's batch-mean similarity (its bias), shrunk for small batches.

    With `groups` (row indices per language) each language is centred on its own: a language's
    passages sit closer to some priorities' English wording than others, and that bias is the
    language's, not the passages'. A small language group is shrunk towards the whole batch's
    bias, not towards its own mean: a lone "Setuju" centred on itself always fits some priority
    (its best score is above its own mean), where "Agree" among English passages is no-fit.
    """
    if groups is not None and len(groups) > 1:
        whole = _bias(s, config)
        out = np.empty_like(s)
        for rows in groups:
            out[rows] = s[rows] - _bias(s[rows], config, whole)
        return out
    return s - _bias(s, config)


def _bias(s: np.ndarray, config: TaggingConfig, prior: np.ndarray | None = None) -> np.ndarray:
    """Each priority's bias over the batch, shrunk (small batches) towards `prior`, or towards
    the mean over priorities when there is none."""
    if not config.centre_batch or s.shape[0] == 0:
        return np.asarray(s.mean() if s.size else 0.0)
    n = s.shape[0]
    w = n / float(n + config.centre_min_passages)
    col = s.mean(axis=0, keepdims=True)
    return w * col + (1 - w) * (col.mean() if prior is None else prior)


def language_groups(languages: list[str] | None) -> list[np.ndarray] | None:
    """Row indices per language, for per-language centring; None when there is one language."""
    if not languages:
        return None
    codes = pd.Series(list(languages), dtype=object).fillna("und")
    groups = [np.asarray(v, dtype=int) for v in codes.groupby(codes, sort=True).indices.values()]
    return groups if len(groups) > 1 else None


def _probabilities(c: np.ndarray, config: TaggingConfig) -> tuple[np.ndarray, np.ndarray]:
    """Softmax over priorities plus a 'none' option at `no_fit_margin`: (p (n,P), p_none (n,))."""
    logits = np.concatenate([c, np.full((c.shape[0], 1), config.no_fit_margin)], axis=1)
    logits = logits / config.temperature
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    return p[:, :-1], p[:, -1]


def score_matrix(
    x: np.ndarray,
    protos: Prototypes,
    config: TaggingConfig,
    bonus: np.ndarray | None = None,
    groups: list[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Centred similarity (n, P) after refinement, and the refined anchors."""
    x = _unit_rows(x)
    item = _item_max(x, protos)
    anchors = protos.anchors.copy()
    a = config.item_weight
    extra = bonus if bonus is not None else 0.0
    knn, lam = _knn(x, protos, config)
    n = x.shape[0]
    strength = config.refine_weight * n / (n + 200.0)  # small rounds: prototypes barely move
    for r in range(config.refine_rounds + 1):
        raw = (1 - a) * (x @ anchors.T) + a * item
        raw = (1 - lam) * raw + lam * knn + extra
        c = _centre(raw, config, groups)
        if r == config.refine_rounds:
            break
        p, p_none = _probabilities(c, config)
        best = p.argmax(axis=1)
        fit = p_none < 0.5
        for k in range(len(protos.ids)):
            members = x[(best == k) & fit]
            if len(members):
                m = len(members)
                w = strength * m / (m + 5.0)
                anchors[k] = _unit_rows(protos.anchors[k] + w * _unit_rows(members.mean(axis=0)))
    return c, anchors


def prior_scores(
    x: np.ndarray,
    probe: np.ndarray,
    protos: Prototypes,
    config: TaggingConfig,
    bonus: np.ndarray | None = None,
    groups: list[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Centred scores from the codebook alone (no confirmed passages) for the batch `x` and for
    `probe` rows centred with the batch's bias: the scale extra-priority thresholds live on."""
    from dataclasses import replace

    anchors = protos.prior_anchors if protos.prior_anchors is not None else protos.anchors
    bare = replace(protos, anchors=anchors, labelled=None, labelled_owner=None)
    c0, refined = score_matrix(x, bare, config, bonus, groups)
    a = config.item_weight

    def raw(v: np.ndarray) -> np.ndarray:
        return (1 - a) * (v @ refined.T) + a * _item_max(v, bare)

    extra = bonus if bonus is not None else 0.0
    bias = _bias(raw(_unit_rows(x)) + extra, config)
    return c0, raw(_unit_rows(probe)) - bias


# ---- the stage -------------------------------------------------------------------------------

# `confidence` of a tagged passage is the chance that its first priority is right: Platt scaling
# of the softmax share of that priority (the "no priority" option included), fitted on CAP by
# benchmarks/eval_learning.py's runs (3 seeds), one set per regime, since confirmed passages
# sharpen the scores and multi-priority passages have more than one right answer. Within a
# regime the scaling moves with how much the first priority was taught, g = n / (n + 10) for its
# n confirmed passages (a head's weight grows with n, so its shares sharpen faster than they
# grow right: one pair for every n left k = 5 under- and k = 50 over-confident, ECE 0.06):
# - zero-shot (no head): CAP k = 0, ECE 0.03 (the share it replaced: 0.36);
# - confirmed passages with one priority each (a head): CAP k = 5-50, ECE 0.01-0.03;
# - confirmed passages with several priorities: synthetic multi-label k = 5-50, ECE 0.01-0.03.
# A zero-shot multi-priority round cannot be told apart: there it is under-confident (ECE 0.10).
# (slope, slope per g, bias, bias per g) of the log-odds
CALIBRATION = {
    "zero-shot": (0.482, 0.0, -0.189, 0.0),
    "single": (0.517, -0.163, 0.003, -0.734),
    "multi": (0.581, -0.183, 0.542, -0.431),
}
TAUGHT_HALF = 10.0  # confirmed passages at which g = 1/2


def calibrated(p_first: float, regime: str = "zero-shot", taught: float = 0.0) -> float:
    """P(first priority right) from its softmax share and the first priority's g."""
    slope, slope_g, bias, bias_g = CALIBRATION[regime]
    q = min(max(p_first, 1e-6), 1 - 1e-6)
    z = (slope + slope_g * taught) * np.log(q / (1 - q)) + bias + bias_g * taught
    return float(1.0 / (1.0 + np.exp(-z)))


def tag_passages(
    texts: list[str],
    embeddings: np.ndarray,
    codebook: Codebook,
    embedder: Embedder,
    config: TaggingConfig,
    labelled: pd.DataFrame | None = None,
    cache: EmbeddingCache | None = None,
    prototypes: Prototypes | None = None,
    languages: list[str] | None = None,
    reliability: np.ndarray | list[float] | None = None,
    encode_labelled: Callable[[list[str]], np.ndarray] | None = None,
) -> TagResult:
    """Tags for each text: priorities (best first), confidence, status, and per-priority scores.

    `languages` (one code per text) centres each language's scores on its own. `reliability`
    (per text, in (0, 1]) scales the confidence of tags whose text reached the codebook's space
    through a map from another model, by how often that crossing keeps the English tag; a tag
    it pushes below the uncertain band is `uncertain`.
    """
    from consult.tagging.keywords import keyword_hits

    n = len(texts)
    ids = codebook.ids
    if embeddings.shape[0] != n:
        raise ValueError(f"{n} texts but {embeddings.shape[0]} embeddings; pass one row per text.")
    score_cols = [schema.score_column(i) for i in ids]
    if n == 0:
        return TagResult(
            tags=pd.DataFrame(
                {
                    schema.PRIORITIES: pd.Series(dtype=object),
                    schema.CONFIDENCE: pd.Series(dtype=float),
                    schema.TAG_STATUS: pd.Series(dtype=object),
                    schema.COVERAGE: pd.Series(dtype=float),
                }
            ),
            scores=pd.DataFrame({c: pd.Series(dtype=float) for c in score_cols}),
        )
    protos = prototypes or build_prototypes(
        codebook, embedder, config, labelled, cache, encode_labelled
    )
    hits = keyword_hits(texts, codebook)
    bonus = config.keyword_bonus * np.minimum(hits, 2.0) / 2.0 if hits.any() else None
    x = np.asarray(embeddings, np.float32)
    groups = language_groups(languages)
    c, _ = score_matrix(x, protos, config, bonus, groups)
    extra_at, c0, regime, head_logit = None, None, "zero-shot", None
    if protos.confirmed is not None and protos.confirmed_sets is not None:
        head = fit_head(protos.confirmed, protos.confirmed_sets)
        if head is not None:
            # Centred over the batch as the similarities are: a balanced head leans towards its
            # priority everywhere, and priorities with a head would win over those without
            # (unbalanced decisions fell below zero-shot, benchmarks/eval_queue.py).
            margin = head.margin(_unit_rows(x))
            n_x = x.shape[0]
            w = n_x / (n_x + config.centre_min_passages) if config.centre_batch else 0.0
            c = c + config.temperature * (margin - 0.5 * w * margin.mean(axis=0, keepdims=True))
            regime = "single"
        if (protos.confirmed_sets.sum(axis=1) >= 2).any():
            c0, c0_confirmed = prior_scores(x, protos.confirmed, protos, config, bonus, groups)
            extra_at = fit_thresholds(c0_confirmed, protos.confirmed_sets)
            multi = (protos.confirmed_sets.sum(axis=1) >= 2).mean() >= THRESHOLD_MIN_MULTI
            regime = "multi" if multi and head is not None else regime
            if extra_at is not None and head is not None:
                head_logit = head.logit(_unit_rows(x))
    taught = np.zeros(len(ids))  # g per priority, for the calibration
    if regime != "zero-shot" and protos.confirmed_sets is not None:
        n_confirmed = protos.confirmed_sets.sum(axis=0).astype(float)
        taught = n_confirmed / (n_confirmed + TAUGHT_HALF)
    p, p_none = _probabilities(c, config)
    fit = 1.0 - p_none
    top = p.max(axis=1, keepdims=True)
    rel = np.where(top > 0, p / np.maximum(top, 1e-12), 0.0)
    scores = np.clip(rel * fit[:, None], 0.0, 1.0)
    order = np.argsort(-scores, axis=1, kind="stable")
    tag_strs, conf, status = [], np.zeros(n), []
    sure = fit.copy()  # how surely some priority fits: what the status rules read
    th, rt, band = config.fit_threshold, config.relative_threshold, config.uncertain_band
    for i in range(n):
        ranked = order[i, : config.max_priorities]
        if fit[i] >= th:
            chosen = [
                k
                for j, k in enumerate(ranked)
                if rel[i, k] >= rt
                or (j > 0 and extra_at is not None and c0 is not None and c0[i, k] >= extra_at[k])
                or (j > 0 and head_logit is not None and head_logit[i, k] >= HEAD_EXTRA_LOGIT)
            ]
            tag_strs.append(";".join(ids[k] for k in chosen))
            conf[i] = calibrated(float(p[i, ranked[0]]), regime, float(taught[ranked[0]]))
            second = rel[i, ranked[1]] if len(ranked) > 1 else 0.0
            close = fit[i] < th + band or (rt - band <= second < rt)
            status.append("uncertain" if close else "tagged")
        else:
            tag_strs.append("")
            conf[i] = float(1.0 - fit[i])
            status.append("uncertain" if fit[i] >= th - band else "no-fit")
    if reliability is not None:
        factor = np.clip(np.asarray(reliability, dtype=float), 0.0, 1.0)
        assigned = np.asarray([bool(t) for t in tag_strs])
        conf = np.where(assigned, conf * factor, conf)
        sure = np.where(assigned, sure * factor, sure)
        status = [
            "uncertain" if a and st == "tagged" and c < th + band else st
            for a, st, c in zip(assigned, status, sure)
        ]
    coverage = (np.asarray(embeddings, np.float32) @ protos.anchors.T).max(axis=1)
    tags = pd.DataFrame(
        {
            schema.PRIORITIES: tag_strs,
            schema.CONFIDENCE: np.clip(conf, 0.0, 1.0).round(4),
            schema.TAG_STATUS: status,
            schema.COVERAGE: coverage.round(4),
        }
    )
    score_df = pd.DataFrame(scores.round(4), columns=score_cols)
    info = {
        "codebook": codebook.name,
        "codebook_sha256": codebook.sha256,
        **protos.info,
        "confidence_regime": regime,
        "extra_priority_thresholds": 0 if extra_at is None else int(np.isfinite(extra_at).sum()),
        "keyword_passages": int((hits > 0).any(axis=1).sum()),
    }
    return TagResult(tags=tags, scores=score_df, info=info)
