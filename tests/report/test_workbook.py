"""The reviewer's workbook read back cell by cell: sheets, columns, safety, counts, quotes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from consult import schema
from consult.report.export import write_tables
from consult.report.safe import MAX_CELL_CHARS
from consult.report.workbook import SHEETS, ReportData, write_workbook
from consult.reviews import edits as edits_io
from consult.reviews import rules as reviews
from tests.support.report_fakes import (
    HOSTILE,
    FakeCodebook,
    make_files,
    make_passages,
    make_priority_quotes,
    make_rejected,
    make_run_info,
    make_scores,
    make_themes,
)

LONG = "y" * 40_000


def _data(passages: pd.DataFrame, cb: FakeCodebook, **kw) -> ReportData:
    return ReportData(
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
        **kw,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    cb = FakeCodebook()
    passages = make_passages(40, extra_texts=HOSTILE + [LONG])
    # hostile values in every kind of input that reaches a sheet, not only the text
    passages.loc[1, schema.COUNTRY] = "=1+1"
    passages.loc[2, schema.STAKEHOLDER_GROUP] = "@SUM(A1)"
    passages.loc[3, schema.SOURCE_FILE] = "=cmd|' /C calc'!A0.csv"
    passages.loc[4, schema.LOCATION] = "+row 6"
    passages.loc[5, schema.THEME_LABEL] = "-theme"
    passages = reviews.apply_reviews(passages, None)
    data = _data(passages, cb)
    data.themes.loc[0, schema.THEME_LABEL] = '=HYPERLINK("http://x")'
    data.themes.loc[0, schema.THEME_KEYWORDS] = "@keywords"
    data.rejected.loc[0, schema.REASON] = "=bad reason"
    data.run_info["=key"] = "=value"
    path = tmp_path_factory.mktemp("wb") / "consultation-summary-r1.xlsx"
    write_workbook(path, data)
    return path, passages, cb


def _table(ws, header_name: str = "Passage ID") -> pd.DataFrame:
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if header_name in r)
    header = list(rows[start])
    body = [r for r in rows[start + 1 :] if any(v is not None for v in r)]
    return pd.DataFrame(body, columns=header)


def _priority_rows(ws) -> pd.DataFrame:
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Priority ID")
    out = []
    for r in rows[start + 1 :]:
        if r[0] is None:
            break
        out.append(r)
    return pd.DataFrame(out, columns=list(rows[start]))


def test_sheets_in_order(built):
    path, _, _ = built
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    assert SHEETS == [
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


def test_passages_sheet_layout(built):
    path, passages, _ = built
    ws = load_workbook(path)["Passages"]
    header = [c.value for c in ws[1]]
    for name in [
        "Passage ID",
        "Text",
        "Model priorities",
        "Reviewer priorities",
        "Reviewer note",
        "Final priorities",
        "Confidence",
        "Status",
        "Theme",
        "Country",
        "Stakeholder group",
        "Source kind",
        "Source file",
        "Location",
        "Speaker role",
        "Question or section",
        "Language",
        "Counted",
    ]:
        assert name in header, name
    # the reviewer sees where to write right after the text and the model's tags
    assert header.index("Reviewer priorities") == header.index("Model priorities") + 1
    assert header.index("Reviewer note") == header.index("Reviewer priorities") + 1
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws.freeze_panes == "B2"
    assert ws.max_row == len(passages) + 1
    rp = header.index("Reviewer priorities") + 1
    assert ws.cell(2, rp).fill.fgColor.rgb.endswith("FFF2CC")  # input-cell yellow
    assert ws.cell(1, rp).comment is not None
    assert ws.cell(2, header.index("Text") + 1).alignment.wrap_text
    status = header.index("Status") + 1
    uncertain = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, status).value == "uncertain")
    assert ws.cell(uncertain, 1).fill.fgColor.rgb.endswith("FCE4D6")  # highlighted row


def test_hostile_text_never_becomes_a_formula(built):
    path, _, _ = built
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    texts = [c.value for c in wb["Passages"]["B"]]
    for hostile in HOSTILE:
        assert hostile in texts  # kept verbatim, as text
    everywhere = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    for value in [
        "=1+1",
        "@SUM(A1)",
        "+row 6",
        "-theme",
        '=HYPERLINK("http://x")',
        "@keywords",
        "=bad reason",
        "=key",
        "=value",
    ]:
        assert value in everywhere, value
    prefixed = [
        c
        for row in wb["Passages"].iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))
    ]
    assert prefixed and all(c.quotePrefix for c in prefixed)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, name
                assert "<hyperlink" not in xml, name
            assert "externalLink" not in name and "connections" not in name


def test_long_text_truncated_with_marker(built):
    path, _, _ = built
    ws = load_workbook(path)["Passages"]
    values = [c.value for c in ws["B"] if isinstance(c.value, str) and c.value.startswith("yyy")]
    assert len(values) == 1
    assert len(values[0]) <= MAX_CELL_CHARS
    assert values[0].endswith("[… truncated, 40,000 characters in total; full text in the CSV]")


def test_counts_add_up_to_the_passage_table(built):
    path, _, cb = built
    wb = load_workbook(path)
    table = _table(wb["Passages"])
    counted = table[table["Counted"] == True]  # noqa: E712
    prio = _priority_rows(wb["Priorities"])
    country = _table(wb["Country x Priority"], "Country")
    group = _table(wb["Stakeholder x Priority"], "Stakeholder group")
    for p in cb.priorities:
        expected = int(
            counted["Final priorities"]
            .map(lambda v, pid=p.id: pid in str(v or "").split(";"))
            .sum()
        )
        got = int(prio.loc[prio["Priority ID"] == p.id, "Passages"].iloc[0])
        assert got == expected, p.id
        by_kind = prio.loc[prio["Priority ID"] == p.id, ["Survey", "Workshop", "Transcript"]]
        assert int(by_kind.sum(axis=1).iloc[0]) == expected
        col = f"{p.id}: {p.label}"
        assert int(country[col].sum()) == expected
        assert int(group[col].sum()) == expected
    assert int(country["Passages (any priority)"].sum()) == len(counted)
    assert int(group["Passages (any priority)"].sum()) == len(counted)
    assert len(counted) < len(table)  # facilitator turns are listed, not counted


def test_quotes_are_verbatim_with_their_source(built):
    path, _, _ = built
    wb = load_workbook(path)
    table = _table(wb["Passages"])
    by_ref = {
        f"{f}, {loc}": str(t)
        for f, loc, t in zip(table["Source file"], table["Location"], table["Text"])
    }
    n = 0
    for title, first in (("Priorities", "Priority ID"), ("Themes", "Theme ID")):
        sheet = _table(wb[title], first)
        for i in range(1, 4):
            for quote, ref in zip(sheet[f"Quote {i}"], sheet[f"Source {i}"]):
                if quote is None:
                    continue
                ref = re.sub(r" \(excerpt\)$", "", ref)
                assert quote in by_ref[ref], (title, ref)
                n += 1
    assert n >= 10


def test_charts_have_titled_axes(built):
    path, _, _ = built
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) >= 2
        xml = z.read(charts[0]).decode()
    assert "Passages (stakeholder input)" in xml and "Priority" in xml
    assert re.search(r'<delete val="(0|false)"/>', xml)  # axes shown in Excel


def test_matrices_have_colour_scales(built):
    path, _, _ = built
    wb = load_workbook(path)
    for title in ("Country x Priority", "Stakeholder x Priority"):
        rules = [r for cf in wb[title].conditional_formatting for r in cf.rules]
        assert any(r.type == "colorScale" for r in rules), title


def test_data_quality_and_run_info(built):
    path, _, cb = built
    wb = load_workbook(path)
    dq = [c for row in wb["Data quality"].iter_rows(values_only=True) for c in row if c]
    assert "surveys/broken.xlsx" in dq and "=bad reason" in dq and "row 9 column 'Q1'" in dq
    info = [c for row in wb["Run info"].iter_rows(values_only=True) for c in row if c]
    assert cb.sha256 in info and "0.1.0" in info and "report.low_confidence" in info


def test_rows_beyond_the_sheet_limit_continue_on_new_sheets(tmp_path):
    cb = FakeCodebook()
    passages = reviews.apply_reviews(make_passages(25), None)
    path = write_workbook(tmp_path / "wb.xlsx", _data(passages, cb), max_rows=10)
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS[:4] + ["Passages (2)", "Passages (3)"] + SHEETS[4:]
    assert wb["Passages"].max_row == 10
    assert "Continuation of sheet 'Passages'" in wb["Passages (2)"]["A1"].value
    ids = []
    for title in ("Passages", "Passages (2)", "Passages (3)"):
        ids += list(_table(wb[title])["Passage ID"])
    assert ids == list(passages[schema.PASSAGE_ID])
    ws = wb["Passages (3)"]
    ws.cell(3, 4).value = "P4"
    wb.save(path)
    edits = edits_io.read_edits(path)
    assert list(edits[schema.PASSAGE_ID]) == [ws.cell(3, 1).value]


def test_a_failed_write_leaves_the_old_workbook(tmp_path, monkeypatch):
    cb = FakeCodebook()
    passages = make_passages(10)
    path = write_workbook(tmp_path / "wb.xlsx", _data(passages, cb))
    before = path.read_bytes()
    from openpyxl import Workbook

    def boom(self, filename):
        Path(filename).write_bytes(b"half a workbook")
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(Workbook, "save", boom)
    with pytest.raises(KeyboardInterrupt):
        write_workbook(path, _data(passages, cb))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["wb.xlsx"]


def test_empty_round_gives_a_valid_workbook(tmp_path):
    cb = FakeCodebook()
    passages = schema.empty_passages()  # no tag columns either: the model found nothing
    data = ReportData(round="empty", passages=passages, codebook=cb)
    wb = load_workbook(write_workbook(tmp_path / "e.xlsx", data))
    assert wb.sheetnames == SHEETS


def test_write_tables(tmp_path):
    cb = FakeCodebook()
    passages = reviews.apply_reviews(make_passages(8, extra_texts=HOSTILE), None)
    paths = write_tables(tmp_path, passages, make_scores(passages, cb))
    assert [p.name for p in paths] == ["passages.parquet", "passages.csv"]
    back = pd.read_parquet(paths[0])
    assert list(back[schema.TEXT]) == list(passages[schema.TEXT])  # exact text
    assert schema.score_column("P1") in back.columns
    assert schema.FINAL_PRIORITIES in back.columns
    csv = pd.read_csv(paths[1], encoding="utf-8-sig", keep_default_na=False)
    assert len(csv) == len(passages)
    assert not any(str(t).startswith(("=", "+", "-", "@", "\t", "\r")) for t in csv[schema.TEXT])
    assert "'=cmd|' /C calc'!A0" in list(csv[schema.TEXT])
    assert not list(tmp_path.glob("*.tmp"))


def test_nullable_dtypes_give_the_same_workbook(tmp_path):
    """pandas 3 string columns with pd.NA, nullable ints and booleans from real stages."""
    cb = FakeCodebook()
    plain = reviews.apply_reviews(make_passages(20), None)
    typed = plain.convert_dtypes()
    assert str(typed[schema.TEXT].dtype).startswith("str")
    a = load_workbook(write_workbook(tmp_path / "a.xlsx", _data(plain, cb)))
    b = load_workbook(write_workbook(tmp_path / "b.xlsx", _data(typed, cb)))
    for title in SHEETS[1:6]:
        va = [[c.value for c in row] for row in a[title].iter_rows()]
        vb = [[c.value for c in row] for row in b[title].iter_rows()]
        assert va == vb, title


def test_the_report_checks_the_passage_table_once(tmp_path):
    """Sheets read the table without guarding each value: it is checked at the door, and a table
    that breaks the contract is an error naming the column, not a half-written workbook."""
    cb = FakeCodebook()
    passages = make_passages(6)
    with pytest.raises(ValueError, match=r"stage `report` lacks the column\(s\) source_file"):
        write_workbook(tmp_path / "a.xlsx", _data(passages.drop(columns=[schema.SOURCE_FILE]), cb))
    broken = passages.astype({schema.N_WORDS: object})
    broken.loc[2, schema.N_WORDS] = "many"
    with pytest.raises(ValueError, match=r"stage `report`, column `n_words`, row 2"):
        write_workbook(tmp_path / "b.xlsx", _data(broken, cb))
    assert not list(tmp_path.iterdir())
    # missing values the sheets used to read as empty or as "counted" still are
    gaps = passages.astype(object)
    gaps.loc[0, [schema.IS_STAKEHOLDER_INPUT, schema.CONFIDENCE, schema.TAG_STATUS]] = None
    gaps.loc[1, [schema.SOURCE_FILE, schema.LOCATION, schema.THEME_LABEL]] = None
    rows = _table(load_workbook(write_workbook(tmp_path / "c.xlsx", _data(gaps, cb)))["Passages"])
    assert list(rows["Counted"][:2]) == [True, True]
    assert rows.loc[0, ["Status", "Confidence"]].isna().all()  # empty cells
    assert rows.loc[1, ["Theme", "Source file", "Location"]].isna().all()


def test_report_data_accepts_start_time_and_problem_list():
    data = ReportData(
        round="r",
        passages=schema.empty_passages(),
        codebook=FakeCodebook(),
        started=0.0,
        review_problems=["`x` is not a priority"],
    )
    assert data.run_at == "1970-01-01T00:00:00+00:00"
    assert list(data.review_problems[schema.REASON]) == ["`x` is not a priority"]
