"""The passage table and its companions, defined once.

Every stage reads and writes these column names; nothing else in the code base spells them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# ---- passage table -------------------------------------------------------------------------
PASSAGE_ID = "passage_id"  # stable: derived from file content hash + location (see ids.passage_id)
ROUND = "round"
SOURCE_KIND = "source_kind"  # one of SOURCE_KINDS
SOURCE_FILE = "source_file"  # path relative to the round folder, POSIX separators
LOCATION = "location"  # human-readable place in the file: "sheet 'Form1' row 12 column 'Q3'", ...
RESPONDENT_ID = "respondent_id"  # survey respondent (pseudonymous id, never a name or e-mail)
SPEAKER = "speaker"  # pseudonym of the speaker ("Participant 3", "Facilitator 1") or None
SPEAKER_ROLE = "speaker_role"  # "respondent", "participant", "facilitator", "note"
QUESTION = "question"  # survey question text
SECTION = "section"  # heading path in notes/transcripts ("Breakout A > Digital")
COUNTRY = "country"  # ISO 3166 alpha-3 for ASEAN Member States, else as given
STAKEHOLDER_GROUP = "stakeholder_group"
EVENT = "event"
DATE = "date"
ATTRIBUTES = "attributes"  # JSON object (str) of other respondent / file attributes
TEXT = "text"  # verbatim from the source after redaction
LANGUAGE = "language"
N_WORDS = "n_words"
IS_STAKEHOLDER_INPUT = "is_stakeholder_input"  # False for facilitator turns
DUPLICATE_OF = "duplicate_of"  # passage_id of first identical answer (campaign responses), else None
FILE_SHA256 = "file_sha256"

PASSAGE_COLUMNS = [
    PASSAGE_ID, ROUND, SOURCE_KIND, SOURCE_FILE, LOCATION, RESPONDENT_ID, SPEAKER, SPEAKER_ROLE,
    QUESTION, SECTION, COUNTRY, STAKEHOLDER_GROUP, EVENT, DATE, ATTRIBUTES, TEXT, LANGUAGE, N_WORDS,
    IS_STAKEHOLDER_INPUT, DUPLICATE_OF, FILE_SHA256,
]

SOURCE_KINDS = ("survey", "workshop", "transcript")

# ---- embedding (added to the passage table by the embed stage) -------------------------------
EMBEDDING_MODEL = "embedding_model"  # name of the model whose vectors tagged this passage
# bool: that model was trained on the passage's language; False for `und` and languages no
# configured model covers (the passage is still embedded with the multilingual model, and listed
# on Data quality)
LANGUAGE_SUPPORTED = "language_supported"

# ---- tagging (added to the passage table by the tag stage) ---------------------------------
PRIORITIES = "priorities"  # assigned priority ids joined by ";", most confident first
CONFIDENCE = "confidence"  # confidence of the top priority (or of no-fit), in [0, 1]
TAG_STATUS = "tag_status"  # one of TAG_STATUSES
TAG_STATUSES = ("tagged", "uncertain", "no-fit")
# cosine similarity of the passage to its closest priority (label + description), before any
# batch centring: low values mean the codebook barely speaks to the passage at all
COVERAGE = "codebook_similarity"
SCORE_PREFIX = "score:"  # one column per priority in score tables: "score:SA1"

# ---- themes (added to the passage table by the topics stage) -------------------------------
THEME_ID = "theme_id"  # int; -1 only if a passage could not be placed
THEME_LABEL = "theme_label"

# ---- reviewer decisions ----------------------------------------------------------------------
REVIEWER_PRIORITIES = "reviewer_priorities"
REVIEWER_NOTE = "reviewer_note"
FINAL_PRIORITIES = "final_priorities"  # reviewer decision when present, else model priorities
FINAL_SOURCE = "final_source"  # "reviewer" or "model"

# ---- theme table -----------------------------------------------------------------------------
THEME_KEYWORDS = "keywords"  # str, comma separated
THEME_SIZE = "size"
THEME_PRIORITIES = "linked_priorities"  # ";"-joined ids, "" when emerging
THEME_EMERGING = "emerging"  # bool
THEME_NEAREST = "nearest_priorities"  # ";"-joined ids the theme is closest to, even if emerging
THEME_LANGUAGES = "languages"  # str: the languages of its passages, most first ("en 12, th 5")
THEME_QUOTES = "quotes"  # list[int] of row positions into the passage table, most representative first

# ---- rejected items --------------------------------------------------------------------------
REASON = "reason"  # what a facilitator can act on
STAGE = "stage"  # stage that rejected it: "ingest", "prepare", ...
REJECTED_COLUMNS = [ROUND, SOURCE_KIND, SOURCE_FILE, LOCATION, REASON, STAGE]

# ---- per-file accounting -----------------------------------------------------------------------
FILE_STATUS = "status"  # "read", "rejected", "duplicate-file"
DETECTED = "detected"  # JSON (str): vendor layout, encoding, delimiter, free-text columns, mapping
UNITS = "units"
N_PASSAGES = "passages"
N_REJECTED = "rejected"
SIZE_BYTES = "size_bytes"
FILE_COLUMNS = [
    ROUND, SOURCE_FILE, SOURCE_KIND, FILE_STATUS, UNITS, N_PASSAGES, N_REJECTED, REASON, DETECTED,
    FILE_SHA256, SIZE_BYTES,
]


def empty_passages() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in PASSAGE_COLUMNS})


def empty_rejected() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in REJECTED_COLUMNS})


def score_column(priority_id: str) -> str:
    return f"{SCORE_PREFIX}{priority_id}"


@dataclass
class RawFile:
    """One uploaded file, read by the I/O edge so stages never touch paths.

    `relpath` is relative to the round folder with POSIX separators ("surveys/x.csv").
    """

    relpath: str
    data: bytes
    sha256: str = ""


@dataclass
class StageResult:
    """What every stage returns: its table plus what it could not use, with reasons."""

    table: pd.DataFrame
    rejected: pd.DataFrame = field(default_factory=empty_rejected)
