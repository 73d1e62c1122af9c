"""A passage table with the Passages sheet's reviewer columns, for the sheets that ask reviewers
for decisions besides Passages (Review queue, Validation).

The headers are those of Passages, so the same reader (consult.reviews.edits) reads the entries
back, whichever sheet they were typed on; a note above the header says what the sheet is for.
"""

from __future__ import annotations

from collections.abc import Iterator

from openpyxl.utils import get_column_letter

from consult.report import rowstream, safe
from consult.report.passages import Column, column_headers, input_style

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
    column_headers(ws, HEADER_ROW, columns, help_text)
    styles = safe.StyleCache(ws)
    plain = {
        spec.header: styles.ids(
            number_format=spec.number_format,
            alignment=safe.WRAP_TOP if spec.wrap else safe.TOP,
        )
        for spec in columns
    }
    typed = {filled: input_style(styles, filled) for filled in (False, True)}

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
