"""The one English lemmatiser: spaCy's tokeniser and spaCy's lemma lookup table, one rule.

Tagging (keywords as runs of lemmas) and themes (keywords per theme) lemmatise every word with
`lemma_of`, so a word means the same to both.

`spacy.blank("en")` and the table of spacy-lookups-data need no model download and lemmatise
thousands of passages per second, which keyword matching needs. Both are loaded once per process.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_WORDLIKE = re.compile(r"\w", re.UNICODE)
_UNSEEN = "\0unseen"  # no lemma is this


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The cached spaCy pipeline: blank English tokenizer (lemmas come from `lemma_of`)."""
    import spacy  # lazy: spaCy takes seconds to import

    logging.getLogger("spacy").setLevel(logging.WARNING)  # "Created vocabulary" noise
    nlp = spacy.blank("en")  # the tokeniser only: lemmas come from the lookup table
    log.debug("Built spaCy blank('en') tokeniser")
    return nlp


def _pieces(text: str, limit: int) -> list[str]:
    """`text` cut at whitespace into pieces under spaCy's `max_length` (a hard cut if a piece
    has no whitespace), so no passage, however long, stops a run with spaCy's E088."""
    out = []
    while len(text) > limit:
        k = text.rfind(" ", limit // 2, limit)
        k = k if k > 0 else limit
        out.append(text[:k])
        text = text[k:]
    out.append(text)
    return out


def lemmas(
    texts: Iterable[str],
    *,
    drop_punct: bool = True,
    batch_size: int = 256,
) -> list[list[str]]:
    """Lower-case lemmas of each text, in order; one list per text.

    Texts are lower-cased before lemmatising because the lookup tables are keyed by lower-case
    words ("The" would otherwise stay "The"). Punctuation and whitespace tokens are dropped unless
    `drop_punct` is False. A text longer than spaCy's `max_length` is lemmatised in pieces.
    """
    texts = ["" if t is None else str(t).lower() for t in texts]
    if not texts:
        return []
    nlp = pipeline()
    table = lemma_table()
    limit = max(1000, nlp.max_length - 1000)
    owner: list[int] = []  # piece -> index of its text
    pieces: list[str] = []
    for i, t in enumerate(texts):
        parts = _pieces(t, limit) if len(t) > limit else [t]
        if len(parts) > 1:
            log.warning(
                "A text of %d characters is lemmatised in %d pieces (spaCy max_length %d)",
                len(t),
                len(parts),
                nlp.max_length,
            )
        pieces += parts
        owner += [i] * len(parts)
    from spacy.attrs import ORTH

    out: list[list[str]] = [[] for _ in texts]
    # Per distinct word, not per token: spaCy's Token objects cost more than the lookup itself
    # (space and punctuation are properties of the word, as Token.is_space/is_punct read them).
    words: dict[int, str | None] = {}
    vocab = nlp.vocab
    for i, doc in zip(owner, nlp.tokenizer.pipe(pieces, batch_size=batch_size)):
        toks = out[i]
        for orth in doc.to_array(ORTH).tolist():
            word = words.get(orth, _UNSEEN)
            if word is _UNSEEN:
                lex = vocab[orth]
                text = lex.text
                skip = lex.is_space or (drop_punct and (lex.is_punct or not _WORDLIKE.search(text)))
                word = words[orth] = None if skip else lemma_of(text.lower(), table)
            if word is not None:
                toks.append(word)
    return out


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """spaCy's English lemma lookup table (the one `lemmas` runs through spaCy), read directly.

    A dict lookup per word is ~20x faster than running the spaCy pipeline, which matters at
    100k passages; keywords need no more than that.
    """
    import spacy_lookups_data  # light: data files only, no spaCy import

    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


# Plurals whose lemma means something else in policy text ("customs" is not "custom"). Words in
# "-ing" are kept too: mostly nouns here ("capacity building", "urban planning", "financing").
# fmt: off
KEEP = frozenset({
    "customs", "goods", "data", "media", "news", "means", "logistics", "economics", "politics",
    "statistics", "arms", "savings", "earnings", "premises", "utilities", "humanities", "series",
    "species", "services", "affairs", "relations", "operations", "communications", "assets",
    "united", "states", "sciences", "resources", "rights",
})
# fmt: on


def lemma_of(word: str, table: dict[str, str]) -> str:
    """The lemma of a lower-case word: the lookup table's, except the words kept as they are."""
    return word if word in KEEP or word.endswith("ing") else table.get(word, word)
