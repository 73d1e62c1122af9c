"""The Themes sheet says how many passages were set aside as procedural (they are in no theme)."""

from __future__ import annotations

from openpyxl import load_workbook

from consult import schema
from consult.report.sheets import procedural_note
from consult.report.workbook import ReportData, write_workbook
from consult.reviews import rules as reviews
from tests.support.report_fakes import (
    FakeCodebook,
    make_files,
    make_passages,
    make_priority_quotes,
    make_rejected,
    make_run_info,
    make_scores,
    make_themes,
)


def _procedural_passages():
    passages = make_passages(12)
    passages.loc[[0, 4], schema.THEME_ID] = schema.PROCEDURAL_THEME_ID
    passages.loc[[0, 4], schema.THEME_LABEL] = "Procedural"
    passages.loc[4, schema.IS_STAKEHOLDER_INPUT] = False  # a chair's "Thank you"
    return passages


def test_procedural_note_counts_the_passages_in_no_theme():
    passages = _procedural_passages()
    note = procedural_note(passages)
    assert note.startswith("2 passages (1 of them stakeholder input)")
    assert str(schema.PROCEDURAL_THEME_ID) in note
    assert procedural_note(make_passages(12)) == ""


def test_themes_sheet_notes_procedural_passages_and_passages_sheet_marks_them(tmp_path):
    cb = FakeCodebook()
    passages = reviews.apply_reviews(_procedural_passages(), None)
    data = ReportData(
        round="r1",
        passages=passages,
        codebook=cb,
        run_at="2026-11-27T10:00:00",
        scores=make_scores(passages, cb),
        themes=make_themes(),
        rejected=make_rejected(),
        files=make_files(),
        run_info=make_run_info(),
        priority_quotes=make_priority_quotes(passages),
    )
    path = tmp_path / "consultation-summary-r1.xlsx"
    write_workbook(path, data)
    wb = load_workbook(path, read_only=True)
    themes = [r for r in wb["Themes"].iter_rows(values_only=True) if any(r)]
    assert any(str(r[0]).startswith("2 passages (1 of them") for r in themes)
    ids = [r[0] for r in themes if isinstance(r[0], int)]
    assert schema.PROCEDURAL_THEME_ID not in ids  # not a theme row
    cells = [v for r in wb["Passages"].iter_rows(values_only=True) for v in r]
    assert cells.count("Procedural") == 2
