"""Languages in the workbook: which languages a round holds, which model tagged each, and which
passages no model was trained on (their tags are less reliable, so a reviewer must see them).

The language columns may be missing in older runs: no language column means no language table;
no `language_supported` column means nothing is flagged (we claim nothing we were not told). The
other passage columns are there, as `schema.validate_passages` checked them.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from consult import schema
from consult.report import safe
from consult.report.counts import counted_mask, excerpt, group_values, per_value, text_of
from consult.text import languages

UND = languages.UNDETERMINED
RUN_INFO_KEY = "embedding models"  # run_info: {language code: model name}
SETTING = "embedding.language_models"  # where consult.toml names a model per language
EXCERPT_CHARS = 160
FALLBACK_MODEL = "the multilingual model"
LANGUAGE_HEADERS = [
    "Language",
    "Listed",
    "Counted (stakeholder input)",
    "Share of listed",
    "Model trained on it",
    "Embedding model",
]
# laid out like Data quality's "Rejected items" (file, kind, location, reason), to share widths
UNSUPPORTED_HEADERS = ["Source file", "Language", "Location", "What to do", "Excerpt", "Passage ID"]


def language_codes(passages: pd.DataFrame) -> pd.Series:
    """Each row's language code; `und` where missing or blank."""
    if schema.LANGUAGE not in passages.columns:
        return pd.Series(UND, index=passages.index, dtype=object)
    codes = per_value(passages[schema.LANGUAGE], lambda v: text_of(v).strip() or UND)
    return pd.Series(codes, index=passages.index, dtype=object)


def _flag(value: Any) -> bool | None:
    if safe.is_missing(value):
        return None
    if isinstance(value, str):
        return value.strip().casefold() not in {"false", "0", "no", "n", ""}
    return bool(value)


def unsupported_mask(passages: pd.DataFrame) -> pd.Series:
    """True where `language_supported` is explicitly false (absent or missing: not flagged)."""
    if schema.LANGUAGE_SUPPORTED not in passages.columns:
        return pd.Series(False, index=passages.index, dtype=bool)
    flags = per_value(passages[schema.LANGUAGE_SUPPORTED], lambda v: _flag(v) is False)
    return pd.Series(flags.astype(bool), index=passages.index)


def unsupported_count(passages: pd.DataFrame) -> int:
    return int(unsupported_mask(passages).sum())


def unsupported_fact(passages: pd.DataFrame) -> int | str:
    """The Overview's count, or why there is none (older runs do not record support)."""
    if schema.LANGUAGE_SUPPORTED not in passages.columns:
        return "not recorded by this run"
    return unsupported_count(passages)


def run_info_models(run_info: dict[str, Any] | None) -> dict[str, str]:
    """{language code: model} from run info (a dict, or its JSON text)."""
    value = (run_info or {}).get(RUN_INFO_KEY)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if not safe.is_missing(v)}


def _models(passages: pd.DataFrame, codes: pd.Series, run_info: dict | None) -> pd.Series:
    """The model that tagged each row: its own column, else run info's model for its language."""
    by_code = run_info_models(run_info)
    own = (
        passages[schema.EMBEDDING_MODEL].map(lambda v: text_of(v).strip())
        if schema.EMBEDDING_MODEL in passages.columns
        else pd.Series("", index=passages.index, dtype=object)
    )
    return pd.Series(
        [m or by_code.get(c, "") for m, c in zip(own, codes)], index=passages.index, dtype=object
    )


def _order(counts: pd.Series) -> list[str]:
    """Most passages first, `und` last."""
    return sorted(counts.index, key=lambda c: (c == UND, -counts[c], str(c)))


def _supported_cell(
    passages: pd.DataFrame, sel: pd.Series, code: str, models: list[str]
) -> str | None:
    """'yes', 'no' or 'partly (n of m)' from the stage's flags; else from the model's languages."""
    if schema.LANGUAGE_SUPPORTED in passages.columns:
        flags = [_flag(v) for v in passages.loc[sel, schema.LANGUAGE_SUPPORTED]]
        yes, no = flags.count(True), flags.count(False)
        if yes or no:
            return "yes" if not no else "no" if not yes else f"partly ({yes} of {yes + no})"
    if not models:
        return None
    return "yes" if all(languages.model_supports(m, code) for m in models) else "no"


def language_rows(passages: pd.DataFrame, run_info: dict | None = None) -> list[list[Any]]:
    """One row per language (LANGUAGE_HEADERS), most passages first."""
    codes = language_codes(passages)
    mask = counted_mask(passages)
    models = _models(passages, codes, run_info)
    n = len(passages)
    counts = codes.value_counts()
    rows = []
    for code in _order(counts):
        sel = codes == code
        used = models[sel]
        used = used[used != ""].value_counts()
        rows.append(
            [
                languages.name(code),
                int(sel.sum()),
                int((sel & mask).sum()),
                (sel.sum() / n) if n else 0.0,
                _supported_cell(passages, sel, code, list(used.index)),
                "; ".join(used.index) or None,
            ]
        )
    return rows


def write_language_section(
    ws, row: int, passages: pd.DataFrame, run_info: dict | None = None
) -> int:
    """The Overview's 'Passages by language'; returns the next free row."""
    row = safe.section(ws, row, "Passages by language")
    if schema.LANGUAGE not in passages.columns:
        safe.put(ws, row, 1, "The passages of this run carry no language.", font=safe.NOTE_FONT)
        return row + 2
    end = safe.table(
        ws, row, LANGUAGE_HEADERS, language_rows(passages, run_info), formats={3: "0.0%"}
    )
    bad = unsupported_count(passages)
    if bad:
        safe.put(
            ws,
            end,
            1,
            f"{bad:,} passages are in a language no configured embedding model "
            "was trained on: they were tagged with the multilingual model and their tags are "
            "less reliable. They are listed on 'Data quality'.",
            font=safe.NOTE_FONT,
        )
        end += 1
    return end + 1


def unsupported_message(code: str, model: str) -> str:
    """What a facilitator can do about a passage in a language no model covers."""
    if code == UND:
        return (
            f"Language could not be determined (text too short or mixed); processed with "
            f"{model}, so its tags are less reliable. Check them on 'Passages'."
        )
    return (
        f"Language {languages.name(code)} is not covered by any configured embedding model; "
        f"processed with {model}, so its tags are less reliable. Check them on 'Passages', "
        f"or name a model for '{code}' in {SETTING} in consult.toml."
    )


def unsupported_rows(passages: pd.DataFrame, run_info: dict | None = None) -> list[list[Any]]:
    """The Data quality listing (UNSUPPORTED_HEADERS) of passages no model was trained on."""
    bad = unsupported_mask(passages)
    if not bad.any():
        return []
    rows_df = passages[bad]
    codes = language_codes(rows_df)
    models = _models(rows_df, codes, run_info)
    rows = []
    for rec, code, model in zip(rows_df.to_dict("records"), codes, models):
        text, _ = excerpt(rec[schema.TEXT], EXCERPT_CHARS)
        rows.append(
            [
                rec.get(schema.SOURCE_FILE),
                code,
                rec.get(schema.LOCATION),
                unsupported_message(code, model or FALLBACK_MODEL),
                text,
                rec.get(schema.PASSAGE_ID),
            ]
        )
    return rows


def unsupported_empty_note(passages: pd.DataFrame) -> str:
    """What an empty listing means: all covered, or not recorded by this run."""
    if schema.LANGUAGE_SUPPORTED not in passages.columns:
        return "This run did not record which languages its embedding models were trained on."
    return "Every passage is in a language a configured embedding model was trained on."


def _share(part: int, total: int) -> str:
    pct = 100 * part / total
    return "<1%" if 0 < pct < 1 else f"{pct:.0f}%"


def languages_by_group(passages: pd.DataFrame, by: str, *, top: int = 3) -> dict[str, str]:
    """{group: 'Thai 80%, English 20%'} over counted passages (every campaign member too)."""
    rows = passages[counted_mask(passages)]
    groups = group_values(rows, by)
    codes = language_codes(rows)
    bad = unsupported_mask(rows)
    out = {}
    for group in groups.unique():
        sel = groups == group
        counts = codes[sel].value_counts()
        total = int(sel.sum())
        order = _order(counts)
        parts = [
            f"{languages.NAMES.get(c, c)} {_share(int(counts[c]), total)}" for c in order[:top]
        ]
        rest = int(sum(counts[c] for c in order[top:]))
        if rest:
            parts.append(f"other {_share(rest, total)}")
        text = ", ".join(parts)
        n_bad = int((sel & bad).sum())
        if n_bad:
            text += f"; {n_bad} in a language no model covers"
        out[str(group)] = text
    return out


def _theme_key(value: Any) -> str:
    text = text_of(value).strip()
    try:
        return str(int(float(text)))
    except ValueError:
        return text


def theme_languages(passages: pd.DataFrame) -> dict[str, str]:
    """{theme id: 'en 12, th 5'} from the passages, for theme tables without a languages column."""
    if schema.LANGUAGE not in passages.columns:
        return {}
    keys = passages[schema.THEME_ID].map(_theme_key)
    codes = language_codes(passages)
    out = {}
    for key in keys.unique():
        counts = codes[keys == key].value_counts()
        out[key] = ", ".join(f"{c} {int(counts[c])}" for c in _order(counts))
    return out


def theme_language_cell(rec: dict, computed: dict[str, str]) -> str | None:
    """The theme table's own `languages` value, else the one computed from the passages."""
    own = text_of(rec.get(schema.THEME_LANGUAGES)).strip()
    return own or computed.get(_theme_key(rec.get(schema.THEME_ID))) or None
