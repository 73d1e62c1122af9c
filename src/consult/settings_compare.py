"""The `[compare]` section of `consult.toml`: which earlier round a run is compared with.

Split from `consult.config`, which re-exports it: import it from there.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field, field_validator

from consult.settings_base import Section

THEME_THRESHOLD = 0.75  # chosen on CAP: benchmarks/eval_compare.py, benchmarks/README.md


class CompareConfig(Section):
    """Round over round: `with = "round-2"` compares this round with round-2's stored outputs."""

    # `with` is a Python keyword: the field is `with_`, read and written as `with`
    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    with_: str | None = Field(
        None,
        alias="with",
        description="The earlier round to compare with (its folder name under outputs/); "
        "empty: no comparison. `consult run ROUND --compare-with EARLIER` sets it.",
    )
    theme_threshold: float = Field(
        THEME_THRESHOLD,
        ge=-1.0,
        le=1.0,
        description="Centred cosine of two themes' centroids from which a later theme "
        "continues an earlier one (chosen on CAP, benchmarks/eval_compare.py).",
    )
    min_group_passages: int = Field(
        20,
        ge=1,
        description="A Member State or stakeholder group with fewer counted passages than "
        "this in either round is marked 'too few' on the comparison sheet, not coloured.",
    )

    @field_validator("with_")
    @classmethod
    def _round_name(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and ("/" in value or "\\" in value or value in (".", "..")):
            raise ValueError(f"'{value}' is not a round name; use the folder name under outputs/")
        return value
