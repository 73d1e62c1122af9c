"""The Campaigns sheet: near-identical answers to one question, each campaign on one row.

A reviewer sees what each campaign said (its template), how many sent it, a few of the
variants, and where its members come from; and how the workbook counted it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from consult import schema
from consult.report import safe
from consult.report.counts import (
    EACH,
    NOT_GIVEN,
    campaign_mask,
    campaign_priorities,
    campaign_templates,
    counted_mask,
    excerpt,
    group_values,
    ordered_groups,
    source_ref,
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
    ids = rows[schema.CAMPAIGN_ID].map(text_of)
    out = []
    for cid, g in rows.groupby(ids, sort=False):
        tpl = g.loc[templates[cid]]
        tpl_text = text_of(tpl[schema.TEXT])
        forms = g[schema.TEXT].map(lambda t: wording(text_of(t)))
        copies = forms.value_counts(sort=False)
        others = [f for f in dict.fromkeys(forms) if f != wording(tpl_text)]
        others.sort(key=lambda f: -copies[f])  # stable: most sent first, then table order
        first_text: dict[str, str] = {}
        for f, t in zip(forms, g[schema.TEXT]):
            first_text.setdefault(f, text_of(t))
        variants = [excerpt(first_text[f], quote_chars)[0] for f in others[:VARIANTS]]
        question = text_of(tpl[schema.QUESTION]).strip() or (
            "(notes and written submissions)"
            if tpl[schema.SOURCE_KIND] == "workshop"
            else NOT_GIVEN
        )
        out.append(
            [
                cid,
                len(g),
                question,
                excerpt(tpl_text, quote_chars)[0],
                source_ref(tpl),
                int(copies[wording(tpl_text)]),
                len(others),
                *variants,
                *[None] * (VARIANTS - len(variants)),
                "; ".join(
                    f"{p} {labels.get(p, '')}".strip() for p in tags.get(cid, "").split(";") if p
                )
                or "none",
                _spread(g, schema.COUNTRY),
                _spread(g, schema.STAKEHOLDER_GROUP),
            ]
        )
    out.sort(key=lambda r: -r[1])
    return out


def _spread(rows: pd.DataFrame, by: str) -> str:
    """ "IDN 12; THA 3": members per group, largest first."""
    groups = group_values(rows, by)
    return "; ".join(f"{g} {int((groups == g).sum())}" for g in ordered_groups(groups))


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
    safe.table(ws, header_row, HEADERS, rows)
    safe.set_widths(ws, [12, 9, 30, 60, 26, 10, 10] + [45] * VARIANTS + [26, 22, 26])
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    safe.print_setup(ws, pages_wide=2)
