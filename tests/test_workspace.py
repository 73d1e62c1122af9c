from __future__ import annotations

import json
import os
import stat

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


def test_outputs_get_the_umask_mode_and_private_files_stay_private(tmp_path):
    from consult.workspace import atomic_write

    old = os.umask(0o022)
    try:
        shared = atomic_write(tmp_path / "passages.csv", lambda tmp: tmp.write_text("x"))
        private = atomic_write(tmp_path / "k.pkl", lambda tmp: tmp.write_text("x"), private=True)
        os.umask(0o027)
        group = atomic_write(tmp_path / "run-info.json", lambda tmp: tmp.write_text("x"))
    finally:
        os.umask(old)
    assert [stat.S_IMODE(p.stat().st_mode) for p in (shared, private, group)] == [
        0o644,
        0o600,
        0o640,
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.pkl", "passages.csv", "run-info.json"]


def test_a_lock_on_a_read_only_drive_says_so_and_the_lock_sweeps_leftovers(tmp_path, monkeypatch):
    import errno

    from consult.workspace import StorageError

    stale = tmp_path / ".consultation-summary-r1.xlsx.0123abcd.tmp"
    stale.write_text("half a workbook")
    with RoundLock(tmp_path / ".run.lock"):
        assert not stale.exists()
    real_open = os.open

    def read_only(path, flags, *a, **k):
        if str(path).endswith(".run.lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(StorageError, match="read-only") as err:
        with RoundLock(tmp_path / ".run.lock"):
            pass
    assert str(tmp_path / ".run.lock") in str(err.value)
