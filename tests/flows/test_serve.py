"""`consult serve` for real: a Prefect server, the served deployment, and a run triggered through
the API the way the UI's "Run" button triggers it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.support.paths import ROOT
from tests.support.rounds import copy_round as _round

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, seconds: float, what: str, procs=()) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        for p in procs:
            assert p.poll() is None, f"{what}: a process exited early ({p.args})"
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_drafter_triggers_a_round_on_the_served_deployment(tmp_path):
    raw, out = _round(tmp_path), tmp_path / "out"
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = dict(
        os.environ,
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_API_URL=api,
        PREFECT_RUNNER_POLL_FREQUENCY="1",
    )
    env.pop("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", None)
    logs = tmp_path / "logs"
    logs.mkdir()
    procs: list[subprocess.Popen] = []

    def start(args, name):
        procs.append(
            subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=open(logs / f"{name}.log", "w"),
                stderr=subprocess.STDOUT,
            )
        )

    try:
        start(
            [
                sys.executable,
                "-m",
                "prefect",
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            "server",
        )
        _wait(
            lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200,
            180,
            "the Prefect server",
            procs,
        )
        start([sys.executable, "-m", "consult.cli", "serve", "--name", "test-serve"], "serve")

        def deployment():
            r = httpx.get(f"{api}/deployments/name/consultation-round/test-serve", timeout=5)
            return r.json() if r.status_code == 200 else None

        _wait(deployment, 120, "the served deployment", procs)
        params = {
            "round_name": "r1",
            "raw_dir": str(raw),
            "outputs_dir": str(out),
            "config": {"embedding": {"model": "hashing-128"}},
        }
        run: dict = {}
        answers: list[str] = []
        for _ in range(30):  # a loaded SQLite-backed server can answer 5xx for a moment
            r = httpx.post(
                f"{api}/deployments/{deployment()['id']}/create_flow_run",
                json={"parameters": params},
                timeout=10,
            )
            answers.append(f"{r.status_code}: {r.text[:300]}")
            if r.status_code == 201:
                run = r.json()
                break
            time.sleep(2)
        assert "id" in run, answers

        def finished():
            state = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=5).json()["state"]
            return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED") else None

        _wait(finished, 240, "the triggered run", procs)
        assert finished()["type"] == "COMPLETED", (logs / "serve.log").read_text()[-3000:]
        assert (out / "r1" / "consultation-summary-r1.xlsx").is_file()

        bad = dict(params, config={"embedding": {"model": "hashing-128", "devise": "cpu"}})
        refused = httpx.post(
            f"{api}/deployments/{deployment()['id']}/create_flow_run",
            json={"parameters": bad},
            timeout=10,
        )
        assert refused.status_code == 409 and "devise" in refused.text  # Prefect validates config
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
