"""The Passages sheet: every passage with provenance and tags, and the two reviewer columns.

The reviewer columns sit right after the text and the model's tags, styled as input cells, so
a reviewer reading a passage sees where to write. Headers are found by name when the sheet is
read back (consult.reviews.rules), so a reviewer may reorder, hide, sort or filter freely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from consult import schema
from consult.report import safe
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


def write_passages(
    wb,
    passages: pd.DataFrame,
    *,
    low_confidence: float,
    max_rows: int = safe.MAX_SHEET_ROWS,
    example_ids: list[str] | None = None,
) -> list[str]:
    """Add the Passages sheet (and continuation sheets when it exceeds `max_rows`).

    Returns the titles of the sheets written, in order.
    """
    records = passages.to_dict("records")
    mask = counted_mask(passages).tolist()
    for rec, flag in zip(records, mask):
        rec["_counted"] = flag
    first_capacity = max_rows - 1  # header row
    next_capacity = max_rows - 2  # note + header row
    chunks = [records[:first_capacity]]
    rest = records[first_capacity:]
    while rest:
        chunks.append(rest[:next_capacity])
        rest = rest[next_capacity:]
    titles = []
    start = 1
    for n, chunk in enumerate(chunks, start=1):
        title = "Passages" if n == 1 else f"Passages ({n})"
        ws = wb.create_sheet(title)
        note = None
        if n > 1:
            note = (
                f"Continuation of sheet 'Passages': passages {start:,} to "
                f"{start + len(chunk) - 1:,} of {len(records):,} (an Excel sheet holds at "
                f"most {safe.MAX_SHEET_ROWS:,} rows)."
            )
        _write_chunk(
            ws,
            chunk,
            low_confidence=low_confidence,
            note=note,
            help_text=INPUT_HELP.format(example="; ".join(example_ids or ["P1", "P3"])),
        )
        if n == 1 and len(chunks) > 1:
            ws.cell(row=1, column=TEXT_COL).comment = Comment(
                f"This table continues on sheets 'Passages (2)' to 'Passages ({len(chunks)})'.",
                "consult",
            )
        titles.append(title)
        start += len(chunk)
    return titles


def _write_chunk(
    ws, records: list[dict], *, low_confidence: float, note: str | None, help_text: str
) -> None:
    row = 1
    if note:
        safe.put(ws, row, 1, note, font=safe.NOTE_FONT)
        row += 1
    header_row = row
    for col, spec in enumerate(COLUMNS, start=1):
        fill = INPUT_HEADER_FILL if spec.reviewer_input else safe.HEADER_FILL
        cell = safe.put(
            ws,
            header_row,
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

    def style(spec: Column, low: bool, filled: bool):
        if spec.reviewer_input:
            return styles.get(
                fill=INPUT_FILL,
                border=INPUT_BORDER,
                alignment=safe.WRAP_TOP,
                font=REVIEWED_FONT if filled else None,
            )
        return styles.get(
            fill=LOW_FILL if low else None,
            number_format=spec.number_format,
            alignment=safe.WRAP_TOP if spec.wrap else safe.TOP,
        )

    # each column's style per (low, filled), built once on first use (so the workbook's style
    # tables get the same entries in the same order as styling cell by cell would)
    col_styles: list[dict[tuple[bool, bool], Any]] = [{} for _ in COLUMNS]
    for r, rec in enumerate(records, start=header_row + 1):
        low = _is_low(rec, low_confidence)
        lines = 1
        for col, spec in enumerate(COLUMNS, start=1):
            value = spec.value(rec)
            if spec.wrap and isinstance(value, str) and value:
                lines = max(lines, safe.wrapped_lines(value, spec.width))
            filled = spec.reviewer_input and value != ""
            cached = col_styles[col - 1]
            cell_style = cached.get((low, filled))
            if cell_style is None:
                cell_style = cached[(low, filled)] = style(spec, low, filled)
            safe.put(ws, r, col, value, style=cell_style)
        if lines > 1:
            ws.row_dimensions[r].height = safe.row_height(lines)
    last = header_row + max(len(records), 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{last}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    ws.row_dimensions[header_row].height = 32
    safe.print_setup(ws, title_rows=f"{header_row}:{header_row}", pages_wide=3)
