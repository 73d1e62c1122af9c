"""The I/O edge of ingest: turn a round folder into RawFile objects, safely.

Nothing here parses content. It walks `raw/<round>/`, never follows a link out of the round
folder, skips hidden and system files, refuses to read files over the size limit into memory,
and records why a file could not be taken so ingest can reject it whole with that reason.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from consult.config import ConsultConfig
from consult.ids import sha256_bytes, sha256_file
from consult.ingest.base import UnreadableFile
from consult.schema import RawFile

log = logging.getLogger(__name__)

_SYSTEM_NAMES = {"thumbs.db", "desktop.ini", "__macosx", ".ds_store"}


@dataclass
class CollectedFile(RawFile):
    """A RawFile plus what the edge learned: its size, and a problem that rejects it whole."""

    size_bytes: int = 0
    problem: str | None = None


def _skip(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in _SYSTEM_NAMES


def normalise_relpath(relpath: str) -> str | None:
    """POSIX, NFC relative path; None if it is absolute or climbs out of the round ("../")."""
    rel = unicodedata.normalize("NFC", relpath.replace("\\", "/"))
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts or rel.startswith("/"):
        return None
    return p.as_posix()


def file_extension(relpath: str) -> str:
    """Lower-case extension of the last path component, without the dot; "" when it has none."""
    name = relpath.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def oversize_reason(size: int, config: ConsultConfig) -> str:
    """Why a file over ingest.max_file_mb is not read (a round's upload, `consult tag`'s input)."""
    return (
        f"file is {size / 1024 / 1024:.0f} MB, over the limit ingest.max_file_mb="
        f"{config.ingest.max_file_mb:g}; split it or raise the limit"
    )


def read_upload(path: Path, config: ConsultConfig) -> bytes:
    """One file's bytes, taken as a round takes an upload: refused (UnreadableFile, the round's
    reason) when it is not a regular file or is over ingest.max_file_mb, before it is read."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile("not a regular file (device, pipe or socket); upload an ordinary file")
    limit = int(config.ingest.max_file_mb * 1024 * 1024)
    size = path.stat().st_size
    if size > limit:
        raise UnreadableFile(oversize_reason(size, config))
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:  # grew while we looked
        raise UnreadableFile(oversize_reason(len(data), config))
    return data


def collect_round(round_dir: Path, config: ConsultConfig | None = None) -> list[RawFile]:
    """Read every upload under `round_dir` into memory, in a stable order.

    Files over `ingest.max_file_mb` come back without their bytes and with a `problem`, so the
    round reports them instead of spending minutes (or memory) on them.
    """
    config = config or ConsultConfig()
    root = Path(round_dir)
    if not root.is_dir():
        raise FileNotFoundError(
            f"Round folder `{root}` does not exist; put the uploads under raw/<round>/."
        )
    root_real = root.resolve()
    limit = int(config.ingest.max_file_mb * 1024 * 1024)
    out: list[RawFile] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not _skip(d))
        for name in sorted(filenames):
            if _skip(name):
                log.debug("Skipping hidden/system file %s", name)
                continue
            path = Path(dirpath) / name
            rel = normalise_relpath(path.relative_to(root).as_posix()) or name
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):
                out.append(
                    CollectedFile(
                        rel, b"", "", 0, "the file is a broken link; upload the file itself"
                    )
                )
                continue
            if path.is_symlink() or real != path.absolute():
                if not real.is_relative_to(root_real):
                    out.append(
                        CollectedFile(
                            rel,
                            b"",
                            "",
                            0,
                            "the file is a link to a place "
                            "outside the round folder; copy the file in instead",
                        )
                    )
                    continue
            if not real.is_file():
                out.append(
                    CollectedFile(
                        rel,
                        b"",
                        "",
                        0,
                        "not a regular file (device, pipe or socket); upload an ordinary file",
                    )
                )
                continue
            try:
                size = real.stat().st_size
                if size > limit:
                    out.append(
                        CollectedFile(
                            rel, b"", sha256_file(real), size, oversize_reason(size, config)
                        )
                    )
                    continue
                with real.open("rb") as fh:
                    data = fh.read(limit + 1)
            except OSError as exc:
                out.append(
                    CollectedFile(
                        rel,
                        b"",
                        "",
                        0,
                        f"the file could not be read ({exc}); "
                        "check its permissions and upload it again",
                    )
                )
                continue
            if len(data) > limit:  # grew while we looked
                out.append(
                    CollectedFile(
                        rel,
                        b"",
                        "",
                        len(data),
                        "file is over the limit ingest.max_file_mb; split it or raise the limit",
                    )
                )
                continue
            out.append(CollectedFile(rel, data, sha256_bytes(data), len(data)))
    out.sort(key=lambda f: f.relpath)
    log.info("Collected %d files from %s", len(out), root)
    return out
