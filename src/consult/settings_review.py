"""The `[review]` section of `consult.toml`: what the workbook asks of reviewers (the review
queue and the validation sample) and how their blind coding is scored.

Split from `consult.config`, which re-exports the class: import it from there.
"""

from __future__ import annotations

from pydantic import Field

from consult.settings_base import Section


class ReviewConfig(Section):
    """The Review queue and Validation sheets, and the gate the Overview applies."""

    queue_size: int = Field(
        100,
        ge=0,
        le=100_000,
        description="Passages listed on the 'Review queue' sheet, most useful to review first; "
        "0 = the sheet only says the queue is off.",
    )
    validation_sample: int = Field(
        0,
        ge=0,
        le=100_000,
        description="Passages in the validation sample reviewers code blind on the "
        "'Validation' sheet; 0 = draw none. A sample once drawn is kept (and shown) across "
        "re-runs in outputs/<round>/validation-sample.csv; a larger value adds passages to it.",
    )
    validation_seed: int = Field(
        2026, ge=0, le=2**32 - 1, description="Seed of the sample draw and of the bootstrap."
    )
    bootstrap_resamples: int = Field(
        2000, ge=100, le=100_000, description="Bootstrap resamples for the 95% intervals."
    )
    gate_f1: float = Field(
        0.75, ge=0.0, le=1.0, description="F1 a priority needs on the validation sample to pass."
    )
    gate_n: int = Field(
        30,
        ge=1,
        description="Coded passages a priority's F1 must rest on (given the priority by the "
        "reviewer or the model) before it can pass.",
    )
