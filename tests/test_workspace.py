from __future__ import annotations

import json
import os

import pytest

from consult.workspace import RoundError, RoundLock, RoundPaths


def test_round_paths_refuse_escaping_names():
    with pytest.raises(RoundError):
        RoundPaths.for_round("../etc")
    p = RoundPaths.for_round("r1", "raw", "outputs")
    assert p.workbook.name == "consultation-summary-r1.xlsx"


def test_missing_raw_folder_says_where_to_put_files(tmp_path):
    with pytest.raises(RoundError, match="surveys"):
        RoundPaths.for_round("r1", tmp_path).require_raw()


def test_second_run_of_a_round_is_refused_with_a_clear_message(tmp_path):
    lock = tmp_path / ".run.lock"
    with RoundLock(lock):
        with pytest.raises(RoundError, match="locked by process"):
            with RoundLock(lock):
                pass
    assert not lock.exists()


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    import socket

    lock = tmp_path / ".run.lock"
    lock.write_text(json.dumps({"pid": 2**22 + 12345, "host": socket.gethostname()}))
    with RoundLock(lock):
        assert json.loads(lock.read_text())["pid"] == os.getpid()
