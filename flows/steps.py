"""Glue between the flow's tasks and the pure stages: file I/O, on-disk caches, bookkeeping.

Kept apart from the @task wrappers so each piece can be tested without Prefect.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

import consult
from consult import schema as S
from consult.config import ConsultConfig
from consult.embedding.embed import EmbeddingCache, LazyEmbedder
from consult.ids import sha256_file
from consult.text.languages import UNDETERMINED
from consult.schema import RawFile
from consult.report.counts import counted_mask, id_list
from consult.workspace import RoundPaths, atomic_write, sweep_temp
from flows.cache import cache_get as _cache_get
from flows.cache import cache_put as _cache_put
from flows.cache import fingerprint
from flows.cache import make_key as _key

log = logging.getLogger(__name__)

EMBED_CHUNK = 2048  # texts per embedding task: large enough to batch well, small enough to spread
INGEST_SECTIONS = ("surveys", "ingest", "transcripts", "privacy")


# ---- ingest --------------------------------------------------------------------------------
def collect(paths: RoundPaths, config: ConsultConfig) -> list[RawFile]:
    from consult.ingest.files import collect_round

    return collect_round(paths.raw_dir, config)


def plan(files: list[RawFile], round_name: str, config: ConsultConfig):
    from consult.ingest.round import plan_round

    return plan_round(files, round_name, config)


def read_one(item, round_name: str, config: ConsultConfig, manifest: dict, cache_dir: Path):
    """Parse one file, reusing the parse of an unchanged file with unchanged settings.

    The parse is not yet redacted, so `cache_dir` must be the user's private cache
    (`RoundPaths.private_cache`), never under outputs/ or raw/.
    """
    from consult.ingest.limits import worth_caching
    from consult.ingest.round import read_planned

    if item.status != "to-read":
        return None
    key = _read_key(item, round_name, config, manifest)
    hit = _cache_get(cache_dir, key)
    if hit is not None:
        return hit
    outcome = read_planned(item, round_name, config, manifest)
    if worth_caching(outcome):  # a time-limit rejection is retried next run
        _cache_put(cache_dir, key, outcome)
    return outcome


def known_reads(items: list, round_name: str, config: ConsultConfig, manifest: dict,
                cache_dir: Path) -> dict[int, Any]:
    """Outcomes known without parsing (unchanged files, files not to read), by position.

    The flow maps a task only over the rest: a re-run does not pay a task per unchanged file.
    Runs once per run, under the round's lock: it also clears what a killed run left half-written.
    """
    sweep_temp(cache_dir)
    known: dict[int, Any] = {}
    for i, item in enumerate(items):
        if item.status != "to-read":
            known[i] = None
            continue
        hit = _cache_get(cache_dir, _read_key(item, round_name, config, manifest))
        if hit is not None:
            known[i] = hit
    return known


def _read_key(item, round_name: str, config: ConsultConfig, manifest: dict) -> str:
    from consult.ingest.manifest import manifest_for

    return _key("read", fingerprint("consult.ingest"), item.raw.sha256, item.rel, round_name,
                config.section_hash(*INGEST_SECTIONS), manifest_for(item.rel, manifest))


def combine(plan, outcomes: list, round_name: str, config: ConsultConfig):
    from consult.ingest.round import assemble_round

    return assemble_round(plan, outcomes, round_name, config)


@dataclass
class Prepared:
    passages: pd.DataFrame
    rejected: pd.DataFrame
    files: pd.DataFrame


def prepare(ingested, config: ConsultConfig, cache_dir: Path | None = None) -> Prepared:
    """Prepare the round; with `cache_dir`, languages detected for the same passages in an
    earlier run are reused (detection is most of prepare's time at 10k passages)."""
    from consult.ingest.prepare import prepare_round

    detect = _remembered_detection(cache_dir) if cache_dir is not None else None
    return Prepared(*prepare_round(ingested.passages, ingested.rejected, ingested.files, config,
                                   **({"detect": detect} if detect else {})))


def _remembered_detection(cache_dir: Path):
    from consult.text.detect import detect_languages

    def detect(texts, priors=None, groups=None):
        key = _key("languages", fingerprint("consult.text.detect", "consult.text.idms",
                                            "consult.text.languages"), texts, priors, groups)
        hit = _cache_get(cache_dir, key)
        if hit is None:
            hit = detect_languages(texts, priors=priors, groups=groups)
            _cache_put(cache_dir, key, hit)
        return hit

    return detect


# ---- embed ---------------------------------------------------------------------------------
def embed_chunk(texts: list[str], config: ConsultConfig) -> np.ndarray:
    t = time.perf_counter()
    vecs = LazyEmbedder(config.embedding).encode(texts)
    log.info("embedded %d texts in %.1fs", len(texts), time.perf_counter() - t)
    return vecs


def embedding_cache(paths: RoundPaths, config: ConsultConfig) -> EmbeddingCache:
    """The run's one view of the shared vector cache: its file is read once per run.

    Other rounds may be writing there, so only temporary files an hour old are cleared.
    """
    folder = paths.shared_cache / "embeddings"
    sweep_temp(folder, min_age_s=3600)
    return EmbeddingCache(folder if config.embedding.cache else None)


def embed_all(texts: list[str], config: ConsultConfig, cache: EmbeddingCache,
              run_chunks: Callable[[list[list[str]]], list[np.ndarray]], logger) -> np.ndarray:
    """Embed each distinct text once per model; cached vectors are reused across runs and rounds."""
    lazy = LazyEmbedder(config.embedding)
    todo = cache.missing(texts, lazy.name)
    t = time.perf_counter()
    if todo:
        chunks = [todo[i:i + EMBED_CHUNK] for i in range(0, len(todo), EMBED_CHUNK)]
        logger.info("embed: %d new texts in %d chunk(s) with %s (%d cached)", len(todo),
                    len(chunks), lazy.name, len(set(texts)) - len(todo))
        cache.add(lazy.name, todo, np.concatenate(run_chunks(chunks)))
        logger.info("embed: %.0f texts/s", len(todo) / max(time.perf_counter() - t, 1e-9))
    else:
        logger.info("embed: all %d texts cached for %s", len(texts), lazy.name)
    if not texts:
        return np.zeros((0, 0), np.float32)
    return cache.get(texts, lazy.name)


@dataclass
class Embedded:
    """Vectors of every passage in one space, and which model read each passage."""

    vectors: np.ndarray  # one row per passage, in the space of `space`'s model
    columns: pd.DataFrame  # EMBEDDING_MODEL and LANGUAGE_SUPPORTED, one row per passage
    space: ConsultConfig  # the settings whose embedding model reads the codebook
    models: dict[str, str]  # language -> model name, most frequent language first
    runtimes: dict[str, str]  # model name -> how it ran in this process
    reliability: list[float]  # per passage: share of tag confidence that survives the map
    note: str = ""  # why every passage went to the multilingual model, when it did


def embed_passages(passages: pd.DataFrame, config: ConsultConfig, cache: EmbeddingCache,
                   runner: Callable[[ConsultConfig], Callable], logger) -> Embedded:
    """Each passage embedded (cached, in chunks) by the model for its language."""
    from consult.embedding.routing import embed_routed

    runtimes: dict[str, str] = {}

    def embed(texts: list[str], settings) -> np.ndarray:
        sub = config.model_copy(update={"embedding": settings})
        vecs = embed_all(texts, sub, cache, runner(sub), logger)
        lazy = LazyEmbedder(settings)
        runtimes[lazy.name] = lazy.runtime
        return vecs

    routed = embed_routed(passages[S.TEXT].astype(str).tolist(),
                          passages[S.LANGUAGE].tolist(), config.embedding, embed)
    columns = pd.DataFrame({S.EMBEDDING_MODEL: pd.Series(routed.names, dtype=object),
                            S.LANGUAGE_SUPPORTED: pd.Series(routed.supported, dtype=bool)})
    space = config.model_copy(update={"embedding": routed.space})
    return Embedded(routed.vectors, columns, space, routed.models, runtimes, routed.reliability,
                    routed.note)


def _labelled_reader(config: ConsultConfig, cache: EmbeddingCache | None):
    """Confirmed passages of earlier rounds, read as this round's passages are."""
    from consult.embedding.embed import embed_texts
    from consult.embedding.routing import labelled_reader

    return labelled_reader(config.embedding,
                           lambda texts, s: embed_texts(texts, LazyEmbedder(s), cache)[0])


def _languages(passages: pd.DataFrame) -> list[str]:
    """Each passage's language (`und` where unknown); a table without the column is one
    language, as tables from before languages were detected are."""
    if S.LANGUAGE not in passages.columns:
        return ["en"] * len(passages)
    return passages[S.LANGUAGE].fillna(UNDETERMINED).astype(str).tolist()


# ---- tag -----------------------------------------------------------------------------------
@dataclass
class Tagged:
    tags: pd.DataFrame
    scores: pd.DataFrame
    codebook: Any
    n_labelled: int


def labelled_from_other_rounds(outputs_dir: Path, round_name: str) -> pd.DataFrame | None:
    """Reviewer-confirmed decisions of earlier rounds, as examples for the tagger."""
    from consult.reviews.rules import labelled_examples
    from consult.reviews.store import load_store

    frames = []
    for store_path in sorted(outputs_dir.glob("*/reviews.csv")):
        if store_path.parent.name == round_name:
            continue
        frames.append(labelled_examples(load_store(store_path)))
    frames = [f for f in frames if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else None


def tag(passages: pd.DataFrame, embeddings: np.ndarray, config: ConsultConfig,
        outputs_dir: Path, round_name: str, cache: EmbeddingCache | None = None,
        space: ConsultConfig | None = None, reliability: list[float] | None = None) -> Tagged:
    """`space`: the settings whose model put `embeddings` in their space (it reads the
    codebook); the run's own settings when every passage was read by one model.
    `reliability`: per passage, see `consult.tagging.tag.tag_passages`."""
    from consult.tagging.codebook import load_codebook
    from consult.tagging.tag import tag_passages

    codebook = load_codebook(config.tagging.codebook)
    labelled = labelled_from_other_rounds(outputs_dir, round_name)
    texts = passages[S.TEXT].astype(str).tolist()
    languages = _languages(passages)
    lazy = LazyEmbedder((space or config).embedding)
    key = _key("tag", fingerprint("consult.tagging.tag", "consult.tagging.keywords", "consult.text.lemmas",
                                  "consult.tagging.codebook", "consult.embedding.embed", "consult.embedding.routing",
                                  "consult.embedding.space", "consult.text.detect"),
               embeddings.tobytes(), texts, languages, reliability, codebook.sha256,
               config.section_hash("tagging"), lazy.name,
               None if labelled is None else labelled.to_json(orient="values"))
    paths = RoundPaths.for_round(round_name, outputs=outputs_dir)
    folder = paths.cache / "tags"
    hit = _cache_get(folder, key)
    if hit is None:
        res = tag_passages(texts, embeddings, codebook, lazy, config.tagging, labelled=labelled,
                           cache=cache or embedding_cache(paths, config), languages=languages,
                           reliability=reliability, encode_labelled=_labelled_reader(config, cache))
        hit = (res.tags.reset_index(drop=True), res.scores.reset_index(drop=True))
        _cache_put(folder, key, hit)
    return Tagged(hit[0], hit[1], codebook, 0 if labelled is None else len(labelled))


# ---- themes --------------------------------------------------------------------------------
def themes(passages: pd.DataFrame, embeddings: np.ndarray, scores: pd.DataFrame, codebook,
           config: ConsultConfig, cache_dir: Path, coverage: np.ndarray | None = None):
    """Fit themes, reusing the fitted result when texts, vectors, scores and settings are unchanged."""
    from consult.themes.topics import discover_themes

    texts = passages[S.TEXT].astype(str).tolist()
    languages = _languages(passages)
    mask = counted_mask(passages).to_numpy()
    code = fingerprint("consult.themes.topics", "consult.themes.labels", "consult.text.words",
                       "consult.themes.clustering", "consult.themes.quotes", "consult.text.detect")
    key = _key("themes", code, embeddings.tobytes(), languages,
               texts, mask.tolist(), pd.util.hash_pandas_object(scores, index=False).sum(),
               None if coverage is None else coverage.tobytes(),
               config.section_hash("topics"), codebook.sha256)
    hit = _cache_get(cache_dir / "themes", key)
    if hit is not None:
        return hit
    res = discover_themes(texts, embeddings, scores, codebook, config.topics, fit_mask=mask,
                          coverage=coverage, languages=languages)
    res.model = None  # the fitted BERTopic is not used downstream; unpickling it costs seconds
    _cache_put(cache_dir / "themes", key, res)
    return res


def _shown_config(config: ConsultConfig) -> str:
    """The configuration as Run info shows it: names listed for redaction are not repeated."""
    data = config.model_dump(mode="json")
    names = data.get("privacy", {}).get("extra_names") or []
    if names:
        data["privacy"]["extra_names"] = f"[{len(names)} names, not shown]"
    return json.dumps(data, ensure_ascii=False)


# ---- report --------------------------------------------------------------------------------
def bundle(paths: RoundPaths, prepared: Prepared, embedded: Embedded, tagged: Tagged, themed,
           config: ConsultConfig, timings: dict, started: float) -> dict:
    passages = pd.concat([prepared.passages, embedded.columns, tagged.tags, themed.assignments],
                         axis=1)

    run_info = {
        "consult version": consult.__version__,
        "round": paths.round,
        "started": datetime.fromtimestamp(started, timezone.utc).isoformat(timespec="seconds"),
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
    return {
        "passages": passages, "scores": tagged.scores, "embeddings": embedded.vectors,
        "themes": themed.themes, "rejected": prepared.rejected, "files": prepared.files,
        "codebook": tagged.codebook, "run_info": run_info, "started": started,
    }


def report(paths: RoundPaths, b: dict, config: ConsultConfig) -> dict:
    """Reconcile reviewer decisions, keep the workbook about to be replaced, write the outputs.

    Decisions come from reviews.csv, its copy and every current workbook (consult.reviews.sources)
    before anything is overwritten. A workbook that is open or cannot be read is never
    replaced: the new one goes beside it, and the log, Data quality and Run info say so.
    """
    from consult.reviews import rules as reviews
    from consult.themes.quotes import representative
    from consult.report.workbook import ReportData, write_workbook
    from consult.report.export import write_tables
    from consult.reviews.files import archive, beside_path
    from consult.reviews.readback import remember_written
    from consult.reviews.sources import collect

    t0 = time.perf_counter()
    paths.out_dir.mkdir(parents=True, exist_ok=True)
    codebook, passages = b["codebook"], b["passages"]
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    previous = _previous_run(paths)
    edits_cache = paths.cache / "edits"
    got = collect(paths.workbook, paths.reviews, codebook, stamp, edits_cache,
                  set(passages[S.PASSAGE_ID].astype(str)))
    store = got.store
    summary = got.summary()
    b = dict(b, run_info=dict(b["run_info"], **{"reviewer decisions": summary}))
    content = _content_key(b, store, config, got.problems())  # an open workbook is no change
    if previous is not None and previous.get("content_key") == content:
        log.info("Outputs of %s are up to date (same inputs, settings and reviews); kept as they are",
                 paths.round)
        return _reuse_outputs(paths, b, previous, t0, store, got.notices + got.open_notices)
    notices = got.notices + got.open_notices
    if got.target == paths.workbook and got.changed_since_read(paths.workbook):
        got.target = beside_path(paths.workbook, stamp)
        notices.append(f"`{paths.workbook}` was saved again while this run was reading it; it "
                       "was left as it is, and its new edits count on the next run.")
    if got.target != paths.workbook:
        notices.append(f"The new workbook was written beside it, as `{got.target}`; "
                       f"`{paths.workbook.name}` was not replaced.")
        summary["workbook written to"] = got.target.name
        log.warning("%s", notices[-1])
    else:
        archive(paths.workbook, stamp)  # the workbook about to be replaced, once per content
    problems = got.problems(notices)
    passages = reviews.apply_reviews(passages, store)
    orphaned = reviews.orphaned(passages, store)
    agreement = reviews.agreement(passages, codebook)

    counted = counted_mask(passages).to_numpy()
    groups: dict[str, list[int]] = {p.id: [] for p in codebook.priorities}
    for i, (final, ok) in enumerate(zip(passages[S.FINAL_PRIORITIES], counted)):
        for pid in id_list(final) if ok else []:
            groups.setdefault(pid, []).append(i)
    priority_quotes = representative(b["embeddings"], groups, config.report.quotes_per_priority)

    data = ReportData(
        round=paths.round, passages=passages, scores=b["scores"], themes=b["themes"],
        codebook=codebook, rejected=b["rejected"], files=b["files"], run_info=b["run_info"],
        priority_quotes=priority_quotes, orphaned=orphaned, agreement=agreement,
        review_problems=problems, started=b["started"], config=config.report,
    )
    workbook = write_workbook(got.target, data)
    remember_written(workbook, passages, edits_cache, stamp)
    tables = write_tables(paths.out_dir, passages, b["scores"],
                          neutralize_csv=config.report.csv_neutralize_formulas)
    info = dict(b["run_info"], passages=len(passages), workbook=str(workbook),
                workbook_sha256=sha256_file(workbook), content_key=content)
    _write_run_info(paths, info, t0)
    return _outcome(b, workbook, passages, tables=tables, review_problems=problems,
                    notices=notices)


def _outcome(b: dict, workbook: Path, passages: pd.DataFrame, **extra) -> dict:
    """What the flow reports of a written (or kept) workbook; `notices` say what happened to
    reviewer files (an open workbook, a rebuilt reviews.csv)."""
    from consult.reviews import rules as reviews

    extra.setdefault("notices", [])
    return {"workbook": workbook, "passages": passages, "themes": b["themes"],
            "rejected": b["rejected"], "files": b["files"], "codebook": b["codebook"],
            "n_reviewed": int((passages[S.FINAL_SOURCE] == reviews.REVIEWER).sum()), **extra}


def _previous_run(paths: RoundPaths) -> dict | None:
    """The last run's info when the workbook is exactly the file it wrote (nobody edited it)."""
    info = paths.out_dir / "run-info.json"
    if not (paths.workbook.is_file() and info.is_file()):
        return None
    try:
        prev = json.loads(info.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return None
    return prev if prev.get("workbook_sha256") == sha256_file(paths.workbook) else None


def _content_key(b: dict, store, config: ConsultConfig, problems=None) -> str:
    """Everything the workbook shows, hashed: equal keys mean an identical workbook."""
    frames = [b["passages"], b["scores"], b["rejected"], b["files"],
              b["themes"].astype({S.THEME_QUOTES: str}) if len(b["themes"]) else b["themes"]]
    frames += [f for f in (store, problems) if f is not None]
    parts = [pd.util.hash_pandas_object(f.astype(str), index=False).to_numpy().tobytes()
             for f in frames]
    # not what the workbook says, or (reviewer decisions) said by the store and problems above
    per_process = ("started", "stage seconds", "embedding runtime", "reviewer decisions")
    info = {k: v for k, v in b["run_info"].items() if k not in per_process}
    return _key("content", fingerprint("consult.report", "consult.reviews.rules", "consult.themes.quotes",
                                       "consult.reviews.store", "consult.reviews.sources",
                                       "consult.reviews.recovery", "consult.reviews.files"),
                *parts, info, config.section_hash("report"))


def _write_run_info(paths: RoundPaths, info: dict, t0: float) -> None:
    info["stage seconds"] = dict(info["stage seconds"], report=round(time.perf_counter() - t0, 2))
    text = json.dumps(info, indent=1, default=str)
    atomic_write(paths.out_dir / "run-info.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _reuse_outputs(paths: RoundPaths, b: dict, previous: dict, t0: float, store,
                   notices: list[str] | None = None) -> dict:
    from consult.reviews import rules as reviews

    passages = reviews.apply_reviews(b["passages"], store)
    info = dict(previous, **{"stage seconds": b["run_info"]["stage seconds"],
                             "outputs reused from": previous.get("started")})
    _write_run_info(paths, info, t0)
    return _outcome(b, paths.workbook, passages, tables=[], review_problems=None, reused=True,
                    notices=notices or [])


def summary_markdown(paths: RoundPaths, out: dict) -> str:
    """The run summary shown as a Prefect artifact."""
    p, themes_df, files = out["passages"], out["themes"], out["files"]
    counted = p[counted_mask(p)]
    n = max(len(counted), 1)
    labels = {x.id: x.label for x in out["codebook"].priorities}
    share = counted[S.FINAL_PRIORITIES].map(id_list).explode().dropna().value_counts()
    lines = [
        f"# Consultation round `{paths.round}`", "",
        f"Workbook: `{Path(out['workbook']).resolve()}`", "",
        *[f"> **Reviewer files:** {n}" for n in out.get("notices") or []],
        *([""] if out.get("notices") else []),
        f"- Files: {len(files)} ({int((files[S.FILE_STATUS] != 'read').sum())} not read)",
        f"- Passages: {len(p)} ({len(counted)} stakeholder input); rejected items: "
        f"{len(out['rejected'])}",
        f"- Reviewed passages: {out['n_reviewed']}", "", "## Top priorities", "",
        "| Priority | Passages | Share |", "|---|---:|---:|",
    ]
    for pid, c in share.head(8).items():
        lines.append(f"| {pid} {labels.get(pid, '')} | {c} | {c / n:.0%} |")
    emerging = themes_df[themes_df[S.THEME_EMERGING].astype(bool)] if len(themes_df) else themes_df
    lines += ["", "## Emerging themes", ""]
    if len(emerging):
        for _, t in emerging.sort_values(S.THEME_SIZE, ascending=False).head(8).iterrows():
            lines.append(f"- **{t[S.THEME_LABEL]}** ({t[S.THEME_SIZE]} passages): {t[S.THEME_KEYWORDS]}")
    else:
        lines.append("- none: every theme overlaps a priority of the codebook")
    return "\n".join(lines)


def publish_artifacts(paths: RoundPaths, out: dict, logger) -> None:
    """Markdown summary and a table of rejected files and items, visible in the Prefect UI."""
    try:
        from prefect.artifacts import create_markdown_artifact, create_table_artifact

        key = "".join(c if c.isalnum() else "-" for c in paths.round.lower()).strip("-") or "round"
        create_markdown_artifact(markdown=summary_markdown(paths, out), key=f"{key}-summary",
                                 description=f"Summary of round {paths.round}")
        # whole-file rejections are rows of `rejected` too (location "whole file")
        rows = [{"file": r[S.SOURCE_FILE], "location": r[S.LOCATION], "reason": r[S.REASON]}
                for _, r in out["rejected"].head(5000).iterrows()]
        create_table_artifact(table=rows or [{"file": "", "location": "", "reason": "nothing rejected"}],
                              key=f"{key}-rejected", description=f"Rejected files and items of {paths.round}")
    except Exception as exc:  # artifacts are a view; never fail a round over them
        logger.warning("Could not publish Prefect artifacts: %s", exc)
