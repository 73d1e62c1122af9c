"""Cell values as pandas and openpyxl hand them over: missing or not, text, `;`-joined id lists.

Every stage reads such values; this module imports nothing of consult's, so any module may use it
without tying the packages into a knot.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def stripped_text(value: Any) -> str:
    """The value as stripped text; "" for a missing value."""
    return "" if is_missing(value) else str(value).strip()


def split_ids(value: Any) -> list[str]:
    """';'-joined priority ids -> list, empty parts dropped."""
    return [t.strip() for t in stripped_text(value).split(";") if t.strip()]
