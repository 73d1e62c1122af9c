"""Per priority, and per priority within each Member State and stakeholder group: the change in
share between two rounds, with its interval (`consult.compare.intervals`).

The counts are the report's own (`consult.report.counts`): the same stakeholder passages, the
same reviewer decisions (callers pass passages after `reviews.rules.apply_reviews`), so a count
here is the count on that round's Priorities sheet. A change in how the report counts (say, a
campaign counted once) changes these counts with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from consult import schema as S
from consult.compare.intervals import change_interval, design_effect, significant
from consult.report.counts import (
    ONCE,
    PASSAGES,
    counted,
    group_values,
    has_priority,
    matrix,
    priority_table,
    text_of,
)

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike

GROUP, N_BEFORE, N_AFTER = S.CMP_GROUP, S.N_BEFORE, S.N_AFTER
ENOUGH = S.CMP_ENOUGH  # both rounds have at least `min_passages` counted passages in the group
GROUP_COLUMNS = [
    GROUP,
    S.CMP_PRIORITY_ID,
    N_BEFORE,
    N_AFTER,
    S.COUNT_BEFORE,
    S.COUNT_AFTER,
    S.SHARE_BEFORE,
    S.SHARE_AFTER,
    S.CHANGE_PP,
    S.CI_LOW_PP,
    S.CI_HIGH_PP,
    S.SIGNIFICANT,
    ENOUGH,
]
BY = (S.COUNTRY, S.STAKEHOLDER_GROUP)


@dataclass(frozen=True)
class GroupCounts:
    counts: pd.DataFrame  # counts.matrix: one row per group, a column per priority + PASSAGES
    deff: pd.DataFrame  # the design effect of each cell (same rows, priority columns)


@dataclass(frozen=True)
class RoundCounts:
    """What one round contributes to a comparison: its Priorities counts and design effects."""

    round: str
    codebook: CodebookLike
    table: pd.DataFrame  # counts.priority_table
    n: int  # counted passages
    deff: dict[str, float]
    groups: dict[str, GroupCounts] = field(default_factory=dict)


def respondent_keys(rows: pd.DataFrame) -> pd.Series:
    """The cluster each passage belongs to: its respondent (surveys), else its speaker in its
    file (transcripts), else its file (one workshop's notes are one discussion)."""
    files = rows[S.SOURCE_FILE].map(text_of) if S.SOURCE_FILE in rows else ""
    resp = rows[S.RESPONDENT_ID].map(text_of) if S.RESPONDENT_ID in rows else ""
    speaker = rows[S.SPEAKER].map(text_of) if S.SPEAKER in rows else ""
    frame = pd.DataFrame({"f": files, "r": resp, "s": speaker}, index=rows.index)
    by_speaker = "s\x1f" + frame["f"] + "\x1f" + frame["s"]
    key = np.where(
        frame["r"] != "",
        "r\x1f" + frame["r"],
        np.where(frame["s"] != "", by_speaker, "f\x1f" + frame["f"]),
    )
    return pd.Series(key, index=rows.index, dtype=object)


def _deff(flags: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Design effect per column of `flags` (passages x priorities) over `clusters` (codes)."""
    if flags.shape[0] == 0:
        return np.ones(flags.shape[1])
    codes, uniques = pd.factorize(clusters)
    y = np.zeros((len(uniques), flags.shape[1]))
    np.add.at(y, codes, flags)
    return design_effect(y, np.bincount(codes, minlength=len(uniques)).astype(float))


def count_round(
    passages: pd.DataFrame,
    codebook: CodebookLike,
    round_name: str,
    by=BY,
    campaigns: str = ONCE,
) -> RoundCounts:
    """A round's counts as its Priorities and matrix sheets show them, with design effects.

    `passages` carry final priorities (after `apply_reviews`) and were validated for the report;
    `campaigns` is `report.count_campaigns`.
    """
    ids = [p.id for p in codebook.priorities]
    table = priority_table(passages, codebook, campaigns)
    rows = counted(passages, campaigns=campaigns)
    flags = np.zeros((len(rows), len(ids)))
    for j, pid in enumerate(ids):
        flags[:, j] = has_priority(rows, pid).to_numpy()
    clusters = respondent_keys(rows).to_numpy()
    deff = dict(zip(ids, _deff(flags, clusters).tolist()))
    groups = {}
    for col in by:
        counts = matrix(passages, codebook, col, campaigns)
        values = group_values(rows, col).to_numpy()
        cells = []
        for g in counts.index:
            sel = values == g
            cells.append(_deff(flags[sel], clusters[sel]))
        deffs = pd.DataFrame(
            np.array(cells).reshape(len(counts.index), len(ids)), index=counts.index, columns=ids
        )
        groups[col] = GroupCounts(counts, deffs)
    return RoundCounts(round_name, codebook, table, len(rows), deff, groups)


def _points(value: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(value, dtype=float) * 100.0, 2)


def _description(p) -> str | None:
    text = getattr(p, "description", None)
    return None if text is None else " ".join(str(text).split())


def codebook_notes(before: RoundCounts, after: RoundCounts) -> dict[str, str]:
    """Per priority id, what differs between the two codebooks ("" when nothing)."""
    b = {p.id: p for p in before.codebook.priorities}
    a = {p.id: p for p in after.codebook.priorities}
    same_file = bool(before.codebook.sha256) and before.codebook.sha256 == after.codebook.sha256
    notes: dict[str, str] = {}
    for pid in [*a, *(k for k in b if k not in a)]:
        if pid not in b:
            notes[pid] = f"not in the codebook of {before.round}: not compared"
        elif pid not in a:
            notes[pid] = f"not in the codebook of {after.round}: not compared"
        elif same_file:
            notes[pid] = ""
        else:
            parts = []
            da, db = _description(a[pid]), _description(b[pid])
            if da is not None and db is not None and da != db:
                parts.append("description changed: counts may move for that reason alone")
            if a[pid].label != b[pid].label:
                parts.append(f"label changed (was '{b[pid].label}')")
            notes[pid] = "; ".join(parts)
    return notes


def compare_priorities(before: RoundCounts, after: RoundCounts) -> pd.DataFrame:
    """One row per priority of either codebook (S.COMPARISON_COLUMNS); priorities only one
    codebook holds have no counts on the other side and say so in `note`."""
    notes = codebook_notes(before, after)
    tb = before.table.set_index("id")
    ta = after.table.set_index("id")
    shared = [pid for pid in notes if pid in tb.index and pid in ta.index]
    xb = np.array([tb.at[p, PASSAGES] for p in shared], dtype=float)
    xa = np.array([ta.at[p, PASSAGES] for p in shared], dtype=float)
    d, lo, hi = change_interval(
        xb,
        before.n,
        xa,
        after.n,
        [before.deff.get(p, 1.0) for p in shared],
        [after.deff.get(p, 1.0) for p in shared],
    )
    stats = {p: i for i, p in enumerate(shared)}
    rows = []
    for pid, note in notes.items():
        label = ta.at[pid, "label"] if pid in ta.index else tb.at[pid, "label"]
        rec: dict = {S.CMP_PRIORITY_ID: pid, S.CMP_PRIORITY: label, S.CMP_NOTE: note}
        if pid in tb.index:
            rec[S.COUNT_BEFORE] = int(tb.at[pid, PASSAGES])
            rec[S.SHARE_BEFORE] = _share(tb.at[pid, PASSAGES], before.n)
        if pid in ta.index:
            rec[S.COUNT_AFTER] = int(ta.at[pid, PASSAGES])
            rec[S.SHARE_AFTER] = _share(ta.at[pid, PASSAGES], after.n)
        if pid in stats:
            i = stats[pid]
            rec[S.CHANGE_PP] = _points(d[i])
            rec[S.CI_LOW_PP] = _points(lo[i])
            rec[S.CI_HIGH_PP] = _points(hi[i])
            rec[S.SIGNIFICANT] = bool(significant(lo[i], hi[i]))
        rows.append(rec)
    out = pd.DataFrame(rows, columns=S.COMPARISON_COLUMNS)
    out[S.ROUND_BEFORE], out[S.ROUND_AFTER] = before.round, after.round
    out[S.SIGNIFICANT] = out[S.SIGNIFICANT].astype("boolean")
    for col in (S.COUNT_BEFORE, S.COUNT_AFTER):
        out[col] = out[col].astype("Int64")
    return out


def _share(x, n: int) -> float:
    return round(float(x) / n, 4) if n else float("nan")


def compare_groups(
    before: RoundCounts, after: RoundCounts, by: str, min_passages: int
) -> pd.DataFrame:
    """Per group of `by` (Member State, stakeholder group) and shared priority: the change in
    the share of the group's counted passages. `enough` is False where either round has fewer
    than `min_passages` counted passages in the group: too few to say anything."""
    gb, ga = before.groups[by], after.groups[by]
    ids = [
        p.id for p in after.codebook.priorities if p.id in gb.counts.columns and p.id != PASSAGES
    ]
    groups = list(ga.counts.index) + [g for g in gb.counts.index if g not in ga.counts.index]
    rows = []
    for g in groups:
        nb = int(gb.counts.at[g, PASSAGES]) if g in gb.counts.index else 0
        na = int(ga.counts.at[g, PASSAGES]) if g in ga.counts.index else 0
        xb = np.array([gb.counts.at[g, p] if nb else 0 for p in ids], dtype=float)
        xa = np.array([ga.counts.at[g, p] if na else 0 for p in ids], dtype=float)
        db = [gb.deff.at[g, p] if nb else 1.0 for p in ids]
        da = [ga.deff.at[g, p] if na else 1.0 for p in ids]
        d, lo, hi = change_interval(xb, nb, xa, na, db, da)
        sig = significant(lo, hi)
        for i, pid in enumerate(ids):
            rows.append(
                {
                    GROUP: g,
                    S.CMP_PRIORITY_ID: pid,
                    N_BEFORE: nb,
                    N_AFTER: na,
                    S.COUNT_BEFORE: int(xb[i]),
                    S.COUNT_AFTER: int(xa[i]),
                    S.SHARE_BEFORE: _share(xb[i], nb),
                    S.SHARE_AFTER: _share(xa[i], na),
                    S.CHANGE_PP: _points(d[i]),
                    S.CI_LOW_PP: _points(lo[i]),
                    S.CI_HIGH_PP: _points(hi[i]),
                    S.SIGNIFICANT: bool(sig[i]),
                    ENOUGH: nb >= min_passages and na >= min_passages,
                }
            )
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)
