"""Cache keys from the code that really runs: a stage's module and every module of its package
that it imports, found by reading the imports (top-level and inside functions), never listed by
hand. Editing any of them, however indirectly imported, gives new keys and so a cache miss.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
from collections.abc import Callable, Iterable
from pathlib import Path

_SOURCES: dict[str, Path | None] = {}
_FINGERPRINTS: dict[tuple[str, ...], str] = {}


def _source(module: str) -> Path | None:
    """The module's source file, found from its top-level package without importing it."""
    if module not in _SOURCES:
        top, _, rest = module.partition(".")
        root, path = _root(top), None
        if root is not None:
            base = root.joinpath(*rest.split(".")) if rest else root
            path = next(
                (c for c in (base / "__init__.py", base.with_suffix(".py")) if c.is_file()), None
            )
        _SOURCES[module] = path
    return _SOURCES[module]


_ROOTS: dict[str, Path | None] = {}


def _root(top: str) -> Path | None:
    """The folder of top-level package `top` (None for a plain module or nothing found)."""
    if top not in _ROOTS:
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            spec = None
        locations = list(spec.submodule_search_locations or []) if spec is not None else []
        _ROOTS[top] = Path(locations[0]) if locations else None
    return _ROOTS[top]


def package_root(top: str) -> Path | None:
    """The folder of top-level package `top` as this interpreter would import it."""
    return _root(top)


def _imports(module: str, path: Path) -> set[str]:
    """Modules named by the import statements of `module` (relative ones resolved)."""
    is_pkg = path.name == "__init__.py"
    package = module if is_pkg else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # submodules imported by name
    return found


def closure(*modules: str) -> list[str]:
    """`modules` and every module of their top-level packages that they import, transitively."""
    roots = {m.split(".")[0] for m in modules}
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _source(name)
        if path is None:
            continue
        seen.add(name)
        todo.extend(m for m in _imports(name, path) if m.split(".")[0] in roots and m not in seen)
    return sorted(seen)


def fingerprint(*modules: str) -> str:
    """Hash of the source of `modules` and everything of their package they import."""
    key = tuple(sorted(modules))
    if key not in _FINGERPRINTS:
        h = hashlib.sha256()
        for name in closure(*key):
            path = _source(name)
            assert path is not None
            h.update(name.encode() + b"\x00" + path.read_bytes() + b"\x00")
        _FINGERPRINTS[key] = h.hexdigest()[:16]
    return _FINGERPRINTS[key]


def fingerprint_of(*functions: Callable | str) -> str:
    """The fingerprint of the modules that define `functions` (or of modules named directly)."""
    return fingerprint(*_names(functions))


def _names(items: Iterable[Callable | str]) -> list[str]:
    return [f if isinstance(f, str) else f.__module__ for f in items]


def forget() -> None:
    """Drop what was read, so edited sources are read again (tests; long-lived processes)."""
    _SOURCES.clear()
    _ROOTS.clear()
    _FINGERPRINTS.clear()
