"""What the workbook counts, computed once so every sheet and chart agrees.

Counts use FINAL_PRIORITIES (reviewer decisions where made, else the model's tags) and only
passages that are stakeholder input; facilitator turns are listed but never counted. A passage
with several priorities counts once for each, so priority counts may sum to more than the
number of passages. The tables read here went through `schema.validate_passages` (the report
does it in `workbook.prepared_passages`): their columns are there and hold their types.

Campaigns (near-identical answers to one question, `schema.CAMPAIGN_ID`) count once by default
(`campaigns="once"`, the `report.count_campaigns` setting): as one passage carrying the
priorities at least half of its members carry (`campaign_priorities`), and in a breakdown by
Member State or stakeholder group once in each group its members come from. `campaigns="each"`
counts every member, as a passage of its own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from consult import schema
from consult.reviews.rules import REVIEWER
from consult.values import is_missing
from consult.values import split_ids as id_list

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike

NOT_GIVEN = "(not given)"
PASSAGES = "Passages"


def text_of(value: Any) -> str:
    return "" if is_missing(value) else str(value)


def per_value(values: pd.Series, fn: Callable[[Any], Any]) -> np.ndarray:
    """`fn` of each value, computed once per distinct value (a missing one as `fn(None)`): a
    large round repeats a few countries, languages, campaign ids or tag lists many times."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out = np.empty(len(uniques) + 1, dtype=object)
    for i, u in enumerate(uniques):  # one by one: numpy would spread a list result over axes
        out[i] = fn(u)
    out[-1] = fn(None)
    return out[codes]


def counted_mask(passages: pd.DataFrame) -> pd.Series:
    """True for rows that count: stakeholder input (validation reads a missing flag as true)."""
    return passages[schema.IS_STAKEHOLDER_INPUT].astype(bool)


ONCE, EACH = "once", "each"  # how campaigns count (report.count_campaigns)


def campaign_mask(passages: pd.DataFrame) -> pd.Series:
    """True for members of a campaign (tables from before campaigns were found have none)."""
    if schema.CAMPAIGN_ID not in passages.columns:
        return pd.Series(False, index=passages.index)
    flags = per_value(passages[schema.CAMPAIGN_ID], lambda v: bool(text_of(v).strip()))
    return pd.Series(flags.astype(bool), index=passages.index)


def campaign_priorities(members: pd.DataFrame) -> dict[str, str]:
    """{campaign id: ";"-joined priorities} for the counted members of campaigns: the priorities
    at least half of its members carry, most carried first. Where a reviewer decided on some
    members, those decisions alone count (a reviewer who read the template speaks for it)."""
    reviewed = (
        members[schema.FINAL_SOURCE].eq(REVIEWER).to_numpy(dtype=bool)
        if schema.FINAL_SOURCE in members.columns
        else np.zeros(len(members), dtype=bool)
    )
    ids = per_value(members[schema.CAMPAIGN_ID], text_of).tolist()
    tags = per_value(members[schema.FINAL_PRIORITIES], lambda v: list(dict.fromkeys(id_list(v))))
    any_review = {c for c, r in zip(ids, reviewed) if r}
    votes: dict[str, dict[str, int]] = {}
    voters: dict[str, int] = {}
    for cid, pids, rev in zip(ids, tags, reviewed):
        if cid in any_review and not rev:
            continue
        voters[cid] = voters.get(cid, 0) + 1
        tally = votes.setdefault(cid, {})
        for pid in pids:
            tally[pid] = tally.get(pid, 0) + 1
    out = {}
    for cid in dict.fromkeys(ids):
        tally = votes.get(cid, {})
        kept = [p for p, n in tally.items() if 2 * n >= voters.get(cid, 0)]
        out[cid] = ";".join(sorted(kept, key=lambda p: -tally[p]))
    return out


def counted(passages: pd.DataFrame, by: str | None = None, campaigns: str = ONCE) -> pd.DataFrame:
    """The rows that count: stakeholder input; with `campaigns` "once", each campaign is one row
    (one per group of `by` its members come from), its first member's, carrying the campaign's
    priorities. Rows stay in table order, with their index."""
    if campaigns not in (ONCE, EACH):
        raise ValueError(f"report.count_campaigns is `{campaigns}`: set it to once or each.")
    rows = passages[counted_mask(passages)]
    member = campaign_mask(rows)
    if campaigns == EACH or not member.any():
        return rows
    camp = rows[member]
    key = pd.Series(per_value(camp[schema.CAMPAIGN_ID], text_of), index=camp.index)
    if by is not None:
        key = key + "\x1f" + group_values(camp, by)
    units = camp[~key.duplicated()].copy()
    tags = campaign_priorities(camp)
    units[schema.FINAL_PRIORITIES] = [
        tags[c] for c in per_value(units[schema.CAMPAIGN_ID], text_of)
    ]
    return pd.concat([rows[~member], units]).sort_index(kind="stable")


def _slim(passages: pd.DataFrame, *extra: str) -> pd.DataFrame:
    """Only the columns counting reads, and `extra`: `counted` on a whole large table would copy
    every column (the texts too) each time."""
    names = (
        schema.IS_STAKEHOLDER_INPUT,
        schema.CAMPAIGN_ID,
        schema.FINAL_SOURCE,
        schema.FINAL_PRIORITIES,
        *extra,
    )
    return passages[[c for c in dict.fromkeys(names) if c in passages.columns]]


def group_values(passages: pd.DataFrame, column: str) -> pd.Series:
    """The grouping value of each row, "(not given)" where missing or blank."""
    names = per_value(passages[column], lambda v: text_of(v).strip() or NOT_GIVEN)
    return pd.Series(names, index=passages.index, dtype=object)


def has_priority(passages: pd.DataFrame, pid: str) -> pd.Series:
    # parse each distinct tag list once: a round has few distinct ones and many passages
    codes, uniques = pd.factorize(passages[schema.FINAL_PRIORITIES], use_na_sentinel=True)
    flags = np.array([pid in id_list(u) for u in uniques] + [False], dtype=bool)
    return pd.Series(flags[codes], index=passages.index)


def _by_size(counts: Mapping[Any, int]) -> list[str]:
    """Most frequent first, "(not given)" last."""
    return [str(g) for g in sorted(counts, key=lambda g: (g == NOT_GIVEN, -counts[g], str(g)))]


def ordered_groups(values: pd.Series) -> list[str]:
    """Most frequent first, "(not given)" last."""
    return _by_size(values.value_counts().to_dict())


def spread(values: Iterable[str]) -> str:
    """ "IDN 12; THA 3": how many of `values` fall in each group, largest first."""
    counts = Counter(values)
    return "; ".join(f"{g} {counts[g]}" for g in _by_size(counts))


def matrix(
    passages: pd.DataFrame, codebook: CodebookLike, by: str, campaigns: str = ONCE
) -> pd.DataFrame:
    """Counted passages per (group, priority), plus the number of counted passages per group."""
    rows = counted(_slim(passages, by), by, campaigns)
    groups = group_values(rows, by)
    order = ordered_groups(groups)
    codes = pd.Categorical(groups, categories=order).codes  # group of each row, as a number

    def per_group(flags: np.ndarray) -> list[int]:
        return [int(n) for n in np.bincount(codes[flags], minlength=len(order))]

    data = {p.id: per_group(has_priority(rows, p.id).to_numpy()) for p in codebook.priorities}
    data[PASSAGES] = per_group(np.ones(len(rows), dtype=bool))
    return pd.DataFrame(data, index=pd.Index(order, dtype=object, name=by))


def priority_table(
    passages: pd.DataFrame, codebook: CodebookLike, campaigns: str = ONCE
) -> pd.DataFrame:
    """One row per priority: counted passages, share, and counts by source kind (a campaign
    answers one question, so it is of one kind)."""
    rows = counted(_slim(passages, schema.SOURCE_KIND), campaigns=campaigns)
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


def breakdown(passages: pd.DataFrame, pid: str, by: str, campaigns: str = ONCE) -> str:
    """ "IDN 12; THA 8" for one priority: counted passages per group, largest first."""
    return breakdowns(passages, [pid], by, campaigns)[pid]


def breakdowns(
    passages: pd.DataFrame, pids: list[str], by: str, campaigns: str = ONCE
) -> dict[str, str]:
    """`breakdown` of each of `pids`, the counted rows and their groups found once."""
    rows = counted(_slim(passages, by), by, campaigns)
    all_groups = group_values(rows, by)
    return {pid: spread(all_groups[has_priority(rows, pid)].tolist()) for pid in pids}


def no_priority_count(passages: pd.DataFrame, campaigns: str = ONCE) -> int:
    rows = counted(_slim(passages), campaigns=campaigns)
    return int(per_value(rows[schema.FINAL_PRIORITIES], lambda v: not id_list(v)).sum())


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


def priority_rows(
    passages: pd.DataFrame, priority_ids: list[str], campaigns: str = ONCE
) -> dict[str, list[int]]:
    """Row positions of the counted passages of each priority (final tags), for its quotes; with
    campaigns "once", a campaign's template stands for it, with the campaign's priorities."""
    groups: dict[str, list[int]] = {pid: [] for pid in priority_ids}
    table = _slim(passages, schema.TEXT).reset_index(drop=True)
    rows = counted(table, campaigns=campaigns)
    stand_in = campaign_templates(table[counted_mask(table)]) if campaigns == ONCE else {}
    ids = rows[schema.CAMPAIGN_ID].map(text_of) if stand_in else pd.Series("", index=rows.index)
    positions = [int(stand_in.get(c, i)) for i, c in zip(rows.index, ids)]
    for i, final in sorted(zip(positions, rows[schema.FINAL_PRIORITIES])):
        for pid in id_list(final):
            groups.setdefault(pid, []).append(i)
    return groups


def campaign_templates(passages: pd.DataFrame) -> dict[str, Any]:
    """{campaign id: index label of its template passage}: the member whose wording the others
    share most (`consult.text.campaigns.campaign_template`)."""
    from consult.text.campaigns import campaign_templates as templates_of

    member = campaign_mask(passages)
    if not member.any():
        return {}
    rows = passages[member]
    ids = rows[schema.CAMPAIGN_ID].map(text_of).tolist()
    found = templates_of(rows[schema.TEXT].map(text_of).tolist(), ids)
    return {str(cid): rows.index[pos] for cid, pos in found.items()}
