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
import re
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
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


# openpyxl's ILLEGAL_CHARACTERS_RE (control characters) plus what no XML file can hold either:
# lone surrogates, U+FFFE and U+FFFF (lxml refuses them, so one such answer would fail the write)
XML_ILLEGAL_RE = re.compile(ILLEGAL_CHARACTERS_RE.pattern + r"|[\ud800-\udfff\ufffe\uffff]")


def clean_text(value: Any) -> str:
    """Text a worksheet can hold: characters XML forbids become U+FFFD."""
    return XML_ILLEGAL_RE.sub(REPLACEMENT, str(value))


def fit_cell(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """`text` unchanged when it fits a cell, else its start plus a marker saying how long it was."""
    if 2 * len(text) <= limit or _utf16_len(text) <= limit:  # a character is 1 or 2 code units
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

    def ids(self, **style) -> XfIds:
        """The workbook's style ids of `style` (StyleCache.get's arguments), as is and with
        Excel's quote prefix: what rows written as XML (consult.report.rowstream) refer to."""
        base = self.get(**style)
        probe = self.ws.cell(row=MAX_SHEET_ROWS, column=16_384)
        probe._style = copy(base)  # the style table keeps the object: never change it after
        plain = probe.style_id if probe.has_style else None
        probe._style = copy(base)
        probe.quotePrefix = True
        quoted = probe.style_id
        del self.ws._cells[(probe.row, probe.column)]
        return XfIds(plain, quoted)


@dataclass(frozen=True)
class XfIds:
    """A cell style's index in the workbook's style table (None: the default style, no index
    written) and that of the same style with the quote prefix `put` adds to formula-like text."""

    plain: int | None
    quoted: int


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
    value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl made "=..." a formula on assignment; undo it
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


def cell_value(value: Any) -> None | bool | int | float | str:
    """What `put` stores for `value`: None, a bool, a finite number, or text (always text,
    whatever it looks like), cleaned and fitted to a cell."""
    if type(value) is str:  # the common case first
        return fit_cell(clean_text(value))
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        number = (
            float(cast(SupportsFloat, value))
            if not isinstance(value, numbers.Integral)
            else int(value)
        )
        if isinstance(number, float) and not math.isfinite(number):
            return str(number)
        return number
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return fit_cell(clean_text(value))


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


def table_header(ws, row: int, headers, rows: list[list], *, start_col: int = 1) -> None:
    """The header row of a table of `rows`: a column holding only numbers has its header right
    aligned, as the numbers sit."""
    header(ws, row, headers, start_col=start_col)
    for offset in range(len(headers)):
        column = [v[offset] for v in rows if offset < len(v) and not is_missing(v[offset])]
        if column and all(
            isinstance(v, numbers.Number) and not isinstance(v, bool) for v in column
        ):
            ws.cell(row=row, column=start_col + offset).alignment = HEADER_RIGHT


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
    table_header(ws, row, headers, rows, start_col=start_col)
    r = row + 1
    align = WRAP_TOP if wrap else TOP
    styles = StyleCache(ws)  # one style per number format, not one per cell
    for values in rows:
        for offset, value in enumerate(values):
            fmt = (formats or {}).get(offset)
            style = styles.get(alignment=align, number_format=fmt)
            put(ws, r, start_col + offset, value, style=style)
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


def per_line(width: float | None) -> float:
    """Characters a line of a column `width` wide holds (word breaks waste part of each line)."""
    return max(4.0, (width or 8.43) * 0.92)


def wrapped_lines(text: str, width: float | None) -> int:
    """How many lines `text` takes when wrapped in a column `width` characters wide."""
    chars = per_line(width)
    text = str(text)
    if "\n" not in text:  # most cells: one paragraph
        return max(1, math.ceil(len(text) / chars))
    return sum(max(1, math.ceil(len(part) / chars)) for part in text.split("\n"))


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
            needed = wrapped_lines(cell.value, width)
            # the alignment last: reading it is the slow part, and most cells fit one line
            if needed > lines and cell.alignment is not None and cell.alignment.wrap_text:
                lines = needed
        if lines > 1 and ws.row_dimensions[row[0].row].height is None:
            ws.row_dimensions[row[0].row].height = row_height(lines)
