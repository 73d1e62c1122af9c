"""A round's outputs written as a run writes them (passage table, reviews.csv, run-info.json,
comparison-basis.json), from the report fakes, for the comparison tests."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from consult import schema as S
from consult.compare.themes import theme_set
from consult.config import EmbeddingConfig
from consult.embedding.embed import LazyEmbedder
from consult.pipeline.compare import write_basis
from consult.report.counts import counted_mask
from consult.report.export import write_tables
from consult.reviews import rules as reviews
from consult.reviews.store import save_store
from tests.support.report_fakes import FakeCodebook

SPACE = "hashing-64"


def embedding() -> EmbeddingConfig:
    return EmbeddingConfig(model=SPACE)


def write_outputs(
    outputs: Path,
    name: str,
    passages: pd.DataFrame,
    *,
    store: pd.DataFrame | None = None,
    basis: bool = True,
    codebook=None,
) -> Path:
    """outputs/<name>/ as a run leaves it; `passages` hold the model's tags."""
    codebook = codebook or FakeCodebook()
    out = Path(outputs) / name
    out.mkdir(parents=True, exist_ok=True)
    shown = reviews.apply_reviews(passages, store)
    write_tables(out, shown, None)
    if store is not None:
        save_store(store, out / "reviews.csv")
    info = {
        "round": name,
        "started": "2026-01-01T00:00:00+00:00",
        "codebook": codebook.name,
        "codebook sha256": codebook.sha256,
        "embedding model": SPACE,
    }
    (out / "run-info.json").write_text(json.dumps(info), encoding="utf-8")
    if basis:
        vectors = LazyEmbedder(embedding()).encode(shown[S.TEXT].astype(str).tolist())
        labels = shown.groupby(S.THEME_ID)[S.THEME_LABEL].first().to_dict()
        themes = theme_set(
            name, shown[S.THEME_ID], vectors, counted_mask(shown), labels, space=SPACE
        )
        write_basis(out, themes, codebook)
    return out
