"""Load a survey export (CSV or XLSX bytes) into plain tables of strings.

Row numbers are kept as a person sees them: the CSV record number or the Excel row, 1-based and
counting header rows, so a location can be found in the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass, field

from consult.config import IngestConfig
from consult.ingest.base import UnreadableFile
from consult.ingest.files import file_extension
from consult.ingest.limits import Budget
from consult.ingest.safety import check_office_zip, decode_text

log = logging.getLogger(__name__)

DELIMITERS = [",", ";", "\t", "|"]
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass
class Table:
    """One sheet (or a whole CSV): rows of cell strings, row i is row number i + 1."""

    rows: list[list[str]]
    sheet: str | None = None
    detected: dict = field(default_factory=dict)


def trim_row(row: list[str]) -> list[str]:
    """The row without its empty trailing cells (exports pad rows with thousands of them)."""
    k = len(row)
    while k and not row[k - 1].strip():
        k -= 1
    return row if k == len(row) else row[:k]


def _parse(
    text: str, delimiter: str, limit: int | None = None, budget: Budget | None = None
) -> list[list[str]]:
    """Records as lists of cells. With a budget (the full read, not the sniffing), every cell
    counts against ingest.max_cells and empty trailing cells are dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows = []
    for row in reader:
        if budget is not None:
            budget.add_cells(len(row), "cells")
            row = trim_row(row)
            budget.check_columns(len(row), "the CSV file")
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    return rows


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most consistent, widest table."""
    sample = text[:100_000]
    best, best_score = ",", (-1.0, 0)
    for d in DELIMITERS:
        try:
            rows = [r for r in _parse(sample, d, limit=30) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        consistent = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (consistent, width)
        if score > best_score:
            best, best_score = d, score
    return best


def load_csv(data: bytes, budget: Budget | None = None) -> Table:
    budget = budget or Budget()
    text, encoding = decode_text(data, "CSV file")
    budget.add_chars(len(text))
    delimiter = sniff_delimiter(text)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        rows = _parse(text, delimiter, budget=budget)
    except csv.Error as exc:
        raise UnreadableFile(
            f"the CSV file could not be parsed ({exc}); export it again from the survey tool"
        ) from exc
    return Table(
        rows=rows,
        detected={"encoding": encoding, "delimiter": DELIMITER_NAMES.get(delimiter, delimiter)},
    )


def cell_text(value: object) -> str:
    """A cell value as the facilitator sees it in Excel (close enough to find it)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _sheet_rows(ws, budget: Budget) -> list[list[str]]:
    """Cell texts of one sheet, trimmed of empty trailing cells, within the file's budget.

    Cells of an xlsx can share one string: characters are counted per cell, as they will be
    used, so a small file that repeats a long text in every cell is refused early.
    """
    rows = []
    for row in ws.iter_rows():
        budget.add_cells(len(row), "cells")
        cells = trim_row([cell_text(getattr(c, "value", None)) for c in row])
        budget.check_columns(len(cells), f"sheet '{ws.title}'")
        budget.add_chars(sum(len(v) for v in cells), "cell text")
        rows.append(cells)
    return rows


def load_xlsx(data: bytes, config: IngestConfig, budget: Budget | None = None) -> list[Table]:
    budget = budget or Budget(config)
    check_office_zip(data, config, "xlsx", "[Content_Types].xml")
    import openpyxl  # lazy: only surveys in xlsx need it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise UnreadableFile(
            f"the .xlsx file could not be opened ({type(exc).__name__}: {exc}); open it in "
            "Excel and save it again as .xlsx"
        ) from exc
    tables = []
    try:
        for ws in wb.worksheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # exporters often declare wrong dimensions
            rows = _sheet_rows(ws, budget)
            if any(r for r in rows):
                tables.append(Table(rows=rows, sheet=ws.title))
    except UnreadableFile:  # LimitExceeded included
        raise
    except Exception as exc:
        raise UnreadableFile(
            f"the .xlsx file is damaged ({type(exc).__name__}: {exc}); open it in Excel and "
            "save it again as .xlsx"
        ) from exc
    finally:
        wb.close()
    return tables


def load_tables(
    relpath: str, data: bytes, config: IngestConfig, budget: Budget | None = None
) -> list[Table]:
    """Tables in a survey export, by extension; unsupported types are rejected with a reason.

    Reading stays within `budget` (ingest.max_cells, max_columns, max_file_chars, time).
    """
    budget = budget or Budget(config)
    ext = file_extension(relpath)
    if ext in ("csv", "tsv", "txt"):
        return [load_csv(data, budget)]
    if ext in ("xlsx", "xlsm"):
        tables = load_xlsx(data, config, budget)
        for t in tables:
            t.detected = {"encoding": "xlsx", "delimiter": None}
        return tables
    if ext == "xls":
        raise UnreadableFile(
            "old binary .xls files are not read; open it in Excel and save it as .xlsx or CSV"
        )
    raise UnreadableFile(
        f"unsupported file type `.{ext}` for a survey; export the survey as CSV or XLSX"
    )
