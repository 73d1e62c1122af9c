"""Prepare passages for analysis: language, word counts, stakeholder flag, last non-answer check.

Text stays verbatim (only surrounding whitespace is trimmed) so every passage can still be found
at its location. Whatever is rejected here is reflected in the per-file accounting by `account`.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.round import flag_duplicates, non_answer_reason
from consult.schema import StageResult

log = logging.getLogger(__name__)

_LATIN_LANGS = ("en", "id", "ms", "tl", "fr", "es", "pt", "de")
_SCRIPTS = [  # (first, last code point, language)
    (0x0E00, 0x0E7F, "th"), (0x0E80, 0x0EFF, "lo"), (0x1780, 0x17FF, "km"),
    (0x1000, 0x109F, "my"), (0x4E00, 0x9FFF, "zh"), (0x3040, 0x30FF, "ja"),
    (0xAC00, 0xD7AF, "ko"), (0x0B80, 0x0BFF, "ta"),
]
_VI_CHARS = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Words that tell Malay from Indonesian when their stop-word lists (shared in spaCy) cannot.
_MS_MARKERS = {"kerajaan", "boleh", "kenderaan", "sahaja", "daripada", "iaitu", "juga", "akan",
               "perlu", "ialah", "semasa", "kerana", "sebarang", "beliau", "bagi", "hendaklah"}
_ID_MARKERS = {"pemerintah", "bisa", "kendaraan", "saja", "karena", "yaitu", "tidak", "belum",
               "sudah", "harus", "dapat", "tersebut", "adalah", "oleh", "lebih", "nya"}


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    import importlib  # lazy: spaCy language modules import spaCy

    out = {}
    for lang in _LATIN_LANGS:
        try:
            mod = importlib.import_module(f"spacy.lang.{lang}.stop_words")
            out[lang] = frozenset(w.lower() for w in mod.STOP_WORDS)
        except Exception:  # pragma: no cover - missing language module
            log.debug("No spaCy stop words for %s", lang)
    return out


def detect_language(text: str) -> str:
    """ISO 639-1 code from script and stop-word ratios (offline, no model); 'und' if unsure."""
    if not isinstance(text, str):
        return "und"
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "und"
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
    if sum(ch.lower() in _VI_CHARS for ch in letters) >= max(2, 0.05 * len(letters)):
        return "vi"
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 3:
        return "und"
    scores = {lang: sum(w in sw for w in words) / len(words) for lang, sw in _stop_words().items()}
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


def count_words(text: str) -> int:
    return len(text.split()) if isinstance(text, str) else 0


def prepare_passages(passages: pd.DataFrame, config: ConsultConfig | None = None) -> StageResult:
    """Language, n_words and stakeholder flag for each passage; non-answers rejected."""
    config = config or ConsultConfig()
    non_answers = {a.casefold() for a in config.ingest.non_answers}
    table = passages.copy()
    for col in S.PASSAGE_COLUMNS:
        if col not in table.columns:
            table[col] = None
    table = table.astype({c: "object" for c in S.PASSAGE_COLUMNS})
    table[S.TEXT] = table[S.TEXT].map(lambda t: t.strip() if isinstance(t, str) else t)
    reasons = table[S.TEXT].map(lambda t: non_answer_reason(t, non_answers))
    bad = reasons.notna()
    rejected = pd.DataFrame({
        S.ROUND: table.loc[bad, S.ROUND], S.SOURCE_KIND: table.loc[bad, S.SOURCE_KIND],
        S.SOURCE_FILE: table.loc[bad, S.SOURCE_FILE], S.LOCATION: table.loc[bad, S.LOCATION],
        S.REASON: reasons[bad], S.STAGE: "prepare",
    }, columns=S.REJECTED_COLUMNS).astype("object")
    table = table.loc[~bad].copy()
    missing = table[S.LANGUAGE].map(lambda v: not isinstance(v, str) or not v.strip())
    table.loc[missing, S.LANGUAGE] = table.loc[missing, S.TEXT].map(detect_language)
    table[S.N_WORDS] = table[S.TEXT].map(count_words).astype("object")
    count_fac = config.transcripts.count_facilitators
    table[S.IS_STAKEHOLDER_INPUT] = [
        bool(v) if isinstance(v, bool) else (role != "facilitator" or count_fac)
        for v, role in zip(table[S.IS_STAKEHOLDER_INPUT], table[S.SPEAKER_ROLE])
    ]
    table[S.IS_STAKEHOLDER_INPUT] = table[S.IS_STAKEHOLDER_INPUT].astype("object")
    if bad.any() or table[S.DUPLICATE_OF].isna().all():
        table = flag_duplicates(table, config.ingest.duplicate_min_words)
    table = table[S.PASSAGE_COLUMNS].reset_index(drop=True)
    log.info("Prepared %d passages, rejected %d", len(table), len(rejected))
    if rejected.empty:
        rejected = S.empty_rejected()
    return StageResult(table=table, rejected=rejected.reset_index(drop=True))


def account(files: pd.DataFrame, rejected: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    """Per-file table recounted from the final passages and all rejected rows (every stage).

    Units stay what ingest found; passages and rejected are recounted, so units == passages +
    rejected holds after any stage moved passages to the rejected table.
    """
    out = files.copy()
    n_p = passages.groupby(S.SOURCE_FILE).size() if len(passages) else pd.Series(dtype=int)
    n_r = rejected.groupby(S.SOURCE_FILE).size() if len(rejected) else pd.Series(dtype=int)
    out[S.N_PASSAGES] = out[S.SOURCE_FILE].map(n_p).fillna(0).astype(int)
    out[S.N_REJECTED] = out[S.SOURCE_FILE].map(n_r).fillna(0).astype(int)
    broken = out[S.UNITS] != out[S.N_PASSAGES] + out[S.N_REJECTED]
    if broken.any():
        log.error("Accounting mismatch for %s", list(out.loc[broken, S.SOURCE_FILE]))
    return out
