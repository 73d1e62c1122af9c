"""Passages without substance: procedural turns and passages too thin to fit themes on.

"Okay, thank you for that.", "Thank you, Chair", "Next slide please" carry no topic, yet there
are so many of them in a transcript that they made a theme of their own. Themes are now fitted
on passages with content only; the others keep their row and are either placed in the theme they
fit well or marked procedural (theme id `schema.PROCEDURAL_THEME_ID`, label "Procedural").

A passage is procedural when either holds (both measured on QMSum, see benchmarks/README.md):
- **no content:** a short passage (at most `SHORT_WORDS` words) without a content word once its
  language's stop words, transcript filler, pseudonyms, placeholders and speaker roles are gone
  ("We'll now go to Participant 80", "How many?"). Words of Khmer and other scripts nothing
  segments are estimated from the characters, so an unsegmented sentence is not "empty";
- **like the procedural examples:** a short passage (at most `MAX_CONTENT_WORDS` content words)
  whose embedding is close to the centroid of `EXAMPLES`, a handful of English procedural
  sentences embedded by the run's model. The embedding space is shared across languages, so
  "Terima kasih, Ketua" and "ขอบคุณครับท่านประธาน" are caught without a word list per language.
  "Close" is at least `topics.procedural_similarity` times the examples' own mean similarity
  to their centroid, so the rule does not depend on one model's scale of similarities.

A procedural passage joins its nearest theme when it is at least as close to the theme's
centroid as the theme's own members at `topics.procedural_fit_quantile`, and nearer to it than
to the procedural examples; otherwise it is marked procedural. Nothing is dropped.
"""

from __future__ import annotations

import numpy as np

from consult.embedding.embed import normalise as unit_rows
from consult.themes.quotes import n_words

PROCEDURAL_LABEL = "Procedural"
# Short English sentences of meeting procedure: courtesy, turn-taking, time, technology.
EXAMPLES = (
    "Thank you.",
    "Thank you, Chair.",
    "Okay, thank you for that.",
    "Yes.",
    "Next slide, please.",
    "Can everyone hear me?",
    "You are on mute.",
    "We will now go to the next speaker.",
    "You have one minute left.",
    "Let's move on to the next question.",
)
# Passages with more content words than this are never procedural by their embedding alone: a
# long answer that opens with "Thank you, Chair" is an answer.
MAX_CONTENT_WORDS = 6
# A passage without content words is procedural only up to this many words.
SHORT_WORDS = 12


def content_words(docs: list[str]) -> np.ndarray:
    """Distinct words per keyword doc (stop words, filler, pseudonyms and roles already gone)."""
    return np.array([len(set(d.split())) for d in docs], dtype=int)


def example_similarity(X: np.ndarray, examples: np.ndarray | None) -> tuple[np.ndarray, float]:
    """Cosine of each row to the examples' centroid, and the examples' own mean cosine to it
    (the scale a threshold is taken relative to). Zeros and 0.0 without examples."""
    if examples is None or len(examples) == 0:
        return np.zeros(len(X), np.float32), 0.0
    E = unit_rows(np.asarray(examples, dtype=np.float32))
    centre = E.mean(axis=0)
    norm = float(np.linalg.norm(centre))
    if norm == 0:
        return np.zeros(len(X), np.float32), 0.0
    centre /= norm
    return unit_rows(np.asarray(X, dtype=np.float32)) @ centre, float((E @ centre).mean())


def procedural_mask(
    texts: list[str],
    n_content: np.ndarray,
    similarity: np.ndarray,
    scale: float,
    relative_similarity: float,
) -> np.ndarray:
    """True for passages without substance (see the module docstring for the rule)."""
    thin = n_content == 0
    if thin.any():
        thin[thin] = [n_words(texts[i]) <= SHORT_WORDS for i in np.flatnonzero(thin)]
    if scale <= 0:
        return thin
    like = (n_content <= MAX_CONTENT_WORDS) & (similarity >= relative_similarity * scale)
    return thin | like


def place_if_fitting(
    X: np.ndarray,
    theme_ids: np.ndarray,
    members: np.ndarray,
    rows: np.ndarray,
    quantile: float,
    similarity: np.ndarray | None = None,
) -> np.ndarray:
    """For `rows`, the nearest theme when they fit it well, else -1.

    `members` are the passages the themes were fitted on (`theme_ids` holds their ids). A row
    fits theme t when its cosine to t's centroid is at least the `quantile` of the members'
    cosines to it and, with `similarity` (cosine to the procedural examples), higher than that.
    """
    out = np.full(rows.size, -1, dtype=int)
    fitted = members[theme_ids[members] >= 0]
    if rows.size == 0 or fitted.size == 0:
        return out
    U = unit_rows(np.asarray(X, dtype=np.float32))
    ids = theme_ids[fitted]
    k = int(ids.max()) + 1
    cent = np.zeros((k, U.shape[1]), np.float32)
    np.add.at(cent, ids, U[fitted])
    cent = unit_rows(cent)
    own = (U[fitted] * cent[ids]).sum(axis=1)
    floor = np.full(k, np.inf, np.float32)
    for t in range(k):
        sims = own[ids == t]
        if sims.size:
            floor[t] = float(np.quantile(sims, quantile))
    for s in range(0, rows.size, 8192):  # chunks keep memory flat at 100k passages
        part = rows[s : s + 8192]
        sims = U[part] @ cent.T
        best = sims.argmax(axis=1)
        top = sims[np.arange(part.size), best]
        ok = top >= floor[best]
        if similarity is not None:
            ok &= top > similarity[part]
        out[s : s + 8192] = np.where(ok, best, -1)
    return out
