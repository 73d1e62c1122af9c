"""Structure of workshop notes: paragraphs, bullet items and headings, with their locations.

Plain text, Markdown, a PDF's text layer (no structure: rebuilt from layout) and .docx each
become a list of `Block`s; workshops.py turns blocks into sections and passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from consult.config import IngestConfig
from consult.ingest.limits import Budget
from consult.ingest.textutil import docx_blocks, parse_meta_line, split_lines

_BULLET = re.compile(
    r"^(\s*)([-*+\u2022\u00b7\u25aa\u25e6\u2013\u2014\u25cf\u27a2]|"
    r"\d{1,3}[.)]|[a-z][.)])(?:\s+(.*))?$"
)
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")
_HR = re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
LEVEL1_WORDS = re.compile(
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


def short_title(line: str, max_words: int = 12) -> bool:
    """A line short and capitalised like a title, not ending like a sentence."""
    s = line.strip().strip("*_").strip()
    return (
        bool(s)
        and len(s.split()) <= max_words
        and len(s) <= 100
        and not s.endswith(_END_PUNCT)
        and (s[:1].isupper() or s[:1].isdigit())
    )


# ---- text and markdown -----------------------------------------------------------------------


def text_blocks(text: str, markdown: bool, where=lambda n: f"line {n}") -> list[Block]:
    """Paragraphs, bullet items and headings of plain text or Markdown, 1-based line numbers."""
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
        if (
            re.fullmatch(r"=+|-+", nxt)
            and len(nxt) >= 3
            and cur_kind != "item"
            and not cur
            and short_title(stripped, 15)
        ):
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
            next_blank_or_list = (
                not nxt or bool(_BULLET.match(lines[i + 1])) if i + 1 < len(lines) else True
            )
            bold_only = markdown and re.fullmatch(r"(\*\*|__)(.+?)\1:?", stripped)
            if (
                prev_blank
                and (next_blank_or_list or (not markdown and _is_colon_heading(stripped)))
                and (bold_only or (not markdown and _plain_heading(stripped, lines, i)))
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
    if not short_title(line):
        return False
    if LEVEL1_WORDS.match(line) or (line.isupper() and len(line) > 3):
        return True
    if i + 1 < len(lines) and _BULLET.match(lines[i + 1]) and lines[i + 1].strip():
        return True  # directly followed by a list
    nxt = next((x.strip() for x in lines[i + 1 :] if x.strip()), "")
    return len(line.split()) <= 6 and bool(nxt) and not short_title(nxt) and ":" not in line


# ---- pdf -----------------------------------------------------------------------------------


def pdf_blocks(pages: list[str], gaps: list[set[int]] | None = None) -> list[Block]:
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
                # called only within this iteration, and must see `start` as it is then
                blocks.append(Block(kind, "\n".join(cur), f"page {p}, line {start}"))  # noqa: B023
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
            elif prev_ends and short_title(s, 10) and len(s) < 0.6 * full:
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


def docx_to_blocks(data: bytes, config: IngestConfig, budget: Budget) -> list[Block]:
    """Word's own headings and lists, plus bold short lines as headings (not in tables)."""
    out: list[Block] = []
    for d in docx_blocks(data, config, budget):
        text = d.text
        if d.heading_level is not None:
            out.append(Block("heading", text.strip(), d.where, d.heading_level))
        elif d.is_list:
            out.append(Block("item", text, d.where))
        elif not text.strip():
            continue  # spacing paragraph: layout, not a unit
        elif d.all_bold and short_title(text.strip()) and not d.where.startswith("table"):
            out.append(Block("heading", text.strip().rstrip(":"), d.where, None))
        else:
            out.append(Block("para", text, d.where))
    return out
