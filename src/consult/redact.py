"""Redaction of personal data before any other stage sees a text.

Contact details and ID-like numbers are replaced by bracketed tags; the names an export itself
reveals (Name/Email columns, transcript speakers) are replaced by their stable pseudonyms, so a
reviewer still sees *that* someone was named, never who.

Names are matched on word tokens through dictionaries (not one regular expression with thousands of
alternatives), so redaction cost does not grow with the number of respondents in a round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from consult.config import PrivacyConfig

EMAIL_TAG = "[email]"
PHONE_TAG = "[phone]"
ID_TAG = "[id-number]"
NAME_TAG = "[name]"

EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s?\[at\]\s?|\s\(at\)\s)[\w-]+(?:(?:\.|\s?\[dot\]\s?)[\w-]+)+",
    re.IGNORECASE,
)
# Phone numbers: optional +country code, groups of digits joined by space, dot, dash or
# parentheses. Plain short numbers, years and ranges ("2020-2025") have too few digits.
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+|00)?\(?\d{1,4}\)?(?:[ .\-\u00a0]?\(?\d{1,5}\)?){2,6}(?!\w)"
)
# A word that announces a phone number makes a shorter local number ("HP 8123 4567") one too.
_PHONE_CUE = re.compile(
    r"(?i)(?<!\w)(?:tel|telephone|phone|ph|mobile|mob|cell|hp|handphone|whatsapp|wa|sms|fax|"
    r"call|contact|viber|zalo)\.?\s*(?:no\.?|number|#)?\s*[:.\-]?\s*(?:at\s+|on\s+)?$"
)
# ID-like: a letter or two followed by 6-9 digits (passports, NRIC "S1234567D"), or a bare run of
# 9+ digits (national id numbers); also dashed ids such as MyKad "850101-14-5678".
ID_RE = re.compile(
    r"(?<!\w)(?:[A-Z]{1,2}\d{6,9}[A-Z]?|\d{9,}|\d{6}-\d{2}-\d{4})(?!\w)"
)
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_DIGIT_RE = re.compile(r"\d")
_EMAIL_HINT = re.compile(r"@|\[at\]|\(at\)", re.IGNORECASE)
# What may stand between the words of a name as written in a text: "Maria Santos", "Santos, Maria"
# is not matched, "Nguyen-Van A", "O'Brien", "J. Smith" are.
_NAME_SEP = re.compile(r"[\s.\-'\u2019\u00a0]{1,3}")
# Words of our own pseudonyms and role labels: never redacted as a part of a name.
_NEVER_PARTS = frozenset({
    "participant", "facilitator", "respondent", "moderator", "chair", "chairperson", "speaker",
    "interviewer", "host", "co-host", "note", "taker", "rapporteur", "mr", "mrs", "ms", "dr",
    "prof", "hon", "the",
})


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def _stop_words() -> frozenset[str]:
    from consult.ingest.language import stop_words  # lazy: keeps redact import-light

    return stop_words("en")


def _name_key(s: str) -> str:
    return " ".join(_WORD_RE.findall(s)).casefold()


@dataclass
class Redactor:
    """Replaces contact details, ID numbers and known names in texts.

    `names` maps a real name to its pseudonym. Full names (two or more words) match
    case-insensitively; single words (a first name alone, a one-word name) match only when
    capitalised as in the name or in capitals, and a part of a longer name only when it is not a
    common word, to avoid redacting ordinary words. Phone numbers given in a personal column are
    redacted wherever their digits appear as a number.
    """

    config: PrivacyConfig = field(default_factory=PrivacyConfig)
    names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._full: dict[tuple[str, ...], str] = {}
        self._first: set[str] = set()
        self._parts: dict[str, str] = {}
        self._phones: set[str] = set()
        self._maxlen = 1
        self._common = _stop_words()
        extra = {n: NAME_TAG for n in self.config.extra_names}
        self._add_all({**extra, **self.names}, override=False)

    def _add_all(self, names: dict[str, str], override: bool) -> None:
        for real, pseudo in names.items():
            real = (real or "").strip()
            if len(real) < 2:
                continue
            if not any(ch.isalpha() for ch in real):
                digits = _digits(real)
                if 7 <= len(digits) <= 15:
                    self._phones.add(digits)
                continue
            if "@" in real:
                continue  # e-mail addresses: EMAIL_RE replaces every one
            tokens = _WORD_RE.findall(real)
            if not tokens:
                continue
            if len(tokens) > 1:
                key = tuple(t.casefold() for t in tokens)
                if override or key not in self._full:
                    self._full[key] = pseudo
                self._first.add(key[0])
                self._maxlen = max(self._maxlen, len(key))
            for tok in tokens:
                low = tok.casefold()
                if len(tok) < 2 or not tok[0].isupper() or tok.isdigit() or low in _NEVER_PARTS:
                    continue
                if len(tokens) > 1 and (len(tok) < 3 or low in self._common):
                    continue
                for form in (tok, tok.upper()):
                    if override or form not in self._parts:
                        self._parts[form] = pseudo

    def with_names(self, names: dict[str, str]) -> Redactor:
        """A copy whose `names` win over this one's (one file's own speakers over the round's)."""
        out = object.__new__(Redactor)
        out.config, out.names = self.config, {**self.names, **names}
        out._full, out._first, out._parts = dict(self._full), set(self._first), dict(self._parts)
        out._phones, out._maxlen, out._common = set(self._phones), self._maxlen, self._common
        out._add_all(names, override=True)
        return out

    # ---- matching ------------------------------------------------------------------------

    def _names(self, text: str, parts: bool = True) -> str:
        if not (self._parts and parts) and not self._full:
            return text
        words = _WORD_RE.findall(text) if parts else ()
        if self._parts.keys().isdisjoint(words) and self._first.isdisjoint(
                _WORD_RE.findall(text.casefold())):
            return text  # the common case: nothing to do, decided at C speed
        toks = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
        out: list[str] = []
        last = i = 0
        n = len(toks)
        while i < n:
            start, end, word = toks[i]
            hit: tuple[int, str] | None = None
            if word.casefold() in self._first:
                for length in range(min(self._maxlen, n - i), 1, -1):
                    pseudo = self._full.get(tuple(t[2].casefold() for t in toks[i:i + length]))
                    if pseudo is not None and all(
                            _NAME_SEP.fullmatch(text, toks[j][1], toks[j + 1][0])
                            for j in range(i, i + length - 1)):
                        hit = (length, pseudo)
                        break
            if hit is None and parts and word in self._parts:
                hit = (1, self._parts[word])
            if hit is None:
                i += 1
                continue
            length, pseudo = hit
            out.append(text[last:start])
            out.append(pseudo)
            last = toks[i + length - 1][1]
            i += length
        out.append(text[last:])
        return "".join(out)

    def _phone_sub(self, match: re.Match[str]) -> str:
        s = match.group(0)
        digits = _digits(s)
        n = len(digits)
        if n < 7 or n > 15:
            return s
        if digits in self._phones:
            return PHONE_TAG
        if s.startswith(("+", "00")) and n >= 8:
            return PHONE_TAG
        if n >= 9:
            # a bare digit run of 9+ is an ID, not a phone; ID_RE has tagged it already
            return s if s.isdigit() else PHONE_TAG
        if _PHONE_CUE.search(match.string, max(0, match.start() - 24), match.start()):
            return PHONE_TAG  # "HP: 8123 4567", "call 812-3456"
        return s

    def redact(self, text: str, parts: bool = True) -> str:
        """`parts=False` replaces only full names (for locations: column headers stay findable)."""
        if not isinstance(text, str) or not text:
            return text
        out = text
        if self.config.redact_emails and _EMAIL_HINT.search(out):
            out = EMAIL_RE.sub(EMAIL_TAG, out)
        has_digits = _DIGIT_RE.search(out) is not None
        if has_digits and self.config.redact_ids:
            out = ID_RE.sub(ID_TAG, out)
        if has_digits and self.config.redact_phones:
            out = PHONE_RE.sub(self._phone_sub, out)
        return self._names(out, parts)

    def __call__(self, text: str) -> str:
        return self.redact(text)


def redact_text(text: str, config: PrivacyConfig | None = None,
                names: dict[str, str] | None = None) -> str:
    """One-off redaction (builds a Redactor; reuse a Redactor for many texts)."""
    return Redactor(config or PrivacyConfig(), dict(names or {})).redact(text)
