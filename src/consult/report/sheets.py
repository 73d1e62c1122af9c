"""Priorities, Themes and the two count matrices."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter

from consult import schema
from consult.report import safe
from consult.report.campaigns import CAMPAIGNS_HEADER, campaign_counts, campaign_note
from consult.report.charts import bar_chart
from consult.report.counts import (
    ONCE,
    PASSAGES,
    breakdowns,
    counted_mask,
    matrix,
    priority_table,
    quote_cells,
    resolve_quotes,
    text_of,
)
from consult.report.languages import languages_by_group, theme_language_cell, theme_languages

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike

KIND_HEADERS = {"survey": "Survey", "workshop": "Workshop", "transcript": "Transcript"}
LANGUAGES_HEADER = "Languages (counted passages)"
LANGUAGES_NOTE = (
    " 'Languages' shows the languages of each row's passages: which embedding model "
    "tagged each language, and whether it was trained on it, is on the Overview "
    "('Passages by language'); passages no model covers are on 'Data quality'."
)
NOTE = (
    "Counts: stakeholder-input passages (facilitator turns excluded), using reviewer "
    "decisions where a reviewer decided, else the model's tags. A passage with several "
    "priorities counts for each."
)


def _quote_headers(n: int) -> list[str]:
    out = []
    for i in range(1, n + 1):
        out += [f"Quote {i}", f"Source {i}"]
    return out


def _quote_row(cells: list[tuple[str, str]], quotes: int) -> list:
    """Quote and source cells alternating, padded with None to `quotes` pairs."""
    flat: list = []
    for q, ref in cells:
        flat += [q, ref]
    flat += [None] * (2 * quotes - len(flat))
    return flat


def write_priorities(
    ws,
    passages: pd.DataFrame,
    codebook: CodebookLike,
    priority_quotes: dict,
    *,
    quotes: int,
    quote_chars: int,
    table: pd.DataFrame | None = None,
    campaigns: str = ONCE,
) -> None:
    """One row per priority: counts, breakdowns, top quotes with references; and a chart.

    `table` is counts.priority_table(passages, codebook, campaigns), computed here when not
    given; `campaigns` is report.count_campaigns.
    """
    safe.put(ws, 1, 1, "Priorities", font=safe.TITLE_FONT)
    safe.put(ws, 2, 1, NOTE + campaign_note(campaigns), font=safe.NOTE_FONT)
    if table is None:
        table = priority_table(passages, codebook, campaigns)
    in_campaigns = campaign_counts(passages)
    kinds = list(table.columns[4:])
    headers = (
        ["Priority ID", "Priority", "Passages", "Share"]
        + [KIND_HEADERS.get(k, k) for k in kinds]
        + ["By Member State", "By stakeholder group", CAMPAIGNS_HEADER]
        + _quote_headers(quotes)
    )
    pids = table["id"].tolist()
    by_country = breakdowns(passages, pids, schema.COUNTRY, campaigns)
    by_group = breakdowns(passages, pids, schema.STAKEHOLDER_GROUP, campaigns)
    rows = []
    for rec in table.to_dict("records"):
        cells = quote_cells(
            passages, resolve_quotes(passages, priority_quotes.get(rec["id"])), quotes, quote_chars
        )
        flat = _quote_row(cells, quotes)
        rows.append(
            [rec["id"], rec["label"], rec[PASSAGES], rec["share"]]
            + [rec[k] for k in kinds]
            + [by_country[rec["id"]], by_group[rec["id"]], in_campaigns.get(rec["id"], "")]
            + flat
        )
    header_row = 4
    end = safe.table(ws, header_row, headers, rows, formats={3: "0.0%"})
    widths = [11, 30, 10, 8] + [11] * len(kinds) + [24, 28, 16]
    widths += [50, 24] * quotes
    safe.set_widths(ws, widths)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    bar_chart(
        ws,
        anchor=f"B{end + 2}",
        cat_col=2,
        data_cols=[5 + i for i in range(len(kinds))],
        header_row=header_row,
        first_row=header_row + 1,
        last_row=end - 1,
        title="Passages per priority, by source kind",
        x_title="Priority",
        y_title="Passages (stakeholder input)",
        stacked=True,
    )
    safe.print_setup(ws, pages_wide=2)


def procedural_note(passages: pd.DataFrame) -> str:
    """How many passages were set aside as procedural ("" when none): they are in no theme."""
    if schema.THEME_ID not in passages.columns:
        return ""
    ids = pd.to_numeric(passages[schema.THEME_ID], errors="coerce")
    proc = ids == schema.PROCEDURAL_THEME_ID
    if not proc.any():
        return ""
    counted = int((proc & counted_mask(passages)).sum())
    return (
        f"{int(proc.sum())} passages ({counted} of them stakeholder input) say nothing on a topic "
        "by themselves ('Thank you, Chair', 'Next slide please') and fit no theme: they are in "
        f"no theme and not in the sizes below (Theme ID {schema.PROCEDURAL_THEME_ID}, "
        "'Procedural' on Passages). Short passages that fit a theme well are in it."
    )


def write_themes(
    ws,
    passages: pd.DataFrame,
    themes: pd.DataFrame | None,
    *,
    quotes: int,
    quote_chars: int,
    since: str = "",
) -> None:
    """One row per discovered theme, with linked priorities or "Emerging" and quotes.

    'Since' is the round a theme first appeared in (carried over when rounds are compared);
    `since` fills it for theme tables without the column (this round)."""
    safe.put(ws, 1, 1, "Themes discovered in the passages", font=safe.TITLE_FONT)
    safe.put(
        ws,
        2,
        1,
        "Linked priorities: the priorities most of a theme's passages carry; "
        "'Emerging' marks a theme no priority covers well (its passages are far from every "
        "priority's description); 'nearest' names the closest ones. 'Languages': passages "
        "per language code, most first.",
        font=safe.NOTE_FONT,
    )
    if note := procedural_note(passages):
        safe.put(ws, 3, 1, note, font=safe.NOTE_FONT)
    headers = [
        "Theme ID",
        "Label",
        "Keywords",
        "Size",
        "Languages",
        "Linked priorities",
        "Since",
    ] + _quote_headers(quotes)
    rows = []
    if themes is not None and not themes.empty:
        computed = (
            {}
            if schema.THEME_LANGUAGES in themes.columns
            and not themes[schema.THEME_LANGUAGES].map(safe.is_missing).any()
            else theme_languages(passages)
        )  # older theme tables: count them here
        for rec in themes.to_dict("records"):
            emerging = rec.get(schema.THEME_EMERGING)
            linked = text_of(rec.get(schema.THEME_PRIORITIES)).strip()
            nearest = text_of(rec.get(schema.THEME_NEAREST)).strip()
            link = linked
            if (not safe.is_missing(emerging) and bool(emerging)) or not linked:
                link = f"Emerging (nearest: {nearest})" if nearest else "Emerging"
            cells = quote_cells(
                passages,
                resolve_quotes(passages, rec.get(schema.THEME_QUOTES)),
                quotes,
                quote_chars,
            )
            flat = _quote_row(cells, quotes)
            rows.append(
                [
                    rec.get(schema.THEME_ID),
                    rec.get(schema.THEME_LABEL),
                    rec.get(schema.THEME_KEYWORDS),
                    rec.get(schema.THEME_SIZE),
                    theme_language_cell(rec, computed),
                    link,
                    text_of(rec.get(schema.THEME_SINCE)) or since,
                ]
                + flat
            )
    header_row = 4
    if not rows:
        safe.put(
            ws, header_row + 2, 1, "No themes were discovered in this round.", font=safe.NOTE_FONT
        )
    safe.table(ws, header_row, headers, rows)
    safe.set_widths(ws, [9, 30, 40, 8, 14, 22, 14] + [50, 24] * quotes)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    safe.print_setup(ws, pages_wide=2)


def write_matrix(
    ws,
    passages: pd.DataFrame,
    codebook: CodebookLike,
    *,
    by: str,
    title: str,
    group_header: str,
    languages: bool = False,
    campaigns: str = ONCE,
) -> None:
    """Counted passages per group and priority, with a colour scale over the counts.

    With `languages`, a last column names each group's passage languages, so a reader sees which
    counts rest on tags from the multilingual model (counts themselves are unchanged).
    """
    languages = languages and schema.LANGUAGE in passages.columns
    safe.put(ws, 1, 1, title, font=safe.TITLE_FONT)
    safe.put(
        ws,
        2,
        1,
        NOTE + " 'Passages (any priority)' counts passages per "
        f"{group_header.lower()} whatever their priorities."
        + (LANGUAGES_NOTE if languages else "")
        + campaign_note(campaigns),
        font=safe.NOTE_FONT,
    )
    m = matrix(passages, codebook, by, campaigns)
    labels = {p.id: p.label for p in codebook.priorities}
    headers = [group_header] + [f"{pid}: {labels[pid]}" for pid in m.columns if pid != PASSAGES]
    headers.append("Passages (any priority)")
    by_group = languages_by_group(passages, by) if languages else {}
    if languages:
        headers.append(LANGUAGES_HEADER)
    header_row = 4
    rows = [
        [group, *[int(v) for v in m.loc[group].tolist()]]
        + ([by_group.get(str(group))] if languages else [])
        for group in m.index
    ]
    end = safe.table(ws, header_row, headers, rows)
    n_prio = len(m.columns) - 1
    if len(m.index) and n_prio:
        rng = f"B{header_row + 1}:{get_column_letter(1 + n_prio)}{end - 1}"
        ws.conditional_formatting.add(
            rng,
            ColorScaleRule(
                start_type="min",
                start_color="FFFFFF",
                mid_type="percentile",
                mid_value=50,
                mid_color="BDD7EE",
                end_type="max",
                end_color="5B9BD5",
            ),
        )
    if not len(m.index):
        safe.put(
            ws,
            header_row + 2,
            1,
            "No stakeholder input was counted in this round.",
            font=safe.NOTE_FONT,
        )
    safe.set_widths(ws, [24] + [14] * (len(m.columns) - 1) + [14] + ([34] if languages else []))
    ws.row_dimensions[header_row].height = 60
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    safe.print_setup(ws)
