"""The validation sample: a stratified random sample of passages that reviewers code blind, the
yardstick for the model's tags (issue 13). Pure: passages in, the sample table out; the pipeline
keeps it in `outputs/<round>/validation-sample.csv`, so reviewers' coding is never lost to a
re-draw.

Strata are the model's first priority, `uncertain` and `no-fit`; the sample is allocated to
them in proportion to their size (Sainte-Laguë), so it is close to self-weighting and plain
per-passage estimates hold. Within a stratum, passages are sorted by country and source file
and taken systematically from a random start: every passage has the same chance, and the sample
spreads over countries and files as the stratum does. A drawn sample only ever grows: passages
that vanish are reported, not replaced silently, and a larger N adds passages to it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from consult import schema
from consult.values import split_ids, stripped_text

log = logging.getLogger(__name__)

SAMPLE_NO = "sample_no"  # the order reviewers see (random, so it tells nothing of the model)
STRATUM = "stratum"  # the model's first priority, "uncertain" or "no-fit", when drawn
DRAW = "draw"  # 1 for the first draw, 2 for the first growth, ...
DRAWN_AT = "drawn_at"
DECIDED_BEFORE = "decided_before_draw"  # a reviewer had decided it (seeing the model's tags)
SAMPLE_COLUMNS = [schema.PASSAGE_ID, SAMPLE_NO, STRATUM, DRAW, DRAWN_AT, DECIDED_BEFORE]
UNCERTAIN = "uncertain"
NO_FIT = "no-fit"


def empty_sample() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SAMPLE_COLUMNS})


@dataclass
class Drawn:
    """The sample after this run, and what changed."""

    sample: pd.DataFrame  # SAMPLE_COLUMNS, ordered by SAMPLE_NO
    added: int = 0
    vanished: list[str] = field(default_factory=list)  # kept passage ids not in this run
    short: int = 0  # passages the round lacked to reach the size asked for


def strata(passages: pd.DataFrame) -> pd.Series:
    """Each passage's stratum: its model's first priority, or `uncertain` / `no-fit`."""
    out = []
    for status, tags in zip(passages[schema.TAG_STATUS], passages[schema.PRIORITIES]):
        ids = split_ids(tags)
        status = stripped_text(status)
        out.append(UNCERTAIN if status == UNCERTAIN else (ids[0] if ids else NO_FIT))
    return pd.Series(out, index=passages.index, dtype=object)


def eligible(passages: pd.DataFrame) -> pd.Series:
    """Passages a sample may hold: stakeholder input, not a copy of another passage."""
    mask = pd.Series(True, index=passages.index)
    if schema.IS_STAKEHOLDER_INPUT in passages.columns:
        mask &= passages[schema.IS_STAKEHOLDER_INPUT].fillna(True).astype(bool)
    if schema.DUPLICATE_OF in passages.columns:
        mask &= passages[schema.DUPLICATE_OF].map(stripped_text) == ""
    return mask


def allocate(sizes: dict[str, int], have: dict[str, int], room: dict[str, int], n: int) -> dict:
    """How many more passages each stratum gets so that `n` more are drawn, each to the stratum
    furthest below its share of `sizes` (Sainte-Laguë divisors), within the `room` it has left."""
    more = {h: 0 for h in sizes}
    for _ in range(n):
        open_ = [h for h in sizes if room.get(h, 0) > more[h]]
        if not open_:
            break
        best = max(open_, key=lambda h: (sizes[h] / (2 * (have.get(h, 0) + more[h]) + 1), h))
        more[best] += 1
    return more


def systematic(frame: pd.DataFrame, k: int, rng: np.random.Generator) -> list[str]:
    """`k` passage ids of `frame`, each with the same chance, spread over countries and files
    (sorted by them, then taken every len/k rows from a random start)."""
    if k <= 0 or frame.empty:
        return []
    key = rng.random(len(frame))
    order = pd.DataFrame(
        {
            "country": frame[schema.COUNTRY].map(stripped_text).to_numpy()
            if schema.COUNTRY in frame.columns
            else "",
            "file": frame[schema.SOURCE_FILE].map(stripped_text).to_numpy()
            if schema.SOURCE_FILE in frame.columns
            else "",
            "key": key,
            "pid": frame[schema.PASSAGE_ID].astype(str).to_numpy(),
        }
    ).sort_values(["country", "file", "key"], kind="stable")
    step = len(order) / k
    picks = np.floor(rng.uniform(0, step) + step * np.arange(k)).astype(int)
    return order["pid"].iloc[np.minimum(picks, len(order) - 1)].tolist()


def draw(
    passages: pd.DataFrame,
    n: int,
    seed: int,
    kept: pd.DataFrame | None,
    when: str,
    decided: set[str] | None = None,
) -> Drawn:
    """The sample for this run: `kept` as it is, grown to `n` passages present in this run.

    `passages` carry the model's tags (PRIORITIES, TAG_STATUS); `decided` are the passage ids a
    reviewer has decided already (marked, since they were seen with the model's tags). The
    draw depends only on the passages' ids and tags, `n`, `seed` and what was kept.
    """
    kept = _clean(kept)
    ids = passages[schema.PASSAGE_ID].astype(str)
    present = set(ids)
    kept_ids = kept[schema.PASSAGE_ID].tolist()
    vanished = [p for p in kept_ids if p not in present]
    need = n - (len(kept_ids) - len(vanished))
    if need <= 0:
        return Drawn(kept, vanished=vanished)
    table = passages.assign(**{schema.PASSAGE_ID: ids}).sort_values(schema.PASSAGE_ID)
    table = table.drop_duplicates(schema.PASSAGE_ID)
    layer = strata(table)
    pool = eligible(table)
    taken = table[schema.PASSAGE_ID].isin(set(kept_ids))
    sizes = layer[pool | taken].value_counts().to_dict()
    have = layer[taken].value_counts().to_dict()
    room = layer[pool & ~taken].value_counts().to_dict()
    more = allocate(sizes, have, room, need)
    draw_no = int(pd.to_numeric(kept[DRAW], errors="coerce").max()) + 1 if len(kept) else 1
    rng = np.random.default_rng([seed, draw_no])
    picked: list[tuple[str, str]] = []
    for h in sorted(more):
        frame = table[pool & ~taken & (layer == h)]
        picked += [(pid, h) for pid in systematic(frame, more[h], rng)]
    picked = [picked[i] for i in rng.permutation(len(picked))]  # strata must not show in order
    start = int(pd.to_numeric(kept[SAMPLE_NO], errors="coerce").max()) if len(kept) else 0
    decided = decided or set()
    rows = [
        {
            schema.PASSAGE_ID: pid,
            SAMPLE_NO: str(start + i),
            STRATUM: h,
            DRAW: str(draw_no),
            DRAWN_AT: when,
            DECIDED_BEFORE: "yes" if pid in decided else "",
        }
        for i, (pid, h) in enumerate(picked, start=1)
    ]
    sample = pd.concat([kept, pd.DataFrame(rows, columns=SAMPLE_COLUMNS, dtype=object)])
    short = need - len(rows)
    if short:
        log.warning(
            "The validation sample has %d passages present in this run, %d fewer than asked: "
            "the round has no more stakeholder passages to draw.",
            n - short,
            short,
        )
    sample = sample.reset_index(drop=True).astype(object)
    return Drawn(sample, added=len(rows), vanished=vanished, short=short)


def _clean(kept: pd.DataFrame | None) -> pd.DataFrame:
    """A kept sample with every column, ids as text, one row per passage, in sample order."""
    if kept is None or kept.empty:
        return empty_sample()
    out = kept.copy()
    for col in SAMPLE_COLUMNS:
        if col not in out.columns:
            out[col] = ""
    out = out[SAMPLE_COLUMNS].astype(object).fillna("").map(stripped_text)
    out = out[out[schema.PASSAGE_ID] != ""].drop_duplicates(schema.PASSAGE_ID)
    number = pd.to_numeric(out[SAMPLE_NO], errors="coerce")
    order = np.argsort(number.fillna(np.inf).to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True).astype(object)
