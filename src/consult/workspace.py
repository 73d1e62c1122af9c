"""Where a round's files live, and the lock that keeps two runs of one round apart.

This is the I/O edge of the pipeline: stages never see these paths.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger(__name__)


def atomic_write(path: Path, write) -> Path:
    """Call `write(tmp_path)` then rename over `path`: readers never see a half file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp",
                               dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


class RoundError(Exception):
    """A round that cannot be run as asked; the message says what to do."""


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
        return self.out_dir / f"consultation-summary-{self.round}.xlsx"

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
        """Parsed-but-unredacted uploads: personal data, so kept beside raw/, never in outputs."""
        return self.raw_dir.parent / ".consult-cache" / self.round

    @property
    def lock(self) -> Path:
        return self.out_dir / ".run.lock"

    def require_raw(self) -> None:
        if not self.raw_dir.is_dir():
            raise RoundError(
                f"No uploads found: `{self.raw_dir}` does not exist. Put the round's files in "
                f"{self.raw_dir}/surveys/, {self.raw_dir}/workshops/ and {self.raw_dir}/transcripts/, "
                "or pass --raw DIR."
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
    """An exclusive lock file per round. A stale lock (dead process on this host) is taken over."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> "RoundLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        me = {"pid": os.getpid(), "host": socket.gethostname(),
              "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self._holder()
                if holder and holder.get("host") == me["host"] and not _pid_alive(int(holder["pid"])):
                    log.warning("Removing stale lock %s left by process %s", self.path, holder["pid"])
                    self.path.unlink(missing_ok=True)
                    continue
                who = f"process {holder.get('pid')} on {holder.get('host')} since {holder.get('since')}" \
                    if holder else "another run"
                raise RoundError(
                    f"Round outputs `{self.path.parent}` are locked by {who}. Wait for that run to "
                    f"finish; if it is dead, delete `{self.path}`."
                ) from None
            with os.fdopen(fd, "w") as fh:
                json.dump(me, fh)
            return self
        raise RoundError(f"Could not take the lock `{self.path}`; delete it if no run is active.")

    def _holder(self) -> dict | None:
        try:
            return json.loads(self.path.read_text())
        except Exception:
            return None

    def __exit__(self, *exc) -> None:
        self.path.unlink(missing_ok=True)
