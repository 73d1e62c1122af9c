"""The passage table with its tags, as Parquet and CSV beside the workbook, for analysts."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from consult.report.safe import FORMULA_STARTS, csv_safe
from consult.values import is_missing
from consult.workspace import atomic_write

log = logging.getLogger(__name__)


def passage_table(passages: pd.DataFrame, scores: pd.DataFrame | None) -> pd.DataFrame:
    """Passages and their per-priority scores side by side (scores are aligned by position)."""
    table = passages.reset_index(drop=True)
    if scores is not None and not scores.empty:
        if len(scores) != len(table):
            raise ValueError(
                f"The score table has {len(scores)} rows but there are {len(table)} passages; "
                "scores must be aligned with passages (re-run the tag stage)."
            )
        extra = scores.reset_index(drop=True)
        extra = extra[[c for c in extra.columns if c not in table.columns]]
        table = pd.concat([table, extra], axis=1)
    return table


def _absent(v) -> bool:
    """Missing (None, NaN, pd.NA, NaT) or not equal to itself; pd.NA is caught before comparing."""
    return is_missing(v) or v != v


def _parquet_ready(table: pd.DataFrame) -> pd.DataFrame:
    """Object columns with mixed types become text so Parquet keeps one type per column."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object:
            kinds = set(map(type, out[col].dropna().tolist()))  # dropna: what _absent drops
            if len(kinds) > 1 or (kinds and not kinds <= {str, bool, int, float}):
                out[col] = out[col].map(lambda v: None if _absent(v) else str(v))
    return out


def _csv_ready(table: pd.DataFrame) -> pd.DataFrame:
    """`table.map(csv_safe)`, column by column: text columns only where some text looks like a
    formula, and the types `map` would give (a 100k table mapped cell by cell took seconds)."""
    out = table.copy()
    for col in out.columns:
        values = out[col]
        if values.dtype == object:  # mixed values: as map infers their type (1 -> 1.0 ...)
            out[col] = values.map(csv_safe)
        elif pd.api.types.is_string_dtype(values.dtype):
            if values.str.startswith(FORMULA_STARTS).fillna(False).astype(bool).any():
                out[col] = values.map(csv_safe)
        elif isinstance(values.dtype, np.dtype) and values.dtype.kind == "f":
            out[col] = values.astype(np.float64)  # float32 as map gives it (0.4359000027...)
    return out


def write_tables(
    directory: Path,
    passages: pd.DataFrame,
    scores: pd.DataFrame | None,
    *,
    stem: str = "passages",
    neutralize_csv: bool = True,
) -> list[Path]:
    """Write `<stem>.parquet` (exact text) and `<stem>.csv` (UTF-8 with BOM, for Excel).

    CRLF line ends make the writer quote any field holding a CR or LF, so answers with line
    breaks stay one field. With `neutralize_csv`, CSV text that Excel would read as a formula
    gets a leading apostrophe.
    """
    directory = Path(directory)
    table = passage_table(passages, scores)
    parquet = atomic_write(
        directory / f"{stem}.parquet",
        lambda tmp: _parquet_ready(table).to_parquet(tmp, index=False),
    )
    csv_table = _csv_ready(table) if neutralize_csv else table
    csv = atomic_write(
        directory / f"{stem}.csv",
        lambda tmp: csv_table.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n"),
    )
    log.info("Wrote %s and %s (%d passages)", parquet, csv, len(table))
    return [parquet, csv]
