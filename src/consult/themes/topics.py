"""Emerging themes: BERTopic over a round's stakeholder passages, linked to the plan's priorities.

BERTopic runs on the precomputed embeddings (`embedding_model=None`) with a pluggable reducer and
clusterer (see `consult.themes.clustering`): by default PCA + k-means, which is deterministic, has no
outliers and costs a fraction of UMAP + HDBSCAN; BERTopic's own default is one setting away.
Keywords come from BERTopic's class-based TF-IDF over lemmas; labels join the 2-3 most
distinctive keywords so a drafter can read them. Themes follow the (shared-space) embeddings, not
languages: each passage is cut into words and loses its own language's stop words
(`consult.text.words`), a theme says which languages it holds, and its label and quotes prefer
English passages when it has them, always quoting the original text.

Linking rule (documented for drafters): a theme is linked to priority P when the mean score for P
over the theme's stakeholder passages is at least `topics.link_mean`, or when at least
`topics.link_share` of those passages score P at `topics.strong_score` or more. Linked priorities
are listed by mean score. A theme with no linked priority is **emerging**. So is a theme whose
passages the codebook barely speaks to: when the median `codebook_similarity` of its passages (cosine
to the closest priority, from the tagger) is below `topics.emerging_coverage_ratio` times the
round's median, its links are only the least-bad fits, so it is reported as emerging (with the
nearest priorities kept in the theme table's `nearest_priorities` for the reviewer).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from consult import schema
from consult.config import TopicsConfig
from consult.text.words import ENGLISH, keyword_docs_and_languages, passage_languages
from consult.themes.clustering import _relabel_by_size
from consult.themes.fitting import backend, fast_backend_for, fit, place_nearest
from consult.themes.labels import make_labels, theme_words
from consult.themes.procedural import (
    PROCEDURAL_LABEL,
    content_words,
    example_similarity,
    place_if_fitting,
    procedural_mask,
)
from consult.themes.quotes import representative
from consult.themes.vocabulary import scrub

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike

log = logging.getLogger(__name__)

UNASSIGNED_LABEL = "Unassigned"
_LABELS = {schema.PROCEDURAL_THEME_ID: PROCEDURAL_LABEL}
# fmt: off
THEME_COLUMNS = [
    schema.THEME_ID, schema.THEME_LABEL, schema.THEME_KEYWORDS, schema.THEME_SIZE,
    schema.THEME_PRIORITIES, schema.THEME_EMERGING, schema.THEME_QUOTES, schema.THEME_NEAREST,
    schema.THEME_LANGUAGES,
]
# fmt: on


@dataclass(frozen=True)
class ThemeResult:
    """What the themes stage returns: per-passage theme assignments (THEME_ID, THEME_LABEL,
    aligned with the input texts) and the theme table (THEME_COLUMNS). Frozen, so a result
    cached or shared is never changed; `without_model` gives the copy worth caching.

    `themes[THEME_QUOTES]` holds row positions into the input texts, most representative first;
    the caller maps them to passage ids and source references.
    """

    assignments: pd.DataFrame
    themes: pd.DataFrame
    model: Any = None  # the fitted BERTopic, when one was fitted
    info: dict[str, Any] = field(default_factory=dict)

    def without_model(self) -> ThemeResult:
        """The result without the fitted BERTopic: nothing downstream reads it, and unpickling
        it from a cache costs seconds."""
        return replace(self, model=None)


def _empty_themes() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in THEME_COLUMNS})


def _assignments(theme_ids: np.ndarray, labels: dict[int, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.THEME_ID: theme_ids.astype(int),
            schema.THEME_LABEL: pd.Series(
                [_LABELS.get(int(t)) or labels.get(int(t), UNASSIGNED_LABEL) for t in theme_ids],
                dtype=object,
            ),
        }
    )


def link_priorities(
    scores: pd.DataFrame | None, rows: np.ndarray, priority_ids: list[str], config: TopicsConfig
) -> list[str]:
    """Priorities a theme overlaps, by mean score (see the module docstring for the rule)."""
    if scores is None or rows.size == 0:
        return []
    found = []
    for pid in priority_ids:
        col = schema.score_column(pid)
        if col not in scores.columns:
            continue
        vals = pd.to_numeric(scores[col], errors="coerce").to_numpy(dtype=float)[rows]
        vals = np.nan_to_num(vals, nan=0.0)
        mean, share = float(vals.mean()), float((vals >= config.strong_score).mean())
        if mean >= config.link_mean or share >= config.link_share:
            found.append((-round(mean, 9), -round(share, 9), pid))
    return [pid for *_, pid in sorted(found)]


def _priority_ids(codebook: CodebookLike | None, scores: pd.DataFrame | None) -> list[str]:
    """The codebook's ids; without a codebook, the ids the score columns name."""
    if codebook is not None:
        return [p.id for p in codebook.priorities]
    if scores is None:
        return []
    return [
        c[len(schema.SCORE_PREFIX) :]
        for c in scores.columns
        if str(c).startswith(schema.SCORE_PREFIX)
    ]


def _procedural(
    texts: list[str],
    docs: list[str],
    X: np.ndarray,
    examples: np.ndarray | None,
    config: TopicsConfig,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Which passages have no substance, and their cosine to the procedural examples."""
    if not config.procedural:
        return np.zeros(len(docs), bool), None
    sim, scale = example_similarity(X, examples)
    n_content = content_words(docs)
    mask = procedural_mask(texts, n_content, sim, scale, config.procedural_similarity)
    return mask, (sim if scale > 0 else None)


def discover_themes(
    texts: list[str],
    embeddings: np.ndarray,
    scores: pd.DataFrame | None,
    codebook: CodebookLike | None,
    config: TopicsConfig,
    fit_mask: np.ndarray | None = None,
    reducer: Any = None,
    clusterer: Any = None,
    coverage: np.ndarray | None = None,
    languages: list[str] | None = None,
    procedural_examples: np.ndarray | None = None,
    speaker_roles: Sequence[str] | None = None,
) -> ThemeResult:
    """Themes of a round: fit on stakeholder passages (`fit_mask`) with substance, place the
    rest nearest; procedural passages join a theme only when they fit it well.

    `scores` holds the tagger's `score:<id>` columns aligned with `texts`; `codebook.priorities`
    gives the ids to link. `reducer`/`clusterer` override the configured backend. `coverage` is
    the tagger's `codebook_similarity` per passage (optional; see the module docstring).
    `languages` holds an ISO 639-1 code per passage (`und` when unknown); without it every
    passage is taken as English. `procedural_examples` are `procedural.EXAMPLES` embedded in the
    passages' space (without them only passages without content words count as procedural);
    `speaker_roles` are `transcripts.facilitator_roles` (see `consult.themes.vocabulary`).
    """
    t0 = time.perf_counter()
    texts = [t if isinstance(t, str) else "" if t is None or pd.isna(t) else str(t) for t in texts]
    n = len(texts)
    if n == 0:
        return ThemeResult(
            _assignments(np.zeros(0, dtype=int), {}),
            _empty_themes(),
            None,
            {"passages": 0, "fitted_on": 0, "procedural": 0},
        )
    X = np.asarray(embeddings, dtype=np.float32)
    if X.ndim != 2 or X.shape[0] != n:
        raise ValueError(
            f"Themes need one embedding row per passage: got {X.shape[0] if X.ndim else 0} rows "
            f"for {n} passages; embed the same passage table you pass as texts."
        )
    if scores is not None and len(scores) != n:
        raise ValueError(
            f"The score table has {len(scores)} rows for {n} passages; pass the tagger's scores "
            "for the same passage table."
        )
    mask = np.ones(n, bool) if fit_mask is None else np.asarray(fit_mask, dtype=bool)
    if mask.shape != (n,):
        raise ValueError(f"fit_mask has {mask.size} entries for {n} passages.")

    langs = passage_languages(texts, languages)
    all_docs, all_word_langs = keyword_docs_and_languages(
        scrub(texts, speaker_roles), config.lemmatize, langs
    )
    procedural, proc_sim = _procedural(texts, all_docs, X, procedural_examples, config)
    fit_idx = np.flatnonzero(mask & ~procedural)
    info: dict[str, Any] = {
        "passages": n,
        "fitted_on": int(fit_idx.size),
        "procedural": int(procedural.sum()),
    }
    theme_ids = np.full(n, -1, dtype=int)
    theme_ids[procedural] = schema.PROCEDURAL_THEME_ID
    if fit_idx.size == 0:
        log.info(
            "Themes: no stakeholder passages with content among %d (%d procedural); nothing to fit",
            n,
            info["procedural"],
        )
        info.update(procedural_placed=0, themes=0)
        return ThemeResult(_assignments(theme_ids, {}), _empty_themes(), None, info)

    Xf = X[fit_idx]
    fit_langs = [langs[i] for i in fit_idx]
    docs = [all_docs[i] for i in fit_idx]
    word_langs = [all_word_langs[i] for i in fit_idx]
    model = None
    if fit_idx.size < 3:  # too few to cluster: one theme
        fit_labels, n_out, used = np.zeros(fit_idx.size, dtype=int), 0, "single"
    else:
        r, c, used = backend(config, int(fit_idx.size), reducer, clusterer)
        fit_labels, model, n_out = fit(docs, Xf, config, r, c)
        if (fit_labels == -1).all():  # the clusterer found no structure: fall back to k-means
            log.info("Themes: %s found no clusters; refitting with k-means", used)
            r, c = fast_backend_for(config)
            fit_labels, model, n_out = fit(docs, Xf, config, r, c)
            used = "fast (fallback)"
    info.update(backend=used, outliers_before=n_out)

    fit_ids, order = _relabel_by_size(fit_labels)  # theme ids by size, largest first
    mapping = {c: t for t, c in enumerate(order.tolist())}  # fitted label -> theme id
    theme_ids[fit_idx] = fit_ids
    rest = np.flatnonzero(~mask & ~procedural)
    theme_ids[rest] = place_nearest(X, theme_ids, rest, threshold=-1.0)
    proc_rows = np.flatnonzero(procedural)
    placed = place_if_fitting(
        X, theme_ids, fit_idx, proc_rows, config.procedural_fit_quantile, proc_sim
    )
    theme_ids[proc_rows] = np.where(placed >= 0, placed, schema.PROCEDURAL_THEME_ID)
    info["procedural_placed"] = int((placed >= 0).sum())
    k = int(fit_ids.max()) + 1 if (fit_ids >= 0).any() else 0

    words = theme_words(model, mapping, docs, fit_langs, fit_ids, k, config.top_n_words, word_langs)
    labels = make_labels(words.label_words, words.label_language)
    groups = {t: fit_idx[fit_ids == t].tolist() for t in range(k)}
    quotes = representative(
        X, groups, config.n_quotes, texts=texts, languages=langs, prefer=(ENGLISH,)
    )
    pids = _priority_ids(codebook, scores)
    cov = None if coverage is None else np.nan_to_num(np.asarray(coverage, dtype=float), nan=1.0)
    floor = None if cov is None else config.emerging_coverage_ratio * float(np.median(cov[fit_idx]))
    sizes = np.bincount(theme_ids[mask & (theme_ids >= 0)], minlength=k)
    rows = []
    for t in range(k):
        members = np.asarray(groups[t], dtype=int)
        linked = link_priorities(scores, members, pids, config)
        uncovered = (
            cov is not None
            and floor is not None
            and members.size > 0
            and float(np.median(cov[members])) < floor
        )
        rows.append(
            {
                schema.THEME_ID: t,
                schema.THEME_LABEL: labels[t],
                schema.THEME_KEYWORDS: ", ".join(words.keywords[t]),
                # stakeholder passages in the theme: fitted ones and procedural ones placed
                schema.THEME_SIZE: int(sizes[t]),
                schema.THEME_PRIORITIES: "" if uncovered else ";".join(linked),
                schema.THEME_EMERGING: uncovered or not linked,
                schema.THEME_QUOTES: quotes[t],
                schema.THEME_NEAREST: ";".join(linked),
                schema.THEME_LANGUAGES: words.languages[t],
            }
        )
    themes = pd.DataFrame(rows, columns=THEME_COLUMNS) if rows else _empty_themes()
    info.update(
        themes=k,
        unassigned=int((theme_ids == -1).sum()),
        seconds=round(time.perf_counter() - t0, 3),
    )
    log.info(
        "Themes: %d themes over %d passages (%d fitted, %d procedural of which %d placed, "
        "backend %s, %d outliers placed, %d emerging) in %.2fs",
        k,
        n,
        fit_idx.size,
        info["procedural"],
        info["procedural_placed"],
        used,
        n_out,
        int(themes[schema.THEME_EMERGING].sum()) if k else 0,
        info["seconds"],
    )
    return ThemeResult(_assignments(theme_ids, labels), themes, model, info)
