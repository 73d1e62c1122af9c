"""Where a round's files live, how they are written, and the lock that keeps two runs apart.

This is the I/O edge of the pipeline: stages never see these paths. Outputs are written for
reviewers (the umask's mode, whole files only); consult's private caches are written for the
user alone (0600 files in a 0700 folder); raw/ is only ever read.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)


class RoundError(Exception):
    """A round that cannot be run as asked; the message says what to do."""


class StorageError(RoundError):
    """A file that could not be written because of its drive (full, read-only, no access)."""


# ---- failed writes, in words --------------------------------------------------------------------
_FULL = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY = {errno.EROFS}
_DENIED = {errno.EACCES, errno.EPERM}
_TEXTS = (
    ("no space left", errno.ENOSPC),
    ("disk quota", errno.EDQUOT),
    ("read-only file system", errno.EROFS),
    ("permission denied", errno.EACCES),
)


def storage_problem(exc: BaseException, path: str | Path | None = None) -> str | None:
    """What to tell a user whose write failed because of the drive; None for other errors.

    Libraries (pyarrow, zipfile) do not always set `errno`, so their message text is read too.
    """
    if not isinstance(exc, OSError):
        return None
    code = exc.errno
    if code not in _FULL | _READ_ONLY | _DENIED:
        text = str(exc).lower()
        code = next((c for words, c in _TEXTS if words in text), None)
    where = f"`{path or exc.filename}`" if (path or exc.filename) else "a file"
    if code in _FULL:
        return (
            f"Cannot write {where}: the disk is full (or over its quota). Free space on that "
            "drive, or pass --outputs DIR on another drive, then run again; files already "
            "there were left as they were."
        )
    if code in _READ_ONLY:
        return (
            f"Cannot write {where}: it is on a read-only drive. consult only reads raw/; "
            "pass --outputs DIR to a folder you can write, then run again."
        )
    if code in _DENIED:
        return (
            f"Cannot write {where}: permission denied. Ask for write access to that folder, "
            "or pass --outputs DIR to a folder you can write, then run again."
        )
    return None


def _raise_storage_error(exc: BaseException, path: Path) -> None:
    problem = storage_problem(exc, path)
    if problem:
        raise StorageError(problem) from exc


# ---- whole-file writes --------------------------------------------------------------------------
# `.name.<random>.tmp` (ours, and mkstemp's of older versions), `name.tmp.npz` (older embeddings)
_TEMP = re.compile(r"^\..+\.tmp$|^.+\.tmp\.npz$")


def _new_temp(path: Path, mode: int) -> Path:
    """An empty file beside `path`, created with `mode` less the umask (mkstemp forces 0600)."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, write, *, private: bool = False, replace: bool = True) -> Path:
    """Call `write(tmp_path)` then rename over `path`: readers never see a half file.

    Outputs get the umask's mode (0644 under 022) so reviewers on a shared drive can open them;
    `private` files (caches of personal data) get 0600. A full or read-only drive raises a
    StorageError naming `path`; the file that was there stays as it was. With `replace=False`
    a file another process put at `path` meanwhile is kept: FileExistsError.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _new_temp(path, 0o600 if private else 0o666)
    except OSError as exc:
        _raise_storage_error(exc, path)
        raise
    try:
        write(tmp)
        if private:
            os.chmod(tmp, 0o600)  # in case `write` replaced the file
        else:
            _fsync(tmp)  # on disk before the old file goes: a crash leaves one whole file
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        _raise_storage_error(exc, path)
        raise
    return path


def _link_new(tmp: Path, path: Path) -> None:
    """Put `tmp` at `path` only if nothing is there (FileExistsError otherwise)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this drive
        os.replace(tmp, path)
        return
    tmp.unlink(missing_ok=True)


def atomic_copy(src: Path, dest: Path) -> Path:
    """Copy `src` to `dest` through a temporary name: a full disk leaves no truncated copy."""
    stat = Path(src).stat()
    atomic_write(Path(dest), lambda tmp: shutil.copyfile(src, tmp))
    os.utime(dest, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return Path(dest)


def sweep_temp(folder: Path, min_age_s: float = 0.0) -> int:
    """Delete temporary files a killed run left under `folder`; returns how many.

    Call it only where no other run writes (under the round's lock), or with a `min_age_s`
    no live write takes.
    """
    folder, now, removed = Path(folder), time.time(), 0
    if not folder.is_dir():
        return 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            p = Path(dirpath) / name
            try:
                if _TEMP.match(name) and p.is_file() and now - p.stat().st_mtime >= min_age_s:
                    p.unlink()
                    removed += 1
            except OSError as exc:
                log.debug("Could not remove %s: %s", p, exc)
    if removed:
        log.info(
            "Removed %d temporary file(s) left by an interrupted run under %s", removed, folder
        )
    return removed


# ---- the user's own folders ---------------------------------------------------------------------
def cache_home(sub: str, env_sub: str = "") -> Path:
    """consult's user cache folder: `$XDG_CACHE_HOME/consult/<sub>` (`~/.cache` when unset), or
    `$CONSULT_CACHE_DIR/<env_sub>` when CONSULT_CACHE_DIR is set (the folder itself by default)."""
    env = os.environ.get("CONSULT_CACHE_DIR")
    if env:
        return Path(env) / env_sub
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "consult" / sub


def private_dir(create: bool = True) -> Path:
    """The user's private folder (0700): parsed uploads before redaction, the cache key.

    Raises OSError when it cannot be made private (another owner, a link): callers then do
    without a cache rather than put personal data where others can read it.
    """
    folder = cache_home("private", env_sub="private")
    if create:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = os.lstat(folder)
        if (
            not os.path.isdir(folder)
            or os.path.islink(folder)
            or (hasattr(os, "getuid") and st.st_uid != os.getuid())
        ):
            raise PermissionError(errno.EACCES, "not a folder of this user", str(folder))
        if st.st_mode & 0o077:
            os.chmod(folder, 0o700)
    return folder


_SECRETS: dict[Path, bytes] = {}
_KEY_BYTES = 32


def user_secret() -> bytes:
    """The per-user key that signs cache entries. It lives in the private folder, never with
    the data it signs, so whoever can write to outputs/ cannot forge an entry."""
    path = private_dir() / "cache-signing.key"
    if path in _SECRETS:
        return _SECRETS[path]
    for _ in range(3):
        try:
            st = os.lstat(path)
            data = path.read_bytes()
            if len(data) == _KEY_BYTES and not st.st_mode & 0o077 and not os.path.islink(path):
                _SECRETS[path] = data
                return data
            log.warning(
                "Replacing the cache key %s: it was readable by others or damaged; "
                "cached results are recomputed once",
                path,
            )
            path.unlink()
        except FileNotFoundError:
            pass
        try:  # never replaces a key another process just made
            atomic_write(
                path,
                lambda tmp: tmp.write_bytes(secrets.token_bytes(_KEY_BYTES)),
                private=True,
                replace=False,
            )
        except FileExistsError:
            continue
        except StorageError as exc:  # callers go on without a cache on an OSError
            if exc.__cause__ is None:  # atomic_write always chains the OSError
                raise
            raise exc.__cause__ from None
    raise PermissionError(errno.EACCES, "could not create the cache key", str(path))


# ---- a round's paths and lock -------------------------------------------------------------------
def workbook_name(round_name: str) -> str:
    """The reviewer's workbook of a round, as drafters and reviewers know it."""
    return f"consultation-summary-{round_name}.xlsx"


@dataclass(frozen=True)
class RoundPaths:
    round: str
    raw_dir: Path  # raw/<round>
    out_dir: Path  # outputs/<round>

    @classmethod
    def for_round(cls, round_name: str, raw: str | Path = "raw", outputs: str | Path = "outputs"):
        if not round_name or "/" in round_name or "\\" in round_name or round_name in (".", ".."):
            raise RoundError(f"`{round_name}` is not a round name; use the folder name under raw/.")
        return cls(round_name, Path(raw) / round_name, Path(outputs) / round_name)

    @property
    def workbook(self) -> Path:
        return self.out_dir / workbook_name(self.round)

    @property
    def reviews(self) -> Path:
        return self.out_dir / "reviews.csv"

    @property
    def cache(self) -> Path:
        return self.out_dir / ".cache"

    @property
    def shared_cache(self) -> Path:
        """Caches every round shares (embeddings: one vector per text and model)."""
        return self.out_dir.parent / ".cache"

    @property
    def private_cache(self) -> Path:
        """Parsed-but-unredacted uploads: personal data, so in the user's private folder, never
        in outputs/ nor beside raw/ (often shared with wider rights, often read-only)."""
        origin = hashlib.sha256(str(Path(self.raw_dir).resolve()).encode()).hexdigest()[:12]
        return private_dir(create=False) / "rounds" / f"{self.round}-{origin}"

    @property
    def legacy_cache(self) -> Path:
        """Where consult 0.1 kept parsed uploads: beside raw/, where others could plant files."""
        return self.raw_dir.parent / ".consult-cache" / self.round

    @property
    def lock(self) -> Path:
        return self.out_dir / ".run.lock"

    def require_raw(self) -> None:
        if not self.raw_dir.is_dir():
            raise RoundError(
                f"No uploads found: `{self.raw_dir}` does not exist. Put the round's files in "
                f"{self.raw_dir}/surveys/, {self.raw_dir}/workshops/ and "
                f"{self.raw_dir}/transcripts/, or pass --raw DIR."
            )
        if self.legacy_cache.is_dir():
            log.warning(
                "`%s` holds unredacted copies of uploads made by an older consult; it is "
                "no longer read. Delete it.",
                self.legacy_cache,
            )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RoundLock:
    """An exclusive lock file per round, in its outputs folder (raw/ may be read-only).

    A stale lock (dead process on this host) is taken over; whoever holds the lock owns the
    folder, so temporary files a killed run left there are removed.
    """

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> RoundLock:
        try:
            self._take()
        except OSError as exc:
            _raise_storage_error(exc, self.path)
            raise
        sweep_temp(self.path.parent)
        return self

    def _take(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self._holder()
                if (
                    holder
                    and holder.get("host") == me["host"]
                    and not _pid_alive(int(holder["pid"]))
                ):
                    log.warning(
                        "Removing stale lock %s left by process %s", self.path, holder["pid"]
                    )
                    self.path.unlink(missing_ok=True)
                    continue
                who = (
                    (
                        f"process {holder.get('pid')} on {holder.get('host')} since "
                        f"{holder.get('since')}"
                    )
                    if holder
                    else "another run"
                )
                raise RoundError(
                    f"Round outputs `{self.path.parent}` are locked by {who}. Wait for that run to "
                    f"finish; if it is dead, delete `{self.path}`."
                ) from None
            with os.fdopen(fd, "w") as fh:
                json.dump(me, fh)
            return
        raise RoundError(f"Could not take the lock `{self.path}`; delete it if no run is active.")

    def _holder(self) -> dict | None:
        try:
            return json.loads(self.path.read_text())
        except Exception:
            return None

    def __exit__(self, *exc) -> None:
        self.path.unlink(missing_ok=True)
