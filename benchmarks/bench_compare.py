"""What comparing two rounds costs: a 10k-passage round run with `--compare-with` another.

    python benchmarks/bench_compare.py [--size 10000] [--baseline]

Generates two synthetic rounds (benchmarks/make_synthetic_round.py, seeds 0 and 1), runs the
earlier one cold, then the later one cold with `--compare-with` the earlier, each in a fresh
process (interpreter start to exit, as a drafter waits). Reported:

- the later run's wall time and its "comparison seconds" (Run info: reading the earlier round's
  outputs, counting it, matching and carrying theme ids, building the comparison), as a share
  of the run;
- writing the "Round comparison" sheet (timed apart: it is part of the report stage);
- `consult compare` on the stored outputs (reads both rounds from disk), with the basis files
  and, for outputs of an older consult, without them (centroids computed again from the
  stored passages through the embedding cache);
- with --baseline, the later round also run cold without a comparison (another outputs
  folder): the wall-time difference, which on a shared machine is mostly noise.

Writes benchmarks/results/bench_compare.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"


def _child(*argv: str) -> None:
    """Inside a fresh process: the consult command line itself."""
    from consult.cli import main

    if main(list(argv)) != 0:
        raise SystemExit("consult failed")


def _spawn(*argv: str) -> float:
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "_child", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise RuntimeError(f"consult {' '.join(argv)} failed:\n{proc.stderr[-4000:]}")
    return wall


def _sheet_seconds(outputs: Path, earlier: str, later: str) -> float:
    """Writing the comparison sheet alone (in a run it is part of the report stage)."""
    sys.path.insert(0, str(ROOT / "src"))
    from openpyxl import Workbook

    from consult.config import ConsultConfig
    from consult.pipeline.compare import compare_stored
    from consult.report.comparison import write_comparison

    comparison, _ = compare_stored(outputs, earlier, later, ConsultConfig())
    t0 = time.perf_counter()
    write_comparison(Workbook().active, comparison)
    return time.perf_counter() - t0


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        return _child(*sys.argv[2:])
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--baseline", action="store_true")
    ap.add_argument("--workdir", default=None, help="default: a temporary folder")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from make_synthetic_round import make_round

    work = Path(args.workdir or tempfile.mkdtemp(prefix="consult-bench-compare-"))
    raw, out = work / "raw", work / "outputs"
    earlier, later = f"round-a-{args.size}", f"round-b-{args.size}"
    for name, seed in ((earlier, 0), (later, 1)):
        shutil.rmtree(raw / name, ignore_errors=True)
        make_round(args.size, raw / name, seed=seed)
    shutil.rmtree(out, ignore_errors=True)
    common = ["--raw", str(raw), "--outputs", str(out)]
    row: dict = {"size": args.size}
    row["earlier_cold_s"] = _spawn("run", earlier, *common)
    row["later_cold_with_compare_s"] = _spawn("run", later, *common, "--compare-with", earlier)
    info = json.loads((out / later / "run-info.json").read_text())
    row["passages"] = [
        json.loads((out / earlier / "run-info.json").read_text()).get("passages"),
        info.get("passages"),
    ]
    row["stage_s"] = info["stage seconds"]
    row["comparison_in_run_s"] = info.get("comparison seconds")
    row["sheet_s"] = _sheet_seconds(out, earlier, later)
    inside = row["comparison_in_run_s"] + row["sheet_s"]
    row["overhead_share_of_run"] = inside / row["later_cold_with_compare_s"]
    row["consult_compare_s"] = _spawn("compare", earlier, later, "--outputs", str(out))
    for name in (earlier, later):  # outputs of an older consult: no basis files
        (out / name / "comparison-basis.json").unlink()
    row["consult_compare_without_basis_s"] = _spawn(
        "compare", earlier, later, "--outputs", str(out)
    )
    if args.baseline:
        base = work / "outputs-baseline"
        shutil.rmtree(base, ignore_errors=True)
        row["later_cold_without_compare_s"] = _spawn(
            "run", later, "--raw", str(raw), "--outputs", str(base)
        )
    command = "python benchmarks/bench_compare.py " + " ".join(sys.argv[1:])
    meta = {
        "command": command,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_compare.json").write_text(json.dumps({"meta": meta, "row": row}, indent=1))
    f = lambda v: "" if v is None else f"{v:.1f}"  # noqa: E731
    lines = [
        f"Command: `{command}`  ",
        f"Machine: {meta['machine']}; {meta['date']}",
        "",
        "| passages (earlier, later) | earlier cold s | later cold, compared s | comparison in "
        "the run s | sheet s | overhead | `consult compare` s | ... without basis files s |"
        + (" later cold, not compared s |" if args.baseline else ""),
        "|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if args.baseline else ""),
        f"| {row['passages'][0]}, {row['passages'][1]} | {f(row['earlier_cold_s'])} | "
        f"{f(row['later_cold_with_compare_s'])} | {row['comparison_in_run_s']:.2f} | "
        f"{row['sheet_s']:.2f} | {100 * row['overhead_share_of_run']:.1f}% | "
        f"{f(row['consult_compare_s'])} | {f(row['consult_compare_without_basis_s'])} |"
        + (f" {f(row['later_cold_without_compare_s'])} |" if args.baseline else ""),
    ]
    (RESULTS / "bench_compare.md").write_text("\n".join(lines) + "\n")
    print(json.dumps(row, indent=1))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
