"""Prepare passages for analysis: language, word counts, stakeholder flag, last non-answer check.

Text stays verbatim (only surrounding whitespace is trimmed) so every passage can still be found
at its location. Whatever is rejected here is reflected in the per-file accounting by `account`.
"""

from __future__ import annotations

import logging

import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.language import detect_language, detect_languages
from consult.ingest.round import PHRASE_KINDS, flag_duplicates
from consult.ingest.textutil import count_words, non_answer_reason
from consult.schema import StageResult

__all__ = ["account", "count_words", "detect_language", "prepare_passages", "prepare_round"]

log = logging.getLogger(__name__)

def prepare_passages(passages: pd.DataFrame, config: ConsultConfig | None = None) -> StageResult:
    """Language (detected per passage), n_words and stakeholder flag; non-answers rejected."""
    config = config or ConsultConfig()
    non_answers = {a.casefold() for a in config.ingest.non_answers}
    table = passages.copy()
    for col in S.PASSAGE_COLUMNS:
        if col not in table.columns:
            table[col] = None
    table = table.astype({c: "object" for c in S.PASSAGE_COLUMNS})
    table[S.TEXT] = table[S.TEXT].map(lambda t: t.strip() if isinstance(t, str) else t)
    reasons = pd.Series([
        non_answer_reason(t, non_answers, kind in PHRASE_KINDS or not isinstance(kind, str))
        for t, kind in zip(table[S.TEXT], table[S.SOURCE_KIND])], index=table.index, dtype="object")
    bad = reasons.notna()
    rejected = pd.DataFrame({
        S.ROUND: table.loc[bad, S.ROUND], S.SOURCE_KIND: table.loc[bad, S.SOURCE_KIND],
        S.SOURCE_FILE: table.loc[bad, S.SOURCE_FILE], S.LOCATION: table.loc[bad, S.LOCATION],
        S.REASON: reasons[bad], S.STAGE: "prepare",
    }, columns=S.REJECTED_COLUMNS).astype("object")
    table = table.loc[~bad].copy()
    # Every passage is detected: a manifest or survey language is a prior, not the answer (one
    # file may mix languages), and the file's dominant language backs up short passages.
    table[S.LANGUAGE] = pd.Series(detect_languages(
        list(table[S.TEXT]), priors=list(table[S.LANGUAGE]), groups=list(table[S.SOURCE_FILE])),
        index=table.index, dtype="object")
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
    langs = ", ".join(f"{k} {v}" for k, v in table[S.LANGUAGE].value_counts().items())
    log.info("Prepared %d passages (%s), rejected %d", len(table), langs or "-", len(rejected))
    if rejected.empty:
        rejected = S.empty_rejected()
    return StageResult(table=table, rejected=rejected.reset_index(drop=True))


def prepare_round(passages: pd.DataFrame, rejected: pd.DataFrame, files: pd.DataFrame,
                  config: ConsultConfig | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Ingest's three tables after prepare: passages, all rejected rows, recounted file table."""
    res = prepare_passages(passages, config)
    all_rejected = pd.concat([rejected, res.rejected], ignore_index=True)
    return res.table, all_rejected, account(files, all_rejected, res.table)


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
