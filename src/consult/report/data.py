"""What the workbook shows, gathered by earlier stages: the one object the report writers read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from consult import schema
from consult.config import ReportConfig, ReviewConfig
from consult.reviews import rules as reviews

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike


@dataclass
class ReportData:
    """Everything the workbook shows, produced by earlier stages.

    `passages` should already carry reviewer decisions (reviews.apply_reviews); when it does not,
    the model's tags are final. `priority_quotes` maps a priority id to row positions in
    `passages` (most representative first); theme quotes come in `themes`.
    """

    round: str
    passages: pd.DataFrame
    codebook: CodebookLike
    run_at: str | datetime = ""
    scores: pd.DataFrame | None = None
    themes: pd.DataFrame | None = None
    rejected: pd.DataFrame | None = None
    files: pd.DataFrame | None = None
    run_info: dict[str, Any] = field(default_factory=dict)
    priority_quotes: dict[str, list[int]] = field(default_factory=dict)
    orphaned: pd.DataFrame | None = None
    agreement: pd.DataFrame | None = None
    review_problems: pd.DataFrame | list | None = None
    config: ReportConfig = field(default_factory=ReportConfig)
    # the Review queue sheet's rows (consult.report.review_queue.QUEUE_COLUMNS), and the
    # validation sample (consult.reviews.sample.SAMPLE_COLUMNS; None: no Validation sheet)
    review_queue: pd.DataFrame | None = None
    validation: pd.DataFrame | None = None
    review: ReviewConfig = field(default_factory=ReviewConfig)
    started: float | datetime | None = None  # run start (epoch seconds); fills run_at if empty
    # consult.compare.result.RoundComparison when the run compares rounds (a "Round comparison"
    # sheet after Priorities); None: no comparison
    comparison: Any = None

    def __post_init__(self) -> None:
        if not self.run_at and self.started is not None:
            self.run_at = (
                self.started
                if isinstance(self.started, datetime)
                else (datetime.fromtimestamp(float(self.started), UTC))
            )
        if isinstance(self.run_at, datetime):
            self.run_at = self.run_at.isoformat(timespec="seconds")
        if not self.run_at:
            self.run_at = datetime.now().astimezone().isoformat(timespec="seconds")
        if isinstance(self.review_problems, (list, tuple)):
            rows = [
                p if isinstance(p, dict) else {schema.REASON: str(p)} for p in self.review_problems
            ]
            self.review_problems = pd.DataFrame(rows, columns=reviews.PROBLEM_COLUMNS, dtype=object)
