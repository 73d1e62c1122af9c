"""The data rows of the large sheets (Passages, Review queue, Validation), written as sheet XML.

openpyxl keeps a Python object per cell and serialises each one through lxml: about a minute for
the Passages sheet of a 100k-passage round, with every cell in memory until the save. Here the
sheet itself (header row, comments, widths, filter, panes, page setup) is still openpyxl's, but
its data rows wait as a generator and are rendered as XML text while the workbook is saved, then
spliced into the sheet openpyxl wrote: the same cells as `safe.put` makes (values through
`safe.cell_value`, the same style ids, the quote prefix, the row heights), several times faster,
one chunk of rows in memory at a time.
"""

from __future__ import annotations

import io
import queue
import re
import threading
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl.utils import get_column_letter

from consult.report import safe
from consult.report.safe import (
    FORMULA_STARTS,
    MAX_CELL_CHARS,
    XML_ILLEGAL_RE,
    XfIds,
    cell_value,
)

# one row: its values, each cell's style ids, and its height in points (None: Excel's default)
Row = tuple[Sequence[Any], Sequence[XfIds], float | None]
CHUNK_ROWS = 2_000  # rows rendered and compressed at a time
ZIP64_ROWS = 200_000  # past this many rows a sheet's XML may pass 2 GiB: the entry needs Zip64

_ESCAPE = re.compile(r"[&<>\r]")
# what cell_value (clean_text) or escaping would change; text without it, short enough never to
# need truncation, is written as it is
_SPECIAL = re.compile(XML_ILLEGAL_RE.pattern + r"|[&<>\r]")
_SHORT = MAX_CELL_CHARS // 2
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}  # \r would read back as \n
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
_EMPTY_DATA = re.compile(r"<sheetData\s*/>")


@dataclass
class _Pending:
    first: int
    count: int
    ncols: int
    rows: Iterable[Row]


_PENDING: WeakKeyDictionary[Any, _Pending] = WeakKeyDictionary()


def stream(ws, first: int, count: int, ncols: int, rows: Iterable[Row]) -> None:
    """Rows `first` to `first + count - 1` of `ws`, `ncols` columns wide, to be rendered from
    `rows` when the workbook is saved with `save` (nothing else may be written from `first` on)."""
    if count:
        _PENDING[ws] = _Pending(first, count, ncols, rows)


def table(
    ws, row: int, headers: list[str], rows: list[list], *, formats: dict[int, str] | None = None
) -> int:
    """`safe.table` (wrapped text) for a table that ends its sheet: the rows streamed, each
    with the height `safe.autofit_rows` would give it from the column widths the sheet has when
    it is saved. Returns the row after the table."""
    safe.table_header(ws, row, headers, rows)
    ncols = max([len(headers), *(len(v) for v in rows)])
    styles = safe.StyleCache(ws)
    xfs = [
        styles.ids(alignment=safe.WRAP_TOP, number_format=(formats or {}).get(c))
        for c in range(ncols)
    ]

    def data_rows() -> Iterator[Row]:
        dims = ws.column_dimensions
        widths = [getattr(dims.get(get_column_letter(c + 1)), "width", None) for c in range(ncols)]
        for values in rows:
            lines = 1
            for value, width in zip(values, widths):
                text = value if type(value) is str else cell_value(value)
                if isinstance(text, str):
                    lines = max(lines, safe.wrapped_lines(text, width))
            yield values, xfs, safe.row_height(lines) if lines > 1 else None

    stream(ws, row + 1, len(rows), ncols, data_rows())
    return row + 1 + len(rows)


def save(wb, path: Path) -> None:
    """`wb.save(path)`, then the streamed rows of its sheets spliced into the file."""
    pending = [(ws, _PENDING.pop(ws)) for ws in wb.worksheets if ws in _PENDING]
    for ws, rows in pending:
        written = max([ws.max_row, *ws.row_dimensions.keys()])
        if written >= rows.first:
            raise RuntimeError(
                f"Sheet `{ws.title}` has cells in row {written}, where its streamed rows start "
                f"(row {rows.first}); write them above the streamed rows."
            )
    wb.save(path)
    if not any(rows.count for _, rows in pending):
        return
    parts = {ws.path.lstrip("/"): rows for ws, rows in pending}  # set by the save
    book = Path(path).read_bytes()  # the sheets without their rows: small
    with (
        zipfile.ZipFile(io.BytesIO(book)) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out,
    ):
        for info in src.infolist():
            streamed = parts.get(info.filename)
            if streamed is None:
                out.writestr(info, src.read(info))
                continue
            head, tail = _split(src.read(info).decode("utf-8"), streamed)
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with out.open(entry, "w", force_zip64=streamed.count > ZIP64_ROWS) as sheet:
                sheet.write(head.encode("utf-8"))
                _write_all(sheet, _render(streamed))
                sheet.write(tail.encode("utf-8"))


def _write_all(sheet, chunks: Iterator[bytes]) -> None:
    """Write `chunks` to `sheet`, compressing in a second thread (zlib lets go of the GIL)
    while the next rows render."""
    todo: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
    failed: list[BaseException] = []

    def write() -> None:
        while (chunk := todo.get()) is not None:
            if not failed:
                try:
                    sheet.write(chunk)
                except BaseException as exc:  # raised again below, in the saving thread
                    failed.append(exc)

    writer = threading.Thread(target=write, name="xlsx-writer", daemon=True)
    writer.start()
    try:
        for chunk in chunks:
            if failed:
                break
            todo.put(chunk)
    finally:
        todo.put(None)
        writer.join()
    if failed:
        raise failed[0]


def _split(xml: str, rows: _Pending) -> tuple[str, str]:
    """The sheet's XML before and after where the streamed rows go, with its dimension grown."""
    last = rows.first + rows.count - 1
    ref = f'<dimension ref="A1:{get_column_letter(rows.ncols)}{last}"/>'
    xml, found = _DIMENSION.subn(ref, xml, 1)
    if not found:  # read-only readers trust the stored size: it must grow with the rows
        raise RuntimeError("openpyxl wrote a sheet without a <dimension>: cannot add rows to it.")
    empty = _EMPTY_DATA.search(xml)
    if empty:
        return xml[: empty.start()] + "<sheetData>", "</sheetData>" + xml[empty.end() :]
    end = xml.index("</sheetData>")
    return xml[:end], xml[end:]


def _render(pending: _Pending) -> Iterator[bytes]:
    letters = [get_column_letter(c) for c in range(1, pending.ncols + 1)]
    r = pending.first
    out: list[str] = []
    for values, styles, height in pending.rows:
        out.append(row_xml(r, values, styles, height, letters))
        r += 1
        if len(out) >= CHUNK_ROWS:
            yield "".join(out).encode("utf-8")
            out = []
    if out:
        yield "".join(out).encode("utf-8")
    if r - pending.first != pending.count:
        raise RuntimeError(
            f"{r - pending.first} rows were streamed where {pending.count} were announced."
        )


def _entity(match: re.Match) -> str:
    return _ENTITIES[match.group()]


def row_xml(
    r: int,
    values: Sequence[Any],
    styles: Sequence[XfIds],
    height: float | None,
    letters: Sequence[str],
) -> str:
    """One `<row>` as openpyxl writes it for cells `safe.put` filled with `values`."""
    parts = [
        f'<row r="{r}">' if height is None else f'<row r="{r}" ht="{height:.16g}" customHeight="1">'
    ]
    append = parts.append
    for letter, raw, xf in zip(letters, values, styles):
        if type(raw) is str and len(raw) <= _SHORT and not _SPECIAL.search(raw):
            if not raw:  # an empty cell, as openpyxl writes ""
                style = "" if xf.plain is None else f' s="{xf.plain}"'
                append(f'<c r="{letter}{r}"{style} t="inlineStr"></c>')
                continue
            # the common case: text that cell_value and escaping leave as it is
            s = xf.quoted if raw.startswith(FORMULA_STARTS) else xf.plain
            space = ' xml:space="preserve"' if raw[0].isspace() or raw[-1].isspace() else ""
            style = "" if s is None else f' s="{s}"'
            append(f'<c r="{letter}{r}"{style} t="inlineStr"><is><t{space}>{raw}</t></is></c>')
            continue
        value = None if raw is None else cell_value(raw)
        if isinstance(value, str):
            s = xf.quoted if value.startswith(FORMULA_STARTS) else xf.plain
            attrs = f'r="{letter}{r}"' + ("" if s is None else f' s="{s}"')
            if not value:
                append(f'<c {attrs} t="inlineStr"></c>')
                continue
            space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
            value = _ESCAPE.sub(_entity, value)
            append(f'<c {attrs} t="inlineStr"><is><t{space}>{value}</t></is></c>')
            continue
        if xf.plain is None and value is None:
            continue  # an empty unstyled cell is not written
        attrs = f'r="{letter}{r}"' + ("" if xf.plain is None else f' s="{xf.plain}"')
        if value is None:
            append(f'<c {attrs} t="n"></c>')
        elif isinstance(value, bool):
            append(f'<c {attrs} t="b"><v>{int(value)}</v></c>')
        else:
            append(f'<c {attrs} t="n"><v>{value:.16g}</v></c>')
    append("</row>")
    return "".join(parts)
