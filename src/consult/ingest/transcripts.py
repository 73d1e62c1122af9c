"""Transcripts (.vtt/.srt captions, .txt/.docx turn transcripts) -> one passage per speaker turn.

Speaker names never leave this module: each speaker gets a stable pseudonym ("Participant 2",
"Facilitator 1") and ReadResult.names maps the real forms to it so mentions in text are redacted.
Facilitator turns are kept, marked, and not counted as stakeholder input unless configured.
"""

from __future__ import annotations

import logging
from typing import Any

from consult import schema as S
from consult.ingest.base import ReadContext, ReadResult, UnreadableFile
from consult.ingest.captions import TIMING
from consult.ingest.files import file_extension
from consult.ingest.limits import budget_of
from consult.ingest.speakers import Pseudonyms
from consult.ingest.textutil import HeaderMeta, decode_text, docx_blocks, split_lines
from consult.ingest.turns import caption_turns, hms, line_turns
from consult.ingest.workshops import file_fields, heading_names, learn_attendees

log = logging.getLogger(__name__)


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
        turns, n_cues = caption_turns(lines, meta, res)
        detected["n_cues"] = n_cues
    else:
        turns = line_turns(lines, meta, res, unit, headings)
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
            where += f", {hms(t.start)}"
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
