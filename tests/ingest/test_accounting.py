"""Per file, units = passages + rejected, and the three tables agree, after ingest and prepare."""

from __future__ import annotations

import pandas as pd
import pytest

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.files import collect_round
from consult.ingest.prepare import prepare_round
from consult.ingest.round import ingest_round
from consult.schema import RawFile
from tests.support.paths import FIXTURES, SAMPLE_RAW

# non-answers of every kind, a duplicate, a reader rejection and a file rejected whole
EXTRA = [
    RawFile(
        "surveys/x.csv",
        b"Country,Any comments?\nPH,N/A\nVN,  \nTH,No\nID,...\n"
        b"MY,Keep the ferries running on time\nSG,Keep the ferries running on time\n",
        "",
    ),
    RawFile(
        "transcripts/t.vtt",
        b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna>No.\n\n"
        b"00:00:03.000 --> 00:00:04.000\n<v Bob>...\n",
        "",
    ),
    RawFile("workshops/w.md", b"# Notes\n\n- N/A\n- no comment\n- Keep the ferries running\n", ""),
    RawFile("workshops/empty.md", b"", ""),
]


def _english(texts, priors=None, groups=None):
    return ["en"] * len(texts)


def _check(passages: pd.DataFrame, rejected: pd.DataFrame, files: pd.DataFrame) -> None:
    assert (files[S.UNITS] == files[S.N_PASSAGES] + files[S.N_REJECTED]).all(), files
    by_file = files.set_index(S.SOURCE_FILE)
    for table, col in ((passages, S.N_PASSAGES), (rejected, S.N_REJECTED)):
        counts = table[S.SOURCE_FILE].value_counts().reindex(by_file.index, fill_value=0)
        assert counts.tolist() == by_file[col].astype(int).tolist(), col
        assert set(table[S.SOURCE_FILE]) <= set(by_file.index)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(lambda: collect_round(SAMPLE_RAW / "sample-round"), id="sample-round"),
        pytest.param(lambda: collect_round(FIXTURES / "hostile"), id="hostile"),
        pytest.param(lambda: EXTRA, id="non-answers"),
    ],
)
def test_units_are_passages_plus_rejected_per_file(files):
    cfg = ConsultConfig()
    ing = ingest_round(files(), "r1", cfg)
    assert len(ing.files) and len(ing.rejected)
    _check(ing.passages, ing.rejected, ing.files)  # ingest counts what it screened
    passages, rejected, table = prepare_round(
        ing.passages, ing.rejected, ing.files, cfg, detect=_english
    )
    _check(passages, rejected, table)
    assert table[[S.UNITS, S.N_PASSAGES, S.N_REJECTED]].equals(
        ing.files[[S.UNITS, S.N_PASSAGES, S.N_REJECTED]]
    )  # prepare rejects nothing more
    assert len(rejected) == len(ing.rejected)
