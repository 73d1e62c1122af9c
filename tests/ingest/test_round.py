"""Round orchestration: dispatch, accounting, duplicates, manifest, privacy, hostile files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from consult import schema as S  # noqa: E402
from consult.config import ConsultConfig  # noqa: E402
from consult.ingest.check import format_check_report
from consult.ingest.files import (
    CollectedFile,  # noqa: E402
    collect_round,  # noqa: E402
)
from consult.ingest.round import ingest_round
from consult.schema import RawFile  # noqa: E402
from tests.support.ingest_fixtures import load_generator  # noqa: E402

gen = load_generator()


@pytest.fixture(scope="module")
def fixtures_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fx")
    gen.write_all(root)
    return root


@pytest.fixture(scope="module")
def survey_round(fixtures_root):
    files = collect_round(fixtures_root / "surveys", ConsultConfig())
    return ingest_round([RawFile(f"surveys/{f.relpath}", f.data, f.sha256) for f in files], "r1")


def _assert_accounting(result):
    files = result.files
    assert list(files.columns) == S.FILE_COLUMNS
    assert (files[S.UNITS] == files[S.N_PASSAGES] + files[S.N_REJECTED]).all()
    for _, f in files.iterrows():
        assert (result.passages[S.SOURCE_FILE] == f[S.SOURCE_FILE]).sum() == f[S.N_PASSAGES]
        assert (result.rejected[S.SOURCE_FILE] == f[S.SOURCE_FILE]).sum() == f[S.N_REJECTED]


def _all_output_text(result) -> str:
    return "\n".join(
        df.to_csv(index=False) for df in (result.passages, result.rejected, result.files)
    )


def test_survey_round_accounts_for_every_unit(survey_round):
    r = survey_round
    assert list(r.passages.columns) == S.PASSAGE_COLUMNS
    assert list(r.rejected.columns) == S.REJECTED_COLUMNS
    _assert_accounting(r)
    assert (r.files[S.FILE_STATUS] == "read").all()
    assert (r.files[S.UNITS] == gen.EXPECTED["units"]).all()
    assert (r.files[S.N_PASSAGES] == gen.EXPECTED["passages"]).all()
    assert r.passages[S.PASSAGE_ID].is_unique
    assert set(r.rejected[S.REASON].str.split(" ").str[0]) == {"empty", "non-answer"}
    det = json.loads(r.files.iloc[0][S.DETECTED])
    assert det["vendor"] and det["free_text_columns"]


def test_no_planted_personal_data_in_any_output(survey_round):
    blob = _all_output_text(survey_round)
    for p in gen.PEOPLE:
        for value in (p["email"], p["phone"], p["name"], p["last"]):
            assert value not in blob, value
    assert "P1234567A" not in blob
    assert "203.0.113" not in blob and "198.51.100" not in blob  # IP address columns
    assert "[email]" in blob and "[phone]" in blob and "[id-number]" in blob


def test_campaign_answers_kept_and_flagged(survey_round):
    p = survey_round.passages
    campaign = p[p[S.TEXT] == gen.CAMPAIGN]
    assert len(campaign) == 2 * 8  # two respondents in each of 8 files, none merged away
    assert campaign[S.DUPLICATE_OF].isna().sum() == 1
    first = campaign.loc[campaign[S.DUPLICATE_OF].isna(), S.PASSAGE_ID].iloc[0]
    assert (campaign[S.DUPLICATE_OF].dropna() == first).all()


def test_passage_ids_stable_across_runs_and_renames(fixtures_root):
    data = (fixtures_root / "surveys" / "google_forms.csv").read_bytes()
    sha = __import__("hashlib").sha256(data).hexdigest()
    a = ingest_round([RawFile("surveys/a.csv", data, sha)], "r1")
    b = ingest_round([RawFile("surveys/renamed.csv", data, sha)], "r2")
    assert list(a.passages[S.PASSAGE_ID]) == list(b.passages[S.PASSAGE_ID])


def test_duplicate_file_counted_once(fixtures_root, tmp_path):
    (tmp_path / "surveys").mkdir()
    for name in ("a.csv", "b copy.csv"):
        shutil.copy(fixtures_root / "surveys" / "google_forms.csv", tmp_path / "surveys" / name)
    r = ingest_round(collect_round(tmp_path), "r1")
    status = dict(zip(r.files[S.SOURCE_FILE], r.files[S.FILE_STATUS]))
    assert status == {"surveys/a.csv": "read", "surveys/b copy.csv": "duplicate-file"}
    assert set(r.passages[S.SOURCE_FILE]) == {"surveys/a.csv"}
    _assert_accounting(r)
    assert "surveys/a.csv" in r.files.set_index(S.SOURCE_FILE).loc["surveys/b copy.csv", S.REASON]


def test_manifest_applies_but_survey_row_wins(fixtures_root, tmp_path):
    (tmp_path / "surveys").mkdir()
    shutil.copy(fixtures_root / "surveys" / "kobo.csv", tmp_path / "surveys" / "kobo.csv")
    (tmp_path / "manifest.csv").write_text(
        "file,country,stakeholder_group,event,date,language\n"
        "kobo.csv,Cambodia,Donors,Phnom Penh consultation,2024-06-01,en\n",
        encoding="utf-8",
    )
    r = ingest_round(collect_round(tmp_path), "r1")
    p = r.passages
    assert set(p[S.EVENT]) == {"Phnom Penh consultation"}
    assert "KHM" not in set(p[S.COUNTRY])  # every row has its own country
    assert "Donors" not in set(p[S.STAKEHOLDER_GROUP])
    assert set(p[S.LANGUAGE]) == {"en"}
    assert r.files.set_index(S.SOURCE_FILE).loc["manifest.csv", S.FILE_STATUS] == "read"
    _assert_accounting(r)


def test_hostile_round_rejects_whole_files_and_goes_on(fixtures_root, tmp_path):
    r = ingest_round(collect_round(fixtures_root / "hostile"), "r1")
    _assert_accounting(r)
    files = r.files.set_index(S.SOURCE_FILE)
    read = set(files.index[files[S.FILE_STATUS] == "read"])
    assert read == {"surveys/ünïcode name (copy) ✓.csv"}
    rejected = files[files[S.FILE_STATUS] == "rejected"]
    assert len(rejected) == len(gen.hostile()) - 1
    assert (rejected[S.UNITS] == 1).all() and rejected[S.REASON].str.len().gt(20).all()
    assert "zip bomb" in files.loc["surveys/zipbomb.xlsx", S.REASON]
    assert "XML" in files.loc["surveys/xxe.xlsx", S.REASON]
    assert "password" in files.loc["surveys/password.xlsx", S.REASON]
    assert "binary" in files.loc["surveys/binary.csv", S.REASON]
    assert "empty" in files.loc["surveys/empty.csv", S.REASON]
    report = format_check_report(r)
    assert report.count("FIX:") >= len(rejected)


def test_collect_round_is_safe(tmp_path):
    round_dir = tmp_path / "round"
    (round_dir / "surveys").mkdir(parents=True)
    (round_dir / "surveys" / "ok.csv").write_text("Q,What else?\n1,Build more ferry routes now\n")
    (round_dir / "surveys" / ".hidden.csv").write_text("x")
    (round_dir / "surveys" / "~$lock.xlsx").write_text("x")
    secret = tmp_path / "secret.csv"
    secret.write_text("Name,Comment\nAlice,top secret outside the round\n")
    os.symlink(secret, round_dir / "surveys" / "link.csv")
    big = round_dir / "surveys" / "huge.csv"
    with big.open("wb") as fh:  # 100 MB, sparse: rejected by size before any parsing
        fh.truncate(100 * 1024 * 1024)
    files = collect_round(round_dir, ConsultConfig())
    r = ingest_round(files, "r1")
    assert [f.relpath for f in files] == ["surveys/huge.csv", "surveys/link.csv", "surveys/ok.csv"]
    by = r.files.set_index(S.SOURCE_FILE)
    assert by.loc["surveys/huge.csv", S.REASON].startswith(
        "file is 100 MB, over the limit ingest.max_file_mb=50"
    )
    assert "outside the round folder" in by.loc["surveys/link.csv", S.REASON]
    assert "top secret" not in _all_output_text(r)
    assert by.loc["surveys/ok.csv", S.N_PASSAGES] == 1


def test_relpath_escaping_the_round_is_rejected():
    r = ingest_round(
        [
            RawFile("../../etc/passwd.csv", b"a,b\n1,2\n", "x" * 64),
            CollectedFile("surveys/x.csv", b"", "", 0, "the file is a broken link"),
        ],
        "r1",
    )
    assert (r.files[S.FILE_STATUS] == "rejected").all()
    _assert_accounting(r)


def test_reader_crash_rejects_file_not_round(monkeypatch, fixtures_root):
    import consult.ingest.surveys as surveys

    def boom(raw, ctx):
        raise RuntimeError("reader bug")

    monkeypatch.setattr(surveys, "read_survey", boom)
    data = (fixtures_root / "surveys" / "google_forms.csv").read_bytes()
    r = ingest_round([RawFile("surveys/a.csv", data, ""), RawFile("notes.md", b"# Hi", "")], "r1")
    by = r.files.set_index(S.SOURCE_FILE)
    assert by.loc["surveys/a.csv", S.FILE_STATUS] == "rejected"
    assert "reader bug" in by.loc["surveys/a.csv", S.REASON]
    _assert_accounting(r)


def test_check_report_lists_detection_and_accounting(survey_round):
    text = format_check_report(survey_round)
    assert "surveymonkey_cp1252.csv  [read]" in text
    assert "units 10 = passages 8 + rejected 2" in text
    assert "vendor qualtrics" in text and "encoding cp1252" in text and "delimiter tab" in text
    assert "free-text columns:" in text and "-> country" in text
    assert "Maria" not in text
    assert isinstance(
        pd.read_json(pd.io.common.StringIO(survey_round.files.to_json())), pd.DataFrame
    )


def test_stakeholder_group_spellings_become_one_canonical_group():
    from consult.ingest.attributes import group_lookup, normalise_group

    lookup = group_lookup(ConsultConfig().surveys.stakeholder_groups)
    assert normalise_group("Civil society organisation / NGO", lookup) == "Civil society"
    assert normalise_group("  small business (MSME) ", lookup) == "MSMEs"
    assert normalise_group("Government agency", lookup) == "Government"
    assert normalise_group("Private sector", lookup) == "Private sector"
    assert normalise_group("Farmers' cooperative", lookup) == "Farmers' cooperative"  # as given
    assert normalise_group("", lookup) is None
