"""The report step as the flow runs it: reconcile reviewer decisions, keep the workbook about to
be replaced, write the workbook and tables, or keep the outputs when nothing they show changed."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import consult
from consult import schema as S
from consult.config import ConsultConfig
from consult.embedding.embed import LazyEmbedder
from consult.fingerprint import fingerprint_of
from consult.ids import sha256_file
from consult.pipeline import compare as comparing
from consult.pipeline import rerun, reviewing
from consult.pipeline.analyse import Tagged
from consult.pipeline.cache import make_key
from consult.pipeline.embed import Embedded
from consult.pipeline.ingest import Prepared
from consult.report.counts import priority_rows
from consult.reviews import rules as reviews
from consult.schema import validate_passages
from consult.tagging.codebook import Codebook
from consult.workspace import RoundPaths, atomic_write

log = logging.getLogger(__name__)


@dataclass
class Bundle:
    """Everything the earlier steps produced that the report step shows."""

    passages: pd.DataFrame
    scores: pd.DataFrame
    embeddings: np.ndarray
    themes: pd.DataFrame
    rejected: pd.DataFrame
    files: pd.DataFrame
    codebook: Codebook
    run_info: dict[str, Any]
    started: float
    earlier: Any = None  # consult.pipeline.compare.Earlier when the run compares rounds


@dataclass
class Outcome:
    """What a run wrote (or kept), for the log, the CLI and the Prefect summary."""

    workbook: Path
    passages: pd.DataFrame
    themes: pd.DataFrame
    rejected: pd.DataFrame
    files: pd.DataFrame
    codebook: Codebook
    n_reviewed: int
    tables: list[Path] = field(default_factory=list)
    review_problems: pd.DataFrame | None = None
    notices: list[str] = field(default_factory=list)  # what happened to reviewer files
    reused: bool = False
    reviewer_files: dict = field(default_factory=dict)  # as reconciled: see pipeline.rerun


def _shown_config(config: ConsultConfig) -> str:
    """The configuration as Run info shows it: names listed for redaction are not repeated."""
    data = config.model_dump(mode="json")
    names = data.get("privacy", {}).get("extra_names") or []
    if names:
        data["privacy"]["extra_names"] = f"[{len(names)} names, not shown]"
    return json.dumps(data, ensure_ascii=False)


def bundle(
    paths: RoundPaths,
    prepared: Prepared,
    embedded: Embedded,
    tagged: Tagged,
    themed,
    config: ConsultConfig,
    timings: dict,
    started: float,
) -> Bundle:
    passages = validate_passages(
        pd.concat([prepared.passages, embedded.columns, tagged.tags, themed.assignments], axis=1),
        "themes",
    )
    # fmt: off
    run_info = {
        "consult version": consult.__version__,
        "round": paths.round,
        "started": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "configuration": _shown_config(config),
        "codebook": tagged.codebook.name,
        "codebook sha256": tagged.codebook.sha256,
        "embedding model": LazyEmbedder(embedded.space.embedding).name,
        "embedding models": embedded.models,
        "embedding runtime": embedded.runtimes,
        "labelled examples from earlier rounds": tagged.n_labelled,
        **({"embedding note": embedded.note} if embedded.note else {}),
        "input files": {r[S.SOURCE_FILE]: r[S.FILE_SHA256] for _, r in prepared.files.iterrows()},
        "stage seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    # fmt: on
    return Bundle(
        passages,
        tagged.scores,
        embedded.vectors,
        themed.themes,
        prepared.rejected,
        prepared.files,
        tagged.codebook,
        run_info,
        started,
    )


def report(paths: RoundPaths, b: Bundle, config: ConsultConfig) -> Outcome:
    """Reconcile reviewer decisions, keep the workbook about to be replaced, write the outputs.

    Decisions come from reviews.csv, its copy and every current workbook (consult.reviews.sources)
    before anything is overwritten. A workbook that is open or cannot be read is never
    replaced: the new one goes beside it, and the log, Data quality and Run info say so.
    """
    from consult.report.export import write_tables
    from consult.report.workbook import ReportData, write_workbook
    from consult.reviews.files import archive, beside_path
    from consult.reviews.readback import remember_written
    from consult.reviews.sources import collect
    from consult.themes.quotes import representative

    t0 = time.perf_counter()
    paths.out_dir.mkdir(parents=True, exist_ok=True)
    codebook, passages = b.codebook, b.passages
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    previous = _previous_run(paths)
    edits_cache = paths.cache / "edits"
    got = collect(
        paths.workbook,
        paths.reviews,
        codebook,
        stamp,
        edits_cache,
        set(passages[S.PASSAGE_ID].astype(str)),
    )
    assert got.target is not None  # collect() always sets where the workbook goes
    seen = rerun.reviewer_files(paths)  # as reconciled, before a hand edit could follow
    store = got.store
    summary = got.summary()
    b = replace(b, run_info=dict(b.run_info, **{"reviewer decisions": summary}))
    validated = reviewing.validation_sample(paths, passages, store, config, stamp)
    content = _content_key(  # an open workbook is no change
        b, store, config, got.problems(), validated.sample, validated.notices
    )
    if previous is not None and previous.get("content_key") == content:
        log.info(
            "Outputs of %s are up to date (same inputs, settings and reviews); kept as they are",
            paths.round,
        )
        kept = _reuse_outputs(paths, b, previous, t0, store, got.notices + got.open_notices)
        return replace(kept, reviewer_files=seen)
    notices = got.notices + got.open_notices + validated.notices
    if got.target == paths.workbook and got.changed_since_read(paths.workbook):
        got.target = beside_path(paths.workbook, stamp)
        notices.append(
            f"`{paths.workbook}` was saved again while this run was reading it; it "
            "was left as it is, and its new edits count on the next run."
        )
    if got.target != paths.workbook:
        notices.append(
            f"The new workbook was written beside it, as `{got.target}`; "
            f"`{paths.workbook.name}` was not replaced."
        )
        summary["workbook written to"] = got.target.name
        log.warning("%s", notices[-1])
    else:
        archive(paths.workbook, stamp)  # the workbook about to be replaced, once per content
    problems = got.problems(notices)
    if validated.problems:
        extra = pd.DataFrame(validated.problems, columns=reviews.PROBLEM_COLUMNS, dtype=object)
        problems = pd.concat([problems, extra], ignore_index=True)
    passages = reviews.apply_reviews(passages, store)  # the workbook validates what it shows
    queue = reviewing.review_queue(
        passages,
        b.scores,
        b.embeddings,
        reviewing.labelled_counts(codebook, store, paths.out_dir.parent, paths.round),
        config.review.queue_size,
        validated.sample,
    )
    groups = priority_rows(
        passages, [p.id for p in codebook.priorities], config.report.count_campaigns
    )
    mine, comparison = comparing.for_report(paths.round, b, passages, config)
    data = ReportData(
        round=paths.round,
        passages=passages,
        scores=b.scores,
        themes=b.themes,
        codebook=codebook,
        rejected=b.rejected,
        files=b.files,
        run_info=b.run_info,
        priority_quotes=representative(b.embeddings, groups, config.report.quotes_per_priority),
        orphaned=reviews.orphaned(passages, store),
        agreement=reviews.agreement(passages, codebook),
        review_problems=problems,
        started=b.started,
        config=config.report,
        review_queue=queue,
        validation=validated.sample,
        review=config.review,
        comparison=comparison,
    )
    workbook = write_workbook(got.target, data)
    remember_written(workbook, passages, edits_cache, stamp)
    tables = write_tables(
        paths.out_dir, passages, b.scores, neutralize_csv=config.report.csv_neutralize_formulas
    )
    tables += comparing.write_outputs(paths.out_dir, mine, codebook, comparison, config)
    info = dict(
        b.run_info,
        passages=len(passages),
        workbook=str(workbook),
        workbook_sha256=sha256_file(workbook),
        content_key=content,
        **comparing.seconds(b),
    )
    _write_run_info(paths, info, t0)
    return _outcome(
        b,
        workbook,
        passages,
        tables=tables,
        review_problems=problems,
        notices=notices,
        reviewer_files=seen,
    )


def _outcome(b: Bundle, workbook: Path, passages: pd.DataFrame, **extra) -> Outcome:
    return Outcome(
        workbook,
        passages,
        b.themes,
        b.rejected,
        b.files,
        b.codebook,
        int((passages[S.FINAL_SOURCE] == reviews.REVIEWER).sum()),
        **extra,
    )


def _previous_run(paths: RoundPaths) -> dict | None:
    """The last run's info when the workbook is exactly the file it wrote (nobody edited it) and
    its passage tables are still there (a deleted table is written again, not reused)."""
    info = paths.out_dir / "run-info.json"
    tables = [paths.out_dir / f"passages.{ext}" for ext in ("parquet", "csv")]
    if not (paths.workbook.is_file() and info.is_file() and all(t.is_file() for t in tables)):
        return None
    try:
        prev = json.loads(info.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return None
    return prev if prev.get("workbook_sha256") == sha256_file(paths.workbook) else None


def _content_key(
    b: Bundle, store, config: ConsultConfig, problems=None, sample=None, notices=()
) -> str:
    """Everything the workbook shows, hashed: equal keys mean an identical workbook."""
    from consult.report.export import write_tables
    from consult.report.workbook import write_workbook
    from consult.reviews.sources import collect
    from consult.themes.quotes import representative

    frames = [
        b.passages,
        b.scores,
        b.rejected,
        b.files,
        b.themes.astype({S.THEME_QUOTES: str}) if len(b.themes) else b.themes,
    ]
    frames += [f for f in (store, problems, sample) if f is not None]
    parts = [
        pd.util.hash_pandas_object(f.astype(str), index=False).to_numpy().tobytes() for f in frames
    ]
    # not what the workbook says, or (reviewer decisions) said by the store and problems above
    per_process = ("started", "stage seconds", "embedding runtime", "reviewer decisions")
    info = {k: v for k, v in b.run_info.items() if k not in per_process}
    code = fingerprint_of(write_workbook, write_tables, collect, representative, __name__)
    return make_key(
        "content", code, *parts, info, list(notices), config.section_hash("report", "review")
    )


def _write_run_info(paths: RoundPaths, info: dict, t0: float) -> None:
    info["stage seconds"] = dict(info["stage seconds"], report=round(time.perf_counter() - t0, 2))
    text = json.dumps(info, indent=1, default=str)
    atomic_write(
        paths.out_dir / "run-info.json", lambda tmp: tmp.write_text(text, encoding="utf-8")
    )


def _reuse_outputs(
    paths: RoundPaths, b: Bundle, previous: dict, t0: float, store, notices: list[str] | None = None
) -> Outcome:
    passages = reviews.apply_reviews(b.passages, store)
    info = dict(
        previous,
        **{
            "stage seconds": b.run_info["stage seconds"],
            "outputs reused from": previous.get("started"),
        },
    )
    _write_run_info(paths, info, t0)
    return _outcome(
        b, paths.workbook, passages, review_problems=None, reused=True, notices=notices or []
    )
