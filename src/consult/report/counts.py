"""What the workbook counts, computed once so every sheet and chart agrees.

Counts use FINAL_PRIORITIES (reviewer decisions where made, else the model's tags) and only
passages that are stakeholder input; facilitator turns are listed but never counted. A passage
with several priorities counts once for each, so priority counts may sum to more than the
number of passages. The tables read here went through `schema.validate_passages` (the report
does it in `workbook.prepared_passages`): their columns are there and hold their types.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from consult import schema
from consult.values import is_missing
from consult.values import split_ids as id_list

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike

NOT_GIVEN = "(not given)"
PASSAGES = "Passages"


def text_of(value: Any) -> str:
    return "" if is_missing(value) else str(value)


def counted_mask(passages: pd.DataFrame) -> pd.Series:
    """True for rows that count: stakeholder input (validation reads a missing flag as true)."""
    return passages[schema.IS_STAKEHOLDER_INPUT].astype(bool)


def counted(passages: pd.DataFrame) -> pd.DataFrame:
    return passages[counted_mask(passages)]


def group_values(passages: pd.DataFrame, column: str) -> pd.Series:
    """The grouping value of each row, "(not given)" where missing or blank."""
    return passages[column].map(lambda v: text_of(v).strip() or NOT_GIVEN).astype(object)


def has_priority(passages: pd.DataFrame, pid: str) -> pd.Series:
    # parse each distinct tag list once: a round has few distinct ones and many passages
    codes, uniques = pd.factorize(passages[schema.FINAL_PRIORITIES], use_na_sentinel=True)
    flags = np.array([pid in id_list(u) for u in uniques] + [False], dtype=bool)
    return pd.Series(flags[codes], index=passages.index)


def ordered_groups(values: pd.Series) -> list[str]:
    """Most frequent first, "(not given)" last."""
    counts = values.value_counts()
    order = sorted(counts.index, key=lambda g: (g == NOT_GIVEN, -counts[g], str(g)))
    return [str(g) for g in order]


def matrix(passages: pd.DataFrame, codebook: CodebookLike, by: str) -> pd.DataFrame:
    """Counted passages per (group, priority), plus the number of counted passages per group."""
    rows = counted(passages)
    groups = group_values(rows, by)
    order = ordered_groups(groups)
    data = {}
    for p in codebook.priorities:
        flags = has_priority(rows, p.id)
        data[p.id] = [int((flags & (groups == g)).sum()) for g in order]
    data[PASSAGES] = [int((groups == g).sum()) for g in order]
    return pd.DataFrame(data, index=pd.Index(order, dtype=object, name=by))


def priority_table(passages: pd.DataFrame, codebook: CodebookLike) -> pd.DataFrame:
    """One row per priority: counted passages, share, and counts by source kind."""
    rows = counted(passages)
    n = len(rows)
    kinds = group_values(rows, schema.SOURCE_KIND)
    kind_order = [k for k in schema.SOURCE_KINDS] + [
        k for k in ordered_groups(kinds) if k not in schema.SOURCE_KINDS
    ]
    out = []
    for p in codebook.priorities:
        flags = has_priority(rows, p.id)
        rec = {
            "id": p.id,
            "label": p.label,
            PASSAGES: int(flags.sum()),
            "share": (flags.sum() / n) if n else 0.0,
        }
        for k in kind_order:
            rec[k] = int((flags & (kinds == k)).sum())
        out.append(rec)
    return pd.DataFrame(out, columns=["id", "label", PASSAGES, "share", *kind_order])


def breakdown(passages: pd.DataFrame, pid: str, by: str) -> str:
    """ "IDN 12; THA 8" for one priority: counted passages per group, largest first."""
    rows = counted(passages)
    flags = has_priority(rows, pid)
    groups = group_values(rows[flags], by)
    if groups.empty:
        return ""
    return "; ".join(f"{g} {int((groups == g).sum())}" for g in ordered_groups(groups))


def no_priority_count(passages: pd.DataFrame) -> int:
    rows = counted(passages)
    return int(rows[schema.FINAL_PRIORITIES].map(lambda v: not id_list(v)).sum())


def source_ref(row: pd.Series | dict) -> str:
    """ "file, location": where a reviewer finds the quote in the upload."""
    parts = [row[schema.SOURCE_FILE].strip(), row[schema.LOCATION].strip()]
    return ", ".join(p for p in parts if p)


_SENTENCE_END = re.compile(r"[.!?…](?=\s)")


def excerpt(text: str, max_chars: int) -> tuple[str, bool]:
    """A verbatim prefix of `text` of at most `max_chars`, ended at a sentence or word break.

    Returns (excerpt, shortened). The excerpt is always a substring of the passage, so a reader
    can find it; "shortened" is shown next to the reference, never inside the quote.
    """
    text = text.strip()
    if len(text) <= max_chars:
        return text, False
    head = text[:max_chars]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= max_chars // 3:
        return head[: ends[-1]], True
    space = head.rfind(" ")
    if space >= max_chars // 3:
        return head[:space].rstrip(), True
    return head, True


def resolve_quotes(passages: pd.DataFrame, refs: Any) -> list[int]:
    """Row positions for quote references given as row positions or passage ids."""
    if refs is None or (not isinstance(refs, (list, tuple)) and is_missing(refs)):
        return []
    if isinstance(refs, str):
        refs = [r for r in re.split(r"[;,\s]+", refs) if r]
    try:
        refs = list(refs)
    except TypeError:
        refs = [refs]
    ids = None
    out: list[int] = []
    for ref in refs:
        if isinstance(ref, (int,)) or type(ref).__name__.startswith("int"):
            pos = int(ref)
            if 0 <= pos < len(passages):
                out.append(pos)
            continue
        if ids is None:
            ids = {str(v): i for i, v in enumerate(passages[schema.PASSAGE_ID])}
        if str(ref) in ids:
            out.append(ids[str(ref)])
    return list(dict.fromkeys(out))


def quote_cells(
    passages: pd.DataFrame, positions: list[int], limit: int, max_chars: int
) -> list[tuple[str, str]]:
    """[(quote, "file, location")] for the first `limit` usable positions."""
    out: list[tuple[str, str]] = []
    for pos in positions:
        if len(out) >= limit:
            break
        row = passages.iloc[pos]
        text = row[schema.TEXT]
        if not text.strip():
            continue
        quote, shortened = excerpt(text, max_chars)
        ref = source_ref(row) + (" (excerpt)" if shortened else "")
        out.append((quote, ref))
    return out


def priority_rows(passages: pd.DataFrame, priority_ids: list[str]) -> dict[str, list[int]]:
    """Row positions of the counted passages of each priority (final tags), for its quotes."""
    groups: dict[str, list[int]] = {pid: [] for pid in priority_ids}
    flags = counted_mask(passages).to_numpy()
    for i, (final, ok) in enumerate(zip(passages[schema.FINAL_PRIORITIES], flags)):
        for pid in id_list(final) if ok else []:
            groups.setdefault(pid, []).append(i)
    return groups
