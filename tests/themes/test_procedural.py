"""Themes are fitted on passages with substance: procedural turns ("Thank you, Chair") do not
make a theme of their own, keep their row, and are marked procedural or placed in a theme they fit.
Pseudonyms, placeholders and speaker roles never reach theme keywords or labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from consult import schema
from consult.config import TopicsConfig
from consult.ingest.speakers import ASEAN_FACILITATOR_ROLES, PSEUDONYM_WORDS
from consult.privacy.redact import KIND_OF_TAG
from consult.text.words import keyword_docs
from consult.themes.procedural import (
    EXAMPLES,
    PROCEDURAL_LABEL,
    content_words,
    example_similarity,
    place_if_fitting,
    procedural_mask,
)
from consult.themes.topics import _procedural, discover_themes
from consult.themes.vocabulary import default_roles, never_keywords, scrub
from tests.support.paths import FIXTURES
from tests.themes.test_topics import embed, make_round

PROCEDURAL = [
    "Thank you, Chair.",
    "Okay, thank you for that.",
    "Next slide, please.",
    "Can everyone hear me?",
    "Thank you very much, Participant 3.",
    "We will now go to Participant 4.",
    "Yes, okay, thank you.",
    "Sorry, you are on mute.",
]


def _meeting(repeats: int = 3) -> tuple[list[str], int]:
    """Three clear topics (45 passages) with procedural turns between them, as in a transcript."""
    texts, _ = make_round(15)
    return texts + PROCEDURAL * repeats, len(texts)


def _words(themes: pd.DataFrame) -> set[str]:
    words = {w for kws in themes[schema.THEME_KEYWORDS] for k in kws.split(", ") for w in k.split()}
    return words | {
        w.strip(",()").lower() for lab in themes[schema.THEME_LABEL] for w in lab.split()
    }


def test_procedural_turns_make_no_theme_and_keep_their_rows():
    texts, n_sub = _meeting()
    X, examples = embed(texts), embed(list(EXAMPLES))
    proc_words = {"thank", "slide", "mute", "hear", "sorry", "chair"}

    before = discover_themes(texts, X, None, None, TopicsConfig(procedural=False))
    ids = before.assignments[schema.THEME_ID].to_numpy()
    # without the handling the procedural turns gather in themes of their own
    assert set(ids[n_sub:]).isdisjoint(ids[:n_sub])

    res = discover_themes(texts, X, None, None, TopicsConfig(), procedural_examples=examples)
    a = res.assignments
    assert len(a) == len(texts)  # nothing dropped
    ids = a[schema.THEME_ID].to_numpy()
    proc_ids = ids[n_sub:]
    assert ((proc_ids == schema.PROCEDURAL_THEME_ID) | np.isin(proc_ids, ids[:n_sub])).all()
    assert (ids[:n_sub] >= 0).all()
    marked = a[schema.THEME_ID] == schema.PROCEDURAL_THEME_ID
    assert (a.loc[marked, schema.THEME_LABEL] == PROCEDURAL_LABEL).all()
    assert marked.sum() >= len(PROCEDURAL)
    assert res.info["fitted_on"] == n_sub
    assert res.info["procedural"] == len(texts) - n_sub
    # themes are the three topics: no theme is mostly procedural turns, none is worded by them
    for t in res.themes[schema.THEME_ID]:
        assert (ids[n_sub:] == t).sum() < (ids[:n_sub] == t).sum()
    assert not _words(res.themes) & proc_words
    # sizes count the stakeholder passages in each theme; the procedural ones stay outside
    assert res.themes[schema.THEME_SIZE].sum() + marked.sum() == len(texts)
    quoted = {q for qs in res.themes[schema.THEME_QUOTES] for q in qs}
    assert all(q < n_sub for q in quoted)


def test_without_examples_passages_without_content_words_are_still_set_aside():
    texts, n_sub = _meeting(repeats=2)
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig())
    docs = keyword_docs(scrub(texts))
    empty = content_words(docs) == 0
    assert empty[n_sub:].sum() >= 4  # "Thank you, Chair", "We will now go to Participant 4"
    ids = res.assignments[schema.THEME_ID].to_numpy()
    assert res.info["procedural"] == int(empty.sum())
    assert res.info["fitted_on"] == len(texts) - int(empty.sum())
    assert len(ids) == len(texts)


def test_facilitator_procedural_turns_are_marked_substantive_ones_placed():
    texts, n_sub = _meeting(repeats=1)
    texts = texts + ["Customs clearance, cargo freight, port warehouses and border logistics."]
    mask = np.array([True] * n_sub + [False] * (len(texts) - n_sub))
    X, examples = embed(texts), embed(list(EXAMPLES))
    res = discover_themes(
        texts, X, None, None, TopicsConfig(), fit_mask=mask, procedural_examples=examples
    )
    ids = res.assignments[schema.THEME_ID].to_numpy()
    assert ids[-1] >= 0  # a facilitator's substantive turn joins its topic
    assert (ids[n_sub:-1] == schema.PROCEDURAL_THEME_ID).sum() >= len(PROCEDURAL) - 2
    assert res.themes[schema.THEME_SIZE].sum() == n_sub  # sizes count stakeholder input only


def test_only_procedural_passages_give_no_theme():
    texts = PROCEDURAL[:5]
    res = discover_themes(
        texts, embed(texts), None, None, TopicsConfig(), procedural_examples=embed(list(EXAMPLES))
    )
    assert res.themes.empty
    assert (res.assignments[schema.THEME_ID] == schema.PROCEDURAL_THEME_ID).all()
    assert res.info["fitted_on"] == 0 and res.info["procedural"] == 5


def test_a_procedural_passage_joins_a_theme_only_when_it_fits_well():
    rng = np.random.default_rng(0)
    X = np.zeros((23, 4), np.float32)
    X[:10, 0], X[10:20, 1] = 1.0, 1.0  # two themes
    X[:20] += 0.1 * rng.normal(size=(20, 4)).astype(np.float32)
    X[20] = [1.0, 0.02, 0, 0]  # right in theme 0
    X[21] = [0.5, 0.5, 0.7, 0]  # between the themes, nearer nothing
    X[22] = [0.0, 1.0, 0, 0]  # in theme 1, but as close to the procedural examples
    theme_ids = np.array([0] * 10 + [1] * 10 + [-2] * 3)
    members = np.arange(20)
    rows = np.array([20, 21, 22])
    sim = np.array([0.0] * 22 + [1.0], np.float32)
    got = place_if_fitting(X, theme_ids, members, rows, 0.25, sim)
    assert got.tolist() == [0, -1, -1]
    assert place_if_fitting(X, theme_ids, members, rows, 0.25).tolist() == [0, -1, 1]
    assert place_if_fitting(X, theme_ids, members, np.zeros(0, int), 0.25).size == 0


def test_an_unsegmented_sentence_is_not_taken_for_an_empty_one():
    """Khmer is cut at spaces only, so a long sentence yields no countable word: it is not
    procedural for that (it was, on the sample round's Khmer survey answer)."""
    texts = [
        "នីតិវិធីគយនៅច្រកព្រំដែនប៉ោយប៉ែតនៅតែយឺត ហើយអ្នកជំនួញខ្នាតតូចត្រូវចំណាយប្រាក់ក្រៅផ្លូវការ។",
        "How many?",
        "Thank you.",
    ]
    docs = keyword_docs(scrub(texts), True, ["km", "en", "en"])
    n = content_words(docs)
    assert n.tolist() == [0, 0, 0]
    mask = procedural_mask(texts, n, np.zeros(3), 0.0, 0.55)
    assert mask.tolist() == [False, True, True]


def test_similarity_to_the_examples_is_relative_to_their_own_spread():
    E = np.eye(3, 5, dtype=np.float32)
    X = np.vstack([E.mean(axis=0), np.eye(5, dtype=np.float32)[4]])
    sim, scale = example_similarity(X, E)
    assert scale == pytest.approx(1 / np.sqrt(3), rel=1e-5)
    assert sim[0] == pytest.approx(1.0, rel=1e-5) and sim[1] == pytest.approx(0.0, abs=1e-6)
    assert example_similarity(X, None)[1] == 0.0


def test_switching_the_handling_off_fits_every_stakeholder_passage():
    texts, _ = _meeting(repeats=1)
    res = discover_themes(
        texts,
        embed(texts),
        None,
        None,
        TopicsConfig(procedural=False),
        procedural_examples=embed(list(EXAMPLES)),
    )
    assert res.info["fitted_on"] == len(texts) and res.info["procedural"] == 0
    assert (res.assignments[schema.THEME_ID] >= 0).all()


# ---- pseudonyms, placeholders and speaker roles ----------------------------------------------

ROLE_ROUND = [
    "Thank you, Chair. Participant 3 asked about customs clearance at the port.",
    "Chair, the cargo backlog at the border is the issue Participant 7 raised.",
    "Facilitator 1: freight and shipping containers wait for days at the port.",
    "Respondent R3f2a9c-12 says customs paperwork slows cargo; contact [email] or [phone].",
    "[name] from the ministry wants a single window for customs and freight.",
    "The moderator noted: warehouses and logistics at the port need investment.",
    "Participant 12 wants broadband, online payments and ecommerce platforms.",
    "Thank you, Moderator. Digital payments and internet access for small firms.",
    "Chairperson, fintech and cybersecurity rules must be harmonised, said Participant 9.",
    "[name 2] asked the chair about data flows, online platforms and broadband.",
    "Facilitator 2 summarised: internet, ecommerce and digital payments for the region.",
    "Respondent R1b2c3d-4 asks for broadband and mobile phone coverage for online services.",
]


def test_pseudonyms_placeholders_and_roles_never_reach_keywords_or_labels():
    texts = ROLE_ROUND * 3
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig(n_themes=2))
    words = _words(res.themes)
    banned = never_keywords() | {"moderator", "chairperson", "email", "name"}
    assert not words & banned, words & banned
    assert "phone" in " ".join(scrub(["mobile phone coverage"]))  # a content word stays
    assert {"customs", "broadband"} <= words


def test_scrub_takes_its_words_from_the_modules_that_write_them():
    text = " ".join(
        [w.capitalize() + " 4" for w in PSEUDONYM_WORDS]
        + sorted(KIND_OF_TAG)
        + list(default_roles())
        + list(ASEAN_FACILITATOR_ROLES)
    )
    assert scrub([text])[0].split() == []
    # configured roles replace the default ones; the region's roles and pseudonyms always go
    out = scrub(["Pengerusi Majlis and the Chair thanked Participant 2"], ["pengerusi majlis"])[0]
    assert out.split() == ["and", "the", "Chair", "thanked"]
    # whole phrases only: a Vietnamese role does not take a syllable out of another word
    assert scrub(["Cảm ơn chủ tọa. Chủ đề tiếp theo."])[0].split() == [
        "Cảm",
        "ơn",
        ".",
        "Chủ",
        "đề",
        "tiếp",
        "theo.",
    ]


# ---- across languages, with the real models --------------------------------------------------


@pytest.mark.slow
def test_procedural_phrases_are_found_in_the_regions_languages():
    """English examples, embedded in the shared space, find procedural turns in Indonesian,
    Vietnamese, Thai, Filipino, Khmer, Lao and Burmese; short substantive answers stay."""
    from consult.config import EmbeddingConfig
    from consult.embedding.embed import LazyEmbedder
    from consult.embedding.routing import embed_routed

    cfg = EmbeddingConfig()
    models: dict[str, LazyEmbedder] = {}

    def encode(texts: list[str], c: EmbeddingConfig) -> np.ndarray:
        return models.setdefault(c.model, LazyEmbedder(c)).encode(texts)

    examples = embed_routed(list(EXAMPLES), ["en"] * len(EXAMPLES), cfg, encode).vectors
    flagged = {}
    for name in ("procedural-multilingual.tsv", "topics-multilingual.tsv"):
        df = pd.read_csv(FIXTURES / name, sep="\t", dtype=str)
        texts, langs = df["text"].tolist(), df["language"].tolist()
        X = embed_routed(texts, langs, cfg, encode).vectors
        docs = keyword_docs(scrub(texts), True, langs)
        flagged[name] = _procedural(texts, docs, X, examples, TopicsConfig())[0]
    assert flagged["procedural-multilingual.tsv"].mean() >= 0.9
    assert flagged["topics-multilingual.tsv"].mean() == 0.0
