"""Process-wide settings that must be in place before Prefect or Hugging Face code is imported.

Called by the CLI and by the flow module, so a user running either gets an offline, private,
project-local Prefect (no analytics, no hub downloads) without exporting anything by hand.
"""

from __future__ import annotations

import os
from pathlib import Path

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
