"""Time writing the reviewer's workbook and the passage tables for synthetic rounds of N passages.

    python benchmarks/bench_workbook.py --sizes 10000 100000 --repeat 3

The passages are real ingest output for benchmarks/make_synthetic_round.py's round (its texts,
provenance, campaigns and rejected items), given made-up but fixed tags, themes and a review
queue: no embedding model runs, and what the workbook costs does not depend on which priority a
passage got. The report data is prepared once per size (kept in --workdir), then each repeat
writes the workbook in a fresh process: `write_workbook` wall time and the process's peak RSS
before and after it, then `write_tables` (Parquet and CSV). Medians over the repeats.
Writes benchmarks/results/bench_workbook{tag}.json and .md.

Pointing PYTHONPATH at another checkout's `src` times that code on the same data (the "before"
figures in benchmarks/README.md were taken that way).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
THEMES = 60


def prepare(n: int, workdir: Path) -> Path:
    """The ReportData of a synthetic round of about `n` passages, pickled (made once)."""
    out = workdir / f"report-data-{n}.pkl"
    if out.is_file():
        return out
    import numpy as np
    import pandas as pd

    sys.path.insert(0, str(HERE))
    from make_synthetic_round import make_round

    from consult import schema
    from consult.config import ConsultConfig
    from consult.pipeline import ingest
    from consult.report.data import ReportData
    from consult.report.review_queue import queue_table
    from consult.reviews import rules as reviews
    from consult.tagging.codebook import load_codebook
    from consult.workspace import RoundPaths

    round_name = f"bench-{n}"
    raw = workdir / "raw"
    make_round(n, raw / round_name, seed=0)
    config = ConsultConfig()
    paths = RoundPaths.for_round(round_name, raw, workdir / "outputs")
    plan = ingest.plan(ingest.collect(paths, config), round_name, config)
    parsed = workdir / "parsed"
    outcomes = [ingest.read_one(i, round_name, config, plan.manifest, parsed) for i in plan.files]
    prepared = ingest.prepare(ingest.combine(plan, outcomes, round_name, config), config)
    passages = prepared.passages.reset_index(drop=True)
    codebook = load_codebook()
    ids = [p.id for p in codebook.priorities]
    rng = np.random.default_rng(0)
    m = len(passages)
    first, second = rng.integers(0, len(ids), m), rng.integers(0, len(ids), m)
    status = rng.choice(["tagged", "uncertain", "no-fit"], m, p=[0.94, 0.04, 0.02])
    passages[schema.PRIORITIES] = [
        "" if s == "no-fit" else ids[a] if a == b or k % 3 else f"{ids[a]};{ids[b]}"
        for k, (a, b, s) in enumerate(zip(first, second, status))
    ]
    passages[schema.CONFIDENCE] = np.round(rng.uniform(0.2, 1.0, m), 4)
    passages[schema.TAG_STATUS] = status
    theme = rng.integers(-1, THEMES, m)
    passages[schema.THEME_ID] = theme
    passages[schema.THEME_LABEL] = [f"theme_{t}_words" if t >= 0 else "" for t in theme]
    passages = reviews.apply_reviews(passages, None)
    scores = pd.DataFrame(
        rng.uniform(0, 1, (m, len(ids))), columns=[schema.score_column(p) for p in ids]
    )
    themes = pd.DataFrame(
        {
            schema.THEME_ID: range(THEMES),
            schema.THEME_LABEL: [f"theme_{t}_words" for t in range(THEMES)],
            schema.THEME_KEYWORDS: ["roads, power, trade, border, customs"] * THEMES,
            schema.THEME_SIZE: [int((theme == t).sum()) for t in range(THEMES)],
            schema.THEME_PRIORITIES: [ids[t % len(ids)] for t in range(THEMES)],
            schema.THEME_EMERGING: [t % 7 == 0 for t in range(THEMES)],
            schema.THEME_QUOTES: [
                [int(i) for i in np.flatnonzero(theme == t)[:3]] for t in range(THEMES)
            ],
        }
    )
    data = ReportData(
        round=round_name,
        passages=passages,
        codebook=codebook,
        run_at="2026-01-01T00:00:00+00:00",
        scores=scores,
        themes=themes,
        rejected=prepared.rejected,
        files=prepared.files,
        run_info={"consult version": "bench", "configuration": config.model_dump_json()},
        priority_quotes={
            p: [int(i) for i in np.flatnonzero(first == k)[:5]] for k, p in enumerate(ids)
        },
        review_queue=queue_table(passages, scores, list(range(0, m, max(1, m // 100)))[:100]),
    )
    with open(out, "wb") as f:
        pickle.dump(data, f)
    return out


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (ru_maxrss would carry the parent's peak over exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(data_path: str, outdir: str) -> None:
    """Inside a fresh process: write the workbook and the tables once, print the figures."""
    with open(data_path, "rb") as f:
        data = pickle.load(f)
    from consult.report.export import write_tables
    from consult.report.workbook import write_workbook

    rss = peak_rss_mb()
    t0 = time.perf_counter()
    book = write_workbook(Path(outdir) / "workbook.xlsx", data)
    t1 = time.perf_counter()
    peak = peak_rss_mb()
    write_tables(Path(outdir), data.passages, data.scores)
    t2 = time.perf_counter()
    figures = {
        "passages": len(data.passages),
        "workbook_s": t1 - t0,
        "tables_s": t2 - t1,
        "rss_before_mb": rss,
        "peak_rss_mb": peak,
        "workbook_mb": book.stat().st_size / 2**20,
    }
    print("BENCH " + json.dumps(figures), flush=True)


def measure(data_path: Path, outdir: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "_child", str(data_path), str(outdir)],
        capture_output=True,
        text=True,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    raise RuntimeError(f"benchmark child failed ({proc.returncode}):\n{proc.stderr[-4000:]}")


def to_markdown(rows: list[dict], command: str) -> str:
    lines = [
        f"Command: `{command}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; load average at start "
        f"{rows[0]['load_before']:.1f}"
        if rows
        else "",
        "",
        "| passages | repeats | workbook s (median) | min | max | tables s (median) "
        "| RSS before MB | peak RSS MB | workbook MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        w = [x["workbook_s"] for x in r["runs"]]
        lines.append(
            f"| {r['passages']} | {len(w)} | {statistics.median(w):.1f} | {min(w):.1f} "
            f"| {max(w):.1f} | {statistics.median(x['tables_s'] for x in r['runs']):.1f} "
            f"| {statistics.median(x['rss_before_mb'] for x in r['runs']):.0f} "
            f"| {statistics.median(x['peak_rss_mb'] for x in r['runs']):.0f} "
            f"| {r['runs'][0]['workbook_mb']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        return child(*sys.argv[2:4])
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default=None, help="default: a temporary folder")
    ap.add_argument("--tag", default="", help="suffix for the result file names")
    args = ap.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="consult-bench-workbook-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        t = time.perf_counter()
        data_path = prepare(n, workdir)
        print(f"report data for {n}: {time.perf_counter() - t:.1f} s", flush=True)
        load = os.getloadavg()[0]
        runs = [measure(data_path, workdir) for _ in range(args.repeat)]
        rows.append({"size": n, "passages": runs[0]["passages"], "load_before": load, "runs": runs})
        print(json.dumps(rows[-1]), flush=True)
    RESULTS.mkdir(exist_ok=True)
    command = "python benchmarks/bench_workbook.py " + " ".join(sys.argv[1:])
    name = f"bench_workbook{args.tag}"
    (RESULTS / f"{name}.json").write_text(json.dumps({"command": command, "rows": rows}, indent=1))
    (RESULTS / f"{name}.md").write_text(to_markdown(rows, command))
    print(to_markdown(rows, command))


if __name__ == "__main__":
    main()
