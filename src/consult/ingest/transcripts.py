"""Transcripts (.vtt/.srt captions, .txt/.docx turn transcripts) -> one passage per speaker turn.

Speaker names never leave this module: each speaker gets a stable pseudonym ("Participant 2",
"Facilitator 1") and ReadResult.names maps the real forms to it so mentions in text are redacted.
Facilitator turns are kept, marked, and not counted as stakeholder input unless configured.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from consult import schema as S
from consult.ingest.base import ReadContext, ReadResult, UnreadableFile
from consult.ingest.captions import TIMING, parse_captions
from consult.ingest.files import file_extension
from consult.ingest.limits import budget_of
from consult.ingest.speakers import (
    NAME_PARTICLES,
    UNSPACED,
    Pseudonyms,
    is_role_label,
    looks_like_person,
    script_speaker,
)
from consult.ingest.textutil import (
    HeaderMeta,
    decode_text,
    docx_blocks,
    parse_meta_line,
    split_lines,
    split_person_list,
)
from consult.ingest.workshops import file_fields, heading_names, learn_attendees

log = logging.getLogger(__name__)

_TS = r"\d{1,2}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?"
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_TAG = re.compile(
    r"</?(?:v|c|b|i|u|lang|ruby|rt|font|span)(?:[.\s][^>]*)?>|<\d{1,2}:\d{2}[^>]*>", re.I
)
_TS_FIRST = re.compile(
    rf"^\s*[\[(]?({_TS})[\])]?\s*[-\u2013\u2014|]?\s*(.+?)\s*:\s(.*)$|^\s*[\[(]?({_TS})[\])]?\s*[-\u2013\u2014|]?\s*(.+?)\s*:$"
)
_TS_AFTER = re.compile(rf"^\s*(.+?)\s*[\[(]({_TS})[\])]\s*:\s*(.*)$")
_PLAIN = re.compile(r"^\s*(?:>>\s*)?([^:]{1,100}?)\s*:(?:\s+(.*)|\s*)$")
_HEADER_ONLY = re.compile(
    rf"^\s*(.+?)\s{{2,}}[\[(]?({_TS})[\])]?\s*$|^\s*(.+?)\s+[\[(]({_TS})[\])]\s*$"
)
_TS_ONLY = re.compile(rf"^\s*[\[(]?({_TS})[\])]?\s*$")
# fmt: off
_NOT_SPEAKER = {
    "note", "notes", "action", "actions", "summary", "update", "example", "agenda", "item",
    "subject", "re", "tip", "warning", "important", "http", "https", "source", "ps", "nb",
    "question", "answer", "conclusion", "decision", "follow-up", "follow up", "outcome",
}
# fmt: on
_PREFIXED = re.compile(r"^[a-z]{1,3}['\u2019-][A-Z]")  # d'Entremont, al-Hassan
_PARTICLES = NAME_PARTICLES | {"of", "the", "and", "for", "on", "y"}


def looks_like_speaker(label: str) -> bool:
    """Is this text before a colon a speaker label ("Hon. Bill Blair (Minister of ...)", "Speaker 2")?"""
    label = label.strip()
    if not label or len(label) > 100 or label.lower() in _NOT_SPEAKER or "//" in label:
        return False
    if UNSPACED.search(label) or is_role_label(label):  # no capitals there; "Người điều phối"
        return script_speaker(label) if UNSPACED.search(label) else True
    outer = re.sub(r"\([^()]*(\([^()]*\))?[^()]*\)|\[[^\]]*\]", " ", label).strip()
    if not outer or any(c in outer for c in '?!;"“”') or outer.count(",") > 1:
        return False
    tokens = outer.replace(",", " ").split()
    if not 1 <= len(tokens) <= 7 or not tokens[0][:1].isupper():
        return False
    caps = sum(1 for t in tokens if t[:1].isupper() or t[:1].isdigit() or _PREFIXED.match(t))
    odd = [
        t
        for t in tokens
        if not (t[:1].isupper() or t[:1].isdigit() or t.lower() in _PARTICLES or _PREFIXED.match(t))
    ]
    return not odd and caps >= max(1, len(tokens) // 2)


def _hms(ts: str | None) -> str | None:
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
            p = _PLAIN.match(body)
            if p and looks_like_speaker(p.group(1)):
                speaker, body = p.group(1).strip(), (p.group(2) or "").strip()
            else:
                speaker = voice if voice else None
        if body.startswith("- ") or body.startswith(">> "):
            body = body[2:].strip() if body.startswith("- ") else body[3:].strip()
        out.append((speaker, body))
    return out


def _caption_turns(lines: list[str], meta: HeaderMeta, res: ReadResult) -> tuple[list[Turn], int]:
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
                {S.LOCATION: f"cue {cue.number}, {_hms(cue.start)}", S.REASON: "empty"}
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


# A label in bold or in brackets, as editors and transcription tools write it:
# "**Siti Rahma:** text", "**Siti Rahma**: text", "__Moderator:__ text", "[Siti Rahma]: text".
_WRAPPED_LABEL = re.compile(r"^(\s*)(\*\*|__|\*|_)([^*_:\n]{1,100}?)\s*(:?)\s*\2\s*(:?)(.*)$")
_BRACKETED_LABEL = re.compile(r"^(\s*)\[([^\]\d:][^\]:]{0,99})\]\s*:(.*)$")


def _unwrap_label(line: str) -> str:
    """ "**Siti Rahma:** text" -> "Siti Rahma: text" (and the bracketed form), else the line."""
    m = _WRAPPED_LABEL.match(line)
    if m and (m.group(4) or m.group(5)):
        return f"{m.group(1)}{m.group(3).strip()}: {m.group(6).strip()}"
    m = _BRACKETED_LABEL.match(line)
    if m:
        return f"{m.group(1)}{m.group(2).strip()}: {m.group(3).strip()}"
    return line


def _match_turn(line: str) -> tuple[str, str | None, str] | None:
    """(speaker, timestamp, text) when a line opens a turn."""
    line = _unwrap_label(line)
    m = _TS_FIRST.match(line)
    if m:
        ts, label, text = (
            (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), "")
        )
        if looks_like_speaker(label):
            return label.strip(), ts, (text or "").strip()
    m = _TS_AFTER.match(line)
    if m and looks_like_speaker(m.group(1)):
        return m.group(1).strip(), m.group(2), m.group(3).strip()
    m = _PLAIN.match(line)
    if m and looks_like_speaker(m.group(1)) and not re.match(r"^\s*\d", line):
        return m.group(1).strip(), None, (m.group(2) or "").strip()
    m = _HEADER_ONLY.match(line)
    if m:
        label, ts = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if looks_like_speaker(label):
            return label.strip(), ts, ""
    return None


def _line_turns(
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
        ts_only = _TS_ONLY.match(s)
        if ts_only:
            pending_ts = ts_only.group(1)
            continue
        hit = _match_turn(line)
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


# ---- entry point -----------------------------------------------------------------------------


def read_transcript(raw, ctx: ReadContext) -> ReadResult:
    """Read one transcript; one unit per speaker turn; UnreadableFile when it cannot be read."""
    ext = f".{e}" if (e := file_extension(raw.relpath)) else ""
    res = ReadResult()
    meta = HeaderMeta()
    detected: dict[str, Any] = {}
    n_cues = 0
    unit = "line"
    headings: dict[int, tuple[int, str]] = {}
    budget = budget_of(ctx)
    if ext == ".docx":
        blocks = docx_blocks(raw.data, ctx.config.ingest, budget)
        lines = [b.text for b in blocks]
        headings = {
            k: (b.heading_level, b.text.strip())
            for k, b in enumerate(blocks, 1)
            if b.heading_level is not None and b.text.strip()
        }
        detected["format"] = "docx"
        unit = "paragraph"
    elif ext in (".vtt", ".srt", ".txt", ".text", ".sbv"):
        text, enc = decode_text(raw.data, "transcript")
        budget.add_chars(len(text))
        detected["encoding"] = enc
        lines = split_lines(text)
        detected["format"] = ext.lstrip(".")
    else:
        raise UnreadableFile(
            f"has an unsupported type `{ext or '(none)'}` for transcripts; "
            "upload .vtt, .srt, .txt or .docx"
        )
    is_captions = ext in (".vtt", ".srt") or sum(1 for ln in lines[:200] if TIMING.match(ln)) >= 2
    if is_captions:
        if lines and lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            detected["format"] = "webvtt"
        elif ext in (".srt",):
            detected["format"] = "srt"
        else:
            detected["format"] = f"captions-in-{ext.lstrip('.')}"
        turns, n_cues = _caption_turns(lines, meta, res)
        detected["n_cues"] = n_cues
    else:
        turns = _line_turns(lines, meta, res, unit, headings)
    pseudo = Pseudonyms(ctx.config.transcripts.facilitator_roles)
    pseudo.add_facilitators(meta.facilitators)
    learn_attendees(pseudo, meta)
    for title in [res.detected.get("title") or "", *[t for _, t in headings.values()]]:
        for person in heading_names(title):
            pseudo.assign(person)
    count_fac = ctx.config.transcripts.count_facilitators
    base = file_fields(meta, ctx.manifest)
    speakers: set[str] = set()
    n_fac = 0
    res.found = len(turns) + len(res.rejected)  # each turn, and each cue or line rejected so far
    for k, t in enumerate(turns, 1):
        where = f"turn {k}"
        if t.start:
            where += f", {_hms(t.start)}"
        if t.cues:
            where += (
                f", cue {t.cues[0]}" if len(t.cues) == 1 else f", cues {t.cues[0]}-{t.cues[-1]}"
            )
        elif t.line is not None:
            where += f", {unit} {t.line}"
        if t.label:
            speaker, role = pseudo.assign(t.label)
            if speaker not in speakers:
                speakers.add(speaker)
                n_fac += role == "facilitator"
        else:
            speaker, role = None, "participant"
        body = (" " if is_captions else "\n").join(x for x in t.texts if x).strip()
        if not body:  # short replies ("No.", "OK") are real turns: kept (see round.py)
            res.rejected.append({S.LOCATION: where, S.REASON: "empty"})
            continue
        res.passages.append(
            {
                S.SOURCE_KIND: "transcript",
                S.SOURCE_FILE: raw.relpath,
                S.LOCATION: where,
                S.SPEAKER: speaker,
                S.SPEAKER_ROLE: role,
                S.TEXT: body,
                S.SECTION: t.section,
                S.IS_STAKEHOLDER_INPUT: role != "facilitator" or count_fac,
                **base,
            }
        )
    res.names = pseudo.names
    res.people = pseudo.identity
    detected.update(
        n_turns=len(turns),
        speakers=len(speakers),
        facilitator_speakers=n_fac,
        speaker_labels=any(t.label for t in turns),
        timestamps=any(t.start for t in turns),
        metadata=meta.keys_seen(),
    )
    res.detected = {**res.detected, **detected}
    if res.units == 0:
        raise UnreadableFile(
            "has no transcript text (no turns or cues found); check it is the right file"
        )
    log.debug("%s: %d turns, %d speakers", raw.relpath, len(turns), len(speakers))
    return res
