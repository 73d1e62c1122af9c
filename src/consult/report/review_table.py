"""A passage table with the Passages sheet's reviewer columns, for the sheets that ask reviewers
for decisions besides Passages (Review queue, Validation).

The headers are those of Passages, so the same reader (consult.reviews.edits) reads the entries
back, whichever sheet they were typed on; a note above the header says what the sheet is for.
"""

from __future__ import annotations

from collections.abc import Iterator

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from consult.report import rowstream, safe
from consult.report.passages import (
    INPUT_BORDER,
    INPUT_FILL,
    INPUT_HEADER_FILL,
    REVIEWED_FONT,
    Column,
)

NOTE_ROW, HEADER_ROW = 1, 2  # the reader finds a header within the first rows of a sheet


def write_table(
    ws,
    records: list[dict],
    columns: list[Column],
    *,
    note: str,
    help_text: str,
    empty: str,
) -> None:
    """`records` under a note and a header row; reviewer columns styled as input cells."""
    safe.put(ws, NOTE_ROW, 1, note, font=safe.NOTE_FONT, alignment=safe.WRAP_TOP)
    ws.merge_cells(start_row=NOTE_ROW, start_column=1, end_row=NOTE_ROW, end_column=8)
    ws.row_dimensions[NOTE_ROW].height = safe.row_height(safe.wrapped_lines(note, 150))
    for col, spec in enumerate(columns, start=1):
        fill = INPUT_HEADER_FILL if spec.reviewer_input else safe.HEADER_FILL
        cell = safe.put(
            ws,
            HEADER_ROW,
            col,
            spec.header,
            font=safe.HEADER_FONT,
            fill=fill,
            alignment=safe.WRAP_TOP,
        )
        if spec.reviewer_input:
            cell.comment = Comment(help_text, "consult", width=320, height=140)
        ws.column_dimensions[get_column_letter(col)].width = spec.width
    styles = safe.StyleCache(ws)
    plain = {
        spec.header: styles.ids(
            number_format=spec.number_format,
            alignment=safe.WRAP_TOP if spec.wrap else safe.TOP,
        )
        for spec in columns
    }
    typed = {
        filled: styles.ids(
            fill=INPUT_FILL,
            border=INPUT_BORDER,
            alignment=safe.WRAP_TOP,
            font=REVIEWED_FONT if filled else None,
        )
        for filled in (False, True)
    }

    def data_rows() -> Iterator[rowstream.Row]:
        for rec in records:
            lines = 1
            values, xfs = [], []
            for spec in columns:
                value = spec.value(rec)
                if spec.wrap and isinstance(value, str) and value:
                    lines = max(lines, safe.wrapped_lines(value, spec.width))
                values.append(value)
                xfs.append(typed[bool(value)] if spec.reviewer_input else plain[spec.header])
            yield values, xfs, safe.row_height(lines) if lines > 1 else None

    if records:  # rows written as XML when the workbook is saved (consult.report.rowstream)
        rowstream.stream(ws, HEADER_ROW + 1, len(records), len(columns), data_rows())
    else:
        safe.put(ws, HEADER_ROW + 1, 1, empty, font=safe.NOTE_FONT)
    last = HEADER_ROW + max(len(records), 1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{last}"
    ws.freeze_panes = f"C{HEADER_ROW + 1}"  # a coordinate: ws.cell would add a row
    ws.row_dimensions[HEADER_ROW].height = 32
    safe.print_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", pages_wide=2)
