"""The report step's part that asks reviewers for work: the validation sample, kept in
`outputs/<round>/validation-sample.csv` across re-runs, and the review queue.

The sample file is the only record of which passages form the sample (the coding itself is in
`reviews.csv`, like every decision), so it is written atomically, kept under `previous/` before
it grows, and never overwritten when it cannot be read.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig
from consult.reviews import rules as reviews
from consult.reviews import sample as sampling
from consult.tagging.codebook import CodebookLike
from consult.values import split_ids
from consult.workspace import RoundPaths, atomic_write

log = logging.getLogger(__name__)

SAMPLE_FILE = "validation-sample.csv"


@dataclass
class Validated:
    """The round's validation sample (None: none drawn) and what the reader must be told."""

    sample: pd.DataFrame | None = None
    problems: list[dict] = field(default_factory=list)  # rows of reviews.PROBLEM_COLUMNS
    notices: list[str] = field(default_factory=list)


def sample_path(paths: RoundPaths) -> Path:
    return paths.out_dir / SAMPLE_FILE


def read_sample(path: Path) -> pd.DataFrame | None:
    """The kept sample, or None when there is no file. Raises ValueError when it cannot be read."""
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ValueError(f"not a readable CSV ({exc})") from exc
    if S.PASSAGE_ID not in table.columns:
        raise ValueError(f"no `{S.PASSAGE_ID}` column in its first line")
    return table


def write_sample(path: Path, sample: pd.DataFrame) -> None:
    text = sample[sampling.SAMPLE_COLUMNS].to_csv(index=False, lineterminator="\n")
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def validation_sample(
    paths: RoundPaths,
    passages: pd.DataFrame,
    store: pd.DataFrame | None,
    config: ConsultConfig,
    when: str,
) -> Validated:
    """Keep the round's sample, growing it to `[review] validation_sample` passages present in
    this run; draw a first one when asked. `passages` carry the model's tags."""
    from consult.reviews.files import archive

    path = sample_path(paths)
    n = config.review.validation_sample
    out = Validated()
    try:
        kept = read_sample(path)
    except ValueError as exc:
        out.notices.append(
            f"`{path}` cannot be read ({exc}), so this workbook has no Validation sheet; the "
            "file was left as it is. Put back a copy from previous/ (or delete it to draw a "
            "new sample); the coding itself is safe in reviews.csv."
        )
        log.warning("%s", out.notices[-1])
        return out
    if kept is None and n == 0:
        return out
    decided = set()
    if store is not None and len(store):
        confirmed = store[store[reviews.DECISION].isin(reviews.CONFIRMED)]
        decided = set(confirmed[S.PASSAGE_ID].astype(str))
    drawn = sampling.draw(passages, n, config.review.validation_seed, kept, when, decided)
    if drawn.added:
        archive(path, when)
        write_sample(path, drawn.sample)
        log.info(
            "Validation sample: %d passages drawn, %d in all (%s)",
            drawn.added,
            len(drawn.sample),
            path,
        )
    if kept is not None and n and len(kept) > n:
        log.info(
            "The validation sample keeps its %d passages ([review] validation_sample = %d is "
            "smaller; a drawn sample never shrinks, so no coding is lost). Delete %s to draw "
            "a new one.",
            len(kept),
            n,
            path,
        )
    for pid in drawn.vanished:
        out.problems.append(
            {
                S.PASSAGE_ID: pid,
                reviews.REVIEWER_INPUT: "",
                S.REASON: "in the validation sample but not in this run (its file was removed "
                f"or changed); it stays in `{SAMPLE_FILE}` and counts again if it comes back. "
                "Raise [review] validation_sample to draw a replacement.",
            }
        )
    out.sample = drawn.sample
    return out


def labelled_counts(
    codebook: CodebookLike, store: pd.DataFrame | None, outputs_dir: Path, round_name: str
) -> dict[str, int]:
    """Confirmed passages per priority: codebook examples, decisions of earlier rounds and of
    this one (what the tagger has, or will have, to learn each priority from)."""
    from consult.pipeline.analyse import labelled_from_other_rounds

    counts = {p.id: len(getattr(p, "examples", []) or []) for p in codebook.priorities}
    frames = [labelled_from_other_rounds(outputs_dir, round_name), reviews.labelled_examples(store)]
    for frame in frames:
        if frame is None:
            continue
        for tags in frame[S.PRIORITIES]:
            for pid in split_ids(tags):
                if pid in counts:
                    counts[pid] += 1
    return counts


def review_queue(
    passages: pd.DataFrame,
    scores: pd.DataFrame,
    embeddings: np.ndarray,
    labelled: dict[str, int],
    size: int,
    sample: pd.DataFrame | None,
) -> pd.DataFrame | None:
    """The Review queue's rows: the `size` undecided passages worth reviewing first (not those
    of the validation sample, which are coded blind)."""
    from consult.report.review_queue import candidates, queue_table
    from consult.tagging.queue import review_order

    if size <= 0:
        return None
    ids = set() if sample is None else set(sample[S.PASSAGE_ID].astype(str))
    rows = candidates(passages, ids)
    if len(rows) == 0 or len(embeddings) != len(passages):
        return queue_table(passages, scores, [])
    tags = passages.iloc[rows][[S.PRIORITIES, S.CONFIDENCE, S.TAG_STATUS]].reset_index(drop=True)
    sub_scores = scores.iloc[rows].reset_index(drop=True)
    order = review_order(tags, sub_scores, embeddings[rows], size, labelled)
    return queue_table(passages, scores, [int(rows[k]) for k in order], labelled)
