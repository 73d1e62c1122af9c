"""The reviewer's workbook: `outputs/<round>/consultation-summary-<round>.xlsx`.

The workbook is written to a temporary file in the target folder and renamed over the old one,
so a run killed halfway leaves the previous workbook (and the reviewer's edits in it) intact.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from consult import schema
from consult.report import rowstream, safe
from consult.report.campaigns import TITLE as CAMPAIGNS_SHEET
from consult.report.campaigns import write_campaigns
from consult.report.comparison import TITLE as COMPARISON_SHEET
from consult.report.comparison import write_comparison
from consult.report.counts import priority_table
from consult.report.data import ReportData
from consult.report.overview import write_overview
from consult.report.passages import write_passages
from consult.report.quality import write_data_quality, write_run_info
from consult.report.review_queue import write_review_queue
from consult.report.sheets import write_matrix, write_priorities, write_themes
from consult.report.validation import write_validation
from consult.reviews import rules as reviews
from consult.workspace import atomic_write

log = logging.getLogger(__name__)

SHEETS = [
    "Overview",
    "Priorities",
    "Themes",
    "Passages",
    "Review queue",  # then "Validation" when the round has a validation sample
    "Country x Priority",
    "Stakeholder x Priority",
    CAMPAIGNS_SHEET,
    "Data quality",
    "Run info",
]
# "Round comparison" (COMPARISON_SHEET) follows "Priorities" when the run compares rounds


def sheet_names(data: ReportData) -> list[str]:
    """The sheets `data` gets, in order: SHEETS, with the comparison sheet after Priorities when
    `data` holds a comparison and Validation after Review queue when it holds a sample."""
    names = list(SHEETS)
    if data.validation is not None:
        names.insert(names.index("Review queue") + 1, "Validation")
    if data.comparison is not None:
        names.insert(names.index("Priorities") + 1, COMPARISON_SHEET)
    return names


# What the sheets read without looking first: every passage column but the language (runs from
# before languages were detected have none, and the sheets say so) and the campaign columns (none
# before campaigns were found: nothing is then a campaign), the model's tags, the themes and the
# reviewer and final columns.
REPORT_COLUMNS = (
    [c for c in schema.PASSAGE_COLUMNS if c not in (schema.LANGUAGE, *schema.CAMPAIGN_COLUMNS)]
    + [schema.PRIORITIES, schema.CONFIDENCE, schema.TAG_STATUS]
    + schema.THEME_COLUMNS
    + schema.REVIEW_COLUMNS
)


def prepared_passages(passages: pd.DataFrame) -> pd.DataFrame:
    """Passages with the reviewer and final columns present (model tags final when unreviewed),
    checked once against the schema so that every sheet can trust the table."""
    table = passages.reset_index(drop=True)
    if not all(c in table.columns for c in schema.REVIEW_COLUMNS):
        table = reviews.apply_reviews(table, None)
    return schema.validate_passages(table, stage="report", required=REPORT_COLUMNS)


def build_workbook(data: ReportData, *, max_rows: int = safe.MAX_SHEET_ROWS):
    """The openpyxl Workbook for `data` (not saved). Its large sheets' data rows are streamed:
    save it with consult.report.rowstream.save, not `wb.save`."""
    from openpyxl import Workbook

    cfg = data.config
    passages = prepared_passages(data.passages)
    agreement = data.agreement  # computed here when missing; `data` is left as it is
    if agreement is None:
        agreement = reviews.agreement(passages, data.codebook)
    # shared by Overview and Priorities
    table = priority_table(passages, data.codebook, cfg.count_campaigns)
    wb = Workbook()
    overview = wb.active
    overview.title = SHEETS[0]
    write_overview(overview, data, passages, agreement=agreement, table=table)
    write_priorities(
        wb.create_sheet(SHEETS[1]),
        passages,
        data.codebook,
        data.priority_quotes,
        quotes=cfg.quotes_per_priority,
        quote_chars=cfg.quote_max_chars,
        table=table,
        campaigns=cfg.count_campaigns,
    )
    if data.comparison is not None:
        write_comparison(wb.create_sheet(COMPARISON_SHEET), data.comparison)
    write_themes(
        wb.create_sheet(SHEETS[2]),
        passages,
        data.themes,
        quotes=cfg.quotes_per_theme,
        quote_chars=cfg.quote_max_chars,
        since=data.round,
    )
    write_passages(
        wb,
        passages,
        low_confidence=cfg.low_confidence,
        max_rows=max_rows,
        example_ids=[p.id for p in data.codebook.priorities][:2],
    )
    examples = [p.id for p in data.codebook.priorities][:2]
    write_review_queue(
        wb.create_sheet("Review queue"),
        passages,
        data.review_queue,
        examples,
        data.review.queue_size,
    )
    if data.validation is not None:
        write_validation(wb.create_sheet("Validation"), passages, data.validation, examples)
    write_matrix(
        wb.create_sheet("Country x Priority"),
        passages,
        data.codebook,
        by=schema.COUNTRY,
        title="Country x Priority",
        group_header="Country",
        languages=True,
        campaigns=cfg.count_campaigns,
    )
    write_matrix(
        wb.create_sheet("Stakeholder x Priority"),
        passages,
        data.codebook,
        by=schema.STAKEHOLDER_GROUP,
        title="Stakeholder x Priority",
        group_header="Stakeholder group",
        campaigns=cfg.count_campaigns,
    )
    write_campaigns(
        wb.create_sheet(CAMPAIGNS_SHEET),
        passages,
        data.codebook,
        count=cfg.count_campaigns,
        quote_chars=cfg.quote_max_chars,
    )
    write_data_quality(
        wb.create_sheet("Data quality"),
        passages,
        data.files,
        data.rejected,
        data.review_problems,
        data.orphaned,
        data.run_info,
    )
    write_run_info(
        wb.create_sheet("Run info"),
        data.run_info,
        round_name=data.round,
        run_at=str(data.run_at),
        codebook=data.codebook,
    )
    for ws in wb.worksheets:
        if not ws.title.startswith("Passages"):  # Passages sets its heights while writing
            safe.autofit_rows(ws)
    return wb


def write_workbook(path: Path, data: ReportData, *, max_rows: int = safe.MAX_SHEET_ROWS) -> Path:
    """Write the reviewer's workbook to `path` atomically; returns `path`."""
    wb = build_workbook(data, max_rows=max_rows)
    try:
        atomic_write(Path(path), lambda tmp: rowstream.save(wb, tmp))
    except PermissionError as exc:
        raise PermissionError(
            f"Cannot replace `{path}`: {exc.strerror}. Close the workbook in Excel (or any other "
            "program holding it) and re-run; your edits in it are read again then."
        ) from exc
    log.info("Wrote workbook %s (%d passages)", path, len(data.passages))
    return Path(path)
