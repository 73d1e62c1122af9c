"""The Campaigns sheet: near-identical answers to one question, each campaign on one row.

A reviewer sees what each campaign said (its template), how many sent it, a few of the
variants, and where its members come from; and how the workbook counted it.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd

from consult import schema
from consult.report import rowstream, safe
from consult.report.counts import (
    EACH,
    NOT_GIVEN,
    campaign_mask,
    campaign_priorities,
    campaign_templates,
    counted_mask,
    excerpt,
    group_values,
    source_ref,
    spread,
    text_of,
)
from consult.text.campaigns import wording

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike

TITLE = "Campaigns"
VARIANTS = 3  # variants shown beside the template
HEADERS = [
    "Campaign ID",
    "Answers",
    "Question",
    "Template (the wording its members share most)",
    "Template source",
    "Copies of the template",
    "Other wordings",
    *[f"Variant {i}" for i in range(1, VARIANTS + 1)],
    "Priorities it counts with",
    "Member States",
    "Stakeholder groups",
]
HOW = (
    "A campaign is a set of answers to one survey question (or notes paragraphs) from at "
    "least two respondents that share most of their wording, runs of three words, with one "
    "template: a changed greeting, an added sentence or a name signed at the end keep an "
    "answer in; a rewrite does not. Transcript turns are never grouped. "
)
COUNTED = {
    "once": "Priority counts and shares count each campaign once (its size is shown here and "
    "on 'Priorities'), with the priorities at least half of its members carry (reviewer "
    "decisions where a reviewer decided on some members); by Member State and stakeholder "
    "group, once in each group its members come from. Every answer stays on 'Passages' "
    "(column 'Campaign').",
    "each": "This workbook counts every answer of a campaign (setting report.count_campaigns = "
    "'each'); the campaigns are listed for information. Every answer is on 'Passages'.",
}


def campaign_rows(passages: pd.DataFrame, codebook: CodebookLike, quote_chars: int) -> list[list]:
    """One row per campaign (HEADERS), largest first."""
    member = campaign_mask(passages)
    if not member.any():
        return []
    rows = passages[member]
    templates = campaign_templates(rows)
    tags = campaign_priorities(rows[counted_mask(rows)]) if counted_mask(rows).any() else {}
    labels = {p.id: p.label for p in codebook.priorities}
    # plain lists, one pass per campaign: a large round has thousands of campaigns, and pandas
    # per campaign took most of the workbook's time
    ids = rows[schema.CAMPAIGN_ID].map(text_of).tolist()
    texts = [text_of(t) for t in rows[schema.TEXT].tolist()]
    forms = [wording(t) for t in texts]
    columns = (schema.QUESTION, schema.SOURCE_KIND, schema.SOURCE_FILE, schema.LOCATION)
    fields = {c: rows[c].tolist() for c in columns}
    countries = group_values(rows, schema.COUNTRY).tolist()
    groups = group_values(rows, schema.STAKEHOLDER_GROUP).tolist()
    members: dict[str, list[int]] = {}
    for i, cid in enumerate(ids):
        members.setdefault(cid, []).append(i)
    where = dict(zip(rows.index, range(len(rows))))
    out: list[list[Any]] = []
    for cid, positions in members.items():
        t = where[templates[cid]]
        tpl = {c: values[t] for c, values in fields.items()}
        copies = Counter(forms[i] for i in positions)
        first_text: dict[str, str] = {}
        for i in positions:
            first_text.setdefault(forms[i], texts[i])
        others = [f for f in first_text if f != forms[t]]
        others.sort(key=lambda f: -copies[f])  # stable: most sent first, then table order
        variants = [excerpt(first_text[f], quote_chars)[0] for f in others[:VARIANTS]]
        question = text_of(tpl[schema.QUESTION]).strip() or (
            "(notes and written submissions)"
            if tpl[schema.SOURCE_KIND] == "workshop"
            else NOT_GIVEN
        )
        out.append(
            [
                cid,
                len(positions),
                question,
                excerpt(texts[t], quote_chars)[0],
                source_ref(tpl),
                copies[forms[t]],
                len(others),
                *variants,
                *[None] * (VARIANTS - len(variants)),
                "; ".join(
                    f"{p} {labels.get(p, '')}".strip() for p in tags.get(cid, "").split(";") if p
                )
                or "none",
                spread(countries[i] for i in positions),
                spread(groups[i] for i in positions),
            ]
        )
    out.sort(key=lambda r: -r[1])
    return out


CAMPAIGNS_HEADER = "Campaigns (answers)"


def campaign_counts(passages: pd.DataFrame) -> dict[str, str]:
    """{priority id: "2 (57)"}: the campaigns that count with each priority, and their answers
    (a campaign counts with the priorities at least half of its answers carry, as `counted`)."""
    member = campaign_mask(passages) & counted_mask(passages)
    if not member.any():
        return {}
    rows = passages[member]
    sizes = rows.groupby(rows[schema.CAMPAIGN_ID].map(text_of)).size()
    n: dict[str, int] = {}
    answers: dict[str, int] = {}
    for cid, tags in campaign_priorities(rows).items():
        for pid in tags.split(";") if tags else []:
            n[pid] = n.get(pid, 0) + 1
            answers[pid] = answers.get(pid, 0) + int(sizes[cid])
    return {pid: f"{n[pid]} ({answers[pid]})" for pid in n}


def campaign_note(count: str) -> str:
    """What a count sheet's note says about campaigns."""
    if count == EACH:
        return (
            " Every answer of a campaign counts (report.count_campaigns = 'each'; see 'Campaigns')."
        )
    return (
        " A campaign (near-identical answers to one question, 'Campaigns' sheet) counts once, "
        "with the priorities at least half of its answers carry; 'Campaigns (answers)' on "
        "'Priorities' shows how many campaigns each count holds and how many answers they have."
    )


def campaign_fact(passages: pd.DataFrame) -> str:
    """The Overview's line: "3 campaigns, 57 answers (listed on 'Campaigns')", or "none"."""
    member = campaign_mask(passages)
    if not member.any():
        return "none"
    n = passages.loc[member, schema.CAMPAIGN_ID].map(text_of).nunique()
    return f"{n} campaign{'s' if n != 1 else ''}, {int(member.sum())} answers (on '{TITLE}')"


def write_campaigns(
    ws,
    passages: pd.DataFrame,
    codebook: CodebookLike,
    *,
    count: str,
    quote_chars: int,
) -> None:
    """The Campaigns sheet; `count` is report.count_campaigns ("once" or "each")."""
    safe.put(
        ws, 1, 1, "Campaigns: near-identical answers from many respondents", font=safe.TITLE_FONT
    )
    safe.put(ws, 2, 1, HOW + COUNTED[EACH if count == EACH else "once"], font=safe.NOTE_FONT)
    rows = campaign_rows(passages, codebook, quote_chars)
    header_row = 4
    if not rows:
        safe.put(
            ws,
            header_row + 2,
            1,
            "No campaign in this round: no two respondents sent near-identical answers to one "
            "question.",
            font=safe.NOTE_FONT,
        )
    rowstream.table(ws, header_row, HEADERS, rows)  # thousands of rows in a large round
    safe.set_widths(ws, [12, 9, 30, 60, 26, 10, 10] + [45] * VARIANTS + [26, 22, 26])
    ws.freeze_panes = f"B{header_row + 1}"  # a coordinate: ws.cell would add a row
    safe.print_setup(ws, pages_wide=2)
