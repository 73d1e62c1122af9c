"""Transcript turns: caption cues merged into speaker turns, and `Speaker: text` lines (with
their sections and preamble) cut into turns, each cue or line ending in a turn or a rejection.

Split out of transcripts.py, which keeps only the file-level reading and the passage rows.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field

from consult import schema as S
from consult.ingest.base import ReadResult, UnreadableFile
from consult.ingest.captions import parse_captions
from consult.ingest.speakers import Pseudonyms, looks_like_person
from consult.ingest.textutil import HeaderMeta, parse_meta_line, split_person_list
from consult.ingest.turn_labels import PLAIN_LABEL, TS_ONLY, looks_like_speaker, match_turn

log = logging.getLogger(__name__)

_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_TAG = re.compile(
    r"</?(?:v|c|b|i|u|lang|ruby|rt|font|span)(?:[.\s][^>]*)?>|<\d{1,2}:\d{2}[^>]*>", re.I
)


def hms(ts: str | None) -> str | None:
    """ "0:14:32.120" / "14:32,5" -> "00:14:32"."""
    if not ts:
        return None
    parts = re.split(r"[.,]", ts)[0].split(":")
    nums = [int(x) for x in parts]
    while len(nums) < 3:
        nums.insert(0, 0)
    h, m, s = nums[-3:]
    return f"{h:02d}:{m:02d}:{s:02d}"


def _seconds(ts: str | None) -> float:
    if not ts:
        return 0.0
    main, _, frac = ts.replace(",", ".").partition(".")
    nums = [int(x) for x in main.split(":")]
    total = 0
    for x in nums:
        total = total * 60 + x
    return total + (float("0." + frac) if frac else 0.0)


@dataclass
class Turn:
    label: str | None
    texts: list[str] = field(default_factory=list)
    start: str | None = None
    line: int | None = None  # first line/paragraph
    cues: list[int] = field(default_factory=list)
    end_seconds: float = 0.0
    section: str | None = None


# ---- captions (.vtt / .srt) ----------------------------------------------------------------


def _cue_lines(text_lines: list[str]) -> list[tuple[str | None, str]]:
    """(speaker or None, text) for each line of one cue; voice tags and `Name:` prefixes read."""
    out = []
    voice: str | None = None
    for line in text_lines:
        m = _VOICE.search(line)
        if m:
            voice = m.group(1).strip()
        body = html.unescape(_TAG.sub("", line)).strip()
        speaker = voice
        if not m:
            p = PLAIN_LABEL.match(body)
            if p and looks_like_speaker(p.group(1)):
                speaker, body = p.group(1).strip(), (p.group(2) or "").strip()
            else:
                speaker = voice if voice else None
        if body.startswith("- ") or body.startswith(">> "):
            body = body[2:].strip() if body.startswith("- ") else body[3:].strip()
        out.append((speaker, body))
    return out


def caption_turns(lines: list[str], meta: HeaderMeta, res: ReadResult) -> tuple[list[Turn], int]:
    """Cues -> turns: consecutive cues of one speaker merge; cues without a speaker inherit it.

    Every cue ends in exactly one turn or one rejected item (a bad cue with its reason).
    """
    parsed = parse_captions(lines)
    for key, value in parsed.meta:
        meta.add(key, value)
    segments: list[tuple[str | None, str, int, str, float, float, int]] = []
    labelled = False
    rejected_cues: set[int] = set()
    for cue in parsed.cues:
        if cue.problem:
            rejected_cues.add(cue.number)
            res.rejected.append(
                {S.LOCATION: f"cue {cue.number}, line {cue.line}", S.REASON: cue.problem}
            )
            continue
        parts = _cue_lines(cue.body)
        if not any(t for _, t in parts):
            rejected_cues.add(cue.number)
            res.rejected.append(
                {S.LOCATION: f"cue {cue.number}, {hms(cue.start)}", S.REASON: "empty"}
            )
            continue
        for speaker, text in parts:
            if speaker:
                labelled = True
            if text or speaker:
                segments.append(
                    (
                        speaker,
                        text,
                        cue.number,
                        cue.start,
                        _seconds(cue.start),
                        _seconds(cue.end),
                        cue.line,
                    )
                )
    n_cue = len(parsed.cues)
    n_timed = sum(1 for c in parsed.cues if not c.problem)
    res.detected["n_cue_blocks"] = n_cue
    if n_timed == 0:
        raise UnreadableFile(
            "has no caption cues (no `00:00:01.000 --> ...` lines"
            + (f"; {n_cue} block(s) without a valid timing line" if n_cue else "")
            + "); check it is a .vtt/.srt caption file"
        )
    turns: list[Turn] = []
    current: str | None = None
    for speaker, text, cue_no, start, s0, s1, ln in segments:
        who = speaker if speaker is not None else current
        same = (
            turns
            and who is not None
            and turns[-1].label is not None
            and Pseudonyms.key(who) == Pseudonyms.key(turns[-1].label)
        )
        if not labelled and turns:  # no speakers at all: cut at sentence ends and pauses
            prev = turns[-1]
            words = sum(len(t.split()) for t in prev.texts)
            ended = prev.texts and prev.texts[-1].rstrip().endswith((".", "?", "!"))
            same = not ((ended and words >= 40) or s0 - prev.end_seconds > 3.0)
        if same:
            t = turns[-1]
            if text:
                t.texts.append(text)
            if cue_no not in t.cues:
                t.cues.append(cue_no)
            t.end_seconds = s1
        else:
            turns.append(Turn(who, [text] if text else [], start, ln, [cue_no], s1))
        current = who
    in_turns = {c for t in turns for c in t.cues}
    for cue_no in sorted(set(range(1, n_cue + 1)) - in_turns - rejected_cues):  # never expected
        log.error("cue %d neither in a turn nor rejected", cue_no)
        res.rejected.append(
            {
                S.LOCATION: f"cue {cue_no}",
                S.REASON: "cue lost while merging turns "
                "(a consult bug: please report it with this file)",
            }
        )
    return turns, n_timed


# ---- turn transcripts (.txt / .docx) -------------------------------------------------------


def line_turns(
    lines: list[str],
    meta: HeaderMeta,
    res: ReadResult,
    unit: str,
    headings: dict[int, tuple[int, str]] | None = None,
) -> list[Turn]:
    """Turns from `Speaker: text` lines; `headings` (line -> (level, text), .docx) set the section."""
    headings = headings or {}
    stack: list[tuple[int, str]] = []
    turns: list[Turn] = []
    preamble: list[tuple[int, str]] = []
    pending_ts: str | None = None
    for n, line in enumerate(lines, 1):
        s = line.strip()
        if not s:
            continue
        if n in headings:
            level, title = headings[n]
            if level == 0:
                res.detected.setdefault("title", title)
                continue
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            continue
        if not turns:
            parsed = parse_meta_line(s)
            # "Chair: Welcome, everyone." is a turn, "Chair: Maria Santos" is a header line
            if parsed and (
                parsed[0] != "facilitator"
                or all(
                    looks_like_person(p) and len(p.split()) >= 2
                    for p in split_person_list(parsed[1])
                )
            ):
                meta.add(*parsed)
                continue
        ts_only = TS_ONLY.match(s)
        if ts_only:
            pending_ts = ts_only.group(1)
            continue
        hit = match_turn(line)
        if hit:
            label, ts, text = hit
            turns.append(
                Turn(
                    label,
                    [text] if text else [],
                    ts or pending_ts,
                    n,
                    section=" > ".join(t for _, t in stack) or None,
                )
            )
            pending_ts = None
        elif turns:
            turns[-1].texts.append(s)
        else:
            preamble.append((n, s))
    if not turns:  # no speaker labels anywhere: paragraphs become unattributed turns
        para: Turn | None = None
        prev = 0
        for n, s in preamble:
            if para is None or n > prev + 1:
                para = Turn(None, [], None, n)
                turns.append(para)
            para.texts.append(s)
            prev = n
        return turns
    for n, _s in preamble:
        res.rejected.append(
            {
                S.LOCATION: f"{unit} {n}",
                S.REASON: "text before the first speaker turn (title or header, no speaker)",
            }
        )
    return turns
