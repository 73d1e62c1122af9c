"""Ingest and prepare as the flow runs them: plan, read each file (parses cached per file),
combine, prepare (languages cached per passage set)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from consult.config import ConsultConfig
from consult.fingerprint import fingerprint
from consult.ingest.files import collect_round
from consult.ingest.limits import worth_caching
from consult.ingest.manifest import manifest_for
from consult.ingest.prepare import prepare_round
from consult.ingest.round import IngestResult, RoundPlan, assemble_round, plan_round, read_planned
from consult.pipeline.cache import cache_get, cache_put, make_key
from consult.schema import RawFile, validate_passages, validate_rejected
from consult.text.detect import detect_languages
from consult.workspace import RoundPaths, sweep_temp

INGEST_SECTIONS = ("surveys", "ingest", "transcripts", "privacy")
# The modules whose code (with everything of ours they import) produces each cached value; named
# by module, not by the function object, so a stand-in patched over a function keeps its keys.
READ_CODE = read_planned.__module__
DETECT_CODE = detect_languages.__module__


def collect(paths: RoundPaths, config: ConsultConfig) -> list[RawFile]:
    return collect_round(paths.raw_dir, config)


def plan(files: list[RawFile], round_name: str, config: ConsultConfig) -> RoundPlan:
    return plan_round(files, round_name, config)


def read_one(item, round_name: str, config: ConsultConfig, manifest: dict, cache_dir: Path):
    """Parse one file, reusing the parse of an unchanged file with unchanged settings.

    The parse is not yet redacted, so `cache_dir` must be the user's private cache
    (`RoundPaths.private_cache`), never under outputs/ or raw/.
    """
    if item.status != "to-read":
        return None
    key = read_key(item, round_name, config, manifest)
    hit = cache_get(cache_dir, key)
    if hit is not None:
        return hit
    outcome = read_planned(item, round_name, config, manifest)
    if worth_caching(outcome):  # a time-limit rejection is retried next run
        cache_put(cache_dir, key, outcome)
    return outcome


def known_reads(
    items: list, round_name: str, config: ConsultConfig, manifest: dict, cache_dir: Path
) -> dict[int, Any]:
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
        hit = cache_get(cache_dir, read_key(item, round_name, config, manifest))
        if hit is not None:
            known[i] = hit
    return known


def read_key(item, round_name: str, config: ConsultConfig, manifest: dict) -> str:
    return make_key(
        "read",
        fingerprint(READ_CODE),
        item.raw.sha256,
        item.rel,
        round_name,
        config.section_hash(*INGEST_SECTIONS),
        manifest_for(item.rel, manifest),
    )


def combine(
    plan: RoundPlan, outcomes: list, round_name: str, config: ConsultConfig
) -> IngestResult:
    return assemble_round(plan, outcomes, round_name, config)


@dataclass
class Prepared:
    passages: pd.DataFrame
    rejected: pd.DataFrame
    files: pd.DataFrame


def prepare(
    ingested: IngestResult, config: ConsultConfig, cache_dir: Path | None = None
) -> Prepared:
    """Prepare the round; with `cache_dir`, languages detected for the same passages in an
    earlier run are reused (detection is most of prepare's time at 10k passages)."""
    detect = remembered_detection(cache_dir) if cache_dir is not None else None
    passages, rejected, files = prepare_round(
        ingested.passages,
        ingested.rejected,
        ingested.files,
        config,
        **({"detect": detect} if detect else {}),
    )
    return Prepared(
        validate_passages(passages, "prepare"), validate_rejected(rejected, "prepare"), files
    )


def remembered_detection(cache_dir: Path):
    """`detect_languages` that remembers its answers in `cache_dir`."""

    def detect(texts, priors=None, groups=None):
        key = make_key("languages", fingerprint(DETECT_CODE), texts, priors, groups)
        hit = cache_get(cache_dir, key)
        if hit is None:
            hit = detect_languages(texts, priors=priors, groups=groups)
            cache_put(cache_dir, key, hit)
        return hit

    return detect
