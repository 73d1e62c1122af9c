"""Survey exports (CSV/XLSX from Google/Microsoft Forms, SurveyMonkey, Qualtrics, Kobo,
LimeSurvey, or any one-header table) turned from wide to long.

One passage per non-empty answer to a free-text question; closed questions become respondent
attributes; name/e-mail/phone columns only feed the redactor and never reach any output.
"""

from __future__ import annotations

import json
import re

from consult import schema as S
from consult.ids import respondent_id
from consult.ingest.attributes import normalise_country
from consult.ingest.base import ReadContext, ReadResult, UnreadableFile
from consult.ingest.limits import budget_of
from consult.ingest.speakers import RESPONDENT
from consult.ingest.surveys_columns import (
    Column,
    classify_columns,
    column_decisions,
    column_letter,
    detect_layout,
    norm_header,
    question_texts,
)
from consult.ingest.tables import Table, load_tables
from consult.privacy.personal import NAME, learnable
from consult.schema import RawFile

# fmt: off
_DATE_HEADERS = {"timestamp", "completion time", "submitdate", "enddate", "end date",
                 "recordeddate", "recorded date", "submission time", "datestamp", "end",
                 "marca temporal", "horodateur", "zeitstempel", "dấu thời gian", "cap waktu"}
# fmt: on
_LANGUAGE_HEADERS = {"userlanguage", "startlanguage", "language", "q language"}


def _date_value(v: str) -> str | None:
    v = v.strip()
    m = re.match(r"^(\d{4})[-/.](\d\d)[-/.](\d\d)", v)
    if m:
        return "-".join(m.groups())
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})", v)
    return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}" if m else (v or None)


def _read_table(
    table: Table, raw: RawFile, ctx: ReadContext, result: ReadResult, ordinal: int
) -> tuple[int, dict]:
    rows = table.rows
    start = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if start is None:
        return ordinal, {"sheet": table.sheet, "layout": "empty"}
    vendor, n_header = detect_layout(rows, start)
    width = max(len(r) for r in rows)
    questions = question_texts(rows, start, n_header, vendor, width)
    header = rows[start] + [""] * (width - len(rows[start]))
    cols = [
        Column(i, header[i], (questions[i] or header[i] or column_letter(i)).strip())
        for i in range(width)
    ]
    first_data = start + n_header
    data_rows = rows[first_data:]
    classify_columns(cols, data_rows, ctx)
    text_cols = [c for c in cols if c.role == "text"]
    attr_cols = [c for c in cols if c.role == "attribute"]
    personal = [c for c in cols if c.role == "personal"]
    meta = [c for c in cols if c.role == "metadata"]
    date_col = next((c for c in meta if norm_header(c.header) in _DATE_HEADERS), None)
    lang_col = next(
        (c for c in meta + attr_cols if norm_header(c.header) in _LANGUAGE_HEADERS), None
    )
    where = f"sheet '{table.sheet}', " if table.sheet is not None else ""
    name_cols = [
        c
        for c in personal
        if c.personal == NAME
        and re.search(r"first|given|last|family|surname", norm_header(c.header))
    ]
    withheld = 0
    blank_rows = 0
    budget = budget_of(ctx)
    for r_index, row in enumerate(data_rows, start=first_data):
        budget.tick()
        row = row + [""] * (width - len(row))
        if not any(c.strip() for c in row):
            blank_rows += 1
            continue
        ordinal += 1
        rid = respondent_id(raw.sha256, ordinal)
        pseudonym = f"{RESPONDENT.capitalize()} {rid}"
        for c in personal:
            v = row[c.index].strip()
            withheld += bool(v)
            if learnable(v, c.personal or NAME):
                result.names[v] = pseudonym
        first_last = [row[c.index].strip() for c in name_cols]
        if len(first_last) >= 2 and all(first_last):
            result.names[" ".join(first_last)] = pseudonym
        attrs: dict[str, str] = {}
        country = group = None
        for c in attr_cols:
            v = row[c.index].strip()
            if not v:
                continue
            if c.canonical == S.COUNTRY and country is None:
                country = normalise_country(v)
            elif c.canonical == S.STAKEHOLDER_GROUP and group is None:
                group = v
            elif c.canonical not in (S.COUNTRY, S.STAKEHOLDER_GROUP):
                attrs[c.question if c.question not in attrs else f"{c.question} ({c.header})"] = v
        date = _date_value(row[date_col.index]) if date_col else None
        language = row[lang_col.index].strip().lower() or None if lang_col else None
        for c in text_cols:
            label = c.header.strip() or c.question
            location = f"{where}row {r_index + 1}, column {column_letter(c.index)} '{label}'"
            value = row[c.index]
            if not value.strip():
                result.rejected.append({S.LOCATION: location, S.REASON: "empty answer"})
                continue
            result.passages.append(
                {
                    S.SOURCE_KIND: "survey",
                    S.LOCATION: location,
                    S.RESPONDENT_ID: rid,
                    S.SPEAKER: None,
                    S.SPEAKER_ROLE: "respondent",
                    S.QUESTION: c.question,
                    S.SECTION: None,
                    S.COUNTRY: country,
                    S.STAKEHOLDER_GROUP: group,
                    S.DATE: date,
                    S.ATTRIBUTES: json.dumps(attrs, ensure_ascii=False, sort_keys=True),
                    S.TEXT: value.strip(),
                    S.LANGUAGE: language,
                    S.IS_STAKEHOLDER_INPUT: True,
                }
            )
    # units: one answer cell per respondent row and free-text column, answered or not
    result.found = (result.found or 0) + (len(data_rows) - blank_rows) * len(text_cols)
    # fmt: off
    detected = {
        "sheet": table.sheet, "layout": vendor, "header_rows": n_header,
        "first_data_row": first_data + 1, "respondent_rows": len(data_rows) - blank_rows,
        "blank_rows": blank_rows, "free_text_columns": [c.header or c.question for c in text_cols],
        "attribute_mapping": {c.header or c.question: c.canonical or "attribute"
                              for c in attr_cols},
        "metadata_columns": [c.header for c in meta],
        "personal_columns_dropped": [c.header for c in personal],
        "personal_values_withheld": withheld,
        "name_columns": [c.header or c.question for c in personal if c.personal == NAME],
        "column_decisions": column_decisions(cols),
        "ignored_columns": [c.header for c in cols if c.role == "ignored"],
    }
    # fmt: on
    return ordinal, detected


def read_survey(raw: RawFile, ctx: ReadContext) -> ReadResult:
    """Read one survey export; raises UnreadableFile when the whole file cannot be used."""
    tables = load_tables(raw.relpath, raw.data, ctx.config.ingest, budget_of(ctx))
    if not tables or not any(any(any(c.strip() for c in r) for r in t.rows) for t in tables):
        raise UnreadableFile("the survey export has no data; export the responses again")
    result = ReadResult()
    ordinal = 0
    sheets = []
    for table in tables:
        ordinal, det = _read_table(table, raw, ctx, result, ordinal)
        sheets.append({**table.detected, **det})
    if not any(s.get("free_text_columns") for s in sheets):
        result.detected["problem"] = (
            "no free-text column found; if the survey has open questions, list them in "
            "`surveys.text_columns` in consult.toml"
        )
    first = sheets[0]
    result.detected.update(
        {
            "vendor": first.get("layout"),
            "encoding": first.get("encoding"),
            "delimiter": first.get("delimiter"),
            "free_text_columns": [h for s in sheets for h in s.get("free_text_columns", [])],
            "attribute_mapping": {
                k: v for s in sheets for k, v in s.get("attribute_mapping", {}).items()
            },
            "sheets": sheets,
        }
    )
    return result
