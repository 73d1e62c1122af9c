"""Fitting themes: the configured reducer and clusterer, BERTopic's fit and its fallbacks.

Split from `consult.themes.topics`, which decides what is fitted and builds the theme table.
BERTopic runs on precomputed embeddings with a pluggable reducer and clusterer (see
`consult.themes.clustering`); when its c-TF-IDF cannot be built the passages are clustered
without it, and when the clusterer finds no structure `topics` refits with k-means.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from consult.config import TopicsConfig
from consult.embedding.embed import normalise as _unit_rows
from consult.themes.clustering import fast_backend, umap_hdbscan_backend
from consult.themes.labels import POOL

log = logging.getLogger(__name__)

# UMAP/HDBSCAN need a few dozen points; smaller rounds use the fast backend.
MIN_FOR_UMAP = 30


def fast_backend_for(config: TopicsConfig) -> tuple[Any, Any]:
    """The fast backend with the run's theme settings."""
    return fast_backend(
        config.seed, config.reduce_dims, config.n_themes, config.min_topic_size, config.max_themes
    )


def backend(config: TopicsConfig, n_fit: int, reducer: Any, clusterer: Any) -> tuple[Any, Any, str]:
    if reducer is not None or clusterer is not None:
        fr, fc = fast_backend_for(config)
        return reducer or fr, clusterer or fc, "custom"
    if config.backend == "umap-hdbscan" and n_fit >= MIN_FOR_UMAP:
        r, c = umap_hdbscan_backend(n_fit, config.seed, config.min_topic_size)
        return r, c, "umap-hdbscan"
    if config.backend == "umap-hdbscan":
        log.info("Round has %d passages (< %d): using the fast theme backend", n_fit, MIN_FOR_UMAP)
    r, c = fast_backend_for(config)
    return r, c, "fast"


def _vectorizer() -> Any:
    """Counts the words of `keyword_docs`, which has already cut each passage into words and
    dropped its language's stop words (a global list would cut "an ninh" in Vietnamese)."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\S+", lowercase=False)


_IMPORT: list[threading.Thread] = []  # the one background import of this process


def import_in_background() -> threading.Thread:
    """Import BERTopic in a thread. The import alone takes 5-9 s here (it pulls in transformers'
    pipelines, plotly and umap), which a run fitting themes would otherwise wait for after
    embedding; while texts are embedded the interpreter is mostly idle (the model's maths lets go
    of it), so the import costs little there."""

    def work() -> None:
        try:
            import bertopic  # noqa: F401
        except Exception as exc:  # the fit imports it again and reports properly
            log.debug("Background import of BERTopic failed: %s", exc)

    if not _IMPORT:
        _IMPORT.append(threading.Thread(target=work, name="consult-bertopic-import", daemon=True))
        _IMPORT[0].start()
    return _IMPORT[0]


def _fit_bertopic(
    docs: list[str], X: np.ndarray, config: TopicsConfig, reducer: Any, clusterer: Any
) -> tuple[np.ndarray, Any, int]:
    """Fit BERTopic on the stakeholder passages; returns labels, the model, outliers reduced."""
    from bertopic import BERTopic  # lazy: heavy import
    from bertopic.vectorizers import ClassTfidfTransformer

    ctfidf = ClassTfidfTransformer(reduce_frequent_words=True)
    top_n = max(config.top_n_words, POOL)  # more than shown: the label may need readable ones
    # language="english" would make BERTopic strip every non-ASCII letter before counting.
    model = BERTopic(
        embedding_model=None,
        umap_model=reducer,
        hdbscan_model=clusterer,
        vectorizer_model=_vectorizer(),
        ctfidf_model=ctfidf,
        language="multilingual",
        top_n_words=top_n,
        calculate_probabilities=False,
        verbose=False,
        min_topic_size=max(2, config.min_topic_size or 10),
    )
    topics, _ = model.fit_transform(docs, embeddings=X)
    labels = np.asarray(topics, dtype=int)
    n_out = int((labels == -1).sum())
    if n_out and n_out < len(labels) and config.reduce_outliers:
        new = model.reduce_outliers(
            docs,
            labels.tolist(),
            strategy="embeddings",
            embeddings=X,
            threshold=config.outlier_threshold,
        )
        model.update_topics(
            docs, topics=new, vectorizer_model=_vectorizer(), ctfidf_model=ctfidf, top_n_words=top_n
        )
        labels = np.asarray(new, dtype=int)
    return labels, model, n_out


def _cluster_only(
    X: np.ndarray, reducer: Any, clusterer: Any, config: TopicsConfig
) -> tuple[np.ndarray, int]:
    """Reducer + clusterer without BERTopic; outliers join the nearest cluster."""
    Z = reducer.fit(X).transform(X)
    labels = np.asarray(clusterer.fit(Z).labels_, dtype=int)
    n_out = int((labels == -1).sum())
    if n_out and n_out < len(labels) and config.reduce_outliers:
        out = np.flatnonzero(labels == -1)
        labels[out] = place_nearest(X, labels, out, threshold=config.outlier_threshold)
    return labels, n_out


def fit(
    docs: list[str], X: np.ndarray, config: TopicsConfig, reducer: Any, clusterer: Any
) -> tuple[np.ndarray, Any, int]:
    try:
        return _fit_bertopic(docs, X, config, reducer, clusterer)
    except (ValueError, TypeError) as exc:
        # BERTopic's c-TF-IDF fails when the passages leave (almost) no vocabulary after
        # stop words ("yes", "ok"): cluster without it, keywords from word counts.
        log.warning("Themes: BERTopic could not build keywords (%s); clustering only", exc)
        labels, n_out = _cluster_only(X, reducer, clusterer, config)
        return labels, None, n_out


def place_nearest(
    X: np.ndarray, theme_ids: np.ndarray, rows: np.ndarray, threshold: float = -1.0
) -> np.ndarray:
    """Theme of the nearest theme centroid (cosine) for `rows`; -1 below `threshold`."""
    known = theme_ids[theme_ids >= 0]
    if rows.size == 0 or known.size == 0:
        return np.full(rows.size, -1, dtype=int)
    U = _unit_rows(np.asarray(X, dtype=np.float32))
    k = int(known.max()) + 1
    cent = np.zeros((k, U.shape[1]), dtype=np.float32)
    np.add.at(cent, theme_ids[theme_ids >= 0], U[theme_ids >= 0])
    cent = _unit_rows(cent)
    out = np.empty(rows.size, dtype=int)
    for s in range(0, rows.size, 8192):  # chunks keep memory flat at 100k passages
        sims = U[rows[s : s + 8192]] @ cent.T
        best = sims.argmax(axis=1)
        best[sims.max(axis=1) < threshold] = -1
        out[s : s + 8192] = best
    return out
