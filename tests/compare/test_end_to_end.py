"""Two rounds built from the sample round (the second with one more file), offline: the
comparison sheet and CSV of `consult run --compare-with`, theme ids kept, `consult compare`."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from consult import schema as S
from consult.cli import main
from consult.compare.basis import BASIS_NAME
from consult.ids import sha256_file
from tests.support.paths import FIXTURES, SAMPLE_RAW

pytestmark = pytest.mark.slow

EXTRA = FIXTURES / "workshops" / "hanoi_notes.docx"


def _sheet_counts(path) -> dict[str, int]:
    wb = load_workbook(path, read_only=True)
    rows = list(wb["Priorities"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Priority ID")
    col = rows[head].index("Passages")
    return {r[0]: r[col] for r in rows[head + 1 :] if r and r[0]}


def test_round_comparison_end_to_end(tmp_path, capsys):
    raw, out = tmp_path / "raw", tmp_path / "outputs"
    shutil.copytree(SAMPLE_RAW / "sample-round", raw / "round-1")
    shutil.copytree(SAMPLE_RAW / "sample-round", raw / "round-2")
    shutil.copy(EXTRA, raw / "round-2" / "workshops" / EXTRA.name)
    cfg = tmp_path / "consult.toml"
    cfg.write_text('[embedding]\nmodel = "hashing-128"\n')
    common = ["--raw", str(raw), "--outputs", str(out), "--config", str(cfg)]

    # the earlier round has no outputs yet: one line naming the command to run first
    assert main(["run", "round-2", *common, "--compare-with", "round-1"]) == 2
    assert "consult run round-1" in capsys.readouterr().err
    assert main(["run", "round-2", *common, "--compare-with", "round-2"]) == 2
    assert "with itself" in capsys.readouterr().err

    assert main(["run", "round-1", *common]) == 0
    assert main(["run", "round-2", *common, "--compare-with", "round-1"]) == 0
    r1, r2 = out / "round-1", out / "round-2"
    book1, book2 = (
        r1 / "consultation-summary-round-1.xlsx",
        r2 / "consultation-summary-round-2.xlsx",
    )
    assert not (r1 / "round-comparison.csv").exists()
    wb = load_workbook(book2, read_only=True)
    assert wb.sheetnames[:3] == ["Overview", "Priorities", "Round comparison"]

    # the CSV: each round's own Priorities counts, and the change between them
    csv = pd.read_csv(r2 / "round-comparison.csv", encoding="utf-8-sig")
    assert csv.columns.tolist() == S.COMPARISON_COLUMNS
    assert dict(zip(csv[S.CMP_PRIORITY_ID], csv[S.COUNT_BEFORE])) == _sheet_counts(book1)
    assert dict(zip(csv[S.CMP_PRIORITY_ID], csv[S.COUNT_AFTER])) == _sheet_counts(book2)
    assert (csv[S.CI_LOW_PP] <= csv[S.CHANGE_PP]).all()
    assert (csv[S.CHANGE_PP] <= csv[S.CI_HIGH_PP]).all()
    assert (csv[S.ROUND_BEFORE] == "round-1").all()

    # theme identity: continuing themes carry round-1 ids, new ones ids round-1 never used
    basis1 = json.loads((r1 / BASIS_NAME).read_text())
    basis2 = json.loads((r2 / BASIS_NAME).read_text())
    ids1 = {t["id"] for t in basis1["themes"]}
    continuing = {t["id"] for t in basis2["themes"] if t["since"] == "round-1"}
    new = {t["id"] for t in basis2["themes"] if t["since"] == "round-2"}
    assert continuing and continuing <= ids1
    assert all(i >= basis1["next theme id"] for i in new)
    passages2 = pd.read_parquet(r2 / "passages.parquet")
    assert set(passages2[S.THEME_ID][passages2[S.THEME_ID] >= 0]) == continuing | new
    themes = list(wb["Themes"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(themes) if r and r[0] == "Theme ID")
    since = themes[head].index("Since")
    assert {r[since] for r in themes[head + 1 :] if r and r[0] is not None} <= {
        "round-1",
        "round-2",
    }

    # Run info names the compared round and its workbook's hash
    info = json.loads((r2 / "run-info.json").read_text())
    assert info["compared with"]["round"] == "round-1"
    assert info["compared with"]["workbook sha256"] == sha256_file(book1)

    # `consult compare` on the stored outputs alone
    capsys.readouterr()
    assert main(["compare", "round-1", "round-2", "--outputs", str(out), "--config", str(cfg)]) == 0
    printed = capsys.readouterr().out
    assert "round-2 against round-1" in printed and "Themes:" in printed
    assert load_workbook(r2 / "round-comparison.xlsx").sheetnames == ["Round comparison"]
    again = pd.read_csv(r2 / "round-comparison.csv", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(again, csv)
    assert main(["compare", "round-3", "round-2", "--outputs", str(out)]) == 2
    assert "consult run round-3" in capsys.readouterr().err
