"""A whole round's cold time against an earlier commit's, in alternating pairs on this machine.

Why: this machine's embedding speed drifts by a quarter or more between hours (other tenants),
so a cold time measured today cannot be held against a figure an issue measured last week. The
earlier commit is checked out into a temporary git worktree and run by the same interpreter and
packages; the two alternate, each run a fresh `bench_round.py` process, and the ratio of the
medians is what a target "X s, against Y s today" means now. The earlier commit's
`bench_round.py` must take `--workdir` and `--tag` (0e882ba onwards).

    python benchmarks/bench_paired.py 0e882ba --size 10000 --pairs 2
    python benchmarks/bench_paired.py 0e882ba --size 100000 --pairs 1

Writes benchmarks/results/bench_paired_<size>.md and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"


def cold_run(tree: Path, size: int, workdir: Path) -> dict:
    """One cold `bench_round.py` run of the code in `tree`; its result row."""
    env = dict(os.environ, PYTHONPATH=f"{tree / 'src'}{os.pathsep}{tree}")
    env.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))  # one server database for both
    tag = f"_paired_{size}_{'this' if tree == ROOT else 'earlier'}"
    subprocess.run(
        [sys.executable, "benchmarks/bench_round.py", "--sizes", str(size), "--no-warm",
         "--no-bertopic", "--workdir", str(workdir), "--tag", tag],
        cwd=tree, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    written = tree / "benchmarks" / "results" / f"bench_round{tag}"
    rows = json.loads(written.with_suffix(".json").read_text())
    for suffix in (".json", ".md"):  # this command's own table holds the figures
        written.with_suffix(suffix).unlink()
    return rows["rows"][0]["cold"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("commit", help="the earlier commit, e.g. the one an issue measured")
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--pairs", type=int, default=2)
    args = ap.parse_args()
    runs: dict[str, list[dict]] = {"earlier": [], "this": []}
    with tempfile.TemporaryDirectory(prefix="consult-paired-") as tmp:
        earlier = Path(tmp) / "earlier"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(earlier), args.commit], cwd=ROOT, check=True
        )
        try:
            for _ in range(args.pairs):
                runs["earlier"].append(cold_run(earlier, args.size, Path(tmp) / "w-earlier"))
                runs["this"].append(cold_run(ROOT, args.size, Path(tmp) / "w-this"))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(earlier)], cwd=ROOT)
    med = {k: statistics.median(r["wall_s"] for r in v) for k, v in runs.items()}
    rss = {k: max(r["peak_rss_mb"] for r in v) for k, v in runs.items()}
    command = (
        f"python benchmarks/bench_paired.py {args.commit} --size {args.size} --pairs {args.pairs}"
    )
    lines = [
        f"Command: `{command}`  ",
        f"Cold runs of {args.size} passages, alternating, this machine (2 cores).",
        "",
        "| code | cold wall s (each) | median | embed s (each) | peak RSS MB (max) |",
        "|---|---|---:|---|---:|",
    ]
    for k, name in (("earlier", args.commit), ("this", "this tree")):
        walls = ", ".join(f"{r['wall_s']:.1f}" for r in runs[k])
        embeds = ", ".join(f"{r['stages_s'].get('embed', 0):.1f}" for r in runs[k])
        lines.append(f"| {name} | {walls} | {med[k]:.1f} | {embeds} | {rss[k]:.0f} |")
    lines += ["", f"Ratio of medians, this / earlier: **{med['this'] / med['earlier']:.3f}**", ""]
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench_paired_{args.size}"
    out.with_suffix(".md").write_text("\n".join(lines))
    out.with_suffix(".json").write_text(
        json.dumps({"command": command, "runs": runs, "median_wall_s": med}, indent=1)
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
