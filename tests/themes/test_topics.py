from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from consult import schema
from consult.config import TopicsConfig
from consult.embedding.embed import HashingEmbedder
from consult.themes.clustering import KMeansClusterer, PCAReducer, auto_n_clusters
from consult.themes.labels import make_labels
from consult.themes.topics import discover_themes, link_priorities

TOPICS = {
    "logistics": [
        "port",
        "shipping",
        "customs",
        "cargo",
        "logistics",
        "freight",
        "border",
        "clearance",
        "warehouse",
        "container",
    ],
    "digital": [
        "broadband",
        "internet",
        "ecommerce",
        "cybersecurity",
        "fintech",
        "online",
        "data",
        "digital",
        "platform",
        "payments",
    ],
    "people": [
        "students",
        "scholarship",
        "tourism",
        "culture",
        "youth",
        "university",
        "exchange",
        "visa",
        "mobility",
        "heritage",
    ],
}


@dataclass
class Priority:
    id: str
    label: str
    description: str = ""


@dataclass
class Codebook:
    priorities: list[Priority]


CODEBOOK = Codebook(
    [
        Priority("SA4", "Seamless logistics"),
        Priority("SA3", "Digital innovation"),
        Priority("SA6", "People-to-people connectivity"),
    ]
)


def make_round(per_topic: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Texts of three clear topics (interleaved) and their true topic index."""
    rng = random.Random(seed)
    texts, truth = [], []
    names = list(TOPICS)
    for i in range(per_topic * len(names)):
        t = i % len(names)
        words = rng.sample(TOPICS[names[t]], 4)
        texts.append(f"We ask for better {words[0]} and {words[1]}, with {words[2]} {words[3]}.")
        truth.append(t)
    return texts, np.array(truth)


def embed(texts: list[str]) -> np.ndarray:
    return HashingEmbedder(256).encode(texts)


def purity(truth: np.ndarray, pred: np.ndarray) -> float:
    total = 0
    for c in np.unique(pred):
        total += np.bincount(truth[pred == c]).max()
    return total / len(truth)


def test_three_clear_topics_are_separated():
    texts, truth = make_round(20)
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig())
    pred = res.assignments[schema.THEME_ID].to_numpy()
    assert (pred >= 0).all()
    assert len(np.unique(pred)) >= 3
    assert purity(truth, pred) >= 0.9
    # every true topic is mostly in themes of its own
    assert purity(pred, truth) >= 0.6


def test_theme_table_schema_and_consistency():
    texts, _ = make_round(20)
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig(n_quotes=3))
    a, th = res.assignments, res.themes
    assert list(a.columns) == [schema.THEME_ID, schema.THEME_LABEL]
    assert len(a) == len(texts)
    assert {
        schema.THEME_ID,
        schema.THEME_LABEL,
        schema.THEME_KEYWORDS,
        schema.THEME_SIZE,
        schema.THEME_PRIORITIES,
        schema.THEME_EMERGING,
        schema.THEME_QUOTES,
    } <= set(th.columns)
    assert th[schema.THEME_ID].tolist() == list(range(len(th)))
    assert th[schema.THEME_SIZE].sum() == len(texts)
    assert th[schema.THEME_SIZE].is_monotonic_decreasing
    for _, row in th.iterrows():
        members = set(np.flatnonzero(a[schema.THEME_ID].to_numpy() == row[schema.THEME_ID]))
        assert 1 <= len(row[schema.THEME_QUOTES]) <= 3
        assert set(row[schema.THEME_QUOTES]) <= members
        label = row[schema.THEME_LABEL]
        assert label and "_" not in label and label[0].isupper()
        kws = row[schema.THEME_KEYWORDS].split(", ")
        assert kws and not {"we", "and", "with", "for"} & set(kws)
        # the label is built from the theme's own keywords
        assert any(w in label.lower() for w in kws[:4])
        assert (a.loc[list(members), schema.THEME_LABEL] == label).all()
    assert th[schema.THEME_LABEL].is_unique


def test_same_inputs_same_themes():
    texts, _ = make_round(25)
    X = embed(texts)
    r1 = discover_themes(texts, X, None, None, TopicsConfig(seed=7))
    r2 = discover_themes(texts, X, None, None, TopicsConfig(seed=7))
    pd.testing.assert_frame_equal(r1.assignments, r2.assignments)
    pd.testing.assert_frame_equal(r1.themes, r2.themes)


@pytest.mark.parametrize("n", [20, 50, 200])
def test_small_and_medium_rounds_do_not_collapse(n):
    texts, _ = make_round(n // 3 + 1, seed=n)
    texts = texts[:n]
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig())
    pred = res.assignments[schema.THEME_ID]
    assert (pred >= 0).all()
    assert pred.nunique() >= 2
    assert pred.value_counts().max() < n  # not one theme


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_tiny_rounds(n):
    texts = [
        "Customs clearance at the border is slow.",
        "Broadband in rural areas is poor.",
        "More scholarships for students.",
    ][:n]
    X = embed(texts) if n else np.zeros((0, 256), np.float32)
    res = discover_themes(texts, X, None, None, TopicsConfig())
    assert len(res.assignments) == n
    if n:
        assert (res.assignments[schema.THEME_ID] >= 0).all()
        assert res.themes[schema.THEME_SIZE].sum() == n
    else:
        assert res.themes.empty


def test_stop_word_only_texts_do_not_crash():
    texts = ["yes", "ok we will", "and the", "it is", "no no", "we do", "so be it", "the end"]
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig(procedural=False))
    assert (res.assignments[schema.THEME_ID] >= 0).all()
    assert res.themes[schema.THEME_LABEL].str.len().gt(0).all()
    # with procedural passages set aside (the default), those without a content word are
    # marked, not fitted on
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig())
    ids = res.assignments[schema.THEME_ID].to_numpy()
    assert (ids[:7] == schema.PROCEDURAL_THEME_ID).all() and ids[7] == 0
    assert res.info["procedural"] == 7 and res.info["fitted_on"] == 1


def test_facilitator_turns_placed_but_not_fitted_or_quoted():
    texts, truth = make_round(15)
    facil = [
        "Thank you. Next, customs and cargo clearance at the port?",
        "Let us move to broadband and online payments.",
    ]
    all_texts = texts + facil
    mask = np.array([True] * len(texts) + [False, False])
    res = discover_themes(all_texts, embed(all_texts), None, None, TopicsConfig(), fit_mask=mask)
    ids = res.assignments[schema.THEME_ID].to_numpy()
    assert (ids >= 0).all()
    fitted = ids[: len(texts)]
    # each facilitator turn joins a theme made of the topic it talks about
    assert np.bincount(truth[fitted == ids[-2]]).argmax() == 0
    assert np.bincount(truth[fitted == ids[-1]]).argmax() == 1
    assert res.themes[schema.THEME_SIZE].sum() == len(texts)
    quoted = {q for qs in res.themes[schema.THEME_QUOTES] for q in qs}
    assert not quoted & {len(texts), len(texts) + 1}
    assert res.info["fitted_on"] == len(texts)


def test_links_priorities_and_marks_emerging():
    texts, truth = make_round(20)
    scores = pd.DataFrame(
        {
            schema.score_column("SA4"): np.where(truth == 0, 0.8, 0.1),
            schema.score_column("SA3"): np.where(truth == 1, 0.3, 0.05),  # weak: never linked
            schema.score_column("SA6"): 0.0,
        }
    )
    res = discover_themes(texts, embed(texts), scores, CODEBOOK, TopicsConfig())
    ids = res.assignments[schema.THEME_ID].to_numpy()
    th = res.themes.set_index(schema.THEME_ID)
    log_theme = np.bincount(ids[truth == 0]).argmax()
    assert th.loc[log_theme, schema.THEME_PRIORITIES] == "SA4"
    assert not th.loc[log_theme, schema.THEME_EMERGING]
    others = [t for t in th.index if (truth[ids == t] != 0).all()]
    assert others
    for t in others:
        assert th.loc[t, schema.THEME_EMERGING]
        assert th.loc[t, schema.THEME_PRIORITIES] == ""


def test_a_theme_the_codebook_barely_covers_is_emerging_even_if_linked():
    texts, truth = make_round(20)
    scores = pd.DataFrame(
        {  # every topic "wins" some priority, as a softmax tagger makes it
            schema.score_column("SA4"): np.where(truth == 0, 0.9, 0.0),
            schema.score_column("SA3"): np.where(truth == 1, 0.9, 0.0),
            schema.score_column("SA6"): np.where(truth == 2, 0.9, 0.0),
        }
    )
    coverage = np.where(truth == 2, 0.2, 0.5)  # topic 2 is far from every priority description
    res = discover_themes(texts, embed(texts), scores, CODEBOOK, TopicsConfig(), coverage=coverage)
    ids = res.assignments[schema.THEME_ID].to_numpy()
    th = res.themes.set_index(schema.THEME_ID)
    far = np.bincount(ids[truth == 2]).argmax()
    near = np.bincount(ids[truth == 0]).argmax()
    assert th.loc[far, schema.THEME_EMERGING] and th.loc[far, schema.THEME_PRIORITIES] == ""
    assert th.loc[far, schema.THEME_NEAREST] == "SA6"
    assert not th.loc[near, schema.THEME_EMERGING]
    assert th.loc[near, schema.THEME_PRIORITIES] == "SA4"


def test_link_rule_mean_or_share():
    cfg = TopicsConfig(link_mean=0.5, link_share=0.3, strong_score=0.5)
    scores = pd.DataFrame(
        {
            schema.score_column("A"): [0.6, 0.6, 0.6, 0.6],  # mean 0.6 -> linked
            schema.score_column("B"): [0.9, 0.9, 0.0, 0.0],  # mean 0.45, share 0.5 -> linked
            schema.score_column("C"): [0.9, 0.1, 0.1, 0.1],  # mean 0.3, share 0.25 -> not linked
        }
    )
    rows = np.arange(4)
    assert link_priorities(scores, rows, ["A", "B", "C"], cfg) == ["A", "B"]
    assert link_priorities(scores, rows, ["Z"], cfg) == []
    assert link_priorities(None, rows, ["A"], cfg) == []


def test_without_codebook_uses_score_columns():
    texts, truth = make_round(10)
    scores = pd.DataFrame({schema.score_column("X1"): np.where(truth == 2, 0.9, 0.0)})
    res = discover_themes(texts, embed(texts), scores, None, TopicsConfig())
    assert "X1" in set(res.themes[schema.THEME_PRIORITIES])


def test_custom_reducer_and_clusterer_are_used():
    texts, truth = make_round(20)
    res = discover_themes(
        texts,
        embed(texts),
        None,
        None,
        TopicsConfig(),
        reducer=PCAReducer(5),
        clusterer=KMeansClusterer(n_clusters=3),
    )
    assert res.themes.shape[0] == 3
    assert res.info["backend"] == "custom"
    assert purity(truth, res.assignments[schema.THEME_ID].to_numpy()) >= 0.9


def test_bertopic_is_really_used():
    from bertopic import BERTopic

    texts, _ = make_round(20)
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig())
    assert isinstance(res.model, BERTopic)
    with pytest.raises(dataclasses.FrozenInstanceError):  # a cached result is never changed
        res.model = None  # type: ignore[misc]
    kept = res.without_model()
    assert kept.model is None and isinstance(res.model, BERTopic)
    assert kept.assignments is res.assignments and kept.themes is res.themes


def test_mismatched_inputs_say_what_to_fix():
    texts, _ = make_round(5)
    with pytest.raises(ValueError, match="one embedding row per passage"):
        discover_themes(texts, embed(texts[:-1]), None, None, TopicsConfig())
    with pytest.raises(ValueError, match="score table"):
        discover_themes(texts, embed(texts), pd.DataFrame({"score:A": [0.1]}), None, TopicsConfig())


def test_auto_theme_count_grows_with_round_size():
    ks = [auto_n_clusters(n) for n in (20, 60, 200, 1000, 10000, 100000)]
    assert ks == sorted(ks) and ks[0] >= 2 and ks[-1] <= 60
    assert auto_n_clusters(1000, min_size=100) <= 10


def test_labels_chain_bigrams_and_stay_distinct():
    labels = make_labels(
        {
            0: ["bond", "green bond", "finance", "private sector", "private"],
            1: ["bond", "green bond", "finance", "private sector", "rail"],
        }
    )
    assert labels[0] == "Green bond, finance and private sector"
    assert labels[1] != labels[0] and "rail" in labels[1]


@pytest.mark.slow
def test_umap_hdbscan_backend_runs_and_reduces_outliers():
    texts, truth = make_round(30)
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig(backend="umap-hdbscan"))
    pred = res.assignments[schema.THEME_ID].to_numpy()
    assert res.info["backend"] in {"umap-hdbscan", "fast (fallback)"}
    assert (pred >= 0).all()
    assert purity(truth, pred) >= 0.8


@pytest.mark.slow
def test_real_model_separates_three_topics():
    from consult.config import EmbeddingConfig
    from consult.embedding.embed import load_embedder

    rng = random.Random(1)
    subjects = {
        0: [
            "Customs clearance at the port takes too long",
            "Cargo trucks wait for days at the border crossing",
            "Shipping containers need a single window for customs paperwork",
            "Freight forwarders want harmonised logistics rules",
        ],
        1: [
            "Rural villages still lack broadband internet",
            "Small shops need help to sell online and accept digital payments",
            "Cybersecurity rules for cross-border data flows are unclear",
            "Fintech startups want a regional digital sandbox",
        ],
        2: [
            "More scholarships would let students study in neighbouring countries",
            "Visa rules make it hard for young people to travel in the region",
            "Cultural exchange programmes build understanding between citizens",
            "Tourism campaigns should promote heritage sites across the region",
        ],
    }
    tails = ["", " in our country", ", in my view", " for everyone", " as soon as possible"]
    texts, truth = [], []
    for i in range(60):
        t = i % 3
        texts.append(rng.choice(subjects[t]) + rng.choice(tails) + ".")
        truth.append(t)
    truth = np.array(truth)
    X = load_embedder(EmbeddingConfig()).encode(texts)
    res = discover_themes(texts, X, None, None, TopicsConfig())
    pred = res.assignments[schema.THEME_ID].to_numpy()
    assert pred.min() >= 0 and len(np.unique(pred)) >= 3
    assert purity(truth, pred) >= 0.9


def test_pca_reducer_smooths_small_rounds_only():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 40)).astype(np.float32)
    Z = PCAReducer(n_components=10, neighbors=5).fit_transform(X)
    assert Z.shape == (300, 10)
    np.testing.assert_allclose(np.linalg.norm(Z, axis=1), 1.0, rtol=1e-5)
    plain = PCAReducer(n_components=10, neighbors=5, max_smooth=100).fit_transform(X)
    raw = PCAReducer(n_components=10, neighbors=1).fit_transform(X)
    np.testing.assert_allclose(plain, raw, rtol=1e-5, atol=1e-6)
    assert not np.allclose(Z, raw)
    # capped by the data: 3 points give at most 2 components
    assert PCAReducer(n_components=50).fit_transform(X[:3]).shape == (3, 2)


def test_kmeans_clusterer_labels_by_size_and_never_more_than_distinct_points():
    X = np.array([[1, 0]] * 5 + [[0, 1]] * 2, dtype=np.float32)
    c = KMeansClusterer(n_clusters=4).fit(X)
    assert sorted(set(c.labels_.tolist())) == [0, 1]
    assert (c.labels_[:5] == 0).all() and (c.labels_[5:] == 1).all()
    assert c.predict(np.array([[0.1, 0.9]], dtype=np.float32)).tolist() == [1]


def test_campaign_duplicates_and_empty_texts():
    texts = ["Same campaign answer about ports and customs."] * 20
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig())
    assert res.themes.shape[0] == 1
    assert res.themes.loc[0, schema.THEME_QUOTES] == [0]  # quoted once
    label = res.themes.loc[0, schema.THEME_LABEL].lower().split()
    assert len(label) == len(set(label)) and "customs" in label  # not lemmatised to "custom"
    texts = [""] * 5 + ["Broadband please"] * 3
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig())
    kws = ", ".join(res.themes[schema.THEME_KEYWORDS])
    assert "broadband broadband" not in kws  # bigrams never span two passages' repeats
    ids = res.assignments[schema.THEME_ID].tolist()
    assert ids == [schema.PROCEDURAL_THEME_ID] * 5 + [0] * 3  # empty texts: no substance


class _NoClusters:
    """A clusterer that finds no structure at all (every passage an outlier)."""

    def fit(self, X, y=None):
        self.labels_ = np.full(len(X), -1)
        return self


def test_clusterer_without_clusters_falls_back_to_kmeans():
    texts, _ = make_round(10)
    res = discover_themes(texts, embed(texts), None, None, TopicsConfig(), clusterer=_NoClusters())
    assert res.info["backend"] == "fast (fallback)"
    assert (res.assignments[schema.THEME_ID] >= 0).all()
    assert res.assignments[schema.THEME_ID].nunique() >= 2


class _HalfOutliers:
    """Two clusters by the first reduced dimension; a third of the passages are outliers."""

    def fit(self, X, y=None):
        self.labels_ = np.where(X[:, 0] > 0, 0, 1)
        self.labels_[::3] = -1
        return self


def test_outliers_are_reduced_into_themes():
    texts, _ = make_round(10)
    res = discover_themes(
        texts, embed(texts), None, None, TopicsConfig(), clusterer=_HalfOutliers()
    )
    assert res.info["outliers_before"] == 10
    assert (res.assignments[schema.THEME_ID] >= 0).all()
    kept = discover_themes(
        texts,
        embed(texts),
        None,
        None,
        TopicsConfig(reduce_outliers=False),
        clusterer=_HalfOutliers(),
    )
    assert (kept.assignments[schema.THEME_ID] == -1).sum() == 10
    assert (
        kept.assignments.loc[kept.assignments[schema.THEME_ID] == -1, schema.THEME_LABEL]
        == "Unassigned"
    ).all()


def test_accepts_series_with_missing_texts_and_offset_index():
    texts, _ = make_round(10)
    X = embed(texts)
    series = pd.Series(texts, index=range(100, 130), dtype=object)
    series.iloc[3] = None
    series.iloc[4] = float("nan")
    scores = pd.DataFrame({schema.score_column("SA4"): 0.9}, index=range(500, 530))
    res = discover_themes(series, X, scores, CODEBOOK, TopicsConfig())
    assert len(res.assignments) == 30 and list(res.assignments.index) == list(range(30))
    assert (res.themes[schema.THEME_PRIORITIES] == "SA4").all()
    assert "nan" not in ", ".join(res.themes[schema.THEME_KEYWORDS]).split(", ")
