"""The Passages sheet: every passage with provenance and tags, and the two reviewer columns.

The reviewer columns sit right after the text and the model's tags, styled as input cells, so
a reviewer reading a passage sees where to write. Headers are found by name when the sheet is
read back (consult.reviews.rules), so a reviewer may reorder, hide, sort or filter freely.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from consult import schema
from consult.report import rowstream, safe
from consult.report.counts import counted_mask, text_of
from consult.reviews import edits

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # Excel's own "input" yellow
INPUT_HEADER_FILL = PatternFill("solid", fgColor="BF8F00")
LOW_FILL = PatternFill("solid", fgColor="FCE4D6")  # low confidence / uncertain
REVIEWED_FONT = Font(bold=True, color="375623")
THIN = Side(style="thin", color="7F7F7F")
INPUT_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_HELP = (
    "Type priority ids or labels, separated by ';' (e.g. '{example}'). 'none' = no priority fits; "
    "'model' = withdraw your decision. Save the file where it is: the next run keeps your "
    "decision, uses it in every count, and shows it here again."
)


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[dict], Any]
    width: float
    wrap: bool = False
    number_format: str | None = None
    reviewer_input: bool = False


def _get(name: str) -> Callable[[dict], Any]:
    return lambda r: r.get(name)


def _theme(r: dict) -> Any:
    return r[schema.THEME_LABEL] or None


def _question_or_section(r: dict) -> Any:
    return text_of(r.get(schema.QUESTION)) or text_of(r.get(schema.SECTION)) or None


def _counted(r: dict) -> bool:
    return bool(r.get("_counted", True))


# fmt: off
COLUMNS = [
    Column(edits.PASSAGE_ID_HEADER, _get(schema.PASSAGE_ID), 16),
    Column(edits.TEXT_HEADER, _get(schema.TEXT), 70, wrap=True),
    Column(edits.MODEL_PRIORITIES_HEADER, _get(schema.PRIORITIES), 14, wrap=True),
    Column(edits.REVIEWER_PRIORITIES_HEADER, _get(schema.REVIEWER_PRIORITIES), 18, wrap=True,
           reviewer_input=True),
    Column(edits.REVIEWER_NOTE_HEADER, _get(schema.REVIEWER_NOTE), 26, wrap=True,
           reviewer_input=True),
    Column("Final priorities", _get(schema.FINAL_PRIORITIES), 14, wrap=True),
    Column("Decided by", _get(schema.FINAL_SOURCE), 10),
    Column("Confidence", _get(schema.CONFIDENCE), 11, number_format="0.00"),
    Column("Status", _get(schema.TAG_STATUS), 10),
    Column("Theme ID", _get(schema.THEME_ID), 9),
    Column("Theme", _theme, 24, wrap=True),
    Column("Country", _get(schema.COUNTRY), 10),
    Column("Stakeholder group", _get(schema.STAKEHOLDER_GROUP), 18, wrap=True),
    Column("Source kind", _get(schema.SOURCE_KIND), 11),
    Column("Source file", _get(schema.SOURCE_FILE), 26, wrap=True),
    Column("Location", _get(schema.LOCATION), 26, wrap=True),
    Column("Speaker role", _get(schema.SPEAKER_ROLE), 12),
    Column("Speaker", _get(schema.SPEAKER), 14),
    Column("Question or section", _question_or_section, 30, wrap=True),
    Column("Language", _get(schema.LANGUAGE), 9),
    Column("Counted", _counted, 9),
    Column("Respondent", _get(schema.RESPONDENT_ID), 14),
    Column("Event", _get(schema.EVENT), 16, wrap=True),
    Column("Date", _get(schema.DATE), 11),
    Column("Duplicate of", _get(schema.DUPLICATE_OF), 16),
    Column("Campaign", lambda r: text_of(r.get(schema.CAMPAIGN_ID)) or None, 12),
]
# fmt: on
HEADERS = [c.header for c in COLUMNS]
TEXT_COL = HEADERS.index(edits.TEXT_HEADER) + 1


def _is_low(r: dict, low_confidence: float) -> bool:
    """Uncertain, or confident below the threshold (a missing confidence, NaN, is not low)."""
    return r[schema.TAG_STATUS].strip() == "uncertain" or r[schema.CONFIDENCE] < low_confidence


def column_headers(ws, row: int, columns: list[Column], help_text: str) -> None:
    """The header row of a passage table, with the column widths; reviewer columns stand out
    and carry `help_text` as a comment."""
    for col, spec in enumerate(columns, start=1):
        fill = INPUT_HEADER_FILL if spec.reviewer_input else safe.HEADER_FILL
        cell = safe.put(
            ws, row, col, spec.header, font=safe.HEADER_FONT, fill=fill, alignment=safe.WRAP_TOP
        )
        if spec.reviewer_input:
            cell.comment = Comment(help_text, "consult", width=320, height=140)
        ws.column_dimensions[get_column_letter(col)].width = spec.width


def input_style(styles: safe.StyleCache, filled: bool) -> safe.XfIds:
    """The style ids of a reviewer input cell, bold once something is typed in it."""
    return styles.ids(
        fill=INPUT_FILL,
        border=INPUT_BORDER,
        alignment=safe.WRAP_TOP,
        font=REVIEWED_FONT if filled else None,
    )


def write_passages(
    wb,
    passages: pd.DataFrame,
    *,
    low_confidence: float,
    max_rows: int = safe.MAX_SHEET_ROWS,
    example_ids: list[str] | None = None,
) -> list[str]:
    """Add the Passages sheet (and continuation sheets when it exceeds `max_rows`).

    The data rows are streamed (consult.report.rowstream): save the workbook with
    `rowstream.save`. Returns the titles of the sheets written, in order.
    """
    n = len(passages)
    counted = counted_mask(passages).to_numpy()
    bounds = [(0, min(n, max_rows - 1))]  # header row
    while bounds[-1][1] < n:
        start = bounds[-1][1]
        bounds.append((start, min(n, start + max_rows - 2)))  # note + header row
    titles = []
    for k, (start, stop) in enumerate(bounds, start=1):
        title = "Passages" if k == 1 else f"Passages ({k})"
        ws = wb.create_sheet(title)
        note = None
        if k > 1:
            note = (
                f"Continuation of sheet 'Passages': passages {start + 1:,} to "
                f"{stop:,} of {n:,} (an Excel sheet holds at "
                f"most {safe.MAX_SHEET_ROWS:,} rows)."
            )
        _write_chunk(
            ws,
            records(passages, start, stop, counted),
            stop - start,
            low_confidence=low_confidence,
            note=note,
            help_text=INPUT_HELP.format(example="; ".join(example_ids or ["P1", "P3"])),
        )
        if k == 1 and len(bounds) > 1:
            ws.cell(row=1, column=TEXT_COL).comment = Comment(
                f"This table continues on sheets 'Passages (2)' to 'Passages ({len(bounds)})'.",
                "consult",
            )
        titles.append(title)
    return titles


def records(passages: pd.DataFrame, start: int, stop: int, counted: np.ndarray) -> Iterator[dict]:
    """Rows `start:stop` as dicts (with "_counted"), a few thousand at a time: the whole table
    as dicts would hold every value of a large round twice."""
    names = [*passages.columns, "_counted"]
    for a in range(start, stop, rowstream.CHUNK_ROWS):
        b = min(stop, a + rowstream.CHUNK_ROWS)
        chunk = passages.iloc[a:b]
        columns = [chunk.iloc[:, k].tolist() for k in range(chunk.shape[1])]
        columns.append(counted[a:b].tolist())
        for values in zip(*columns):
            yield dict(zip(names, values))


def _write_chunk(
    ws,
    rows: Iterable[dict],
    count: int,
    *,
    low_confidence: float,
    note: str | None,
    help_text: str,
) -> None:
    row = 1
    if note:
        safe.put(ws, row, 1, note, font=safe.NOTE_FONT)
        row += 1
    header_row = row
    column_headers(ws, header_row, COLUMNS, help_text)
    styles = safe.StyleCache(ws)

    def style(spec: Column, low: bool, filled: bool) -> safe.XfIds:
        if spec.reviewer_input:
            return input_style(styles, filled)
        return styles.ids(
            fill=LOW_FILL if low else None,
            number_format=spec.number_format,
            alignment=safe.WRAP_TOP if spec.wrap else safe.TOP,
        )

    # each column's style per (low, filled), registered before the save writes the style table
    flags = [(low, filled) for low in (False, True) for filled in (False, True)]
    col_styles = [{f: style(spec, *f) for f in flags} for spec in COLUMNS]
    plain = {low: [by[(low, False)] for by in col_styles] for low in (False, True)}
    inputs = [(i, col_styles[i]) for i, spec in enumerate(COLUMNS) if spec.reviewer_input]
    getters = [spec.value for spec in COLUMNS]
    wraps = [
        (i, spec.width, safe.per_line(spec.width)) for i, spec in enumerate(COLUMNS) if spec.wrap
    ]

    def data_rows() -> Iterator[rowstream.Row]:
        for rec in rows:
            low = _is_low(rec, low_confidence)
            values = [get(rec) for get in getters]
            xfs = list(plain[low])
            for i, by_flags in inputs:
                xfs[i] = by_flags[(low, values[i] != "")]
            lines = 1
            for i, width, per_line in wraps:
                value = values[i]
                # wrapped_lines, called only where a cell may take more than a line
                if isinstance(value, str) and (len(value) > per_line or "\n" in value):
                    lines = max(lines, safe.wrapped_lines(value, width))
            yield values, xfs, safe.row_height(lines) if lines > 1 else None

    rowstream.stream(ws, header_row + 1, count, len(COLUMNS), data_rows())
    last = header_row + max(count, 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{last}"
    ws.freeze_panes = f"B{header_row + 1}"  # a coordinate: ws.cell would add a row
    ws.row_dimensions[header_row].height = 32
    safe.print_setup(ws, title_rows=f"{header_row}:{header_row}", pages_wide=3)
