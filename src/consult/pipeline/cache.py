"""The one cache design of a round's re-runs: signed pickles in per-round folders.

Keys hash everything that determines a value: file content, settings, and the producing code,
computed by `consult.pipeline.fingerprint` from the modules that really run. A stale entry is
never hit, an unreadable one is simply recomputed, and entries a finished run no longer reached
are evicted (`evict_unreached`), so a folder holds one generation of results, not every one.

Entries are pickles, and unpickling runs code. So each entry carries an HMAC of its key and bytes
under a per-user key kept in the user's private folder (`consult.workspace.user_secret`), never
beside the entries: a file planted in a cache folder by anyone else fails the check and is never
unpickled. Entries are written 0600; the parse cache's folder itself is private (0700).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import pickle
from pathlib import Path
from typing import Any

from consult.workspace import RoundError, atomic_write, user_secret

log = logging.getLogger(__name__)

MAGIC = b"consult-cache hmac-sha256 v1\n"
_MAC_BYTES = 32


def make_key(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"\x00")
    return h.hexdigest()[:24]


# ---- signing (pure) ---------------------------------------------------------------------------
def _mac(secret: bytes, key: str, payload: bytes) -> bytes:
    return hmac.new(secret, MAGIC + key.encode() + b"\x00" + payload, hashlib.sha256).digest()


def seal(secret: bytes, key: str, payload: bytes) -> bytes:
    """The bytes of an entry: a header, the HMAC of (key, payload), the payload."""
    return MAGIC + _mac(secret, key, payload) + payload


def unseal(secret: bytes, key: str, blob: bytes) -> bytes | None:
    """The payload when `blob` was sealed under this key and secret; None otherwise.

    The key is signed too, so a genuine entry copied under another name is refused as well.
    """
    if not blob.startswith(MAGIC):
        return None
    body = blob[len(MAGIC) :]
    mac, payload = body[:_MAC_BYTES], body[_MAC_BYTES:]
    return payload if hmac.compare_digest(mac, _mac(secret, key, payload)) else None


# ---- entries on disk --------------------------------------------------------------------------
_WARNED: set[str] = set()


def _secret() -> bytes | None:
    """The signing key, or None (no cache this run) when the private folder cannot be used."""
    try:
        return user_secret()
    except OSError as exc:
        if "secret" not in _WARNED:
            _WARNED.add("secret")
            log.warning(
                "Running without a cache: no private folder for its key (%s). Set "
                "CONSULT_CACHE_DIR to a folder only you can write.",
                exc,
            )
        return None


def cache_get(folder: Path, key: str):
    """The cached value, or None when absent, unreadable, or not signed by this user's key."""
    reach(folder, key)
    path = Path(folder) / f"{key}.pkl"
    if not path.is_file():
        return None
    secret = _secret()
    if secret is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError as exc:
        log.warning("Ignoring unreadable cache entry %s: %s", path, exc)
        return None
    payload = unseal(secret, key, blob)
    if payload is None:
        log.warning(
            "Ignoring cache entry %s: not signed with this user's key (planted, damaged, "
            "written by someone else or by an older consult); it is recomputed",
            path,
        )
        return None
    try:
        return pickle.loads(payload)
    except Exception as exc:  # signed by us, but from code that has since changed
        log.warning("Ignoring unreadable cache entry %s: %s", path, exc)
        return None


def cache_put(folder: Path, key: str, value) -> None:
    """Store `value` (0600, signed). A cache that cannot be written only costs a recomputation."""
    reach(folder, key)
    secret = _secret()
    if secret is None:
        return
    blob = seal(secret, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    path = Path(folder) / f"{key}.pkl"
    try:
        atomic_write(path, lambda tmp: tmp.write_bytes(blob), private=True)
    except (OSError, RoundError) as exc:
        log.warning("Could not store cache entry %s (%s); the run goes on without it", path, exc)


# ---- what this run reached, and eviction ----------------------------------------------------------
_REACHED: dict[Path, set[str]] = {}


def reach(folder: Path, key: str) -> None:
    """Mark `key` as in use by the current run (a hit, a write, or a key it will need)."""
    _REACHED.setdefault(Path(folder), set()).add(key)


def begin_run() -> None:
    """Forget what an earlier run in this process reached."""
    _REACHED.clear()


def evict_unreached() -> int:
    """Delete the entries of every folder this run used that it did not reach; returns how many.

    Called once a run has finished: each per-round folder then keeps exactly what the next run
    with the same inputs needs. A file that cannot be removed is left for the next run.
    """
    removed = 0
    for folder, keys in _REACHED.items():
        if not folder.is_dir():
            continue
        for entry in folder.glob("*.pkl"):
            if entry.stem not in keys:
                try:
                    entry.unlink()
                    removed += 1
                except OSError as exc:
                    log.debug("Could not evict %s: %s", entry, exc)
    if removed:
        log.info("cache: %d entries no longer reachable were evicted", removed)
    return removed
