"""Reading a reviewed workbook back: the Passages sheet's headers and the reviewer's cells.

The Passages sheet is written with these headers (consult.report.passages) and read back by
header name, so a reviewer may reorder, hide, sort or filter columns and rows freely.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pandas as pd

from consult import schema
from consult.report.safe import strip_marker
from consult.reviews import _s, is_missing

log = logging.getLogger(__name__)

PASSAGE_ID_HEADER = "Passage ID"
REVIEWER_PRIORITIES_HEADER = "Reviewer priorities"
REVIEWER_NOTE_HEADER = "Reviewer note"
TEXT_HEADER = "Text"
MODEL_PRIORITIES_HEADER = "Model priorities"


def _norm_header(value: Any) -> str:
    return re.sub(r"[\s_]+", " ", _s(value)).casefold()


_HEADERS = {
    schema.PASSAGE_ID: {_norm_header(PASSAGE_ID_HEADER), _norm_header(schema.PASSAGE_ID)},
    schema.REVIEWER_PRIORITIES: {_norm_header(REVIEWER_PRIORITIES_HEADER),
                                 _norm_header(schema.REVIEWER_PRIORITIES)},
    schema.REVIEWER_NOTE: {_norm_header(REVIEWER_NOTE_HEADER), _norm_header(schema.REVIEWER_NOTE)},
    schema.TEXT: {_norm_header(TEXT_HEADER), _norm_header(schema.TEXT)},
    schema.PRIORITIES: {_norm_header(MODEL_PRIORITIES_HEADER), _norm_header(schema.PRIORITIES)},
}


def _is_passages_sheet(title: str) -> bool:
    return title == "Passages" or re.fullmatch(r"Passages \(\d+\)", title) is not None


def read_edits(workbook_path: Path) -> pd.DataFrame:
    """Every row of the Passages sheet(s) where the reviewer wrote priorities or a note.

    Columns are found by their header, so reordered, hidden, sorted or filtered sheets read the
    same. Returns PASSAGE_ID, REVIEWER_PRIORITIES (verbatim), REVIEWER_NOTE and TEXT (as shown).
    """
    from openpyxl import load_workbook

    out: list[dict[str, str]] = []
    wb = load_workbook(Path(workbook_path), read_only=True, data_only=True)
    try:
        sheets = [ws for ws in wb.worksheets if _is_passages_sheet(ws.title)]
        if not sheets:
            raise ValueError(
                f"Workbook `{workbook_path}` has no `Passages` sheet, so reviewer edits cannot be "
                "read; restore the sheet (or the file from outputs/<round>/previous/)."
            )
        for ws in sheets:
            ws.reset_dimensions()  # other tools may store a wrong sheet size; read every row
            cols: dict[str, int] | None = None
            for row in ws.iter_rows(values_only=True):
                if cols is None:
                    cols = _find_header(row)
                    continue
                pid = _cell(row, cols[schema.PASSAGE_ID])
                prio = _cell(row, cols.get(schema.REVIEWER_PRIORITIES))
                note = _cell(row, cols.get(schema.REVIEWER_NOTE))
                if not pid or not (prio or note):
                    continue
                text = strip_marker(_cell(row, cols.get(schema.TEXT), strip=False))
                out.append({schema.PASSAGE_ID: pid, schema.REVIEWER_PRIORITIES: prio,
                            schema.REVIEWER_NOTE: note, schema.TEXT: text,
                            schema.PRIORITIES: _cell(row, cols.get(schema.PRIORITIES))})
            if cols is None:
                log.warning("Sheet `%s` of `%s` has no header row with `%s`; skipped.",
                            ws.title, workbook_path, PASSAGE_ID_HEADER)
    finally:
        wb.close()
    edits = pd.DataFrame(out, columns=[schema.PASSAGE_ID, schema.REVIEWER_PRIORITIES,
                                       schema.REVIEWER_NOTE, schema.TEXT, schema.PRIORITIES],
                         dtype=object)
    dup = edits[schema.PASSAGE_ID].duplicated(keep="last")
    if dup.any():
        log.warning("%d passage ids appear twice in `%s`; the last row wins.", int(dup.sum()),
                    workbook_path)
        edits = edits[~dup].reset_index(drop=True)
    log.info("Read %d reviewer edits from %s", len(edits), workbook_path)
    return edits


def _cell(row: tuple, idx: int | None, strip: bool = True) -> str:
    if idx is None or idx >= len(row) or is_missing(row[idx]):
        return ""
    return str(row[idx]).strip() if strip else str(row[idx])


def _find_header(row: tuple) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, value in enumerate(row):
        key = _norm_header(value)
        for col, names in _HEADERS.items():
            if key in names and col not in found:
                found[col] = i
    if schema.PASSAGE_ID in found and (
        schema.REVIEWER_PRIORITIES in found or schema.REVIEWER_NOTE in found
    ):
        return found
    return None
