"""The passage table's contract: required columns per stage, values coerced to their declared
types, valid tables left exactly as they are, and errors that name the column and the stage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from consult import schema
from tests.support.report_fakes import make_passages


def _prepared(n: int = 6) -> pd.DataFrame:
    """The passage columns as prepare writes them: every column object, flags and counts too."""
    return make_passages(n)[schema.PASSAGE_COLUMNS].astype(object)


def test_declares_a_type_for_every_column_it_defines():
    for cols in (
        schema.PASSAGE_COLUMNS,
        schema.EMBEDDING_COLUMNS,
        schema.TAG_COLUMNS,
        schema.THEME_COLUMNS,
        schema.REVIEW_COLUMNS,
    ):
        assert set(cols) <= set(schema.PASSAGE_TYPES)
    assert set(schema.REJECTED_COLUMNS) == set(schema.REJECTED_TYPES)
    assert schema.PASSAGE_TYPES[schema.N_WORDS].dtype == "int64"
    assert schema.PASSAGE_TYPES[schema.CONFIDENCE].dtype == "float64"
    assert schema.PASSAGE_TYPES[schema.IS_STAKEHOLDER_INPUT].dtype == "bool"


def test_a_valid_table_is_returned_as_it_is():
    """Storage included: converting object-of-int `n_words` or pandas' string dtype would change
    passages.parquet's bytes."""
    for table in (_prepared(), make_passages(6), make_passages(6).convert_dtypes()):
        out = schema.validate_passages(table, "prepare")
        assert out is not table and list(out.columns) == list(table.columns)
        for col in schema.PASSAGE_COLUMNS:
            assert out[col].dtype == table[col].dtype, col
            pd.testing.assert_series_equal(out[col], table[col])


def test_required_columns_follow_the_stage():
    table = _prepared()
    schema.validate_passages(table, "prepare")
    with pytest.raises(ValueError, match=r"stage `tag`.*priorities, confidence, tag_status"):
        schema.validate_passages(table, "tag")
    with pytest.raises(ValueError, match=r"stage `prepare` lacks the column\(s\) text"):
        schema.validate_passages(table.drop(columns=[schema.TEXT]), "prepare")
    with pytest.raises(ValueError, match="Unknown stage `tagging`"):
        schema.validate_passages(table, "tagging")
    # a caller's own list, and the stage named in its messages
    schema.validate_passages(
        table[[schema.PASSAGE_ID, schema.TEXT]], "mine", required=[schema.PASSAGE_ID]
    )


def test_an_empty_table_gets_its_missing_columns():
    out = schema.validate_passages(schema.empty_passages(), "themes")
    assert list(out.columns[: len(schema.PASSAGE_COLUMNS)]) == schema.PASSAGE_COLUMNS
    assert set(schema.STAGE_COLUMNS["themes"]) <= set(out.columns) and len(out) == 0
    assert out[schema.THEME_ID].dtype == "int64"


def test_values_are_coerced_to_the_declared_types():
    table = _prepared(6)
    table[schema.N_WORDS] = ["3", 4.0, 5, np.int64(6), " 7 ", 8]
    table[schema.IS_STAKEHOLDER_INPUT] = [True, None, "no", "False", 0, "yes"]
    table[schema.COUNTRY] = [12, None, "THA", 3.5, float("nan"), "VNM"]
    table[schema.SOURCE_FILE] = ["a.csv", None, "b.csv", "c.csv", "d.csv", "e.csv"]
    table[schema.PRIORITIES] = ["P1", None, "", "P2;P3", float("nan"), "P4"]
    table[schema.CONFIDENCE] = [None, "0.5", 1, 0.25, float("nan"), pd.NA]
    out = schema.validate_passages(table, "prepare", required=schema.PASSAGE_COLUMNS)
    assert out[schema.N_WORDS].dtype == "int64" and out[schema.N_WORDS].tolist() == [
        3,
        4,
        5,
        6,
        7,
        8,
    ]
    # the report's reading of a flag: a missing one counts
    assert out[schema.IS_STAKEHOLDER_INPUT].tolist() == [True, True, False, False, False, True]
    assert out[schema.IS_STAKEHOLDER_INPUT].dtype == "bool"
    assert out[schema.COUNTRY].tolist() == ["12", None, "THA", "3.5", None, "VNM"]  # not given
    assert out[schema.SOURCE_FILE].tolist()[1] == ""  # read as empty, as the report always did
    assert out[schema.PRIORITIES].tolist() == ["P1", "", "", "P2;P3", "", "P4"]
    conf = out[schema.CONFIDENCE]
    assert conf.dtype == "float64" and conf.tolist()[1:4] == [0.5, 1.0, 0.25]
    assert conf.isna().tolist() == [True, False, False, False, True, True]
    assert list(out.columns) == list(table.columns)


def test_nullable_columns_keep_missing_values():
    table = make_passages(4).convert_dtypes()
    table[schema.LANGUAGE_SUPPORTED] = pd.array([True, pd.NA, False, True], dtype="boolean")
    table.loc[1, schema.LANGUAGE] = pd.NA
    out = schema.validate_passages(table, "prepare")
    assert out[schema.LANGUAGE_SUPPORTED].isna().tolist() == [False, True, False, False]
    assert pd.isna(out.loc[1, schema.LANGUAGE])


@pytest.mark.parametrize(
    "col, value, why",
    [
        (schema.N_WORDS, "many", "'many' cannot be read as a whole number"),
        (schema.N_WORDS, 2.5, "'2.5' cannot be read as a whole number"),
        (schema.N_WORDS, None, "the value is missing, and this column must hold a whole number"),
        (schema.TEXT, None, "the value is missing, and this column must hold text"),
        (schema.PASSAGE_ID, float("nan"), "the value is missing"),
        (schema.COUNTRY, ["IDN", "THA"], "cannot be read as text"),
        (schema.IS_STAKEHOLDER_INPUT, {"a": 1}, "cannot be read as true or false"),
    ],
)
def test_a_value_that_cannot_be_coerced_names_column_stage_and_row(col, value, why):
    table = _prepared(4)
    table.at[2, col] = value
    with pytest.raises(
        ValueError,
        match=rf"after stage `prepare`, column `{col}`, row 2: .*"
        rf"{why.replace('(', r'[(]')}",
    ):
        schema.validate_passages(table, "prepare")


def test_a_column_twice_is_an_error():
    table = _prepared(2)
    twice = pd.concat([table, table[[schema.TEXT]]], axis=1)
    with pytest.raises(ValueError, match="column\\(s\\) text twice"):
        schema.validate_passages(twice, "prepare")


def test_rejected_table():
    rejected = pd.DataFrame(
        [
            {
                schema.ROUND: "r1",
                schema.SOURCE_KIND: None,
                schema.SOURCE_FILE: "a.csv",
                schema.LOCATION: "row 3",
                schema.REASON: "empty",
                schema.STAGE: "ingest",
            }
        ]
    ).astype(object)
    out = schema.validate_rejected(rejected, "ingest")
    pd.testing.assert_frame_equal(out, rejected)
    assert schema.validate_rejected(schema.empty_rejected(), "prepare").empty
    rejected.loc[0, schema.REASON] = None
    with pytest.raises(ValueError, match="rejected table after stage `prepare`, column `reason`"):
        schema.validate_rejected(rejected, "prepare")
    with pytest.raises(ValueError, match="lacks the column\\(s\\) stage"):
        schema.validate_rejected(rejected.drop(columns=[schema.STAGE]), "prepare")
