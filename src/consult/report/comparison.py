"""The "Round comparison" sheet: what changed since an earlier round, with its uncertainty.

Written from a `consult.compare.result.RoundComparison` (read by attribute here; the compare
package sits above the report in the import order). In the round's workbook after Priorities
when a run compares, and alone in `round-comparison.xlsx` from `consult compare`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl.styles import Font, PatternFill

from consult import schema as S
from consult.report import safe
from consult.report.charts import bar_chart
from consult.report.counts import text_of
from consult.workspace import atomic_write

if TYPE_CHECKING:
    from consult.compare.result import RoundComparison

TITLE = "Round comparison"
UP = PatternFill("solid", fgColor="C6EFCE")  # Excel's "good" green: a significant rise
DOWN = PatternFill("solid", fgColor="FFC7CE")  # Excel's "bad" red: a significant fall
FEW_FONT = Font(italic=True, color="808080")
PP = "+0.0;-0.0;0.0"
RELATED_NOTE = "0.50 or more"  # consult.compare.themes.RELATED
GROUP_TITLES = {S.COUNTRY: "Member State", S.STAKEHOLDER_GROUP: "Stakeholder group"}
INTERVAL_NOTE = (
    "How to read it: 'Change' is the later round's share of counted passages minus the earlier "
    "round's, in percentage points (pp). The 95% interval is Newcombe's hybrid score interval "
    "for two proportions, widened by each round's design effect for passages that come from "
    "the same respondent, speaker or workshop: it stays honest at small and zero counts, "
    "where the textbook interval shrinks to a point. 'Significant' (green: up, red: down) "
    "means the interval excludes 0; a change whose interval includes 0 may be chance. "
    "Counts are each round's Priorities counts, reviewer decisions included."
)


def _fill(change, significant) -> PatternFill | None:
    if not bool(significant) or pd.isna(change):
        return None
    return UP if float(change) > 0 else DOWN


def _value(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def _priority_table(ws, row: int, c: RoundComparison) -> int:
    headers = [
        "Priority ID",
        "Priority",
        f"Passages {c.before}",
        f"Share {c.before}",
        f"Passages {c.after}",
        f"Share {c.after}",
        "Change (pp)",
        "95% low (pp)",
        "95% high (pp)",
        "Significant",
        "Note",
    ]
    t = c.priorities
    rows = [
        [
            _value(r[S.CMP_PRIORITY_ID]),
            _value(r[S.CMP_PRIORITY]),
            _value(r[S.COUNT_BEFORE]),
            _value(r[S.SHARE_BEFORE]),
            _value(r[S.COUNT_AFTER]),
            _value(r[S.SHARE_AFTER]),
            _value(r[S.CHANGE_PP]),
            _value(r[S.CI_LOW_PP]),
            _value(r[S.CI_HIGH_PP]),
            None if pd.isna(r[S.SIGNIFICANT]) else ("yes" if r[S.SIGNIFICANT] else "no"),
            text_of(r[S.CMP_NOTE]),
        ]
        for r in t.to_dict("records")
    ]
    end = safe.table(ws, row, headers, rows, formats={3: "0.0%", 5: "0.0%", 6: PP, 7: PP, 8: PP})
    for i, r in enumerate(t.to_dict("records")):
        fill = _fill(r[S.CHANGE_PP], not pd.isna(r[S.SIGNIFICANT]) and bool(r[S.SIGNIFICANT]))
        if fill is not None:
            ws.cell(row=row + 1 + i, column=7).fill = fill
    shared = [i for i, r in enumerate(t.to_dict("records")) if not pd.isna(r[S.CHANGE_PP])]
    if shared and len(shared) == len(rows):  # the chart reads one block of rows
        bar_chart(
            ws,
            anchor=f"M{row}",
            cat_col=2,
            data_cols=[7],
            header_row=row,
            first_row=row + 1,
            last_row=end - 1,
            title=f"Change in share, {c.before} to {c.after}",
            x_title="Priority",
            y_title="Change (percentage points)",
        )
    return end


def _group_grid(ws, row: int, c: RoundComparison, by: str) -> int:
    """Groups down, priorities across: the change in pp; "too few" where there is too little."""
    table = c.groups.get(by)
    title = GROUP_TITLES.get(by, by)
    row = safe.section(ws, row, f"By {title.lower()}")
    safe.put(
        ws,
        row,
        1,
        f"Change in the share of each {title.lower()}'s counted passages (pp). 'too few': "
        f"fewer than {c.min_group_passages} counted passages there in one of the rounds, "
        "not coloured. Intervals: 'Detail' at the bottom of this sheet.",
        font=safe.NOTE_FONT,
    )
    row += 1
    if table is None or table.empty:
        safe.put(ws, row, 1, "Nothing to compare.", font=safe.NOTE_FONT)
        return row + 2
    pids = list(dict.fromkeys(table[S.CMP_PRIORITY_ID]))
    groups = list(dict.fromkeys(table[S.CMP_GROUP]))
    cells = table.set_index([S.CMP_GROUP, S.CMP_PRIORITY_ID])
    headers = [title, f"Passages {c.before}", f"Passages {c.after}", *pids]
    safe.header(ws, row, headers)
    r = row + 1
    for g in groups:
        first = cells.loc[(g, pids[0])]
        safe.put(ws, r, 1, g)
        safe.put(ws, r, 2, int(first[S.N_BEFORE]))
        safe.put(ws, r, 3, int(first[S.N_AFTER]))
        for j, pid in enumerate(pids):
            cell = cells.loc[(g, pid)]
            if not bool(cell[S.CMP_ENOUGH]):
                safe.put(ws, r, 4 + j, "too few", font=FEW_FONT)
                continue
            safe.put(ws, r, 4 + j, _value(cell[S.CHANGE_PP]), number_format=PP)
            fill = _fill(cell[S.CHANGE_PP], cell[S.SIGNIFICANT])
            if fill is not None:
                ws.cell(row=r, column=4 + j).fill = fill
        r += 1
    return r + 1


def _themes(ws, row: int, c: RoundComparison) -> int:
    row = safe.section(ws, row, "Themes")
    if c.themes is None:
        safe.put(
            ws,
            row,
            1,
            "Themes were not compared (see the notes at the top).",
            font=safe.NOTE_FONT,
        )
        return row + 2
    safe.put(
        ws,
        row,
        1,
        f"Each theme of {c.after} matched to {c.before}'s by its centroid (similarity from "
        f"{c.theme_threshold:.2f}, each the other's closest): a continuing theme keeps its "
        "earlier id; 'new' themes have ids no earlier round used. Growth: change in the "
        "theme's share of counted passages (pp), without an interval: a theme's edges move "
        "between fits, which no sampling interval covers. A new theme close to an earlier one "
        f"(similarity {RELATED_NOTE}) is named with it: the theme may be part of a split or "
        "merge, which a one-to-one match cannot call continuing.",
        font=safe.NOTE_FONT,
    )
    headers = [
        "Theme ID",
        "Label",
        "Status",
        "Since",
        f"Label in {c.before}",
        "Similarity",
        f"Passages {c.before}",
        f"Share {c.before}",
        f"Passages {c.after}",
        f"Share {c.after}",
        "Growth (pp)",
    ]
    cols = [
        S.THEME_ID,
        S.THEME_LABEL,
        S.THEME_STATUS,
        S.THEME_SINCE,
        S.THEME_WAS_LABEL,
        S.THEME_SIMILARITY,
        S.SIZE_BEFORE,
        S.SHARE_BEFORE,
        S.SIZE_AFTER,
        S.SHARE_AFTER,
        S.CHANGE_PP,
    ]
    rows = [[_value(r[k]) for k in cols] for r in c.themes.to_dict("records")]
    end = safe.table(ws, row + 1, headers, rows, formats={5: "0.00", 7: "0.0%", 9: "0.0%", 10: PP})
    row = safe.section(ws, end + 1, f"Faded: themes of {c.before} with no successor")
    faded = c.faded if c.faded is not None else pd.DataFrame()
    if faded.empty:
        safe.put(ws, row, 1, "None: every earlier theme continues.", font=safe.NOTE_FONT)
        return row + 2
    rows = [
        [
            _value(r[S.THEME_ID]),
            _value(r[S.THEME_LABEL]),
            _value(r[S.THEME_SINCE]),
            _value(r[S.SIZE_BEFORE]),
            _value(r[S.SHARE_BEFORE]),
            text_of(r.get("closest_later")),
        ]
        for r in faded.to_dict("records")
    ]
    headers = [
        "Theme ID",
        "Label",
        "Since",
        f"Passages {c.before}",
        f"Share {c.before}",
        f"Closest in {c.after}",
    ]
    return safe.table(ws, row, headers, rows, formats={4: "0.0%"}) + 1


def _detail(ws, row: int, c: RoundComparison) -> int:
    row = safe.section(ws, row, "Detail: each Member State and stakeholder group")
    headers = [
        "By",
        "Group",
        "Priority ID",
        f"Passages {c.before}",
        f"Passages {c.after}",
        f"Count {c.before}",
        f"Count {c.after}",
        f"Share {c.before}",
        f"Share {c.after}",
        "Change (pp)",
        "95% low (pp)",
        "95% high (pp)",
        "Significant",
    ]
    rows = []
    for by, table in c.groups.items():
        for r in table.to_dict("records"):
            enough = bool(r[S.CMP_ENOUGH])
            rows.append(
                [
                    GROUP_TITLES.get(by, by),
                    r[S.CMP_GROUP],
                    r[S.CMP_PRIORITY_ID],
                    r[S.N_BEFORE],
                    r[S.N_AFTER],
                    r[S.COUNT_BEFORE],
                    r[S.COUNT_AFTER],
                    _value(r[S.SHARE_BEFORE]),
                    _value(r[S.SHARE_AFTER]),
                    _value(r[S.CHANGE_PP]),
                    _value(r[S.CI_LOW_PP]),
                    _value(r[S.CI_HIGH_PP]),
                    ("yes" if r[S.SIGNIFICANT] else "no") if enough else "too few",
                ]
            )
    formats = {7: "0.0%", 8: "0.0%", 9: PP, 10: PP, 11: PP}
    return safe.table(ws, row, headers, rows, formats=formats, wrap=False) + 1


def write_comparison(ws, c: RoundComparison) -> None:
    """The whole sheet: notes, priorities with chart, groups, themes, faded themes, detail."""
    safe.put(ws, 1, 1, f"{TITLE}: {c.after} against {c.before}", font=safe.TITLE_FONT)
    safe.put(ws, 2, 1, INTERVAL_NOTE, font=safe.NOTE_FONT)
    row = 3
    for notice in c.notices:
        safe.put(ws, row, 1, notice, font=safe.NOTE_FONT)
        row += 1
    notes = c.codebook_notes
    if not c.same_codebook:
        safe.put(
            ws,
            row,
            1,
            f"The rounds used different codebooks: priorities are compared by id; "
            f"{len(notes)} need a word (see 'Note').",
            font=safe.NOTE_FONT,
        )
        row += 1
    row += 1
    row = _priority_table(ws, row, c) + 1
    for by in c.groups:
        row = _group_grid(ws, row, c, by)
    row = _themes(ws, row, c)
    _detail(ws, row + 1, c)
    safe.set_widths(ws, [24, 30, 12, 12, 12, 12, 12, 12, 12, 12, 40])
    ws.freeze_panes = ws.cell(row=1, column=3)
    safe.print_setup(ws, pages_wide=2)


def write_comparison_workbook(path: Path, c: RoundComparison) -> Path:
    """A workbook holding only the comparison sheet (what `consult compare` writes)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = TITLE
    write_comparison(ws, c)
    safe.autofit_rows(ws)
    return atomic_write(Path(path), lambda tmp: wb.save(tmp))
