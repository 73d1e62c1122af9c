"""The Review queue sheet: the passages whose review teaches the tagger most, in the order of
consult.tagging.queue.review_order, each with why it is there.

Reviewers decide there as on Passages (same reviewer columns, read back the same way). A passage
leaves the queue once a reviewer decided it; passages of the validation sample never enter it
(they are coded blind on their own sheet).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from consult import schema
from consult.report.passages import INPUT_HELP, Column, _get
from consult.report.review_table import write_table
from consult.reviews import edits
from consult.values import split_ids, stripped_text

RANK = "rank"
WHY = "why"
QUEUE_COLUMNS = [schema.PASSAGE_ID, RANK, WHY]
FEW_CONFIRMED = 10  # fewer confirmed passages than this: a priority the tagger knows little
CLOSE_GAP = 0.1  # top two scores this close: the model could as well have chosen the second
LOW_CONFIDENCE = 0.5
NOTE = (
    "Review queue: the {n} passages whose review teaches the tagger most, most useful first "
    "(close calls, low confidence, priorities with few confirmed passages, and passages unlike "
    "those above them). Type your decision here or on 'Passages' (both are read): priority ids "
    "or labels, or 'none' when no priority fits, then save the file where it is. A decided "
    "passage leaves the queue on the next run."
)
# fmt: off
COLUMNS = [
    Column("Rank", _get(RANK), 6),
    Column(edits.PASSAGE_ID_HEADER, _get(schema.PASSAGE_ID), 16),
    Column(edits.TEXT_HEADER, _get(schema.TEXT), 60, wrap=True),
    Column(edits.MODEL_PRIORITIES_HEADER, _get(schema.PRIORITIES), 14, wrap=True),
    Column(edits.REVIEWER_PRIORITIES_HEADER, _get(schema.REVIEWER_PRIORITIES), 18, wrap=True,
           reviewer_input=True),
    Column(edits.REVIEWER_NOTE_HEADER, _get(schema.REVIEWER_NOTE), 22, wrap=True,
           reviewer_input=True),
    Column("Confidence", _get(schema.CONFIDENCE), 11, number_format="0.00"),
    Column("Status", _get(schema.TAG_STATUS), 10),
    Column("Why here", _get(WHY), 34, wrap=True),
    Column("Country", _get(schema.COUNTRY), 10),
    Column("Source file", _get(schema.SOURCE_FILE), 26, wrap=True),
    Column("Location", _get(schema.LOCATION), 26, wrap=True),
]
# fmt: on


def candidates(passages: pd.DataFrame, sample_ids: set[str]) -> np.ndarray:
    """Row positions a queue may hold: stakeholder input, no copy of another passage, not yet
    decided by a reviewer, not in the validation sample."""
    mask = np.ones(len(passages), dtype=bool)
    if schema.IS_STAKEHOLDER_INPUT in passages.columns:
        mask &= passages[schema.IS_STAKEHOLDER_INPUT].fillna(True).astype(bool).to_numpy()
    if schema.DUPLICATE_OF in passages.columns:
        mask &= (passages[schema.DUPLICATE_OF].map(stripped_text) == "").to_numpy()
    if schema.FINAL_SOURCE in passages.columns:
        mask &= (passages[schema.FINAL_SOURCE] != "reviewer").to_numpy()
    mask &= ~passages[schema.PASSAGE_ID].astype(str).isin(sample_ids).to_numpy()
    return np.flatnonzero(mask)


def reasons(
    passages: pd.DataFrame, scores: pd.DataFrame, labelled: dict[str, int] | None = None
) -> list[str]:
    """Why each passage is worth a reviewer's look, in words (facts, not the queue's maths)."""
    cols = [c for c in scores.columns if c.startswith(schema.SCORE_PREFIX)]
    ids = [c[len(schema.SCORE_PREFIX) :] for c in cols]
    values = scores[cols].to_numpy(dtype=float) if cols else np.zeros((len(passages), 0))
    counts = labelled or {}
    out = []
    for i, rec in enumerate(passages.to_dict("records")):
        status = stripped_text(rec.get(schema.TAG_STATUS))
        tags = split_ids(rec.get(schema.PRIORITIES))
        conf = rec.get(schema.CONFIDENCE)
        ranked = np.argsort(-values[i], kind="stable")[:2]
        top = [(ids[k], float(values[i, k])) for k in ranked]
        why = []
        if status == "no-fit":
            best = f" (nearest {top[0][0]}, score {top[0][1]:.2f})" if top else ""
            why.append(f"no priority fits{best}: a priority the model misses, or a new theme?")
        elif status == "uncertain" and not tags:
            best = f" (nearest {top[0][0]}, score {top[0][1]:.2f})" if top else ""
            why.append(f"close call: nothing fits clearly{best}")
        elif len(top) == 2 and top[0][1] - top[1][1] < CLOSE_GAP:
            why.append(f"close call: {top[0][0]} {top[0][1]:.2f} vs {top[1][0]} {top[1][1]:.2f}")
        elif status == "uncertain":
            why.append("close call (status uncertain)")
        if tags and isinstance(conf, (int, float)) and conf == conf and conf < LOW_CONFIDENCE:
            why.append(f"low confidence ({conf:.2f})")
        if top and counts.get(top[0][0], 0) < FEW_CONFIRMED:
            why.append(f"few confirmed passages for {top[0][0]} ({counts.get(top[0][0], 0)})")
        out.append("; ".join(why) or "unlike the passages above it in the queue")
    return out


def queue_table(
    passages: pd.DataFrame,
    scores: pd.DataFrame,
    order: Sequence[int],
    labelled: dict[str, int] | None = None,
) -> pd.DataFrame:
    """QUEUE_COLUMNS for the passages at row positions `order` (most useful first)."""
    rows = passages.iloc[list(order)]
    why = reasons(rows, scores.iloc[list(order)], labelled)
    return pd.DataFrame(
        {
            schema.PASSAGE_ID: rows[schema.PASSAGE_ID].astype(str).tolist(),
            RANK: list(range(1, len(rows) + 1)),
            WHY: why,
        },
        columns=QUEUE_COLUMNS,
    )


def write_review_queue(
    ws, passages: pd.DataFrame, queue: pd.DataFrame | None, example_ids: list[str], size: int
) -> None:
    """The sheet; `queue` (QUEUE_COLUMNS) is None when the run computed none."""
    records: list[dict] = []
    if queue is not None and len(queue):
        position: dict[str, int] = {}  # the first row of each id; only the queue's become dicts
        for i, pid in enumerate(passages[schema.PASSAGE_ID].astype(str)):
            position.setdefault(pid, i)
        queued = [
            (q, position[str(q[schema.PASSAGE_ID])])
            for q in queue.to_dict("records")
            if str(q[schema.PASSAGE_ID]) in position
        ]
        rows = passages.iloc[[i for _, i in queued]].to_dict("records")
        records = [{**rec, RANK: q[RANK], WHY: q[WHY]} for (q, _), rec in zip(queued, rows)]
    empty = (
        "The review queue is off ([review] queue_size = 0)."
        if size == 0
        else "No passage is waiting for review: every stakeholder passage was decided."
        if queue is not None
        else "No review queue in this workbook (it is computed when the round runs)."
    )
    write_table(
        ws,
        records,
        COLUMNS,
        note=NOTE.format(n=len(records)),
        help_text=INPUT_HELP.format(example="; ".join(example_ids or ["P1", "P3"])),
        empty=empty,
    )
