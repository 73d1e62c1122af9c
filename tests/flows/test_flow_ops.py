"""Running rounds like production: incremental re-runs, the lock, Dask, watch and serve.

These use the hashing embedder so they measure the flow's behaviour, not the model.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from consult import schema as S
from consult.config import ConsultConfig, EmbeddingConfig
from consult.workspace import RoundError, RoundLock, RoundPaths
from tests.support.paths import SAMPLE_RAW
from tests.support.rounds import FILES
from tests.support.rounds import copy_round as _round

pytestmark = pytest.mark.slow


def _config() -> ConsultConfig:
    return ConsultConfig(embedding=EmbeddingConfig(model="hashing-128"))


def _run(raw: Path, out: Path, config: ConsultConfig | None = None, **kw) -> pd.DataFrame:
    from consult.commands import run_round

    run_round("r1", str(raw), str(out), config or _config(), **kw)
    return pd.read_parquet(out / "r1" / "passages.parquet")


def _spy_reads(monkeypatch) -> list[str]:
    import consult.pipeline.ingest as round_mod

    seen: list[str] = []
    real = round_mod.read_planned

    def spy(item, *a, **k):
        seen.append(item.rel)
        return real(item, *a, **k)

    monkeypatch.setattr(round_mod, "read_planned", spy)
    return seen


def test_rerun_reuses_parses_and_adding_a_file_parses_only_that_file(tmp_path, monkeypatch):
    raw, out = _round(tmp_path, FILES[:2]), tmp_path / "out"
    seen = _spy_reads(monkeypatch)
    first = _run(raw, out)
    assert sorted(seen) == sorted(FILES[:2])
    seen.clear()
    again = _run(raw, out)
    assert seen == []  # nothing re-parsed
    assert again[S.PASSAGE_ID].tolist() == first[S.PASSAGE_ID].tolist()
    (raw / "r1" / FILES[2]).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_RAW / "sample-round" / FILES[2], raw / "r1" / FILES[2])
    seen.clear()
    grown = _run(raw, out)
    assert seen == [FILES[2]]
    assert set(first[S.PASSAGE_ID]) < set(grown[S.PASSAGE_ID])


def test_parse_cache_holds_no_personal_data_under_outputs_or_raw(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULT_CACHE_DIR", str(tmp_path / "home-cache"))
    raw, out = _round(tmp_path), tmp_path / "out"
    _run(raw, out)
    parsed = RoundPaths.for_round("r1", raw, out).private_cache / "parsed"
    assert parsed.is_dir() and (tmp_path / "home-cache") in parsed.parents
    assert not list(out.rglob("parsed")) and not list(raw.rglob(".consult-cache"))


def test_a_config_change_invalidates_only_what_it_affects(tmp_path, monkeypatch):
    raw, out = _round(tmp_path), tmp_path / "out"
    _run(raw, out)
    seen = _spy_reads(monkeypatch)
    cfg = _config()
    cfg.topics.seed = 7  # themes must be refitted, files not re-parsed
    _run(raw, out, cfg)
    assert seen == []
    # refitted, and the entry of the old seed evicted: a run keeps what it reached
    assert len(list((out / "r1" / ".cache" / "themes").glob("*.pkl"))) == 1
    cfg.ingest.non_answers = ["n/a"]  # ingest settings changed: every file re-parsed
    _run(raw, out, cfg)
    assert sorted(seen) == sorted(FILES)


def test_second_run_of_the_same_round_is_refused(tmp_path):
    raw, out = _round(tmp_path), tmp_path / "out"
    paths = RoundPaths.for_round("r1", raw, out)
    with RoundLock(paths.lock):
        with pytest.raises(RoundError, match="locked"):
            _run(raw, out)
    _run(raw, out)  # lock released: runs


def test_dask_runner_gives_identical_results(tmp_path):
    raw = _round(tmp_path)
    plain = _run(raw, tmp_path / "plain")
    dask = _run(raw, tmp_path / "dask", task_runner="dask")
    cols = [S.PASSAGE_ID, S.TEXT, S.PRIORITIES, S.TAG_STATUS, S.THEME_ID]
    pd.testing.assert_frame_equal(plain[cols], dask[cols])


def test_dask_address_sends_reads_and_embeddings_to_that_cluster(tmp_path):
    from distributed import Client, LocalCluster, get_task_stream

    raw = _round(tmp_path)  # a new round: nothing parsed yet, so every file is read remotely
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        with get_task_stream(client) as stream:
            remote = _run(
                raw, tmp_path / "remote", task_runner="dask", dask_address=cluster.scheduler_address
            )
    ran = " ".join(str(t.get("key")) for t in stream.data)
    assert "read_file" in ran and "embed_chunk" in ran, ran[:500]
    plain = _run(raw, tmp_path / "plain")
    cols = [S.PASSAGE_ID, S.TEXT, S.PRIORITIES, S.TAG_STATUS, S.THEME_ID]
    pd.testing.assert_frame_equal(plain[cols], remote[cols])


def test_watch_runs_the_round_when_files_land(tmp_path):
    from consult.commands import watch_round

    raw, out = _round(tmp_path, FILES[:1]), tmp_path / "out"
    runs: list[int] = []
    t = threading.Thread(
        target=lambda: runs.append(
            watch_round("r1", str(raw), str(out), _config(), debounce=0.5, max_runs=1)
        ),
        daemon=True,
    )
    t.start()
    time.sleep(1.5)
    shutil.copy(SAMPLE_RAW / "sample-round" / FILES[1], raw / "r1" / FILES[1].split("/")[-1])
    t.join(timeout=240)
    assert runs == [1]
    assert (out / "r1" / "consultation-summary-r1.xlsx").is_file()


def test_flow_can_be_served_as_a_deployment():
    from flows.consultation_round import consultation_round

    dep = consultation_round.to_deployment(name="consultation-round")
    assert dep.name == "consultation-round"
    assert dep.enforce_parameter_schema is not False
    assert {"round_name", "config"} <= set(dep._parameter_openapi_schema.properties)


def test_run_publishes_summary_and_rejections_as_prefect_artifacts(tmp_path):
    from prefect.artifacts import Artifact

    raw, out = _round(tmp_path), tmp_path / "out"
    (raw / "r1" / "surveys" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    _run(raw, out)
    summary = Artifact.get("r1-summary")
    assert summary is not None and "consultation-summary-r1.xlsx" in summary.data
    assert "Top priorities" in summary.data
    rejected = Artifact.get("r1-rejected")
    assert rejected is not None and "broken.xlsx" in str(rejected.data)


def test_a_run_killed_halfway_leaves_the_previous_outputs_and_a_recoverable_lock(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    import openpyxl

    raw, out = _round(tmp_path, FILES[:2]), tmp_path / "out"
    _run(raw, out)
    workbook = out / "r1" / "consultation-summary-r1.xlsx"
    before = workbook.read_bytes()
    shutil.copy(SAMPLE_RAW / "sample-round" / FILES[2], raw / "r1" / FILES[2].split("/")[-1])
    cfg = tmp_path / "consult.toml"
    cfg.write_text('[embedding]\nmodel = "hashing-128"\n')
    # fmt: off
    proc = subprocess.Popen(
        [sys.executable, "-m", "consult.cli", "run", "r1", "--raw", str(raw), "--outputs",
         str(out), "--config", str(cfg)], start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # fmt: on
    lock = out / "r1" / ".run.lock"
    deadline = time.time() + 120
    while not lock.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert lock.exists(), "the run never started"
    os.killpg(proc.pid, signal.SIGKILL)  # the run and Prefect's server, mid-flight
    proc.wait(timeout=30)
    assert workbook.read_bytes() == before  # untouched: never half-written
    openpyxl.load_workbook(workbook, read_only=True).close()
    table = _run(raw, out)  # the stale lock of the dead run is taken over
    assert "viet-nam-national-consultation.vtt" in set(table[S.SOURCE_FILE])
