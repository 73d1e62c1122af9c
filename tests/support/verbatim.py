"""Find each passage verbatim at the location its source reference names (shared by the
verbatim and privacy tests)."""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import re
from pathlib import Path

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.files import collect_round
from consult.ingest.round import ingest_round
from tests.support.paths import ROOT  # noqa: E402

FIX = ROOT / "tests" / "fixtures"
SAMPLE = ROOT / "raw" / "sample-round"

_PLACEHOLDER = re.compile(
    r"\[(?:email|phone|id-number|name)\]|Respondent R[0-9a-f]{6}-\d+|(?:Participant|Facilitator) \d+"
)
_SURVEY_LOC = re.compile(r"^(?:sheet '(?P<sheet>.*)', )?row (?P<row>\d+), column (?P<col>[A-Z]+) ")
_LINE_LOC = re.compile(r"(?:page (?P<page>\d+), )?(?:line|paragraph) (?P<n>\d+)$")
_TABLE_LOC = re.compile(
    r"table (?P<t>\d+), row (?P<r>\d+), cell (?P<c>\d+)(?:, paragraph (?P<k>\d+))?$"
)
_CUES = re.compile(r"cues? (?P<a>\d+)(?:-(?P<b>\d+))?$")
_TIMING = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?\s*-->")
_TAGS = re.compile(
    r"</?(?:v|c|b|i|u|lang|ruby|rt|font|span)(?:[.\s][^>]*)?>|<\d{1,2}:\d{2}[^>]*>", re.I
)


def pattern(text: str, speaker_prefixes: bool = False) -> re.Pattern[str]:
    """The passage as a regex: literal text (any run of whitespace), placeholders as wildcards."""
    gap = r"\s+(?:[^\s:][^:\n]{0,80}:\s*)?" if speaker_prefixes else r"\s+"
    parts = []
    for i, piece in enumerate(_PLACEHOLDER.split(text)):
        if i:
            parts.append(r".+?")
        parts.append(gap.join(re.escape(w) for w in piece.split(" ")) if piece else "")
    body = "".join(parts)
    return re.compile(re.sub(r"(\\\n)+", lambda m: r"\s+", body), re.S)


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _decode(data: bytes, enc: str) -> str:
    return data.decode({"utf-16": "utf-16", "utf-8-sig": "utf-8-sig"}.get(enc, enc))


# Each source file is parsed once per content, not once per passage (keyed by the file's bytes).
@functools.lru_cache(maxsize=32)
def _xlsx_rows(data: bytes, sheet: str) -> list[tuple]:
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True)[sheet]
    return list(ws.iter_rows(values_only=True))


@functools.lru_cache(maxsize=32)
def _csv_rows(data: bytes, encoding: str, delim: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_decode(data, encoding), newline=""), delimiter=delim))


@functools.lru_cache(maxsize=32)
def _docx(data: bytes):
    import docx

    return docx.Document(io.BytesIO(data))


@functools.lru_cache(maxsize=256)
def _pdf_page_text(data: bytes, page: int) -> str:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data)).pages[page - 1].extract_text()


def source_text(path: Path, kind: str, location: str, det: dict) -> str:
    """The source text at `location`, read without consult's readers (a window for multi-line)."""
    data = path.read_bytes()
    ext = path.suffix.lower()
    if kind == "survey":
        m = _SURVEY_LOC.match(location)
        assert m, location
        row, col = int(m["row"]), _col(m["col"])
        if ext == ".xlsx":
            value = _xlsx_rows(data, m["sheet"])[row - 1][col]
            return "" if value is None else str(value)
        delim = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}[det["delimiter"]]
        return _csv_rows(data, det["encoding"], delim)[row - 1][col]
    if ext == ".docx":
        doc = _docx(data)
        t = _TABLE_LOC.search(location)
        if t:
            cell = doc.tables[int(t["t"]) - 1].rows[int(t["r"]) - 1].cells[int(t["c"]) - 1]
            return cell.paragraphs[int(t["k"] or 1) - 1].text
        m = _LINE_LOC.search(location)
        assert m, location
        return "\n".join(p.text for p in doc.paragraphs[int(m["n"]) - 1 :])
    if ext == ".pdf":
        m = _LINE_LOC.search(location)
        page = _pdf_page_text(data, int(m["page"]))
        return "\n".join(re.split(r"\r\n|\r|\n", page)[int(m["n"]) - 1 :])
    text = _decode(data, det.get("encoding") or "utf-8").lstrip("\ufeff")
    lines = re.split(r"\r\n|\r|\n", text)
    cues = _CUES.search(location)
    if ext in (".vtt", ".srt") and cues:
        a, b = int(cues["a"]), int(cues["b"] or cues["a"])
        blocks, cur = [], []
        for line in lines + [""]:
            if line.strip():
                cur.append(line)
            elif cur:
                blocks.append(cur)
                cur = []
        bodies = []
        for block in blocks:
            k = next((i for i, ln in enumerate(block) if _TIMING.match(ln)), None)
            if k is not None:
                bodies.append(
                    " ".join(html.unescape(_TAGS.sub("", ln)).strip() for ln in block[k + 1 :])
                )
        return " ".join(bodies[a - 1 : b])
    m = _LINE_LOC.search(location)
    assert m, location
    return "\n".join(lines[int(m["n"]) - 1 :])


def check_round(round_dir: Path) -> tuple[int, list[str]]:
    res = ingest_round(collect_round(round_dir), round_dir.name, ConsultConfig())
    files = res.files.set_index(S.SOURCE_FILE)
    assert (files[S.UNITS] == files[S.N_PASSAGES] + files[S.N_REJECTED]).all()
    problems = []
    for _, p in res.passages.iterrows():
        det = json.loads(files.loc[p[S.SOURCE_FILE], S.DETECTED])
        if p[S.SOURCE_KIND] == "survey":
            det = next(s for s in det["sheets"]) | {k: v for k, v in det.items() if v}
        src = source_text(round_dir / p[S.SOURCE_FILE], p[S.SOURCE_KIND], p[S.LOCATION], det)
        captions = p[S.SOURCE_FILE].endswith((".vtt", ".srt"))
        pat = pattern(p[S.TEXT], speaker_prefixes=captions)
        if p[S.SOURCE_KIND] == "survey":
            ok = pat.fullmatch(src.strip()) is not None
        else:  # found where the window starts (a turn's text may follow its "Name  0:00" line)
            m = pat.search(src)
            ok = m is not None and src[: m.start()].count("\n") <= 1
        if not ok:
            problems.append(f"{p[S.SOURCE_FILE]} @ {p[S.LOCATION]}: {p[S.TEXT][:80]!r}")
    return len(res.passages), problems
