"""Reviewer corrections: read from the workbook, stored durably, applied as final tags.

A reviewer types priority ids or labels into the *Reviewer priorities* column of the Passages
sheet (and a note), then saves the workbook where it is. The next run reads those edits before
anything is overwritten, merges them into `outputs/<round>/reviews.csv` keyed by the stable
`passage_id`, and applies them: reviewer decisions replace the model's tags everywhere.
This module is the pure part; the store is consult.reviews.store, and reading and reconciling
the workbooks, the store and their copies is consult.reviews.sources.

Words a reviewer can type besides ids and labels (case ignored):
- `none`, `-`, `no-fit`, `no fit`: no priority fits this passage.
- `model`, `clear`: withdraw an earlier decision; the model's tags count again.
A cell that is simply emptied does not withdraw a decision (an accidental delete must not
lose a reviewer's work); the decision comes back in the next workbook.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from consult import schema
from consult.values import split_ids, stripped_text

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike

log = logging.getLogger(__name__)

# ---- store columns (reviews.csv) -----------------------------------------------------------
REVIEWER_INPUT = "reviewer_input"  # what the reviewer typed, verbatim
DECISION = "decision"  # one of DECISIONS
UNRESOLVED = "unresolved_tokens"  # tokens the codebook did not know, "; "-joined
MODEL_PRIORITIES = "model_priorities"  # the model's tags when the decision was stored
DECIDED_AT = "decided_at"
UPDATED_AT = "updated_at"
EDIT_WARNING = "edit_warning"  # on read edits only: why a cell was read the way it was
# fmt: off
STORE_COLUMNS = [
    schema.PASSAGE_ID, REVIEWER_INPUT, schema.REVIEWER_PRIORITIES, DECISION, UNRESOLVED,
    schema.REVIEWER_NOTE, schema.TEXT, MODEL_PRIORITIES, DECIDED_AT, UPDATED_AT,
]
# fmt: on
# decisions that replace the model's tags ("confirmed"), and those that do not
PRIORITIES_DECISION = "priorities"
NONE_DECISION = "no-priority"
UNRESOLVED_DECISION = "unresolved"  # nothing typed could be resolved: model tags stay, flagged
WITHDRAWN_DECISION = "withdrawn"
NOTE_ONLY_DECISION = "note-only"
CONFIRMED = (PRIORITIES_DECISION, NONE_DECISION)

NONE_WORDS = {"none", "-", "no-fit", "no fit", "nofit", "no priority"}
WITHDRAW_WORDS = {"model", "clear"}
TOKEN_SPLIT = re.compile(r"[;,\n\r]+")

REVIEWER = "reviewer"
MODEL = "model"

# ---- problem and agreement tables ------------------------------------------------------------
PROBLEM_COLUMNS = [schema.PASSAGE_ID, REVIEWER_INPUT, schema.REASON]
PRIORITY = "priority"
LABEL = "label"
N_REVIEWED = "n_reviewed"
REVIEWER_COUNT = "reviewer_count"
MODEL_COUNT = "model_count"
BOTH = "both"
PRECISION = "precision"
RECALL = "recall"
F1 = "f1"
AGREEMENT_COLUMNS = [
    PRIORITY,
    LABEL,
    N_REVIEWED,
    REVIEWER_COUNT,
    MODEL_COUNT,
    BOTH,
    PRECISION,
    RECALL,
    F1,
]
ALL_PRIORITIES = "(all, micro)"


def empty_store() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in STORE_COLUMNS})


# ---- the durable store ---------------------------------------------------------------------------
def merge_reviews(
    store: pd.DataFrame | None,
    edits: pd.DataFrame,
    codebook: CodebookLike,
    when: str,
    *,
    unknown_problems: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fold workbook edits into the store; return (store, problems).

    Tokens are split on `;`, `,` or newlines and resolved with `codebook.resolve`. Unknown
    tokens are never dropped: the cell text is kept verbatim and each one is a problem row
    (unless `unknown_problems` is False: the caller lists them from the store, see
    `unresolved_problems`). A cell read in an unusual way (EDIT_WARNING) is a problem row too.
    Unchanged decisions keep their original timestamp.
    """
    store = empty_store() if store is None else store.copy()
    for col in STORE_COLUMNS:
        if col not in store.columns:
            store[col] = None
    store = store[STORE_COLUMNS + [c for c in store.columns if c not in STORE_COLUMNS]]
    by_id = {pid: i for i, pid in enumerate(store[schema.PASSAGE_ID].astype(str))}
    rows = store.to_dict("records")
    problems: list[dict[str, str]] = []
    for edit in edits.to_dict("records"):
        pid = stripped_text(edit.get(schema.PASSAGE_ID))
        if not pid:
            if stripped_text(
                edit.get(EDIT_WARNING)
            ):  # an entry with no passage: listed, never dropped
                problems.append(
                    {
                        schema.PASSAGE_ID: "",
                        REVIEWER_INPUT: stripped_text(edit.get(schema.REVIEWER_PRIORITIES)),
                        schema.REASON: stripped_text(edit.get(EDIT_WARNING)),
                    }
                )
            continue
        raw = stripped_text(edit.get(schema.REVIEWER_PRIORITIES))
        note = stripped_text(edit.get(schema.REVIEWER_NOTE))
        ids, decision, unknown = resolve_input(raw, codebook)
        old = rows[by_id[pid]] if pid in by_id else None
        if decision == NOTE_ONLY_DECISION and old is not None:
            # an emptied priorities cell never withdraws a decision; only the note changed
            raw = stripped_text(old.get(REVIEWER_INPUT))
            ids, decision, unknown = resolve_input(raw, codebook)
        for token, reason in unknown if unknown_problems else []:
            why = reason if token in reason else f"`{token}`: {reason}"
            problems.append({schema.PASSAGE_ID: pid, REVIEWER_INPUT: raw, schema.REASON: why})
        if stripped_text(edit.get(EDIT_WARNING)):
            problems.append(
                {
                    schema.PASSAGE_ID: pid,
                    REVIEWER_INPUT: raw,
                    schema.REASON: stripped_text(edit.get(EDIT_WARNING)),
                }
            )
        if decision == NOTE_ONLY_DECISION and not note:
            continue
        if (
            old is not None
            and stripped_text(old.get(REVIEWER_INPUT)) == raw
            and stripped_text(old.get(schema.REVIEWER_NOTE)) == note
        ):
            continue  # the workbook showed the stored decision back; nothing changed
        # fmt: off
        record = {
            schema.PASSAGE_ID: pid, REVIEWER_INPUT: raw, schema.REVIEWER_PRIORITIES: ";".join(ids),
            DECISION: decision, UNRESOLVED: "; ".join(t for t, _ in unknown),
            schema.REVIEWER_NOTE: note,
            schema.TEXT: stripped_text(edit.get(schema.TEXT)) or (stripped_text(old.get(schema.TEXT)) if old else ""),
            MODEL_PRIORITIES: stripped_text(edit.get(schema.PRIORITIES)) or (
                stripped_text(old.get(MODEL_PRIORITIES)) if old else ""),
            DECIDED_AT: stripped_text(old.get(DECIDED_AT)) if old else when, UPDATED_AT: when,
        }
        # fmt: on
        if old is not None:
            old.update(record)
        else:
            by_id[pid] = len(rows)
            rows.append(record)
    merged = pd.DataFrame(rows, columns=list(store.columns), dtype=object)
    if problems:
        log.warning(
            "%d reviewer entries need a look (unknown priority or a formula); see the "
            "Data quality sheet.",
            len(problems),
        )
    return merged, pd.DataFrame(problems, columns=PROBLEM_COLUMNS, dtype=object)


def unresolved_problems(store: pd.DataFrame, codebook: CodebookLike) -> list[dict[str, str]]:
    """A problem row per stored token the codebook does not know, on every run until fixed."""
    rows: list[dict[str, str]] = []
    if store is None or store.empty:
        return rows
    for rec in store[store[UNRESOLVED].map(stripped_text) != ""].to_dict("records"):
        raw = stripped_text(rec.get(REVIEWER_INPUT))
        for token, reason in resolve_input(raw, codebook)[2]:
            why = reason if token in reason else f"`{token}`: {reason}"
            rows.append(
                {
                    schema.PASSAGE_ID: stripped_text(rec.get(schema.PASSAGE_ID)),
                    REVIEWER_INPUT: raw,
                    schema.REASON: why,
                }
            )
    return rows


def resolve_input(raw: str, codebook: CodebookLike) -> tuple[list[str], str, list[tuple[str, str]]]:
    """(ids, decision, [(unknown token, why)]) for what a reviewer typed."""
    tokens = [t.strip() for t in TOKEN_SPLIT.split(raw or "") if t.strip()]
    if not tokens:
        return [], NOTE_ONLY_DECISION, []
    words = {t.casefold() for t in tokens}
    if words <= WITHDRAW_WORDS:
        return [], WITHDRAWN_DECISION, []
    if words <= NONE_WORDS:
        return [], NONE_DECISION, []
    ids: list[str] = []
    unknown: list[tuple[str, str]] = []
    for token in tokens:
        if token.casefold() in NONE_WORDS | WITHDRAW_WORDS:
            unknown.append((token, "cannot be combined with priorities; write it alone"))
            continue
        try:
            pid = _resolve(token, codebook)
        except (KeyError, ValueError) as exc:
            unknown.append((token, str(exc).strip("'\"")))
            continue
        if pid not in ids:
            ids.append(pid)
    return ids, (PRIORITIES_DECISION if ids else UNRESOLVED_DECISION), unknown


def _resolve(token: str, codebook: CodebookLike) -> str:
    """codebook.resolve, also accepting "P1: label" as copied from a matrix header."""
    try:
        return codebook.resolve(token)
    except (KeyError, ValueError):
        head = token.split(":", 1)[0].strip()
        if head and head != token:
            try:
                return codebook.resolve(head)
            except (KeyError, ValueError):
                pass
        raise


class ReviewError(RuntimeError):
    """Reviewer files that cannot be used as they are; the message says what to fix.

    The report step no longer stops for an unreadable workbook or reviews.csv (it writes
    beside the one and rebuilds the other, see consult.reviews.sources); the CLI still explains
    this error in one line for callers that raise it.
    """


# ---- applying decisions --------------------------------------------------------------------------
def apply_reviews(passages: pd.DataFrame, store: pd.DataFrame | None) -> pd.DataFrame:
    """Passages plus REVIEWER_PRIORITIES, REVIEWER_NOTE, FINAL_PRIORITIES and FINAL_SOURCE.

    REVIEWER_PRIORITIES shows what the reviewer typed (so the next workbook shows it back);
    FINAL_PRIORITIES holds resolved ids: the reviewer's where they decided, else the model's.
    """
    out = passages.copy()
    model = (
        out[schema.PRIORITIES]
        if schema.PRIORITIES in out.columns
        else pd.Series("", index=out.index)
    )
    decisions = (
        {}
        if store is None or store.empty
        else {str(r[schema.PASSAGE_ID]): r for r in store.to_dict("records")}
    )
    raw, note, final, source = [], [], [], []
    for pid, tags in zip(out[schema.PASSAGE_ID].astype(str), model):
        d = decisions.get(pid)
        kind = stripped_text(d.get(DECISION)) if d else ""
        raw.append(stripped_text(d.get(REVIEWER_INPUT)) if d and kind != WITHDRAWN_DECISION else "")
        note.append(stripped_text(d.get(schema.REVIEWER_NOTE)) if d else "")
        if d and kind in CONFIRMED:
            final.append(";".join(split_ids(d.get(schema.REVIEWER_PRIORITIES))))
            source.append(REVIEWER)
        else:
            final.append(";".join(split_ids(tags)))
            source.append(MODEL)
    out[schema.REVIEWER_PRIORITIES] = pd.Series(raw, index=out.index, dtype=object)
    out[schema.REVIEWER_NOTE] = pd.Series(note, index=out.index, dtype=object)
    out[schema.FINAL_PRIORITIES] = pd.Series(final, index=out.index, dtype=object)
    out[schema.FINAL_SOURCE] = pd.Series(source, index=out.index, dtype=object)
    return out


def orphaned(passages: pd.DataFrame, store: pd.DataFrame | None) -> pd.DataFrame:
    """Stored decisions whose passage is not in this run (kept, and listed in the workbook)."""
    if store is None or store.empty:
        return empty_store()
    present = set(passages[schema.PASSAGE_ID].astype(str))
    keep = ~store[schema.PASSAGE_ID].astype(str).isin(present)
    return store[keep].reset_index(drop=True)


def agreement(passages: pd.DataFrame, codebook: CodebookLike) -> pd.DataFrame:
    """Per priority precision/recall/F1 of the model against reviewer decisions.

    Only passages a reviewer decided count (FINAL_SOURCE == "reviewer"); the reviewer is the
    reference. A last row gives the micro average over all priorities.
    """
    if schema.FINAL_SOURCE in passages.columns:
        reviewed = passages[passages[schema.FINAL_SOURCE] == REVIEWER]
    else:
        reviewed = passages.iloc[0:0]
    n = len(reviewed)
    model_sets = [set(split_ids(v)) for v in reviewed.get(schema.PRIORITIES, [])]
    human_sets = [set(split_ids(v)) for v in reviewed.get(schema.FINAL_PRIORITIES, [])]
    rows = []
    totals = [0, 0, 0]
    for p in codebook.priorities:
        m = sum(p.id in s for s in model_sets)
        h = sum(p.id in s for s in human_sets)
        both = sum(p.id in a and p.id in b for a, b in zip(model_sets, human_sets))
        totals = [totals[0] + h, totals[1] + m, totals[2] + both]
        rows.append(_agreement_row(p.id, p.label, n, h, m, both))
    rows.append(_agreement_row(ALL_PRIORITIES, "", n, *totals))
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


def _agreement_row(pid: str, label: str, n: int, h: int, m: int, both: int) -> dict[str, Any]:
    precision = both / m if m else None
    recall = both / h if h else None
    if precision is None or recall is None:
        f1 = None if (m == 0 and h == 0) else 0.0
    else:
        f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {
        PRIORITY: pid,
        LABEL: label,
        N_REVIEWED: n,
        REVIEWER_COUNT: h,
        MODEL_COUNT: m,
        BOTH: both,
        PRECISION: precision,
        RECALL: recall,
        F1: f1,
    }


def labelled_examples(store: pd.DataFrame | None) -> pd.DataFrame:
    """Confirmed decisions as training examples: TEXT and PRIORITIES (";"-joined, "" = none)."""
    cols = [schema.TEXT, schema.PRIORITIES]
    if store is None or store.empty:
        return pd.DataFrame(columns=cols, dtype=object)
    confirmed = store[store[DECISION].isin(CONFIRMED)]
    texts = confirmed[schema.TEXT].map(stripped_text)
    confirmed = confirmed[texts != ""]
    return pd.DataFrame(
        {
            schema.TEXT: confirmed[schema.TEXT].map(stripped_text).tolist(),
            schema.PRIORITIES: [
                ";".join(split_ids(v)) for v in confirmed[schema.REVIEWER_PRIORITIES]
            ],
        },
        columns=cols,
        dtype=object,
    )
