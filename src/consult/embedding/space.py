"""One vector space for a round whose passages were read by different models.

Tagging, themes and quotes compare passages with each other and with the codebook, so every
vector must live in one space: the English model's. Vectors of the multilingual model are carried
there by a linear map fitted once on parallel sentences (`scripts/fit_language_map.py`), which
puts a Thai passage near where its English translation would sit. A pair of models without a
fitted map cannot share a space; the caller then reads every passage with the multilingual model.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from consult.embedding.base import base_model, normalise

log = logging.getLogger(__name__)

MAPS = Path(__file__).resolve().parents[1] / "data" / "maps"


def map_path(source: str, target: str) -> Path:
    safe = lambda s: re.sub(r"[^A-Za-z0-9_.-]+", "_", base_model(s))  # noqa: E731
    return MAPS / f"{safe(source)}__to__{safe(target)}.npz"


@dataclass(frozen=True)
class LinearMap:
    """x -> target_mean + spread * (x @ W - source_mean): the ridge map, with the spread its
    shrinkage took away given back, so mapped passages are as far apart as native ones."""

    W: np.ndarray  # (d_source, d_target)
    source_mean: np.ndarray  # mean of x @ W over the fitting pairs
    target_mean: np.ndarray  # mean of the target vectors over the fitting pairs
    spread: float

    def __call__(self, x: np.ndarray) -> np.ndarray:
        z = np.asarray(x, np.float32) @ self.W
        return self.target_mean + self.spread * (z - self.source_mean)


@lru_cache(maxsize=8)
def load_map(source: str, target: str) -> LinearMap | None:
    """The fitted map from `source`'s space into `target`'s, or None when the pair has none."""
    path = map_path(source, target)
    if not path.is_file():
        return None
    with np.load(path) as z:
        W = np.asarray(z["W"], dtype=np.float32)
        zero = np.zeros(W.shape[1], np.float32)
        return LinearMap(
            W,
            np.asarray(z["source_mean"], np.float32) if "source_mean" in z else zero,
            np.asarray(z["target_mean"], np.float32) if "target_mean" in z else zero,
            float(z["spread"]) if "spread" in z else 1.0,
        )


@lru_cache(maxsize=8)
def agreement(source: str, target: str) -> dict[str, float]:
    """Per language, how often a passage carried over by this map gets the tag its English
    original gets (SIB-200 dev, `benchmarks/eval_multilingual.py --write-agreement`): the
    share of a confidence that survives the crossing. Empty when never measured."""
    path = map_path(source, target).with_suffix(".json")
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: float(v) for k, v in data.get("agreement_with_english", {}).items()}


def has_map(source: str, target: str) -> bool:
    return source == target or load_map(source, target) is not None


def to_space(vectors: np.ndarray, source: str, target: str) -> np.ndarray:
    """`vectors` of model `source` expressed in the space of model `target` (unit rows)."""
    if source == target or len(vectors) == 0:
        return normalise(vectors)
    mapping = load_map(source, target)
    if mapping is None:
        raise ValueError(
            f"No fitted map from {source} to {target}; run "
            "scripts/fit_language_map.py or use one model for every language."
        )
    return normalise(mapping(vectors))
