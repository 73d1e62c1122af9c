"""Theme keywords and human-readable labels.

BERTopic's default label ("0_the_of_and") means nothing to a drafter. We build keywords from
class-based TF-IDF over the words of `consult.text.words` (lemmas, each language's stop words
and transcript filler removed), and a label from the 2-3 most distinctive keywords, preferring a
bigram over the single words it contains. A theme holding English passages is labelled from its
English keywords; one without is labelled in its own language, marked "(vi)", and the theme table
says which languages each theme holds.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from consult.text.languages import XLMR_LANGUAGES
from consult.text.words import ENGLISH, UNKNOWN

log = logging.getLogger(__name__)

POOL = 30  # c-TF-IDF words kept per theme: the label may need a readable one past the top few
# A theme is labelled from its English words when at least this share of its passages in a known
# language are English: a reviewer can read them, and they come from the theme's own passages.
READABLE_SHARE = 0.1
# Languages whose words are counted by syllable: their labels are built from two-syllable terms.
SYLLABIC = frozenset({"vi", "my"})
_NO_WORD = "emptydoc"  # BERTopic's stand-in for a theme whose keyword docs are all empty


@dataclass
class ThemeWords:
    """Per theme id: keywords for the table, the words its label is built from, the language
    shown after the label ("" for English or unknown) and its languages ("en 12, th 5")."""

    keywords: dict[int, list[str]]
    label_words: dict[int, list[str]]
    label_language: dict[int, str]
    languages: dict[int, str]


def _count_keywords(docs: list[str], top_n: int) -> list[str]:
    """Most frequent words, for when BERTopic could not weigh them (docs are already clean)."""
    counts = Counter(w for d in docs for w in d.split() if w != _NO_WORD)
    return [w for w, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:top_n]]


def _bertopic_words(model: Any, topic: int) -> list[str]:
    words = model.get_topic(topic) or []
    # BERTopic joins a theme's passages before counting bigrams, so "broadband broadband" can
    # span two passages: drop bigrams that repeat a word.
    return [
        w
        for w, s in words
        if w
        and s > 0
        and w != _NO_WORD
        and _NO_WORD not in w.split()
        and len(set(w.split())) == len(w.split())
    ]


def languages_text(counts: Counter) -> str:
    """ "en 12, th 5": most passages first, then by code."""
    return ", ".join(f"{g} {c}" for g, c in sorted(counts.items(), key=lambda x: (-x[1], x[0])))


def _label_language(counts: Counter) -> str:
    """English when enough of the theme is English, else its most common known language, one
    the multilingual model reads before one it does not (Thai words, not Tibetan fragments)."""
    known = {g: c for g, c in counts.items() if g != UNKNOWN}
    if counts.get(ENGLISH, 0) and counts[ENGLISH] >= READABLE_SHARE * sum(known.values()):
        return ENGLISH
    if not known:
        return UNKNOWN
    return min(known, key=lambda g: (g not in XLMR_LANGUAGES, -known[g], g))


def _syllable_terms(words: list[str]) -> list[str]:
    """Two-syllable terms that share no syllable ("hải quan", "cảng biển"), then lone words.

    "hải" alone says nothing, and chaining overlapping bigrams, right for English words, would
    glue syllables of different words together ("thủ tục hải quan" -> "tục hải quan").
    """
    paired = {tok for w in words if " " in w for tok in w.split()}
    used: set[str] = set()
    out = []
    for w in words:
        toks = w.split()
        if (len(toks) > 1 and used.isdisjoint(toks)) or (len(toks) == 1 and w not in paired):
            out.append(w)
            used.update(toks)
    return out or words


def theme_words(
    model: Any,
    mapping: dict[int, int],
    docs: list[str],
    langs: list[str],
    fit_ids: np.ndarray,
    k: int,
    top_n: int,
    word_langs: list[str] | None = None,
) -> ThemeWords:
    """Keywords, label words and languages per theme.

    Keywords are BERTopic's c-TF-IDF words (word counts as a fallback), whatever their language.
    The label keeps, in that order, only words found in the theme's passages of the label
    language, so a theme holding English passages is labelled in English words. `langs` are the
    passages' languages as given; `word_langs` the ones their words were read as, when a
    passage labelled English turned out German (see `topics_words.keyword_docs`).
    """
    word_langs = langs if word_langs is None else word_langs
    pool: dict[int, list[str]] = {}
    if model is not None:
        for topic, theme in mapping.items():
            pool[theme] = _bertopic_words(model, topic)
    fit_ids = np.asarray(fit_ids)
    order = np.argsort(fit_ids, kind="stable")
    bounds = np.searchsorted(fit_ids[order], np.arange(k + 1))
    out = ThemeWords({}, {}, {}, {})
    for t in range(k):
        rows = order[bounds[t] : bounds[t + 1]]
        tdocs = [docs[i] for i in rows]
        words = pool.get(t) or _count_keywords(tdocs, POOL)
        counts = Counter(langs[i] for i in rows)
        pick = _label_language(counts)
        readable = words
        tword = [word_langs[i] for i in rows]
        if any(g != pick for g in tword):
            own = [d for d, g in zip(tdocs, tword) if g == pick]
            text = " " + " | ".join(own) + " "
            readable = [w for w in words if f" {w} " in text] or _count_keywords(own, POOL) or words
        if pick in SYLLABIC:
            readable = _syllable_terms(readable)
        out.keywords[t] = words[:top_n]
        out.label_words[t] = readable
        out.label_language[t] = "" if pick in (ENGLISH, UNKNOWN) else pick
        out.languages[t] = languages_text(counts)
    return out


def _label_terms(words: list[str], n_terms: int = 3, scan: int = 8) -> list[str]:
    """Up to `n_terms` phrases from the top `scan` keywords.

    Overlapping bigrams are chained ("internal revenue" + "revenue code" -> "internal revenue
    code"), and a bigram replaces the single word it contains ("bond" -> "green bond").
    """
    phrases: list[list[str]] = []
    for w in words[:scan]:
        toks = w.split()
        merged = False
        for p in phrases:
            text = " " + " ".join(p) + " "
            if " " + " ".join(toks) + " " in text:
                merged = True  # already said
            elif len(toks) == 2 and len(p) < 4 and p[-1] == toks[0] and toks[1] not in p:
                p.append(toks[1])
                merged = True
            elif len(toks) == 2 and len(p) < 4 and p[0] == toks[1] and toks[0] not in p:
                p.insert(0, toks[0])
                merged = True
            elif len(p) == 1 and p[0] in toks:
                p[:] = toks
                merged = True
            if merged:
                break
        if not merged and len(phrases) < n_terms and not any(set(toks) <= set(p) for p in phrases):
            phrases.append(list(toks))
    # Chain phrases that now overlap by one word ("amend internal revenue" + "revenue code").
    i = 0
    while i < len(phrases):
        for j in range(len(phrases)):
            a, b = phrases[i], phrases[j]
            if i != j and a[-1] == b[0] and len(a) + len(b) - 1 <= 4 and not set(a) & set(b[1:]):
                a.extend(b[1:])
                del phrases[j]
                i = -1
                break
        i += 1
    # A later merge can make two phrases identical or nested: keep the first, longest wording.
    out: list[str] = []
    for p in phrases:
        text = " ".join(p)
        said = {tok for o in out for tok in o.split()}
        if set(p) & said:
            continue  # repeats a word already in the label
        out = [o for o in out if f" {o} " not in f" {text} "] + [text]
    return out


def _join(terms: list[str], english: bool = True) -> str:
    if not terms:
        return ""
    last = " and " if english else ", "  # no English "and" inside a Thai or Vietnamese label
    text = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + last + terms[-1]
    return text[0].upper() + text[1:]


def make_labels(
    keywords: dict[int, list[str]], languages: dict[int, str] | None = None
) -> dict[int, str]:
    """Readable, distinct labels: "Green bond, financing and private sector".

    `languages` names the language of a theme's label words when it is not English; it is shown
    after the label ("Giao thông, cửa khẩu (vi)") so a reviewer knows what they are reading.
    """
    labels: dict[int, str] = {}
    used: set[str] = set()
    for t in sorted(keywords):
        words = keywords[t]
        mark = f" ({languages[t]})" if languages and languages.get(t) else ""
        terms = _label_terms(words)
        label = (_join(terms, not mark) or f"Theme {t + 1}") + mark
        covered = {tok for term in terms for tok in term.split()}
        extra = [w for w in words if not set(w.split()) <= covered]
        while label.lower() in used and extra:
            terms = terms + [extra.pop(0)]
            label = _join(terms, not mark) + mark
        if label.lower() in used:
            label = f"{label} ({t + 1})"
        used.add(label.lower())
        labels[t] = label
    return labels
