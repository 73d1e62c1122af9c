import dataclasses

import numpy as np
import pandas as pd
import pytest

from consult import schema
from consult.config import EmbeddingConfig, TaggingConfig
from consult.embedding.embed import EmbeddingCache, HashingEmbedder
from consult.tagging.codebook import load_codebook, parse_codebook
from consult.tagging.keywords import keyword_hits, keyword_matches
from consult.tagging.prototypes import build_prototypes, description_phrases
from consult.tagging.tag import calibrated, tag_passages
from consult.text.lemmas import lemmas

CODEBOOK = """
name: Test plan
priorities:
  - id: T
    label: Transport
    description: Transport links, including roads, railways, bridges, ports and trucks.
    keywords: [bridge, railway line]
  - id: D
    label: Digital
    description: Digital connectivity, including internet, broadband, data and cybersecurity.
  - id: F
    label: Finance
    description: Financing, including bonds, investment, banks, loans and funding.
"""

TEXTS = [
    "we need more roads railways and bridges to move trucks",
    "broadband internet and data cybersecurity for everyone",
    "green bonds investment and bank loans for funding",
    "roads and ports and trucks",
    "internet broadband data",
    "loans funding banks bonds",
    "the cat sat on the mat yesterday afternoon quietly",
]


@pytest.fixture(scope="module")
def cb():
    return parse_codebook(CODEBOOK)


def _tag(texts, cb, cfg=None, labelled=None, emb=None):
    emb = emb or HashingEmbedder(512)
    return tag_passages(texts, emb.encode(texts), cb, emb, cfg or TaggingConfig(), labelled)


def test_shape_columns_and_ranges(cb):
    r = _tag(TEXTS, cb)
    assert list(r.tags.columns) == [
        schema.PRIORITIES,
        schema.CONFIDENCE,
        schema.TAG_STATUS,
        schema.COVERAGE,
    ]
    assert r.tags[schema.COVERAGE].between(-1, 1).all()
    assert list(r.scores.columns) == [schema.score_column(i) for i in ("T", "D", "F")]
    assert len(r.tags) == len(r.scores) == len(TEXTS)
    assert r.tags[schema.TAG_STATUS].isin(schema.TAG_STATUSES).all()
    assert r.tags[schema.CONFIDENCE].between(0, 1).all()
    assert ((r.scores >= 0) & (r.scores <= 1)).all().all()


def test_result_is_frozen_and_its_tags_hold_their_declared_types(cb):
    r = _tag(TEXTS, cb)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.tags = r.tags.head(1)  # type: ignore[misc]
    for res in (r, _tag([], cb)):
        checked = schema.validate_passages(res.tags, "tag", required=schema.TAG_COLUMNS)
        for col in schema.TAG_COLUMNS:  # nothing to coerce: the table is returned as it is
            assert checked[col].dtype == res.tags[col].dtype, col
            pd.testing.assert_series_equal(checked[col], res.tags[col])


def test_obvious_passages_get_their_priority_and_unrelated_gets_none(cb):
    r = _tag(TEXTS, cb)
    tops = [p.split(";")[0] for p in r.tags[schema.PRIORITIES]]
    assert tops[:6] == ["T", "D", "F", "T", "D", "F"]
    assert r.tags[schema.PRIORITIES].iloc[6] == ""
    assert r.tags[schema.TAG_STATUS].iloc[6] in ("no-fit", "uncertain")
    # few priorities per text: precision matters
    assert all(len(p.split(";")) == 1 for p in r.tags[schema.PRIORITIES].iloc[:6])


def test_priorities_are_ordered_by_score(cb):
    r = _tag(
        TEXTS + ["roads railways bridges internet broadband data"],
        cb,
        TaggingConfig(relative_threshold=0.05),
    )
    row = r.tags.iloc[-1]
    ids = row[schema.PRIORITIES].split(";")
    scores = [r.scores.iloc[-1][schema.score_column(i)] for i in ids]
    assert set(ids[:2]) == {"T", "D"} and scores == sorted(scores, reverse=True)
    # confidence is the chance the first priority is right, not how surely something fits
    assert 0.0 < row[schema.CONFIDENCE] <= scores[0]


def test_confidence_is_calibrated_from_the_first_priority_share():
    assert calibrated(0.5) < calibrated(0.8) < calibrated(0.99) < 1.0
    assert calibrated(0.99) == pytest.approx(0.89, abs=0.01)  # a near-certain softmax is not 99 %


def test_confidence_follows_how_much_the_first_priority_was_taught():
    # a head taught by many decisions sharpens the shares more than it makes them right
    few, many = calibrated(0.95, "single", 0.3), calibrated(0.95, "single", 0.85)
    assert many < few
    assert calibrated(0.5, "zero-shot", 0.9) == calibrated(0.5, "zero-shot")  # no head, no g


def test_deterministic(cb):
    a, b = _tag(TEXTS, cb), _tag(list(TEXTS), cb)
    pd.testing.assert_frame_equal(a.tags, b.tags)
    pd.testing.assert_frame_equal(a.scores, b.scores)


def test_empty_and_mismatched_input(cb):
    r = _tag([], cb)
    assert len(r.tags) == 0 and list(r.scores.columns) == ["score:T", "score:D", "score:F"]
    with pytest.raises(ValueError, match="one row per text"):
        tag_passages(["a"], np.zeros((2, 8), np.float32), cb, HashingEmbedder(8), TaggingConfig())


def test_lemmas_and_keyword_matching(cb):
    # one rule with theme keywords: "-ing" words and the plurals of KEEP stay as written
    assert lemmas(["Countries are building Bridges."]) == [["country", "be", "building", "bridge"]]
    assert lemmas(["Customs train trains, training"]) == [["customs", "train", "train", "training"]]
    found = keyword_matches(["They rebuilt two bridges near the railway lines", "railway"], cb)
    assert found[0] == {0: ["bridge", "railway line"]}
    assert found[1] == {}  # a multi-word keyword needs all its words in order
    hits = keyword_hits(["bridges", "nothing"], cb)
    assert hits.tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]


def test_keywords_help_when_text_has_no_description_words():
    plain = parse_codebook("- {id: A, label: Alpha}\n- {id: B, label: Beta}\n")
    with_kw = parse_codebook(
        "- {id: A, label: Alpha, keywords: [apple, pear]}\n"
        "- {id: B, label: Beta, keywords: [engine, piston]}\n"
    )
    texts = ["apples and pears are ripe", "the engines need new pistons", "pears", "an engine"]
    before = _tag(texts, plain).tags[schema.PRIORITIES]
    after = _tag(texts, with_kw).tags[schema.PRIORITIES]
    assert list(after) == ["A", "B", "A", "B"]
    assert (before == after).sum() < 4


def test_reviewer_confirmed_tags_improve_tagging():
    vague = parse_codebook("- {id: A, label: Alpha}\n- {id: B, label: Beta}\n")
    labelled = pd.DataFrame(
        {
            "text": ["apples pears fruit orchard", "engines pistons motor garage", "weather chat"],
            schema.PRIORITIES: ["alpha", "B", ""],  # labels and ids both resolve; "" = no priority
        }
    )
    texts = [
        "fruit from the orchard: apples",
        "motor engines in the garage",
        "pears and apples",
        "pistons for the motor",
    ]
    zero = _tag(texts, vague).tags[schema.PRIORITIES].tolist()
    taught = _tag(texts, vague, labelled=labelled).tags[schema.PRIORITIES].tolist()
    assert [t.split(";")[0] for t in taught] == ["A", "B", "A", "B"]
    assert zero != taught


def test_codebook_texts_are_embedded_through_the_cache(tmp_path, cb):
    class Counting(HashingEmbedder):
        calls = 0

        def encode(self, texts):
            Counting.calls += len(texts)
            return super().encode(texts)

    emb, cache = Counting(64), EmbeddingCache(tmp_path)
    build_prototypes(cb, emb, TaggingConfig(), cache=cache)
    first = Counting.calls
    build_prototypes(cb, emb, TaggingConfig(), cache=cache)
    assert first > 0 and Counting.calls == first


def test_description_phrases_split_lists():
    ph = description_phrases("Health", "Health care, including insurance, hospitals and drugs.")
    assert ph[0] == "Health" and "insurance" in ph and "hospitals and drugs" in ph


def test_tagging_2000_passages_with_keywords_and_lemmas():
    """Every passage gets a row; the speed (target over 1,000 passages/s) is measured in
    benchmarks/bench_guards.py."""
    cb = load_codebook(None)  # 12 priorities with keywords: the lemma matcher runs too
    rng = np.random.default_rng(0)
    words = (
        "the region needs better roads ports broadband financing for small firms and "
        "training for officials while customs procedures remain slow and costly".split()
    )
    texts = [" ".join(rng.choice(words, 60)) for _ in range(2000)]
    emb = HashingEmbedder(384)
    vecs = rng.normal(size=(2000, 384)).astype(np.float32)
    protos = build_prototypes(cb, emb, TaggingConfig())
    lemmas(["warm up"])
    r = tag_passages(texts, vecs, cb, emb, TaggingConfig(), prototypes=protos)
    assert len(r.tags) == len(r.scores) == 2000
    assert ((r.scores >= 0) & (r.scores <= 1)).all().all()


@pytest.mark.slow
def test_real_model_tags_obvious_asean_passages(tmp_path):
    from consult.embedding.embed import load_embedder

    emb = load_embedder(EmbeddingConfig(device="cpu"))
    cb = load_codebook(None)
    texts = [
        "Customs clearance at land borders takes days; harmonised procedures would speed up trucks.",
        "Affordable broadband in rural villages is essential for the digital economy.",
        "Green bonds and public-private partnerships could fund new railways.",
        "Students should be able to study in another ASEAN country without visa hassles.",
        "Our city struggles with traffic congestion and solid waste management.",
        "I enjoyed the coffee break and the lunch was good.",
    ]
    cache = EmbeddingCache(tmp_path)
    vecs, _ = cache.embed(texts, emb)
    r = tag_passages(texts, vecs, cb, emb, TaggingConfig(), cache=cache)
    tags = r.tags[schema.PRIORITIES].tolist()
    assert tags[0].split(";")[0] == "SA4"
    assert tags[1].split(";")[0] in ("SA3", "CC6")
    assert "CC2" in tags[2].split(";")
    assert tags[3].split(";")[0] == "SA6"
    assert tags[4].split(";")[0] == "SA2"
    assert r.tags[schema.TAG_STATUS].iloc[5] != "tagged" or tags[5] == ""
