"""Reading a reviewed workbook back: the Passages sheet's headers and the reviewer's cells.

The Passages sheet is written with these headers (consult.report.passages) and read back by
header name, so a reviewer may reorder, hide, sort or filter columns and rows freely. What
cannot be read safely is an error naming the workbook, the sheet and the fix, never a skip:
a sheet whose "Passage ID" or reviewer header was renamed would otherwise lose the edits.
A formula typed in a reviewer cell is read as the text it stands for and reported.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pandas as pd

from consult import schema
from consult.report.safe import strip_marker
from consult.reviews.rules import EDIT_WARNING
from consult.values import is_missing, stripped_text

log = logging.getLogger(__name__)

PASSAGE_ID_HEADER = "Passage ID"
REVIEWER_PRIORITIES_HEADER = "Reviewer priorities"
REVIEWER_NOTE_HEADER = "Reviewer note"
TEXT_HEADER = "Text"
MODEL_PRIORITIES_HEADER = "Model priorities"
EDIT_COLUMNS = [
    schema.PASSAGE_ID,
    schema.REVIEWER_PRIORITIES,
    schema.REVIEWER_NOTE,
    schema.TEXT,
    schema.PRIORITIES,
    EDIT_WARNING,
]
# sheets consult writes that are not passage tables (Data quality lists orphaned decisions
# under the same headers; they are shown, not edited)
OTHER_SHEETS = {
    "overview",
    "priorities",
    "round comparison",
    "themes",
    "country x priority",
    "stakeholder x priority",
    "data quality",
    "run info",
}
HEADER_SCAN_ROWS = 5  # a sheet of another name is a passage table when its header is this high
# sheets consult writes that list passages with the reviewer columns besides Passages: read like
# Passages (a renamed header there is an error, never a silent skip)
QUEUE_SHEET = "Review queue"
VALIDATION_SHEET = "Validation"


class EditsLayoutError(ValueError):
    """The workbook's passage table cannot be matched to passages: edits would be lost."""


def _norm_header(value: Any) -> str:
    return re.sub(r"[\s_]+", " ", stripped_text(value)).casefold()


_HEADERS = {
    schema.PASSAGE_ID: {_norm_header(PASSAGE_ID_HEADER), _norm_header(schema.PASSAGE_ID)},
    schema.REVIEWER_PRIORITIES: {
        _norm_header(REVIEWER_PRIORITIES_HEADER),
        _norm_header(schema.REVIEWER_PRIORITIES),
    },
    schema.REVIEWER_NOTE: {_norm_header(REVIEWER_NOTE_HEADER), _norm_header(schema.REVIEWER_NOTE)},
    schema.TEXT: {_norm_header(TEXT_HEADER), _norm_header(schema.TEXT)},
    schema.PRIORITIES: {_norm_header(MODEL_PRIORITIES_HEADER), _norm_header(schema.PRIORITIES)},
}
_REQUIRED = {
    schema.PASSAGE_ID: PASSAGE_ID_HEADER,
    schema.REVIEWER_PRIORITIES: REVIEWER_PRIORITIES_HEADER,
    schema.REVIEWER_NOTE: REVIEWER_NOTE_HEADER,
}


def _is_passages_sheet(title: str) -> bool:
    return (
        title in ("Passages", QUEUE_SHEET, VALIDATION_SHEET)
        or re.fullmatch(r"Passages \(\d+\)", title) is not None
    )


def read_edits(workbook_path: Path) -> pd.DataFrame:
    """Every row of the passage table(s) where the reviewer wrote priorities or a note.

    Columns are found by their header, so reordered, hidden, sorted or filtered sheets read the
    same. Returns EDIT_COLUMNS: the reviewer's cells verbatim (a formula as the text it stands
    for, with EDIT_WARNING naming the cell), TEXT and PRIORITIES as shown.
    Raises EditsLayoutError when a passage table's headers were changed.
    """
    from openpyxl import load_workbook

    path = Path(workbook_path)
    out: list[dict[str, str]] = []
    wb = load_workbook(path, read_only=True, data_only=False)  # formulas as typed, not values
    try:
        tables = 0
        for ws in wb.worksheets:
            named = _is_passages_sheet(ws.title)
            if not named and ws.title.strip().casefold() in OTHER_SHEETS:
                continue
            ws.reset_dimensions()  # other tools may store a wrong sheet size; read every row
            found = _read_sheet(ws, path, required=named)
            if found is not None:
                tables += 1
                out += found
        if not tables:
            raise EditsLayoutError(
                f"Workbook `{path}` has no `Passages` sheet, so reviewer edits cannot be read. "
                "Restore the sheet (or rename it back to `Passages`), or put back the copy from "
                "outputs/<round>/previous/, then run again."
            )
    finally:
        wb.close()
    edits = pd.DataFrame(out, columns=EDIT_COLUMNS, dtype=object)
    # a passage shown on two sheets (Passages and Review queue or Validation) reads twice: the
    # same entry once; different entries both, so that the one a reviewer changed since the
    # workbook was written counts (consult.reviews.readback.changed_since_written)
    key = [schema.PASSAGE_ID, schema.REVIEWER_PRIORITIES, schema.REVIEWER_NOTE]
    same = edits.duplicated(subset=key, keep="first") & (edits[schema.PASSAGE_ID] != "")
    edits = edits[~same].reset_index(drop=True)
    log.info("Read %d reviewer edits from %s", len(edits), path)
    return edits


def _read_sheet(ws, path: Path, required: bool) -> list[dict[str, str]] | None:
    """The edits of one sheet; None when it is not a passage table (and need not be)."""
    cols: dict[str, int] | None = None
    before: list[tuple] = []  # rows above the header (a sorted sheet may have moved it)
    out: list[dict[str, str]] = []
    for n, row in enumerate(ws.iter_rows(), start=1):
        if cols is None:
            cols = _find_header(row, ws.title, path, required)
            if cols is None:
                if not required and n >= HEADER_SCAN_ROWS:
                    return None
                before.append(row)
                continue
            for early in before:
                _add(out, early, cols, ws.title)
            before = []
            continue
        _add(out, row, cols, ws.title)
    if cols is None:
        if not required:
            return None
        raise EditsLayoutError(
            f"Sheet `{ws.title}` of `{path}` has no header row with `{PASSAGE_ID_HEADER}`, "
            f"`{REVIEWER_PRIORITIES_HEADER}` and `{REVIEWER_NOTE_HEADER}`, so its edits cannot "
            "be matched to passages. Put the header row back (or the copy from "
            "outputs/<round>/previous/), then run again."
        )
    return out


def _add(out: list, row: tuple, cols: dict[str, int], sheet: str) -> None:
    pid = _cell(row, cols[schema.PASSAGE_ID])
    prio, prio_warn = _typed(row, cols[schema.REVIEWER_PRIORITIES], sheet, as_shown=True)
    note, note_warn = _typed(row, cols[schema.REVIEWER_NOTE], sheet, as_shown=False)
    if not (prio or note):
        return
    if not pid:  # listed, not dropped: the reviewer cleared or never had an id there
        row_no = next((c.row for c in row if getattr(c, "row", None)), "?")
        out.append(
            {
                schema.PASSAGE_ID: "",
                schema.REVIEWER_PRIORITIES: prio,
                schema.REVIEWER_NOTE: note,
                schema.TEXT: "",
                schema.PRIORITIES: "",
                EDIT_WARNING: f"row {row_no} of sheet `{sheet}` has a reviewer entry but no "
                f"`{PASSAGE_ID_HEADER}`, so it was not applied (note: `{note}`). Put the "
                "passage id back in that row of the new workbook; the workbook as it was "
                "is kept under previous/.",
            }
        )
        return
    text = strip_marker(_cell(row, cols.get(schema.TEXT), strip=False))
    out.append(
        {
            schema.PASSAGE_ID: pid,
            schema.REVIEWER_PRIORITIES: prio,
            schema.REVIEWER_NOTE: note,
            schema.TEXT: text,
            schema.PRIORITIES: _cell(row, cols.get(schema.PRIORITIES)),
            EDIT_WARNING: "; ".join(w for w in (prio_warn, note_warn) if w),
        }
    )


def _value(row: tuple, idx: int | None) -> Any:
    if idx is None or idx >= len(row):
        return None
    return row[idx].value


def _cell(row: tuple, idx: int | None, strip: bool = True) -> str:
    value = _value(row, idx)
    if is_missing(value):
        return ""
    return str(value).strip() if strip else str(value)


def _typed(row: tuple, idx: int, sheet: str, as_shown: bool) -> tuple[str, str]:
    """(what the reviewer's cell says, a warning when it holds a formula)."""
    if idx >= len(row) or getattr(row[idx], "data_type", None) != "f":
        return _cell(row, idx), ""
    cell = row[idx]
    formula = str(getattr(cell.value, "text", None) or cell.value or "").strip()
    where = f"cell {sheet}!{getattr(cell, 'coordinate', '?')}"
    if not as_shown:
        return formula, (
            f"{where} holds the formula `{formula}`; kept as typed. Type the note as plain text."
        )
    text = formula_text(formula)
    return text, (
        f"{where} holds the formula `{formula}`, read as `{text}`. Type priority ids "
        "without `=` (Excel shows a formula's result, not what you typed)."
    )


def formula_text(formula: str) -> str:
    """The text a reviewer meant by a formula typed as an entry: `=SA1` -> `SA1`,
    `="SA1; SA2"` -> `SA1; SA2`, `=+SA1` -> `SA1`."""
    text = re.sub(r"^[=+@\s]+", "", formula)
    if re.fullmatch(r'"[^"]*"', text):
        text = text[1:-1]
    if text.startswith("-") and len(text) > 1:
        text = text[1:]
    return text.strip()


def _find_header(row: tuple, sheet: str, path: Path, required: bool) -> dict[str, int] | None:
    """Column positions when `row` is the header row; None when it is a data row.

    On a Passages sheet, a row naming some but not all of the required headers is the header
    with one renamed: an error, not a data row, so no edit is dropped. On a sheet of another
    name (a reviewer's own) it only means that sheet is not a passage table.
    """
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        key = _norm_header(getattr(cell, "value", None))
        for col, names in _HEADERS.items():
            if key in names and col not in found:
                found[col] = i
    have = [c for c in _REQUIRED if c in found]
    if not have:
        return None
    if len(have) < len(_REQUIRED):
        if not required:
            return None
        missing = ", ".join(f"`{h}`" for c, h in _REQUIRED.items() if c not in found)
        raise EditsLayoutError(
            f"Sheet `{sheet}` of `{path}` has no {missing} column (renamed or deleted?), so the "
            f"reviewer's edits in it cannot be read. Rename the column back to {missing} and "
            "save the workbook, then run again; nothing in it was overwritten."
        )
    return found
