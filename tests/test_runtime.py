from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from consult import runtime
from tests.support.rounds import copy_round as _round


def test_offline_environment_and_project_local_prefect_home(tmp_path, monkeypatch):
    for key in (*runtime.OFFLINE_ENV, "PREFECT_HOME"):
        monkeypatch.delenv(key, raising=False)
    home = runtime.configure_environment(tmp_path)
    assert home == (tmp_path / ".prefect").resolve() and home.is_dir()
    assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert os.environ["DO_NOT_TRACK"] == "1"
    assert os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == "120"


def test_no_early_server_once_prefect_is_imported_or_a_server_is_named(monkeypatch):
    import prefect  # noqa: F401  (Prefect has read its settings: too late to point it elsewhere)

    monkeypatch.setattr(runtime, "_server", None)  # one an earlier test of this process started

    assert runtime.start_temporary_server() is False
    monkeypatch.delitem(sys.modules, "prefect")
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.example/api")
    assert runtime.start_temporary_server() is False
    runtime.wait_for_server()  # nothing started: nothing to wait for


def test_no_early_server_when_a_prefect_profile_names_one(tmp_path, monkeypatch):
    (tmp_path / "profiles.toml").write_text(
        'active = "team"\n[profiles.team]\nPREFECT_API_URL = "http://prefect.example/api"\n'
    )
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "prefect")
    monkeypatch.setattr(runtime, "_server", None)
    try:
        assert runtime.start_temporary_server() is False  # `prefect config set` is respected
    finally:
        runtime.stop_temporary_server()


@pytest.mark.slow
def test_consult_run_starts_prefects_server_early_and_stops_it(tmp_path):
    raw, out = _round(tmp_path), tmp_path / "out"
    cfg = tmp_path / "consult.toml"
    cfg.write_text('[embedding]\nmodel = "hashing-128"\n')
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    # fmt: off
    proc = subprocess.run(
        [sys.executable, "-m", "consult.cli", "run", "r1", "--raw", str(raw), "--outputs",
         str(out), "--config", str(cfg)], env=env, cwd=Path(__file__).resolve().parents[1],
        capture_output=True, text=True, timeout=300)
    # fmt: on
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "r1" / "consultation-summary-r1.xlsx").is_file()
    started = re.search(
        r"Starting Prefect's temporary server on http://127\.0\.0\.1:(\d+)", proc.stderr
    )
    assert started, proc.stderr[-2000:]
    assert "Starting temporary server" not in proc.stderr  # Prefect did not start a second one
    with socket.socket() as s:  # and ours is gone with the command
        assert s.connect_ex(("127.0.0.1", int(started.group(1)))) != 0


def test_sigterm_unwinds_like_ctrl_c_so_finally_blocks_run():
    import signal
    import time

    previous = runtime.install_signal_handlers()
    ran = []
    try:
        with pytest.raises(runtime.Interrupted):
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)
            finally:
                ran.append("finally")
    finally:
        runtime.restore_signal_handlers(previous)
    assert ran == ["finally"]


@pytest.mark.slow
def test_the_server_stops_itself_when_consult_is_killed_outright(tmp_path):
    import time

    code = (
        "import os, time\nfrom consult import runtime\nruntime.configure_environment()\n"
        "assert runtime.start_temporary_server()\nruntime.wait_for_server()\n"
        "print(os.environ['PREFECT_API_URL'], flush=True)\ntime.sleep(300)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(re.search(r":(\d+)/api", proc.stdout.readline()).group(1))
    finally:
        proc.kill()  # SIGKILL: no handler, no atexit
        proc.wait()
    deadline = time.time() + 30
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                break
        time.sleep(0.2)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_exit_without_teardown_keeps_exit_code_handlers_and_output():
    """The quick exit still runs every later atexit handler, flushes what was printed and
    logged, and returns the command's exit code."""
    proc = _python(
        "import atexit, logging, sys\n"
        "from consult import runtime\n"
        "runtime.exit_without_teardown()\n"
        "logging.basicConfig(stream=sys.stderr)\n"
        "atexit.register(lambda: print('handler ran', end=''))\n"
        "print('printed, ', end='')\n"
        "logging.getLogger('t').warning('logged')\n"
        "sys.exit(runtime.set_exit_code(3))\n"
    )
    assert proc.returncode == 3
    assert proc.stdout == "printed, handler ran"
    assert "logged" in proc.stderr


def test_exit_without_teardown_leaves_errors_to_python():
    """An exception that escapes the command still ends the usual way: traceback, code 1."""
    proc = _python(
        "from consult import runtime\nruntime.exit_without_teardown()\nraise RuntimeError('boom')\n"
    )
    assert proc.returncode == 1
    assert "RuntimeError: boom" in proc.stderr
