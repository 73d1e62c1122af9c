"""Embedding as the flow runs it: each distinct text once per model (vectors cached across runs
and rounds), in chunks a task runner can spread, each passage read by the model for its language."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig
from consult.embedding.embed import EmbeddingCache, LazyEmbedder, embed_texts
from consult.embedding.routing import embed_routed, labelled_reader
from consult.workspace import RoundPaths, sweep_temp

log = logging.getLogger(__name__)

EMBED_CHUNK = 2048  # texts per embedding task: large enough to batch well, small enough to spread

ChunkRunner = Callable[[list[list[str]]], list[np.ndarray]]


def embed_chunk(texts: list[str], config: ConsultConfig) -> np.ndarray:
    t = time.perf_counter()
    vecs = LazyEmbedder(config.embedding).encode(texts)
    log.info("embedded %d texts in %.1fs", len(texts), time.perf_counter() - t)
    return vecs


def embedding_cache(paths: RoundPaths, config: ConsultConfig) -> EmbeddingCache:
    """The run's one view of the shared vector cache: its file is read once per run.

    Other rounds may be writing there, so only temporary files an hour old are cleared.
    """
    folder = paths.shared_cache / "embeddings"
    sweep_temp(folder, min_age_s=3600)
    return EmbeddingCache(folder if config.embedding.cache else None)


def embed_all(
    texts: list[str], config: ConsultConfig, cache: EmbeddingCache, run_chunks: ChunkRunner, logger
) -> np.ndarray:
    """Embed each distinct text once per model; cached vectors are reused across runs and rounds."""
    lazy = LazyEmbedder(config.embedding)
    todo = cache.missing(texts, lazy.name)
    t = time.perf_counter()
    if todo:
        chunks = [todo[i : i + EMBED_CHUNK] for i in range(0, len(todo), EMBED_CHUNK)]
        logger.info(
            "embed: %d new texts in %d chunk(s) with %s (%d cached)",
            len(todo),
            len(chunks),
            lazy.name,
            len(set(texts)) - len(todo),
        )
        cache.add(lazy.name, todo, np.concatenate(run_chunks(chunks)))
        logger.info("embed: %.0f texts/s", len(todo) / max(time.perf_counter() - t, 1e-9))
    else:
        logger.info("embed: all %d texts cached for %s", len(texts), lazy.name)
    if not texts:
        return np.zeros((0, 0), np.float32)
    return cache.get(texts, lazy.name)


@dataclass
class Embedded:
    """Vectors of every passage in one space, and which model read each passage."""

    vectors: np.ndarray  # one row per passage, in the space of `space`'s model
    columns: pd.DataFrame  # EMBEDDING_MODEL and LANGUAGE_SUPPORTED, one row per passage
    space: ConsultConfig  # the settings whose embedding model reads the codebook
    models: dict[str, str]  # language -> model name, most frequent language first
    runtimes: dict[str, str]  # model name -> how it ran in this process
    reliability: list[float]  # per passage: share of tag confidence that survives the map
    note: str = ""  # why every passage went to the multilingual model, when it did


def embed_passages(
    passages: pd.DataFrame,
    config: ConsultConfig,
    cache: EmbeddingCache,
    runner: Callable[[ConsultConfig], ChunkRunner],
    logger,
) -> Embedded:
    """Each passage embedded (cached, in chunks) by the model for its language."""
    runtimes: dict[str, str] = {}

    def embed(texts: list[str], settings) -> np.ndarray:
        sub = config.model_copy(update={"embedding": settings})
        vecs = embed_all(texts, sub, cache, runner(sub), logger)
        lazy = LazyEmbedder(settings)
        runtimes[lazy.name] = lazy.runtime
        return vecs

    routed = embed_routed(
        passages[S.TEXT].astype(str).tolist(),
        passages[S.LANGUAGE].tolist(),
        config.embedding,
        embed,
    )
    columns = pd.DataFrame(
        {
            S.EMBEDDING_MODEL: pd.Series(routed.names, dtype=object),
            S.LANGUAGE_SUPPORTED: pd.Series(routed.supported, dtype=bool),
        }
    )
    space = config.model_copy(update={"embedding": routed.space})
    return Embedded(
        routed.vectors, columns, space, routed.models, runtimes, routed.reliability, routed.note
    )


def labelled_passages_reader(config: ConsultConfig, cache: EmbeddingCache | None):
    """Confirmed passages of earlier rounds, read as this round's passages are."""
    return labelled_reader(
        config.embedding, lambda texts, s: embed_texts(texts, LazyEmbedder(s), cache)[0]
    )
