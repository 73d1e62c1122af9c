"""The passage tables beside the workbook (Parquet and CSV)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from consult.report.export import write_tables
from consult.report.safe import csv_safe
from tests.support.report_fakes import HOSTILE


def test_the_csv_is_the_table_with_csv_safe_applied_to_every_value(tmp_path):
    n = len(HOSTILE) + 3
    table = pd.DataFrame(
        {
            "text": pd.Series([*HOSTILE, "plain", None, "-1"], dtype="str"),
            "mixed": pd.Series(["=x", 1, None, True, 2.5, "ok", "@y", "", "z", "+"], dtype=object),
            "numbers_as_objects": pd.Series([1, 2.5, None] * 3 + [4], dtype=object),
            "flags": pd.Series([True, False] * (n // 2), dtype=object),
            "similarity": np.linspace(0.1, 0.9, n, dtype=np.float32),
            "count": pd.array([1, None] * (n // 2), dtype="Int64"),
            "ok": [True, False] * (n // 2),
        }
    )
    written = write_tables(tmp_path, table, None)[1].read_bytes()
    expected = table.map(csv_safe).to_csv(index=False, lineterminator="\r\n")
    assert written == expected.encode("utf-8-sig")
    back = pd.read_parquet(tmp_path / "passages.parquet")
    assert list(back["text"][: len(HOSTILE)]) == HOSTILE  # Parquet keeps the exact text
