"""Campaigns in the passage table: near-identical answers to one question from several people.

What "the same question" is, per source kind:
- survey answers: the same question text (case and spacing aside), across every survey file of
  the round, so one form exported per Member State is one question;
- notes and written submissions (kind "workshop"): every notes paragraph of the round is one
  pool, since a position paper sent by many organisations arrives as separate files;
- transcript turns are never grouped: what was said at a meeting counts as said.

A campaign needs at least two different voices (survey respondents; for notes, files), so a
rapporteur repeating a point in one file's summary is not a campaign, and members with at least
`min_words` words. Every member gets the campaign's id and size; exact copies keep their
`duplicate_of` as well. The id is "C" and 8 hex digits hashed from the question and the
template's wording (`campaign_id`), so it stays put between runs.
"""

from __future__ import annotations

import hashlib
import logging

import numpy as np
import pandas as pd

from consult import schema as S
from consult.ingest.textutil import count_words
from consult.text.campaigns import near_duplicate_groups, wording
from consult.values import is_missing

log = logging.getLogger(__name__)

NOTES_KIND = "workshop"


def _text(v) -> str:
    return "" if is_missing(v) else str(v)


def _long_enough(text, min_words: int) -> bool:
    """At least `min_words` words, counted as prepare counts them (Thai too)."""
    if not isinstance(text, str):
        return False
    return len(text.split()) >= min_words or count_words(text) >= min_words


def question_keys(passages: pd.DataFrame, min_words: int) -> list[tuple[str, str] | None]:
    """The question each passage answers, as campaigns compare them; None: never grouped."""
    keys: list[tuple[str, str] | None] = []
    for kind, question, text in zip(
        passages[S.SOURCE_KIND], passages[S.QUESTION], passages[S.TEXT], strict=True
    ):
        if kind not in ("survey", NOTES_KIND) or not _long_enough(text, min_words):
            keys.append(None)
        elif kind == "survey":
            keys.append(("survey", " ".join(_text(question).casefold().split())))
        else:
            keys.append((NOTES_KIND, ""))
    return keys


def voices(passages: pd.DataFrame) -> list[str]:
    """Who wrote each passage: the survey respondent, else the file (and speaker)."""
    out = []
    for resp, file, speaker in zip(
        passages[S.RESPONDENT_ID], passages[S.SOURCE_FILE], passages[S.SPEAKER], strict=True
    ):
        r = _text(resp).strip()
        out.append(r if r else f"{_text(file)}\x1f{_text(speaker)}")
    return out


def campaign_id(question_key, template: str) -> str:
    """ "C" and 8 hex digits of the question and the template's wording: the same campaign
    keeps its id from run to run, whatever the order of the files or a new member."""
    blob = f"{question_key}\x1f{wording(template)}".encode()
    return "C" + hashlib.sha256(blob).hexdigest()[:8]


def mark_campaigns(passages: pd.DataFrame, threshold: float, min_words: int) -> pd.DataFrame:
    """A copy with CAMPAIGN_ID ("" outside campaigns) and CAMPAIGN_SIZE (0 outside) filled in."""
    out = passages.copy()
    ids = np.full(len(out), "", dtype=object)
    sizes = np.zeros(len(out), dtype=np.int64)
    if len(out):
        texts = [_text(t) for t in out[S.TEXT]]
        keys = question_keys(out, min_words)
        labels, template_rows = near_duplicate_groups(texts, keys, threshold=threshold)
        grouped = labels >= 0
        if grouped.any():
            frame = pd.DataFrame(
                {"label": labels[grouped], "voice": np.asarray(voices(out))[grouped]}
            )
            n_voices = frame.groupby("label")["voice"].nunique()
            n_members = frame.groupby("label").size()
            name = {
                g: campaign_id(keys[template_rows[g]], texts[template_rows[g]])
                for g in n_voices.index[n_voices >= 2]
            }
            for i in np.flatnonzero(grouped):
                g = int(labels[i])
                if g in name:
                    ids[i] = name[g]
                    sizes[i] = int(n_members[g])
    out[S.CAMPAIGN_ID] = pd.Series(ids, index=out.index, dtype=object)
    out[S.CAMPAIGN_SIZE] = pd.Series(sizes, index=out.index, dtype="int64")
    n = int((sizes > 0).sum())
    if n:
        log.info("Campaigns: %d passages in %d campaigns", n, len(set(ids[sizes > 0])))
    return out
