"""What every embedding backend is: a small Protocol, and the unit-length rows it returns."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    name: str  # identifies the model in caches and in Run info

    def encode(self, texts: list[str]) -> np.ndarray: ...


# appended to a model's name when its weights run as int8 (embedding.precision = "int8"): its
# vectors differ from the fp32 ones (cosine ~0.99), so they are cached apart; maps fitted on the
# fp32 model serve it too
QUANTISED = "+int8"


def base_model(name: str) -> str:
    """The model behind `name`, whatever precision runs it."""
    return name.removesuffix(QUANTISED)


def normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms
