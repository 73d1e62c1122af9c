"""Words that must never become a theme keyword or label: our own pseudonyms and placeholders,
and speaker roles.

Redaction writes "Participant 3", "Respondent R3f2a9c-12" and "[name]" into the text, and a chair
is thanked in every other turn ("Thank you, Chair"), so without this "participant" and "chair"
top the keywords of any transcript theme. They are cut out of the text the keywords are counted
on (never out of the text a reviewer reads or the embeddings), as whole phrases, so a
Vietnamese role ("chủ tọa") does not take the syllable "chủ" out of "chủ đề".

One source of truth: the words come from the modules that write them (`consult.ingest.speakers`
for pseudonyms and the region's facilitator roles, `consult.privacy.redact.KIND_OF_TAG` for the
placeholders, `transcripts.facilitator_roles` for the configured roles), never from a list here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from consult.config import TranscriptsConfig
from consult.ingest.speakers import ASEAN_FACILITATOR_ROLES, PSEUDONYM_WORDS, UNSPACED
from consult.privacy.redact import KIND_OF_TAG, NAME_TAG

# "Participant 3", "Respondent R3f2a9c-12": the pseudonym word and the number after it.
_PSEUDONYM_ID = r"(?:\s+(?=[\w-]*\d)[\w-]+)?"


def default_roles() -> tuple[str, ...]:
    """The facilitator roles a run uses when `transcripts.facilitator_roles` is not set."""
    return tuple(TranscriptsConfig().facilitator_roles)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _placeholders() -> list[str]:
    tags = sorted(set(KIND_OF_TAG) | {NAME_TAG}, key=len, reverse=True)
    out = [re.escape(t) for t in tags]
    # File names show a person as "[name 2]" (consult.privacy.filenames).
    out.append(re.escape(NAME_TAG[:-1]) + r"\s+\d+" + re.escape(NAME_TAG[-1]))
    return out


def _words(roles: tuple[str, ...]) -> set[str]:
    words = {_nfc(w).casefold() for w in (*PSEUDONYM_WORDS, *roles, *ASEAN_FACILITATOR_ROLES)}
    return {" ".join(w.split()) for w in words if w.strip()}


@lru_cache(maxsize=8)
def _keys(roles: tuple[str, ...]) -> tuple[str, ...]:
    """Substrings one of which is in every text the pattern can change: a cheap test first,
    since most passages hold none (the pattern alone costs seconds at 100k passages)."""
    tags = {t[:1] for t in (*KIND_OF_TAG, NAME_TAG)}
    return tuple(sorted({w.split()[0] for w in _words(roles)} | tags))


@lru_cache(maxsize=8)
def _pattern(roles: tuple[str, ...]) -> re.Pattern[str]:
    words = _words(roles)
    latin = sorted((w for w in words if not UNSPACED.search(w)), key=len, reverse=True)
    script = sorted((w for w in words if UNSPACED.search(w)), key=len, reverse=True)
    parts = _placeholders()
    if latin:
        alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in latin)
        # plural and possessive forms too: "participants", "chair's"
        parts.append(rf"(?<!\w)(?:{alts})(?:e?s)?(?:['\u2019]s?)?{_PSEUDONYM_ID}(?!\w)")
    if script:  # Thai, Lao, Khmer, Burmese: no spaces between words, so no word boundaries
        parts.append("|".join(map(re.escape, script)))
    return re.compile("|".join(parts), re.IGNORECASE)


def scrub(texts: Iterable[str], roles: Sequence[str] | None = None) -> list[str]:
    """Texts without pseudonyms, placeholders and speaker roles, for counting keywords.

    `roles` are the run's `transcripts.facilitator_roles` (the defaults when None); the
    region's facilitator roles and the pseudonym words are always included.
    """
    key = tuple(default_roles() if roles is None else roles)
    pattern, keys = _pattern(key), _keys(key)
    out = []
    for text in texts:
        text = _nfc(text)
        low = text.casefold()
        out.append(pattern.sub(" ", text) if any(k in low for k in keys) else text)
    return out


def never_keywords(roles: Sequence[str] | None = None) -> frozenset[str]:
    """The single words `scrub` removes (pseudonym words and one-word roles), for checks."""
    words = {_nfc(w).casefold() for w in (*PSEUDONYM_WORDS, *(roles or default_roles()))}
    return frozenset(w for w in words if w and " " not in w)
