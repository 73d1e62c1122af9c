"""A round with planted personal data: nothing planted reaches any output; pseudonyms are
unambiguous across files; header lists do not override the manifest; passages stay verbatim."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.files import collect_round
from consult.ingest.round import ingest_round
from tests.support.verbatim import check_round

PLANTED = [
    "Maria Santos",
    "maria.santos@example.org",
    "917 555 0142",
    "Nguyen Van Binh",
    "Siti Aminah",
    "Aminah",
    "Binh",
    "Santos",
    "8123 4567",
    "S1234567D",
    "Lim Wei Ling",
]

SURVEY = (
    "ID,Start time,Completion time,Email,Name,Phone,What should ASEAN prioritise next?\n"
    "1,2024-05-01 10:00,2024-05-01 10:05,maria.santos@example.org,Maria Santos,+63 917 555 0142,"
    '"Faster customs at land borders; Maria Santos thinks so too."\n'
    "2,2024-05-01 11:00,2024-05-01 11:09,lim@example.org,Lim Wei Ling,8123 4567,"
    '"Ask Santos or call 8123 4567 about cheaper roaming, NRIC S1234567D."\n'
    "3,2024-05-01 12:00,2024-05-01 12:02,,,,N/A\n"
)
VTT = (
    "WEBVTT\n\n"
    "00:00:01.000 --> 00:00:04.000\n<v Dr. Nguyen Van Binh (Facilitator)>Welcome. Siti, please start.\n\n"
    "00:00:05.000 --> 00:00:08.000\n<v Siti Aminah>Thank you Mr Binh. Ports need investment.\n\n"
    "00:00:09.000 --> 00:00:10.000\n<v Dr. Nguyen Van Binh (Facilitator)>Is that all?\n\n"
    "00:00:11.000 --> 00:00:12.000\n<v Siti Aminah>No.\n\n"
)
TXT = (
    "Speaker 1: Rail links matter more than roads for us.\n"
    "Siti Aminah: I agree with that, rail first.\n"
    "Speaker 1: OK\n"
)
NOTES = (
    "Country: Malaysia\nStakeholders: Government; private sector; youth\n"
    "Facilitator: Maria Santos\n\n# Breakout A\n\n- Cheaper data roaming for students.\n"
    "- Maria Santos asked for a follow-up.\n- N/A\n"
)
MANIFEST = "file,stakeholder_group\nworkshops/kl.md,Government\n"


def make_round(root: Path) -> Path:
    rd = root / "planted"
    for sub in ("surveys", "transcripts", "workshops"):
        (rd / sub).mkdir(parents=True)
    (rd / "surveys" / "forms.csv").write_text(SURVEY, encoding="utf-8")
    (rd / "surveys" / "forms copy.csv").write_text(SURVEY, encoding="utf-8")  # same file twice
    (rd / "surveys" / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (rd / "transcripts" / "a.vtt").write_text(VTT, encoding="utf-8")
    (rd / "transcripts" / "b.txt").write_text(TXT, encoding="cp1252")
    (rd / "workshops" / "kl.md").write_text(NOTES, encoding="utf-8")
    (rd / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    return rd


def test_planted_personal_data_never_reaches_an_output(tmp_path):
    rd = make_round(tmp_path)
    res = ingest_round(collect_round(rd), "planted", ConsultConfig())
    dump = "\n".join(df.to_csv(index=False) for df in (res.passages, res.rejected, res.files))
    leaks = [x for x in PLANTED if x.lower() in dump.lower()]
    assert leaks == []
    files = res.files.set_index(S.SOURCE_FILE)
    assert (files[S.UNITS] == files[S.N_PASSAGES] + files[S.N_REJECTED]).all()
    statuses = sorted(files.loc[["surveys/forms.csv", "surveys/forms copy.csv"], S.FILE_STATUS])
    assert statuses == ["duplicate-file", "read"]
    assert files.loc["surveys/broken.xlsx", S.FILE_STATUS] == "rejected"
    n, problems = check_round(rd)
    assert n == len(res.passages) and problems == []


def test_pseudonyms_are_unambiguous_across_the_round(tmp_path):
    rd = make_round(tmp_path)
    p = ingest_round(collect_round(rd), "planted", ConsultConfig()).passages
    by_file = {
        f: list(g[S.SPEAKER]) for f, g in p[p[S.SOURCE_KIND] == "transcript"].groupby(S.SOURCE_FILE)
    }
    a, b = by_file["transcripts/a.vtt"], by_file["transcripts/b.txt"]
    assert a == ["Facilitator 1", "Participant 1", "Facilitator 1", "Participant 1"]
    # Siti Aminah is one person in both files; "Speaker 1" of b.txt is somebody else
    assert b == ["Participant 2", "Participant 1", "Participant 2"]
    texts = " ".join(p[S.TEXT])
    assert "Thank you Facilitator 1." in texts
    # short conversational replies are turns, not non-answers
    assert {"No.", "OK"} <= set(p[S.TEXT])


def test_header_list_does_not_override_manifest_group(tmp_path):
    rd = make_round(tmp_path)
    res = ingest_round(collect_round(rd), "planted", ConsultConfig())
    notes = res.passages[res.passages[S.SOURCE_FILE] == "workshops/kl.md"]
    assert set(notes[S.STAKEHOLDER_GROUP]) == {"Government"}
    assert set(notes[S.COUNTRY]) == {"MYS"}
    attrs = json.loads(notes.iloc[0][S.ATTRIBUTES])
    assert attrs["stakeholders"] == "Government; private sector; youth"
    assert "N/A" not in set(notes[S.TEXT])
    rej = res.rejected[res.rejected[S.SOURCE_FILE] == "workshops/kl.md"]
    assert list(rej[S.REASON]) == ["non-answer ('N/A')"]


# ---- issue 11: name columns in the region's languages, by header or by values -------------------

LATIN = ["Maria Santos Reyes", "Budi Santoso", "Khamphone Sisavath", "Lim Wei Ling"]
# fmt: off
NAME_HEADERS = [
    ("Name of respondent", LATIN), ("Interviewee name", LATIN), ("Nama Responden", LATIN),
    ("Your name please", LATIN), ("Pangalan", LATIN), ("Nama penuh", LATIN),
    ("Họ tên", ["Nguyễn Văn Bình", "Trần Thị Mai", "Lê Văn Hùng", "Phạm Thu Trang"]),
    ("Tên", ["Nguyễn Văn Bình", "Trần Thị Mai", "Lê Văn Hùng", "Phạm Thu Trang"]),
    ("Họ và tên", ["Nguyễn Văn Bình", "Trần Thị Mai", "Lê Văn Hùng", "Phạm Thu Trang"]),
    ("ชื่อ", ["สมชาย วงศ์สกุล", "สมหญิง ศรีสุข", "ประยุทธ์ มั่นคง", "วิไล ใจงาม"]),
    ("ชื่อ-นามสกุล", ["สมชาย วงศ์สกุล", "สมหญิง ศรีสุข", "ประยุทธ์ มั่นคง", "วิไล ใจงาม"]),
    ("ឈ្មោះ", ["សុខ ចាន់ថា", "ចាន់ ដារ៉ា", "ហេង សុភ័ក្រ", "លី សុខា"]),
    ("ຊື່", ["ສົມພອນ ແກ້ວມະນີ", "ບຸນມີ ສີສະຫວາດ", "ຄຳພອນ ພົມມະຈັນ", "ນາງ ວັນດີ"]),
    ("အမည်", ["အောင်ကျော်မိုး", "ဒေါ်ခင်ခင်ဝင်း", "ဦးမောင်မောင်", "မသီတာထွန်း"]),
]
# fmt: on


def _survey_round(tmp_path: Path, header: str, names: list[str], extra: str = "") -> Path:
    rd = tmp_path / "names"
    (rd / "surveys").mkdir(parents=True)
    rows = [f'"{header}",Sector,What should ASEAN prioritise in the next plan?{extra}']
    for i, name in enumerate(names):
        rows.append(
            f'"{name}",Government,"{name} says rail links across the region matter '
            f'most, number {i}."'
        )
    (rd / "surveys" / "s.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return rd


@pytest.mark.parametrize("header,names", NAME_HEADERS, ids=[h for h, _ in NAME_HEADERS])
def test_name_columns_in_the_regions_languages_never_reach_an_output(tmp_path, header, names):
    rd = _survey_round(tmp_path, header, names)
    res = ingest_round(collect_round(rd), "names", ConsultConfig())
    dump = "\n".join(df.to_csv(index=False) for df in (res.passages, res.rejected, res.files))
    assert [n for n in names if n in dump] == []
    assert len(res.passages) == len(names)  # the answers are kept, with the names replaced
    det = json.loads(res.files.iloc[0][S.DETECTED])
    decisions = {d["column"]: d["decision"] for d in det["sheets"][0]["column_decisions"]}
    assert decisions[header] == "name column -> redacted"


@pytest.mark.parametrize(
    "header",
    [
        "Name of your organisation",
        "Tên tổ chức",
        "Nama instansi",
        "Top ten priorities",
        "ชื่อหน่วยงาน",
    ],
)
def test_headers_naming_no_person_stay_attributes(tmp_path, header):
    orgs = ["Ministry of Transport", "Port Authority", "Chamber of Commerce", "Youth Council"]
    rd = _survey_round(tmp_path, header, orgs)
    res = ingest_round(collect_round(rd), "names", ConsultConfig())
    det = json.loads(res.files.iloc[0][S.DETECTED])
    decisions = {d["column"]: d["decision"] for d in det["sheets"][0]["column_decisions"]}
    assert decisions[header] == "attribute"
    assert "Ministry of Transport" in " ".join(res.passages[S.TEXT])


def test_manifest_labels_are_kept_and_contact_details_in_them_redacted(tmp_path):
    rd = tmp_path / "labels"
    (rd / "transcripts").mkdir(parents=True)
    (rd / "transcripts" / "t.txt").write_text(
        "National Vientiane: Roads first.\nSpeaker 2: Ports, in Vientiane.\n", encoding="utf-8"
    )
    (rd / "manifest.csv").write_text(
        'file,event,stakeholder_group\ntranscripts/t.txt,"National consultation, Vientiane; '
        'info: focal.point@example.org, +856 21 555 1234",Youth\n',
        encoding="utf-8",
    )
    res = ingest_round(collect_round(rd), "labels", ConsultConfig())
    p = res.passages
    assert set(p[S.EVENT]) == {"National consultation, Vientiane; info: [email], [phone]"}
    assert set(p[S.STAKEHOLDER_GROUP]) == {"Youth"}
    assert "Ports, in Vientiane." in set(p[S.TEXT])
    files = res.files.to_csv(index=False)
    assert "focal.point" not in files and "555 1234" not in files


def test_positions_in_locations_are_not_taken_for_phone_numbers():
    from consult.ingest.round import redact_around_positions

    def mask(v):
        return v.replace("0812 3456 7890", "[phone]").replace("3001-3007", "[phone]")

    assert redact_around_positions("cues 3001-3007", mask) == "cues 3001-3007"
    assert (
        redact_around_positions("row 12 column 'call 0812 3456 7890'", mask)
        == "row 12 column 'call [phone]'"
    )
    assert redact_around_positions("turn 4, part 2 of 3", mask) == "turn 4, part 2 of 3"
