"""Test-wide settings: an isolated, offline Prefect home for the whole session, and fewer
passes of the garbage collector over the libraries the tests import."""

from __future__ import annotations

import gc
import os
import sys
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


# A full garbage collection walks every tracked object: once torch, BERTopic, spaCy and Prefect are
# imported that is ~600k objects and 0.3-0.5 s a pass, and the tests' own allocations set off
# dozens of passes (about 10 s of the fast lane). After collection, and after any test that
# imported a library, what is alive (module-level objects, mostly) goes to the permanent
# generation, which collections skip. Garbage is collected first; a frozen object dropped later
# (a module fixture's value) is still freed by reference counting, or at exit if in a cycle.
_modules_at_freeze = 0


def _collect_and_freeze() -> None:
    global _modules_at_freeze
    gc.collect()
    gc.freeze()
    _modules_at_freeze = len(sys.modules)


def pytest_collection_finish(session):
    _collect_and_freeze()


def pytest_runtest_logfinish(nodeid, location):
    if len(sys.modules) - _modules_at_freeze > 50:
        _collect_and_freeze()


def pytest_sessionfinish(session, exitstatus):
    # Prefect stops its temporary server at interpreter exit and logs about it after pytest has
    # closed the captured streams; that message is noise, not a failure.
    import logging

    logging.raiseExceptions = False
