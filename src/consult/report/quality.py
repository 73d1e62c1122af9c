"""Data quality (what was read, what was rejected and why) and Run info (how to reproduce)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from consult import schema
from consult.report import privacy, safe
from consult.report.counts import text_of
from consult.report.languages import (
    RUN_INFO_KEY,
    UNSUPPORTED_HEADERS,
    unsupported_count,
    unsupported_empty_note,
    unsupported_rows,
)
from consult.reviews import rules as reviews
from consult.text import languages

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike

# fmt: off
FILE_HEADERS = [
    ("Source file", schema.SOURCE_FILE), ("Source kind", schema.SOURCE_KIND),
    ("Status", schema.FILE_STATUS), ("Reason", schema.REASON), ("Detected", schema.DETECTED),
    ("Units", schema.UNITS), ("Passages", schema.N_PASSAGES), ("Rejected", schema.N_REJECTED),
    ("SHA-256", schema.FILE_SHA256), ("Size (bytes)", schema.SIZE_BYTES),
]
# fmt: on
REJECTED_HEADERS = [
    ("Source file", schema.SOURCE_FILE),
    ("Source kind", schema.SOURCE_KIND),
    ("Location", schema.LOCATION),
    ("Reason", schema.REASON),
    ("Stage", schema.STAGE),
]
MAX_LISTED = safe.MAX_SHEET_ROWS - 10_000  # room for the other sections


def _frame_rows(df: pd.DataFrame | None, cols: list[str]) -> list[list[Any]]:
    if df is None or df.empty:
        return []
    return [[rec.get(c) for c in cols] for rec in df.to_dict("records")]


def _listing(
    ws, row: int, title: str, headers: list[str], rows: list[list[Any]], empty: str
) -> int:
    row = safe.section(ws, row, f"{title} ({len(rows):,})")
    if not rows:
        safe.put(ws, row, 1, empty, font=safe.NOTE_FONT)
        return row + 2
    shown = rows[:MAX_LISTED]
    row = safe.table(ws, row, headers, shown)
    if len(rows) > len(shown):
        safe.put(
            ws,
            row,
            1,
            f"[… {len(rows) - len(shown):,} more not listed: an Excel sheet "
            f"holds at most {safe.MAX_SHEET_ROWS:,} rows]",
            font=safe.NOTE_FONT,
        )
        row += 1
    return row + 1


def data_quality_line(
    files: pd.DataFrame | None, rejected: pd.DataFrame | None, passages: pd.DataFrame
) -> str:
    n_files = 0 if files is None else len(files)
    bad_files = 0
    if files is not None and schema.FILE_STATUS in files.columns:
        bad_files = int((files[schema.FILE_STATUS].astype(str) != "read").sum())
    n_rej = 0 if rejected is None else len(rejected)
    dups = int(passages[schema.DUPLICATE_OF].map(lambda v: bool(text_of(v).strip())).sum())
    unsupported = unsupported_count(passages)
    languages_part = (
        f"; {unsupported} passages in a language no embedding model covers" if unsupported else ""
    )
    return (
        f"{n_files} files: {n_files - bad_files} read, {bad_files} not read; {n_rej} items "
        f"rejected with a reason; {dups} passages repeat an earlier identical answer"
        f"{languages_part}. Details on the 'Data quality' sheet."
    )


def write_data_quality(
    ws,
    passages: pd.DataFrame,
    files: pd.DataFrame | None,
    rejected: pd.DataFrame | None,
    problems: pd.DataFrame | None,
    orphans: pd.DataFrame | None,
    run_info: dict[str, Any] | None = None,
) -> None:
    safe.put(ws, 1, 1, "Data quality", font=safe.TITLE_FONT)
    safe.put(ws, 2, 1, data_quality_line(files, rejected, passages), font=safe.NOTE_FONT)
    row = 4
    row = _listing(
        ws,
        row,
        "Files",
        [h for h, _ in FILE_HEADERS],
        _frame_rows(files, [c for _, c in FILE_HEADERS]),
        "No files were listed.",
    )
    row = _listing(
        ws,
        row,
        "Rejected items",
        [h for h, _ in REJECTED_HEADERS],
        _frame_rows(rejected, [c for _, c in REJECTED_HEADERS]),
        "Nothing was rejected.",
    )
    row = _listing(
        ws,
        row,
        "Passages in a language no embedding model covers, tagged less reliably",
        UNSUPPORTED_HEADERS,
        unsupported_rows(passages, run_info),
        unsupported_empty_note(passages),
    )
    row = _listing(
        ws,
        row,
        privacy.REDACTION_TITLE,
        privacy.REDACTION_HEADERS,
        privacy.redaction_rows(files),
        "No personal data was found to redact.",
    )
    row = _listing(
        ws,
        row,
        privacy.COLUMNS_TITLE,
        privacy.COLUMN_HEADERS,
        privacy.column_rows(files),
        "No survey files in this round.",
    )
    row = _listing(
        ws,
        row,
        "Reviewer entries and files that need a look",
        ["Passage ID", "Typed in 'Reviewer priorities'", "Problem"],
        _frame_rows(problems, reviews.PROBLEM_COLUMNS),
        "Every reviewer entry was understood.",
    )
    orphan_cols = [
        schema.PASSAGE_ID,
        reviews.DECIDED_AT,
        reviews.REVIEWER_INPUT,
        schema.TEXT,
        schema.REVIEWER_NOTE,
    ]
    _listing(
        ws,
        row,
        "Reviewer decisions whose passage is not in this run (kept in reviews.csv)",
        ["Passage ID", "Decided at", "Reviewer priorities", "Text", "Reviewer note"],
        _frame_rows(orphans, orphan_cols),
        "Every stored reviewer decision matches a passage of this run.",
    )
    safe.set_widths(ws, [30, 14, 26, 40, 40, 18, 10, 10, 66, 14])
    safe.print_setup(ws)


def _scalar(value: Any) -> Any:
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return value


def _flatten(value: dict, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested dicts as ("section.key", value) rows: a long configuration stays readable."""
    out: list[tuple[str, Any]] = []
    for key, v in value.items():
        name = f"{prefix}{key}"
        if isinstance(v, dict) and v:
            out += _flatten(v, name + ".")
        else:
            out.append((name, _scalar(v)))
    return out


def _as_structure(value: Any) -> Any:
    if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def write_run_info(
    ws, run_info: dict[str, Any], *, round_name: str, run_at: str, codebook: CodebookLike
) -> None:
    """Everything needed to reproduce or audit the run, as plain rows."""
    safe.put(ws, 1, 1, "Run info", font=safe.TITLE_FONT)
    base = [
        ("Round", round_name),
        ("Run at", run_at),
        ("Codebook", codebook.name),
        ("Codebook SHA-256", codebook.sha256),
    ]
    scalars = [
        (str(k), v)
        for k, v in run_info.items()
        if not isinstance(_as_structure(v), (dict, list, tuple, pd.DataFrame))
    ]
    row = safe.table(ws, 3, ["Item", "Value"], base + scalars) + 1
    for key, value in run_info.items():
        value = _as_structure(value)
        if key == RUN_INFO_KEY and isinstance(value, dict):  # "Thai (th)" reads better than "th"
            value = {languages.name(str(k)): v for k, v in value.items()}
        if isinstance(value, dict):
            row = safe.section(ws, row, str(key))
            row = safe.table(ws, row, ["Name", "Value"], _flatten(value)) + 1
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
            cols = list(dict.fromkeys(k for v in value for k in v))
            row = safe.section(ws, row, str(key))
            row = safe.table(ws, row, cols, [[_scalar(v.get(c)) for c in cols] for v in value]) + 1
        elif isinstance(value, (list, tuple)):
            row = safe.section(ws, row, str(key))
            row = safe.table(ws, row, ["Value"], [[_scalar(v)] for v in value]) + 1
        elif isinstance(value, pd.DataFrame):
            row = safe.section(ws, row, str(key))
            row = (
                safe.table(
                    ws, row, [str(c) for c in value.columns], value.astype(object).values.tolist()
                )
                + 1
            )
    safe.set_widths(ws, [40, 80, 20, 20])
    safe.print_setup(ws, landscape=False)
