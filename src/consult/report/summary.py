"""The run summary in Markdown, as the Prefect UI shows it beside the run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from consult import schema as S
from consult.report.counts import ONCE, counted, counted_mask, id_list


def summary_markdown(
    round_name: str,
    workbook: Path,
    passages: pd.DataFrame,
    themes: pd.DataFrame,
    files: pd.DataFrame,
    rejected: pd.DataFrame,
    labels: dict[str, str],
    n_reviewed: int,
    notices: list[str],
    campaigns: str = ONCE,
) -> str:
    """The summary; shares as on 'Priorities' (`campaigns`: report.count_campaigns)."""
    stakeholders = passages[counted_mask(passages)]
    units = counted(passages, campaigns=campaigns)
    n = max(len(units), 1)
    share = units[S.FINAL_PRIORITIES].map(id_list).explode().dropna().value_counts()
    # fmt: off
    lines = [
        f"# Consultation round `{round_name}`", "",
        f"Workbook: `{Path(workbook).resolve()}`", "",
        *[f"> **Reviewer files:** {n}" for n in notices],
        *([""] if notices else []),
        f"- Files: {len(files)} ({int((files[S.FILE_STATUS] != 'read').sum())} not read)",
        f"- Passages: {len(passages)} ({len(stakeholders)} stakeholder input); rejected items: "
        f"{len(rejected)}",
        f"- Reviewed passages: {n_reviewed}", "", "## Top priorities", "",
        "| Priority | Passages | Share |", "|---|---:|---:|",
    ]
    # fmt: on
    for pid, c in share.head(8).items():
        lines.append(f"| {pid} {labels.get(pid, '')} | {c} | {c / n:.0%} |")
    emerging = themes[themes[S.THEME_EMERGING].astype(bool)] if len(themes) else themes
    lines += ["", "## Emerging themes", ""]
    if len(emerging):
        for _, t in emerging.sort_values(S.THEME_SIZE, ascending=False).head(8).iterrows():
            lines.append(
                f"- **{t[S.THEME_LABEL]}** ({t[S.THEME_SIZE]} passages): {t[S.THEME_KEYWORDS]}"
            )
    else:
        lines.append("- none: every theme overlaps a priority of the codebook")
    return "\n".join(lines)
