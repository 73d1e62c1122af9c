"""The survey reader on every vendor layout, encoding and delimiter, plus random tables."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult import schema as S  # noqa: E402
from consult.config import ConsultConfig  # noqa: E402
from consult.ids import sha256_bytes  # noqa: E402
from consult.ingest.attributes import match_alias, normalise_country  # noqa: E402
from consult.ingest.base import ReadContext  # noqa: E402
from consult.ingest.surveys import read_survey  # noqa: E402
from consult.ingest.surveys_columns import column_letter  # noqa: E402
from consult.schema import RawFile  # noqa: E402
from tests.support.ingest_fixtures import FIXTURES, load_generator  # noqa: E402

gen = load_generator()
LOC = re.compile(r"^(?:sheet '(?P<sheet>[^']*)', )?row (?P<row>\d+), column (?P<col>[A-Z]+) '")
DELIMS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def _read(name: str, data: bytes, config: ConsultConfig | None = None):
    raw = RawFile(f"surveys/{name}", data, sha256_bytes(data))
    return read_survey(raw, ReadContext("r1", config or ConsultConfig()))


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def cell_at(name: str, data: bytes, location: str, encoding: str, delimiter: str | None) -> str:
    """The cell a location names, read independently of the reader (csv module / openpyxl)."""
    m = LOC.match(location)
    assert m, location
    row, col = int(m["row"]), _col_index(m["col"])
    if name.endswith(".xlsx"):
        wb = openpyxl.load_workbook(io.BytesIO(data))
        ws = wb[m["sheet"]]
        value = ws.cell(row=row, column=col + 1).value
        return "" if value is None else str(value)
    text = data.decode("utf-16" if encoding == "utf-16" else encoding)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=DELIMS[delimiter]))
    return rows[row - 1][col]


@pytest.mark.parametrize("name", sorted(gen.SURVEYS))
def test_vendor_fixture(name):
    make, vendor, encoding, delimiter = gen.SURVEYS[name]
    data = make()
    assert (FIXTURES / "surveys" / name).read_bytes() == data, "run make_survey_fixtures.py"
    res = _read(name, data)
    det = res.detected
    assert det["vendor"] == vendor
    assert det["encoding"] == encoding
    assert det["delimiter"] == delimiter
    assert len(det["free_text_columns"]) == 2
    assert res.units == gen.EXPECTED["units"]
    assert len(res.passages) == gen.EXPECTED["passages"] + 1  # "N/A" is rejected by ingest
    assert len(res.rejected) == 1 and res.rejected[0][S.REASON] == "empty answer"
    countries = {p[S.COUNTRY] for p in res.passages}
    assert countries == {"PHL", "VNM", "THA", "LAO", "MMR"}
    assert {p[S.STAKEHOLDER_GROUP] for p in res.passages} >= {"Government", "Youth"}
    assert len({p[S.RESPONDENT_ID] for p in res.passages}) == gen.EXPECTED["respondents"]
    for p in res.passages:
        cell = cell_at(name, data, p[S.LOCATION], encoding, delimiter)
        assert cell.strip() == p[S.TEXT]
        attrs = json.loads(p[S.ATTRIBUTES])
        blob = json.dumps(attrs, ensure_ascii=False)
        for person in gen.PEOPLE:
            assert person["email"] not in blob and person["last"] not in blob
        assert not any(re.search(r"name|e-?mail|ip ?address", k, re.I) for k in attrs)
    names = set(res.names)
    assert "Maria Santos" in names or {"Maria", "Santos"} <= names


def test_dates_and_languages_from_vendor_columns():
    res = _read("qualtrics.csv", gen.SURVEYS["qualtrics.csv"][0]())
    assert {p[S.DATE] for p in res.passages} == {f"2024-05-0{i}" for i in range(1, 6)}
    assert {p[S.LANGUAGE] for p in res.passages} == {"en"}
    assert all(p[S.QUESTION] in (gen.Q1, gen.Q2) for p in res.passages)


def test_text_columns_override():
    cfg = ConsultConfig.model_validate({"surveys": {"text_columns": ["any other comments?"]}})
    res = _read("google_forms.csv", gen.SURVEYS["google_forms.csv"][0](), cfg)
    assert res.detected["free_text_columns"] == [gen.Q2]
    assert all(p[S.QUESTION] == gen.Q2 for p in res.passages)
    # the other open question became an attribute
    assert gen.Q1 in json.loads(res.passages[0][S.ATTRIBUTES])


def test_multi_sheet_xlsx_locations_name_the_sheet():
    data = gen._xlsx_bytes(
        {"Wave 1": gen.google_forms(), "Empty": [], "Wave 2": gen.google_forms()[:3]}
    )
    res = _read("waves.xlsx", data)
    sheets = {LOC.match(p[S.LOCATION])["sheet"] for p in res.passages}
    assert sheets == {"Wave 1", "Wave 2"}
    assert len({p[S.RESPONDENT_ID] for p in res.passages}) == 7
    for p in res.passages:
        assert cell_at("w.xlsx", data, p[S.LOCATION], "xlsx", None).strip() == p[S.TEXT]


def test_country_and_alias_normalisation():
    assert [
        normalise_country(v)
        for v in [
            "Viet Nam",
            "Lao PDR",
            "Burma",
            "Brunei Darussalam",
            "PH",
            "vn",
            "Kingdom of Cambodia",
            "Japan",
        ]
    ] == ["VNM", "LAO", "MMR", "BRN", "PHL", "VNM", "KHM", "Japan"]
    aliases = ConsultConfig().surveys.attribute_aliases
    assert match_alias("AMS", aliases) == "country"
    assert match_alias("Organisation type", aliases) == "stakeholder_group"
    assert (
        match_alias("What should ASEAN do for the private sector in each country?", aliases) is None
    )


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


_cell = st.one_of(
    st.just(""),
    st.sampled_from(["Yes", "No", "N/A", "Agree", "3", "2024-01-01"]),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=60,
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(
        st.text(min_size=1, max_size=15).filter(lambda s: "\x00" not in s), min_size=1, max_size=6
    ),
    body=st.lists(st.lists(_cell, min_size=0, max_size=7), min_size=0, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_random_tables_account_for_every_unit(header, body, delimiter, encoding):
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter).writerows([header] + body)
    data = buf.getvalue().encode(encoding)
    try:
        res = _read("random.csv", data)
    except Exception as exc:  # only the facilitator-facing rejection is allowed
        from consult.ingest.base import UnreadableFile

        assert isinstance(exc, UnreadableFile), repr(exc)
        assert str(exc)
        return
    assert res.units == len(res.passages) + len(res.rejected)
    enc = res.detected["encoding"]
    delim = DELIMS.get(res.detected["delimiter"], ",")
    text = data.decode("utf-16" if enc == "utf-16" else enc)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    for p in res.passages:
        m = LOC.match(p[S.LOCATION])
        cell = rows[int(m["row"]) - 1][_col_index(m["col"])]
        assert p[S.TEXT] and p[S.TEXT] in cell
