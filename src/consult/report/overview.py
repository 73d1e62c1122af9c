"""The Overview sheet: what a reviewer reads first."""

from __future__ import annotations

import pandas as pd

from consult import schema
from consult.report import safe
from consult.report.campaigns import campaign_fact
from consult.report.charts import bar_chart
from consult.report.counts import (
    PASSAGES,
    counted_mask,
    group_values,
    no_priority_count,
    ordered_groups,
    per_value,
    priority_table,
    text_of,
)
from consult.report.data import ReportData
from consult.report.languages import unsupported_fact, write_language_section
from consult.report.quality import data_quality_line
from consult.report.validation import write_validation_section
from consult.reviews import rules as reviews

HOW_TO_REVIEW = (
    "How to review: start with the 'Review queue' sheet (the passages whose review teaches the "
    "tagger most), or any passage on 'Passages': type priority ids or labels into the yellow "
    "'Reviewer priorities' column (separate several with ';'; 'none' = no priority fits; "
    "'model' = withdraw your decision) and a note if useful, then save this file where it is. "
    "The next run keeps a copy of this file, stores every decision, and uses them in every count."
)


def _respondents(passages: pd.DataFrame) -> tuple[int, int]:
    """(survey respondents, workshop/transcript speakers) among counted passages (every
    campaign member too: each is a respondent)."""
    rows = passages[counted_mask(passages)]
    resp = len(set(per_value(rows[schema.RESPONDENT_ID], lambda v: text_of(v).strip())) - {""})
    pairs = {
        (f, text_of(s))
        for f, s in zip(rows[schema.SOURCE_FILE], rows[schema.SPEAKER])
        if text_of(s).strip()
    }
    return int(resp), len(pairs)


def write_overview(
    ws,
    data: ReportData,
    passages: pd.DataFrame,
    *,
    agreement: pd.DataFrame | None = None,
    table: pd.DataFrame | None = None,
) -> None:
    """`agreement` and `table` (counts.priority_table) default to `data.agreement` and
    computing the table here."""
    cfg = data.config
    safe.put(ws, 1, 1, f"Consultation summary: round {data.round}", font=safe.TITLE_FONT)
    safe.put(ws, 2, 1, HOW_TO_REVIEW, font=safe.NOTE_FONT, alignment=safe.WRAP_TOP)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
    ws.row_dimensions[2].height = 62

    n_all = len(passages)
    mask = counted_mask(passages)
    n_counted = int(mask.sum())
    resp, speakers = _respondents(passages)
    n_files = 0 if data.files is None else len(data.files)
    reviewed = int((passages[schema.FINAL_SOURCE] == reviews.REVIEWER).sum())
    # fmt: off
    facts = [
        ("Round", data.round),
        ("Run at", data.run_at),
        ("Codebook", f"{data.codebook.name} (SHA-256 {data.codebook.sha256[:12]})"),
        ("Files", n_files),
        ("Survey respondents", resp),
        ("Workshop and transcript speakers", speakers),
        ("Passages listed", n_all),
        ("Passages counted (stakeholder input)", n_counted),
        ("Not counted (facilitator turns)", n_all - n_counted),
        ("Campaigns: near-identical answers from several respondents, "
         + ("each answer counted" if cfg.count_campaigns == "each" else "each counted once"),
         campaign_fact(passages)),
        ("Counted passages with no priority", no_priority_count(passages, cfg.count_campaigns)),
        ("Passages decided by a reviewer", reviewed),
        ("Passages in a language no embedding model covers (listed on 'Data quality')",
         unsupported_fact(passages)),
        ("Data quality", data_quality_line(data.files, data.rejected, passages)),
    ]
    # fmt: on
    row = safe.section(ws, 4, "What went in")
    row = safe.table(ws, row, ["Item", "Value"], facts) + 1

    row = _listed_counted(
        ws, row, passages, mask, schema.SOURCE_KIND, "Passages by source kind", "Source kind"
    )
    row = _listed_counted(
        ws, row, passages, mask, schema.COUNTRY, "Passages by Member State", "Country"
    )
    row = write_language_section(ws, row, passages, data.run_info)

    if table is None:
        table = priority_table(passages, data.codebook, cfg.count_campaigns)
    ranked = table.sort_values([PASSAGES, "id"], ascending=[False, True], kind="stable")
    row = safe.section(ws, row, "Priorities ranked by share of counted passages")
    chart_header = row
    prio_rows = [
        [i, r["id"], r["label"], r[PASSAGES], r["share"]]
        for i, r in enumerate(ranked.to_dict("records"), start=1)
    ]
    end = safe.table(
        ws,
        row,
        ["Rank", "Priority ID", "Priority", PASSAGES, "Share"],
        prio_rows,
        formats={4: "0.0%"},
    )
    bar_chart(
        ws,
        anchor="J4",
        cat_col=3,
        data_cols=[4],
        header_row=chart_header,
        first_row=chart_header + 1,
        last_row=end - 1,
        title="Passages per priority",
        x_title="Priority",
        y_title="Passages (stakeholder input)",
    )
    row = end + 1

    row = safe.section(ws, row, "Top emerging themes (not covered well by any priority)")
    themes = data.themes
    emerging_rows = []
    if themes is not None and not themes.empty and schema.THEME_EMERGING in themes.columns:
        em = themes[
            themes[schema.THEME_EMERGING].map(lambda v: False if safe.is_missing(v) else bool(v))
        ]
        if schema.THEME_SIZE in em.columns:
            em = em.sort_values(schema.THEME_SIZE, ascending=False, kind="stable")
        for rec in em.head(cfg.top_emerging_themes).to_dict("records"):
            emerging_rows.append(
                [
                    rec.get(schema.THEME_ID),
                    rec.get(schema.THEME_LABEL),
                    rec.get(schema.THEME_SIZE),
                    rec.get(schema.THEME_KEYWORDS),
                ]
            )
    if emerging_rows:
        row = safe.table(ws, row, ["Theme ID", "Label", "Size", "Keywords"], emerging_rows) + 1
    else:
        safe.put(
            ws, row, 1, "No emerging theme: every theme links to a priority.", font=safe.NOTE_FONT
        )
        row += 2

    row = _agreement(ws, row, data.agreement if agreement is None else agreement)
    row = write_validation_section(ws, row, data, passages)
    orphans = 0 if data.orphaned is None else len(data.orphaned)
    problems = 0 if data.review_problems is None else len(data.review_problems)
    row = safe.section(ws, row, "Reviewer decisions")
    safe.table(
        ws,
        row,
        ["Item", "Value"],
        [
            ("Decisions applied in this workbook", reviewed),
            (
                "Stored decisions whose passage is not in this run (listed on 'Data quality')",
                orphans,
            ),
            ("Reviewer entries and files that need a look (listed on 'Data quality')", problems),
            (
                "Highlighted rows on 'Passages'",
                f"status 'uncertain' or confidence below {cfg.low_confidence:g}",
            ),
        ],
    )
    safe.set_widths(ws, [40, 26, 34, 12, 10, 22, 10, 10, 2])
    safe.print_setup(ws)


def _listed_counted(
    ws, row: int, passages: pd.DataFrame, mask: pd.Series, by: str, title: str, group_header: str
) -> int:
    """A section with passages listed and counted per group of `by`; returns the next row."""
    groups = group_values(passages, by)
    row = safe.section(ws, row, title)
    rows = [
        [g, int((groups == g).sum()), int(((groups == g) & mask).sum())]
        for g in ordered_groups(groups)
    ]
    return safe.table(ws, row, [group_header, "Listed", "Counted"], rows) + 1


def _agreement(ws, row: int, agreement: pd.DataFrame | None) -> int:
    row = safe.section(ws, row, "Model-reviewer agreement (the reviewer is the reference)")
    n = 0 if agreement is None or agreement.empty else int(agreement[reviews.N_REVIEWED].iloc[0])
    if agreement is None or not n:
        safe.put(ws, row, 1, "No passage has been reviewed yet.", font=safe.NOTE_FONT)
        return row + 2
    safe.put(ws, row, 1, f"Reviewed passages: {n}")
    rows = [
        [
            r[reviews.PRIORITY],
            r[reviews.LABEL] or None,
            r[reviews.REVIEWER_COUNT],
            r[reviews.MODEL_COUNT],
            r[reviews.BOTH],
            r[reviews.PRECISION],
            r[reviews.RECALL],
            r[reviews.F1],
        ]
        for r in agreement.to_dict("records")
    ]
    return (
        safe.table(
            ws,
            row + 1,
            ["Priority", "Label", "Reviewer", "Model", "Both", "Precision", "Recall", "F1"],
            rows,
            formats={5: "0.00", 6: "0.00", 7: "0.00"},
        )
        + 1
    )
