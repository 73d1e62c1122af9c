"""The Validation sheet, where reviewers code the validation sample blind, and the Overview's
account of how the model's tags match that coding (consult.reviews.validation).

Blind means the sheet holds nothing the model said about a passage: no tags, confidence,
status, scores, final priorities or theme, and its rows run in the sample's random order (not
by stratum). Reviewers type priority ids or labels (or `none`) in the Passages sheet's reviewer
columns; the next run reads them like any other decision: they land in `reviews.csv`, count
in every figure, and teach the tagger as other decisions do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from consult import schema
from consult.report import safe
from consult.report.passages import INPUT_HELP, Column, _get, _question_or_section
from consult.report.review_table import write_table
from consult.reviews import edits
from consult.reviews import rules as reviews
from consult.reviews import validation as metrics
from consult.reviews.sample import SAMPLE_NO
from consult.values import is_missing

if TYPE_CHECKING:
    from consult.report.data import ReportData

NOTE = (
    "Validation sample: {n} passages drawn at random (stratified) to measure the model. Code "
    "each one yourself, without looking up the model's tags: type the priority ids or labels "
    "that fit in 'Reviewer priorities' (separate several with ';'), or 'none' when no "
    "priority fits, and save the file where it is. The next run stores your coding as reviewer "
    "decisions and reports on the Overview how well the model's tags match it."
)
# fmt: off
COLUMNS = [
    Column("No.", _get(SAMPLE_NO), 6),
    Column(edits.PASSAGE_ID_HEADER, _get(schema.PASSAGE_ID), 16),
    Column(edits.TEXT_HEADER, _get(schema.TEXT), 70, wrap=True),
    Column(edits.REVIEWER_PRIORITIES_HEADER, _get(schema.REVIEWER_PRIORITIES), 18, wrap=True,
           reviewer_input=True),
    Column(edits.REVIEWER_NOTE_HEADER, _get(schema.REVIEWER_NOTE), 26, wrap=True,
           reviewer_input=True),
    Column("Question or section", _question_or_section, 30, wrap=True),
    Column("Source kind", _get(schema.SOURCE_KIND), 11),
    Column("Source file", _get(schema.SOURCE_FILE), 26, wrap=True),
    Column("Location", _get(schema.LOCATION), 26, wrap=True),
    Column("Country", _get(schema.COUNTRY), 10),
    Column("Stakeholder group", _get(schema.STAKEHOLDER_GROUP), 18, wrap=True),
    Column("Language", _get(schema.LANGUAGE), 9),
]
# fmt: on
# what the model said about a passage: never on the Validation sheet
MODEL_COLUMNS = (
    schema.PRIORITIES,
    schema.CONFIDENCE,
    schema.TAG_STATUS,
    schema.FINAL_PRIORITIES,
    schema.FINAL_SOURCE,
    schema.THEME_ID,
    schema.THEME_LABEL,
    schema.COVERAGE,
)


def sample_records(passages: pd.DataFrame, sample: pd.DataFrame) -> list[dict]:
    """The sample's passages present in this run, in sample order, without the model's columns."""
    table = passages.drop(columns=[c for c in MODEL_COLUMNS if c in passages.columns])
    table = table.drop(columns=[c for c in table.columns if c.startswith(schema.SCORE_PREFIX)])
    table = table.assign(_pid=table[schema.PASSAGE_ID].astype(str))
    order = sample[[schema.PASSAGE_ID, SAMPLE_NO]].astype(str)
    merged = order.merge(table, left_on=schema.PASSAGE_ID, right_on="_pid", suffixes=("", "_p"))
    merged[SAMPLE_NO] = pd.to_numeric(merged[SAMPLE_NO], errors="coerce")
    return merged.drop(columns=["_pid", f"{schema.PASSAGE_ID}_p"]).to_dict("records")


def write_validation(ws, passages: pd.DataFrame, sample: pd.DataFrame, example_ids: list[str]):
    """The blind coding sheet for the sample's passages present in this run."""
    records = sample_records(passages, sample)
    write_table(
        ws,
        records,
        COLUMNS,
        note=NOTE.format(n=len(records)),
        help_text=INPUT_HELP.format(example="; ".join(example_ids or ["P1", "P3"])),
        empty="No passage of the validation sample is in this run.",
    )


def _interval(row: dict, name: str) -> str | None:
    low, high = row[name + metrics.LOW], row[name + metrics.HIGH]
    if is_missing(low) or is_missing(high):
        return None
    return f"{low:.2f}\u2013{high:.2f}"


def validation_summary(
    data: ReportData, passages: pd.DataFrame
) -> tuple[pd.DataFrame | None, dict[str, int]]:
    """(metrics table, counts) of the workbook's validation sample; (None, {}) without one."""
    if data.validation is None:
        return None, {}
    cfg = data.review
    table = metrics.validation_table(
        passages,
        data.validation,
        data.codebook,
        resamples=cfg.bootstrap_resamples,
        seed=cfg.validation_seed,
        gate_f1=cfg.gate_f1,
        gate_n=cfg.gate_n,
    )
    return table, metrics.sample_facts(passages, data.validation)


def write_validation_section(ws, row: int, data: ReportData, passages: pd.DataFrame) -> int:
    """The Overview's section: the sample's state, then per priority precision, recall and F1
    with 95% intervals, n and the gate. Returns the next free row."""
    table, facts = validation_summary(data, passages)
    cfg = data.review
    row = safe.section(ws, row, "Validation sample: the model against reviewers' blind coding")
    if table is None:
        safe.put(
            ws,
            row,
            1,
            "No validation sample: run with --validation-sample N (or set [review] "
            "validation_sample) to draw one for reviewers to code blind.",
            font=safe.NOTE_FONT,
        )
        return row + 2
    safe.put(
        ws,
        row,
        1,
        f"Sample passages coded by reviewers: {facts['coded']} of the {facts['in this run']} "
        f"in this run. A priority passes with F1 >= {cfg.gate_f1:g} resting on "
        f"n >= {cfg.gate_n} coded passages (those the reviewer or the model gave it); 95% "
        f"intervals: {cfg.bootstrap_resamples} bootstrap resamples of the coded passages.",
        font=safe.NOTE_FONT,
        alignment=safe.WRAP_TOP,
    )
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
    ws.row_dimensions[row].height = 32
    row += 1
    extra = []
    if facts["coded before they were drawn"]:
        extra.append(
            f"{facts['coded before they were drawn']} coded passages had been decided before "
            "they were drawn (seeing the model's tags), so those were not coded blind."
        )
    if facts["not in this run"]:
        extra.append(
            f"{facts['not in this run']} sample passages are not in this run (listed on "
            "'Data quality')."
        )
    for line in extra:
        safe.put(ws, row, 1, line, font=safe.NOTE_FONT)
        row += 1
    if not facts["coded"]:
        safe.put(ws, row, 1, "No sample passage has been coded yet.", font=safe.NOTE_FONT)
        return row + 2
    # eight columns: the Overview's ninth is a narrow gap before its chart
    rows: list[list[Any]] = []
    for r in table.to_dict("records"):
        rows.append(
            [
                r[reviews.PRIORITY],
                r[reviews.LABEL] or None,
                r[metrics.GATE] or None,
                r[metrics.N],
                r[reviews.F1],
                _interval(r, reviews.F1),
                _with_interval(r, reviews.PRECISION),
                _with_interval(r, reviews.RECALL),
            ]
        )
    headers = [
        "Priority",
        "Label",
        f"Gate: F1 >= {cfg.gate_f1:g} with n >= {cfg.gate_n}",
        "n (coded passages the reviewer or the model gave it)",
        "F1",
        "F1, 95% interval",
        "Precision (95% interval)",
        "Recall (95% interval)",
    ]
    return safe.table(ws, row, headers, rows, formats={4: "0.00"}) + 1


def _with_interval(row: dict, name: str) -> str | None:
    value, interval = row[name], _interval(row, name)
    if is_missing(value):
        return None
    return f"{value:.2f} ({interval})" if interval else f"{value:.2f}"
