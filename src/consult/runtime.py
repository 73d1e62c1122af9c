"""Process-wide settings that must be in place before Prefect or Hugging Face code is imported.

Called by the CLI and by the flow module, so a user running either gets an offline, private,
project-local Prefect (no analytics, no hub downloads) without exporting anything by hand.
"""

from __future__ import annotations

import atexit
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

# fmt: off
OFFLINE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}
# fmt: on


def configure_environment(project_dir: str | Path | None = None) -> Path:
    """Set the offline environment; PREFECT_HOME defaults to `<project>/.prefect`.

    Values a user already exported win, so `PREFECT_API_URL` still points runs at a real server.
    """
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    if "PREFECT_HOME" in os.environ:
        home = Path(os.environ["PREFECT_HOME"])
        home.mkdir(parents=True, exist_ok=True)
        return home
    base = Path(project_dir) if project_dir else Path.cwd()
    home = (base / ".prefect").resolve()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # run from a read-only share: Prefect's database goes to the user's
        from consult.workspace import cache_home

        log.info("Cannot use %s for Prefect (%s); using the user's cache folder", home, exc)
        home = cache_home("prefect", env_sub="prefect")
        home.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_HOME"] = str(home)
    return home


# ---- Prefect's temporary server, started early --------------------------------------------------
# Without PREFECT_API_URL, Prefect starts a temporary API server on the first flow call, after
# importing its server code into this process as well (~3 s) and then waiting for the server's
# own start (~4 s). The CLI starts the very same server (same uvicorn app and settings) before it
# imports anything heavy, so that start overlaps the imports and the model load.
_server: subprocess.Popen | None = None

# The server runs in its own session, so a Ctrl+C in the terminal reaches only consult, which
# then stops the server after Prefect's last log flush. If consult dies without stopping it
# (SIGKILL), the server notices that its parent is gone and stops itself.
_SERVER_MAIN = """\
import os, signal, sys, threading, time
parent = int(sys.argv.pop(1))
def _orphaned():
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(10)
    os._exit(1)
threading.Thread(target=_orphaned, daemon=True).start()
sys.argv[0] = "uvicorn"
from uvicorn.main import main
main()
"""


def start_temporary_server() -> bool:
    """Start Prefect's temporary server in the background; False when not ours to start.

    Must run before Prefect is imported: Prefect reads PREFECT_API_URL once, at import.
    """
    global _server
    if (
        _server is not None
        or os.environ.get("PREFECT_API_URL")
        or "prefect" in sys.modules
        or _server_configured_elsewhere()
    ):
        return False
    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        return False
    app_dir = str(Path(list(spec.submodule_search_locations)[0]).parent)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(
        os.environ, PREFECT_UI_ENABLED="0", PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1"
    )
    # fmt: off
    _server = subprocess.Popen(
        [sys.executable, "-c", _SERVER_MAIN, str(os.getpid()), "--app-dir", app_dir, "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--lifespan", "on"], env=env, stdin=subprocess.DEVNULL,
        start_new_session=True)
    # fmt: on
    os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
    os.environ.setdefault("PREFECT_UI_URL", "")  # it serves no dashboard: no "View at" links
    atexit.register(stop_temporary_server)  # registered before Prefect's: runs after its flushes
    log.info("Starting Prefect's temporary server on http://127.0.0.1:%d", port)
    return True


def _server_configured_elsewhere() -> bool:
    """Prefect settings files that may name a server: then Prefect alone decides which to use."""
    cwd = Path.cwd()
    if (cwd / "prefect.toml").is_file() or (cwd / ".env").is_file():
        return True
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file() and "tool.prefect" in pyproject.read_text(errors="replace"):
        return True
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")
    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml")
    try:
        data = tomllib.loads(profiles.read_text())
    except (OSError, ValueError):
        return False
    name = os.environ.get("PREFECT_PROFILE") or data.get("active") or "ephemeral"
    return "PREFECT_API_URL" in data.get("profiles", {}).get(name, {})


def wait_for_server() -> None:
    """Block until the server started above answers; no-op when none was started here."""
    if _server is None:
        return
    url = os.environ["PREFECT_API_URL"] + "/health"
    limit = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    deadline = time.monotonic() + limit
    while True:
        if _server.poll() is not None:
            raise RuntimeError(
                f"Prefect's temporary server exited (code {_server.returncode}) before it was "
                "ready; its messages are above. Check PREFECT_HOME="
                f"{os.environ.get('PREFECT_HOME')} or run `prefect server start` and export "
                "PREFECT_API_URL."
            )
        try:
            with opener.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:  # not listening yet
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"Prefect's temporary server did not answer within {limit:.0f} s; raise "
                "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS or run `prefect server start` "
                "and export PREFECT_API_URL."
            )
        time.sleep(0.1)


def stop_temporary_server() -> None:
    """Stop the server started above (at exit, on SIGTERM too: see install_signal_handlers)."""
    global _server
    if _server is None:
        return
    proc, _server = _server, None
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ---- ending cleanly ---------------------------------------------------------------------------
class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl+C so every `finally` runs (temporary files removed,
    the lock released) and the server is stopped at exit."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum, frame) -> None:
    raise Interrupted(signum)


def install_signal_handlers() -> dict:
    """Turn SIGTERM and SIGHUP into Interrupted; returns the handlers to restore.

    Without this, Python dies on SIGTERM without running `finally` blocks or atexit, and
    Prefect, which forwards SIGTERM to the handler it found, would do the same.
    """
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                previous[sig] = signal.signal(sig, _raise_interrupted)
            except ValueError:  # not the main thread
                pass
    return previous


def restore_signal_handlers(previous: dict) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


class _NoTraceback(logging.Filter):
    """Drops the traceback of errors the CLI explains itself (the message stays)."""

    def __init__(self, explained):
        super().__init__()
        self.explained = explained

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and self.explained(exc):
            record.exc_info, record.exc_text = None, None
        return True


_RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs", "prefect.engine")


def hide_tracebacks(explained) -> None:
    """Prefect logs every failed run with its traceback; for errors `explained(exc)` says the
    CLI turns into a message (a full disk, a wrong setting), the message alone is enough."""
    for name in _RUN_LOGGERS:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, _NoTraceback)]:
            logger.removeFilter(old)
        logger.addFilter(_NoTraceback(explained))


# ---- leaving quickly ------------------------------------------------------------------------------
_exit_code: int | None = None


def exit_without_teardown() -> None:
    """Let this process end without the interpreter's teardown, once Python's exit has done all
    that matters; call it first thing, then `sys.exit(code)` through `set_exit_code`.

    A run imports torch, transformers, Prefect and pandas; unloading them object by object took
    2.4 s of every run that loads the model (benchmarks/README.md). The handler registered here
    comes before any of Prefect's, torch's or consult's, so it runs after them: other threads
    have finished and those handlers have run (Prefect's last log flush, the temporary server's
    stop, temporary folders removed). Only logging's own handler is older; this one shuts
    logging down itself, flushes the standard streams and leaves. Without an exit code (an
    exception escaped) Python's own way out runs, traceback and all.
    """
    import atexit

    atexit.register(_leave)


def set_exit_code(code: int) -> int:
    global _exit_code
    _exit_code = code
    return code


def _leave() -> None:
    if _exit_code is None:
        return
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed or gone (a closed pipe): nothing left to write
            pass
    os._exit(_exit_code)
