"""Workshop-notes reader: sections, metadata, verbatim passages, accounting, hostile files."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from consult import schema as S
from consult.config import ConsultConfig, IngestConfig
from consult.ingest.base import ReadContext, UnreadableFile
from consult.ingest.textutil import decode_text, docx_blocks, pdf_pages
from consult.ingest.workshops import read_workshop
from consult.schema import RawFile

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "workshops"
GOOD = sorted(p for p in FIX.iterdir() if p.is_file() and p.name != "scanned.pdf")
HOSTILE = FIX / "hostile"


def ctx(**ingest) -> ReadContext:
    cfg = ConsultConfig()
    if ingest:
        cfg = ConsultConfig(ingest=cfg.ingest.model_copy(update=ingest))
    return ReadContext(round="r1", config=cfg)


def read(path: Path, c: ReadContext | None = None):
    return read_workshop(RawFile(f"workshops/{path.name}", path.read_bytes()), c or ctx())


def source_text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".docx":
        return "\n".join(b.text for b in docx_blocks(data, IngestConfig()))
    if path.suffix == ".pdf":
        return "\n".join(pdf_pages(data))
    return decode_text(data)[0].replace("\r\n", "\n")


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_accounting_and_verbatim(path: Path):
    res = read(path)
    assert res.units == len(res.passages) + len(res.rejected) > 0
    src = source_text(path)
    for p in res.passages:
        assert p[S.TEXT] and p[S.TEXT] == p[S.TEXT].strip()
        assert p[S.TEXT] in src, p[S.TEXT]  # a reviewer finds it in the file
        assert p[S.SOURCE_KIND] == "workshop" and p[S.SPEAKER_ROLE] == "note"
        assert p[S.SOURCE_FILE] == f"workshops/{path.name}"
        assert p[S.IS_STAKEHOLDER_INPUT] is True
        assert re.match(r"(line|paragraph|page|table) \d+", p[S.LOCATION])
        assert not any(
            m in p[S.TEXT] for m in ("Country:", "Date:", "Stakeholders:", "Facilitator:")
        )
    for r in res.rejected:
        assert set(r) == {S.LOCATION, S.REASON}


def test_markdown_sections_metadata_and_rejections():
    res = read(FIX / "jakarta_notes.md")
    secs = [p[S.SECTION] for p in res.passages]
    assert secs[0] == "Breakout group A > Sustainable infrastructure"
    assert "Breakout group A > Digital innovation" in secs
    assert secs[-1] == "Breakout group B > Seamless logistics"  # bold line as heading
    assert res.detected["title"] == "Jakarta national consultation: workshop notes"
    p = res.passages[0]
    assert (p[S.COUNTRY], p[S.DATE]) == ("Indonesia", "2024-03-12")
    assert p[S.STAKEHOLDER_GROUP] == "Private sector and logistics associations"
    assert p[S.LOCATION] == "line 12"
    assert p[S.TEXT] == "Port congestion at Tanjung Priok raises logistics costs for exporters."
    # the reader rejects only empty units; "N/A" is a stock non-answer, rejected in round.py
    assert [r[S.REASON] for r in res.rejected] == ["empty"]
    assert "N/A" in [p[S.TEXT] for p in res.passages]
    multi = [x for x in res.passages if x[S.TEXT].startswith("Several participants")][0]
    assert "\n" in multi[S.TEXT]  # wrapped paragraph kept as one unit, lines verbatim
    assert res.names["Maria Santos"] == "Facilitator 1"
    assert len(res.passages) == 7  # with "N/A", rejected round-wide


@pytest.mark.parametrize(
    "name,encoding",
    [("manila_notes_cp1252.txt", "cp1252"), ("manila_notes_utf8bom.txt", "utf-8-sig")],
)
def test_plain_text_headings_and_encodings(name, encoding):
    res = read(FIX / name)
    assert res.detected["encoding"] == encoding
    assert [p[S.SECTION] for p in res.passages] == [
        "BREAKOUT GROUP C > People mobility",
        "BREAKOUT GROUP C > People mobility",
        "BREAKOUT GROUP C > Regulatory excellence",
    ]
    assert "café owners’ association" in res.passages[-1][S.TEXT]
    assert res.passages[0][S.EVENT] == "Manila stakeholder workshop"
    assert res.passages[0][S.COUNTRY] == "Philippines"
    assert res.rejected == [{S.LOCATION: "line 16", S.REASON: "empty"}]


def test_docx_headings_bullets_tables_and_facilitator_name():
    res = read(FIX / "hanoi_notes.docx")
    by_text = {p[S.TEXT]: p for p in res.passages}
    p = by_text["Rural broadband remains patchy outside the main corridors."]
    assert p[S.SECTION] == "Breakout group B > Digital connectivity"
    assert p[S.COUNTRY] == "Viet Nam" and p[S.EVENT] == "Hanoi national consultation"
    assert p[S.STAKEHOLDER_GROUP] == "Government agencies"
    grid = by_text[
        "The ASEAN Power Grid needs a common tariff framework before new links are built."
    ]
    assert grid[S.SECTION].startswith("Breakout group B > Sustainable infrastructure")
    cell = by_text["Extend the ASEAN Single Window to transit documents"]
    assert cell[S.LOCATION] == "table 1, row 2, cell 2"
    assert res.rejected == [{S.LOCATION: "paragraph 11", S.REASON: "empty"}]  # empty bullet
    assert res.names["Nguyen Van An"] == "Facilitator 1"
    assert res.detected["title"] == "Hanoi workshop notes"


def test_pdf_text_layer_and_scanned():
    res = read(FIX / "bangkok_notes.pdf")
    assert [p[S.SECTION] for p in res.passages] == ["Plenary discussion"] * 3
    assert res.passages[0][S.COUNTRY] == "Thailand"
    assert res.passages[0][S.TEXT].startswith("Participants agreed") and res.passages[0][
        S.TEXT
    ].endswith("still too high.")
    with pytest.raises(UnreadableFile, match="looks scanned"):
        read(FIX / "scanned.pdf")


@pytest.mark.parametrize(
    "name,phrase",
    [
        ("truncated.docx", "truncated or corrupt"),
        ("not_a_zip.docx", "not a .docx"),
        ("encrypted.docx", "password-protected"),
        ("xxe.docx", "unsafe XML"),
        ("billion_laughs.docx", "unsafe XML"),
        ("bomb.docx", "zip bomb"),
        ("binary.txt", "binary"),
        ("image_named.md", "PNG image"),
    ],
)
def test_hostile_files_rejected_with_reason(name, phrase):
    with pytest.raises(UnreadableFile, match=phrase):
        read(HOSTILE / name)


def test_unpacked_size_limit_is_configurable():
    with pytest.raises(UnreadableFile, match="max_unpacked_mb"):
        read(FIX / "hanoi_notes.docx", ctx(max_unpacked_mb=0.01))


def test_unsupported_and_empty():
    with pytest.raises(UnreadableFile, match="unsupported type"):
        read_workshop(RawFile("workshops/notes.odt", b"PK\x03\x04"), ctx())
    with pytest.raises(UnreadableFile, match="empty"):
        read_workshop(RawFile("workshops/empty.txt", b"\n\n"), ctx())
    with pytest.raises(UnreadableFile, match="no text"):
        read_workshop(RawFile("workshops/rule.md", b"---\n\n***\n"), ctx())
    with pytest.raises(UnreadableFile, match="not a PDF"):
        read_workshop(RawFile("workshops/x.pdf", b"hello"), ctx())


def test_decode_text_encodings():
    s = "Café – ‘quotes’ and naïve text about ASEAN connectivity, repeated. " * 5
    assert decode_text(s.encode("utf-8")) == (s, "utf-8")
    assert decode_text(s.encode("utf-16"))[0] == s
    assert decode_text(s.encode("utf-16-le")) == (s, "utf-16-le")
    assert decode_text(s.encode("cp1252")) == (s, "cp1252")
    with pytest.raises(UnreadableFile):
        decode_text(b"\x00\x01\x02\x03" * 100)


def test_docx_with_dtd_in_rels_is_refused():
    good = (FIX / "hanoi_notes.docx").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "_rels/.rels":
                data = data.replace(b"?>", b'?><!DOCTYPE r [<!ENTITY e SYSTEM "http://x/">]>', 1)
            dst.writestr(info, data)
    with pytest.raises(UnreadableFile, match="unsafe XML"):
        read_workshop(RawFile("workshops/evil.docx", buf.getvalue()), ctx())


def test_plain_fragments_without_headings_are_passages():
    text = (
        "Need for better cross-border payments.\n\nMore training for SMEs\non e-commerce rules.\n"
    )
    res = read_workshop(RawFile("workshops/n.txt", text.encode()), ctx())
    assert [p[S.TEXT] for p in res.passages] == [
        "Need for better cross-border payments.",
        "More training for SMEs\non e-commerce rules.",
    ]
    assert all(p[S.SECTION] is None for p in res.passages)


def test_pdf_paragraphs_split_on_layout_gaps():
    """Word exports 'space after' as a larger line step, not a blank line: two paragraphs whose
    first ends on a full-width line without a full stop were read as one (issue 11)."""
    from tests.support.hostile_files import pdf_pages_of, text_page

    first = [
        "Participants from the private sector asked that customs procedures at land borders",
        "be harmonised and that the ASEAN Single Window carry transit documents as well as",
    ]
    second = ["Civil society groups asked for public reporting on the progress of each project."]
    data = pdf_pages_of(text_page([first, second], gap=10))
    res = read_workshop(RawFile("workshops/gaps.pdf", data), ctx())
    assert [p[S.TEXT] for p in res.passages] == ["\n".join(first), second[0]]
    same = read_workshop(
        RawFile("workshops/one.pdf", pdf_pages_of(text_page([first + second], gap=0))), ctx()
    )
    assert len(same.passages) == 1  # lines at the normal pitch stay one paragraph


def test_docx_vertically_merged_cells_are_read_once():
    from tests.support.hostile_files import docx_big_table

    res = read_workshop(RawFile("workshops/t.docx", docx_big_table(4, 3)), ctx())
    locs = [p[S.LOCATION] for p in res.passages]
    assert locs[:4] == [
        "paragraph 1",
        "table 1, row 1, cell 1",
        "table 1, row 1, cell 2",
        "table 1, row 1, cell 3",
    ]
    assert locs[4:6] == ["table 1, row 2, cell 2", "table 1, row 2, cell 3"]
    assert res.units == len(locs) == 2 + 4 * 2
