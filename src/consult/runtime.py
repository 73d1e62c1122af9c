"""Process-wide settings that must be in place before Prefect or Hugging Face code is imported.

Called by the CLI and by the flow module, so a user running either gets an offline, private,
project-local Prefect (no analytics, no hub downloads) without exporting anything by hand.
"""

from __future__ import annotations

import atexit
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

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


def configure_environment(project_dir: str | Path | None = None) -> Path:
    """Set the offline environment; PREFECT_HOME defaults to `<project>/.prefect`.

    Values a user already exported win, so `PREFECT_API_URL` still points runs at a real server.
    """
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    base = Path(project_dir) if project_dir else Path.cwd()
    home = Path(os.environ.setdefault("PREFECT_HOME", str((base / ".prefect").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    return home


# ---- Prefect's temporary server, started early --------------------------------------------------
# Without PREFECT_API_URL, Prefect starts a temporary API server on the first flow call, after
# importing its server code into this process as well (~3 s) and then waiting for the server's
# own start (~4 s). The CLI starts the very same server (same uvicorn app and settings) before it
# imports anything heavy, so that start overlaps the imports and the model load.
_server: subprocess.Popen | None = None


def start_temporary_server() -> bool:
    """Start Prefect's temporary server in the background; False when not ours to start.

    Must run before Prefect is imported: Prefect reads PREFECT_API_URL once, at import.
    """
    global _server
    if _server is not None or os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules \
            or _server_configured_elsewhere():
        return False
    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        return False
    app_dir = str(Path(list(spec.submodule_search_locations)[0]).parent)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PREFECT_UI_ENABLED="0", PREFECT__SERVER_EPHEMERAL="1",
               PREFECT__SERVER_FINAL="1")
    _server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--lifespan", "on"], env=env, stdin=subprocess.DEVNULL)
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
                "PREFECT_API_URL.")
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
                "and export PREFECT_API_URL.")
        time.sleep(0.1)


def stop_temporary_server() -> None:
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
