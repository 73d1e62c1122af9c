"""What the CLI subcommands do, apart from argument parsing."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from consult import schema as S
from consult.config import ConsultConfig
from consult.runtime import configure_environment, wait_for_server
from consult.workspace import RoundPaths

log = logging.getLogger(__name__)


def check_round(round_name: str, raw: str, config: ConsultConfig) -> tuple[str, bool]:
    """Ingest without modelling, so a facilitator can fix an upload before drafters run.

    Parses go through the run's own parse cache (the user's private folder): a check after a
    fix parses only the changed file, and a run after a check parses nothing again."""
    from consult.ingest.check import format_check_report
    from consult.ingest.prepare import prepare_round
    from consult.pipeline import ingest

    paths = RoundPaths.for_round(round_name, raw)
    paths.require_raw()
    plan = ingest.plan(ingest.collect(paths, config), round_name, config)
    parsed = paths.private_cache / "parsed"
    outcomes = [ingest.read_one(f, round_name, config, plan.manifest, parsed) for f in plan.files]
    result = ingest.combine(plan, outcomes, round_name, config)
    result.passages, result.rejected, result.files = prepare_round(
        result.passages, result.rejected, result.files, config
    )
    ok = bool((result.files[S.FILE_STATUS] == "read").all()) if len(result.files) else False
    return format_check_report(result), ok


def round_flow():
    """The Prefect flow, found by the name the `flows` package registers for it (an entry point
    in pyproject.toml): the CLI runs it without importing flows' internals."""
    from importlib.metadata import entry_points

    found = entry_points(group="consult.flows", name="consultation-round")
    if not found:
        raise RuntimeError(
            "The consultation-round flow is not installed; run "
            "`.venv/bin/pip install -e .` in the project folder."
        )
    return next(iter(found)).load()


def make_task_runner(kind: str, address: str | None):
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": 2,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
            }
        )
    return None


def run_round(
    round_name: str,
    raw: str,
    outputs: str,
    config: ConsultConfig,
    task_runner: str = "default",
    dask_address: str | None = None,
) -> str:
    """Run the Prefect flow for one round and return the workbook path."""
    if config.compare.with_:  # before anything starts: a clear error naming what to run first
        from consult.pipeline.stored import check_comparable

        check_comparable(outputs, config.compare.with_, round_name)
    configure_environment()
    flow = round_flow()
    runner = make_task_runner(task_runner, dask_address)
    if runner is not None:
        flow = flow.with_options(task_runner=runner)
    elif _first_run(round_name, outputs):
        # a first run will embed everything: load the model while Prefect's server starts
        from consult.embedding.embed import LazyEmbedder

        LazyEmbedder(config.embedding).preload()
    wait_for_server()
    return flow(round_name=round_name, raw_dir=str(raw), outputs_dir=str(outputs), config=config)


def compare_rounds(earlier: str, later: str, outputs: str, config: ConsultConfig) -> str:
    """`consult compare EARLIER ROUND`: both rounds from their stored outputs; writes
    round-comparison.csv and round-comparison.xlsx beside ROUND's outputs and returns a short
    summary. The reviewer's workbook is not touched."""
    from consult.pipeline.compare import compare_stored

    comparison, written = compare_stored(outputs, earlier, later, config)
    return format_comparison(comparison, written)


def format_comparison(comparison, written) -> str:
    """What `consult compare` prints: each priority's change with its interval, the themes."""
    t = comparison.priorities
    lines = [f"{comparison.after} against {comparison.before} (share of counted passages):"]
    for r in t.to_dict("records"):
        head = f"  {r[S.CMP_PRIORITY_ID]:<6} {str(r[S.CMP_PRIORITY])[:42]:<42}"
        if r[S.CHANGE_PP] != r[S.CHANGE_PP] or r[S.CHANGE_PP] is None:  # not compared
            lines.append(f"{head} {r[S.CMP_NOTE]}")
            continue
        mark = "  significant" if r[S.SIGNIFICANT] else ""
        lines.append(
            f"{head} {r[S.SHARE_BEFORE]:6.1%} -> {r[S.SHARE_AFTER]:6.1%}  "
            f"{r[S.CHANGE_PP]:+6.1f} pp [{r[S.CI_LOW_PP]:+.1f}, {r[S.CI_HIGH_PP]:+.1f}]{mark}"
        )
    if comparison.themes is not None:
        status = comparison.themes[S.THEME_STATUS].astype(str)
        n_cont = int(status.str.startswith("continuing").sum())
        lines.append(
            f"Themes: {n_cont} continuing, {len(status) - n_cont} new, "
            f"{len(comparison.faded)} faded."
        )
    lines += [f"Note: {n}" for n in comparison.notices]
    lines.append("95% intervals: Newcombe's hybrid score, widened for clustered passages.")
    lines += [f"Written: {Path(p).resolve()}" for p in written]
    return "\n".join(lines)


def _first_run(round_name: str, outputs: str) -> bool:
    """No run info yet: embeddings are almost surely missing, so the model will be needed."""
    paths = RoundPaths.for_round(round_name, outputs=outputs)
    return not (paths.out_dir / "run-info.json").is_file()


def watch_round(
    round_name: str,
    raw: str,
    outputs: str,
    config: ConsultConfig,
    debounce: float = 10.0,
    max_runs: int | None = None,
) -> int:
    """Re-run the round each time uploads settle (no change for `debounce` seconds)."""
    from watchfiles import watch

    paths = RoundPaths.for_round(round_name, raw, outputs)
    paths.require_raw()
    runs = 0
    log.info(
        "Watching %s; a run starts %.0fs after the last change (Ctrl+C to stop)",
        paths.raw_dir,
        debounce,
    )
    for changes in watch(
        paths.raw_dir,
        debounce=int(debounce * 1000),
        step=200,
        rust_timeout=0,
        yield_on_timeout=False,
    ):
        names = sorted({Path(p).name for _, p in changes})
        log.info("Change in %s: %s; running the round", paths.raw_dir, ", ".join(names[:5]))
        try:
            workbook = run_round(round_name, raw, outputs, config)
            log.info("Workbook written: %s", workbook)
        except Exception as exc:  # a failed run must not stop the watcher
            log.error("Run failed: %s", exc)
        runs += 1
        if max_runs is not None and runs >= max_runs:
            break
        time.sleep(0.1)
    return runs


def serve(name: str = "consultation-round") -> None:
    """Serve the flow so drafters can trigger a round from the Prefect UI."""
    configure_environment()
    consultation_round = round_flow()
    if not os.environ.get("PREFECT_API_URL"):
        log.warning(
            "PREFECT_API_URL is not set: serving on a temporary server that has no "
            "dashboard. Start `prefect server start` and export "
            "PREFECT_API_URL=http://127.0.0.1:4200/api first to trigger runs from the UI."
        )
    log.info(
        "Serving deployment '%s/%s'; start a run from the Prefect UI with a round name",
        "consultation-round",
        name,
    )
    consultation_round.serve(
        name=name,
        tags=["consult"],
        description="Run a consultation round: pick the round folder name.",
    )
