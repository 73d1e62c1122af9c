"""Data quality's privacy sections: what was redacted (masked, never the value) and how each
survey column was read, so a facilitator can check the decisions and override them."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from consult import schema

REDACTION_HEADERS = ["Kind", "Count", "Files", "Masked examples"]
COLUMN_HEADERS = ["Source file", "Sheet", "Column", "Decision", "Why"]
REDACTION_TITLE = "Personal data redacted (masked examples; the values are never stored)"
COLUMNS_TITLE = (
    "Survey columns: how each was read (override with privacy.personal_columns, "
    "privacy.not_personal_columns or surveys.text_columns)"
)
_ORDER = [
    "e-mail",
    "phone",
    "national ID",
    "name column",
    "learned name",
    "name after a title",
    "file name",
]


def _detected(files: pd.DataFrame | None) -> list[tuple[str, dict[str, Any]]]:
    if files is None or files.empty or schema.DETECTED not in files.columns:
        return []
    out = []
    for rel, raw in zip(files[schema.SOURCE_FILE], files[schema.DETECTED]):
        try:
            det = json.loads(raw) if isinstance(raw, str) else (raw or {})
        except ValueError:
            continue
        if isinstance(det, dict):
            out.append((str(rel), det))
    return out


def redaction_rows(files: pd.DataFrame | None) -> list[list[Any]]:
    """One row per kind: total count, the files it was found in, up to five masked examples."""
    totals: dict[str, list[Any]] = {}
    for rel, det in _detected(files):
        for kind, info in (det.get("redactions") or {}).items():
            if not isinstance(info, dict):
                continue
            row = totals.setdefault(kind, [0, [], []])
            row[0] += int(info.get("count") or 0)
            row[1].append(rel)
            row[2] += [e for e in info.get("examples", []) if e not in row[2]]
    rows = []
    for kind in sorted(totals, key=lambda k: (_ORDER.index(k) if k in _ORDER else 99, k)):
        count, rels, examples = totals[kind]
        more = f" (+{len(rels) - 5} more)" if len(rels) > 5 else ""
        rows.append([kind, count, "; ".join(rels[:5]) + more, "; ".join(examples[:5])])
    return rows


def column_rows(files: pd.DataFrame | None) -> list[list[Any]]:
    """Each survey column's decision (name column -> redacted, attribute, free text, ...)."""
    rows = []
    for rel, det in _detected(files):
        for sheet in det.get("sheets") or []:
            if not isinstance(sheet, dict):
                continue
            for dec in sheet.get("column_decisions") or []:
                rows.append(
                    [
                        rel,
                        sheet.get("sheet"),
                        dec.get("column"),
                        dec.get("decision"),
                        dec.get("why"),
                    ]
                )
    return rows
