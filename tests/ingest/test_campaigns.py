"""Campaigns in the passage table: near-identical answers to one question from two or more
respondents share an id and a size; notes group across files, transcripts never."""

from __future__ import annotations

import re

import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.campaigns import mark_campaigns
from consult.ingest.prepare import prepare_passages
from consult.ingest.round import ingest_round
from consult.schema import RawFile, validate_passages
from tests.support.campaigns import campaign_answers, campaign_passages

PARAGRAPH = (
    "Participants asked that every new cross-border road come with a plan for road safety, "
    "lighting and pedestrian crossings in the villages it passes through."
)


def _marked(passages: pd.DataFrame) -> pd.DataFrame:
    cfg = ConsultConfig().ingest
    return mark_campaigns(passages, cfg.campaign_similarity, cfg.campaign_min_words)


def test_members_share_an_id_and_the_size_others_are_empty():
    answers = campaign_answers()
    out = _marked(campaign_passages(answers))
    for name in ("A", "B", "C"):
        members = out[(answers["campaign"] == name).to_numpy()]
        assert members[S.CAMPAIGN_ID].nunique() == 1, name
        assert re.fullmatch(r"C[0-9a-f]{8}", members[S.CAMPAIGN_ID].iloc[0])
        assert (members[S.CAMPAIGN_SIZE] == len(members)).all()
    alone = out[(answers["campaign"] == "").to_numpy()]
    assert (alone[S.CAMPAIGN_ID] == "").all() and (alone[S.CAMPAIGN_SIZE] == 0).all()
    assert out[S.CAMPAIGN_ID].nunique() == 4  # three campaigns and ""
    checked = validate_passages(out, "prepare")  # the schema's types: text and whole number
    assert checked[S.CAMPAIGN_SIZE].dtype == "int64"


def test_the_id_stays_when_the_table_is_reordered():
    passages = campaign_passages()
    first = _marked(passages).set_index(S.PASSAGE_ID)[S.CAMPAIGN_ID]
    shuffled = passages.sample(frac=1.0, random_state=3).reset_index(drop=True)
    again = _marked(shuffled).set_index(S.PASSAGE_ID)[S.CAMPAIGN_ID]
    pd.testing.assert_series_equal(first.sort_index(), again.sort_index())


def _notes(files: list[str], kind: str = "workshop") -> pd.DataFrame:
    p = campaign_passages(campaign_answers().head(len(files)))
    p[S.TEXT] = [PARAGRAPH + (" Thank you." if i % 2 else "") for i in range(len(files))]
    p[S.SOURCE_KIND], p[S.SOURCE_FILE] = kind, files
    p[S.QUESTION], p[S.RESPONDENT_ID] = None, None
    return p


def test_notes_group_across_files_not_within_one():
    across = _marked(_notes(["workshops/a.md", "workshops/b.md"]))
    assert across[S.CAMPAIGN_ID].nunique() == 1 and (across[S.CAMPAIGN_SIZE] == 2).all()
    within = _marked(_notes(["workshops/a.md", "workshops/a.md"]))
    assert (within[S.CAMPAIGN_ID] == "").all()  # one rapporteur repeating a point


def test_transcript_turns_and_short_answers_are_never_grouped():
    turns = _marked(_notes(["transcripts/a.vtt", "transcripts/b.vtt"], kind="transcript"))
    assert (turns[S.CAMPAIGN_ID] == "").all()
    short = campaign_passages(campaign_answers().head(3))
    short[S.QUESTION] = "Q"
    short[S.TEXT] = "More buses between the border towns please"  # 7 words, below 10
    assert (_marked(short)[S.CAMPAIGN_SIZE] == 0).all()


def test_a_round_and_a_table_of_passages_get_their_campaigns():
    rows = ["Country,Which issues should the plan address?"]
    rows += [f'{c},"{t}"' for c, t in [("PH", PARAGRAPH), ("VN", "Hello. " + PARAGRAPH),
                                      ("TH", PARAGRAPH + " Regards, Lan"), ("MY", "Ports.")]]  # fmt: skip
    data = ("\n".join(rows) + "\n").encode()
    ing = ingest_round([RawFile("surveys/s.csv", data, "")], "r1")
    assert ing.passages[S.CAMPAIGN_SIZE].tolist() == [3, 3, 3, 0]
    assert ing.passages[S.DUPLICATE_OF].notna().sum() == 0  # no exact copy among them
    res = prepare_passages(ing.passages.drop(columns=S.CAMPAIGN_COLUMNS), ConsultConfig())
    assert res.table[S.CAMPAIGN_SIZE].tolist() == [3, 3, 3, 0]
    assert res.table[S.CAMPAIGN_ID].tolist()[:3] == ing.passages[S.CAMPAIGN_ID].tolist()[:3]
