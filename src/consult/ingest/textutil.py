"""Shared helpers for the document readers: safe decoding, safe .docx/.pdf opening, header metadata.

Everything here treats the upload as hostile: size and ratio checks come before any parsing, XML
with a DOCTYPE or entity declarations is refused, and failures become UnreadableFile with a reason
a facilitator can act on.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

from consult.ingest.base import UnreadableFile

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a zip archive (e.g. .docx/.xlsx)",
    _OLE_MAGIC: "a legacy Office file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
}
# Control characters that never occur in real text (tab, LF, CR, FF are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SAMPLE = 1 << 20  # bytes given to the charset detector; decoding itself covers the whole file


def _binary_reason(data: bytes) -> str | None:
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            return what
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM (some tools' tab-separated exports): many NULs on one byte parity."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    sample = text[:100_000]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 200)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode an uploaded text file: BOM first, then UTF-8, UTF-16 by NUL pattern, then a detector.

    Returns (text, encoding). Raises UnreadableFile when the bytes are not text (binary content
    under a text extension), so one bad upload is rejected instead of producing garbage passages.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc.replace("-sig", ""))
            except UnicodeDecodeError:
                text = data[len(bom):].decode(enc.replace("-sig", ""), errors="replace")
            if _looks_binary(text):
                break
            return text, enc
    what = _binary_reason(data)
    if what:
        raise UnreadableFile(
            f"is {what}, not a text file; upload it with its real extension or export it as text"
        )
    try:
        text = data.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError:
        text, enc = "", ""
    if not enc:
        enc16 = _utf16_without_bom(data)
        if enc16:
            text, enc = data.decode(enc16, errors="replace"), enc16
    if not enc:
        if b"\x00" in data[:65536]:
            raise UnreadableFile(
                "contains binary data (NUL bytes), not text; upload the original document "
                "or export it as UTF-8 text"
            )
        from charset_normalizer import from_bytes

        results = from_bytes(data[:_SAMPLE])
        best = results.best()
        if best is None:
            raise UnreadableFile(
                "is not readable text in any known encoding; save it as UTF-8 text and upload again"
            )
        enc = best.encoding
        # Western exports are cp1252 far more often than the close single-byte cousins the
        # detector may rank first on short files; prefer it when it decodes the bytes too.
        if enc in {"cp1250", "cp1254", "cp1257", "latin_1", "iso8859_15", "iso8859_2", "mac_roman"}:
            try:
                data.decode("cp1252")
                enc = "cp1252"
            except UnicodeDecodeError:
                pass
        text = data.decode(enc, errors="replace")
    if _looks_binary(text):
        raise UnreadableFile(
            "contains binary data, not text; upload the original document or export it as UTF-8 text"
        )
    return text, enc


def split_lines(text: str) -> list[str]:
    """Lines without their terminators (\\n, \\r\\n, \\r); numbering matches what an editor shows."""
    return re.split(r"\r\n|\r|\n", text)


# ---- .docx ---------------------------------------------------------------------------------


def _check_xml_part(name: str, blob: bytes) -> None:
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        DET.fromstring(blob, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnreadableFile(
            f"contains unsafe XML in `{name}` (DOCTYPE/entity declarations) and was not opened; "
            "re-save the document from Word or LibreOffice and upload again"
        ) from exc
    except Exception as exc:  # ParseError and friends
        raise UnreadableFile(
            f"is corrupt (part `{name}` is not valid XML); re-save it from Word and upload again"
        ) from exc


def check_office_zip(data: bytes, max_unpacked_mb: float, required: str, kind: str) -> None:
    """Refuse what must not reach an Office parser: non-zips, encrypted, truncated, zip bombs, unsafe XML."""
    if data.startswith(_OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data:
            raise UnreadableFile(
                f"is password-protected; remove the password in Word and upload the {kind} again"
            )
        raise UnreadableFile(
            f"is a legacy binary Office file, not a {kind}; open it and save as {kind}"
        )
    if not data.startswith(b"PK"):
        raise UnreadableFile(f"is not a {kind} (not a zip container); save it as {kind} and upload again")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(
            f"is truncated or corrupt ({exc}); upload the {kind} again from the original"
        ) from exc
    limit = max_unpacked_mb * 1024 * 1024
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFile(
                f"is password-protected or encrypted; remove the protection and upload the {kind} again"
            )
        total += info.file_size
        if info.file_size > 10 * 1024 * 1024 and info.file_size > 200 * max(1, info.compress_size):
            raise UnreadableFile(
                f"looks like a zip bomb (part `{info.filename}` expands {info.file_size} bytes from "
                f"{info.compress_size}); it was not opened"
            )
    if total > limit:
        raise UnreadableFile(
            f"unpacks to {total / 1e6:.0f} MB, over the limit of {max_unpacked_mb:g} MB "
            "(`ingest.max_unpacked_mb` in consult.toml); split the document or remove embedded media"
        )
    names = {i.filename for i in infos}
    if required not in names:
        raise UnreadableFile(f"is not a {kind} (no `{required}` inside); save it as {kind} and upload again")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            try:
                blob = zf.read(info)
            except Exception as exc:  # CRC errors, truncated members, bad compression
                raise UnreadableFile(
                    f"is truncated or corrupt (part `{info.filename}` cannot be read); "
                    f"upload the {kind} again from the original"
                ) from exc
            _check_xml_part(info.filename, blob)


@dataclass
class DocBlock:
    """One paragraph (or table cell paragraph) of a .docx, in body order."""

    text: str
    where: str  # "paragraph 12" / "table 1, row 2, cell 3"
    heading_level: int | None = None  # 1.. for headings, 0 for Title
    is_list: bool = False
    all_bold: bool = False
    style: str = ""


def _para_info(p) -> tuple[int | None, bool, bool, str]:
    style = ""
    try:
        style = p.style.name or "" if p.style is not None else ""
    except Exception:  # a style id that the styles part lacks
        style = ""
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


def docx_blocks(data: bytes, max_unpacked_mb: float, kind: str = ".docx") -> list[DocBlock]:
    """Paragraphs and table cells of a .docx in body order, after the safety checks."""
    check_office_zip(data, max_unpacked_mb, "word/document.xml", kind)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        items = list(document.iter_inner_content())
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
            level, is_list, bold, style = _para_info(item)
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
                        level, is_list, bold, style = _para_info(p)
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
        raise UnreadableFile("is not a PDF (no %PDF header); upload the original file")
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
                    "is password-protected; remove the password and upload the PDF again"
                )
        n = len(reader.pages)
        if n > MAX_PDF_PAGES:
            raise UnreadableFile(f"has {n} pages, over the limit of {MAX_PDF_PAGES}; split it")
        pages = [(page.extract_text() or "") for page in reader.pages]
    except UnreadableFile:
        raise
    except (PdfReadError, Exception) as exc:
        raise UnreadableFile(
            f"is truncated or corrupt ({type(exc).__name__}); upload the PDF again or the original .docx"
        ) from exc
    if not any(p.strip() for p in pages):
        raise UnreadableFile(
            "looks scanned (no text layer); upload the original .docx or an OCR'd PDF"
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


NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def is_non_answer(text: str, non_answers: list[str]) -> bool:
    """True for "N/A", "-", "no comment" and the like (config.ingest.non_answers), or punctuation only."""
    t = text.strip().lower()
    if not t:
        return False
    bare = NON_WORD.sub(" ", t).strip()
    if not bare:
        return True
    if t in non_answers:
        return True
    return bare in {NON_WORD.sub(" ", n.lower()).strip() for n in non_answers}


# ---- speaker names -> pseudonyms ------------------------------------------------------------

HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "hon", "honourable", "honorable",
    "rt", "right", "sir", "dame", "lord", "lady", "he", "h.e", "excellency", "his", "her", "dato",
    "datuk", "dato'", "datin", "tan", "sri", "pak", "bu", "ibu", "bapak", "khun", "u", "daw",
    "pehin", "yb", "atty", "engr", "ir", "senator", "minister", "deputy", "ambassador", "the",
    "councillor", "cllr", "rev", "fr",
}
POSTNOMINALS = {"am", "mp", "ms", "msp", "mla", "ms.", "qc", "kc", "obe", "mbe", "cbe", "phd", "md", "mpp"}
GENERIC_LABEL = re.compile(
    r"(?i)^(speaker|participant|guest|unknown|unknown speaker|audience|audience member|attendee|"
    r"respondent|interviewee|voice|person|member|p|s|q|a|question|answer|interpreter|"
    r"translator|all|several|multiple speakers|inaudible)(\s*[#]?\d+)?$"
)
ORG_WORDS = {
    "ministry", "bank", "department", "agency", "association", "council", "chamber", "university",
    "institute", "secretariat", "office", "group", "government", "sector", "private", "public",
    "company", "ltd", "inc", "foundation", "organisation", "organization", "authority",
    "commission", "committee", "centre", "center", "board", "federation", "union", "network",
    "forum", "programme", "program", "asean", "team", "unit", "division", "society", "corporation",
}
COMMON_GIVEN = {
    "may", "dawn", "will", "mark", "grace", "hope", "joy", "faith", "rose", "june", "april",
    "august", "bill", "frank", "guy", "jack", "ray", "art", "rich", "sue", "pat", "don", "dean",
    "chase", "bob", "drew", "earl", "king", "max", "miles", "page", "sky", "summer", "victor",
    "the", "chair", "minister", "member",
}
TITLES_FOR_SURNAME = ("Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Hon.", "Minister",
                      "Professor", "Prof.", "Senator", "Ambassador")


def strip_parens(label: str) -> tuple[str, list[str]]:
    """("Hon. A (B (C))") -> ("Hon. A", ["B (C)"]): outer text and top-level bracket contents."""
    outer, inner, depth, cur = [], [], 0, []
    for ch in label:
        if ch in "([":
            if depth:
                cur.append(ch)
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            if depth:
                cur.append(ch)
            else:
                inner.append("".join(cur).strip())
                cur = []
        elif depth:
            cur.append(ch)
        else:
            outer.append(ch)
    return re.sub(r"\s+", " ", "".join(outer)).strip(), [i for i in inner if i]


def name_core(label: str) -> str:
    """"Hon. Andrew Scheer (Leader of the Opposition)" -> "Andrew Scheer"; "The Chair" -> "Chair"."""
    outer, _ = strip_parens(label)
    tokens = outer.replace(",", " ").split()
    while tokens and tokens[0].lower().rstrip(".") in HONORIFICS:
        tokens.pop(0)
    while tokens and tokens[-1].lower().rstrip(".") in POSTNOMINALS and tokens[-1][:1].isupper() \
            and len(tokens) > 1:
        tokens.pop()
    return " ".join(tokens)


def looks_like_person(text: str) -> bool:
    tokens = text.split()
    if not 1 <= len(tokens) <= 5 or any(c in text for c in ",;:?!\"") or re.search(r"\d", text):
        return False
    if any(t.lower().strip(".'") in ORG_WORDS for t in tokens):
        return False
    return all(t[:1].isupper() or t.lower() in {"de", "da", "van", "von", "bin", "binti", "al", "el",
                                                   "la", "le", "del", "dos", "du", "di", "ap"}
               for t in tokens)


class Pseudonyms:
    """Stable pseudonyms per file: "Participant 1", "Facilitator 1", numbered by first appearance.

    One person written several ways ("Hon. Bill Blair", "Hon. Bill Blair (Minister of ...)") gets one
    pseudonym. `names` maps every real-name form seen (and short forms such as "Mr. Blair", "Bill")
    to the pseudonym, so mentions inside the text can be redacted.
    """

    def __init__(self, facilitator_roles: list[str]):
        words = [re.escape(r.lower()) for r in facilitator_roles if r.strip()]
        self._role_re = re.compile(r"(?<![\w])(" + "|".join(words) + r")(?![\w])") if words else None
        self._by_key: dict[str, tuple[str, str]] = {}
        self._count = {"facilitator": 0, "participant": 0}
        self.names: dict[str, str] = {}

    def is_facilitator(self, label: str) -> bool:
        return bool(self._role_re and self._role_re.search(label.lower()))

    @staticmethod
    def key(label: str) -> str:
        core = name_core(label) or label
        return re.sub(r"[^\w]+", " ", core.lower()).strip() or label.strip().lower()

    def assign(self, label: str) -> tuple[str, str]:
        """(pseudonym, role) for a speaker label as written in the file."""
        k = self.key(label)
        if k not in self._by_key:
            role = "facilitator" if self.is_facilitator(label) else "participant"
            self._count[role] += 1
            self._by_key[k] = (f"{role.capitalize()} {self._count[role]}", role)
        pseudo, role = self._by_key[k]
        self._add_names(label, pseudo)
        return pseudo, role

    def _add(self, real: str, pseudo: str) -> None:
        real = real.strip(" .,:;")
        if len(real) >= 3 and real not in self.names and real.lower() != pseudo.lower():
            self.names[real] = pseudo

    def _add_names(self, label: str, pseudo: str) -> None:
        label = label.strip()
        outer, inner = strip_parens(label)
        candidates = []
        core = name_core(outer)
        if core and not GENERIC_LABEL.match(core) and not self.is_facilitator(core) \
                and looks_like_person(core):
            candidates.append((outer, core))
        for part in inner:
            p_outer, _ = strip_parens(part)
            p_core = name_core(p_outer)
            starts_hon = p_outer.split()[0].lower().rstrip(".") in HONORIFICS if p_outer else False
            if p_core and (starts_hon or len(p_core.split()) >= 2) and looks_like_person(p_core) \
                    and not self.is_facilitator(p_core):
                candidates.append((p_outer, p_core))
        if not candidates:
            return
        self._add(label, pseudo)
        for full, core in candidates:
            self._add(full, pseudo)
            self._add(core, pseudo)
            tokens = core.split()
            if len(tokens) >= 2:
                surname = tokens[-1]
                for t in TITLES_FOR_SURNAME:
                    self._add(f"{t} {surname}", pseudo)
                    if t.endswith("."):
                        self._add(f"{t}{surname}", pseudo)  # "Mr.Blanchet" as transcribed
                given = tokens[0]
                if len(given) >= 3 and given.lower() not in COMMON_GIVEN and given[:1].isupper():
                    self._add(given, pseudo)
