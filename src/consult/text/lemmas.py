"""Light English text processing: spaCy tokeniser + lookup lemmatiser, no statistical model.

`spacy.blank("en")` with the lemmatiser in lookup mode (tables from spacy-lookups-data) needs no
model download and lemmatises thousands of passages per second, which keyword matching needs.
The pipeline is built once per process and cached.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any, Iterable

log = logging.getLogger(__name__)

_WORDLIKE = re.compile(r"\w", re.UNICODE)


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The cached spaCy pipeline: blank English tokenizer + lookup lemmatizer."""
    import spacy  # lazy: spaCy takes seconds to import

    logging.getLogger("spacy").setLevel(logging.WARNING)  # "Created vocabulary" noise
    nlp = spacy.blank("en")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except Exception as exc:  # pragma: no cover - spacy-lookups-data missing
        raise RuntimeError(
            "spaCy's lookup lemmatizer needs the `spacy-lookups-data` package; install it with "
            "`pip install spacy-lookups-data==1.0.5`."
        ) from exc
    log.debug("Built spaCy blank('en') pipeline with lookup lemmatizer")
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
    texts: Iterable[str], *, drop_punct: bool = True, batch_size: int = 256,
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
    limit = max(1000, nlp.max_length - 1000)
    owner: list[int] = []  # piece -> index of its text
    pieces: list[str] = []
    for i, t in enumerate(texts):
        parts = _pieces(t, limit) if len(t) > limit else [t]
        if len(parts) > 1:
            log.warning("A text of %d characters is lemmatised in %d pieces (spaCy max_length "
                        "%d)", len(t), len(parts), nlp.max_length)
        pieces += parts
        owner += [i] * len(parts)
    out: list[list[str]] = [[] for _ in texts]
    for i, doc in zip(owner, nlp.pipe(pieces, batch_size=batch_size)):
        toks = out[i]
        for tok in doc:
            if tok.is_space:
                continue
            if drop_punct and (tok.is_punct or not _WORDLIKE.search(tok.text)):
                continue
            toks.append((tok.lemma_ or tok.text).lower())
    return out
