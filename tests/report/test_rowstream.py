"""Rows written as sheet XML (consult.report.rowstream) read back as the cells `safe.put` makes."""

from __future__ import annotations

import math
import zipfile
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from consult.report import rowstream, safe
from tests.support.report_fakes import HOSTILE

VALUES = [
    *HOSTILE,
    "plain text",
    "",
    None,
    "  spaces at both ends  ",
    "\ttab first",
    "line one\r\nline two\rthree\nfour",
    "a & b < c > d \"quoted\" 'single'",
    "control \x01\x08\x0b\x1f characters",
    "lone surrogate \ud800 and \ufffe \uffff",
    "#N/A",
    "ไทย ພາສາລາວ 😀 \u00a0nbsp",
    "y" * 40_000,
    0,
    -3,
    12.5,
    0.1 + 0.2,
    1e20,
    float("nan"),
    float("inf"),
    -math.inf,
    True,
    False,
    np.bool_(True),
    np.int64(7),
    np.float32(0.25),
    pd.NA,
    pd.NaT,
    datetime(2026, 5, 4, 10, 30),
    date(2026, 5, 4),
    pd.Timestamp("2026-05-04"),
]
THIN = Side(style="thin", color="7F7F7F")
STYLES = [
    {"alignment": safe.WRAP_TOP},
    {"alignment": safe.TOP, "number_format": "0.00"},
    {
        "fill": PatternFill("solid", fgColor="FFF2CC"),
        "border": Border(left=THIN, right=THIN, top=THIN, bottom=THIN),
        "alignment": safe.WRAP_TOP,
        "font": Font(bold=True, color="375623"),
    },
    {},  # the default style: no style id in the XML
]
WIDTH = 4  # cells per row: every value meets every style


def _rows() -> list[tuple[list, list[dict], float | None]]:
    cells = [(v, STYLES[k % len(STYLES)]) for k, v in enumerate(VALUES * len(STYLES))]
    rows = []
    for start in range(0, len(cells), WIDTH):
        chunk = cells[start : start + WIDTH]
        height = None if start % (2 * WIDTH) else 15.0 + start
        rows.append(([v for v, _ in chunk], [s for _, s in chunk], height))
    return rows


def _header(ws) -> None:
    for col in range(1, WIDTH + 1):
        safe.put(ws, 1, col, f"Column {col}", font=safe.HEADER_FONT, fill=safe.HEADER_FILL)


def _books(tmp_path):
    """The same rows written cell by cell (safe.put) and streamed; both read back."""
    put_wb, stream_wb = Workbook(), Workbook()
    put_ws, stream_ws = put_wb.active, stream_wb.active
    _header(put_ws)
    _header(stream_ws)
    cache = safe.StyleCache(put_ws)
    for r, (values, styles, height) in enumerate(_rows(), start=2):
        for c, (value, style) in enumerate(zip(values, styles), start=1):
            safe.put(put_ws, r, c, value, style=cache.get(**style))
        if height is not None:
            put_ws.row_dimensions[r].height = height
    ids = safe.StyleCache(stream_ws)
    rows = [(v, [ids.ids(**s) for s in styles], h) for v, styles, h in _rows()]
    rowstream.stream(stream_ws, 2, len(rows), WIDTH, iter(rows))
    put_wb.save(tmp_path / "put.xlsx")
    rowstream.save(stream_wb, tmp_path / "streamed.xlsx")
    return load_workbook(tmp_path / "put.xlsx").active, load_workbook(
        tmp_path / "streamed.xlsx"
    ).active


def _style(cell) -> tuple:
    return (
        repr(cell.font),
        repr(cell.fill),
        repr(cell.border),
        repr(cell.alignment),
        cell.number_format,
        cell.quotePrefix,
    )


def test_streamed_rows_read_back_as_cells_written_one_by_one(tmp_path):
    put, streamed = _books(tmp_path)
    assert streamed.dimensions == put.dimensions
    assert streamed.max_row == len(_rows()) + 1
    for a, b in zip(put.iter_rows(), streamed.iter_rows(), strict=True):
        for x, y in zip(a, b, strict=True):
            assert (y.value, y.data_type) == (x.value, x.data_type), x.coordinate
            assert _style(y) == _style(x), x.coordinate
    for r in range(1, put.max_row + 1):
        assert streamed.row_dimensions[r].height == put.row_dimensions[r].height, r


def test_streamed_text_stays_text_and_formula_like_text_is_marked_literal(tmp_path):
    _, streamed = _books(tmp_path)
    cells = {c.value: c for row in streamed.iter_rows(min_row=2) for c in row}
    for hostile in HOSTILE:
        assert cells[hostile].data_type == "s" and cells[hostile].quotePrefix
    assert cells["#N/A"].data_type == "s"
    assert cells["line one\r\nline two\rthree\nfour"].data_type == "s"  # \r kept, not read as \n
    assert "control \ufffd\ufffd\ufffd\ufffd characters" in cells
    assert "lone surrogate \ufffd and \ufffd \ufffd" in cells
    long = next(v for v in cells if isinstance(v, str) and v.startswith("yyy"))
    assert long.endswith("[… truncated, 40,000 characters in total; full text in the CSV]")
    with zipfile.ZipFile(tmp_path / "streamed.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet


def test_read_only_readers_see_every_streamed_row(tmp_path):
    _books(tmp_path)
    wb = load_workbook(tmp_path / "streamed.xlsx", read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))  # trusts the sheet's stored size
    assert len(rows) == len(_rows()) + 1
    assert rows[-1][: len(_rows()[-1][0])] == tuple(safe.cell_value(v) for v in _rows()[-1][0])
    wb.close()


def test_a_cell_written_where_rows_are_streamed_is_an_error(tmp_path):
    wb = Workbook()
    ws = wb.active
    _header(ws)
    ids = safe.StyleCache(ws).ids(alignment=safe.TOP)
    rowstream.stream(ws, 2, 1, 1, iter([(["a"], [ids], None)]))
    ws["A3"] = "below the header, in the streamed rows"
    with pytest.raises(RuntimeError, match="streamed rows start"):
        rowstream.save(wb, tmp_path / "x.xlsx")


def test_fewer_rows_than_announced_fail_the_save(tmp_path):
    wb = Workbook()
    ws = wb.active
    _header(ws)
    ids = safe.StyleCache(ws).ids(alignment=safe.TOP)
    rowstream.stream(ws, 2, 3, 1, iter([(["a"], [ids], None)]))
    with pytest.raises(RuntimeError, match="1 rows were streamed where 3 were announced"):
        rowstream.save(wb, tmp_path / "x.xlsx")


def test_a_failure_while_rendering_reaches_the_caller(tmp_path):
    wb = Workbook()
    ws = wb.active
    _header(ws)
    ids = safe.StyleCache(ws).ids(alignment=safe.TOP)

    def rows():
        for k in range(rowstream.CHUNK_ROWS * 3):
            if k == rowstream.CHUNK_ROWS * 2:
                raise ValueError("a row could not be rendered")
            yield [f"row {k}"], [ids], None

    rowstream.stream(ws, 2, rowstream.CHUNK_ROWS * 3, 1, rows())
    with pytest.raises(ValueError, match="could not be rendered"):
        rowstream.save(wb, tmp_path / "x.xlsx")


def test_a_streamed_table_gets_the_heights_autofit_would_give(tmp_path):
    rows = [["short", 1, "x " * 80], ["=1+1", 2.5, None], ["a\nb\nc", 3, True]]
    put_wb, stream_wb = Workbook(), Workbook()
    safe.table(put_wb.active, 3, ["Text", "Number", "Long"], rows)
    rowstream.table(stream_wb.active, 3, ["Text", "Number", "Long"], rows)
    for wb in (put_wb, stream_wb):
        safe.set_widths(wb.active, [10, 8, 30])
        safe.autofit_rows(wb.active)
    put_wb.save(tmp_path / "put.xlsx")
    rowstream.save(stream_wb, tmp_path / "streamed.xlsx")
    put = load_workbook(tmp_path / "put.xlsx").active
    streamed = load_workbook(tmp_path / "streamed.xlsx").active
    for a, b in zip(put.iter_rows(), streamed.iter_rows(), strict=True):
        for x, y in zip(a, b, strict=True):
            assert (y.value, y.data_type, _style(y)) == (x.value, x.data_type, _style(x))
    heights = [put.row_dimensions[r].height for r in range(1, 7)]
    assert heights == [streamed.row_dimensions[r].height for r in range(1, 7)]
    assert heights[3] is not None and heights[5] is not None  # the long and the 3-line rows
    assert put["B3"].alignment.horizontal == streamed["B3"].alignment.horizontal == "right"


def test_ids_of_a_style_are_stable_and_distinct_for_the_quote_prefix():
    wb = Workbook()
    cache = safe.StyleCache(wb.active)
    a = cache.ids(alignment=safe.WRAP_TOP, number_format="0.00")
    b = cache.ids(alignment=safe.WRAP_TOP, number_format="0.00")
    assert a == b and a.plain is not None and a.quoted != a.plain
    assert cache.ids().plain is None  # the default style
    assert cache.ids(alignment=Alignment(vertical="top")) != a
    assert not wb.active._cells  # the probe cells are gone
