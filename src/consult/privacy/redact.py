"""Redaction of personal data before any other stage sees a text.

Contact details and identity numbers are replaced by bracketed tags (`consult.privacy.patterns`
finds them, obfuscated and spaced forms included); the names a round reveals (name columns,
transcript speakers, file names) are replaced by their stable pseudonyms, so a reviewer still
sees *that* someone was named, never who.

What a learned name may replace, so that redaction never alters what people wrote:
- a full name (two or more words), wherever it appears in the text;
- one word of a name ("Santos") only where the name was learned (a `with_names` redactor of that
  file), only capitalised, only when it is not a common word in any language of the region
  ("National", "Grace" stay), and never inside another name ("Thi" in "Tran Thi Maiphuong");
- names in Thai, Lao, Khmer or Burmese script, written without spaces, as the whole name, or the
  given name after an honorific or a space.

Names are matched on word tokens through dictionaries (not one regular expression with thousands
of alternatives), so redaction cost does not grow with the number of respondents in a round.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from consult.config import PrivacyConfig
from consult.privacy.lexicon import is_common, is_common_name_part, is_place, is_title_word
from consult.privacy.patterns import (
    EMAIL_TAG,
    HANDLE_TAG,
    ID_TAG,
    PHONE_TAG,
    find_emails,
    find_handles,
    find_numbers,
    mask,
)

__all__ = ["EMAIL_TAG", "ID_TAG", "NAME_TAG", "PHONE_TAG", "Redactor", "redact_text"]

NAME_TAG = "[name]"


def _plain_table() -> dict[int, str]:
    """Latin letters with accents -> their base letter, one character for one ("Hoàng" ->
    "Hoang", "Đặng" -> "Dang"): a name typed with its accents is found typed without them."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = unicodedata.normalize("NFKD", chr(cp))[:1]
        if base.isascii() and base.isalpha() and base != chr(cp):
            table[cp] = base
    return table


_PLAIN = _plain_table()


def _plain(text: str) -> str:
    return text if text.isascii() else text.translate(_PLAIN)


# "Siti Rahma <siti@...>", "Budi Santoso (budi@...)": the capitalised words just before an
# address in brackets are its owner's name.
_BEFORE_BRACKET = re.compile(
    r"((?:[^\s<(\[]+[ \u00a0]+){0,3}[^\s<(\[]+)[ \u00a0]*[<(\[][ \u00a0]*$"
)
_NAME_WORD = re.compile(r"[^\W\d_][\w'\u2019.\-]*")
_ORG_WORDS = frozenset(
    """
secretariat ministry department agency office desk team unit division bureau council committee
commission association foundation centre center institute university bank authority board
group network forum programme program project helpdesk hotline support admin info media press
""".split()
)
KIND_OF_TAG = {
    EMAIL_TAG: "e-mail",
    PHONE_TAG: "phone",
    ID_TAG: "national ID",
    NAME_TAG: "name before an e-mail",
    HANDLE_TAG: "social media handle",
}

_WORD_RE = re.compile(r"\w+", re.UNICODE)
# Enough digits for a phone or ID number (7 in a row, with separators) or a run of 5: texts
# without are not scanned for numbers at all.
_MANY_DIGITS = re.compile(r"\d{5}|\d(?:\D{0,3}\d){6}")
_UNSPACED = re.compile(r"[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF]")
# What may stand between the words of a name as written in a text: "Nguyen-Van A", "O'Brien",
# "J. Smith" are one name; "Santos, Maria" is not matched.
_NAME_SEP = re.compile(r"[\s.\-'\u2019\u00a0]{1,3}")
_ADJACENT = re.compile(r"[ \u00a0]{1,2}|[ \u00a0]?-[ \u00a0]?")
# Words of our own pseudonyms, role labels and titles: never redacted as a part of a name.
# fmt: off
_NEVER_PARTS = frozenset({
    "participant", "facilitator", "respondent", "moderator", "chair", "chairperson", "speaker",
    "interviewer", "host", "co-host", "note", "taker", "rapporteur", "mr", "mrs", "ms", "dr",
    "prof", "hon", "the", "name", "pak", "bu", "ibu", "bapak", "khun", "daw", "datuk", "dato",
    "anh", "chị", "ông", "bà", "cô", "chú", "bác", "encik", "puan", "tuan", "cik", "haji", "hajah",
})
# fmt: on
# Honorifics before a name in running text ("Pak Budi Santoso", "Ms. Reyes"): the capitalised,
# uncommon words after one are a name even when nobody declared it.
_TITLES = (
    r"Mr|Mrs|Ms|Miss|Mdm|Madam|Dr|Prof|Hon|Atty|Engr|Pak|Bapak|Bu|Ibu|Khun|Daw|U|"
    r"Encik|Puan|Tuan|Cik|Datuk|Dato'?|Datin|Tan Sri|Puan Sri|Hj|Hajah|Haji|Bpk|Sdr|Sdri|"
    r"Ir|Drs|H\.E|Anh|Chị|Ông|Bà|Cô|Chú|Bác|anh|chị|ông|bà|cô|chú|bác|Gng|Bb"
)
# ... and after a self-introduction ("My name is Budi Santoso", "Nama saya ...", "Ako si ...").
_INTRO = (
    r"(?i:my name is|my name's|nama saya(?: ialah| adalah)?|tên tôi là|tôi tên là|ako si|"
    r"ang pangalan ko ay|pangalan ko ay)"
)
_TITLED = re.compile(
    rf"(?<![\w.])(?:{_TITLES}|{_INTRO})\.?[ \u00a0]+"
    r"(?P<name>[^\W\d_][\w'\u2019\-]*(?:[ \u00a0]+(?:(?:bin|binti|van|de|dela|del|da|dos|al)"
    r"[ \u00a0]+)?[^\W\d_][\w'\u2019\-]*){0,3})"
)
_PARTICLES = frozenset({"bin", "binti", "van", "de", "dela", "del", "da", "dos", "al"})
_SCRIPT_HONORIFICS = (
    "คุณ",
    "นาย",
    "นางสาว",
    "นาง",
    "ดร.",
    "ท่าน",
    "ທ່ານ",
    "ທ້າວ",
    "ນາງ",
    "លោកស្រី",
    "លោក",
    "កញ្ញា",
    "ឯកឧត្តម",
    "ဦး",
    "ဒေါ်",
    "ကို",
)


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def _is_part(tok: str) -> bool:
    """May this word of a name be replaced on its own?"""
    return (
        len(tok) >= 3
        and tok[0].isupper()
        and not tok.isdigit()
        and tok.casefold() not in _NEVER_PARTS
        and not is_common_name_part(tok)
        and not is_place(tok)
    )


class Redactor:
    """Replaces contact details, identity numbers and known names in texts.

    `names` maps a real name to its pseudonym. `parts=False` learns only full names (the round's
    redactor); `with_names` adds one file's own names, single words included. Phone numbers
    given in a personal column are redacted wherever their digits appear as a number. `found`
    counts what was replaced, by kind, with masked examples for the redaction report.
    """

    def __init__(
        self,
        config: PrivacyConfig | None = None,
        names: dict[str, str] | None = None,
        *,
        parts: bool = True,
    ):
        self.config = config or PrivacyConfig()
        self.names = dict(names or {})
        self._full: dict[tuple[str, ...], tuple[str, bool]] = {}
        self._first: set[str] = set()
        self._parts: dict[str, str] = {}
        self._phones: set[str] = set()
        self._maxlen = 1
        self._script: dict[str, tuple[str, bool]] = {}  # unspaced-script form -> (pseudo, is_part)
        self._script_re: re.Pattern[str] | None = None
        self.found: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = {}
        self._add_all(self.names, override=False, parts=parts)
        self._add_all({n: NAME_TAG for n in self.config.extra_names}, override=False, parts=True)

    # ---- learning names ----------------------------------------------------------------------
    def _add_all(self, names: dict[str, str], override: bool, parts: bool) -> None:
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
                continue  # e-mail addresses: every one is replaced by its pattern
            if _UNSPACED.search(real):
                self._add_script(real, pseudo, override, parts)
                continue
            tokens = _WORD_RE.findall(real)
            if not tokens:
                continue
            if len(tokens) > 1:
                key = tuple(_plain(t).casefold() for t in tokens)
                if override or key not in self._full:
                    # a name made only of common words ("Grace Will") must be written capitalised
                    self._full[key] = (pseudo, all(is_common(t) for t in tokens))
                self._first.add(key[0])
                self._maxlen = max(self._maxlen, len(key))
            if not parts:
                continue
            lower = real.islower()  # "siti rahmawati" typed in a name column
            for tok in tokens:
                if lower:  # its words are names where written capitalised, never in lower case
                    if tok in _PARTICLES:
                        continue
                    tok = tok[:1].upper() + tok[1:]
                if not _is_part(tok):
                    continue
                title = tok[:1] + tok[1:].lower()
                for form in {
                    tok,
                    tok.upper(),
                    title,
                    _plain(tok),
                    _plain(tok.upper()),
                    _plain(title),
                }:
                    if override or form not in self._parts:
                        self._parts[form] = pseudo

    def _add_script(self, real: str, pseudo: str, override: bool, parts: bool) -> None:
        tokens = real.split()
        forms = [(real, False), ("".join(tokens), False)]
        if parts:
            forms += [
                (t, True)
                for t in tokens
                if len(t) >= 3 and _UNSPACED.search(t) and t not in _SCRIPT_HONORIFICS
            ]
        for form, is_part in forms:
            if override or form not in self._script:
                self._script[form] = (pseudo, is_part)
        self._script_re = None

    def with_names(self, names: dict[str, str]) -> Redactor:
        """A copy that also knows one file's own names, whose pseudonyms win over the round's."""
        out = object.__new__(Redactor)
        out.config, out.names = self.config, {**self.names, **names}
        out._full, out._first, out._parts = dict(self._full), set(self._first), dict(self._parts)
        out._phones, out._maxlen = set(self._phones), self._maxlen
        out._script, out._script_re = dict(self._script), self._script_re
        out.found, out.examples = Counter(), {}
        out._add_all(names, override=True, parts=True)
        return out

    # ---- bookkeeping ---------------------------------------------------------------------------
    def _note(self, kind: str, value: str) -> None:
        self.found[kind] += 1
        shown = self.examples.setdefault(kind, [])
        example = mask(value, kind)
        if len(shown) < 3 and example not in shown:
            shown.append(example)

    def report(self) -> dict[str, dict]:
        """{kind: {"count": n, "examples": [masked]}} of what this redactor replaced."""
        return {
            k: {"count": n, "examples": list(self.examples.get(k, []))}
            for k, n in sorted(self.found.items())
        }

    # ---- matching ------------------------------------------------------------------------------
    def _inside_other_name(
        self, toks: list[tuple[int, int, str]], i: int, text: str, pseudo: str
    ) -> bool:
        """Is word i one word of a longer name that is not this person's ("Tran Thi Mai")?"""
        for j, gap in (
            (i - 1, (toks[i - 1][1], toks[i][0]) if i else None),
            (i + 1, (toks[i][1], toks[i + 1][0]) if i + 1 < len(toks) else None),
        ):
            if gap is None or not _ADJACENT.fullmatch(text, *gap):
                continue
            word = toks[j][2]
            if (
                word[:1].isupper()
                and not is_common_name_part(word)
                and self._parts.get(word) != pseudo
                and word.casefold() not in _NEVER_PARTS
            ):
                return True
        return False

    def _names(self, text: str, parts: bool = True) -> str:
        if not (self._parts and parts) and not self._full:
            return text
        words = _WORD_RE.findall(text) if parts else ()
        if self._parts.keys().isdisjoint(words) and self._first.isdisjoint(
            _WORD_RE.findall(_plain(text).casefold())
        ):
            return text  # the common case: nothing to do, decided at C speed
        toks = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
        out: list[str] = []
        last = i = 0
        n = len(toks)
        while i < n:
            start, _, word = toks[i]
            hit: tuple[int, str] | None = None
            if _plain(word).casefold() in self._first:
                for length in range(min(self._maxlen, n - i), 1, -1):
                    got = self._full.get(
                        tuple(_plain(t[2]).casefold() for t in toks[i : i + length])
                    )
                    if got is None or (
                        got[1] and not all(t[2][:1].isupper() for t in toks[i : i + length])
                    ):
                        continue
                    if all(
                        _NAME_SEP.fullmatch(text, toks[j][1], toks[j + 1][0])
                        for j in range(i, i + length - 1)
                    ):
                        hit = (length, got[0])
                        break
            if (
                hit is None
                and parts
                and word in self._parts
                and not self._inside_other_name(toks, i, text, self._parts[word])
            ):
                hit = (1, self._parts[word])
            if hit is None:
                i += 1
                continue
            length, pseudo = hit
            self._note("learned name", text[start : toks[i + length - 1][1]])
            out.append(text[last:start])
            out.append(pseudo)
            last = toks[i + length - 1][1]
            i += length
        out.append(text[last:])
        return "".join(out)

    def _script_names(self, text: str, parts: bool) -> str:
        if not self._script or not _UNSPACED.search(text):
            return text
        if self._script_re is None:
            forms = sorted(self._script, key=len, reverse=True)
            self._script_re = re.compile("|".join(re.escape(f) for f in forms))

        def sub(m: re.Match[str]) -> str:
            pseudo, is_part = self._script[m.group(0)]
            if is_part:
                before = text[: m.start()]
                if not parts or (
                    before
                    and _UNSPACED.match(before[-1])
                    and not before.endswith(_SCRIPT_HONORIFICS)
                ):
                    return m.group(0)  # inside another word
            self._note("learned name", m.group(0))
            return pseudo

        return self._script_re.sub(sub, text)

    def _titled(self, text: str) -> str:
        """ "Pak Budi Santoso" -> "Pak [name]": the capitalised, uncommon words after a title."""
        out, last, pos = [], 0, 0
        while (m := _TITLED.search(text, pos)) is not None:
            words = list(re.finditer(r"\S+", m.group("name")))
            keep = 0
            for k, w in enumerate(words):
                word = w.group()
                if word.casefold() in _PARTICLES and 0 < k < len(words) - 1:
                    continue
                if not (word[:1].isupper() and not is_title_word(word.strip("'\u2019-"))):
                    break
                keep = k + 1
            if keep == 0:
                pos = m.start("name")  # the words after it may hold the next title
                continue
            start, end = m.start("name"), m.start("name") + words[keep - 1].end()
            self._note("name after a title", text[start:end])
            out += [text[last:start], NAME_TAG]
            last = pos = end
        return "".join(out) + text[last:] if out else text

    @staticmethod
    def _display_names(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
        """The name an address is given with ("Siti Rahma <siti@...>"), capitalised words that
        are not all common ("Contact Desk <...>" stays)."""
        out = []
        for start, _ in spans:
            m = _BEFORE_BRACKET.search(text, max(0, start - 80), start)
            if m is None:
                continue
            words = list(re.finditer(r"\S+", m.group(1)))
            k = len(words)  # the capitalised words at the end, titles and common words trimmed
            while (
                k
                and _NAME_WORD.fullmatch(words[k - 1].group())
                and words[k - 1].group()[:1].isupper()
            ):
                k -= 1
            while k < len(words) and is_title_word(words[k].group().strip(".'\u2019-")):
                k += 1
            name = [w.group() for w in words[k:]]
            if (
                not name
                or any(w.casefold().strip(".") in _ORG_WORDS for w in name)
                or (len(name) == 1 and (is_common(name[0]) or name[0].isupper()))
            ):
                continue  # "Help Desk <...>", "UNDP <...>"
            first, last = words[k], words[-1]
            out.append((m.start(1) + first.start(), m.start(1) + last.end(), NAME_TAG))
        return out

    def _tags(self, text: str, spans: list[tuple[int, int, str]]) -> str:
        out, last = [], 0
        for start, end, tag in spans:
            if start < last:
                continue
            self._note(KIND_OF_TAG[tag], text[start:end])
            out += [text[last:start], tag]
            last = end
        return "".join(out) + text[last:]

    def redact(self, text: str, parts: bool = True, contact_only: bool = False) -> str:
        """`parts=False` replaces only full names (locations: column headers stay findable);
        `contact_only` only e-mail addresses and phone/ID numbers (labels meant as written)."""
        if not isinstance(text, str) or not text:
            return text
        out = text
        cfg = self.config
        if cfg.redact_emails:
            spans = find_emails(out)
            if spans:
                found = [(a, b, EMAIL_TAG) for a, b in spans]
                if not contact_only:
                    found += self._display_names(out, spans)
                out = self._tags(out, sorted(found))
            if not contact_only and (handles := find_handles(out)):
                out = self._tags(out, [(a, b, HANDLE_TAG) for a, b in handles])
        if (cfg.redact_ids or cfg.redact_phones) and _MANY_DIGITS.search(out):
            numbers = [
                s
                for s in find_numbers(out, self._phones)
                if (s[2] == ID_TAG and cfg.redact_ids) or (s[2] == PHONE_TAG and cfg.redact_phones)
            ]
            if numbers:
                out = self._tags(out, numbers)
        if contact_only:
            return out
        out = self._script_names(self._names(out, parts), parts)
        if parts and cfg.redact_titled_names:
            out = self._titled(out)
        return out

    def __call__(self, text: str) -> str:
        return self.redact(text)


def redact_text(
    text: str, config: PrivacyConfig | None = None, names: dict[str, str] | None = None
) -> str:
    """One-off redaction (builds a Redactor; reuse a Redactor for many texts)."""
    return Redactor(config or PrivacyConfig(), dict(names or {})).redact(text)
