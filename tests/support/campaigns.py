"""The campaign fixture (`tests/fixtures/campaigns/answers.csv`): three campaigns (English, two
questions; Thai), their exact copies and light edits, heavy edits and unrelated answers, each row
naming the campaign it belongs to ("" when none) and the edit it is."""

from __future__ import annotations

import pandas as pd

from consult import schema
from tests.support.paths import FIXTURES

ANSWERS = FIXTURES / "campaigns" / "answers.csv"


def campaign_answers() -> pd.DataFrame:
    """The fixture as written: campaign, edit, question, country, stakeholder_group, text."""
    return pd.read_csv(ANSWERS, dtype=str, keep_default_na=False)


def campaign_passages(answers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The fixture as survey passages, one respondent per answer (passage table columns)."""
    a = campaign_answers() if answers is None else answers
    n = len(a)
    return pd.DataFrame(
        {
            schema.PASSAGE_ID: [f"p{i:016x}" for i in range(n)],
            schema.ROUND: "r1",
            schema.SOURCE_KIND: "survey",
            schema.SOURCE_FILE: "surveys/campaign-form.csv",
            schema.LOCATION: [f"row {i + 2} column 'Q'" for i in range(n)],
            schema.RESPONDENT_ID: [f"R{i}" for i in range(n)],
            schema.SPEAKER: None,
            schema.SPEAKER_ROLE: "respondent",
            schema.QUESTION: a["question"].tolist(),
            schema.SECTION: None,
            schema.COUNTRY: a["country"].tolist(),
            schema.STAKEHOLDER_GROUP: a["stakeholder_group"].tolist(),
            schema.EVENT: None,
            schema.DATE: None,
            schema.ATTRIBUTES: "{}",
            schema.TEXT: a["text"].tolist(),
            schema.LANGUAGE: None,
            schema.N_WORDS: [len(t.split()) for t in a["text"]],
            schema.IS_STAKEHOLDER_INPUT: True,
            schema.DUPLICATE_OF: None,
            schema.FILE_SHA256: "0" * 64,
        }
    )
