"""The Prefect flow for one consultation round: thin tasks around `consult.pipeline`'s steps.

Run it with `consult run ROUND` (or `python flows/consultation_round.py ROUND`). Without
PREFECT_API_URL it runs on Prefect's temporary local server; with it, it reports to that server.
"""

# No `from __future__ import annotations` here: a served run loads this file by path, and Prefect
# validates the parameters against the real ConsultConfig class, not the string "ConsultConfig".
from consult.runtime import configure_environment

configure_environment()  # before Prefect is imported: offline, no analytics, project-local home

import logging  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from prefect import flow, get_run_logger, task, unmapped  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from consult import schema as S  # noqa: E402
from consult.config import ConsultConfig  # noqa: E402
from consult.pipeline import analyse, cache, compare, embed, ingest, report, rerun  # noqa: E402
from consult.report.summary import summary_markdown  # noqa: E402
from consult.schema import RawFile  # noqa: E402
from consult.workspace import RoundLock, RoundPaths  # noqa: E402

log = logging.getLogger(__name__)


def _logger():
    try:
        return get_run_logger()
    except Exception:  # outside a run context (unit tests of the helpers)
        return log


# Tasks pass DataFrames and arrays around in memory: hashing them for Prefect's cache would cost
# more than the work, so caching is done by `consult.pipeline` on content, settings and code.
@task(name="collect uploads", cache_policy=NO_CACHE)
def collect_task(paths: RoundPaths, config: ConsultConfig) -> list[RawFile]:
    return ingest.collect(paths, config)


# item.label: kind, position and hash; a file name may hold a person's name, Prefect never sees it
@task(name="read file", cache_policy=NO_CACHE, task_run_name="read {item.label}")
def read_file_task(item, round_name: str, config: ConsultConfig, manifest: dict, cache_dir: Path):
    return ingest.read_one(item, round_name, config, manifest, cache_dir)


@task(name="ingest", cache_policy=NO_CACHE)
def combine_task(plan, outcomes: list, round_name: str, config: ConsultConfig):
    t = time.perf_counter()
    result = ingest.combine(plan, outcomes, round_name, config)
    _logger().info(
        "ingest: %d files, %d passages, %d rejected items in %.1fs",
        len(result.files),
        len(result.passages),
        len(result.rejected),
        time.perf_counter() - t,
    )
    return result


@task(name="prepare", cache_policy=NO_CACHE)
def prepare_task(ingested, config: ConsultConfig, cache_dir: Path | None = None):
    t = time.perf_counter()
    out = ingest.prepare(ingested, config, cache_dir)
    _logger().info(
        "prepare: %d passages kept, %d rejected in %.1fs",
        len(out.passages),
        len(out.rejected),
        time.perf_counter() - t,
    )
    return out


@task(name="embed chunk", cache_policy=NO_CACHE)
def embed_chunk_task(texts: list[str], config: ConsultConfig) -> np.ndarray:
    return embed.embed_chunk(texts, config)


@task(name="tag", cache_policy=NO_CACHE)
def tag_task(
    passages: pd.DataFrame,
    embeddings: np.ndarray,
    config: ConsultConfig,
    outputs_dir: Path,
    round_name: str,
    cache=None,
    space=None,
    reliability=None,
):
    t = time.perf_counter()
    out = analyse.tag(
        passages, embeddings, config, outputs_dir, round_name, cache, space, reliability
    )
    counts = out.tags[S.TAG_STATUS].value_counts().to_dict()
    _logger().info("tag: %d passages %s in %.1fs", len(out.tags), counts, time.perf_counter() - t)
    return out


@task(name="discover themes", cache_policy=NO_CACHE)
def themes_task(
    passages: pd.DataFrame, embeddings: np.ndarray, tagged, config: ConsultConfig, cache_dir: Path
):
    t = time.perf_counter()
    coverage = tagged.tags[S.COVERAGE].to_numpy(dtype=float) if S.COVERAGE in tagged.tags else None
    out = analyse.themes(
        passages,
        embeddings,
        tagged.scores,
        tagged.codebook,
        config,
        cache_dir,
        coverage,
        tagged.procedural,
    )
    n_emerging = int(out.themes[S.THEME_EMERGING].sum()) if len(out.themes) else 0
    _logger().info(
        "themes: %d themes (%d emerging) in %.1fs",
        len(out.themes),
        n_emerging,
        time.perf_counter() - t,
    )
    return out


@task(name="write workbook", cache_policy=NO_CACHE)
def report_task(paths: RoundPaths, bundle: report.Bundle, config: ConsultConfig) -> report.Outcome:
    t = time.perf_counter()
    out = report.report(paths, bundle, config)
    _logger().info("workbook: %s in %.1fs", out.workbook, time.perf_counter() - t)
    return out


def _read_files(plan, round_name: str, config: ConsultConfig, parsed: Path, logger) -> list:
    """Read outcomes in plan order, with one mapped task per file that is new or changed."""
    known = ingest.known_reads(plan.files, round_name, config, plan.manifest, parsed)
    todo = [f for i, f in enumerate(plan.files) if i not in known]
    futures = (
        read_file_task.map(
            todo,
            round_name=unmapped(round_name),
            config=unmapped(config),
            manifest=unmapped(plan.manifest),
            cache_dir=unmapped(parsed),
        )
        if todo
        else []
    )
    fresh = iter([f.result() for f in futures])
    logger.info(
        "read: %d file(s) parsed, %d unchanged since they were last parsed",
        len(todo),
        sum(1 for f in plan.files if f.status == "to-read") - len(todo),
    )
    return [known[i] if i in known else next(fresh) for i in range(len(plan.files))]


def _embed_runner(config: ConsultConfig):
    """On Dask, chunks go to the workers in parallel; in-process, one after another.

    In one process torch already uses every core, so parallel chunks would only contend and
    hold several batches of activations in memory at once.
    """
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    runner = type(ctx.task_runner).__name__ if ctx and ctx.task_runner else ""
    from consult.themes.fitting import import_in_background

    # New texts mean themes are fitted next; BERTopic's import (5-9 s) runs beside the embedding.
    # Only once no model is loading in this process: two threads importing torch's world at once
    # could meet in the import locks.
    if "Dask" in runner:  # the workers load the model, not this process

        def on_dask(chunks):
            import_in_background()
            return [f.result() for f in embed_chunk_task.map(chunks, config=unmapped(config))]

        return on_dask

    def sequential(chunks):
        out = []
        for i, chunk in enumerate(chunks, 1):
            out.append(embed_chunk_task(quote(chunk), config))
            _logger().info("embed: chunk %d/%d done (%d texts)", i, len(chunks), len(chunk))
            import_in_background()  # the model is loaded by now
        return out

    return sequential


def publish_artifacts(
    round_name: str, out: report.Outcome, logger, campaigns: str = "once"
) -> None:
    """Markdown summary and a table of rejected files and items, visible in the Prefect UI."""
    try:
        from prefect.artifacts import create_markdown_artifact, create_table_artifact

        key = "".join(c if c.isalnum() else "-" for c in round_name.lower()).strip("-") or "round"
        labels = {p.id: p.label for p in out.codebook.priorities}
        text = summary_markdown(
            round_name,
            out.workbook,
            out.passages,
            out.themes,
            out.files,
            out.rejected,
            labels,
            out.n_reviewed,
            out.notices,
            campaigns=campaigns,
        )
        create_markdown_artifact(
            markdown=text, key=f"{key}-summary", description=f"Summary of round {round_name}"
        )
        # whole-file rejections are rows of `rejected` too (location "whole file")
        rows = [
            {"file": r[S.SOURCE_FILE], "location": r[S.LOCATION], "reason": r[S.REASON]}
            for _, r in out.rejected.head(5000).iterrows()
        ]
        create_table_artifact(
            table=rows or [{"file": "", "location": "", "reason": "nothing rejected"}],
            key=f"{key}-rejected",
            description=f"Rejected files and items of {round_name}",
        )
    except Exception as exc:  # artifacts are a view; never fail a round over them
        logger.warning("Could not publish Prefect artifacts: %s", exc)


@flow(name="consultation-round", log_prints=False)
def consultation_round(
    round_name: str = "sample-round",
    raw_dir: str = "raw",
    outputs_dir: str = "outputs",
    config: ConsultConfig = ConsultConfig(),  # noqa: B008  (Prefect shows and validates it)
) -> str:
    """Ingest, prepare, embed, tag, discover themes and write the reviewer workbook for a round."""
    paths = RoundPaths.for_round(round_name, raw_dir, outputs_dir)
    paths.require_raw()
    rerun.forget(paths)  # a run that fails leaves no record: the next one runs in full
    inputs = rerun.snapshot(paths, config, code=("consult", __name__))  # before anything is read
    earlier = compare.earlier_round(paths, config)  # `[compare] with`: its outputs, read first
    logger = _logger()
    timings: dict[str, float] = {}
    started = time.time()
    with RoundLock(paths.lock):
        cache.begin_run()
        t = time.perf_counter()
        files = collect_task(paths, config)
        plan = ingest.plan(files, round_name, config)
        outcomes = _read_files(plan, round_name, config, paths.private_cache / "parsed", logger)
        # quote(): Prefect would otherwise walk every row of these tables looking for futures
        ingested = combine_task(quote(plan), quote(outcomes), round_name, config)
        prepared = prepare_task(quote(ingested), config, paths.cache / "languages")
        timings["ingest+prepare"] = time.perf_counter() - t

        t = time.perf_counter()
        passages = prepared.passages
        vectors = embed.embedding_cache(paths, config)
        embedded = embed.embed_passages(passages, config, vectors, _embed_runner, logger)
        embeddings = embedded.vectors
        timings["embed"] = time.perf_counter() - t

        t = time.perf_counter()
        tagged = tag_task(
            quote(passages),
            quote(embeddings),
            config,
            Path(outputs_dir),
            round_name,
            quote(vectors),
            embedded.space,
            quote(embedded.reliability),
        )
        timings["tag"] = time.perf_counter() - t

        t = time.perf_counter()
        themed = themes_task(quote(passages), quote(embeddings), quote(tagged), config, paths.cache)
        space = compare.space_of(embedded)
        themed = compare.carry_themes(
            themed, earlier, passages, embeddings, space, config, round_name
        )  # continuing themes keep their earlier ids; every theme gets `since`
        timings["themes"] = time.perf_counter() - t

        t = time.perf_counter()
        bundle = report.bundle(paths, prepared, embedded, tagged, themed, config, timings, started)
        bundle = compare.attach(bundle, earlier)
        out = report_task(paths, quote(bundle), config)
        timings["report"] = time.perf_counter() - t
        cache.evict_unreached()
        publish_artifacts(paths.round, out, logger, config.report.count_campaigns)
        rerun.record(paths, inputs, out, settled=rerun.settled(outcomes))
    logger.info("Round %s done in %.1fs: %s", round_name, time.time() - started, out.workbook)
    return str(out.workbook)


if __name__ == "__main__":  # pragma: no cover
    import sys

    consultation_round(round_name=sys.argv[1] if len(sys.argv) > 1 else "sample-round")
