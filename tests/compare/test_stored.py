"""Reading a round back from its outputs: reviewer decisions, older outputs, bad inputs."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from consult import schema as S
from consult.compare.basis import BASIS_NAME
from consult.compare.priorities import count_round
from consult.config import ConsultConfig
from consult.pipeline.compare import CSV_NAME, WORKBOOK_NAME, compare_stored, earlier_round
from consult.pipeline.stored import check_comparable, load_stored_round, stored_themes
from consult.report.workbook import ReportData, write_workbook
from consult.reviews import rules as reviews
from consult.workspace import RoundError, RoundPaths
from tests.support.report_fakes import FakeCodebook, make_passages
from tests.support.stored_rounds import SPACE, embedding, write_outputs


def _config(**compare) -> ConsultConfig:
    return ConsultConfig(embedding=embedding(), compare=compare)


def _store():
    edits = pd.DataFrame(
        [{S.PASSAGE_ID: "pid0000", S.REVIEWER_PRIORITIES: "P4", S.REVIEWER_NOTE: "", S.TEXT: ""}]
    )
    return reviews.merge_reviews(None, edits, FakeCodebook(), "2026-01-01T00:00:00Z")[0]


def test_no_outputs_names_the_command_to_run_first(tmp_path):
    with pytest.raises(RoundError, match=r"Run `consult run round-1` first"):
        load_stored_round(tmp_path, "round-1")
    with pytest.raises(RoundError, match=r"Run `consult run round-1` first"):
        check_comparable(tmp_path, "round-1", "round-2")
    (tmp_path / "round-1").mkdir()  # a folder with no passage table is no outputs either
    with pytest.raises(RoundError, match=r"Run `consult run round-1` first"):
        earlier_round(RoundPaths.for_round("round-2", outputs=tmp_path), _config(with_="round-1"))


def test_comparing_a_round_with_itself_is_refused(tmp_path):
    write_outputs(tmp_path, "r1", make_passages(30))
    with pytest.raises(RoundError, match="with itself"):
        check_comparable(tmp_path, "r1", "r1")
    with pytest.raises(RoundError, match="with itself"):
        compare_stored(tmp_path, "r1", "r1", _config())
    with pytest.raises(RoundError, match="with itself"):
        earlier_round(RoundPaths.for_round("r1", outputs=tmp_path), _config(with_="r1"))


def test_no_comparison_unless_asked(tmp_path):
    assert earlier_round(RoundPaths.for_round("r2", outputs=tmp_path), _config()) is None


def test_stored_round_counts_with_its_reviewer_decisions(tmp_path):
    store = _store()
    passages = make_passages(30)
    write_outputs(tmp_path, "r1", passages, store=store)
    stored = load_stored_round(tmp_path, "r1")
    assert stored.passages.set_index(S.PASSAGE_ID).loc["pid0000", S.FINAL_PRIORITIES] == "P4"
    expected = count_round(reviews.apply_reviews(passages, store), FakeCodebook(), "r1")
    got = count_round(stored.passages, stored.codebook, "r1")
    assert got.table["Passages"].tolist() == expected.table["Passages"].tolist()
    assert [p.id for p in stored.codebook.priorities] == ["P1", "P2", "P3", "P4", "P5"]
    themes = stored_themes(stored, SPACE, _config())
    assert themes is not None and themes.ids.tolist() == [0, 1, 2]


def test_older_outputs_are_read_where_they_can_be(tmp_path):
    """No basis file, no final or theme columns, no country: read, with notices."""
    cb = FakeCodebook()
    passages = make_passages(30)
    out = write_outputs(tmp_path, "r1", passages, basis=False)
    old = pd.read_parquet(out / "passages.parquet").drop(
        columns=[S.FINAL_PRIORITIES, S.FINAL_SOURCE, S.THEME_ID, S.COUNTRY, S.LANGUAGE]
    )
    old.to_parquet(out / "passages.parquet")
    # its codebook is known only from the workbook's Priorities sheet
    write_workbook(
        out / "consultation-summary-r1.xlsx",
        ReportData("r1", reviews.apply_reviews(make_passages(5), None), cb),
    )
    stored = load_stored_round(tmp_path, "r1")
    assert [p.id for p in stored.codebook.priorities] == [p.id for p in cb.priorities]
    assert any("ids and labels only" in n for n in stored.notices)
    assert stored_themes(stored, SPACE, _config()) is None
    assert any("no themes" in n for n in stored.notices)
    counts = count_round(stored.passages, stored.codebook, "r1")
    assert counts.n == int(passages[S.IS_STAKEHOLDER_INPUT].sum())


def test_outputs_too_old_to_read_say_what_to_do(tmp_path):
    out = write_outputs(tmp_path, "r1", make_passages(10), basis=False)
    pd.read_parquet(out / "passages.parquet").drop(columns=[S.TEXT]).to_parquet(
        out / "passages.parquet"
    )
    with pytest.raises(RoundError, match=r"older consult.*`consult run r1` with this version"):
        load_stored_round(tmp_path, "r1")


def test_a_basis_file_of_another_format_falls_back_to_the_stored_passages(tmp_path):
    out = write_outputs(tmp_path, "r1", make_passages(30))
    record = json.loads((out / BASIS_NAME).read_text())
    (out / BASIS_NAME).write_text(json.dumps(dict(record, format=99)))
    (out / "run-info.json").write_text("{}")  # and Run info names no codebook
    write_workbook(
        out / "consultation-summary-r1.xlsx",
        ReportData("r1", reviews.apply_reviews(make_passages(5), None), FakeCodebook()),
    )
    stored = load_stored_round(tmp_path, "r1")
    assert any("format 99" in n for n in stored.notices)
    themes = stored_themes(stored, SPACE, _config())  # centroids computed again
    assert themes is not None and themes.ids.tolist() == [0, 1, 2]


def test_compare_stored_writes_the_csv_and_a_workbook_beside_the_later_round(tmp_path):
    write_outputs(tmp_path, "r1", make_passages(40), store=_store())
    later = make_passages(60)
    later[S.PRIORITIES] = later[S.PRIORITIES].where(later.index % 2 == 0, "P2")
    write_outputs(tmp_path, "r2", later)
    comparison, written = compare_stored(tmp_path, "r1", "r2", _config())
    assert [p.name for p in written] == [CSV_NAME, WORKBOOK_NAME]
    csv = pd.read_csv(tmp_path / "r2" / CSV_NAME, encoding="utf-8-sig")
    assert csv.columns.tolist() == S.COMPARISON_COLUMNS
    assert csv[S.CMP_PRIORITY_ID].tolist() == ["P1", "P2", "P3", "P4", "P5"]
    p2 = csv.set_index(S.CMP_PRIORITY_ID).loc["P2"]
    assert p2[S.CHANGE_PP] > 0 and bool(p2[S.SIGNIFICANT])
    wb = load_workbook(tmp_path / "r2" / WORKBOOK_NAME)
    assert wb.sheetnames == ["Round comparison"]
    assert comparison.themes is not None and len(comparison.themes) == 3
