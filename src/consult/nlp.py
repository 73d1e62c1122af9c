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


def lemmas(
    texts: Iterable[str], *, drop_punct: bool = True, batch_size: int = 256,
) -> list[list[str]]:
    """Lower-case lemmas of each text, in order; one list per text.

    Texts are lower-cased before lemmatising because the lookup tables are keyed by lower-case
    words ("The" would otherwise stay "The"). Punctuation and whitespace tokens are dropped unless
    `drop_punct` is False.
    """
    texts = ["" if t is None else str(t).lower() for t in texts]
    if not texts:
        return []
    nlp = pipeline()
    out: list[list[str]] = []
    for doc in nlp.pipe(texts, batch_size=batch_size):
        toks = []
        for tok in doc:
            if tok.is_space:
                continue
            if drop_punct and (tok.is_punct or not _WORDLIKE.search(tok.text)):
                continue
            toks.append((tok.lemma_ or tok.text).lower())
        out.append(toks)
    return out
