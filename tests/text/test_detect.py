"""Language per passage: scripts, py3langid, lingua for id vs ms, short texts, priors."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from consult.text.detect import detect_language, detect_languages, stop_words
from consult.text.languages import normalise_language

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "languages" / "passages.tsv"


def _fixture(kind: str) -> list[tuple[str, str]]:
    with FIXTURE.open(encoding="utf-8", newline="") as fh:
        return [
            (r["language"], r["text"])
            for r in csv.DictReader(fh, delimiter="\t")
            if r["kind"] == kind
        ]


@pytest.mark.parametrize(
    "value,code",
    [
        ("Thai", "th"),
        ("th", "th"),
        ("tha", "th"),
        ("tha_Thai", "th"),
        ("ภาษาไทย", "th"),
        ("Bahasa Indonesia", "id"),
        ("Indonesian", "id"),
        ("ind", "id"),
        ("Malay", "ms"),
        ("Bahasa Melayu", "ms"),
        ("zsm_Latn", "ms"),
        ("Filipino", "tl"),
        ("Tagalog", "tl"),
        ("fil", "tl"),
        ("Vietnamese", "vi"),
        ("Tiếng Việt", "vi"),
        ("Khmer", "km"),
        ("Lao", "lo"),
        ("Burmese", "my"),
        ("Myanmar", "my"),
        ("EN", "en"),
        ("en-GB", "en"),
        ("English (UK)", "en"),
        ("German", "de"),
        ("", None),
        ("und", None),
        ("Other", None),
        (None, None),
        (3, None),
    ],
)
def test_normalise_language(value, code):
    assert normalise_language(value) == code


@pytest.mark.parametrize(
    "text,lang",
    [
        ("ใช่", "th"),
        ("ລົດໄຟ", "lo"),
        ("ផ្លូវដែក", "km"),
        ("ရထားလမ်း", "my"),
        ("铁路连接很重要", "zh"),
        ("鉄道の接続が大切です", "ja"),
        ("철도 연결이 중요합니다", "ko"),
    ],
)
def test_one_language_scripts_need_no_model(text, lang):
    assert detect_language(text) == lang
    assert detect_language(text, prior="en") == lang  # a script beats any prior


def test_importing_loads_no_model():
    code = (
        "import sys, consult.text.detect; "
        "assert 'lingua' not in sys.modules and 'py3langid' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "text", ["no comment", "Yes", "ok", "OK", "N/A", "Good", "Not sure", "I agree", "None", "..."]
)
def test_short_english_is_und_or_en_never_a_wrong_guess(text):
    assert detect_language(text) in ("und", "en")


def test_short_text_takes_the_prior_when_it_fits():
    assert detect_language("Yes", prior="Thai") == "th"  # nothing to go on: the prior
    assert detect_language("Not sure", prior="en") == "en"
    assert detect_language("Not sure", prior="th") == "und"  # Latin words are not Thai
    assert detect_language("Bitte mehr Züge", prior="de") == "de"


def test_a_sure_guess_beats_the_prior():
    text = "Cheaper mobile data and better rural broadband would help small traders sell online."
    assert detect_language(text, prior="Thai") == "en"
    assert detect_languages([text, "OK"], priors=["vi", None]) == ["en", "und"]


def test_groups_give_short_passages_the_file_language():
    texts = [
        "Rail links between the ports and inland towns matter more than new highways.",
        "Customs clearance at the border takes far too long for small exporters.",
        "Not sure",
        "Yes",
    ]
    got = detect_languages(texts, groups=["a.csv"] * 4)
    assert got == ["en", "en", "en", "en"]
    assert (
        detect_languages(texts, priors=[None, None, None, "fil"], groups=["a.csv"] * 4)[3] == "tl"
    )  # a stated language comes before the file's


def test_stop_words_still_read_without_importing_spacy():
    assert "the" in stop_words("en")
    assert "dan" in stop_words("id")
    assert stop_words("xx-not-a-language") == frozenset()


def test_stop_words_do_not_import_their_language_package():
    import importlib
    import sys

    import spacy  # noqa: F401  (the flow has it imported by the time themes run)

    lang = "pt"
    if f"spacy.lang.{lang}" in sys.modules:
        pytest.skip("another test imported it already")
    stop_words.cache_clear()
    words = stop_words(lang)
    assert f"spacy.lang.{lang}" not in sys.modules  # its tokenizer exceptions took seconds
    imported = importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS
    assert words == frozenset(w.lower() for w in imported)


@pytest.mark.slow  # loads lingua's Indonesian and Malay models
def test_fixture_sentences_in_nine_languages():
    rows = _fixture("sentence")
    assert {lang for lang, _ in rows} == {"en", "id", "ms", "vi", "th", "km", "lo", "my", "tl"}
    assert detect_languages([t for _, t in rows]) == [lang for lang, _ in rows]


@pytest.mark.slow
def test_mixed_passages_get_their_dominant_language():
    rows = _fixture("mixed")
    assert detect_languages([t for _, t in rows]) == [lang for lang, _ in rows]


@pytest.mark.slow
def test_indonesian_vs_malay_and_the_prior_tips_a_close_call():
    assert (
        detect_language("Pemerintah perlu menurunkan biaya kendaraan dan tarif internet.") == "id"
    )
    assert (
        detect_language("Kerajaan perlu mengurangkan kos pengangkutan awam dan internet.") == "ms"
    )
    # the same words in both languages: undetermined alone, the file's language with a prior
    assert detect_language("Terima kasih") == "und"
    assert detect_language("Terima kasih", prior="Bahasa Melayu") == "ms"
    assert detect_language("Terima kasih", prior="Bahasa Indonesia") == "id"
    # a prior of the other language shifts a close call but not plain marker words
    assert (
        detect_language(
            "Kos pengangkutan awam terlalu mahal kerana kerajaan tidak membantu.", prior="id"
        )
        == "ms"
    )
    # an id/ms passage is never turned into English by a file prior
    assert detect_languages(["Tarif internet terlalu mahal.", "Yes"], priors=["en", "en"]) == [
        "und",
        "en",
    ]
