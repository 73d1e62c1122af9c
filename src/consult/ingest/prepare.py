"""Prepare passages for analysis: language, word counts and the stakeholder flag.

Text stays verbatim (only surrounding whitespace is trimmed) so every passage can still be found
at its location. Non-answers and duplicates are screened once, by ingest (`screen.py`); whatever
a later stage drops is reflected in the per-file accounting by `account`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.screen import screen_table
from consult.ingest.textutil import count_words
from consult.schema import StageResult
from consult.text.detect import detect_language, detect_languages

__all__ = ["account", "count_words", "detect_language", "prepare_passages", "prepare_round"]

log = logging.getLogger(__name__)


def _complete(passages: pd.DataFrame) -> pd.DataFrame:
    """A copy with every passage column, as objects, and the text trimmed."""
    table = passages.copy()
    for col in S.PASSAGE_COLUMNS:
        if col not in table.columns:
            table[col] = None
    table = table.astype({c: "object" for c in S.PASSAGE_COLUMNS})
    table[S.TEXT] = table[S.TEXT].map(lambda t: t.strip() if isinstance(t, str) else t)
    return table


def _annotate(
    table: pd.DataFrame, config: ConsultConfig, detect: Callable[..., list[str]]
) -> pd.DataFrame:
    """Language (detected per passage), n_words and the stakeholder flag of screened passages."""
    # Every passage is detected: a manifest or survey language is a prior, not the answer (one
    # file may mix languages), and the file's dominant language backs up short passages.
    table[S.LANGUAGE] = pd.Series(
        detect(
            list(table[S.TEXT]), priors=list(table[S.LANGUAGE]), groups=list(table[S.SOURCE_FILE])
        ),
        index=table.index,
        dtype="object",
    )
    table[S.N_WORDS] = table[S.TEXT].map(count_words).astype("object")
    count_fac = config.transcripts.count_facilitators
    table[S.IS_STAKEHOLDER_INPUT] = [
        bool(v) if isinstance(v, bool) else (role != "facilitator" or count_fac)
        for v, role in zip(table[S.IS_STAKEHOLDER_INPUT], table[S.SPEAKER_ROLE])
    ]
    table[S.IS_STAKEHOLDER_INPUT] = table[S.IS_STAKEHOLDER_INPUT].astype("object")
    table = table[S.PASSAGE_COLUMNS].reset_index(drop=True)
    langs = ", ".join(f"{k} {v}" for k, v in table[S.LANGUAGE].value_counts().items())
    log.info("Prepared %d passages (%s)", len(table), langs or "-")
    return table


def prepare_passages(
    passages: pd.DataFrame,
    config: ConsultConfig | None = None,
    detect: Callable[..., list[str]] = detect_languages,
) -> StageResult:
    """A passage table that did not come from a round: screened as ingest screens a round's
    (non-answers rejected at stage "prepare", duplicates flagged), then annotated.

    `detect` is `detect_languages` or a drop-in that remembers its answers (the flow's cache).
    """
    config = config or ConsultConfig()
    table, rejected = screen_table(_complete(passages), config, "prepare")
    table = _annotate(table, config, detect)
    log.info("Rejected %d passages as non-answers", len(rejected))
    if rejected.empty:
        rejected = S.empty_rejected()
    return StageResult(table=table, rejected=rejected.reset_index(drop=True))


def prepare_round(
    passages: pd.DataFrame,
    rejected: pd.DataFrame,
    files: pd.DataFrame,
    config: ConsultConfig | None = None,
    detect: Callable[..., list[str]] = detect_languages,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Ingest's three tables after prepare: passages, all rejected rows, recounted file table.

    Ingest has screened the passages (non-answers rejected and counted, duplicates flagged),
    so this only annotates them: checking again would find nothing the screen did not.
    The per-file accounting is checked here, once, for every run and every `consult check`:
    a unit lost between stages becomes a rejected row, never a silent gap.
    """
    passages = _annotate(_complete(passages), config or ConsultConfig(), detect)
    all_rejected = rejected.reset_index(drop=True).astype({c: "object" for c in S.REJECTED_COLUMNS})
    all_rejected = pd.concat(
        [all_rejected, lost_units(files, all_rejected, passages)], ignore_index=True
    )
    table = account(files, all_rejected, passages)
    assert (table[S.UNITS] == table[S.N_PASSAGES] + table[S.N_REJECTED]).all()
    return passages, all_rejected, table


def _counts(
    files: pd.DataFrame, rejected: pd.DataFrame, passages: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    n_p = passages.groupby(S.SOURCE_FILE).size() if len(passages) else pd.Series(dtype=int)
    n_r = rejected.groupby(S.SOURCE_FILE).size() if len(rejected) else pd.Series(dtype=int)
    return (
        files[S.SOURCE_FILE].map(n_p).fillna(0).astype(int),
        files[S.SOURCE_FILE].map(n_r).fillna(0).astype(int),
    )


def lost_units(files: pd.DataFrame, rejected: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    """One rejected row for every unit ingest found in a file that is now neither a passage nor
    a rejected item (a stage dropped it), so Data quality lists it and the counts hold."""
    if files.empty:
        return S.empty_rejected()
    n_p, n_r = _counts(files, rejected, passages)
    gap = files[S.UNITS].astype(int) - n_p - n_r
    rows = []
    for i in gap[gap > 0].index:
        f = files.loc[i]
        log.error("Accounting: %d unit(s) of %s lost after ingest", gap[i], f[S.SOURCE_FILE])
        rows += [
            {
                S.ROUND: f[S.ROUND],
                S.SOURCE_KIND: f[S.SOURCE_KIND],
                S.SOURCE_FILE: f[S.SOURCE_FILE],
                S.LOCATION: f"unit not accounted for ({k} of {gap[i]})",
                S.REASON: "read by ingest but lost by a later stage (a consult "
                "bug: please report it with this file)",
                S.STAGE: "account",
            }
            for k in range(1, int(gap[i]) + 1)
        ]
    out = pd.DataFrame(rows, columns=S.REJECTED_COLUMNS).astype("object")
    return out if len(out) else S.empty_rejected()


def account(files: pd.DataFrame, rejected: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    """Per-file table recounted from the final passages and all rejected rows (every stage).

    Units stay what ingest found; passages and rejected are recounted. A file whose counts do
    not add up gets a reason saying so (and, when rows outnumber its units, units = rows), so a
    mismatch is never silent; `prepare_round` first turns lost units into rejected rows.
    """
    out = files.copy()
    n_p, n_r = _counts(out, rejected, passages)
    out[S.N_PASSAGES] = n_p
    out[S.N_REJECTED] = n_r
    units = out[S.UNITS].astype(int)
    broken = units != n_p + n_r
    for i in out.index[broken]:
        diff = int(units[i] - n_p[i] - n_r[i])
        note = (
            f"accounting: {diff} unit(s) found by ingest are neither passages nor rejected items"
            if diff > 0
            else f"accounting: {-diff} more passages and rejected items than units found"
        )
        note += " (a consult bug: please report it with this file)"
        old = out.at[i, S.REASON]
        out.at[i, S.REASON] = f"{old}; {note}" if isinstance(old, str) and old else note
        if diff < 0:
            out.at[i, S.UNITS] = int(n_p[i] + n_r[i])
        log.error("Accounting mismatch for %s: %s", out.at[i, S.SOURCE_FILE], note)
    known = set(out[S.SOURCE_FILE])
    strays = (
        sorted((set(passages[S.SOURCE_FILE]) | set(rejected[S.SOURCE_FILE])) - known)
        if len(passages) or len(rejected)
        else []
    )
    if strays:
        log.error("Accounting: rows for files missing from the file table: %s", strays)
    return out
