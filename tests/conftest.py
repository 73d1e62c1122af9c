"""Test-wide settings: an isolated, offline Prefect home for the whole session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.support.paths import ROOT, SAMPLE_RAW, SHARED  # noqa: F401  (re-exported for fixtures)

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="consult-prefect-"))
from consult.runtime import configure_environment  # noqa: E402

configure_environment()


@pytest.fixture
def root() -> Path:
    return ROOT


def pytest_sessionfinish(session, exitstatus):
    # Prefect stops its temporary server at interpreter exit and logs about it after pytest has
    # closed the captured streams; that message is noise, not a failure.
    import logging

    logging.raiseExceptions = False
