"""Time each stage of a whole round and its peak memory, against plain BERTopic on the same data.

    python benchmarks/bench_round.py --sizes 1000 10000          # cold + warm run per size
    python benchmarks/bench_round.py --sizes 100000 --no-warm --no-bertopic

For each size it generates a synthetic round (benchmarks/make_synthetic_round.py), then in fresh
processes: a cold `consult run` (empty outputs: model load, all caches empty), a warm re-run
(nothing changed, `--force`: the whole flow with every cache warm), a re-run with nothing
changed as a drafter types it (the pre-flight keeps the outputs and exits), and plain `BERTopic()` (default UMAP + HDBSCAN) fitted on the same embeddings.
Wall times are whole processes, interpreter start to exit, as a drafter waits for them.
Writes benchmarks/results/bench_round.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"


def _child_run(raw: str, outputs: str, round_name: str, *extra: str) -> None:
    """Inside a fresh process: `consult run` itself (the parent times the whole process)."""
    from consult import runtime
    from consult.cli import main

    runtime.exit_without_teardown()  # as the `consult` command leaves
    if main(["run", round_name, "--raw", raw, "--outputs", outputs, *extra]) != 0:
        raise SystemExit("consult run failed")
    info = json.loads((Path(outputs) / round_name / "run-info.json").read_text())
    print(
        "BENCH "
        + json.dumps(
            {
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "stages_s": info["stage seconds"],
                "passages": info.get("passages"),
            }
        ),
        flush=True,
    )
    runtime.set_exit_code(0)


def _child_bertopic(outputs: str, round_name: str) -> None:
    """Inside a fresh process: plain BERTopic with its defaults on the flow's own embeddings."""
    import numpy as np
    import pandas as pd

    from consult.config import ConsultConfig
    from consult.embedding.embed import embedder_name
    from consult.pipeline.embed import embedding_cache
    from consult.workspace import RoundPaths

    config = ConsultConfig()
    paths = RoundPaths.for_round(round_name, outputs=outputs)
    table = pd.read_parquet(paths.out_dir / "passages.parquet")
    table = table[table["embedding_model"] == embedder_name(config.embedding)]  # English model's
    texts = table["text"].astype(str).tolist()
    emb = embedding_cache(paths, config).get(texts, embedder_name(config.embedding))
    t0 = time.perf_counter()
    from bertopic import BERTopic

    topics, _ = BERTopic(embedding_model=None).fit_transform(texts, embeddings=np.asarray(emb))
    wall = time.perf_counter() - t0
    print(
        "BENCH "
        + json.dumps(
            {
                "fit_s": wall,
                "n_topics": len(set(topics)) - (1 if -1 in topics else 0),
                "outlier_share": float(np.mean(np.asarray(topics) == -1)),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def _spawn(*args: str) -> dict:
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    t0 = time.perf_counter()  # the whole process: interpreter start to exit, as a user waits
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    wall = time.perf_counter() - t0
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH "):
            return dict(json.loads(line[6:]), wall_s=wall)
    raise RuntimeError(f"benchmark child failed ({proc.returncode}):\n{proc.stderr[-4000:]}")


def bench_size(
    n: int,
    warm: bool,
    bertopic: bool,
    workdir: Path,
    non_english: float = 0.0,
    config: str | None = None,
) -> dict:
    sys.path.insert(0, str(HERE))
    from make_synthetic_round import make_round

    round_name = f"bench-{n}"
    raw = workdir / "raw"
    out = workdir / "outputs"
    if (raw / round_name).exists():
        shutil.rmtree(raw / round_name)
    make_round(n, raw / round_name, seed=0, non_english=non_english)
    shutil.rmtree(out, ignore_errors=True)
    row: dict = {"target_passages": n, "non_english": non_english, "config": config}
    settings = ["--config", config] if config else []
    row["cold"] = _spawn("_run", str(raw), str(out), round_name, *settings)
    if warm:
        row["warm"] = _spawn("_run", str(raw), str(out), round_name, *settings, "--force")
        row["warm_speedup"] = row["cold"]["wall_s"] / row["warm"]["wall_s"]
        # stages: not re-run
        row["no_change"] = _spawn("_run", str(raw), str(out), round_name, *settings)
    stages = row["cold"]["stages_s"]
    row["after_embeddings_s"] = sum(
        v for k, v in stages.items() if k in ("tag", "themes", "report")
    )
    if bertopic:
        row["bertopic"] = _spawn("_bertopic", str(out), round_name)
        row["after_embeddings_vs_bertopic"] = row["after_embeddings_s"] / row["bertopic"]["fit_s"]
    return row


def to_markdown(rows: list[dict], command: str) -> str:
    lines = [
        f"Command: `{command}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores",
        "",
        "| passages | cold wall s | warm wall s | warm speed-up | no-change wall s "
        "| ingest+prepare s | embed s | tag s "
        "| themes s | report s | after embeddings s | plain BERTopic fit s | ratio | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        c, s = r["cold"], r["cold"]["stages_s"]
        fmt = lambda v: "" if v is None else f"{v:.1f}"  # noqa: E731
        lines.append(
            "| "
            + " | ".join(
                [
                    str(c.get("passages") or r["target_passages"]),
                    fmt(c["wall_s"]),
                    fmt(r.get("warm", {}).get("wall_s")),
                    fmt(r.get("warm_speedup")),
                    fmt(r.get("no_change", {}).get("wall_s")),
                    fmt(s.get("ingest+prepare")),
                    fmt(s.get("embed")),
                    fmt(s.get("tag")),
                    fmt(s.get("themes")),
                    fmt(s.get("report")),
                    fmt(r["after_embeddings_s"]),
                    fmt(r.get("bertopic", {}).get("fit_s")),
                    ""
                    if "after_embeddings_vs_bertopic" not in r
                    else f"{r['after_embeddings_vs_bertopic']:.2f}",
                    fmt(c["peak_rss_mb"]),
                ]
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_run":
        return _child_run(*sys.argv[2:])
    if len(sys.argv) > 1 and sys.argv[1] == "_bertopic":
        return _child_bertopic(*sys.argv[2:4])
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--no-warm", action="store_true")
    ap.add_argument("--no-bertopic", action="store_true")
    ap.add_argument("--workdir", default=None, help="default: a temporary folder")
    ap.add_argument("--tag", default="", help="suffix for the result file names")
    ap.add_argument(
        "--non-english",
        type=float,
        default=0.0,
        help="share of passages in the eight other ASEAN languages, e.g. 0.3",
    )
    ap.add_argument(
        "--config",
        default=None,
        help='a consult.toml for every run, e.g. one with [embedding] precision = "int8"',
    )
    args = ap.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="consult-bench-"))
    rows = []
    for n in args.sizes:
        row = bench_size(
            n,
            not args.no_warm,
            not args.no_bertopic,
            workdir,
            args.non_english,
            str(Path(args.config).resolve()) if args.config else None,
        )
        rows.append(row)
        print(json.dumps(row, indent=1), flush=True)
    RESULTS.mkdir(exist_ok=True)
    command = "python benchmarks/bench_round.py " + " ".join(sys.argv[1:])
    name = f"bench_round{args.tag}"
    (RESULTS / f"{name}.json").write_text(json.dumps({"command": command, "rows": rows}, indent=1))
    (RESULTS / f"{name}.md").write_text(to_markdown(rows, command))
    print(to_markdown(rows, command))


if __name__ == "__main__":
    main()
