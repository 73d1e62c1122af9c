"""Themes over a round in several languages: topics, not languages, make the themes.

The fixture holds short answers on three topics in English, Indonesian, Vietnamese, Thai and
German, plus a fourth topic answered only in Thai. Embeddings are hand-made (topic one-hot plus
noise), standing in for a shared multilingual space, so the themes are known in advance and the
tests check the text side: words, stop words, labels, languages and quotes.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from consult import schema
from consult.config import TopicsConfig
from consult.text.detect import stop_words as spacy_stop_words
from consult.text.words import MAX_WORD, keyword_docs, stop_words_for
from consult.themes.labels import make_labels
from consult.themes.quotes import representative
from consult.themes.topics import discover_themes
from tests.support.paths import FIXTURES

FIXTURE = FIXTURES / "topics-multilingual.tsv"
GERMAN = {"der", "die", "das", "auf", "und", "den", "dem", "im", "für", "zu", "an"}
THAI = re.compile(r"[\u0e00-\u0e7f]")


@pytest.fixture(scope="module")
def round_() -> pd.DataFrame:
    return pd.read_csv(FIXTURE, sep="\t", dtype=str)


def _embed(topics: pd.Series, languages: pd.Series | None = None, seed: int = 0) -> np.ndarray:
    """Topic one-hot plus noise; Thai passages sit closest to their topic, English next."""
    rng = np.random.default_rng(seed)
    codes, _ = pd.factorize(topics)
    X = np.zeros((len(codes), 16), np.float32)
    X[np.arange(len(codes)), codes] = 1.0
    noise = np.full(len(codes), 0.15, np.float32)
    if languages is not None:
        noise[(languages == "th").to_numpy()] = 0.03
        noise[(languages == "en").to_numpy()] = 0.08
    return X + noise[:, None] * rng.normal(size=X.shape).astype(np.float32)


@pytest.fixture(scope="module")
def result(round_):
    return discover_themes(
        round_["text"].tolist(),
        _embed(round_["topic"], round_["language"]),
        None,
        None,
        TopicsConfig(n_themes=4, n_quotes=3),
        languages=round_["language"].tolist(),
    )


def _theme_of(result, round_, topic: str) -> int:
    ids = result.assignments[schema.THEME_ID].to_numpy()
    return int(np.bincount(ids[(round_["topic"] == topic).to_numpy()]).argmax())


def test_themes_follow_topics_and_hold_several_languages(result, round_):
    ids = result.assignments[schema.THEME_ID].to_numpy()
    assert len(result.themes) == 4
    for topic in round_["topic"].unique():
        assert len(set(ids[(round_["topic"] == topic).to_numpy()])) == 1  # one theme per topic
    for _, row in result.themes.iterrows():
        members = np.flatnonzero(ids == row[schema.THEME_ID])
        counts = Counter(round_["language"].iloc[members])
        expected = ", ".join(
            f"{g} {c}" for g, c in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
        )
        assert row[schema.THEME_LANGUAGES] == expected
    ports = result.themes.set_index(schema.THEME_ID).loc[_theme_of(result, round_, "ports")]
    assert ports[schema.THEME_LANGUAGES] == "de 4, en 4, id 4, th 4, vi 4"


def test_keywords_hold_no_stop_words_of_any_language(result):
    present = ["en", "id", "vi", "th", "de"]
    stops = set().union(
        *(spacy_stop_words(g) for g in ("id", "th", "de")), *(stop_words_for(g) for g in present)
    )
    vi_compounds = {w.replace("_", " ") for w in spacy_stop_words("vi") if "_" in w}
    for _, row in result.themes.iterrows():
        keywords = row[schema.THEME_KEYWORDS].split(", ")
        assert keywords and keywords != [""]
        for kw in keywords:
            assert not set(kw.split()) & stops, kw
            assert kw not in vi_compounds
            assert not set(kw.split()) & GERMAN
        label_words = set(row[schema.THEME_LABEL].lower().replace(",", " ").split())
        assert not label_words & GERMAN, row[schema.THEME_LABEL]


def test_labels_of_mixed_themes_use_english_keywords(result, round_):
    th = result.themes.set_index(schema.THEME_ID)
    for topic in ("ports", "digital", "students"):
        t = _theme_of(result, round_, topic)
        label = th.loc[t, schema.THEME_LABEL]
        assert not label.endswith(")") and label.isascii(), label
        english = keyword_docs(
            round_.loc[(round_["topic"] == topic) & (round_["language"] == "en"), "text"].tolist()
        )
        words = set(" ".join(english).split())
        assert set(label.lower().replace(",", "").replace(" and ", " ").split()) <= words, label


def test_an_all_thai_theme_gets_thai_words_label_and_quotes(result, round_):
    t = _theme_of(result, round_, "rice")
    row = result.themes.set_index(schema.THEME_ID).loc[t]
    assert row[schema.THEME_LANGUAGES] == "th 4"
    assert row[schema.THEME_LABEL].endswith(" (th)") and THAI.search(row[schema.THEME_LABEL])
    assert " and " not in row[schema.THEME_LABEL]
    keywords = row[schema.THEME_KEYWORDS].split(", ")
    assert "ชาวนา" in keywords or "ข้าว" in keywords  # words, not sentences or fragments
    assert all(len(w) <= MAX_WORD for kw in keywords for w in kw.split())
    quotes = row[schema.THEME_QUOTES]
    assert quotes and all(round_["language"].iloc[q] == "th" for q in quotes)
    assert all(round_["topic"].iloc[q] == "rice" for q in quotes)


def test_quotes_of_mixed_themes_lead_with_english_original_text(result, round_):
    # Thai passages are the most central here; English ones are close behind and lead.
    for topic in ("ports", "digital", "students"):
        t = _theme_of(result, round_, topic)
        quotes = result.themes.set_index(schema.THEME_ID).loc[t, schema.THEME_QUOTES]
        assert round_["language"].iloc[quotes[0]] == "en"


def test_without_languages_every_passage_counts_as_english(round_):
    en = round_[round_["language"] == "en"]
    res = discover_themes(
        en["text"].tolist(), _embed(en["topic"]), None, None, TopicsConfig(n_themes=3)
    )
    assert set(res.themes[schema.THEME_LANGUAGES]) == {"en 4"}


def test_german_stop_words_never_become_keywords_even_unlabelled_or_mislabelled():
    texts = [
        "Die Zollabfertigung an der Grenze dauert auf den Straßen zu lange.",
        "Der Zoll und die Grenze: auf die Fracht warten die Lastwagen.",
        "Customs at the border are slow for the trucks.",
    ]
    docs = keyword_docs(texts, languages=["de", "und", "en"])
    assert not set(" ".join(docs).split()) & GERMAN
    assert "zollabfertigung" in docs[0] and "zoll" in docs[1] and "customs" in docs[2]
    # a detector that knows no German calls it English or Tagalog: its stop words still go
    for wrong in ("en", "tl", "id"):
        docs = keyword_docs(texts, languages=[wrong, wrong, "en"])
        assert not set(" ".join(docs).split()) & GERMAN, wrong
    # ... while an English answer keeps words that are German stop words elsewhere
    assert (
        keyword_docs(["The trade war hit small firms hard."])[0] == "trade war hit small firm hard"
    )


def test_languages_must_align_with_texts(round_):
    with pytest.raises(ValueError, match="languages"):
        discover_themes(
            ["a b c", "d e f", "g h i"],
            np.eye(3, dtype=np.float32),
            None,
            None,
            TopicsConfig(),
            languages=["en"],
        )


def test_thai_and_lao_are_cut_into_words():
    docs = keyword_docs(
        ["การขนส่งสินค้าผ่านด่านศุลกากรควรรวดเร็วขึ้น และท่าเรือต้องทันสมัย", "ການຂົນສົ່ງສິນຄ້າຜ່ານດ່ານພາສີຄວນໄວຂຶ້ນ"],
        languages=["th", "lo"],
    )
    thai = docs[0].split()
    assert {"ศุลกากร", "ท่าเรือ"} <= set(thai)
    assert not {"การ", "และ", "ต้อง"} & set(thai)  # Thai stop words
    assert "ພາສີ" in docs[1].split()


def test_unsegmented_scripts_never_give_sentence_words(monkeypatch):
    from consult.text import words as topics_words

    monkeypatch.setattr(topics_words, "_segmenter", lambda lang: None)  # no pythainlp
    long_thai = "การขนส่งสินค้าผ่านด่านศุลกากรควรรวดเร็วขึ้น"
    docs = keyword_docs(
        [long_thai + " ท่าเรือ", "ជាមួយនឹង\u200bការ\u200bផ្លាស់ប្ដូរ\u200bល្បឿន សំខាន់", "မြန်မာနိုင်ငံ၏ ကုန်သွယ်ရေး"],
        languages=["th", "km", "my"],
    )
    assert docs[0] == "ท่าเรือ"  # the unsegmented clause is dropped, the short word kept
    assert "ល្បឿន" in docs[1].split() and "ការ" not in docs[1].split()
    assert all(len(w) <= MAX_WORD for d in docs for w in d.split())
    assert len(docs[2].split()) >= 3  # Burmese syllables


def test_thai_passage_labelled_english_is_routed_by_script():
    assert "ศุลกากร" in keyword_docs(["พิธีการศุลกากรที่ท่าเรือ"], languages=["en"])[0].split()
    assert "ศุลกากร" in keyword_docs(["พิธีการศุลกากรที่ท่าเรือ"])[0].split()


def test_vietnamese_keeps_two_syllable_words_whole():
    doc = keyword_docs(
        ["Chính phủ cần đầu tư vào an ninh và năng lượng tái tạo, có thể sớm."], languages=["vi"]
    )[0]
    assert doc == "chính phủ đầu tư an ninh năng lượng tái tạo sớm"  # "có thể" is a stop word


def test_labels_in_other_languages_are_marked_and_comma_joined():
    labels = make_labels({0: ["giao thông", "cửa khẩu"], 1: ["port", "customs"]}, {0: "vi", 1: ""})
    assert labels == {0: "Giao thông, cửa khẩu (vi)", 1: "Port and customs"}


def test_quotes_prefer_english_among_comparable_candidates():
    X = np.array([[1, 0], [0.9, 0.44], [1, 0.05], [0, 1], [0.1, 0.99]], np.float32)
    langs = ["th", "en", "th", "en", "th"]
    texts = [
        "ข้อความภาษาไทยที่ยาวพอสำหรับการอ้างอิงหนึ่ง",
        "An English answer long enough here.",
        "ข้อความภาษาไทยที่ยาวพอสำหรับการอ้างอิงสอง",
        "Another English answer, far away.",
        "ข้อความภาษาไทยที่ไกลออกไปจากกลุ่มนี้มาก",
    ]
    plain = representative(X[:3], {"g": [0, 1, 2]}, k=2, texts=texts[:3])
    liked = representative(
        X[:3], {"g": [0, 1, 2]}, k=2, texts=texts[:3], languages=langs[:3], prefer=("en",)
    )
    assert plain["g"][0] != 1 and liked["g"][0] == 1
    assert set(liked["g"]) <= {0, 1, 2}
    # outside the window of comparable candidates an English passage is not lifted
    far = representative(
        X, {"g": [0, 2, 3]}, k=1, texts=texts, languages=langs, prefer=("en",), prefer_window=1
    )
    assert far["g"] == [0] or far["g"] == [2]
    # a group with no English keeps its own order and still gets quotes
    thai = representative(X, {"g": [0, 2, 4]}, k=2, texts=texts, languages=langs, prefer=("en",))
    assert thai == representative(X, {"g": [0, 2, 4]}, k=2, texts=texts)
    assert len(thai["g"]) == 2


def test_thai_passages_are_not_taken_for_short_ones():
    X = np.array([[0.6, 0.8], [1, 0]], np.float32)  # equally central: row order would decide
    texts = ["Agree.", "การขนส่งสินค้าผ่านด่านศุลกากรควรรวดเร็วขึ้น"]
    assert representative(X, {"g": [0, 1]}, k=2, texts=texts)["g"] == [1, 0]


def test_a_vietnamese_theme_is_labelled_by_whole_two_syllable_words(round_):
    vi = round_[round_["language"] == "vi"]
    res = discover_themes(
        vi["text"].tolist(),
        _embed(vi["topic"]),
        None,
        None,
        TopicsConfig(n_themes=3),
        languages=vi["language"].tolist(),
    )
    ports = res.themes.set_index(schema.THEME_ID).loc[
        _theme_of(res, vi, "ports"), schema.THEME_LABEL
    ]
    assert ports.endswith(" (vi)") and "hải quan" in ports.lower()
    for label in res.themes[schema.THEME_LABEL]:
        terms = label[: -len(" (vi)")].lower().split(", ")
        assert all(len(term.split()) == 2 for term in terms), label  # no lone or glued syllables
