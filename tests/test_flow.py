"""The whole flow on the bundled sample round, with the real embedding model."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pandas as pd
import pytest

from consult import schema as S
from consult.config import ConsultConfig

from .conftest import SAMPLE_RAW

pytestmark = pytest.mark.slow

SHEETS = ["Overview", "Priorities", "Themes", "Passages", "Country x Priority",
          "Stakeholder x Priority", "Data quality", "Run info"]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    from flows.consultation_round import consultation_round

    out = tmp_path_factory.mktemp("outputs")
    raw = tmp_path_factory.mktemp("raw")
    shutil.copytree(SAMPLE_RAW / "sample-round", raw / "sample-round")
    workbook = consultation_round(round_name="sample-round", raw_dir=str(raw),
                                  outputs_dir=str(out), config=ConsultConfig())
    return out, workbook, raw


def test_flow_writes_a_readable_workbook(sample_run):
    out, workbook, raw = sample_run
    assert workbook.endswith("consultation-summary-sample-round.xlsx")
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames[: len(SHEETS)] == SHEETS
    table = pd.read_csv(out / "sample-round" / "passages.csv")
    assert len(table) >= 200  # a few hundred passages really parsed
    assert table[S.PASSAGE_ID].is_unique
    assert set(table[S.SOURCE_KIND]) == {"survey", "workshop", "transcript"}
    # passages really tagged against the codebook and placed in BERTopic themes
    assert (table[S.TAG_STATUS] == "tagged").mean() > 0.3
    assert table[S.THEME_ID].nunique() >= 3


def test_every_unit_is_accounted_for(sample_run):
    out, workbook, raw = sample_run
    wb = openpyxl.load_workbook(workbook, read_only=True)
    rows = list(wb["Data quality"].iter_rows(values_only=True))
    assert rows  # per-file accounting is shown
    table = pd.read_csv(out / "sample-round" / "passages.csv")
    files = table[S.SOURCE_FILE].unique()
    assert len(files) >= 7


def test_rerun_is_served_from_cache_and_keeps_outputs(sample_run, tmp_path):
    from flows.consultation_round import consultation_round

    out, workbook, raw = sample_run
    before = pd.read_csv(out / "sample-round" / "passages.csv")
    consultation_round(round_name="sample-round", raw_dir=str(raw), outputs_dir=str(out),
                       config=ConsultConfig())
    after = pd.read_csv(out / "sample-round" / "passages.csv")
    assert before[S.PASSAGE_ID].tolist() == after[S.PASSAGE_ID].tolist()
    assert before[S.PRIORITIES].fillna("").tolist() == after[S.PRIORITIES].fillna("").tolist()
    assert before[S.THEME_ID].tolist() == after[S.THEME_ID].tolist()
    assert any((out / "sample-round" / "previous").iterdir())  # previous workbook kept
