"""Shared helpers for the document readers: header metadata, word counts, non-answers.

Safe .docx/.pdf opening lives in `documents` and is re-exported here for the readers.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from consult.ingest.documents import DocBlock, PdfText, docx_blocks, pdf_pages, read_pdf
from consult.ingest.safety import decode_text, split_lines

__all__ = [
    "DocBlock",
    "HeaderMeta",
    "PdfText",
    "decode_text",
    "docx_blocks",
    "non_answer_reason",
    "parse_meta_line",
    "pdf_pages",
    "read_pdf",
    "split_lines",
    "split_person_list",
]

log = logging.getLogger(__name__)


# ---- header metadata -------------------------------------------------------------------------

# key (lowercase, as written) -> canonical field
# fmt: off
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
# fmt: on
# Keys that are also speaker labels or sentence starts ("Respondent: I think ..."): a header line
# only when the value is a list of names ("Narasumber: Siti Rahma; Budi").
# fmt: off
_NAMES_ONLY_KEYS = {
    # who ran or wrote up the session, in English and the region's languages
    "prepared by": "facilitator", "recorded by": "facilitator", "written by": "facilitator",
    "reported by": "facilitator", "compiled by": "facilitator", "minutes by": "facilitator",
    "minutes taken by": "facilitator", "notes by": "facilitator", "notes taken by": "facilitator",
    "author": "facilitator", "fasilitator": "facilitator", "notulis": "facilitator",
    "notulen": "facilitator", "pencatat": "facilitator", "moderator acara": "facilitator",
    "pengerusi": "facilitator", "urus setia": "facilitator", "tagapagpadaloy": "facilitator",
    "người điều phối": "facilitator", "thư ký": "facilitator", "người ghi chép": "facilitator",
    # who took part
    "peserta": "attendees", "hadir": "attendees", "kehadiran": "attendees",
    "attendance": "attendees", "present": "attendees", "kalahok": "attendees",
    "dumalo": "attendees", "interviewee": "attendees", "interviewees": "attendees",
    "respondent": "attendees", "respondents": "attendees", "informant": "attendees",
    "key informant": "attendees", "narasumber": "attendees", "responden": "attendees",
    "người tham dự": "attendees", "thành phần tham dự": "attendees",
    "người được phỏng vấn": "attendees",
}
# fmt: on
META_KEYS.update(_NAMES_ONLY_KEYS)
_NAME_WORD = re.compile(r"^(?:[^\W\d_][\w'\u2019.\-]*|(?:bin|binti|van|de|dela|del|da|dos|al))$")
_UNSPACED_SCRIPT = re.compile(r"[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF]")
# A key: letters of any script, up to 30 (Thai and Lao vowel signs are marks, not \w).
_META_RE = re.compile(
    r"^\s*(?:[*_]{1,2})?([^\W\d_][\w' \-\u0E00-\u0EFF]{1,30}?)(?:[*_]{1,2})?"
    r"\s*:(?:[*_]{1,2})?\s*(.*?)\s*$"
)


def parse_meta_line(line: str) -> tuple[str, str] | None:
    """("country", "Indonesia") for a header line like "Country: Indonesia", else None."""
    m = _META_RE.match(line)
    if not m:
        return None
    key = m.group(1).strip().lower()
    field_ = META_KEYS.get(key)
    if field_ is None or not m.group(2).strip():
        return None
    value = m.group(2).strip().strip("*_").strip()
    if key in _NAMES_ONLY_KEYS and not _names_only(value):
        return None
    return field_, value


def _names_only(value: str) -> bool:
    """ "Siti Rahma; Budi (Bappenas)" is a list of names; "I think the port ..." is not."""
    if len(value) > 200 or re.search(r"[?!\d]|[.;,]\s*$", value):
        return False
    parts = split_person_list(value)
    for part in parts:
        tokens = part.split()
        if not 1 <= len(tokens) <= 5:
            return False
        if _UNSPACED_SCRIPT.search(part):
            if len(part) > 40:
                return False
            continue
        if (
            not all(
                _NAME_WORD.match(t) and (t[:1].isupper() or t.islower() and len(t) <= 5)
                for t in tokens
            )
            or not tokens[0][:1].isupper()
        ):
            return False
    return bool(parts)


def split_person_list(value: str) -> list[str]:
    """ "Maria Santos (ASEC); John Tan" -> ["Maria Santos", "John Tan"] (organisations in brackets dropped)."""
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

    def keys_seen(self) -> list[str]:
        """The header keys found, sorted; "facilitator" last when any facilitator was named."""
        return sorted(self.fields) + (["facilitator"] if self.facilitators else [])


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)


# Scripts written without spaces between words: a run of Thai, Lao, Burmese or Khmer letters
# holds about one word per 4 characters, a run of Chinese or Japanese one per 2.
_UNSPACED_SEA = re.compile(r"[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF]+")
_UNSPACED_CJK = re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF]+")


def count_words(text: Any) -> int:
    """Words in `text`, also in scripts without spaces, so a Thai answer is not 'one word'."""
    if not isinstance(text, str):
        return 0
    n = len(text.split())
    for pattern, per_word in ((_UNSPACED_SEA, 4), (_UNSPACED_CJK, 2)):
        for run in pattern.findall(text):
            n += max(0, -(-len(run) // per_word) - 1)  # the run already counted as one word
    return n


def non_answer_reason(
    text: Any, non_answers: set[str] | frozenset[str] | list[str], phrases: bool = True
) -> str | None:
    """Why a unit is not usable ("empty", "no words ('...')", "non-answer ('N/A')"), or None.

    The rule for every source kind: an empty unit, or one without a letter or digit, is rejected.
    Stock non-answer phrases (`ingest.non_answers`: "N/A", "no comment") are rejected only when
    `phrases` is true: for survey answers and workshop notes, not for conversation turns, where
    "No." or "OK" is a real reply.
    """
    if not isinstance(text, str) or not text.strip():
        return "empty"
    t = text.strip()
    if len(t) > 60 and _HAS_WORD.search(t) and t.casefold() not in non_answers:
        return None  # longer than any stock phrase: the common case, decided cheaply
    if phrases:
        folded = re.sub(r"\s+", " ", t.casefold())
        bare = _NON_WORD.sub(" ", folded).strip()
        keys = {folded, folded.rstrip("!. ") or folded, bare}
        if any(k in non_answers for k in keys) or (bare and bare in _bare_set(non_answers)):
            return f"non-answer ('{t[:40]}')"
    if not _HAS_WORD.search(t):
        return f"no words ('{t[:40]}')"
    return None


_BARE_CACHE: dict[frozenset[str], frozenset[str]] = {}


def _bare_set(non_answers) -> frozenset[str]:
    key = frozenset(non_answers)
    if key not in _BARE_CACHE:
        _BARE_CACHE[key] = frozenset(_NON_WORD.sub(" ", a.casefold()).strip() for a in key) - {""}
    return _BARE_CACHE[key]
