"""The names a round teaches the redactor, indexed by word, and the scan that finds them in a text.

Why a module of its own: this is the half of redaction that depends on what a round revealed
(name columns, transcript speakers, `privacy.extra_names`), with the rules on what a learned name
may replace (see `consult.privacy.redact`); `Redactor` builds on `LearnedNames` and adds what
needs no learning (contact details, identity numbers, titled names).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from consult.ingest.speakers import SCRIPT_HONORIFICS as _SCRIPT_HONORIFICS
from consult.privacy.lexicon import is_common, is_common_name_part, is_place
from consult.privacy.patterns import mask


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


_WORD_RE = re.compile(r"\w+", re.UNICODE)
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
NAME_PARTICLES = frozenset({"bin", "binti", "van", "de", "dela", "del", "da", "dos", "al"})


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


class LearnedNames:
    """Learned names (real name -> pseudonym) and the count of what was replaced.

    `found` counts what was replaced, by kind, with masked examples (`report`), for the names
    matched here and for whatever a subclass replaces through `_note`.
    """

    def __init__(self) -> None:
        self._full: dict[tuple[str, ...], tuple[str, bool]] = {}
        self._first: set[str] = set()
        self._parts: dict[str, str] = {}
        self._phones: set[str] = set()
        self._maxlen = 1
        self._script: dict[str, tuple[str, bool]] = {}  # unspaced-script form -> (pseudo, is_part)
        self._script_re: re.Pattern[str] | None = None
        self.found: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = {}

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
                    if tok in NAME_PARTICLES:
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
