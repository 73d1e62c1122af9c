"""Re-run speed on the bundled sample round, each command a fresh process timed from start to exit.

    python benchmarks/bench_rerun.py [--repeat 5]

One cold `consult run` (a copy of raw/sample-round in a new folder: every cache empty), then,
`--repeat` times in turn: a re-run with nothing changed (the pre-flight decides and exits), the
same re-run with `--force` (the whole Prefect flow, outputs reused), and `consult check`. The
no-change re-run must leave every output byte-identical and start neither Prefect nor a model.
Writes benchmarks/results/bench_rerun.json and .md (median, min, max).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
ROUND = "sample-round"


def _consult(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "consult.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # check exits 1 when an upload has a problem
        raise RuntimeError(f"consult {' '.join(args)} failed:\n{proc.stderr[-4000:]}")
    return wall, proc


def _outputs(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(folder).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _summary(values: list[float]) -> dict:
    return {
        "median_s": statistics.median(values),
        "min_s": min(values),
        "max_s": max(values),
        "runs_s": [round(v, 2) for v in values],
    }


def bench(repeat: int, workdir: Path) -> dict:
    raw, out = workdir / "raw", workdir / "outputs"
    shutil.copytree(ROOT / "raw" / ROUND, raw / ROUND)
    run = ["run", ROUND, "--raw", str(raw), "--outputs", str(out)]
    cold, _ = _consult(*run)
    times: dict[str, list[float]] = {"no_change": [], "forced": [], "check": []}
    for _ in range(repeat):
        before = _outputs(out / ROUND)
        wall, proc = _consult(*run)
        if "Workbook unchanged" not in proc.stdout or "Prefect" in proc.stderr:
            raise RuntimeError(f"the no-change re-run ran the flow:\n{proc.stderr[-3000:]}")
        if _outputs(out / ROUND) != before:
            raise RuntimeError("the no-change re-run changed an output")
        times["no_change"].append(wall)
        times["forced"].append(_consult(*run, "--force")[0])
        times["check"].append(_consult("check", ROUND, "--raw", str(raw))[0])
    result = {"cold_s": cold, **{k: _summary(v) for k, v in times.items()}}
    result["no_change_vs_cold"] = result["no_change"]["median_s"] / cold
    return result


def to_markdown(r: dict, command: str) -> str:
    rows = [
        ("cold run (every cache empty)", {"median_s": r["cold_s"], "min_s": None, "max_s": None}),
        ("re-run, nothing changed (pre-flight)", r["no_change"]),
        ("re-run with --force (whole flow, outputs reused)", r["forced"]),
        ("consult check", r["check"]),
    ]
    fmt = lambda v: "" if v is None else f"{v:.2f}"  # noqa: E731
    lines = [
        f"Command: `{command}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; round: {ROUND}  ",
        f"No-change re-run / cold run: {r['no_change_vs_cold']:.3f}",
        "",
        "| what | median s | min s | max s |",
        "|---|---:|---:|---:|",
    ]
    for name, s in rows:
        lines.append(f"| {name} | {fmt(s['median_s'])} | {fmt(s['min_s'])} | {fmt(s['max_s'])} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--tag", default="", help="suffix for the result file names")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="consult-rerun-") as tmp:
        result = bench(args.repeat, Path(tmp))
    command = "python benchmarks/bench_rerun.py " + " ".join(sys.argv[1:])
    RESULTS.mkdir(exist_ok=True)
    name = f"bench_rerun{args.tag}"
    (RESULTS / f"{name}.json").write_text(json.dumps({"command": command, **result}, indent=1))
    (RESULTS / f"{name}.md").write_text(to_markdown(result, command))
    print(to_markdown(result, command))


if __name__ == "__main__":
    main()
