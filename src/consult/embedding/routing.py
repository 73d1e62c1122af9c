"""Which embedding model reads which passage: routing by language.

Why route rather than one model for everything: the bundled English model is ~10x faster than
multilingual-e5-small and at least as good on English policy text, so English stays on it (an
English-only round costs what it did); every other language goes to the multilingual model,
whose space is shared across ~100 languages. See benchmarks/README.md for the measurements.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from consult.config import EmbeddingConfig
from consult.embedding.e5 import E5_MODEL
from consult.embedding.embed import BUNDLED_MODEL, embedder_name
from consult.embedding.space import agreement, has_map, to_space
from consult.text.languages import UNDETERMINED, model_supports, trained_languages

log = logging.getLogger(__name__)


def multilingual_spec(cfg: EmbeddingConfig) -> str:
    """The configured multilingual model; the hashing test backend stands in for itself."""
    if cfg.multilingual_model:
        return cfg.multilingual_model
    return cfg.model if cfg.model.startswith("hashing") else E5_MODEL


def model_spec(language: str, cfg: EmbeddingConfig) -> str:
    """The `embedding.model`-style value of the model that reads passages in `language`."""
    if language in cfg.language_models:
        return cfg.language_models[language]
    if language != UNDETERMINED and language in trained_languages(embedder_name(cfg)):
        return cfg.model
    return multilingual_spec(cfg)


def config_for(cfg: EmbeddingConfig, spec: str) -> EmbeddingConfig:
    """The embedding settings with `spec` as the model (device, cache, workers kept)."""
    return cfg if spec == cfg.model else cfg.model_copy(update={"model": spec})


def route(languages: list[str], cfg: EmbeddingConfig) -> list[str]:
    """The model spec for each passage, from its language."""
    memo: dict[str, str] = {}
    out = []
    for lang in languages:
        key = lang if isinstance(lang, str) and lang else UNDETERMINED
        if key not in memo:
            memo[key] = model_spec(key, cfg)
        out.append(memo[key])
    return out


def model_name(cfg: EmbeddingConfig, spec: str) -> str:
    return embedder_name(config_for(cfg, spec))


def supported(languages: list[str], names: list[str]) -> list[bool]:
    """Whether the model that read each passage was trained on its language."""
    return [model_supports(n, lang) for lang, n in zip(languages, names)]


@dataclass
class ModelPlan:
    """Which model reads each passage, and the space every vector ends up in."""

    specs: list[str]  # per passage: the model setting value that reads it
    space: str  # the model setting value whose space tagging and themes use
    fallback: str = ""  # why the plan differs from plain routing, for Run info


def _setting(spec: str, cfg: EmbeddingConfig) -> str:
    """The consult.toml key that named `spec`, for an error message."""
    keys = [k for k, v in cfg.language_models.items() if v == spec]
    return f"embedding.language_models.{keys[0]}" if keys else "embedding.multilingual_model"


def require_known(spec: str, cfg: EmbeddingConfig) -> None:
    """A model named by `multilingual_model` or `language_models` must exist: a typo would
    otherwise only lose its map, and every passage, English too, would silently go to the
    multilingual model (`embedding.model` itself is checked where it is loaded)."""
    if spec == cfg.model or spec.startswith("hashing") or spec in (BUNDLED_MODEL, E5_MODEL):
        return
    if (Path(spec) / "config.json").is_file():
        return
    raise ValueError(
        f"{_setting(spec, cfg)} = '{spec}' is neither '{E5_MODEL}', '{BUNDLED_MODEL}' nor a "
        "local sentence-transformers folder (with config.json); fix it in consult.toml."
    )


def plan_models(languages: list[str], cfg: EmbeddingConfig) -> ModelPlan:
    """Route by language; the English model's space is shared when every routed model has a
    fitted map into it, else every passage is read by the multilingual model (one space)."""
    named = [*cfg.language_models.values(), *filter(None, [cfg.multilingual_model])]
    for spec in dict.fromkeys(named):  # all of them: a typo shows on the first run, not the
        require_known(spec, cfg)  # first round in that language
    specs = route(languages, cfg)
    space = cfg.model
    target = model_name(cfg, space)
    unmapped = sorted({s for s in specs if not has_map(model_name(cfg, s), target)})
    if not unmapped:
        return ModelPlan(specs, space)
    multi = multilingual_spec(cfg)
    why = (
        f"no fitted map from {', '.join(model_name(cfg, s) for s in unmapped)} into "
        f"{target}: every passage read by {model_name(cfg, multi)}"
    )
    log.warning("Embedding: %s", why)
    return ModelPlan([multi] * len(specs), multi, why)


@dataclass
class Routed:
    """Vectors of every text in one space, and which model read each text."""

    vectors: np.ndarray  # one unit row per text, in the space of `space`'s model
    names: list[str]  # per text: the name of the model that read it
    supported: list[bool]  # per text: that model was trained on the text's language
    space: EmbeddingConfig  # the settings whose model reads the codebook
    reliability: list[float] = field(default_factory=list)  # per text, see `reliability`
    models: dict[str, str] = field(default_factory=dict)  # language -> model name
    note: str = ""  # why every text went to the multilingual model, when it did


def embed_routed(
    texts: list[str],
    languages: list[str],
    cfg: EmbeddingConfig,
    embed: Callable[[list[str], EmbeddingConfig], np.ndarray],
) -> Routed:
    """Each text embedded by the model for its language (`embed(texts, settings)` returns the
    native vectors), then carried into the shared space."""
    langs = [v if isinstance(v, str) and v else UNDETERMINED for v in languages]
    plan = plan_models(langs, cfg)
    target = model_name(cfg, plan.space)
    specs = np.asarray(plan.specs, dtype=object)
    vectors: np.ndarray | None = None
    for spec in dict.fromkeys(plan.specs):
        rows = np.flatnonzero(specs == spec)
        native = embed([texts[i] for i in rows], config_for(cfg, spec))
        shared = to_space(native, model_name(cfg, spec), target)
        if vectors is None:
            vectors = np.zeros((len(texts), shared.shape[1]), np.float32)
        vectors[rows] = shared
    names = [model_name(cfg, s) for s in plan.specs]
    counts: dict[str, int] = {}
    for lang in langs:
        counts[lang] = counts.get(lang, 0) + 1
    first = {
        lang: names[langs.index(lang)] for lang in sorted(counts, key=lambda k: (-counts[k], k))
    }
    return Routed(
        np.zeros((0, 0), np.float32) if vectors is None else vectors,
        names,
        supported(langs, names),
        config_for(cfg, plan.space),
        reliability(langs, names, target),
        first,
        plan.fallback,
    )


def reliability(languages: list[str], names: list[str], target: str) -> list[float]:
    """Per text, the share of a tag's confidence that survives the map into `target`'s space:
    1 for texts read by `target` itself, else the measured agreement with the English tag for
    that language (the lowest measured one for languages never measured)."""
    tables = {n: agreement(n, target) for n in set(names) if n != target}
    out = []
    for lang, n in zip(languages, names):
        table = tables.get(n)
        out.append(1.0 if not table else table.get(lang, min(table.values())))
    return out


def labelled_reader(
    cfg: EmbeddingConfig, embed: Callable[[list[str], EmbeddingConfig], np.ndarray]
) -> Callable[[list[str]], np.ndarray]:
    """Reads reviewer-confirmed passages of earlier rounds as passages are read: language
    detected, each language by its model, into the shared space."""

    def read(texts: list[str]) -> np.ndarray:
        from consult.text.detect import detect_languages

        return embed_routed(texts, detect_languages(texts), cfg, embed).vectors

    return read
