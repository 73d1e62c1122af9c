"""`consult tag`: tag any table of texts (an old consultation, a spreadsheet of comments).

The I/O edge around `tag.tag_passages`: read a CSV/XLSX, embed (cached), tag, write a CSV with one
row per input row. The benchmark calls `tag_table` too, so it measures exactly this path.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from consult import schema
from consult.config import ConsultConfig
from consult.embedding.embed import EmbeddingCache, LazyEmbedder, embed_texts
from consult.ingest.base import UnreadableFile
from consult.ingest.files import read_upload
from consult.ingest.limits import Budget, run_limited
from consult.ingest.safety import GZIP_MAGIC, gunzip
from consult.ingest.tables import load_tables
from consult.tagging.codebook import Codebook, load_codebook
from consult.tagging.tag import TagResult, tag_passages
from consult.workspace import atomic_write, cache_home

log = logging.getLogger(__name__)

ROW_COLUMN = "row"  # id column of the output when no --id-column is given (1-based row number)
TABLE_STATUS = "status"  # the name for schema.TAG_STATUS in `consult tag` output


class TableError(ValueError):
    """An input table that cannot be tagged; the message says what to fix."""


def default_cache_dir() -> Path:
    """Where `consult tag` keeps embeddings between runs (XDG cache, or CONSULT_CACHE_DIR)."""
    return cache_home("embeddings")


def read_table(path: Path, config: ConsultConfig | None = None) -> pd.DataFrame:
    """A CSV (any common delimiter/encoding, optionally gzipped) or XLSX file as strings.

    Read as a round reads a survey upload (ingest's readers, under its per-file limits), so an
    oversize, binary, encrypted or zip-bomb file is refused with the reason a round gives.
    """
    config = config or ConsultConfig()
    path = Path(path)
    if not path.is_file():
        raise TableError(
            f"Input table `{path}` does not exist; pass an existing .csv or .xlsx file."
        )
    limits = config.ingest
    try:
        data = read_upload(path, config)
        if data.startswith(GZIP_MAGIC):
            data = gunzip(data, limits)
        suffixes = [s.lower() for s in path.suffixes]
        as_name = (
            "table.xlsx"
            if data.startswith(b"PK\x03\x04") or ".xlsx" in suffixes or ".xlsm" in suffixes
            else "table.xls"
            if ".xls" in suffixes
            else "table.csv"
        )
        tables = run_limited(load_tables, as_name, data, limits, Budget(limits), config=limits)
    except UnreadableFile as exc:
        raise TableError(f"Cannot read `{path}`: {exc}.") from exc
    return _frame(tables[0].rows, csv=as_name == "table.csv") if tables else pd.DataFrame()


def _frame(rows: list[list[str]], csv: bool) -> pd.DataFrame:
    """Rows of cells as pandas read them before: the first row with content names the columns
    (blank names "Unnamed: i", repeats "x.1"); blank CSV lines and trailing empty rows go."""
    start = next((k for k, r in enumerate(rows) if r), None)
    if start is None:
        return pd.DataFrame()
    body = [r for r in rows[start + 1 :] if r or not csv]
    while body and not body[-1]:
        body.pop()
    width = max(len(r) for r in [rows[start], *body])
    seen: dict[str, int] = {}
    columns = []
    for k, name in enumerate(rows[start] + [""] * (width - len(rows[start]))):
        name = name or f"Unnamed: {k}"
        columns.append(f"{name}.{seen[name]}" if name in seen else name)
        seen[name] = seen.get(name, 0) + 1
    return pd.DataFrame([r + [""] * (width - len(r)) for r in body], columns=columns, dtype=str)


def _language_column(df: pd.DataFrame) -> str | None:
    """A column named like 'language' gives each row's language as a prior."""
    return next((c for c in df.columns if str(c).strip().casefold() in ("language", "lang")), None)


def _find_column(df: pd.DataFrame, name: str, flag: str, path: Path) -> str:
    if name in df.columns:
        return name
    folded = {str(c).strip().casefold(): c for c in df.columns}
    if name.strip().casefold() in folded:
        return folded[name.strip().casefold()]
    cols = ", ".join(f"`{c}`" for c in df.columns)
    raise TableError(f"`{path}` has no column `{name}`; pass {flag} with one of: {cols}.")


def tag_table(
    df: pd.DataFrame,
    text_column: str,
    id_column: str | None,
    codebook: Codebook,
    config: ConsultConfig,
    cache: EmbeddingCache | None = None,
    labelled: pd.DataFrame | None = None,
    language_column: str | None = None,
) -> tuple[pd.DataFrame, TagResult]:
    """The output table for `df` (one row per input row) and the underlying TagResult.

    The same path as a round: each text's language is detected (the `language_column` value,
    when given, is a prior), each language is read by its model, vectors meet in one space.
    """
    from consult.embedding.routing import embed_routed, labelled_reader
    from consult.text.detect import detect_languages

    texts = ["" if pd.isna(t) else str(t).strip() for t in df[text_column].tolist()]
    ids = df[id_column].tolist() if id_column else list(range(1, len(df) + 1))
    keep = [i for i, t in enumerate(texts) if t]
    kept_texts = [texts[i] for i in keep]
    priors = df[language_column].tolist() if language_column else None
    langs = detect_languages(kept_texts, [priors[i] for i in keep] if priors else None)
    computed = 0

    def embed(batch: list[str], settings) -> np.ndarray:
        nonlocal computed
        vecs, n_new = embed_texts(batch, LazyEmbedder(settings), cache)
        computed += n_new
        return vecs

    routed = embed_routed(kept_texts, langs, config.embedding, embed)
    if kept_texts and cache is not None:
        log.info("Embedded %d texts (%d new, rest from cache)", len(kept_texts), computed)
    result = tag_passages(
        kept_texts,
        routed.vectors,
        codebook,
        LazyEmbedder(routed.space),
        config.tagging,
        labelled=labelled,
        cache=cache,
        languages=langs,
        reliability=routed.reliability,
        encode_labelled=labelled_reader(config.embedding, embed),
    )
    result.info["embedding models"] = routed.models
    score_cols = [schema.score_column(p) for p in codebook.ids]
    out = pd.DataFrame(
        {
            (id_column or ROW_COLUMN): ids,
            schema.PRIORITIES: [""] * len(df),
            TABLE_STATUS: ["no-fit"] * len(df),
            schema.CONFIDENCE: [1.0] * len(df),
            schema.LANGUAGE: [""] * len(df),
        }
    )
    for c in score_cols:
        out[c] = 0.0
    if keep:
        out.loc[keep, schema.PRIORITIES] = result.tags[schema.PRIORITIES].to_numpy()
        out.loc[keep, TABLE_STATUS] = result.tags[schema.TAG_STATUS].to_numpy()
        out.loc[keep, schema.CONFIDENCE] = result.tags[schema.CONFIDENCE].to_numpy()
        out.loc[keep, schema.LANGUAGE] = langs
        out.loc[keep, score_cols] = result.scores[score_cols].to_numpy()
    return out, result


def run_table_tag(
    taxonomy: Path,
    input: Path,
    text_column: str,
    id_column: str | None,
    output: Path,
    config: ConsultConfig | None = None,
    cache_dir: Path | None = None,
) -> Path:
    """Read INPUT, tag its `text_column` against TAXONOMY, write OUTPUT (CSV); return its path."""
    config = config or ConsultConfig()
    codebook = load_codebook(taxonomy)
    df = read_table(Path(input), config)
    text_col = _find_column(df, text_column, "--text-column", Path(input))
    id_col = _find_column(df, id_column, "--id-column", Path(input)) if id_column else None
    cache = EmbeddingCache(cache_dir or default_cache_dir()) if config.embedding.cache else None
    out, result = tag_table(
        df, text_col, id_col, codebook, config, cache, language_column=_language_column(df)
    )
    output = atomic_write(Path(output), lambda tmp: out.to_csv(tmp, index=False, encoding="utf-8"))
    counts = out[TABLE_STATUS].value_counts().to_dict()
    log.info(
        "Tagged %d rows against %s (%s): %s", len(out), codebook.name, codebook.sha256[:8], counts
    )
    return output
