"""The one door through which any value reaches a worksheet cell.

Consultation answers are hostile input as far as Excel is concerned: an answer such as
`=HYPERLINK(...)` or `@SUM(...)` or `=cmd|' /C calc'!A0` (DDE) must stay text. openpyxl turns
every string that starts with "=" into a formula, so `put` forces the cell type back to a
string, adds Excel's quote prefix to text starting with a character Excel would read as the
start of a formula (so re-typing the cell in Excel keeps it literal too), removes characters
XML cannot hold, and truncates text over Excel's per-cell limit with a visible marker.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from copy import copy
from datetime import date, datetime
from typing import Any, SupportsFloat, cast

import numpy as np
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from consult.values import is_missing

MAX_CELL_CHARS = 32_767  # Excel's limit, counted in UTF-16 code units
MAX_SHEET_ROWS = 1_048_576
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TRUNCATION_MARKER = "[… truncated, {n} characters in total; full text in the CSV]"

REPLACEMENT = "\ufffd"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TITLE_FONT = Font(bold=True, size=14, color="1F4E78")
SECTION_FONT = Font(bold=True, size=12, color="1F4E78")
NOTE_FONT = Font(italic=True, color="595959")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
HEADER_RIGHT = Alignment(wrap_text=True, vertical="top", horizontal="right")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def clean_text(value: Any) -> str:
    """Text a worksheet can hold: control characters XML forbids become U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, str(value))


def fit_cell(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """`text` unchanged when it fits a cell, else its start plus a marker saying how long it was."""
    if _utf16_len(text) <= limit:
        return text
    marker = " " + TRUNCATION_MARKER.format(n=f"{len(text):,}")
    room = limit - _utf16_len(marker)
    head = text[:room]
    while _utf16_len(head) > room:  # astral characters count twice in UTF-16
        head = head[:-1]
    return head + marker


def strip_marker(text: str) -> str:
    """The text without a truncation marker `fit_cell` added (reading a workbook back)."""
    pos = text.rfind(" [… truncated, ")
    if pos >= 0 and text.endswith("; full text in the CSV]"):
        return text[:pos]
    return text


class StyleCache:
    """Precomputed cell styles: assigning fonts and fills cell by cell is what makes openpyxl
    slow on large sheets, so each combination is built once and copied."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self._cache: dict[tuple, Any] = {}

    def get(self, *, font=None, fill=None, alignment=None, number_format=None, border=None):
        key = (id(font), id(fill), id(alignment), number_format, id(border))
        style = self._cache.get(key)
        if style is None:
            probe = self.ws.cell(row=MAX_SHEET_ROWS, column=16_384)
            for name, value in (
                ("font", font),
                ("fill", fill),
                ("alignment", alignment),
                ("number_format", number_format),
                ("border", border),
            ):
                if value is not None:
                    setattr(probe, name, value)
            style = copy(probe._style)
            del self.ws._cells[(probe.row, probe.column)]
            self._cache[key] = style
        return style


def put(
    ws,
    row: int,
    col: int,
    value: Any,
    *,
    font=None,
    fill=None,
    alignment=None,
    number_format: str | None = None,
    style=None,
):
    """Write `value` at (row, col) so that it can only ever be a number, a boolean or text.

    `style` (from StyleCache.get) replaces font/fill/alignment/number_format when given.
    """
    cell = ws.cell(row=row, column=col)
    if style is not None:
        cell._style = copy(style)
    if is_missing(value):
        cell.value = None
    elif isinstance(value, (bool, np.bool_)):
        cell.value = bool(value)
    elif isinstance(value, numbers.Number) and not isinstance(value, complex):
        number = (
            float(cast(SupportsFloat, value))
            if not isinstance(value, numbers.Integral)
            else int(value)
        )
        if isinstance(number, float) and not math.isfinite(number):
            _put_text(cell, str(number))
        else:
            cell.value = number
    elif isinstance(value, (datetime, date)):
        _put_text(cell, value.isoformat())
    else:
        _put_text(cell, value)
    if text_needs_prefix(cell):
        cell.quotePrefix = True
    if style is not None:
        return cell
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _put_text(cell, value: Any) -> None:
    text = fit_cell(clean_text(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl made "=..." a formula on assignment; undo it


def text_needs_prefix(cell) -> bool:
    """Text Excel would re-read as a formula if a reviewer edits the cell: mark it literal."""
    return (
        cell.data_type == "s"
        and isinstance(cell.value, str)
        and cell.value.startswith(FORMULA_STARTS)
    )


def header(ws, row: int, labels, *, start_col: int = 1, fill=HEADER_FILL) -> None:
    for offset, label in enumerate(labels):
        put(ws, row, start_col + offset, label, font=HEADER_FONT, fill=fill, alignment=WRAP_TOP)


def csv_safe(value: Any) -> Any:
    """A CSV field Excel will not evaluate: formula-like text gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def section(ws, row: int, title: str, col: int = 1) -> int:
    """A section title; returns the next row."""
    put(ws, row, col, title, font=SECTION_FONT)
    return row + 1


def table(
    ws,
    row: int,
    headers,
    rows,
    *,
    start_col: int = 1,
    formats: dict[int, str] | None = None,
    wrap: bool = True,
) -> int:
    """A header row and data rows from `row`; `formats` maps column offset -> number format.

    Returns the next free row.
    """
    rows = [list(v) for v in rows]
    header(ws, row, headers, start_col=start_col)
    for offset in range(len(headers)):  # numbers sit right: so do their headers
        column = [v[offset] for v in rows if offset < len(v) and not is_missing(v[offset])]
        if column and all(
            isinstance(v, numbers.Number) and not isinstance(v, bool) for v in column
        ):
            ws.cell(row=row, column=start_col + offset).alignment = HEADER_RIGHT
    r = row + 1
    align = WRAP_TOP if wrap else TOP
    for values in rows:
        for offset, value in enumerate(values):
            fmt = (formats or {}).get(offset)
            put(ws, r, start_col + offset, value, alignment=align, number_format=fmt)
        r += 1
    return r


def set_widths(ws, widths: dict[str, float] | Sequence[float]) -> None:
    from openpyxl.utils import get_column_letter

    items = (
        widths.items()
        if isinstance(widths, dict)
        else ((get_column_letter(i + 1), w) for i, w in enumerate(widths))
    )
    for letter, width in items:
        ws.column_dimensions[letter].width = width


def print_setup(
    ws, *, landscape: bool = True, title_rows: str | None = None, pages_wide: int = 1
) -> None:
    """Print (and render to PDF) `pages_wide` pages wide, as many pages tall as needed."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if title_rows:
        ws.print_title_rows = title_rows


def wrapped_lines(text: str, width: float | None) -> int:
    """How many lines `text` takes when wrapped in a column `width` characters wide."""
    per_line = max(4.0, (width or 8.43) * 0.92)  # word breaks waste part of each line
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def row_height(lines: int, line_points: float = 13.0) -> float:
    """Points for `lines` lines of 11-pt text, within Excel's 409-point maximum."""
    return min(409.0, max(15.0, line_points * lines + 3.0))


def autofit_rows(ws, first_row: int = 1) -> None:
    """Set heights of rows with wrapped text: LibreOffice (and some Excel builds) do not
    recompute them on open, so wrapped text would spill over the next row."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, float | None] = {}
    merged = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if cell.value is None or not isinstance(cell.value, str):
                continue
            if not (cell.alignment is not None and cell.alignment.wrap_text):
                continue
            if (cell.row, cell.column) in merged:
                rng = merged[(cell.row, cell.column)]
                width = sum(
                    (ws.column_dimensions[get_column_letter(c)].width or 8.43)
                    for c in range(rng.min_col, rng.max_col + 1)
                )
            else:
                if cell.column not in widths:
                    widths[cell.column] = ws.column_dimensions[get_column_letter(cell.column)].width
                width = widths[cell.column]
            lines = max(lines, wrapped_lines(cell.value, width))
        if lines > 1 and ws.row_dimensions[row[0].row].height is None:
            ws.row_dimensions[row[0].row].height = row_height(lines)
