"""Workshop notes (.docx, .md, .txt, text-based .pdf) -> one passage per paragraph or bullet.

Headings become the section path ("Breakout group B > Digital connectivity"); "Key: value" lines at
the top (Country, Date, Stakeholders, Event, Facilitator) are file metadata, not units.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from consult import schema as S
from consult.ingest.base import ReadContext, ReadResult, UnreadableFile
from consult.ingest.blocks import (
    LEVEL1_WORDS,
    Block,
    docx_to_blocks,
    pdf_blocks,
    short_title,
    text_blocks,
)
from consult.ingest.files import file_extension
from consult.ingest.limits import budget_of
from consult.ingest.speakers import ORG_WORDS, Pseudonyms, looks_like_person
from consult.ingest.textutil import HeaderMeta, decode_text, parse_meta_line, read_pdf
from consult.privacy.lexicon import is_common, is_common_name_part, is_english_word, is_place

log = logging.getLogger(__name__)

# ---- common --------------------------------------------------------------------------------


def _guess_level(title: str, stack: list[tuple[int, str]], prev_was_heading: bool) -> int:
    if LEVEL1_WORDS.match(title) or (title.isupper() and len(title) > 3):
        return 1
    if not stack:
        return 1
    if prev_was_heading:
        return stack[-1][0] + 1
    return stack[-1][0]


_LIST_SPLIT = re.compile(r"\s*(?:[;,/&+\n]|\band\b|\u2022)\s*", re.IGNORECASE)


def is_list_value(value: str) -> bool:
    """ "Government; private sector; civil society" names several groups, "Private sector" one."""
    return len([p for p in _LIST_SPLIT.split(value) if p.strip()]) > 1


def learn_attendees(names: Pseudonyms, meta: HeaderMeta) -> None:
    """The people a header line lists ("Attendees: ...", "Narasumber: ..."): their mentions are
    redacted. One word is a name only when it is not a common word or a place."""
    for person in re.split(r"[;,]", meta.fields.get("attendees") or ""):
        person = re.sub(r"\([^)]*\)", "", person).strip()
        if not looks_like_person(person):
            continue
        if len(person.split()) >= 2 or (
            len(person) >= 3 and not is_common(person) and not is_place(person)
        ):
            names.assign(person)


# "Interview with Siti Rahma", "Notes by Pak Budi", "Wawancara dengan Ibu Sri": the capitalised
# words after such a word in a title or heading name a person (not a place or an organisation).
_HEADING_CUE = re.compile(
    r"(?i)(?<!\w)(?:with|by|dengan|bersama|oleh|với|kay|kina|ni|"
    r"interview|interviewing|wawancara|temubual|phỏng vấn)\s+(?=\S)"
)
# fmt: off
_HEADING_TITLES = frozenset({"mr", "mrs", "ms", "dr", "prof", "pak", "bapak", "bu", "ibu", "khun",
                             "daw", "u", "encik", "puan", "anh", "chị", "ông", "bà", "cô",
                             "hon", "h.e", "dato", "datuk", "dato'"})
# fmt: on


def heading_names(text: str) -> list[str]:
    """Person names a title or heading holds after "with", "by", "dengan", ... (see above)."""
    out = []
    for m in _HEADING_CUE.finditer(text or ""):
        words = text[m.end() :].split()
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
        if (
            not run
            or (len(run) == 1 and not titled)
            or _is_org_or_place(run)
            or all(is_common_name_part(w) for w in run)
            or is_english_word(run[-1])
            or len(run[-1]) < 2
        ):
            continue
        out.append(" ".join(run))
    return out


def _is_org_or_place(words: list[str]) -> bool:
    return (
        any(w.lower() in ORG_WORDS for w in words)
        or is_place(" ".join(words))
        or any(is_place(w) for w in words)
    )


def file_fields(meta: HeaderMeta, manifest: dict[str, Any]) -> dict[str, Any]:
    """Country, date, stakeholder group and event of a notes file or transcript.

    A header line ("Country: ...", "Stakeholders: ...") wins over the manifest, except that a
    list of several countries or groups never overrides a manifest value: the manifest names the
    file's one group on purpose, a header line lists everyone present. Such a list is kept in
    the attributes (key "stakeholders" / "countries") either way, and becomes the value only
    when the manifest has none.
    """
    out: dict[str, Any] = {}
    extra = {
        k: v
        for k, v in meta.fields.items()
        if k not in {"country", "date", "stakeholder_group", "event", "attendees"}
    }
    for col, key in (
        (S.COUNTRY, "country"),
        (S.DATE, "date"),
        (S.STAKEHOLDER_GROUP, "stakeholder_group"),
        (S.EVENT, "event"),
    ):
        value, given = meta.fields.get(key), manifest.get(col)
        if value and key in ("country", "stakeholder_group") and is_list_value(value):
            extra["countries" if key == "country" else "stakeholders"] = value
            value = None if given else value
        out[col] = value or given or None
    out[S.ATTRIBUTES] = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
    return out


def blocks_to_result(
    blocks: list[Block], raw_relpath: str, ctx: ReadContext, detected: dict[str, Any]
) -> ReadResult:
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
    if (
        len(level1) == 1
        and blocks
        and blocks[0] is level1[0]
        and any(b.kind == "heading" and (b.level or 0) > 1 for b in blocks)
    ):
        level1[0].level = 0  # a lone top "# Title" names the document; it is not a section
    for blk in blocks:
        if blk.kind == "heading":
            if blk.level == 0:
                detected.setdefault("title", blk.text)
                continue
            if not blk.text.strip():
                continue
            level = (
                blk.level if blk.level is not None else _guess_level(blk.text, stack, prev_heading)
            )
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
    titles = [
        detected.get("title") or "",
        *headings,
        *(text for _, text, _ in units if short_title(text)),
    ]  # a bold line as a title
    for title in titles:
        for person in heading_names(title):
            names.assign(person)
    res.found = len(units)  # every paragraph, bullet and table cell that is not a heading
    for blk, text, section in units:
        body = text.strip()
        if not body:  # stock non-answers ("N/A") are rejected round-wide, in round.py
            res.rejected.append({S.LOCATION: blk.where, S.REASON: "empty"})
            continue
        # fmt: off
        row = {
            S.SOURCE_KIND: "workshop", S.SOURCE_FILE: raw_relpath, S.LOCATION: blk.where,
            S.SPEAKER: None, S.SPEAKER_ROLE: "note", S.SECTION: section, S.TEXT: body,
            S.IS_STAKEHOLDER_INPUT: True, **base,
        }
        # fmt: on
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
        blocks = docx_to_blocks(raw.data, ctx.config.ingest, budget)
    elif ext == ".pdf":
        detected["format"] = "pdf"
        pdf = read_pdf(raw.data, ctx.config.ingest, budget)
        detected["pages"] = len(pdf.pages)
        skipped = pdf.skipped
        blocks = pdf_blocks(pdf.pages, pdf.gaps)
    elif ext in (".md", ".markdown", ".txt", ".text"):
        text, enc = decode_text(raw.data, "notes file")
        budget.add_chars(len(text))
        detected["encoding"] = enc
        md = ext in (".md", ".markdown")
        detected["format"] = "markdown" if md else "text"
        blocks = text_blocks(text, md)
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
        raise UnreadableFile(
            "has no text (no paragraphs or bullets found); check it is the right file"
        )
    log.debug("%s: %d passages, %d rejected", raw.relpath, len(res.passages), len(res.rejected))
    return res
