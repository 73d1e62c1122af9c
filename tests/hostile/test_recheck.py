"""A second hostile pass over issue 11, with cases the first tests did not use: other header
spellings and languages, other obfuscations and regional number formats, honorifics in speaker
labels, names in file names and header lines, other ways a reviewer's workbook or reviews.csv
ends up, and other small files that could stall a round.

Every fixture is generated here; each test takes seconds at most (the whole-flow test and the
stall cases at full size, over a second each, are marked slow).
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from consult import schema as S
from consult.config import ConsultConfig, IngestConfig
from consult.ingest.check import format_check_report
from consult.ingest.files import collect_round
from consult.ingest.round import ingest_round
from consult.privacy.filenames import file_display_names
from consult.privacy.personal import NAME, header_meaning
from consult.privacy.redact import Redactor
from consult.schema import RawFile
from tests.support import hostile_files as H  # noqa: E402


# ==== personal data: units ========================================================================
@pytest.mark.parametrize(
    "header",
    [
        "Respondent's full name",
        "NAMA LENGKAP",
        "Tên người trả lời",
        "ชื่อผู้ตอบ",
        "Full Name (optional)",
        "Nama Penuh",
        "Pangalan ng kalahok",
        "ឈ្មោះអ្នកឆ្លើយ",
        "နာမည်",
        "ຊື່ຜູ້ຕອບ",
        "HỌ VÀ TÊN",
        "Name/Surname",
        "NAME_SURNAME",
        "Your name (optional):",
        "Nama responden (opsional)",
        "Enumerator",
        "Interviewer",
        "Pewawancara",
        "Collected by",
        "受访者姓名",
        "பெயர்",
    ],
)
def test_name_headers_in_other_spellings_are_name_columns(header):
    meaning = header_meaning(header)
    assert meaning and meaning[0] == NAME, (header, meaning)


@pytest.mark.parametrize(
    "header",
    [
        "Organisation name",
        "Name of your organisation",
        "Tên cơ quan",
        "ชื่อหน่วยงาน",
        "Nama instansi",
        "Project name",
        "Name three priorities for ASEAN",
        "Respondent ID",
    ],
)
def test_headers_that_name_no_person_stay_columns(header):
    meaning = header_meaning(header)
    assert not meaning or meaning[0] != NAME, (header, meaning)


# fmt: off
EMAILS = [
    "siti.rahma [at] gmail [dot] com", "budi(@)kemenhub.go.id", "agus @ pu . go . id",
    "mailto:dewi.lestari@bappenas.go.id", "dewi%40bappenas.go.id", "joko&#64;setneg.go.id",
    "lan [at] mof [.] gov [.] vn", "minh AT mpi DOT gov DOT vn", "somchai＠mof．go．th",
]
# fmt: on


@pytest.mark.parametrize("email", EMAILS)
def test_obfuscated_emails_are_replaced(email):
    local = email.split("[")[0].split("(")[0].split("@")[0].split("%")[0].split("&")[0]
    local = local.replace("mailto:", "").split()[0].split("＠")[0]
    out = Redactor().redact(f"For follow-up write to {email} please.")
    assert "[email]" in out, out
    assert local not in out and "gov" not in out.replace("government", ""), out


# fmt: off
PHONES = [
    "+62 812-3456-7890", "(02) 123 4567", "0917 123 4567", "+84 91 234 56 78",
    "+84 (0) 912 345 678", "0812\u20133456\u20137890", "+65 6123 4567", "+855 (0)12 345 678",
    "+95 9 4500 12345", "+673 223 4567", "+66-2-123-4567", "+60 12-345 6789",
    "+63 917 123 4567", "0912.345.678", "(+63) 2 8123 4567", "+62 (21) 345-6789",
]
# fmt: on


@pytest.mark.parametrize("phone", PHONES)
def test_regional_phone_formats_are_replaced(phone):
    out = Redactor().redact(f"You can reach the office on {phone} during the week.")
    digits = [g for g in __import__("re").findall(r"\d{3,}", phone)]
    assert "[phone]" in out or "[id-number]" in out, out
    assert not any(g in out for g in digits), out


# fmt: off
IDS = [
    "NIK 3201.2345.6789.0001", "3201 - 2345 - 6789 - 0001", "KTP: 3201/2345/6789/0001",
    "MyKad 850101 14 5678", "Thai ID 1\u20132345\u201367890\u201312\u20133",
    "NRIC s 1234567 d", "NRC 12/oukama(n)123456", "PhilSys 1234 5678 9012 3456",
    "CCCD số 001089 012345",
]
# fmt: on


@pytest.mark.parametrize("idn", IDS)
def test_identity_numbers_with_odd_separators_are_replaced(idn):
    out = Redactor().redact(f"The card shown was {idn} at the desk.")
    tail = __import__("re").findall(r"\d{3,}", idn)
    assert not any(t in out for t in tail), out


# fmt: off
KEEP = [
    "Regulation (EU) 2019/1020 applies from 2021.", "Decree 15/2020/ND-CP and Law No. 11/2020.",
    "Population 275 773 800 in 2023, up 1.1%.", "HS code 8703.23.90 covers cars.",
    "RM 12,345,678 was spent in 2022-2023.", "ISO 9001:2015 and ISO 27001 certification.",
    "The 2024-2025 work plan, phase 2 of 3.", "Rp 1.500.000 per month for 12 months.",
    "ASEAN 2045 vision; SDG 11 and 13.", "We hope for joy and grace in May.",
]
# fmt: on


@pytest.mark.parametrize("text", KEEP)
def test_ordinary_numbers_and_words_are_kept(text):
    red = Redactor(names={"Joy Santos": "Participant 1", "Mark Reyes": "Participant 2"})
    assert red.redact(text) == text


def test_a_name_learned_in_lower_case_is_replaced_when_written_capitalised():
    red = Redactor(names={"siti rahmawati": "Respondent r1"})
    out = red.redact("Siti Rahmawati agrees. Rahmawati said the port is slow; rahmawati too.")
    assert "Rahmawati" not in out and "Siti" not in out, out


def test_a_learned_part_is_not_replaced_inside_another_vietnamese_name():
    red = Redactor(names={"Tran Van Minh": "Participant 1"})
    out = red.redact("Tran Van Minh agreed with Tran Thi Maiphuong and with Nguyen Minh Chau.")
    assert out.startswith("Participant 1 agreed"), out
    assert "Tran Thi Maiphuong" in out and "Nguyen Minh Chau" in out, out


@pytest.mark.parametrize(
    "text, gone",
    [
        ("โทร ๐๘๑-๒๓๔-๕๖๗๘ ครับ", "๕๖๗๘"),
        ("លេខ ០១២ ៣៤៥ ៦៧៨", "៦៧៨"),
        ("ဖုန်း ၀၉-၄၅၀၁၂၃၄၅၆", "၄၅၀"),
        ("call 012 345 678 now", "678"),
        ("Email: siti(dot)rahma(at)gmail(dot)com", "siti"),
        ("siti dot rahma at gmail dot com", "siti"),
        ("@sitirahma on Twitter", "sitirahma"),
        ("wa.me/6281234567890", "6281234567890"),
        ("https://facebook.com/siti.rahmawati.99", "rahmawati"),
        ("www.linkedin.com/in/budi-santoso-123/", "santoso"),
        ("Line ID: @budi99", "budi99"),
    ],
)
def test_numbers_in_the_regions_digits_obfuscated_local_parts_and_handles(text, gone):
    out = Redactor().redact(text)
    assert gone not in out, out


def test_organisation_handles_and_amounts_are_kept():
    text = "Follow @ASEAN and @UNDP; population 275 773 800; see asean.org/news."
    assert Redactor().redact(text) == text


def test_a_name_learned_with_accents_is_found_without_them():
    red = Redactor(names={"Nguyễn Văn Hoàng": "Respondent 1", "Đặng Thị Thu": "Respondent 2"})
    out = red.redact("Nguyen Van Hoang and NGUYỄN VĂN HOÀNG agree; Hoang said; Dang Thi Thu too.")
    assert "Hoang" not in out and "Dang" not in out and "HOÀNG" not in out, out


def test_the_name_an_email_address_is_given_with():
    out = Redactor().redact(
        "Write to Siti Rahma <siti@kemenhub.go.id> or Budi Santoso "
        "(budi.s@x.org); Help Desk <help@x.org>; ASEAN Secretariat "
        "(info@asean.org)."
    )
    assert "Siti" not in out and "Rahma" not in out and "Santoso" not in out, out
    assert "Help Desk <[email]>" in out and "ASEAN Secretariat ([email])" in out, out


def test_speaker_labels_in_bold_or_brackets_are_speakers():
    txt = (
        "**Siti Rahmawati:** Ports matter. Rahmawati again.\n\n**Moderator:** Thanks.\n\n"
        "**Budi Santosa**: I agree with Siti.\n\n[Hendra Kurniawan]: Roads please.\n\n"
        "__Dewi Sartika:__ Customs.\n"
    )
    res = ingest_round([RawFile("transcripts/t.txt", txt.encode(), "")], "r", ConsultConfig())
    text = res.passages.to_csv(index=False)
    assert [
        n for n in ("Siti", "Rahmawati", "Santosa", "Hendra", "Kurniawan", "Sartika") if n in text
    ] == []
    assert list(res.passages[S.SPEAKER_ROLE]) == [
        "participant",
        "facilitator",
        "participant",
        "participant",
        "participant",
    ]


# ==== personal data: file names ===================================================================
@pytest.mark.parametrize(
    "rel, name",
    [
        ("workshops/notes_from_Siti_Rahma.docx", "Rahma"),
        ("workshops/notes_from_siti_rahma.md", "rahma"),
        ("transcripts/KII_SITI_RAHMA.txt", "RAHMA"),
        ("transcripts/FGD-SitiRahma.vtt", "Rahma"),
        ("transcripts/kii pak budi.txt", "budi"),
        ("transcripts/2024-03-01 Pak Joko.md", "Joko"),
        ("workshops/Phỏng vấn chị Lan.docx", "Lan"),
        ("workshops/wawancara dengan ibu sri mulyani.md", "mulyani"),
        ("workshops/Siti Rahma - notes.md", "Rahma"),
    ],
)
def test_names_in_file_names_in_other_patterns_are_hidden(rel, name):
    shown = file_display_names([rel]).display[rel]
    assert name not in shown and "[name 1]" in shown, shown


@pytest.mark.parametrize(
    "rel",
    [
        "workshops/notes-from-jakarta.md",
        "workshops/feedback-from-youth-council.md",
        "surveys/National Survey 2024.csv",
        "workshops/Breakout Group B.docx",
        "workshops/notes_from_day_2.md",
        "transcripts/Khon Kaen hearing.txt",
    ],
)
def test_file_names_without_a_person_are_kept(rel):
    assert file_display_names([rel]).display[rel] == rel


# ==== personal data: a round ======================================================================
SURVEY2 = (
    "Timestamp,Respondent's full name,Contact No.,Enumerator,Sector,"
    "What should ASEAN do next?\n"
    "2025-04-01,Siti Rahmawati,+62 812-3456-7890,Yusuf Hakimi,Government,"
    '"Ports first. Rahmawati suggests writing to siti.r [at] gmail [dot] com."\n'
    "2025-04-01,Joko Prasetyo,(02) 123 4567,Yusuf Hakimi,Youth,"
    '"Digital IDs. Joko Prasetyo can be reached at joko(@)setneg.go.id or 0812\u20133456\u20137891."\n'
    "2025-04-02,Maria Teresa Bautista,0917 123 4567,Liza Manalo,Academia,"
    '"Research funding. My NIK is 3201 - 2345 - 6789 - 0001, not needed here."\n'
    "2025-04-02,Nguyen Van Hoang,+84 91 234 56 78,Liza Manalo,Private sector,"
    '"Customs. Contact hoang @ mpi . gov . vn; Tran Thi Maiphuong agrees."\n'
    "2025-04-03,Somchai Jaidee,+66-2-123-4567,Yusuf Hakimi,Civil society,"
    '"Cheaper rail to Khon Kaen; ask Somchai Jaidee."\n'
)
SURVEY_MY = (
    "နာမည်,Country,What should ASEAN do next?\n"
    "Aye Aye Thant,Myanmar,Electricity for the factories in Mandalay is needed first.\n"
    "Kyaw Zin Latt,Myanmar,Better roads to the border crossing would help traders.\n"
    "Thandar Hlaing,Myanmar,Training for young workers in digital skills please.\n"
)
NOTES2 = (
    "Fasilitator: Dewi Anggraini\n"
    "Peserta: Bambang Sutrisno; Rudi Hartono (Bappenas)\n"
    "Prepared by: Wahyu Nugroho\n\n"
    "## Interview with Rina Marlina\n\n"
    "- Rina wants one portal for permits; Bambang agreed.\n"
    "- Dewi closed the session; write to rudi%40bappenas.go.id or mailto:wahyu.n@bappenas.go.id.\n"
    "- Ibu Kartini Wulandari from the ministry phoned +62 (21) 345-6789.\n"
    "- Farida Hanum will send the port figures.\n"
)
TRANSCRIPT2 = (
    "Moderator: Welcome. Dr. Lim, please start.\n"
    "Dr. Lim Wei Ling: Trade facilitation matters most. Lim Wei Ling, for the record.\n"
    "H.E. Dato' Ahmad Zulkifli: I agree with Dr. Lim. Zulkifli speaking for the ministry.\n"
    "Pak Joko Widagdo: Joko here; rail to Surabaya please.\n"
    "Ibu Sri Handayani: Handayani agrees with Pak Joko.\n"
    "Khun Somsri Boonmee: Boonmee from Chiang Mai; tourism.\n"
    "Anh Pham Quoc Bao: Bao thinks customs is slow in Hai Phong.\n"
    "Chị Vu Thu Trang: Trang agrees with anh Bao.\n"
    "Farida Hanum, BAPPENAS: BAPPENAS will publish the figures.\n"
)
DOCX_HEAD = "Interview with Arief Budiman"
MANIFEST2 = (
    "file,country,stakeholder_group,event,date\n"
    'surveys/feedback-form.csv,Indonesia,Government,"National consultation, Merdeka Hall",'
    "2025-04-01\n"
    'workshops/notes_from_siti_rahma.md,Indonesia,Civil society,"May Day forum, Jakarta",'
    "2025-04-02\n"
    'transcripts/panel.txt,Malaysia,Private sector,"Panel with Grace Hope Foundation",'
    "2025-04-03\n"
)
# fmt: off
PLANTED2 = [
    "Rahmawati", "siti.r", "gmail", "Prasetyo", "setneg", "3456-7890", "3456\u20137891",
    "Bautista", "Maria Teresa", "123 4567", "3201", "Van Hoang", "hoang", "mpi .", "Jaidee",
    "Somchai", "Yusuf", "Hakimi", "Liza", "Manalo", "Aye Aye", "Kyaw Zin", "Thandar",
    "Anggraini", "Bambang", "Sutrisno", "Rudi Hartono", "Hartono", "Wahyu", "Nugroho",
    "Rina", "Marlina", "bappenas.go", "Kartini", "Wulandari", "345-6789", "Wei Ling",
    "Zulkifli", "Widagdo", "Handayani", "Somsri", "Boonmee", "Quoc Bao", "Vu Thu Trang",
    "Thu Trang", "Arief", "Budiman", "siti_rahma", "siti rahma", "Joko", "Farida", "Hanum",
]
# fmt: on
KEEP2 = [
    "Tran Thi Maiphuong",
    "Khon Kaen",
    "Surabaya",
    "Chiang Mai",
    "Hai Phong",
    "Mandalay",
    "BAPPENAS will publish",
    "Entikong crossing",
]
EVENTS2 = {
    "National consultation, Merdeka Hall",
    "May Day forum, Jakarta",
    "Panel with Grace Hope Foundation",
}


def _docx(paragraphs: list[tuple[str, str]]) -> bytes:
    """A minimal .docx: (style, text) paragraphs ("Heading1" or "")."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = "".join(
        f"<w:p>{f'<w:pPr><w:pStyle w:val={chr(34)}{s}{chr(34)}/></w:pPr>' if s else ''}"
        f"<w:r><w:t>{t}</w:t></w:r></w:p>"
        for s, t in paragraphs
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}>'
            f"<w:body>{body}</w:body></w:document>"
        ),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def make_round2(root: Path, name: str = "recheck") -> Path:
    rd = root / name
    for sub in ("surveys", "transcripts", "workshops"):
        (rd / sub).mkdir(parents=True)
    (rd / "surveys" / "feedback-form.csv").write_text(SURVEY2, encoding="utf-8")
    (rd / "surveys" / "myanmar.csv").write_text(SURVEY_MY, encoding="utf-8")
    (rd / "workshops" / "notes_from_siti_rahma.md").write_text(NOTES2, encoding="utf-8")
    (rd / "workshops" / "kii.docx").write_bytes(
        _docx(
            [
                ("Heading1", DOCX_HEAD),
                ("", "Arief said the border post closes too early."),
                ("", "Budiman wants longer hours at the Entikong crossing."),
            ]
        )
    )
    (rd / "transcripts" / "panel.txt").write_text(TRANSCRIPT2, encoding="utf-8")
    (rd / "manifest.csv").write_text(MANIFEST2, encoding="utf-8")
    return rd


def leaks2(text: str) -> list[str]:
    low = text.casefold()
    return [p for p in PLANTED2 if p.casefold() in low]


@pytest.fixture(scope="module")
def round2(tmp_path_factory):
    rd = make_round2(tmp_path_factory.mktemp("raw"))
    return rd, ingest_round(collect_round(rd), rd.name, ConsultConfig())


def test_round2_no_planted_string_in_passages_rejected_files_or_check(round2):
    _, res = round2
    outputs = {
        "passages": res.passages.to_csv(index=False),
        "rejected": res.rejected.to_csv(index=False),
        "files": res.files.to_csv(index=False),
        "consult check": format_check_report(res),
    }
    found = {k: leaks2(v) for k, v in outputs.items()}
    assert found == {k: [] for k in outputs}, found


def test_round2_labels_and_other_text_stay_as_written(round2):
    _, res = round2
    p = res.passages
    assert set(p[S.EVENT].dropna()) >= EVENTS2, set(p[S.EVENT].dropna())
    texts = "\n".join(p[S.TEXT])
    assert [k for k in KEEP2 if k not in texts] == []
    assert (res.files[S.UNITS] == res.files[S.N_PASSAGES] + res.files[S.N_REJECTED]).all()


# ==== stalls ======================================================================================
def _ingest(files: dict[str, bytes], cfg: ConsultConfig | None = None):
    res = ingest_round(
        [RawFile(rel, data, "") for rel, data in files.items()], "r1", cfg or ConsultConfig()
    )
    f = res.files.set_index(S.SOURCE_FILE)
    assert (f[S.UNITS] == f[S.N_PASSAGES] + f[S.N_REJECTED]).all()
    for rel in files:
        assert rel in f.index
        if f.loc[rel, S.FILE_STATUS] != "read":
            assert f.loc[rel, S.REASON], rel
    return res, f


OK_CSV = b"Country,What should ASEAN do next?\nPH,Ferries between the islands please\n"


@pytest.mark.slow
def test_one_csv_line_without_a_newline():
    line = ("connectivity " * 400_000).encode()  # 5 MB, one record, no newline, no delimiter
    wide = b"x," * 1_000_000  # 2 MB, one record of a million cells
    _, f = _ingest({"surveys/line.csv": line, "surveys/wide.csv": wide, "surveys/ok.csv": OK_CSV})
    assert f.loc["surveys/ok.csv", S.N_PASSAGES] == 1


def test_binary_junk_and_utf16_csvs():
    junk = os.urandom(200_000)
    utf16 = (
        "Country,What should ASEAN do next?\nVN,Cheaper logistics for farmers\n"
        "TH,More trains between the cities\n"
    ).encode("utf-16")
    utf16_nobom = utf16[2:]
    _, f = _ingest(
        {"surveys/junk.csv": junk, "surveys/u16.csv": utf16, "surveys/u16le.csv": utf16_nobom}
    )
    assert f.loc["surveys/junk.csv", S.FILE_STATUS] == "rejected"
    assert f.loc["surveys/u16.csv", S.N_PASSAGES] == 2
    assert f.loc["surveys/u16le.csv", S.N_PASSAGES] == 2


def _zip_parts(parts: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.slow
def test_docx_zip_bomb_and_many_entries_and_deep_nesting():
    ok = _docx([("", "A short paragraph about ports.")])
    with zipfile.ZipFile(io.BytesIO(ok)) as zf:
        base = {n: zf.read(n) for n in zf.namelist()}
    bomb = _zip_parts({**base, "word/document.xml": b"<" + b" " * 60_000_000 + b"/>"})
    many = _zip_parts({**base, **{f"word/media/x{i}.bin": b"" for i in range(40_000)}})
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    deep_tbl = (
        ("<w:tbl><w:tr><w:tc>" * 3000)
        + "<w:p><w:r><w:t>x</w:t></w:r></w:p>"
        + ("</w:tc></w:tr></w:tbl>" * 3000)
    )
    deep = _zip_parts(
        {
            **base,
            "word/document.xml": f'<?xml version="1.0"?><w:document {ns}><w:body>{deep_tbl}'
            "<w:p><w:r><w:t>Ports please.</w:t></w:r></w:p></w:body></w:document>",
        }
    )
    _, f = _ingest(
        {
            "workshops/bomb.docx": bomb,
            "workshops/many.docx": many,
            "workshops/deep.docx": deep,
            "workshops/ok.docx": ok,
        },
        ConsultConfig(ingest=IngestConfig(max_unpacked_mb=20)),
    )
    assert f.loc["workshops/bomb.docx", S.FILE_STATUS] == "rejected"
    assert f.loc["workshops/ok.docx", S.N_PASSAGES] == 1


@pytest.mark.slow
def test_xlsx_with_a_huge_dimension_and_a_far_cell():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Country", "What should ASEAN do next?"])
    ws.append(["PH", "Ferries between the islands please"])
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace('<dimension ref="A1:B2"/>', '<dimension ref="A1:XFD1048576"/>')
    far = sheet.replace(
        "</sheetData>",
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    dim = _zip_parts({**parts, "xl/worksheets/sheet1.xml": sheet})
    farx = _zip_parts({**parts, "xl/worksheets/sheet1.xml": far})
    _, f = _ingest({"surveys/dim.xlsx": dim, "surveys/far.xlsx": farx})
    assert f.loc["surveys/dim.xlsx", S.N_PASSAGES] == 1


@pytest.mark.slow
def test_srt_with_many_tiny_cues():
    n = 100_000  # the class of "1M tiny cues", at a tenth
    cues = "".join(
        f"{i}\n00:00:{i % 60:02d},000 --> 00:00:{i % 60:02d},500\n{'AB'[i % 2]}: x{i}\n\n"
        for i in range(1, n + 1)
    )
    _, f = _ingest({"transcripts/tiny.srt": cues.encode()})
    row = f.loc["transcripts/tiny.srt"]  # 100,000 turns: refused, not hours of embedding
    assert row[S.FILE_STATUS] == "rejected" and "ingest.max_document_passages" in row[S.REASON]
    _, f = _ingest(
        {"transcripts/tiny.srt": cues.encode()},
        cfg=ConsultConfig(ingest=IngestConfig(max_document_passages=200_000)),
    )
    assert f.loc["transcripts/tiny.srt", S.N_PASSAGES] == n  # every cue a turn when allowed


def test_a_transcript_of_countless_tiny_turns_is_rejected_by_its_limit():
    lines = "".join(f"{'AB'[i % 2]}: x{i}\n" for i in range(3_000))
    _, f = _ingest(
        {"transcripts/turns.txt": lines.encode(), "workshops/ok.md": b"- Ports.\n"},
        ConsultConfig(ingest=IngestConfig(max_document_passages=2_000)),
    )
    row = f.loc["transcripts/turns.txt"]
    assert (
        row[S.FILE_STATUS] == "rejected" and "ingest.max_document_passages=2,000" in row[S.REASON]
    )
    assert f.loc["workshops/ok.md", S.N_PASSAGES] == 1
    assert ConsultConfig().ingest.max_document_passages == 50_000


@pytest.mark.slow
def test_pdf_with_thousands_of_empty_pages():
    empty = b""
    pdf = H.pdf_pages_of(*([empty] * 1900))
    _, f = _ingest(
        {"workshops/empty.pdf": pdf, "workshops/many.pdf": H.pdf_pages_of(*([empty] * 2500))},
    )
    assert f.loc["workshops/many.pdf", S.FILE_STATUS] == "rejected"


def test_links_to_devices_pipes_and_loops(tmp_path):
    rd = tmp_path / "r1"
    (rd / "surveys").mkdir(parents=True)
    (rd / "surveys" / "ok.csv").write_bytes(OK_CSV)
    os.symlink("/dev/zero", rd / "surveys" / "zero.csv")
    os.mkfifo(rd / "surveys" / "fifo.csv")
    os.symlink(rd / "surveys" / "fifo.csv", rd / "surveys" / "tofifo.csv")
    os.symlink(rd / "surveys" / "loop.csv", rd / "surveys" / "loop.csv")
    (rd / "surveys" / "dir.csv").mkdir()
    raws = collect_round(rd)
    res = ingest_round(raws, "r1", ConsultConfig())
    f = res.files.set_index(S.SOURCE_FILE)
    for rel in ("surveys/zero.csv", "surveys/fifo.csv", "surveys/tofifo.csv", "surveys/loop.csv"):
        assert f.loc[rel, S.FILE_STATUS] == "rejected" and f.loc[rel, S.REASON], rel
    assert f.loc["surveys/ok.csv", S.N_PASSAGES] == 1
    assert (f[S.UNITS] == f[S.N_PASSAGES] + f[S.N_REJECTED]).all()


# ==== reviewer decisions ==========================================================================
from openpyxl import load_workbook  # noqa: E402

from tests.support import review_harness as RH  # noqa: E402  (the flow's report step)


def _type_into(
    book: Path,
    changes: dict[str, tuple[str, str]],
    save_as: Path | None = None,
    sheet: str = "Passages",
    pid_text=lambda pid: pid,
) -> None:
    """A reviewer's edits, found by passage id, saved in place or under another name."""
    wb = load_workbook(book)
    ws = wb[sheet]
    names = [c.value for c in ws[1]]
    pid_col = names.index("Passage ID") + 1
    rp, rn = names.index("Reviewer priorities") + 1, names.index("Reviewer note") + 1
    for r in range(2, ws.max_row + 1):
        pid = str(ws.cell(r, pid_col).value or "").strip()
        if pid in changes:
            ws.cell(r, rp).value, ws.cell(r, rn).value = changes[pid]
            ws.cell(r, pid_col).value = pid_text(pid)
    wb.save(save_as or book)


def test_reviews_csv_resaved_with_bom_and_windows_line_endings(reviewed):
    path = reviewed / "r1" / "reviews.csv"
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    RH._run(reviewed)
    RH._expect_all_decisions(RH._book(reviewed))


def test_reviews_csv_emptied(reviewed):
    (reviewed / "r1" / "reviews.csv").write_bytes(b"")
    result = RH._run(reviewed)
    RH._expect_all_decisions(RH._book(reviewed))
    assert any("reviews.csv" in n for n in result.notices), result.notices


def test_reviews_csv_cut_mid_row_and_its_copy_emptied(reviewed):
    path = reviewed / "r1" / "reviews.csv"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    (reviewed / "r1" / "previous" / "reviews-copy.csv").write_bytes(b"")
    RH._run(reviewed)
    RH._expect_all_decisions(RH._book(reviewed))


def test_a_directory_named_reviews_csv(reviewed):
    rnd = reviewed / "r1"
    (rnd / "reviews.csv").unlink()
    (rnd / "reviews.csv").mkdir()
    (rnd / "reviews.csv" / "x.txt").write_text("someone's folder")
    result = RH._run(reviewed)  # the round completes
    RH._expect_all_decisions(RH._book(reviewed))
    assert any("reviews.csv" in n for n in result.notices), result.notices
    assert (rnd / "reviews.csv").is_file()
    assert list((rnd / "previous").glob("reviews*/x.txt"))  # the folder is kept, whole


def test_a_directory_named_like_the_workbook(reviewed):
    book = RH._book(reviewed)
    book.unlink()
    book.mkdir()
    result = RH._run(reviewed)
    beside = Path(result.workbook)
    assert beside != book and beside.is_file() and book.is_dir()
    RH._expect_all_decisions(beside)
    assert any("not a workbook file" in n for n in result.notices), result.notices


def test_only_previous_workbooks_left(reviewed):
    rnd = reviewed / "r1"
    for rel in ("reviews.csv", "previous/reviews-copy.csv"):
        (rnd / rel).unlink()
    shutil.rmtree(rnd / ".cache", ignore_errors=True)
    RH._book(reviewed).unlink()
    RH._run(reviewed)
    RH._expect_all_decisions(RH._book(reviewed))


def test_workbook_saved_as_xlsm_beside_the_xlsx(reviewed):
    book = RH._book(reviewed)
    xlsm = book.with_suffix(".xlsm")
    _type_into(book, {"pid0020": ("P4", "saved as xlsm")}, save_as=xlsm)
    result = RH._run(reviewed)
    shown = RH._shown(Path(result.workbook))
    assert shown["pid0020"][1] == "P4", result.notices
    assert set(RH.DECISIONS) <= set(shown)
    assert any(xlsm.name in n for n in result.notices), result.notices
    RH._run(reviewed)  # read once: a later run does not apply it again over newer edits
    _type_into(book, {"pid0020": ("P1", "changed in the xlsx")})
    RH._run(reviewed)
    assert RH._shown(book)["pid0020"][1] == "P1"


def test_workbook_saved_as_xls_is_named(reviewed):
    book = RH._book(reviewed)
    (book.with_suffix(".xls")).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    result = RH._run(reviewed)
    RH._expect_all_decisions(Path(result.workbook))
    assert any(".xls" in n and "xlsx" in n for n in result.notices), result.notices


def test_sheet_renamed_rows_sorted_filtered_and_ids_with_spaces(reviewed):
    book = RH._book(reviewed)
    wb = load_workbook(book)
    ws = wb["Passages"]
    ws.title = "My review"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    rows.sort(key=lambda r: str(r[0]), reverse=True)  # sorted by the reviewer
    for i, r in enumerate(rows, start=2):
        for j, v in enumerate(r, start=1):
            ws.cell(i, j).value = v
    ws.auto_filter.ref = ws.dimensions
    ws.row_dimensions[3].hidden = True
    wb.save(book)
    _type_into(
        book,
        {"pid0021": ("P2", "sorted"), "pid0022": ("P3", "")},
        sheet="My review",
        pid_text=lambda pid: f" {pid}\u00a0",
    )
    RH._run(reviewed)
    book = RH._book(reviewed)
    shown = RH._shown(book)
    assert shown["pid0021"][1] == "P2" and shown["pid0022"][1] == "P3"
    assert set(RH.DECISIONS) <= set(shown)


# ==== the whole flow: every output file of the planted round ======================================
def _output_texts(out_dir: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted(out_dir.rglob("*")):
        rel = path.relative_to(out_dir).as_posix()
        texts[f"name of {rel}"] = rel
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            wb = openpyxl.load_workbook(path, read_only=True)
            texts[rel] = "\n".join(
                f"{ws.title}\n"
                + "\n".join(
                    str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None
                )
                for ws in wb.worksheets
            )
            wb.close()
        elif path.suffix == ".parquet":
            texts[rel] = pd.read_parquet(path).to_csv(index=False)
        elif path.suffix in (".csv", ".json", ".md", ".txt", ".log"):
            texts[rel] = path.read_text(encoding="utf-8-sig", errors="replace")
    return texts


@pytest.mark.slow
def test_round2_through_the_whole_flow_leaks_nothing(tmp_path):
    from consult.commands import run_round
    from consult.config import EmbeddingConfig

    raw = tmp_path / "raw"
    rd = make_round2(raw, "r2")
    out = tmp_path / "out"
    cfg = ConsultConfig(embedding=EmbeddingConfig(model="hashing-128"))
    book = Path(run_round("r2", str(raw), str(out), cfg))
    assert book.is_file()
    texts = _output_texts(out / "r2")
    assert {"passages.csv", "passages.parquet", "run-info.json", book.name} <= set(texts)
    assert "Participant" in texts[book.name]  # the workbook was read, pseudonyms and all
    found = {k: leaks2(v) for k, v in texts.items()}
    assert {k: v for k, v in found.items() if v} == {}
    p = pd.read_csv(out / "r2" / "passages.csv", dtype=str)
    assert set(p[S.EVENT].dropna()) >= EVENTS2
    assert rd.is_dir()
