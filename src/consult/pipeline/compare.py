"""Round over round as a run (`consult run ROUND --compare-with EARLIER`) and `consult compare`
do it: load the earlier round's outputs, carry theme ids over, build the comparison, write
`round-comparison.csv` and `comparison-basis.json`. The maths is `consult.compare`.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from consult import schema as S
from consult.compare.basis import BASIS_NAME, basis_record
from consult.compare.priorities import RoundCounts, count_round
from consult.compare.result import RoundComparison, compare_rounds
from consult.compare.themes import (
    MATCHED,
    ThemeSet,
    carried_ids,
    match_themes,
    renumber,
    theme_set,
)
from consult.config import ConsultConfig
from consult.pipeline.stored import StoredRound, load_stored_round, refuse_same, stored_themes
from consult.report.counts import counted_mask
from consult.report.safe import csv_safe
from consult.workspace import RoundPaths, atomic_write, workbook_name

log = logging.getLogger(__name__)

CSV_NAME = "round-comparison.csv"
WORKBOOK_NAME = "round-comparison.xlsx"  # what `consult compare` writes beside it


@dataclass
class Earlier:
    """The earlier round of a run's comparison, loaded once at the start of the run."""

    stored: StoredRound
    counts: RoundCounts
    themes: ThemeSet | None = None  # read in the run's embedding space, once that is known
    matches: pd.DataFrame | None = None  # this run's themes (carried ids) -> earlier ids
    seconds: float = 0.0  # time spent on the comparison, for Run info and the benchmark


def earlier_round(paths: RoundPaths, config: ConsultConfig) -> Earlier | None:
    """The round `[compare] with` names, read from its outputs; None when none is named.
    Refuses the round itself, and a round without outputs with the command to run first."""
    name = config.compare.with_
    if not name:
        return None
    t0 = time.perf_counter()
    refuse_same(name, paths.round)
    stored = load_stored_round(paths.out_dir.parent, name)
    counts = count_round(
        stored.passages, stored.codebook, name, campaigns=config.report.count_campaigns
    )
    log.info("Comparing with round %s (%d passages in its outputs)", name, len(stored.passages))
    return Earlier(stored, counts, seconds=time.perf_counter() - t0)


def carry_themes(themed, earlier: Earlier | None, passages, vectors, space, config, round_name):
    """The themes stage's result with `since` on every theme and, when comparing, continuing
    themes under their earlier ids and new ones under ids no earlier round used."""
    table = themed.themes.copy()
    if earlier is None:
        table[S.THEME_SINCE] = round_name
        return replace(themed, themes=table)
    t0 = time.perf_counter()
    earlier.themes = stored_themes(earlier.stored, space, config)
    if earlier.themes is None:
        table[S.THEME_SINCE] = round_name
        earlier.seconds += time.perf_counter() - t0
        return replace(themed, themes=table)
    labels = dict(zip(table[S.THEME_ID].astype(int), table[S.THEME_LABEL].astype(str)))
    mask = counted_mask(passages).to_numpy()
    ids = themed.assignments[S.THEME_ID].to_numpy()
    mine = theme_set(round_name, ids, vectors, mask, labels, space=space)
    matches = match_themes(earlier.themes, mine, config.compare.theme_threshold)
    mapping = carried_ids(matches, earlier.themes.next_id)
    assignments, table = renumber(themed.assignments, table, mapping)
    was = dict(zip(matches[S.THEME_ID].astype(int), matches[MATCHED].astype(int)))
    table[S.THEME_SINCE] = [
        earlier.themes.since_of(was[t]) if was.get(t, -1) >= 0 else round_name
        for t in themed.themes[S.THEME_ID].astype(int)
    ]
    earlier.matches = matches.assign(**{S.THEME_ID: matches[S.THEME_ID].map(mapping)})
    n_cont = int((matches[MATCHED] >= 0).sum())
    log.info(
        "Themes: %d continue a theme of %s (ids kept), %d new, %d faded",
        n_cont,
        earlier.stored.round,
        len(matches) - n_cont,
        earlier.themes.ids.size - n_cont,
    )
    earlier.seconds += time.perf_counter() - t0
    return replace(themed, assignments=assignments, themes=table)


def run_info_entry(earlier: Earlier) -> dict[str, Any]:
    """What Run info records about the compared round."""
    s = earlier.stored
    entry: dict[str, Any] = {
        "round": s.round,
        "workbook": str(s.out_dir / workbook_name(s.round)),
        "workbook sha256": s.workbook_sha256 or "(no workbook)",
        "run started": str(s.run_info.get("started") or "(unknown)"),
    }
    if s.workbook_sha256 and s.written_sha256 and s.workbook_sha256 != s.written_sha256:
        entry["note"] = (
            "the workbook was saved after its run: edits in it since then count once "
            f"`consult run {s.round}` has read them"
        )
    return entry


def current_themes(
    round_name: str,
    passages: pd.DataFrame,
    vectors: np.ndarray,
    themes: pd.DataFrame,
    space: str,
    earlier: Earlier | None,
) -> ThemeSet:
    """This run's themes (ids as carried), for the basis file and the comparison."""
    since = (
        dict(zip(themes[S.THEME_ID].astype(int), themes[S.THEME_SINCE].astype(str)))
        if S.THEME_SINCE in themes and len(themes)
        else {}
    )
    labels = dict(zip(themes[S.THEME_ID].astype(int), themes[S.THEME_LABEL].astype(str)))
    floor = earlier.themes.next_id if earlier is not None and earlier.themes is not None else 0
    return theme_set(
        round_name,
        passages[S.THEME_ID].to_numpy(),
        vectors,
        counted_mask(passages).to_numpy(),
        labels,
        space=space,
        since=since,
        next_id=floor,
    )


def comparison_for_run(
    earlier: Earlier,
    passages: pd.DataFrame,
    codebook,
    mine: ThemeSet,
    config: ConsultConfig,
    round_name: str,
) -> RoundComparison:
    """The comparison a run shows, from passages with this run's reviewer decisions applied."""
    t0 = time.perf_counter()
    after = count_round(passages, codebook, round_name, campaigns=config.report.count_campaigns)
    out = compare_rounds(
        earlier.counts,
        after,
        themes_before=earlier.themes,
        themes_after=mine if earlier.matches is not None else None,
        matches=earlier.matches,
        min_group_passages=config.compare.min_group_passages,
        theme_threshold=config.compare.theme_threshold,
        notices=list(earlier.stored.notices),
    )
    earlier.seconds += time.perf_counter() - t0
    return out


def write_basis(out_dir: Path, themes: ThemeSet, codebook) -> Path:
    text = json.dumps(basis_record(themes, codebook), ensure_ascii=False, separators=(",", ":"))
    return atomic_write(out_dir / BASIS_NAME, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_csv(out_dir: Path, comparison: RoundComparison, neutralize: bool = True) -> Path:
    """round-comparison.csv (UTF-8 with BOM, for Excel), one row per priority."""
    table = comparison.priorities[S.COMPARISON_COLUMNS]
    table = table.map(csv_safe) if neutralize else table
    path = atomic_write(
        out_dir / CSV_NAME,
        lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n"),
    )
    log.info("Wrote %s (%s vs %s)", path, comparison.after, comparison.before)
    return path


def remove_stale(out_dir: Path) -> None:
    """A run without a comparison leaves no comparison of an earlier run behind."""
    for name in (CSV_NAME, WORKBOOK_NAME):
        try:
            (out_dir / name).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("Could not remove the stale `%s`: %s", out_dir / name, exc)


def compare_stored(
    outputs: str | Path, earlier: str, later: str, config: ConsultConfig
) -> tuple[RoundComparison, list[Path]]:
    """`consult compare EARLIER LATER`: both rounds from their outputs. Writes the CSV and a
    workbook holding the comparison sheet beside the later round's outputs; the reviewer's
    workbook is left as it is (`consult run LATER --compare-with EARLIER` adds the sheet to it
    and carries theme ids over)."""
    from consult.report.comparison import write_comparison_workbook

    refuse_same(earlier, later)
    outputs = Path(outputs)
    after_round = load_stored_round(outputs, later)  # the later round first: its error first
    before_round = load_stored_round(outputs, earlier)
    each = config.report.count_campaigns
    before = count_round(before_round.passages, before_round.codebook, earlier, campaigns=each)
    after = count_round(after_round.passages, after_round.codebook, later, campaigns=each)
    space = _space(config, after_round, before_round)
    themes_after = stored_themes(after_round, space, config)
    themes_before = stored_themes(before_round, space, config) if themes_after else None
    matches = None
    if themes_before is not None and themes_after is not None:
        matches = match_themes(themes_before, themes_after, config.compare.theme_threshold)
    comparison = compare_rounds(
        before,
        after,
        themes_before=themes_before,
        themes_after=themes_after,
        matches=matches,
        min_group_passages=config.compare.min_group_passages,
        theme_threshold=config.compare.theme_threshold,
        notices=before_round.notices + after_round.notices,
    )
    csv = write_csv(after_round.out_dir, comparison, config.report.csv_neutralize_formulas)
    book = write_comparison_workbook(after_round.out_dir / WORKBOOK_NAME, comparison)
    return comparison, [csv, book]


def _space(config: ConsultConfig, *rounds: StoredRound) -> str:
    """The embedding space to match themes in: the one the rounds' basis files name (the later
    round's first), else the space today's settings read English passages in."""
    for r in rounds:
        if r.basis and r.basis.get("embedding space"):
            return str(r.basis["embedding space"])
    for r in rounds:
        if r.run_info.get("embedding model"):
            return str(r.run_info["embedding model"])
    from consult.embedding.embed import embedder_name

    return embedder_name(config.embedding)


def attach(bundle, earlier: Earlier | None):
    """The report step's bundle with the earlier round, and Run info naming it."""
    if earlier is None:
        return bundle
    info = dict(bundle.run_info, **{"compared with": run_info_entry(earlier)})
    return replace(bundle, earlier=earlier, run_info=info)


def for_report(
    round_name: str, bundle, passages: pd.DataFrame, config: ConsultConfig
) -> tuple[ThemeSet, RoundComparison | None]:
    """This run's themes (for the basis file) and, when comparing, the comparison; from the
    passages as the workbook shows them (reviewer decisions applied)."""
    space = str(bundle.run_info.get("embedding model") or "")
    earlier = getattr(bundle, "earlier", None)
    mine = current_themes(round_name, passages, bundle.embeddings, bundle.themes, space, earlier)
    if earlier is None:
        return mine, None
    return mine, comparison_for_run(earlier, passages, bundle.codebook, mine, config, round_name)


def write_outputs(
    out_dir: Path, mine: ThemeSet, codebook, comparison: RoundComparison | None, config
) -> list[Path]:
    """comparison-basis.json always (a later round compares against it), round-comparison.csv
    when comparing (else a stale one is removed)."""
    written = [write_basis(out_dir, mine, codebook)]
    if comparison is None:
        remove_stale(out_dir)
    else:
        written.append(write_csv(out_dir, comparison, config.report.csv_neutralize_formulas))
    return written


def seconds(bundle) -> dict[str, float]:
    """{"comparison seconds": ...} for Run info when the run compared, else {}."""
    earlier = getattr(bundle, "earlier", None)
    return {} if earlier is None else {"comparison seconds": round(earlier.seconds, 3)}


def space_of(embedded) -> str:
    """The name of the embedding space a run's vectors are in (Run info's "embedding model")."""
    from consult.embedding.embed import LazyEmbedder

    return LazyEmbedder(embedded.space.embedding).name
