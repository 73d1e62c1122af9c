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
from collections import Counter

from consult.config import PrivacyConfig
from consult.privacy.learned import NAME_PARTICLES, LearnedNames
from consult.privacy.lexicon import is_common, is_title_word
from consult.privacy.patterns import (
    EMAIL_TAG,
    HANDLE_TAG,
    ID_TAG,
    PHONE_TAG,
    find_emails,
    find_handles,
    find_numbers,
)

__all__ = ["EMAIL_TAG", "ID_TAG", "NAME_TAG", "PHONE_TAG", "Redactor", "redact_text"]

NAME_TAG = "[name]"

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

# Enough digits for a phone or ID number (7 in a row, with separators) or a run of 5: texts
# without are not scanned for numbers at all.
_MANY_DIGITS = re.compile(r"\d{5}|\d(?:\D{0,3}\d){6}")
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


class Redactor(LearnedNames):
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
        super().__init__()
        self._add_all(self.names, override=False, parts=parts)
        self._add_all({n: NAME_TAG for n in self.config.extra_names}, override=False, parts=True)

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

    # ---- what needs no learning: titled names, contact details ---------------------------------
    def _titled(self, text: str) -> str:
        """ "Pak Budi Santoso" -> "Pak [name]": the capitalised, uncommon words after a title."""
        out, last, pos = [], 0, 0
        while (m := _TITLED.search(text, pos)) is not None:
            words = list(re.finditer(r"\S+", m.group("name")))
            keep = 0
            for k, w in enumerate(words):
                word = w.group()
                if word.casefold() in NAME_PARTICLES and 0 < k < len(words) - 1:
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
