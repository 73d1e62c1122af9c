"""Workshop notes (.docx, .md, .txt, text-based .pdf) -> one passage per paragraph or bullet.

Headings become the section path ("Breakout group B > Digital connectivity"); "Key: value" lines at
the top (Country, Date, Stakeholders, Event, Facilitator) are file metadata, not units.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from consult import schema as S
from consult.ingest.base import ReadContext, ReadResult, UnreadableFile
from consult.config import IngestConfig
from consult.ingest.files import file_extension
from consult.ingest.limits import Budget, budget_of
from consult.ingest.speakers import ORG_WORDS, Pseudonyms, looks_like_person
from consult.privacy.lexicon import is_common, is_common_name_part, is_english_word, is_place
from consult.ingest.textutil import (
    HeaderMeta,
    decode_text,
    docx_blocks,
    parse_meta_line,
    read_pdf,
    split_lines,
)

log = logging.getLogger(__name__)

_BULLET = re.compile(r"^(\s*)([-*+\u2022\u00b7\u25aa\u25e6\u2013\u2014\u25cf\u27a2]|\d{1,3}[.)]|[a-z][.)])(?:\s+(.*))?$")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")
_HR = re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LEVEL1_WORDS = re.compile(
    r"(?i)^(breakout|break-out|group|session|day|workshop|part|table|room|panel|plenary|module|"
    r"consultation|meeting)\b"
)
_END_PUNCT = (".", "!", "?", ";", ",")


@dataclass
class Block:
    kind: str  # "heading", "para", "item"
    text: str
    where: str
    level: int | None = None  # heading level; None = guess from context


def _short_title(line: str, max_words: int = 12) -> bool:
    s = line.strip().strip("*_").strip()
    return bool(s) and len(s.split()) <= max_words and len(s) <= 100 and not s.endswith(_END_PUNCT) \
        and (s[:1].isupper() or s[:1].isdigit())


# ---- text and markdown -----------------------------------------------------------------------


def _text_blocks(text: str, markdown: bool, where=lambda n: f"line {n}") -> list[Block]:
    """Paragraphs, bullet items and headings of plain text or Markdown, with 1-based line numbers."""
    lines = split_lines(text)
    blocks: list[Block] = []
    cur: list[str] = []
    cur_kind = ""
    cur_start = 0
    in_fence = False

    def flush() -> None:
        nonlocal cur, cur_kind
        if cur_kind:
            blocks.append(Block(cur_kind, "\n".join(cur), where(cur_start)))
        cur, cur_kind = [], ""

    for i, line in enumerate(lines):
        n = i + 1
        stripped = line.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if markdown and stripped.startswith(("```", "~~~")):
            if cur_kind != "para" or not in_fence:
                flush()
                cur_kind, cur_start = "para", n
            cur.append(line)
            in_fence = not in_fence
            if not in_fence:
                flush()
            continue
        if in_fence:
            cur.append(line)
            continue
        if not stripped:
            flush()
            continue
        m = _ATX.match(line) if markdown else None
        if m:
            flush()
            blocks.append(Block("heading", m.group(2), where(n), len(m.group(1))))
            continue
        if re.fullmatch(r"=+|-+", nxt) and len(nxt) >= 3 and cur_kind != "item" and not cur \
                and _short_title(stripped, 15):
            flush()
            blocks.append(Block("heading", stripped, where(n), 1 if nxt[0] == "=" else 2))
            continue
        if _HR.match(line) or (markdown and _TABLE_SEP.match(line) and "|" in line):
            flush()
            continue
        b = _BULLET.match(line)
        if b and not (b.group(2) in "-*+" and b.group(3) is None and len(line.strip()) > 1):
            flush()
            cur_kind, cur_start = "item", n
            cur = [b.group(3) or ""]
            continue
        if markdown and stripped.startswith("|") and stripped.endswith("|"):
            flush()
            blocks.append(Block("item", stripped.strip("|").strip(), where(n)))
            continue
        if cur_kind == "item":  # continuation of a bullet (indented or lazy)
            cur.append(line)
            continue
        if not cur_kind:
            prev_blank = i == 0 or not lines[i - 1].strip()
            next_blank_or_list = not nxt or bool(_BULLET.match(lines[i + 1])) if i + 1 < len(lines) \
                else True
            bold_only = markdown and re.fullmatch(r"(\*\*|__)(.+?)\1:?", stripped)
            if prev_blank and (next_blank_or_list or (not markdown and _is_colon_heading(stripped))) and (
                bold_only or (not markdown and _plain_heading(stripped, lines, i))
            ):
                title = bold_only.group(2) if bold_only else stripped
                blocks.append(Block("heading", title.rstrip(":").strip(), where(n), None))
                continue
            cur_kind, cur_start = "para", n
        cur.append(line)
    flush()
    return blocks


def _is_colon_heading(line: str) -> bool:
    return line.endswith(":") and len(line.split()) <= 10 and ":" not in line[:-1]


def _plain_heading(line: str, lines: list[str], i: int) -> bool:
    """A lone short line in plain text is a heading when it looks like one, not a fragment note."""
    if _is_colon_heading(line):
        return True
    if not _short_title(line):
        return False
    if _LEVEL1_WORDS.match(line) or (line.isupper() and len(line) > 3):
        return True
    if i + 1 < len(lines) and _BULLET.match(lines[i + 1]) and lines[i + 1].strip():
        return True  # directly followed by a list
    nxt = next((x.strip() for x in lines[i + 1:] if x.strip()), "")
    return len(line.split()) <= 6 and bool(nxt) and not _short_title(nxt) and ":" not in line


# ---- pdf -----------------------------------------------------------------------------------


def _pdf_blocks(pages: list[str], gaps: list[set[int]] | None = None) -> list[Block]:
    """PDF text has no structure: rebuild paragraphs from layout gaps between lines (`gaps`:
    per page, the lines that start after one), line lengths and punctuation."""
    blocks: list[Block] = []
    for p, page in enumerate(pages, 1):
        gap = gaps[p - 1] if gaps and p <= len(gaps) else set()
        lines = split_lines(page)
        lengths = [len(x.strip()) for x in lines if x.strip()]
        if not lengths:
            continue
        full = max(lengths)
        cur: list[str] = []
        kind, start = "", 0
        prev_ends = True

        def flush() -> None:
            nonlocal cur, kind
            if kind:
                blocks.append(Block(kind, "\n".join(cur), f"page {p}, line {start}"))
            cur, kind = [], ""

        for i, line in enumerate(lines, 1):
            s = line.strip()
            if i in gap:  # a paragraph-sized gap above: as good as a blank line
                flush()
                prev_ends = True
            if not s:
                flush()
                prev_ends = True
                continue
            b = _BULLET.match(line)
            if b and b.group(3):
                flush()
                kind, start, cur = "item", i, [b.group(3)]
            elif parse_meta_line(s) and (not kind or prev_ends):
                flush()
                blocks.append(Block("para", s, f"page {p}, line {i}"))
                prev_ends = True
                continue
            elif prev_ends and _short_title(s, 10) and len(s) < 0.6 * full:
                flush()
                blocks.append(Block("heading", s.rstrip(":"), f"page {p}, line {i}", None))
                prev_ends = True
                continue
            elif kind and not prev_ends:
                cur.append(s)
            else:
                flush()
                kind, start, cur = "para", i, [s]
            prev_ends = s.endswith((".", "!", "?", ":")) and len(s) < 0.85 * full
        flush()
    return blocks


# ---- docx ----------------------------------------------------------------------------------


def _docx_to_blocks(data: bytes, config: IngestConfig, budget: Budget) -> list[Block]:
    out: list[Block] = []
    for d in docx_blocks(data, config, budget):
        text = d.text
        if d.heading_level is not None:
            out.append(Block("heading", text.strip(), d.where, d.heading_level))
        elif d.is_list:
            out.append(Block("item", text, d.where))
        elif not text.strip():
            continue  # spacing paragraph: layout, not a unit
        elif d.all_bold and _short_title(text.strip()) and not d.where.startswith("table"):
            out.append(Block("heading", text.strip().rstrip(":"), d.where, None))
        else:
            out.append(Block("para", text, d.where))
    return out


# ---- common --------------------------------------------------------------------------------


def _guess_level(title: str, stack: list[tuple[int, str]], prev_was_heading: bool) -> int:
    if _LEVEL1_WORDS.match(title) or (title.isupper() and len(title) > 3):
        return 1
    if not stack:
        return 1
    if prev_was_heading:
        return stack[-1][0] + 1
    return stack[-1][0]


_LIST_SPLIT = re.compile(r"\s*(?:[;,/&+\n]|\band\b|\u2022)\s*", re.IGNORECASE)


def is_list_value(value: str) -> bool:
    """"Government; private sector; civil society" names several groups, "Private sector" one."""
    return len([p for p in _LIST_SPLIT.split(value) if p.strip()]) > 1


def learn_attendees(names: Pseudonyms, meta: HeaderMeta) -> None:
    """The people a header line lists ("Attendees: ...", "Narasumber: ..."): their mentions are
    redacted. One word is a name only when it is not a common word or a place."""
    for person in re.split(r"[;,]", meta.fields.get("attendees") or ""):
        person = re.sub(r"\([^)]*\)", "", person).strip()
        if not looks_like_person(person):
            continue
        if len(person.split()) >= 2 or (len(person) >= 3 and not is_common(person)
                                         and not is_place(person)):
            names.assign(person)


# "Interview with Siti Rahma", "Notes by Pak Budi", "Wawancara dengan Ibu Sri": the capitalised
# words after such a word in a title or heading name a person (not a place or an organisation).
_HEADING_CUE = re.compile(r"(?i)(?<!\w)(?:with|by|dengan|bersama|oleh|với|kay|kina|ni|"
                          r"interview|interviewing|wawancara|temubual|phỏng vấn)\s+(?=\S)")
_HEADING_TITLES = frozenset({"mr", "mrs", "ms", "dr", "prof", "pak", "bapak", "bu", "ibu", "khun",
                             "daw", "u", "encik", "puan", "anh", "chị", "ông", "bà", "cô",
                             "hon", "h.e", "dato", "datuk", "dato'"})


def heading_names(text: str) -> list[str]:
    """Person names a title or heading holds after "with", "by", "dengan", ... (see above)."""
    out = []
    for m in _HEADING_CUE.finditer(text or ""):
        words = text[m.end():].split()
        titled = False
        while words and words[0].lower().rstrip(".") in _HEADING_TITLES:
            words.pop(0)
            titled = True
        run = []
        for w in words[:4]:
            w = w.strip(",;:()")
            if not (w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha()):
                break
            run.append(w)
        # one word is a name only after a title ("with Pak Budi"; "with Bappenas" is not); a
        # run ending in an English word is a group ("with Gojek Drivers")
        if not run or (len(run) == 1 and not titled) or _is_org_or_place(run) or all(
                is_common_name_part(w) for w in run) or is_english_word(run[-1]) or len(run[-1]) < 2:
            continue
        out.append(" ".join(run))
    return out


def _is_org_or_place(words: list[str]) -> bool:
    return any(w.lower() in ORG_WORDS for w in words) or is_place(" ".join(words)) or any(
        is_place(w) for w in words)


def file_fields(meta: HeaderMeta, manifest: dict[str, Any]) -> dict[str, Any]:
    """Country, date, stakeholder group and event of a notes file or transcript.

    A header line ("Country: ...", "Stakeholders: ...") wins over the manifest, except that a
    list of several countries or groups never overrides a manifest value: the manifest names the
    file's one group on purpose, a header line lists everyone present. Such a list is kept in
    the attributes (key "stakeholders" / "countries") either way, and becomes the value only
    when the manifest has none.
    """
    out: dict[str, Any] = {}
    extra = {k: v for k, v in meta.fields.items()
             if k not in {"country", "date", "stakeholder_group", "event", "attendees"}}
    for col, key in ((S.COUNTRY, "country"), (S.DATE, "date"),
                     (S.STAKEHOLDER_GROUP, "stakeholder_group"), (S.EVENT, "event")):
        value, given = meta.fields.get(key), manifest.get(col)
        if value and key in ("country", "stakeholder_group") and is_list_value(value):
            extra["countries" if key == "country" else "stakeholders"] = value
            value = None if given else value
        out[col] = value or given or None
    out[S.ATTRIBUTES] = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
    return out


def blocks_to_result(blocks: list[Block], raw_relpath: str, ctx: ReadContext,
                     detected: dict[str, Any]) -> ReadResult:
    """Turn structural blocks into passages/rejected items; header metadata is read, not counted."""
    res = ReadResult(detected=detected)
    meta = HeaderMeta()
    names = Pseudonyms(ctx.config.transcripts.facilitator_roles)
    stack: list[tuple[int, str]] = []
    headings: list[str] = []
    in_header = True
    prev_heading = False
    units: list[tuple[Block, str, str | None]] = []  # block, text, section
    level1 = [b for b in blocks if b.kind == "heading" and b.level == 1]
    if len(level1) == 1 and blocks and blocks[0] is level1[0] and any(
            b.kind == "heading" and (b.level or 0) > 1 for b in blocks):
        level1[0].level = 0  # a lone top "# Title" names the document; it is not a section
    for blk in blocks:
        if blk.kind == "heading":
            if blk.level == 0:
                detected.setdefault("title", blk.text)
                continue
            if not blk.text.strip():
                continue
            level = blk.level if blk.level is not None else _guess_level(blk.text, stack, prev_heading)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, blk.text.strip()))
            headings.append(blk.text.strip())
            prev_heading = True
            continue
        text = blk.text
        if in_header:
            lines = text.split("\n")
            k = 0
            while k < len(lines) and (parsed := parse_meta_line(lines[k])):
                meta.add(*parsed)
                k += 1
            if k == len(lines) and k:
                continue
            text = "\n".join(lines[k:])
            if text.strip():
                in_header = False
        section = " > ".join(t for _, t in stack) or None
        units.append((blk, text, section))
        prev_heading = False
    base = file_fields(meta, ctx.manifest)
    names.add_facilitators(meta.facilitators)
    learn_attendees(names, meta)
    titles = [detected.get("title") or "", *headings,
              *(text for _, text, _ in units if _short_title(text))]  # a bold line as a title
    for title in titles:
        for person in heading_names(title):
            names.assign(person)
    res.found = len(units)  # every paragraph, bullet and table cell that is not a heading
    for blk, text, section in units:
        body = text.strip()
        if not body:  # stock non-answers ("N/A") are rejected round-wide, in round.py
            res.rejected.append({S.LOCATION: blk.where, S.REASON: "empty"})
            continue
        row = {
            S.SOURCE_KIND: "workshop", S.SOURCE_FILE: raw_relpath, S.LOCATION: blk.where,
            S.SPEAKER: None, S.SPEAKER_ROLE: "note", S.SECTION: section, S.TEXT: body,
            S.IS_STAKEHOLDER_INPUT: True, **base,
        }
        res.passages.append(row)
    res.names = names.names
    res.people = names.identity
    detected["headings"] = headings[:50]
    detected["n_headings"] = len(headings)
    detected["metadata"] = meta.keys_seen()
    return res


def read_workshop(raw, ctx: ReadContext) -> ReadResult:
    """Read one workshop-notes file; UnreadableFile when it cannot be read at all."""
    ext = f".{e}" if (e := file_extension(raw.relpath)) else ""
    detected: dict[str, Any] = {}
    budget = budget_of(ctx)
    skipped: list[tuple[int, str]] = []
    if ext == ".docx":
        detected["format"] = "docx"
        blocks = _docx_to_blocks(raw.data, ctx.config.ingest, budget)
    elif ext == ".pdf":
        detected["format"] = "pdf"
        pdf = read_pdf(raw.data, ctx.config.ingest, budget)
        detected["pages"] = len(pdf.pages)
        skipped = pdf.skipped
        blocks = _pdf_blocks(pdf.pages, pdf.gaps)
    elif ext in (".md", ".markdown", ".txt", ".text"):
        text, enc = decode_text(raw.data, "notes file")
        budget.add_chars(len(text))
        detected["encoding"] = enc
        md = ext in (".md", ".markdown")
        detected["format"] = "markdown" if md else "text"
        blocks = _text_blocks(text, md)
    else:
        raise UnreadableFile(
            f"has an unsupported type `{ext or '(none)'}` for workshop notes; "
            "upload .docx, .md, .txt or a text-based .pdf"
        )
    res = blocks_to_result(blocks, raw.relpath, ctx, detected)
    for page, reason in skipped:  # a page not read is a unit, rejected with its reason
        res.rejected.append({S.LOCATION: f"page {page}", S.REASON: reason})
        res.found = (res.found or 0) + 1
    if res.units == 0:
        raise UnreadableFile("has no text (no paragraphs or bullets found); check it is the right file")
    log.debug("%s: %d passages, %d rejected", raw.relpath, len(res.passages), len(res.rejected))
    return res
