"""Tagging and themes as the flow runs them: each result reused while its inputs, settings and
the code that produces it are unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig
from consult.embedding.embed import EmbeddingCache, LazyEmbedder
from consult.fingerprint import fingerprint_of
from consult.pipeline.cache import cache_get, cache_put, make_key
from consult.pipeline.embed import embedding_cache, labelled_passages_reader
from consult.report.counts import counted_mask
from consult.reviews.rules import labelled_examples
from consult.reviews.store import load_store
from consult.tagging.codebook import Codebook, load_codebook
from consult.text.languages import UNDETERMINED
from consult.workspace import RoundPaths


def languages_of(passages: pd.DataFrame) -> list[str]:
    """Each passage's language (`und` where unknown); a table without the column is one
    language, as tables from before languages were detected are."""
    if S.LANGUAGE not in passages.columns:
        return ["en"] * len(passages)
    return passages[S.LANGUAGE].fillna(UNDETERMINED).astype(str).tolist()


@dataclass
class Tagged:
    tags: pd.DataFrame
    scores: pd.DataFrame
    codebook: Codebook
    n_labelled: int
    # the themes' procedural examples in the passages' space (consult.themes.procedural)
    procedural: np.ndarray | None = None


def labelled_from_other_rounds(outputs_dir: Path, round_name: str) -> pd.DataFrame | None:
    """Reviewer-confirmed decisions of earlier rounds, as examples for the tagger."""
    frames = []
    for store_path in sorted(outputs_dir.glob("*/reviews.csv")):
        if store_path.parent.name == round_name:
            continue
        frames.append(labelled_examples(load_store(store_path)))
    frames = [f for f in frames if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else None


def tag(
    passages: pd.DataFrame,
    embeddings: np.ndarray,
    config: ConsultConfig,
    outputs_dir: Path,
    round_name: str,
    cache: EmbeddingCache | None = None,
    space: ConsultConfig | None = None,
    reliability: list[float] | None = None,
) -> Tagged:
    """`space`: the settings whose model put `embeddings` in their space (it reads the
    codebook); the run's own settings when every passage was read by one model.
    `reliability`: per passage, see `consult.tagging.tag.tag_passages`."""
    from consult.tagging.tag import tag_passages

    codebook = load_codebook(config.tagging.codebook)
    labelled = labelled_from_other_rounds(outputs_dir, round_name)
    texts = passages[S.TEXT].astype(str).tolist()
    languages = languages_of(passages)
    lazy = LazyEmbedder((space or config).embedding)
    code = fingerprint_of(tag_passages, load_codebook, labelled_passages_reader, labelled_examples)
    key = make_key(
        "tag",
        code,
        embeddings.tobytes(),
        texts,
        languages,
        reliability,
        codebook.sha256,
        config.section_hash("tagging"),
        lazy.name,
        None if labelled is None else labelled.to_json(orient="values"),
    )
    paths = RoundPaths.for_round(round_name, outputs=outputs_dir)
    folder = paths.cache / "tags"
    hit = cache_get(folder, key)
    if hit is None:
        res = tag_passages(
            texts,
            embeddings,
            codebook,
            lazy,
            config.tagging,
            labelled=labelled,
            cache=cache or embedding_cache(paths, config),
            languages=languages,
            reliability=reliability,
            encode_labelled=labelled_passages_reader(config, cache),
        )
        hit = (res.tags.reset_index(drop=True), res.scores.reset_index(drop=True))
        cache_put(folder, key, hit)
    examples = procedural_examples(lazy, cache or embedding_cache(paths, config))
    return Tagged(hit[0], hit[1], codebook, 0 if labelled is None else len(labelled), examples)


def procedural_examples(lazy: LazyEmbedder, cache: EmbeddingCache) -> np.ndarray:
    """The themes' procedural examples, embedded by the model whose space the passages are in
    (the codebook's), through the vector cache: the model loads only the first time."""
    from consult.themes.procedural import EXAMPLES

    return cache.embed(list(EXAMPLES), lazy)[0]


def themes(
    passages: pd.DataFrame,
    embeddings: np.ndarray,
    scores: pd.DataFrame,
    codebook: Codebook,
    config: ConsultConfig,
    cache_dir: Path,
    coverage: np.ndarray | None = None,
    procedural: np.ndarray | None = None,
):
    """Fit themes, reusing the fitted result when texts, vectors, scores and settings are unchanged.

    `procedural`: the procedural examples in the passages' space (`Tagged.procedural`)."""
    from consult.themes.topics import discover_themes

    texts = passages[S.TEXT].astype(str).tolist()
    languages = languages_of(passages)
    mask = counted_mask(passages).to_numpy()
    roles = list(config.transcripts.facilitator_roles)
    key = make_key(
        "themes",
        fingerprint_of(discover_themes),
        embeddings.tobytes(),
        languages,
        texts,
        mask.tolist(),
        pd.util.hash_pandas_object(scores, index=False).sum(),
        None if coverage is None else coverage.tobytes(),
        config.section_hash("topics"),
        codebook.sha256,
        None if procedural is None else procedural.tobytes(),
        roles,
    )
    hit = cache_get(cache_dir / "themes", key)
    if hit is not None:
        return hit
    res = discover_themes(
        texts,
        embeddings,
        scores,
        codebook,
        config.topics,
        fit_mask=mask,
        coverage=coverage,
        languages=languages,
        procedural_examples=procedural,
        speaker_roles=roles,
    ).without_model()
    cache_put(cache_dir / "themes", key, res)
    return res
