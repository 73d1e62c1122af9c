"""Issue 11, "Other findings": planted cache pickles, a read-only raw/, output modes, what a kill
or a full disk leaves, nonsense settings and a codebook with Python tags.

Flow runs use the hashing embedder; the private cache goes to a temporary CONSULT_CACHE_DIR.
"""

from __future__ import annotations

import errno
import os
import pickle
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from consult.config import ConfigError, ConsultConfig, EmbeddingConfig, load_config
from consult.workspace import (
    RoundPaths,
    StorageError,
    atomic_copy,
    atomic_write,
    private_dir,
    sweep_temp,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "raw" / "sample-round"
FILES = [
    "surveys/google-forms-online-survey.csv",
    "workshops/kuala-lumpur-focus-group-notes.md",
    "transcripts/viet-nam-national-consultation.vtt",
]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """consult's user cache folder for this test only."""
    folder = tmp_path / "home-cache"
    monkeypatch.setenv("CONSULT_CACHE_DIR", str(folder))
    return folder


def _round(tmp_path: Path, files=FILES) -> Path:
    raw = tmp_path / "raw"
    for rel in files:
        dest = raw / "r1" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLE / rel, dest)
    return raw


class _Payload:
    """Unpickling this creates `marker`: the proof that a planted pickle ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').close()",))


# ---- planted pickles ------------------------------------------------------------------------
def test_a_planted_pickle_in_a_cache_folder_is_never_unpickled(tmp_path, home):
    from consult.pipeline.cache import MAGIC, cache_get, cache_put, seal

    marker, folder, key = tmp_path / "ran", tmp_path / "cache", "a" * 24
    evil = pickle.dumps(_Payload(marker))
    planted = {
        "a bare pickle": evil,
        "a forged header": MAGIC + b"\0" * 32 + evil,
        "signed with another key": seal(b"x" * 32, key, evil),
    }
    for what, blob in planted.items():
        folder.mkdir(exist_ok=True)
        (folder / f"{key}.pkl").write_bytes(blob)
        assert cache_get(folder, key) is None, what
        assert not marker.exists(), what
    cache_put(folder, key, {"parsed": [1, 2]})  # a genuine entry: signed, 0600, read back
    assert cache_get(folder, key) == {"parsed": [1, 2]}
    assert stat.S_IMODE((folder / f"{key}.pkl").stat().st_mode) == 0o600
    shutil.copy(folder / f"{key}.pkl", folder / f"{'b' * 24}.pkl")  # a genuine entry renamed
    assert cache_get(folder, "b" * 24) is None
    assert stat.S_IMODE(private_dir().stat().st_mode) == 0o700


def test_the_parse_cache_is_private_and_refuses_planted_parses(tmp_path, home):
    from consult.pipeline import ingest as steps

    raw, out, marker = _round(tmp_path, FILES[:1]), tmp_path / "out", tmp_path / "ran"
    paths = RoundPaths.for_round("r1", raw, out)
    parsed = paths.private_cache / "parsed"
    assert home in parsed.parents and raw not in parsed.parents and out not in parsed.parents
    item = SimpleNamespace(status="to-read", rel=FILES[0], raw=SimpleNamespace(sha256="0" * 64))
    config = ConsultConfig()
    key = steps.read_key(item, "r1", config, {})
    parsed.mkdir(parents=True)
    (parsed / f"{key}.pkl").write_bytes(pickle.dumps(_Payload(marker)))
    assert steps.known_reads([item], "r1", config, {}, parsed) == {}
    assert not marker.exists()


# ---- read-only raw/, output modes ----------------------------------------------------------
def _tree(folder: Path) -> dict[str, tuple]:
    return {
        str(p.relative_to(folder)): (
            p.is_dir(),
            p.stat().st_size,
            p.stat().st_mtime_ns,
            p.stat().st_mode,
        )
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.slow
def test_a_read_only_raw_is_never_written_and_outputs_follow_the_umask(tmp_path, home, monkeypatch):
    import consult.pipeline.ingest as round_mod
    from consult.commands import run_round

    raw, out = _round(tmp_path), tmp_path / "out"
    before = _tree(raw)
    for p in [raw, *raw.rglob("*")]:  # read-only for a normal user; root needs the guard below
        p.chmod(p.stat().st_mode & ~0o222)

    def refuse_under_raw(real, writes=lambda *a, **k: True):  # as a read-only share, even for root
        def guarded(path, *a, **k):
            if (
                isinstance(path, (str, os.PathLike))
                and writes(*a, **k)
                and Path(os.path.realpath(path)).is_relative_to(raw.resolve())
            ):
                raise OSError(errno.EROFS, "Read-only file system", str(path))
            return real(path, *a, **k)

        return guarded

    monkeypatch.setattr(os, "mkdir", refuse_under_raw(os.mkdir))
    monkeypatch.setattr(
        os,
        "open",
        refuse_under_raw(
            os.open, lambda flags, *a, **k: flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        ),
    )
    seen: list[str] = []
    real_read = round_mod.read_planned
    monkeypatch.setattr(
        round_mod,
        "read_planned",
        lambda item, *a, **k: seen.append(item.rel) or real_read(item, *a, **k),
    )
    old_umask = os.umask(0o022)
    try:
        config = ConsultConfig(embedding=EmbeddingConfig(model="hashing-128"))
        run_round("r1", str(raw), str(out), config)
        assert sorted(seen) == sorted(FILES)
        seen.clear()
        run_round("r1", str(raw), str(out), config)
        assert seen == []  # the private parse cache served the re-run
    finally:
        os.umask(old_umask)
        for p in [raw, *raw.rglob("*")]:
            p.chmod(p.stat().st_mode | 0o200)
    assert {k: v[:3] for k, v in _tree(raw).items()} == {k: v[:3] for k, v in before.items()}
    assert not (raw.parent / ".consult-cache").exists()
    written = [p for p in (out / "r1").rglob("*") if p.is_file() and ".cache" not in p.parts]
    assert {p.name for p in written} >= {
        "consultation-summary-r1.xlsx",
        "passages.csv",
        "passages.parquet",
        "run-info.json",
    }
    for p in written:
        assert stat.S_IMODE(p.stat().st_mode) == 0o644, p
    for p in (out / "r1" / ".cache").rglob("*.pkl"):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    parsed = list((RoundPaths.for_round("r1", raw, out).private_cache / "parsed").glob("*.pkl"))
    assert len(parsed) == len(FILES)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in parsed)


# ---- a full disk ---------------------------------------------------------------------------
def _disk_full(*_a, **_k):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_keeps_the_previous_file_and_says_which_file(tmp_path):
    target = tmp_path / "out" / "passages.csv"
    target.parent.mkdir()
    target.write_text("the previous table")

    def half_then_full(tmp: Path) -> None:
        tmp.write_text("the new tab")
        _disk_full()

    with pytest.raises(StorageError, match="disk is full") as err:
        atomic_write(target, half_then_full)
    assert str(target) in str(err.value) and "--outputs" in str(err.value)
    assert target.read_text() == "the previous table"
    assert [p.name for p in target.parent.iterdir()] == ["passages.csv"]

    def arrow_style(tmp: Path) -> None:  # pyarrow's message, without errno
        raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")

    with pytest.raises(StorageError, match="disk is full"):
        atomic_write(target, arrow_style)


def test_a_full_disk_leaves_no_truncated_copy_in_previous(tmp_path, monkeypatch):
    workbook = tmp_path / "consultation-summary-r1.xlsx"
    workbook.write_bytes(b"PK" + b"x" * 5000)
    dest = tmp_path / "previous" / "consultation-summary-r1-20260101T000000Z.xlsx"

    def copy_half(src, dst):
        Path(dst).write_bytes(Path(src).read_bytes()[:100])
        _disk_full()

    monkeypatch.setattr(shutil, "copyfile", copy_half)
    with pytest.raises(StorageError, match="disk is full"):
        atomic_copy(workbook, dest)
    assert list(dest.parent.iterdir()) == []
    monkeypatch.undo()
    atomic_copy(workbook, dest)
    assert dest.read_bytes() == workbook.read_bytes()


@pytest.mark.parametrize(
    "exc, words",
    [
        (
            OSError(errno.ENOSPC, "No space left on device", "/data/outputs/r1/passages.csv"),
            "disk is full",
        ),
        (OSError(errno.EROFS, "Read-only file system", "/data/outputs/r1/.run.lock"), "read-only"),
        (PermissionError(errno.EACCES, "Permission denied", "/data/outputs/r1"), "permission"),
    ],
)
def test_the_cli_explains_a_full_or_read_only_drive_without_a_traceback(
    monkeypatch, capsys, exc, words
):
    import consult.commands
    from consult.cli import main

    def fail(*_a, **_k):
        raise exc

    monkeypatch.setattr(consult.commands, "check_round", fail)
    assert main(["check", "r1"]) == 2
    err = capsys.readouterr().err
    assert words in err and exc.filename in err and "Traceback" not in err


def test_temporary_files_of_a_killed_run_are_swept_but_nothing_else(tmp_path):
    keep = ["passages.csv", "~$consultation-summary-r1.xlsx", "notes.tmp.txt", "~WRL0001.tmp"]
    stale = [
        ".passages.csv.1a2b3c4d.tmp",
        ".cache/tags/.abc.pkl.00ff00ff.tmp",
        "previous/.x.xlsx.deadbeef.tmp",
        "embeddings-m.tmp.npz",
    ]
    for rel in keep + stale:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert sweep_temp(tmp_path) == len(stale)
    assert sorted(
        str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()
    ) == sorted(keep)


# ---- a kill --------------------------------------------------------------------------------
def _processes_with(needle: bytes) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and needle in (proc / "cmdline").read_bytes():
                pids.append(int(proc.name))
        except OSError:
            pass
    return pids


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="lists processes through /proc")
def test_a_sigterm_mid_run_leaves_no_server_no_lock_and_no_temporary_files(tmp_path):
    raw, out = _round(tmp_path), tmp_path / "out"
    stale = out / "r1" / ".passages.csv.0badf00d.tmp"  # left by an earlier killed run
    stale.parent.mkdir(parents=True)
    stale.write_text("half a table")
    cfg = tmp_path / "consult.toml"
    cfg.write_text('[embedding]\nmodel = "hashing-128"\n')
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["CONSULT_CACHE_DIR"] = str(tmp_path / "home-cache")
    log = tmp_path / "stderr.txt"
    with log.open("w") as err:
        # fmt: off
        proc = subprocess.Popen(
            [sys.executable, "-m", "consult.cli", "run", "r1", "--raw", str(raw), "--outputs",
             str(out), "--config", str(cfg)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=err)
        # fmt: on
        try:
            deadline = time.time() + 180
            while stale.exists() and time.time() < deadline and proc.poll() is None:
                time.sleep(0.05)  # gone: the run holds the round's lock and is under way
            assert not stale.exists(), log.read_text()[-3000:]
            proc.send_signal(signal.SIGTERM)  # the CLI alone, as `kill PID` does
            rc = proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
    text = log.read_text()
    assert rc == 128 + signal.SIGTERM, text[-3000:]
    assert "stopped by SIGTERM" in text
    port = re.search(r"temporary server on http://127\.0\.0\.1:(\d+)", text).group(1)
    deadline = time.time() + 15
    while _processes_with(b"--port\0" + port.encode() + b"\0") and time.time() < deadline:
        time.sleep(0.2)
    assert _processes_with(b"--port\0" + port.encode() + b"\0") == []
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", int(port))) != 0
    assert [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")] == []
    assert not (out / "r1" / ".run.lock").exists()


# ---- nonsense settings, a codebook with Python tags -----------------------------------------
@pytest.mark.parametrize(
    "section, key, value",
    [
        ("ingest", "max_file_mb", -1),
        ("ingest", "max_unpacked_mb", 0),
        ("embedding", "batch_size", 0),
        ("topics", "seed", -1),
        ("topics", "min_topic_size", 0),
        ("topics", "link_share", 1.5),
        ("report", "quote_max_chars", 0),
        ("report", "quotes_per_priority", -2),
        ("tagging", "temperature", 0),
        ("surveys", "min_text_words", 0),
    ],
)
def test_nonsense_settings_are_refused_with_the_key_named(tmp_path, section, key, value):
    cfg = tmp_path / "consult.toml"
    cfg.write_text(f"[{section}]\n{key} = {value}\n")
    with pytest.raises(ConfigError, match=re.escape(f"`{section}.{key}`")) as err:
        load_config(cfg)
    assert str(cfg) in str(err.value)


def test_the_defaults_and_the_example_settings_pass_validation():
    ConsultConfig()
    load_config(ROOT / "consult.toml.example")


def test_a_codebook_with_a_python_tag_is_refused_naming_file_and_line(tmp_path):
    from consult.tagging.codebook import CodebookError, load_codebook

    marker = tmp_path / "ran"
    book = tmp_path / "codebook.yaml"
    book.write_text(
        "name: test\npriorities:\n  - id: SA1\n    label: Transport\n"
        f'    description: !!python/object/apply:os.system ["touch {marker}"]\n'
    )
    with pytest.raises(CodebookError, match="line 5") as err:
        load_codebook(book)
    assert str(book) in str(err.value) and "tag" in str(err.value)
    assert not marker.exists()
