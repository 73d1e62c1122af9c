"""Offline language guess and stop-word lists, without importing spaCy itself.

spaCy's per-language `stop_words.py` files are plain data; importing them through the package
costs seconds (spaCy pulls in its whole stack), so they are read directly from the installed
package. Ingest and prepare then stay fast; later stages import spaCy when they need it.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import re
import sys
from functools import lru_cache

log = logging.getLogger(__name__)

LATIN_LANGS = ("en", "id", "ms", "tl", "fr", "es", "pt", "de")
_SCRIPTS = [  # (first, last code point, language)
    (0x0E00, 0x0E7F, "th"), (0x0E80, 0x0EFF, "lo"), (0x1780, 0x17FF, "km"),
    (0x1000, 0x109F, "my"), (0x4E00, 0x9FFF, "zh"), (0x3040, 0x30FF, "ja"),
    (0xAC00, 0xD7AF, "ko"), (0x0B80, 0x0BFF, "ta"),
]
_NON_LATIN = re.compile(r"[\u0E00-\u0EFF\u1780-\u17FF\u1000-\u109F\u4E00-\u9FFF\u3040-\u30FF"
                        r"\uAC00-\uD7AF\u0B80-\u0BFF]")
_VI_CHARS = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
_VI_RE = re.compile("[" + "".join(sorted(_VI_CHARS)) + "]", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Words that tell Malay from Indonesian when their stop-word lists (shared in spaCy) cannot.
_MS_MARKERS = {"kerajaan", "boleh", "kenderaan", "sahaja", "daripada", "iaitu", "juga", "akan",
               "perlu", "ialah", "semasa", "kerana", "sebarang", "beliau", "bagi", "hendaklah"}
_ID_MARKERS = {"pemerintah", "bisa", "kendaraan", "saja", "karena", "yaitu", "tidak", "belum",
               "sudah", "harus", "dapat", "tersebut", "adalah", "oleh", "lebih", "nya"}


@lru_cache(maxsize=None)
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words for `lang` (lower case), or an empty set when unavailable."""
    name = f"spacy.lang.{lang}.stop_words"
    try:
        if "spacy" in sys.modules:  # already paid for: the ordinary import is cheap now
            return frozenset(w.lower() for w in importlib.import_module(name).STOP_WORDS)
        spec = importlib.util.find_spec("spacy")
        if spec is None or not spec.submodule_search_locations:
            return frozenset()
        path = os.path.join(list(spec.submodule_search_locations)[0], "lang", lang, "stop_words.py")
        with open(path, encoding="utf-8") as fh:
            namespace: dict = {}
            exec(compile(fh.read(), path, "exec"), namespace)  # noqa: S102 - installed package data
        return frozenset(w.lower() for w in namespace.get("STOP_WORDS", ()))
    except Exception:  # pragma: no cover - spaCy or the language missing
        log.debug("No spaCy stop words for %s", lang)
        return frozenset()


@lru_cache(maxsize=1)
def _all_stop_words() -> dict[str, frozenset[str]]:
    return {lang: sw for lang in LATIN_LANGS if (sw := stop_words(lang))}


def detect_language(text: str) -> str:
    """ISO 639-1 code from script and stop-word ratios (offline, no model); 'und' if unsure."""
    if not isinstance(text, str):
        return "und"
    letters = _LETTER.findall(text)
    if not letters:
        return "und"
    if _NON_LATIN.search(text):
        counts: dict[str, int] = {}
        for ch in letters:
            cp = ord(ch)
            for lo, hi, lang in _SCRIPTS:
                if lo <= cp <= hi:
                    counts[lang] = counts.get(lang, 0) + 1
                    break
        if counts:
            lang, n = max(counts.items(), key=lambda kv: kv[1])
            if n >= 0.3 * len(letters):
                return lang
    if len(_VI_RE.findall(text)) >= max(2, 0.05 * len(letters)):
        return "vi"
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 3:
        return "und"
    scores = {lang: sum(w in sw for w in words) / len(words)
              for lang, sw in _all_stop_words().items()}
    if not scores:
        return "und"
    best = max(scores, key=lambda k: scores[k])
    if scores[best] < 0.1:
        return "und"
    if best in ("id", "ms"):
        ms = sum(w in _MS_MARKERS for w in words)
        idn = sum(w in _ID_MARKERS for w in words)
        return "ms" if ms > idn else "id"
    return best
