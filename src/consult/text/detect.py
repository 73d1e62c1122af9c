"""Language per passage, offline: Unicode script, then py3langid, then lingua for id vs ms.

- Script ranges settle Thai, Lao, Khmer, Burmese and other one-language scripts outright.
- Latin and shared scripts go to py3langid (BSD-3-Clause; model inside the wheel), which covers
  all nine ASEAN languages but reads Indonesian as Malay and short English as anything. Its
  full language set is kept for longer texts (restricting it gained nothing on SIB-200 dev);
  short ones are read against the ASEAN languages only.
- Indonesian vs Malay adds lingua-language-detector (Apache-2.0; models inside the wheel),
  restricted to those two and loaded only when a passage needs it, plus marker words (`idms`).
- Too little text gives `und` unless a prior (manifest or survey value, else the file's dominant
  language) is known; a prior also wins when the detector is unsure and tips id vs ms.
Neither library downloads anything. spaCy's stop words are read here too, without importing
spaCy (its per-language `stop_words.py` files are plain data; the package import costs seconds).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import re
import sys
from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any, NamedTuple

from consult.text import idms
from consult.text.languages import ASEAN_LANGUAGES, UNDETERMINED, normalise_language

log = logging.getLogger(__name__)

# Scripts written in one language here: (first, last code point, language).
# fmt: off
_SCRIPTS = [
    (0x0E00, 0x0E7F, "th"), (0x0E80, 0x0EFF, "lo"), (0x1780, 0x17FF, "km"),
    (0x19E0, 0x19FF, "km"), (0x1000, 0x109F, "my"), (0xA9E0, 0xA9FF, "my"),
    (0xAA60, 0xAA7F, "my"), (0x3040, 0x30FF, "ja"), (0xAC00, 0xD7AF, "ko"),
    (0x1100, 0x11FF, "ko"), (0x4E00, 0x9FFF, "zh"), (0x3400, 0x4DBF, "zh"),
    (0x0370, 0x03FF, "el"), (0x0590, 0x05FF, "he"), (0x10A0, 0x10FF, "ka"),
    (0x0530, 0x058F, "hy"), (0x0B80, 0x0BFF, "ta"), (0x0C00, 0x0C7F, "te"),
    (0x0C80, 0x0CFF, "kn"), (0x0D00, 0x0D7F, "ml"), (0x0D80, 0x0DFF, "si"),
    (0x0A80, 0x0AFF, "gu"), (0x0A00, 0x0A7F, "pa"),
]
# fmt: on
_LATIN = "latin"
_OTHER = "other"  # Cyrillic, Arabic, Devanagari, ...: several languages, py3langid decides
_WORD = re.compile(r"[^\W\d_]+")
_NOT_LATIN = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
_LATIN_LETTERS = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+")

MIN_LETTERS = 6  # fewer letters than this is never a language on its own ("OK", "Yes")
MIN_SCRIPT_LETTERS = 2  # a Thai/Khmer/... word of two letters already says which language
SHORT_WORDS = 5  # below this, py3langid is unreliable and only ASEAN languages are considered
SURE = 0.6  # py3langid probability (id + ms pooled) that a passage is clear enough to beat a prior
SHORT_SURE = 0.85  # a short text needs this much, over the ASEAN languages only, or is und
SHORT_IDMS_MARGIN = 1.5  # a short id/ms text leaning less than this either way is und
PLAIN_ENGLISH_SHARE = 0.2  # see _EN_WORDS
MAX_CHARS = 5000  # the start of a very long passage tells its language as well as all of it
_IDMS = ("id", "ms")
# Most passages of a round are plain English. Where these words make up 20% of 8+ words (3 of them
# distinct), py3langid is skipped: on SIB-200 train and dev this caught 80% of the English
# sentences, every one of which py3langid also reads as English, and none of the other eight
# languages' 6,400 (at 30%: 43% of English; on synthetic policy answers 26% against 81% now).
_EN_WORDS = """the and of to is are that with for this be have has was were will would should could
can not our their they we it from by as an which but these those there been more also than into
about"""
_EN_FUNCTION = frozenset(_EN_WORDS.split())
_ASEAN_LATIN = tuple(lang for lang in ASEAN_LANGUAGES if lang not in ("th", "km", "lo", "my"))


class Guess(NamedTuple):
    """What the text alone says: a language, how sure, id/ms evidence, which priors fit it."""

    language: str
    sure: bool = False
    id_logit: float | None = None  # > 0 leans Indonesian; set when the passage is id or ms
    by_script: bool = False  # a one-language script settled it; no prior can change that
    plausible: frozenset[str] | None = None  # languages a prior may name; None: any


@cache
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words for `lang` (lower case), or an empty set when unavailable."""
    name = f"spacy.lang.{lang}.stop_words"
    try:
        if f"spacy.lang.{lang}" in sys.modules:  # already paid for: the import is cheap now
            return frozenset(w.lower() for w in importlib.import_module(name).STOP_WORDS)
        # else the list's own file only: importing it would import its language package first,
        # tokenizer exceptions and all (French alone took 5 s), to read one set of words
        spec = importlib.util.find_spec("spacy")
        if spec is None or not spec.submodule_search_locations:
            return frozenset()
        root = next(iter(spec.submodule_search_locations))
        path = os.path.join(root, "lang", lang, "stop_words.py")
        with open(path, encoding="utf-8") as fh:
            namespace: dict = {}
            exec(compile(fh.read(), path, "exec"), namespace)  # noqa: S102 - installed package data
        return frozenset(w.lower() for w in namespace.get("STOP_WORDS", ()))
    except (ImportError, OSError, SyntaxError, NameError):  # pragma: no cover - not installed
        log.debug("No spaCy stop words for %s", lang)
        return frozenset()


@lru_cache(maxsize=1)
def _langid() -> Any:
    """py3langid's identifier over all its languages, probabilities normalised (~1 s, 30 MB)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def _lingua() -> Any:
    """lingua for Indonesian vs Malay only, models preloaded once (~0.5 s, ~60 MB)."""
    from lingua import Language, LanguageDetectorBuilder

    log.debug("Loading lingua (Indonesian, Malay)")
    return (
        LanguageDetectorBuilder.from_languages(Language.INDONESIAN, Language.MALAY)
        .with_preloaded_language_models()
        .build()
    )


def _lingua_indonesian(texts: Sequence[str]) -> list[float]:
    """lingua's probability of Indonesian (vs Malay) for each text."""
    if not texts:
        return []
    from lingua import Language

    detector = _lingua()
    out = []
    for text in texts:
        values = detector.compute_language_confidence_values(text)
        out.append(next((v.value for v in values if v.language == Language.INDONESIAN), 0.5))
    return out


def _runs_pattern() -> tuple[re.Pattern[str], list[str]]:
    """One alternative per script language (then Latin, then any other letters), as runs."""
    by_lang: dict[str, str] = {}
    for lo, hi, lang in _SCRIPTS:
        by_lang[lang] = by_lang.get(lang, "") + f"\\u{lo:04X}-\\u{hi:04X}"
    alts = [f"([{ranges}]+)" for ranges in by_lang.values()]
    pattern = "|".join([*alts, f"({_LATIN_LETTERS.pattern})", r"([^\W\d_]+)"])
    return re.compile(pattern), [*by_lang, _LATIN, _OTHER]


_RUNS, _RUN_LANGS = _runs_pattern()


def _script(text: str) -> tuple[str, int, int]:
    """The dominant script's language (or latin/other), its character count, and all letters.

    Characters of a one-language script count with their vowel marks; that script wins from 30%
    of the text, as Latin words inside Thai or Lao text are mostly names and terms.
    """
    if not _NOT_LATIN.search(text):
        n = sum(map(len, _LATIN_LETTERS.findall(text)))
        return _LATIN, n, n
    counts: Counter[str] = Counter()
    for m in _RUNS.finditer(text):
        counts[_RUN_LANGS[(m.lastindex or 1) - 1]] += m.end() - m.start()
    if counts["ja"] and counts["zh"]:  # kanji among kana is Japanese
        counts["ja"] += counts.pop("zh")
    total = sum(counts.values())
    if not total:
        return _LATIN, 0, 0
    own = [(n, lang) for lang, n in counts.items() if lang not in (_LATIN, _OTHER)]
    if own and max(own)[0] >= 0.3 * total:
        n, lang = max(own)
        return lang, n, total
    script, n = counts.most_common(1)[0]
    return script, n, total


def _plausible(probs: dict[str, float]) -> frozenset[str]:
    """Languages the text could still be in: a prior naming one of them may decide."""
    asean = {lang: probs.get(lang, 0.0) for lang in _ASEAN_LATIN}
    total = sum(asean.values()) or 1.0
    return frozenset(
        [lang for lang, p in probs.items() if p >= 0.05]
        + [lang for lang, p in asean.items() if p >= 0.1 * total]
    )


def _plain_english(words: list[str]) -> bool:
    if len(words) < 8:
        return False
    hits = [w for w in map(str.lower, words) if w in _EN_FUNCTION]
    return len(hits) >= PLAIN_ENGLISH_SHARE * len(words) and len(set(hits)) >= 3


def _guess(text: str) -> tuple[Guess, dict[str, float] | None, bool]:
    """The text's own guess, py3langid's scores if it is id or ms (for the id/ms step), short."""
    if not isinstance(text, str):
        return Guess(UNDETERMINED), None, True
    text = text[:MAX_CHARS]
    script, n, total = _script(text)
    if script not in (_LATIN, _OTHER):
        if n < MIN_SCRIPT_LETTERS:
            return Guess(UNDETERMINED), None, True
        return Guess(script, sure=n >= MIN_LETTERS, by_script=True), None, False
    if script == _LATIN and total != n:  # drop the minority script's words before py3langid
        text = " ".join(_LATIN_LETTERS.findall(text))
    words = _WORD.findall(text)
    if n < MIN_LETTERS or len(words) < 2:
        return Guess(UNDETERMINED), None, True
    if script == _LATIN and _plain_english(words):
        return Guess("en", True), None, False
    ident = _langid()
    if script == _LATIN and len(words) < SHORT_WORDS:
        # "no comment" reads as Italian to the full model: only ASEAN languages, and only clear
        probs = dict(ident.rank(text))
        asean = {lang: probs.get(lang, 0.0) for lang in _ASEAN_LATIN}
        best = max(asean, key=lambda k: asean[k])
        p = asean[best] + (asean["id" if best == "ms" else "ms"] if best in _IDMS else 0.0)
        if p < SHORT_SURE * (sum(asean.values()) or 1.0):
            return Guess(UNDETERMINED, plausible=_plausible(probs)), None, True
        return Guess(best, True), (probs if best in _IDMS else None), True
    best, p = ident.classify(text)
    if best not in _IDMS and p >= SURE:
        return Guess(best, True), None, False
    probs = dict(ident.rank(text))
    if best not in _IDMS:
        return Guess(best, plausible=_plausible(probs)), None, False
    return Guess(best, probs["id"] + probs["ms"] >= SURE), probs, False


def guess_languages(texts: Sequence[str]) -> list[Guess]:
    """What each text says about its language on its own (identical texts computed once)."""
    unique = list(dict.fromkeys(t for t in texts if isinstance(t, str)))
    first = {t: _guess(t) for t in unique}
    need = [t for t, (_, probs, _) in first.items() if probs is not None]
    lingua = dict(zip(need, _lingua_indonesian([t[:MAX_CHARS] for t in need])))
    out: dict[str, Guess] = {}
    for t, (g, probs, short) in first.items():
        if probs is not None:
            logit = idms.indonesian_logit(t[:MAX_CHARS], probs["id"], probs["ms"], lingua[t])
            g = g._replace(
                language=idms.decide(logit, None), id_logit=logit, plausible=frozenset(_IDMS)
            )
            if short and abs(logit) < SHORT_IDMS_MARGIN:  # "Terima kasih" is both
                g = g._replace(language=UNDETERMINED, sure=False)
        out[t] = g
    return [out[t] if isinstance(t, str) else Guess(UNDETERMINED) for t in texts]


def resolve(guess: Guess, prior: str | None) -> str:
    """The passage's language from its own guess and a prior (normalised, or None).

    A prior fills in what the text leaves open (too short, unsure, Indonesian or Malay); it never
    overrides a script, a sure guess, or a text that plainly is in some other language.
    """
    if guess.by_script or not prior:
        return guess.language
    if guess.id_logit is not None and prior in _IDMS:
        return idms.decide(guess.id_logit, prior)
    fits = guess.plausible is None or prior in guess.plausible
    if fits and (guess.language == UNDETERMINED or not guess.sure):
        return prior
    return guess.language


def dominant_language(guesses: Sequence[Guess]) -> str | None:
    """The language most sure guesses agree on (ties: the first seen), or None."""
    counts = Counter(g.language for g in guesses if g.sure and g.language != UNDETERMINED)
    return counts.most_common(1)[0][0] if counts else None


def detect_languages(
    texts: Sequence[str],
    priors: Sequence[object] | None = None,
    groups: Sequence[object] | None = None,
) -> list[str]:
    """ISO 639-1 code (or 'und') per text.

    `priors`: a stated language per text ('Thai', 'tha', None), used when the text is short or
    unclear and to tip Indonesian vs Malay. `groups` (e.g. the source file per text): each
    group's dominant detected language is the fallback prior for texts without one.
    """
    guesses = guess_languages(texts)
    stated = [normalise_language(p) for p in priors] if priors is not None else [None] * len(texts)
    keys = list(groups) if groups is not None else [None] * len(texts)
    if len(stated) != len(texts) or len(keys) != len(texts):
        raise ValueError("priors and groups must have one entry per text")
    members: dict[object, list[Guess]] = {}
    for key, g in zip(keys, guesses):
        if groups is not None:
            members.setdefault(key, []).append(g)
    fallback = {key: dominant_language(gs) for key, gs in members.items()}
    return [resolve(g, p or fallback.get(k)) for g, p, k in zip(guesses, stated, keys)]


def detect_language(text: str, prior: str | None = None) -> str:
    """ISO 639-1 code for one text ('und' when it cannot tell and no prior is given)."""
    return detect_languages([text], [prior])[0]
