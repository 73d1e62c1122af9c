"""The whole flow on the bundled sample round, with the real embedding model."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pandas as pd
import pytest

from consult import schema as S
from consult.config import ConsultConfig
from tests.support.paths import SAMPLE_RAW

pytestmark = pytest.mark.slow

SHEETS = [
    "Overview",
    "Priorities",
    "Themes",
    "Passages",
    "Review queue",
    "Country x Priority",
    "Stakeholder x Priority",
    "Campaigns",
    "Data quality",
    "Run info",
]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    from flows.consultation_round import consultation_round

    out = tmp_path_factory.mktemp("outputs")
    raw = tmp_path_factory.mktemp("raw")
    shutil.copytree(SAMPLE_RAW / "sample-round", raw / "sample-round")
    workbook = consultation_round(
        round_name="sample-round", raw_dir=str(raw), outputs_dir=str(out), config=ConsultConfig()
    )
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

    def listing(title: str) -> pd.DataFrame:  # a "Title (n)" section of Data quality
        first = [r[0] if r else None for r in rows]
        start = next(k for k, v in enumerate(first) if str(v or "").startswith(f"{title} ("))
        end = next((k for k in range(start + 2, len(rows)) if first[k] is None), len(rows))
        head = [h for h in rows[start + 1] if h is not None]
        return pd.DataFrame([r[: len(head)] for r in rows[start + 2 : end]], columns=head)

    listed, rejected = listing("Files"), listing("Rejected items")
    assert len(listed) >= 7
    units, n_p, n_r = (listed[c].astype(int) for c in ("Units", "Passages", "Rejected"))
    assert (units == n_p + n_r).all(), listed  # per file: units = passages + rejected
    by_file = listed.set_index("Source file")
    passages = table[S.SOURCE_FILE].value_counts().reindex(by_file.index, fill_value=0)
    dropped = rejected["Source file"].value_counts().reindex(by_file.index, fill_value=0)
    assert passages.tolist() == by_file["Passages"].astype(int).tolist()
    assert dropped.tolist() == by_file["Rejected"].astype(int).tolist()
    assert set(table[S.SOURCE_FILE]) | set(rejected["Source file"]) <= set(by_file.index)


def _rerun(out, raw):
    from consult.embedding import embed
    from flows.consultation_round import consultation_round

    embed._LOADED.clear()  # as in a drafter's next `consult run`: a fresh process, no model loaded

    consultation_round(
        round_name="sample-round", raw_dir=str(raw), outputs_dir=str(out), config=ConsultConfig()
    )
    return pd.read_csv(out / "sample-round" / "passages.csv")


def test_rerun_is_served_from_cache_and_a_reviewer_edit_survives_two_reruns(sample_run):
    from consult.reviews import edits

    out, workbook, raw = sample_run
    rnd = out / "sample-round"
    before = pd.read_csv(rnd / "passages.csv")
    first_bytes = open(workbook, "rb").read()
    after = _rerun(out, raw)
    assert before[S.PASSAGE_ID].tolist() == after[S.PASSAGE_ID].tolist()
    assert before[S.PRIORITIES].fillna("").tolist() == after[S.PRIORITIES].fillna("").tolist()
    assert open(workbook, "rb").read() == first_bytes  # nothing changed: outputs kept as they are
    assert json.loads((rnd / "run-info.json").read_text())["outputs reused from"]

    # a reviewer overrules the model on one passage, in Excel, and saves the file where it is
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Passages"]
    header = [c.value for c in ws[1]]
    id_col = header.index(edits.PASSAGE_ID_HEADER) + 1
    rev_col = header.index(edits.REVIEWER_PRIORITIES_HEADER) + 1
    target = ws.cell(row=2, column=id_col).value
    old = before.set_index(S.PASSAGE_ID).loc[target, S.PRIORITIES]
    new = "SA5" if "SA5" not in str(old) else "SA6"
    ws.cell(row=2, column=rev_col).value = new
    wb.save(workbook)

    for _ in range(2):
        table = _rerun(out, raw).set_index(S.PASSAGE_ID)
        assert table.loc[target, S.FINAL_PRIORITIES] == new
        assert table.loc[target, S.FINAL_SOURCE] == "reviewer"
    assert any((rnd / "previous").iterdir())  # the edited workbook was kept before rewriting
    store = pd.read_csv(rnd / "reviews.csv")
    assert target in set(store[S.PASSAGE_ID])
    ws = openpyxl.load_workbook(workbook, read_only=True)["Passages"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    row = next(r for r in rows[1:] if r[header.index(edits.PASSAGE_ID_HEADER)] == target)
    assert row[header.index(edits.REVIEWER_PRIORITIES_HEADER)] == new
