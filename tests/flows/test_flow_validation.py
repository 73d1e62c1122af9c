"""The whole flow on the sample round: a validation sample drawn on request, coded blind in the
workbook, kept on the next run (without the option), scored on the Overview; and the queue."""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest

from consult import schema as S
from consult.config import ConsultConfig, ReviewConfig
from consult.reviews import rules as reviews
from consult.reviews import store as store_io
from tests.support.paths import SAMPLE_RAW

pytestmark = pytest.mark.slow


def _rows(book, title: str) -> tuple[list, list[tuple]]:
    rows = list(openpyxl.load_workbook(book, read_only=True)[title].iter_rows(values_only=True))
    return list(rows[1]), [r for r in rows[2:] if r[1] is not None]


def test_validation_sample_through_the_flow(tmp_path):
    from flows.consultation_round import consultation_round

    shutil.copytree(SAMPLE_RAW / "sample-round", tmp_path / "raw" / "sample-round")
    run = dict(round_name="sample-round", raw_dir=str(tmp_path / "raw"))
    out = tmp_path / "outputs"
    asked = ConsultConfig(review=ReviewConfig(validation_sample=30, queue_size=40))
    book = consultation_round(**run, outputs_dir=str(out), config=asked)
    rnd = out / "sample-round"
    sample = pd.read_csv(rnd / "validation-sample.csv", dtype=str, keep_default_na=False)
    assert len(sample) == 30
    header, rows = _rows(book, "Validation")
    assert [r[header.index("Passage ID")] for r in rows] == sample[S.PASSAGE_ID].tolist()
    assert "Model priorities" not in header and "Confidence" not in header
    q_header, queue = _rows(book, "Review queue")
    queued = {r[q_header.index("Passage ID")] for r in queue}
    assert len(queue) == 40 and not queued & set(sample[S.PASSAGE_ID])

    table = pd.read_csv(rnd / "passages.csv", dtype=str, keep_default_na=False)
    model = dict(zip(table[S.PASSAGE_ID], table[S.PRIORITIES]))
    wb = openpyxl.load_workbook(book)
    ws = wb["Validation"]
    col = header.index("Reviewer priorities") + 1
    for r in range(3, ws.max_row + 1):  # the reviewer agrees with the model, "none" for no tag
        ws.cell(r, col).value = model[ws.cell(r, 2).value] or "none"
    wb.save(book)

    book = consultation_round(**run, outputs_dir=str(out), config=ConsultConfig())
    again = pd.read_csv(rnd / "validation-sample.csv", dtype=str, keep_default_na=False)
    assert again.equals(sample)  # kept as drawn, though the option was not given again
    store = store_io.load_store(rnd / "reviews.csv")
    assert set(store[S.PASSAGE_ID]) == set(sample[S.PASSAGE_ID])
    assert store[reviews.DECISION].isin(reviews.CONFIRMED).all()
    cells = [
        c
        for r in openpyxl.load_workbook(book, read_only=True)["Overview"].iter_rows(
            values_only=True
        )
        for c in r
    ]
    assert "Sample passages coded by reviewers: 30 of the 30" in " ".join(
        str(c) for c in cells if c
    )
    micro = len(cells) - 1 - cells[::-1].index(reviews.ALL_PRIORITIES)  # below the agreement
    assert cells[micro + 4] == 1  # F1 of the model against a coding that copied it
