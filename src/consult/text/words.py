"""Words for theme keywords, per language.

Keywords are counted over words, so each passage is cut into words the way its language needs and
loses its own language's stop words before BERTopic counts anything. Removing every language's
stop words from every passage would cost real words ("an ninh", security, would lose "an"), so each
passage drops its own list; passages of unknown language (`und`) drop the lists of all languages in
the round, which is how a German answer never yields "der, die, auf".

Thai and Lao write no spaces between words: pythainlp / laonlp cut them (offline, bundled
dictionaries; imported only when such a passage shows up). Burmese is cut into syllables by the
usual regular expression; Khmer (and anything else written without spaces) is split at spaces and
zero-width spaces only, and chunks longer than a word are dropped, so no keyword is ever a whole
sentence. Vietnamese is counted by syllable: the bigrams carry its two-syllable words.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

import pandas as pd

from consult.text.detect import stop_words as spacy_stop_words
from consult.text.lemmas import lemma_of, lemma_table

log = logging.getLogger(__name__)

# fmt: off
_FILLER = {
    "also", "would", "could", "should", "might", "must", "need", "needs", "like", "think", "just",
    "really", "going", "go", "lot", "lots", "thing", "things", "yes", "yeah", "know", "say",
    "said", "get", "got", "make", "want", "way", "well", "ok", "okay", "um", "uh", "erm", "mr",
    "mrs", "ms", "dr", "be", "have", "do", "does", "did", "done", "will", "can", "may", "one",
    "much", "many", "us", "let", "sure", "thank", "thanks", "question", "actually", "obviously",
    "certainly", "perhaps", "maybe", "kind", "sort", "bit", "mean", "look", "see", "come", "take",
    "give", "put", "use", "new", "good", "important", "different", "able", "year", "time",
    "people", "member", "nt", "s", "ll", "ve", "re", "d", "m", "t", "don", "didn", "doesn",
    "isn", "wasn", "aren", "won", "wouldn", "couldn", "shouldn", "certain", "provide", "purpose",
    "shall", "include", "ensure", "regard", "relate", "respect", "within", "etc",
}
# fmt: on
# spaCy's Vietnamese list is written for a word segmenter ("có_thể"); its single syllables include
# halves of content words ("năng lượng", energy), so only these function syllables drop alone.
def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_VI_SINGLE = _set(
    "và của các những là được cho có không này đã sẽ đang với trong để từ khi thì mà nên cũng rất "
    "hơn một hoặc hay nhưng nếu vì theo về tại đến vào lại phải bị do bởi như nào gì ở chúng tôi "
    "ta họ cả mọi mỗi đó kia cần nhiều ai"
)
# No spaCy list exists for these: the commonest particles, so they do not crowd the keywords.
_EXTRA_STOPS = {
    "km": _set(
        "និង ការ នៃ ក្នុង ដែល នេះ នោះ ជា បាន មាន ទៅ ពី ដើម្បី គឺ ត្រូវ សម្រាប់ ឱ្យ "
        "យើង ខ្ញុំ របស់ ក៏ ហើយ នឹង ទេ មិន លើ ដល់ ដោយ ថា"
    ),
    "my": _set("သည် ကို များ နှင့် တွင် မှ ရန် ဖြစ် ပါ တယ် နဲ့ လည်း ရှိ သော ၍ သို့ ဟု အား ခဲ့ မည် နေ ပြီး လို့ တို့"),
}
UNSPACED = frozenset({"th", "lo", "km", "my", "zh", "ja"})
# Combining marks of the scripts we meet: Python's \w leaves them out, which would cut Thai,
# Lao, Khmer and Burmese words apart at every vowel sign.
_MARKS = (
    "\u0300-\u036f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
    "\u17b4-\u17d3\u17dd\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d"
    "\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d\u0900-\u0903\u093a-\u094f\u0b82"
    "\u0bbe-\u0bcd\u0f71-\u0f84\u0f86\u0f87\u0f8d-\u0fbc"
)
WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_MARKS}])*")
_PLAIN_WORD = re.compile(r"[^\W_]+")  # English (NFC): no marks to keep, and faster
_SCRIPTS = {
    "th": re.compile(r"[\u0e00-\u0e7f]"),
    "lo": re.compile(r"[\u0e80-\u0eff]"),
    "km": re.compile(r"[\u1780-\u17ff]"),
    "my": re.compile(r"[\u1000-\u109f]"),
}
_ANY_SCRIPT = re.compile(r"[\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f]")
# Burmese syllables (after sylbreak): a break before each consonant that is neither stacked
# (preceded by U+1039) nor killed (followed by asat U+103A or the stacker), and before any
# independent vowel, digit or Latin run.
_MY_BREAK = re.compile(
    r"((?<!\u1039)[\u1000-\u1021](?!\u1037?[\u103a\u1039])"
    r"|[\u1023-\u102a\u103f\u104c-\u104f\u1040-\u1049a-z0-9])"
)
MAX_WORD = 20  # code points; longer "words" from unsegmented text are phrases: dropped
ENGLISH = "en"
UNKNOWN = "und"
# Latin-script languages with spaCy stop lists (ms shares id's), English first: a passage is
# checked against them when its label looks wrong (see `_latin_language`).
_LATIN_GUESS = (ENGLISH, "de", "fr", "es", "pt", "it", "nl", "id", "tl")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """English: scikit-learn's stop words plus filler common in transcripts and comments."""
    # lazy: pulls in scipy
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | frozenset(_FILLER)


@cache
def stop_words_for(lang: str) -> frozenset[str]:
    """The words a passage in `lang` drops before keywords are counted."""
    if lang == ENGLISH:
        return stop_words()
    if lang == "vi":
        return _VI_SINGLE
    own = spacy_stop_words(lang) | _EXTRA_STOPS.get(lang, frozenset())
    if lang == "th":
        own |= _optional_list("pythainlp.corpus", "thai_stopwords")
    elif lang == "lo":
        own |= _optional_list("laonlp.corpus", "lao_stopwords")
    if lang not in UNSPACED:  # answers in Tagalog or Malay often switch to English mid-sentence
        own |= stop_words()
    return frozenset(own)


def _optional_list(module: str, name: str) -> frozenset[str]:
    try:
        _quiet_thai_data()
        return frozenset(getattr(importlib.import_module(module), name)())
    except Exception as exc:  # noqa: BLE001 - an optional extra list
        log.debug("No %s.%s (%s)", module, name, exc)
        return frozenset()


@lru_cache(maxsize=1)
def _vi_compounds() -> tuple[frozenset[tuple[str, ...]], int]:
    """spaCy's multi-syllable Vietnamese stop words ("có_thể") as syllable tuples."""
    found = {tuple(w.split("_")) for w in spacy_stop_words("vi") if "_" in w}
    return frozenset(found), max((len(c) for c in found), default=1)


def passage_languages(texts: list[str], languages: Any | None) -> list[str]:
    """One language code per passage: `en` when none are given, `und` when one is missing.

    A passage labelled English or unknown but written in Thai, Lao, Khmer or Burmese script is
    routed by its script, so it is never counted as one long "word".
    """
    if languages is None:
        langs = [ENGLISH] * len(texts)
    else:
        langs = [
            UNKNOWN
            if v is None or (not isinstance(v, str) and pd.isna(v))
            else (str(v).strip().lower() or UNKNOWN)
            for v in languages
        ]
        if len(langs) != len(texts):
            raise ValueError(
                f"languages has {len(langs)} entries for {len(texts)} passages; "
                "pass one ISO 639-1 code per passage ('und' when unknown)."
            )
    out = []
    for text, lang in zip(texts, langs):
        if lang not in UNSPACED and _ANY_SCRIPT.search(text):
            counts = {k: len(p.findall(text)) for k, p in _SCRIPTS.items()}
            best = max(counts, key=lambda k: counts[k])
            if counts[best] >= 0.3 * max(1, len(text) - text.count(" ")):
                lang = best
        out.append(lang)
    return out


def _quiet_thai_data() -> None:
    # pythainlp would create ~/pythainlp-data and may look for updates; its bundled
    # dictionary is all we use.
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


@cache
def _segmenter(lang: str) -> Any:
    """A word segmenter for Thai or Lao, or None when its library is not installed."""
    _quiet_thai_data()
    try:
        if lang == "th":
            from pythainlp.tokenize import word_tokenize

            return lambda t: word_tokenize(t, engine="newmm", keep_whitespace=False)
        if lang == "lo":
            from laonlp.tokenize import word_tokenize as lao_tokenize

            return lao_tokenize
    except ImportError as exc:
        log.warning(
            "No word segmenter for '%s' (%s): its keywords come only from short runs "
            "between spaces",
            lang,
            exc,
        )
    return None


def _words(text: str, lang: str) -> list[str]:
    """Lower-case words of one non-English passage (English goes through `_english`)."""
    if lang == "vi":
        return _drop_vi_compounds(WORD.findall(text))
    if lang == "my":
        return WORD.findall(_MY_BREAK.sub(r" \1", text))
    seg = _segmenter(lang) if lang in ("th", "lo") else None
    if seg is not None:
        return [w for part in text.split() for w in seg(part) if WORD.fullmatch(w)]
    words = WORD.findall(text)
    return [w for w in words if len(w) <= MAX_WORD] if lang in UNSPACED else words


def _drop_vi_compounds(sylls: list[str]) -> list[str]:
    compounds, longest = _vi_compounds()
    out, i = [], 0
    while i < len(sylls):
        for n in range(min(longest, len(sylls) - i), 1, -1):
            if tuple(sylls[i : i + n]) in compounds:
                i += n
                break
        else:
            out.append(sylls[i])
            i += 1
    return out


def _english(split: list[list[str]], lemmatize: bool, stops: frozenset[str]) -> list[str]:
    table = None
    if lemmatize:
        try:
            table = lemma_table()
        except (ImportError, OSError, ValueError) as exc:
            log.warning("Theme keywords from raw words (no lemma table: %s)", exc)
    out = []
    for words in split:
        if table is not None:
            words = [lemma_of(w, table) for w in words]
        out.append(
            " ".join(w for w in words if w not in stops and len(w) > 1 and not w[0].isdigit())
        )
    return out


@lru_cache(maxsize=1)
def _foreign_markers() -> frozenset[str]:
    """Stop words of the Latin-script languages we know that are not English stop words."""
    return frozenset().union(*(spacy_stop_words(g) for g in _LATIN_GUESS[1:])) - stop_words()


def _latin_language(words: list[str], lang: str) -> str:
    """The Latin-script language whose stop words clearly dominate `words`, else `lang`.

    Labels can be wrong (a detector that knows no German calls it English or Tagalog); German
    passages taken for English are where "der, die, auf" keywords came from. The caller asks
    only when a passage holds a non-English stop word, so English rounds pay almost nothing.
    """

    def hits(g: str) -> int:
        lst = stop_words() if g == ENGLISH else spacy_stop_words(g)
        return sum(w in lst for w in words)

    best = max(_LATIN_GUESS, key=hits)
    n = hits(best)
    return best if n >= 2 and n > hits(lang if lang in _LATIN_GUESS else ENGLISH) else lang


def keyword_docs(
    texts: list[str], lemmatize: bool = True, languages: list[str] | None = None
) -> list[str]:
    """Texts as BERTopic sees them for keywords: words joined by spaces, stop words gone.

    English passages are lemmatised ("bonds"/"bond", "policies"/"policy") so keywords are not
    split across inflections. `languages` holds one code per passage (see `passage_languages`);
    a Latin-script passage whose words are clearly another language's is cut as that language.
    """
    return keyword_docs_and_languages(texts, lemmatize, languages)[0]


def keyword_docs_and_languages(
    texts: list[str], lemmatize: bool = True, languages: list[str] | None = None
) -> tuple[list[str], list[str]]:
    """`keyword_docs` and the language each passage's words were taken as."""
    langs = passage_languages(texts, languages)
    lowered = [unicodedata.normalize("NFC", str(t).lower()) for t in texts]
    split: list[list[str] | None] = [None] * len(texts)
    markers = _foreign_markers()
    for i, lang in enumerate(langs):
        if lang not in UNSPACED and lang != "vi":
            find = _PLAIN_WORD if lang in (ENGLISH, UNKNOWN) else WORD
            split[i] = words = find.findall(lowered[i])
            if not markers.isdisjoint(words):  # cheap: most English passages stop here
                langs[i] = _latin_language(words, lang)
    out = [""] * len(texts)
    present = sorted(set(langs))
    for lang in present:
        rows = [i for i, g in enumerate(langs) if g == lang]
        if lang in (ENGLISH, UNKNOWN):
            stops = (
                stop_words()
                if lang == ENGLISH
                else frozenset().union(
                    stop_words(), *(stop_words_for(g) for g in present if g != UNKNOWN)
                )
            )
            for i, doc in zip(rows, _english([split[i] or [] for i in rows], lemmatize, stops)):
                out[i] = doc
            continue
        stops = stop_words_for(lang)
        for i in rows:
            known = split[i]
            words = known if known is not None else _words(lowered[i], lang)
            out[i] = " ".join(
                w for w in words if w not in stops and len(w) > 1 and not w[0].isdigit()
            )
    return out, langs
