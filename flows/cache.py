"""A small content-addressed cache on disk for the flow's re-runs.

Keys hash everything that determines a value (file content, settings, the producing code), so a
stale entry is never hit, and an unreadable one is simply recomputed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
from pathlib import Path
from typing import Any

from consult.workspace import atomic_write

log = logging.getLogger(__name__)


def make_key(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"\x00")
    return h.hexdigest()[:24]


def cache_get(folder: Path, key: str):
    path = folder / f"{key}.pkl"
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except Exception as exc:  # stale or broken entries are recomputed
        log.warning("Ignoring unreadable cache entry %s: %s", path, exc)
        return None


def cache_put(folder: Path, key: str, value) -> None:
    def dump(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)

    atomic_write(folder / f"{key}.pkl", dump)


def _code_fingerprint(*modules: str) -> str:
    """Hash of the source of the packages that produce a cached value: new code, new cache."""
    import importlib.util

    h = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin:
            continue
        root = Path(spec.origin).parent if spec.submodule_search_locations else Path(spec.origin)
        for f in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


_FINGERPRINTS: dict[str, str] = {}


def fingerprint(*modules: str) -> str:
    key = ",".join(modules)
    if key not in _FINGERPRINTS:
        _FINGERPRINTS[key] = _code_fingerprint(*modules)
    return _FINGERPRINTS[key]
