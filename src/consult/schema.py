"""The passage table and its companions, defined once.

Every stage reads and writes these column names; nothing else in the code base spells them.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
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
DUPLICATE_OF = "duplicate_of"  # passage_id of the first identical answer (campaigns), else None
FILE_SHA256 = "file_sha256"
# near-identical answers to one question from several people (ingest/campaigns.py): the same id
# for every member, "" otherwise; and the number of members, 0 otherwise
CAMPAIGN_ID = "campaign_id"
CAMPAIGN_SIZE = "campaign_size"
CAMPAIGN_COLUMNS = [CAMPAIGN_ID, CAMPAIGN_SIZE]

# fmt: off
PASSAGE_COLUMNS = [
    PASSAGE_ID, ROUND, SOURCE_KIND, SOURCE_FILE, LOCATION, RESPONDENT_ID, SPEAKER, SPEAKER_ROLE,
    QUESTION, SECTION, COUNTRY, STAKEHOLDER_GROUP, EVENT, DATE, ATTRIBUTES, TEXT, LANGUAGE, N_WORDS,
    IS_STAKEHOLDER_INPUT, DUPLICATE_OF, FILE_SHA256, CAMPAIGN_ID, CAMPAIGN_SIZE,
]
# fmt: on

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
THEME_ID = "theme_id"  # int; -1 only if a passage could not be placed, -2 procedural
# passages without substance ("Thank you, Chair") that fit no theme well (themes/procedural.py)
PROCEDURAL_THEME_ID = -2
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
THEME_QUOTES = "quotes"  # list[int]: row positions into the passage table, most typical first
THEME_SINCE = "since"  # str: the round a theme first appeared in (carried across compared rounds)

# ---- round comparison (outputs/<round>/round-comparison.csv, one row per priority) ------------
# shares in [0, 1] of each round's counted passages; change and its 95% interval in percentage
# points; `significant`: the interval excludes 0; `note`: codebook differences
# fmt: off
CMP_PRIORITY_ID, CMP_PRIORITY, CMP_NOTE = "priority_id", "priority", "note"
COUNT_BEFORE, SHARE_BEFORE = "count_before", "share_before"
COUNT_AFTER, SHARE_AFTER = "count_after", "share_after"
CHANGE_PP, CI_LOW_PP, CI_HIGH_PP = "change_pp", "ci_low_pp", "ci_high_pp"
SIGNIFICANT = "significant"
ROUND_BEFORE, ROUND_AFTER = "round_before", "round_after"
COMPARISON_COLUMNS = [
    CMP_PRIORITY_ID, CMP_PRIORITY, COUNT_BEFORE, SHARE_BEFORE, COUNT_AFTER, SHARE_AFTER,
    CHANGE_PP, CI_LOW_PP, CI_HIGH_PP, SIGNIFICANT, CMP_NOTE, ROUND_BEFORE, ROUND_AFTER,
]
# the comparison's tables by group (Member State, stakeholder group) and by theme
CMP_GROUP, N_BEFORE, N_AFTER, CMP_ENOUGH = "group", "n_before", "n_after", "enough"
THEME_STATUS, THEME_MATCHED, THEME_SIMILARITY = "status", "matched_id", "similarity"
THEME_WAS_LABEL, SIZE_BEFORE, SIZE_AFTER = "earlier_label", "size_before", "size_after"
# fmt: on

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
# fmt: off
FILE_COLUMNS = [
    ROUND, SOURCE_FILE, SOURCE_KIND, FILE_STATUS, UNITS, N_PASSAGES, N_REJECTED, REASON, DETECTED,
    FILE_SHA256, SIZE_BYTES,
]
# fmt: on


# ---- column types ------------------------------------------------------------------------------
# What each column holds, declared once. `validate_passages` holds a table to it at each stage
# boundary, so the stages after it read values instead of guarding each one.


@dataclass(frozen=True)
class ColumnType:
    """A column's dtype, and what a missing value in it means.

    `dtype` is what a coerced column becomes: "object" (text: str values; pandas' own string
    dtypes hold text too), "int64", "float64", "float32", "bool" or "boolean" (nullable).
    `nullable`: a missing value is a value ("not given", "not known") and stays missing.
    Otherwise a missing value becomes `fill`, or is an error when `fill` is None.
    """

    dtype: str
    nullable: bool = True
    fill: Any = None


_TEXT = ColumnType("object")  # missing means "not given"
_EMPTY = ColumnType("object", nullable=False, fill="")  # missing reads as "", as stages write it
_NEEDED = ColumnType("object", nullable=False)  # never missing: a passage cannot do without it

# fmt: off
PASSAGE_TYPES: dict[str, ColumnType] = {
    PASSAGE_ID: _NEEDED, ROUND: _TEXT, SOURCE_KIND: _TEXT, SOURCE_FILE: _EMPTY, LOCATION: _EMPTY,
    RESPONDENT_ID: _TEXT, SPEAKER: _TEXT, SPEAKER_ROLE: _TEXT, QUESTION: _TEXT, SECTION: _TEXT,
    COUNTRY: _TEXT, STAKEHOLDER_GROUP: _TEXT, EVENT: _TEXT, DATE: _TEXT, ATTRIBUTES: _TEXT,
    TEXT: _NEEDED, LANGUAGE: _TEXT,  # before prepare detects it, a language is only a prior
    N_WORDS: ColumnType("int64", nullable=False),
    IS_STAKEHOLDER_INPUT: ColumnType("bool", nullable=False, fill=True),  # missing: counted
    DUPLICATE_OF: _TEXT, FILE_SHA256: _TEXT,
    CAMPAIGN_ID: _EMPTY, CAMPAIGN_SIZE: ColumnType("int64", nullable=False, fill=0),
    EMBEDDING_MODEL: _TEXT,
    LANGUAGE_SUPPORTED: ColumnType("boolean"),  # missing: not known, so never flagged
    PRIORITIES: _EMPTY, CONFIDENCE: ColumnType("float64"), TAG_STATUS: _EMPTY,
    COVERAGE: ColumnType("float32"),  # as the tagger computes it: float64 would print longer
    THEME_ID: ColumnType("int64", nullable=False), THEME_LABEL: _EMPTY,
    REVIEWER_PRIORITIES: _EMPTY, REVIEWER_NOTE: _EMPTY, FINAL_PRIORITIES: _EMPTY,
    FINAL_SOURCE: _EMPTY,
}
# fmt: on
REJECTED_TYPES: dict[str, ColumnType] = {
    ROUND: _TEXT,
    SOURCE_KIND: _TEXT,
    SOURCE_FILE: _TEXT,
    LOCATION: _TEXT,
    REASON: _NEEDED,
    STAGE: _NEEDED,
}

# The columns each stage adds to the passage table, in pipeline order; a table after a stage has
# the columns of that stage and of every stage before it.
EMBEDDING_COLUMNS = [EMBEDDING_MODEL, LANGUAGE_SUPPORTED]
TAG_COLUMNS = [PRIORITIES, CONFIDENCE, TAG_STATUS, COVERAGE]
THEME_COLUMNS = [THEME_ID, THEME_LABEL]
REVIEW_COLUMNS = [REVIEWER_PRIORITIES, REVIEWER_NOTE, FINAL_PRIORITIES, FINAL_SOURCE]
STAGE_COLUMNS: dict[str, list[str]] = {
    "ingest": PASSAGE_COLUMNS,
    "prepare": PASSAGE_COLUMNS,
    "embed": PASSAGE_COLUMNS + EMBEDDING_COLUMNS,
    "tag": PASSAGE_COLUMNS + EMBEDDING_COLUMNS + TAG_COLUMNS,
    "themes": PASSAGE_COLUMNS + EMBEDDING_COLUMNS + TAG_COLUMNS + THEME_COLUMNS,
    "reviews": PASSAGE_COLUMNS + EMBEDDING_COLUMNS + TAG_COLUMNS + THEME_COLUMNS + REVIEW_COLUMNS,
}
_FALSE_WORDS = frozenset({"false", "0", "no", "n", ""})  # how the report always read a flag


def validate_passages(
    df: pd.DataFrame, stage: str = "ingest", required: Sequence[str] | None = None
) -> pd.DataFrame:
    """The passage table as the stages after `stage` may trust it.

    Checks that the `required` columns are present (default: STAGE_COLUMNS[stage]) and holds
    every column the schema knows to its ColumnType (PASSAGE_TYPES). A column whose values
    already are of its type is returned as it is, storage included: prepare writes `n_words` as
    object-of-int and the tagger `priorities` as pandas' string dtype, and converting either would
    change passages.parquet's bytes. A column holding anything else is converted to its declared
    dtype. A table without rows gets any missing required column, empty: nothing in it can be
    wrong. Other columns (scores, a caller's own) pass through; the column order is kept.
    Raises ValueError naming the stage and the column when a required column is missing or a
    value cannot be read as its column's type.
    """
    return _validate(df, stage, required, PASSAGE_TYPES, "passage table")


def validate_rejected(df: pd.DataFrame, stage: str = "ingest") -> pd.DataFrame:
    """The rejected table held to REJECTED_TYPES, as `validate_passages` holds passages."""
    return _validate(df, stage, REJECTED_COLUMNS, REJECTED_TYPES, "rejected table")


def _validate(
    df: pd.DataFrame,
    stage: str,
    required: Sequence[str] | None,
    types: Mapping[str, ColumnType],
    what: str,
) -> pd.DataFrame:
    if required is None:
        if stage not in STAGE_COLUMNS:
            raise ValueError(
                f"Unknown stage `{stage}` for the {what}: name one of "
                f"{', '.join(STAGE_COLUMNS)}, or pass the columns it needs as `required`."
            )
        required = STAGE_COLUMNS[stage]
    dup = sorted({str(c) for c in df.columns[df.columns.duplicated()] if c in types})
    if dup:
        raise ValueError(
            f"The {what} after stage `{stage}` has column(s) {', '.join(dup)} "
            "twice; a stage added a column the table already had."
        )
    out = df.copy(deep=False)
    missing = [c for c in required if c not in out.columns]
    if missing and len(out):
        raise ValueError(
            f"The {what} after stage `{stage}` lacks the column(s) {', '.join(missing)}; the "
            "stage that writes them did not run or dropped them."
        )
    for col in missing:  # no rows: an empty column of the declared type is all it can hold
        out[col] = pd.Series(
            dtype=_empty_dtype(types[col]) if col in types else "object", index=out.index
        )
    for col, ctype in types.items():
        if col in out.columns:
            fixed = _coerce(
                out[col],
                ctype,
                lambda row, value, kind, c=col: _bad(what, stage, c, row, value, kind),
            )
            if fixed is not None:
                out[col] = fixed
    return out


def _empty_dtype(ctype: ColumnType) -> str:
    return "object" if ctype.dtype == "object" else ctype.dtype


def _bad(what: str, stage: str, col: str, row: Any, value: Any, kind: str) -> ValueError:
    where = f"The {what} after stage `{stage}`, column `{col}`, row {row!r}"
    if value is None:
        return ValueError(f"{where}: the value is missing, and this column must hold {kind}.")
    return ValueError(f"{where}: {str(value)[:60]!r} cannot be read as {kind}.")


def _coerce(s: pd.Series, ctype: ColumnType, bad) -> pd.Series | None:
    """`s` held to `ctype`; None when it already is (and is then left untouched)."""
    na = s.isna().to_numpy(dtype=bool)
    if len(s) == 0 or (ctype.nullable and na.all()):  # nothing in it can be wrong
        return None
    if ctype.dtype == "object":
        return _coerce_text(s, na, ctype, bad)
    if ctype.dtype in ("int64", "float64", "float32"):
        return _coerce_number(s, na, ctype, bad)
    return _coerce_flag(s, na, ctype, bad)


def _fill(s: pd.Series, na: np.ndarray, ctype: ColumnType, bad, kind: str) -> None:
    """Raise for the first missing value of a column that cannot be missing and has no fill."""
    if na.any() and not ctype.nullable and ctype.fill is None:
        raise bad(s.index[int(np.argmax(na))], None, kind)


def _coerce_text(s: pd.Series, na: np.ndarray, ctype: ColumnType, bad) -> pd.Series | None:
    kind = "text"
    _fill(s, na, ctype, bad, kind)
    fill_na = na.any() and not ctype.nullable
    if isinstance(s.dtype, pd.StringDtype):
        return s.fillna(ctype.fill) if fill_na else None
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        if not fill_na:
            return None
        return s.where(~na, ctype.fill).astype(object)
    values = []
    for row, v, missing in zip(s.index, s.tolist(), na, strict=True):
        if missing:
            values.append(ctype.fill if fill_na else None)
        elif isinstance(v, str):
            values.append(v)
        elif isinstance(v, (numbers.Number, np.bool_, date)) and not isinstance(v, complex):
            values.append(str(v))
        else:
            raise bad(row, v, kind)
    return pd.Series(values, index=s.index, name=s.name, dtype=object)


def _coerce_number(s: pd.Series, na: np.ndarray, ctype: ColumnType, bad) -> pd.Series | None:
    whole = ctype.dtype == "int64"
    kind = "a whole number" if whole else "a number"
    _fill(s, na, ctype, bad, kind)
    if not pd.api.types.is_bool_dtype(s.dtype):
        if whole and pd.api.types.is_integer_dtype(s.dtype) and not na.any():
            return None
        if not whole and isinstance(s.dtype, np.dtype) and s.dtype.kind == "f":
            return None
        if (
            whole
            and s.dtype == object
            and not na.any()
            and pd.api.types.infer_dtype(s, skipna=False) == "integer"
        ):
            return None
    values = []
    for row, v, missing in zip(s.index, s.tolist(), na, strict=True):
        if missing:
            values.append(ctype.fill if ctype.fill is not None else np.nan)
            continue
        number = v
        if isinstance(v, str):
            try:
                number = float(v.strip()) if v.strip() else None
            except ValueError:
                number = None
        if isinstance(number, (bool, np.bool_)) or not isinstance(number, numbers.Real):
            raise bad(row, v, kind)
        if whole and not float(number).is_integer():
            raise bad(row, v, kind)
        values.append(int(float(number)) if whole else float(number))
    return pd.Series(values, index=s.index, name=s.name).astype(ctype.dtype)


def _flag(v: Any) -> bool | None:
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, str):
        return v.strip().casefold() not in _FALSE_WORDS
    if isinstance(v, numbers.Number) and not isinstance(v, complex):
        return bool(v)
    return None


def _coerce_flag(s: pd.Series, na: np.ndarray, ctype: ColumnType, bad) -> pd.Series | None:
    kind = "true or false"
    _fill(s, na, ctype, bad, kind)
    fill_na = na.any() and not ctype.nullable
    if not fill_na and (
        pd.api.types.is_bool_dtype(s.dtype)
        or (s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) == "boolean")
    ):
        return None
    values: list[bool | None] = []
    for row, v, missing in zip(s.index, s.tolist(), na, strict=True):
        if missing:
            values.append(ctype.fill if fill_na else None)
            continue
        flag = _flag(v)
        if flag is None:
            raise bad(row, v, kind)
        values.append(flag)
    dtype = "boolean" if any(v is None for v in values) else "bool"
    return pd.Series(values, index=s.index, name=s.name, dtype=dtype)


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
