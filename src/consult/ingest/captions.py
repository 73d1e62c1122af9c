"""The structure of a caption file (.vtt/.srt): header and comment blocks, and cues.

Every block after the header is a cue. A cue without a valid timing line is kept as a bad cue
with the reason (rejected by the reader, never skipped), and a cue that lost the blank line
before it is cut off from the one above instead of becoming its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from consult.ingest.textutil import parse_meta_line

_TS = r"((?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?)"
TIMING = re.compile(rf"^\s*{_TS}\s*-->\s*{_TS}")
_CUE_ID = re.compile(r"^\s*(?=\S*\d)\S+\s*$")  # "17", Teams' "6d8c...-1/18-0"
_COMMENT_BLOCK = re.compile(r"^\s*(WEBVTT|NOTE|STYLE|REGION)\b")


@dataclass
class Cue:
    number: int  # 1-based, counting every cue of the file, bad ones too
    line: int  # line of its timing line (of its first line for a bad cue)
    start: str = ""
    end: str = ""
    body: list[str] = field(default_factory=list)
    problem: str | None = None  # why a bad cue cannot be read


@dataclass
class CaptionFile:
    cues: list[Cue]
    meta: list[tuple[str, str]]  # ("country", "Cambodia") from the header and NOTE blocks


def caption_blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Blank-separated blocks of (line number, line), also cut before every further timing
    line: "...text\\n2\\n00:00:05.000 --> ..." without a blank line is two cues."""
    blocks: list[list[tuple[int, str]]] = []
    cur: list[tuple[int, str]] = []
    timed = False  # cur holds a timing line
    for n, line in enumerate(lines, 1):
        if not line.strip():
            if cur:
                blocks.append(cur)
            cur, timed = [], False
            continue
        if TIMING.match(line):
            if timed:  # "2" after a cue "1" is the next cue's number, other lines are text
                last, head = cur[-1][1].strip(), cur[0][1].strip()
                is_id = last.isdigit() and head.isdigit() and int(last) == int(head) + 1
                cut = len(cur) - 1 if is_id else len(cur)
            elif len(cur) > 1:  # lines without timing, then a cue (with its id, if any)
                cut = len(cur) - 1 if _CUE_ID.match(cur[-1][1]) else len(cur)
            else:
                cut = 0
            if cut:
                blocks.append(cur[:cut])
                cur = cur[cut:]
            timed = True
        cur.append((n, line))
    if cur:
        blocks.append(cur)
    return blocks


_TIMING_LIKE = re.compile(r"-->|\d[:;.,]\d\d.*?-{1,2}>")


def _problem(block: list[tuple[int, str]]) -> str:
    bad = next((ln.strip() for _, ln in block if _TIMING_LIKE.search(ln)), None)
    if bad is not None:
        return f"malformed timing line ('{bad[:60]}'); its text is not read"
    text = " ".join(ln.strip() for _, ln in block)
    return f"no timing line ('{text[:60]}'); its text is not read"


def parse_captions(lines: list[str]) -> CaptionFile:
    """Cues (good and bad) and header metadata of a caption file, in order."""
    cues: list[Cue] = []
    meta: list[tuple[str, str]] = []
    for block in caption_blocks(lines):
        t_idx = next((k for k, (_, ln) in enumerate(block) if TIMING.match(ln)), None)
        if t_idx is None and (
            _COMMENT_BLOCK.match(block[0][1]) or all(parse_meta_line(ln) for _, ln in block)
        ):
            for _, ln in block:  # WEBVTT header, NOTE, STYLE: only metadata is read from them
                parsed = parse_meta_line(re.sub(r"^\s*NOTE\s+", "", ln))
                if parsed:
                    meta.append(parsed)
            continue
        number = len(cues) + 1
        if t_idx is None or t_idx > 1:
            cues.append(Cue(number, block[0][0], problem=_problem(block)))
            continue
        tm = TIMING.match(block[t_idx][1])
        assert tm is not None  # t_idx is the line TIMING matched above
        cues.append(
            Cue(
                number,
                block[t_idx][0],
                tm.group(1),
                tm.group(2),
                [ln for _, ln in block[t_idx + 1 :]],
            )
        )
    return CaptionFile(cues, meta)
