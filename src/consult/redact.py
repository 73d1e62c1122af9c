"""Redaction of personal data before any other stage sees a text.

Contact details and ID-like numbers are replaced by bracketed tags; the names an export itself
reveals (Name/Email columns, transcript speakers) are replaced by their stable pseudonyms, so a
reviewer still sees *that* someone was named, never who.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from consult.config import PrivacyConfig

EMAIL_TAG = "[email]"
PHONE_TAG = "[phone]"
ID_TAG = "[id-number]"

EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s?\[at\]\s?|\s\(at\)\s)[\w-]+(?:(?:\.|\s?\[dot\]\s?)[\w-]+)+",
    re.IGNORECASE,
)
# Phone numbers: optional +country code, groups of digits joined by space, dot, dash or
# parentheses. Plain short numbers, years and ranges ("2020-2025") have too few digits.
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+|00)?\(?\d{1,4}\)?(?:[ .\-\u00a0]?\(?\d{1,5}\)?){2,6}(?!\w)"
)
# ID-like: a letter or two followed by 6-9 digits (passports, NRIC "S1234567D"), or a bare run of
# 9+ digits (national id numbers); also dashed ids such as MyKad "850101-14-5678".
ID_RE = re.compile(
    r"(?<!\w)(?:[A-Z]{1,2}\d{6,9}[A-Z]?|\d{9,}|\d{6}-\d{2}-\d{4})(?!\w)"
)
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def _digits(s: str) -> int:
    return sum(ch.isdigit() for ch in s)


def _phone_sub(match: re.Match[str]) -> str:
    s = match.group(0)
    n = _digits(s)
    if s.startswith(("+", "00")) and n >= 8:
        return PHONE_TAG
    if n >= 9 and n <= 15:
        # a bare digit run of 9+ is an ID, not a phone; keep it for ID_RE's tag
        if s.isdigit():
            return s
        return PHONE_TAG
    return s


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Words too common to redact when they appear as one part of a person's name."""
    try:
        from spacy.lang.en.stop_words import STOP_WORDS  # lazy: imports spaCy
    except Exception:  # pragma: no cover - spaCy missing
        STOP_WORDS = set()
    return frozenset(w.lower() for w in STOP_WORDS)


def _name_key(s: str) -> str:
    return " ".join(_WORD_RE.findall(s)).casefold()


def _alternation(names: list[str], flags: int) -> re.Pattern[str] | None:
    bodies = []
    for name in sorted(names, key=len, reverse=True):  # longest first: "Maria Santos" > "Maria"
        parts = _WORD_RE.findall(name)
        if parts:
            bodies.append(r"[\s.\-]+".join(re.escape(p) for p in parts))
    if not bodies:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(bodies)})(?!\w)", flags)


@dataclass
class Redactor:
    """Replaces contact details, ID numbers and known names in texts.

    `names` maps a real name to its pseudonym. Full names match case-insensitively; single parts
    of a multi-part name (a first name alone) match only when capitalised as in the name and not
    a common word, to avoid redacting ordinary words. All names go into one regular expression,
    so a round with thousands of respondents still redacts quickly.
    """

    config: PrivacyConfig = field(default_factory=PrivacyConfig)
    names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._full: dict[str, str] = {}
        self._parts: dict[str, str] = {}
        extra = {n: "[name]" for n in self.config.extra_names}
        for real, pseudo in {**extra, **self.names}.items():
            real = (real or "").strip()
            if len(real) < 2 or not any(ch.isalpha() for ch in real):
                continue
            self._full.setdefault(_name_key(real), pseudo)
            tokens = _WORD_RE.findall(real)
            if len(tokens) > 1 and "@" not in real:
                for tok in tokens:
                    if (
                        len(tok) >= 3 and tok[0].isupper() and not tok.isdigit()
                        and tok.lower() not in _common_words()
                    ):
                        self._parts.setdefault(tok, pseudo)
                        self._parts.setdefault(tok.upper(), pseudo)
        self._full_re = _alternation(
            [r for r in {**extra, **self.names} if _name_key(r or "") in self._full],
            re.IGNORECASE,
        )
        self._parts_re = _alternation(list(self._parts), 0)

    def redact(self, text: str) -> str:
        if not isinstance(text, str) or not text:
            return text
        out = text
        if self.config.redact_emails:
            out = EMAIL_RE.sub(EMAIL_TAG, out)
        if self._full_re is not None:
            out = self._full_re.sub(lambda m: self._full.get(_name_key(m.group(0)), "[name]"), out)
        if self._parts_re is not None:
            out = self._parts_re.sub(lambda m: self._parts.get(m.group(0), "[name]"), out)
        if self.config.redact_ids:
            out = ID_RE.sub(ID_TAG, out)
        if self.config.redact_phones:
            out = PHONE_RE.sub(_phone_sub, out)
        return out

    def __call__(self, text: str) -> str:
        return self.redact(text)


def redact_text(text: str, config: PrivacyConfig | None = None,
                names: dict[str, str] | None = None) -> str:
    """One-off redaction (builds a Redactor; reuse a Redactor for many texts)."""
    return Redactor(config or PrivacyConfig(), dict(names or {})).redact(text)
