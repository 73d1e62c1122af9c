"""Speaker labels: which text before a colon names a speaker, and which transcript line opens
a turn ("Name: text", "[00:01] Name: text", "**Name:** text", a name over a timestamp).

Split out of transcripts.py: the label rules are shared by caption cues and line transcripts.
"""

from __future__ import annotations

import re

from consult.ingest.speakers import NAME_PARTICLES, UNSPACED, is_role_label, script_speaker

_TS = r"\d{1,2}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?"
_TS_FIRST = re.compile(
    rf"^\s*[\[(]?({_TS})[\])]?\s*[-\u2013\u2014|]?\s*(.+?)\s*:\s(.*)$|^\s*[\[(]?({_TS})[\])]?\s*[-\u2013\u2014|]?\s*(.+?)\s*:$"
)
_TS_AFTER = re.compile(rf"^\s*(.+?)\s*[\[(]({_TS})[\])]\s*:\s*(.*)$")
PLAIN_LABEL = re.compile(r"^\s*(?:>>\s*)?([^:]{1,100}?)\s*:(?:\s+(.*)|\s*)$")
_HEADER_ONLY = re.compile(
    rf"^\s*(.+?)\s{{2,}}[\[(]?({_TS})[\])]?\s*$|^\s*(.+?)\s+[\[(]({_TS})[\])]\s*$"
)
TS_ONLY = re.compile(rf"^\s*[\[(]?({_TS})[\])]?\s*$")
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


def match_turn(line: str) -> tuple[str, str | None, str] | None:
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
    m = PLAIN_LABEL.match(line)
    if m and looks_like_speaker(m.group(1)) and not re.match(r"^\s*\d", line):
        return m.group(1).strip(), None, (m.group(2) or "").strip()
    m = _HEADER_ONLY.match(line)
    if m:
        label, ts = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if looks_like_speaker(label):
            return label.strip(), ts, ""
    return None
