"""A comparison of two rounds, as the "Round comparison" sheet and round-comparison.csv show it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from consult import schema as S
from consult.compare.priorities import RoundCounts, compare_groups, compare_priorities
from consult.compare.themes import ThemeSet, faded_themes, theme_changes


@dataclass
class RoundComparison:
    """Everything the sheet and the CSV show; built by `compare_rounds`."""

    before: str
    after: str
    priorities: pd.DataFrame  # S.COMPARISON_COLUMNS, one row per priority of either codebook
    groups: dict[str, pd.DataFrame]  # by column (country, stakeholder group) -> GROUP_COLUMNS
    themes: pd.DataFrame | None  # theme_changes: one row per later theme
    faded: pd.DataFrame | None  # faded_themes
    min_group_passages: int
    same_codebook: bool
    theme_threshold: float
    notices: list[str] = field(default_factory=list)  # what the reader should know first

    @property
    def codebook_notes(self) -> pd.DataFrame:
        """Priorities whose comparison needs a word: only in one codebook, changed text."""
        notes = self.priorities[S.CMP_NOTE].fillna("")
        return self.priorities.loc[notes != "", [S.CMP_PRIORITY_ID, S.CMP_PRIORITY, S.CMP_NOTE]]


def compare_rounds(
    before: RoundCounts,
    after: RoundCounts,
    *,
    themes_before: ThemeSet | None = None,
    themes_after: ThemeSet | None = None,
    matches: pd.DataFrame | None = None,
    min_group_passages: int = 20,
    theme_threshold: float = 0.0,
    notices: list[str] | None = None,
) -> RoundComparison:
    """Priorities, groups and (when both rounds' themes and their matches are given) themes."""
    table = compare_priorities(before, after)
    groups = {
        by: compare_groups(before, after, by, min_group_passages)
        for by in after.groups
        if by in before.groups
    }
    themes = faded = None
    if themes_before is not None and themes_after is not None and matches is not None:
        themes = theme_changes(themes_before, themes_after, matches)
        faded = faded_themes(themes_before, matches, themes_after)
    same = bool(before.codebook.sha256) and before.codebook.sha256 == after.codebook.sha256
    return RoundComparison(
        before.round,
        after.round,
        table,
        groups,
        themes,
        faded,
        min_group_passages,
        same,
        theme_threshold,
        list(notices or []),
    )
