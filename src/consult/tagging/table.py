"""`consult tag`: tag any table of texts (an old consultation, a spreadsheet of comments).

The I/O edge around `tag.tag_passages`: read a CSV/XLSX, embed (cached), tag, write a CSV with one
row per input row. The benchmark calls `tag_table` too, so it measures exactly this path.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from consult import schema
from consult.tagging.codebook import Codebook, load_codebook
from consult.config import ConsultConfig
from consult.embedding.embed import EmbeddingCache, LazyEmbedder, embed_texts
from consult.workspace import cache_home
from consult.tagging.tag import TagResult, tag_passages

log = logging.getLogger(__name__)

ROW_COLUMN = "row"  # id column of the output when no --id-column is given (1-based row number)
TABLE_STATUS = "status"  # the name for schema.TAG_STATUS in `consult tag` output


class TableError(ValueError):
    """An input table that cannot be tagged; the message says what to fix."""


def default_cache_dir() -> Path:
    """Where `consult tag` keeps embeddings between runs (XDG cache, or CONSULT_CACHE_DIR)."""
    return cache_home("embeddings")


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (any common delimiter/encoding, optionally gzipped) or XLSX file as strings."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"Input table `{path}` does not exist; pass an existing .csv or .xlsx file.")
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except OSError as exc:
            raise TableError(f"`{path}` looks gzipped but cannot be unpacked: {exc}.") from exc
    suffixes = [s.lower() for s in path.suffixes]
    if data[:4] == b"PK\x03\x04" or ".xlsx" in suffixes or ".xlsm" in suffixes:
        try:
            return pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        except Exception as exc:
            raise TableError(
                f"Cannot read `{path}` as an Excel workbook ({exc}); save it as .xlsx or .csv."
            ) from exc
    if ".xls" in suffixes:
        raise TableError(f"`{path}` is an old .xls workbook; save it as .xlsx or .csv.")
    text = _decode(data, path)
    sep = _delimiter(text)
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except Exception as exc:
        raise TableError(f"Cannot read `{path}` as CSV ({exc}); check its delimiter and quoting.") from exc


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most columns, consistently."""
    lines = text.splitlines()[:50]
    best, best_key = ",", (0, 0)
    for sep in (",", ";", "\t", "|"):
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=sep)]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        key = (sum(w == widths[0] for w in widths), widths[0])  # rows agreeing with the header
        if key > best_key:
            best, best_key = sep, key
    return best


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise TableError(f"`{path}` is not a text table (unknown encoding); save it as UTF-8 CSV.")
    return str(best)


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
    df: pd.DataFrame, text_column: str, id_column: str | None, codebook: Codebook,
    config: ConsultConfig, cache: EmbeddingCache | None = None,
    labelled: pd.DataFrame | None = None, language_column: str | None = None,
) -> tuple[pd.DataFrame, TagResult]:
    """The output table for `df` (one row per input row) and the underlying TagResult.

    The same path as a round: each text's language is detected (the `language_column` value,
    when given, is a prior), each language is read by its model, vectors meet in one space.
    """
    from consult.text.detect import detect_languages
    from consult.embedding.routing import embed_routed, labelled_reader

    texts = ["" if pd.isna(t) else str(t).strip() for t in df[text_column].tolist()]
    ids = (df[id_column].tolist() if id_column else list(range(1, len(df) + 1)))
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
    result = tag_passages(kept_texts, routed.vectors, codebook, LazyEmbedder(routed.space),
                          config.tagging, labelled=labelled, cache=cache, languages=langs,
                          reliability=routed.reliability,
                          encode_labelled=labelled_reader(config.embedding, embed))
    result.info["embedding models"] = routed.models
    score_cols = [schema.score_column(p) for p in codebook.ids]
    out = pd.DataFrame({
        (id_column or ROW_COLUMN): ids,
        schema.PRIORITIES: [""] * len(df),
        TABLE_STATUS: ["no-fit"] * len(df),
        schema.CONFIDENCE: [1.0] * len(df),
        schema.LANGUAGE: [""] * len(df),
    })
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
    taxonomy: Path, input: Path, text_column: str, id_column: str | None, output: Path,
    config: ConsultConfig | None = None, cache_dir: Path | None = None,
) -> Path:
    """Read INPUT, tag its `text_column` against TAXONOMY, write OUTPUT (CSV); return its path."""
    config = config or ConsultConfig()
    codebook = load_codebook(taxonomy)
    df = read_table(Path(input))
    text_col = _find_column(df, text_column, "--text-column", Path(input))
    id_col = _find_column(df, id_column, "--id-column", Path(input)) if id_column else None
    cache = EmbeddingCache(cache_dir or default_cache_dir()) if config.embedding.cache else None
    out, result = tag_table(df, text_col, id_col, codebook, config, cache,
                            language_column=_language_column(df))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    out.to_csv(tmp, index=False, encoding="utf-8")
    os.replace(tmp, output)
    counts = out[TABLE_STATUS].value_counts().to_dict()
    log.info("Tagged %d rows against %s (%s): %s", len(out), codebook.name, codebook.sha256[:8],
             counts)
    return output
