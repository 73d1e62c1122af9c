"""Theme keywords and human-readable labels.

BERTopic's default label ("0_the_of_and") means nothing to a drafter. We build keywords from
class-based TF-IDF over lemmas with stop words and transcript filler removed, and a label from the
2-3 most distinctive keywords, preferring a bigram over the single words it contains.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

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


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words plus filler common in transcripts and comments."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # lazy: pulls in scipy

    return frozenset(ENGLISH_STOP_WORDS) | frozenset(_FILLER)

_TOKEN = re.compile(r"(?u)\b[^\W\d_][^\W_]+\b")


@lru_cache(maxsize=1)
def _lemma_table() -> dict[str, str]:
    """spaCy's English lemma lookup table (the same one consult.nlp uses), read directly.

    A dict lookup per word is ~20x faster than running the spaCy pipeline, which matters at
    100k passages; keywords need no more than that.
    """
    import spacy_lookups_data  # light: data files only, no spaCy import

    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Plurals whose lemma means something else in policy text ("customs" is not "custom"). Words in
# "-ing" are kept too: mostly nouns here ("capacity building", "urban planning", "financing").
_KEEP = frozenset({
    "customs", "goods", "data", "media", "news", "means", "logistics", "economics", "politics",
    "statistics", "arms", "savings", "earnings", "premises", "utilities", "humanities", "series",
    "species", "services", "affairs", "relations", "operations", "communications", "assets",
    "united", "states", "sciences", "resources", "rights",
})


def keyword_docs(texts: list[str], lemmatize: bool = True) -> list[str]:
    """Texts as BERTopic sees them for keywords: lower-case lemmas when available.

    Lemmas merge "bonds"/"bond" and "policies"/"policy" so keywords are not split across
    inflections. Without spaCy's lookup tables the lower-case words are used as they are.
    """
    lowered = [str(t).lower() for t in texts]
    if not lemmatize:
        return lowered
    try:
        table = _lemma_table()
    except (ImportError, OSError, ValueError) as exc:
        log.warning("Theme keywords from raw words (no lemma table: %s)", exc)
        return lowered
    get = table.get
    return [" ".join(w if w in _KEEP or w.endswith("ing") else get(w, w) for w in _WORD.findall(t))
            for t in lowered]


def _count_keywords(docs: list[str], top_n: int) -> list[str]:
    stops = stop_words()
    counts = Counter(w for d in docs for w in _TOKEN.findall(d) if w not in stops)
    return [w for w, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:top_n]]


def theme_keywords(
    model: Any, mapping: dict[int, int], docs: list[str], fit_ids: np.ndarray, k: int, top_n: int
) -> dict[int, list[str]]:
    """Top keywords per theme id: BERTopic's c-TF-IDF words, word counts as a fallback."""
    out: dict[int, list[str]] = {}
    if model is not None:
        for topic, theme in mapping.items():
            words = model.get_topic(topic) or []
            # BERTopic joins a theme's passages before counting bigrams, so "broadband
            # broadband" can span two passages: drop bigrams that repeat a word.
            out[theme] = [w for w, s in words
                          if w and s > 0 and len(set(w.split())) == len(w.split())][:top_n]
    for t in range(k):
        if not out.get(t):
            out[t] = _count_keywords([d for d, f in zip(docs, fit_ids) if f == t], top_n)
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


def _join(terms: list[str]) -> str:
    if not terms:
        return ""
    text = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]
    return text[0].upper() + text[1:]


def make_labels(keywords: dict[int, list[str]]) -> dict[int, str]:
    """Readable, distinct labels: "Green bond, financing and private sector"."""
    labels: dict[int, str] = {}
    used: set[str] = set()
    for t in sorted(keywords):
        words = keywords[t]
        terms = _label_terms(words)
        label = _join(terms) or f"Theme {t + 1}"
        covered = {tok for term in terms for tok in term.split()}
        extra = [w for w in words if not set(w.split()) <= covered]
        while label.lower() in used and extra:
            terms = terms + [extra.pop(0)]
            label = _join(terms)
        if label.lower() in used:
            label = f"{label} ({t + 1})"
        used.add(label.lower())
        labels[t] = label
    return labels
