"""Stable identifiers: the same file content and place give the same id on every run."""

from __future__ import annotations

import hashlib


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path) -> str:
    """Content hash of a file read in blocks (it may be larger than we want in memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def passage_id(file_sha256: str, location: str) -> str:
    """Id of the passage at `location` in the file with this content hash.

    Derived from content, not from the file name or run order, so re-running a round (or renaming
    a file) keeps every id, and reviewer decisions keyed by id stay attached.
    """
    digest = hashlib.sha256(f"{file_sha256}\x1f{location}".encode()).hexdigest()
    return f"p{digest[:16]}"


def respondent_id(file_sha256: str, ordinal: int) -> str:
    """Pseudonymous respondent id, unique in a round: short file hash + respondent number."""
    return f"R{file_sha256[:6]}-{ordinal}"
