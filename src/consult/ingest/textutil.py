"""Shared helpers for the document readers: safe .docx/.pdf opening, header metadata, non-answers.

Everything here treats the upload as hostile: the zip and XML checks in `safety` come before any
parsing, and failures become UnreadableFile with a reason a facilitator can act on.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from consult.config import IngestConfig
from consult.ingest.base import UnreadableFile
from consult.ingest.safety import check_office_zip, decode_text, split_lines

__all__ = ["DocBlock", "HeaderMeta", "decode_text", "docx_blocks", "non_answer_reason",
           "parse_meta_line", "pdf_pages", "split_lines", "split_person_list"]

log = logging.getLogger(__name__)


# ---- .docx ---------------------------------------------------------------------------------


@dataclass
class DocBlock:
    """One paragraph (or table cell paragraph) of a .docx, in body order."""

    text: str
    where: str  # "paragraph 12" / "table 1, row 2, cell 3"
    heading_level: int | None = None  # 1.. for headings, 0 for Title
    is_list: bool = False
    all_bold: bool = False
    style: str = ""


def _style_names(document) -> dict[str, str]:
    """Style id -> name, read once (python-docx looks each paragraph's style up by scanning)."""
    try:
        return {st.style_id: st.name or "" for st in document.styles}
    except Exception:  # a damaged styles part: no styles, paragraphs still read
        return {}


def _para_info(p, styles: dict[str, str]) -> tuple[int | None, bool, bool, str]:
    try:
        style_id = p._p.style
    except Exception:  # an unreadable pPr
        style_id = None
    style = styles.get(style_id, "") if style_id else ""
    level: int | None = None
    m = re.match(r"(?i)heading\s*(\d)", style)
    if m:
        level = int(m.group(1))
    elif style.lower() == "title":
        level = 0
    ppr = p._p.pPr
    is_list = bool(
        (ppr is not None and ppr.numPr is not None) or re.match(r"(?i)list", style)
    )
    runs = [r for r in p.runs if r.text.strip()]
    all_bold = bool(runs) and all(r.bold for r in runs)
    return level, is_list, all_bold, style


def docx_blocks(data: bytes, config: IngestConfig) -> list[DocBlock]:
    """Paragraphs and table cells of a .docx in body order, after the safety checks."""
    check_office_zip(data, config, "docx", "word/document.xml")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        items = list(document.iter_inner_content())
        styles = _style_names(document)
    except Exception as exc:
        raise UnreadableFile(
            f"could not be opened as a Word document ({type(exc).__name__}); "
            "re-save it from Word as .docx and upload again"
        ) from exc
    blocks: list[DocBlock] = []
    n_para = n_table = 0
    for item in items:
        if isinstance(item, Paragraph):
            n_para += 1
            level, is_list, bold, style = _para_info(item, styles)
            blocks.append(DocBlock(item.text, f"paragraph {n_para}", level, is_list, bold, style))
        elif isinstance(item, Table):
            n_table += 1
            seen: list = []  # merged cells repeat; keep the elements alive so `is` is reliable
            for r, row in enumerate(item.rows, 1):
                for c, cell in enumerate(row.cells, 1):
                    if any(cell._tc is tc for tc in seen):
                        continue
                    seen.append(cell._tc)
                    for k, p in enumerate(cell.paragraphs, 1):
                        level, is_list, bold, style = _para_info(p, styles)
                        where = f"table {n_table}, row {r}, cell {c}"
                        if len(cell.paragraphs) > 1:
                            where += f", paragraph {k}"
                        blocks.append(DocBlock(p.text, where, None, is_list, bold, style))
    return blocks


# ---- .pdf ----------------------------------------------------------------------------------

MAX_PDF_PAGES = 2000


def pdf_pages(data: bytes) -> list[str]:
    """Text of each page of a text-based PDF; scanned, encrypted or broken PDFs are refused."""
    if not data.startswith(b"%PDF"):
        raise UnreadableFile("the file is not a PDF (no %PDF header); upload the original file")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise UnreadableFile(
                    "the PDF is password-protected; remove the password and upload the PDF again"
                )
        n = len(reader.pages)
        if n > MAX_PDF_PAGES:
            raise UnreadableFile(f"the PDF has {n} pages, over the limit of {MAX_PDF_PAGES}; split it")
        pages = [(page.extract_text() or "") for page in reader.pages]
    except UnreadableFile:
        raise
    except (PdfReadError, Exception) as exc:
        raise UnreadableFile(
            f"the PDF is truncated or corrupt ({type(exc).__name__}); upload the PDF again or "
            "the original .docx"
        ) from exc
    if not any(p.strip() for p in pages):
        raise UnreadableFile(
            "the PDF looks scanned (no text layer); upload the original .docx or an OCR'd PDF"
        )
    return pages


# ---- header metadata -------------------------------------------------------------------------

# key (lowercase, as written) -> canonical field
META_KEYS = {
    "country": "country", "countries": "country", "member state": "country", "ams": "country",
    "date": "date", "dates": "date", "date of meeting": "date",
    "stakeholders": "stakeholder_group", "stakeholder group": "stakeholder_group",
    "stakeholder groups": "stakeholder_group", "stakeholder": "stakeholder_group",
    "sector": "stakeholder_group", "participants' sector": "stakeholder_group",
    "event": "event", "workshop": "event", "meeting": "event", "session title": "event",
    "facilitator": "facilitator", "facilitators": "facilitator", "moderator": "facilitator",
    "chair": "facilitator", "note-taker": "facilitator", "note taker": "facilitator",
    "notetaker": "facilitator", "rapporteur": "facilitator", "interviewer": "facilitator",
    "venue": "venue", "location": "venue", "city": "venue", "time": "time",
    "language": "language", "round": "round_label", "attendees": "attendees",
    "participants": "attendees", "number of participants": "attendees",
}
_META_RE = re.compile(r"^\s*(?:[*_]{1,2})?([A-Za-z][A-Za-z' -]{1,30}?)(?:[*_]{1,2})?\s*:(?:[*_]{1,2})?\s*(.*?)\s*$")


def parse_meta_line(line: str) -> tuple[str, str] | None:
    """("country", "Indonesia") for a header line like "Country: Indonesia", else None."""
    m = _META_RE.match(line)
    if not m:
        return None
    key = m.group(1).strip().lower()
    field_ = META_KEYS.get(key)
    if field_ is None or not m.group(2).strip():
        return None
    return field_, m.group(2).strip().strip("*_").strip()


def split_person_list(value: str) -> list[str]:
    """"Maria Santos (ASEC); John Tan" -> ["Maria Santos", "John Tan"] (organisations in brackets dropped)."""
    out = []
    for part in re.split(r"[;,/]| and |&", value):
        part = re.sub(r"\([^)]*\)", "", part).strip(" .")
        if part:
            out.append(part)
    return out


@dataclass
class HeaderMeta:
    fields: dict[str, str] = field(default_factory=dict)
    facilitators: list[str] = field(default_factory=list)

    def add(self, key: str, value: str) -> None:
        if key == "facilitator":
            self.facilitators.extend(split_person_list(value))
        elif key not in self.fields:
            self.fields[key] = value

    def keys_seen(self) -> list[str]:
        """The header keys found, sorted; "facilitator" last when any facilitator was named."""
        return sorted(self.fields) + (["facilitator"] if self.facilitators else [])


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)


# Scripts written without spaces between words: a run of Thai, Lao, Burmese or Khmer letters
# holds about one word per 4 characters, a run of Chinese or Japanese one per 2.
_UNSPACED_SEA = re.compile(r"[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF]+")
_UNSPACED_CJK = re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF]+")


def count_words(text: Any) -> int:
    """Words in `text`, also in scripts without spaces, so a Thai answer is not 'one word'."""
    if not isinstance(text, str):
        return 0
    n = len(text.split())
    for pattern, per_word in ((_UNSPACED_SEA, 4), (_UNSPACED_CJK, 2)):
        for run in pattern.findall(text):
            n += max(0, -(-len(run) // per_word) - 1)  # the run already counted as one word
    return n


def non_answer_reason(text: Any, non_answers: set[str] | frozenset[str] | list[str],
                      phrases: bool = True) -> str | None:
    """Why a unit is not usable ("empty", "no words ('...')", "non-answer ('N/A')"), or None.

    The rule for every source kind: an empty unit, or one without a letter or digit, is rejected.
    Stock non-answer phrases (`ingest.non_answers`: "N/A", "no comment") are rejected only when
    `phrases` is true: for survey answers and workshop notes, not for conversation turns, where
    "No." or "OK" is a real reply.
    """
    if not isinstance(text, str) or not text.strip():
        return "empty"
    t = text.strip()
    if len(t) > 60 and _HAS_WORD.search(t) and t.casefold() not in non_answers:
        return None  # longer than any stock phrase: the common case, decided cheaply
    if phrases:
        folded = re.sub(r"\s+", " ", t.casefold())
        bare = _NON_WORD.sub(" ", folded).strip()
        keys = {folded, folded.rstrip("!. ") or folded, bare}
        if any(k in non_answers for k in keys) or (bare and bare in _bare_set(non_answers)):
            return f"non-answer ('{t[:40]}')"
    if not _HAS_WORD.search(t):
        return f"no words ('{t[:40]}')"
    return None


_BARE_CACHE: dict[frozenset[str], frozenset[str]] = {}


def _bare_set(non_answers) -> frozenset[str]:
    key = frozenset(non_answers)
    if key not in _BARE_CACHE:
        _BARE_CACHE[key] = frozenset(_NON_WORD.sub(" ", a.casefold()).strip() for a in key) - {""}
    return _BARE_CACHE[key]
