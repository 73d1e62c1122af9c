"""Whether a re-run would change nothing, decided before Prefect, torch or any model starts.

A run that finished cleanly records what it read (uploads, settings, the code and installed
packages, files the settings name such as a codebook, the files of other rounds) and
what it left (the workbook, reviews.csv and its copy, the tables). The next `consult run`
compares that record with the files as they are now: size and times first, the content hash
where those differ. When everything is as the run left it, the outputs are kept byte for byte
and nothing else starts. Anything uncertain means "run the flow": no record, a file that cannot
be read, the round's lock present, a run that ended with notices or with a file stopped by the
clock (which may read in time on a quieter machine).

The record lives in the user's private folder beside the parse cache, never under outputs/:
it names the uploads, and their file names may name people. This module imports nothing heavy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from consult.fingerprint import package_root
from consult.ids import sha256_file
from consult.workspace import RoundPaths, atomic_write, private_dir

log = logging.getLogger(__name__)

FORMAT = 1
MAX_TREE_FILES = 50_000  # more files under one folder: too costly to check, so always run
CODE_SKIP = frozenset({"__pycache__"})
OUTPUT_SKIP = frozenset({".cache", ".run.lock"})  # consult's caches and the live run's lock
BROKEN, NOT_A_FILE = "broken link", "not a file"

State = list[Any] | None  # [size, mtime_ns, ctime_ns, sha256], [BROKEN], [NOT_A_FILE] or None


class Uncertain(Exception):
    """What a run would do cannot be told cheaply (a huge folder, a file that cannot be read)."""


# ---- one file, one folder ----------------------------------------------------------------------
def file_state(path: Path) -> State:
    """The state of one path, taken stat first, then content: a write in between shows as a
    time that no longer matches, so it is never mistaken for the recorded content."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return [BROKEN] if os.path.islink(path) else None
    except (OSError, ValueError) as exc:
        raise Uncertain(f"cannot look at `{path}` ({exc})") from exc
    if not stat.S_ISREG(st.st_mode):
        return [NOT_A_FILE]  # a pipe or device is never opened; a round rejects it anyway
    try:
        return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, sha256_file(path)]
    except OSError as exc:
        raise Uncertain(f"cannot read `{path}` ({exc})") from exc


def same_file(recorded: State, path: Path) -> bool:
    """`path` still holds what was recorded: same size and times, or else the same content."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return recorded == ([BROKEN] if os.path.islink(path) else None)
    except (OSError, ValueError):
        return False
    if not stat.S_ISREG(st.st_mode):
        return recorded == [NOT_A_FILE]
    if not recorded or len(recorded) != 4 or st.st_size != recorded[0]:
        return False
    if [st.st_size, st.st_mtime_ns, st.st_ctime_ns] == recorded[:3]:
        return True
    try:  # touched, copied back, checked out again: the content decides
        return sha256_file(path) == recorded[3]
    except OSError:
        return False


def tree_files(root: Path, skip: Iterable[str] = ()) -> list[str]:
    """Every file under `root` (hidden ones and links too; linked folders are not entered, as
    a round's collection does not enter them), as POSIX paths relative to `root`."""
    skip, root, out = set(skip), Path(root), []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        links = [d for d in dirnames if os.path.islink(base / d)]
        dirnames[:] = sorted(d for d in dirnames if d not in skip and d not in links)
        out += [(base / n).relative_to(root).as_posix() for n in (*filenames, *links)]
        if len(out) > MAX_TREE_FILES:
            raise Uncertain(f"`{root}` holds over {MAX_TREE_FILES} files")
    return sorted(out)


def tree_state(root: Path, skip: Iterable[str] = ()) -> dict[str, State]:
    return {rel: file_state(Path(root) / rel) for rel in tree_files(root, skip)}


def tree_changes(recorded: dict[str, State], root: Path, skip: Iterable[str] = ()) -> int:
    """How many files under `root` were added, removed or changed since `recorded`."""
    now = tree_files(root, skip)
    changed = len(set(now) ^ set(recorded))
    return changed + sum(
        1 for rel in now if rel in recorded and not same_file(recorded[rel], Path(root) / rel)
    )


# ---- what a run reads besides the uploads ------------------------------------------------------
def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def settings_digest(config) -> str:
    return _digest(config.model_dump(mode="json"))


def environment_digest() -> str:
    """Python's version and every installed distribution with its version (the names of the
    `*.dist-info` folders): an upgraded library is a change, found without importing it."""
    names: set[str] = set()
    for key in ("purelib", "platlib"):
        try:
            names.update(
                n
                for n in os.listdir(sysconfig.get_paths()[key])
                if n.endswith((".dist-info", ".egg-info", ".pth"))
            )
        except (OSError, KeyError):
            continue
    return _digest(sys.version, sys.prefix, sorted(names))


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def named_paths(config) -> dict[str, Path]:
    """Every setting that names an existing file or folder (a codebook, a local model): what
    the run would read besides the uploads. Found by looking, not from a list of keys."""
    out: dict[str, Path] = {}
    for text in _strings(config.model_dump(mode="json")):
        if not any(c.isalnum() for c in text) or len(text) > 4096 or text in out:
            continue
        try:
            if Path(text).exists():
                out[text] = Path(text)
        except (OSError, ValueError):
            continue
    return out


def _named_state(path: Path) -> Any:
    return tree_state(path) if path.is_dir() else file_state(path)


def other_rounds(paths: RoundPaths) -> dict[str, list[int]]:
    """Size and times of the files of every other round beside this one: a run reads some of
    them (confirmed passages of earlier rounds become the tagger's examples; a comparison reads
    the earlier round's tables). Times alone decide, so nothing large is hashed: another
    round's run means a full run of this one, never a missed change."""
    out: dict[str, list[int]] = {}
    if not paths.out_dir.parent.is_dir():  # the first run into a new outputs folder
        return out
    for folder in sorted(paths.out_dir.parent.iterdir()):
        if folder.name in (paths.round, *OUTPUT_SKIP) or not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith((".", "~$")) or not entry.is_file():
                continue  # locks, temporary files, an open workbook's lock file
            st = entry.stat()
            out[f"{folder.name}/{entry.name}"] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    return out


# ---- the record --------------------------------------------------------------------------------
def record_path(paths: RoundPaths) -> Path:
    """One record per round folder and outputs folder, in the user's private folder."""
    where = hashlib.sha256(str(paths.out_dir.resolve()).encode()).hexdigest()[:12]
    return paths.private_cache / f"rerun-{where}.json"


def snapshot(paths: RoundPaths, config, code: Iterable[str]) -> dict | None:
    """What a run is about to read, taken before it reads anything; None when it cannot be
    taken (then the run records nothing, and the next one runs in full)."""
    try:
        roots = {top: package_root(top) for top in sorted({n.split(".")[0] for n in code})}
        if None in roots.values():  # code loaded from a path (a served run): cannot tell
            raise Uncertain(f"no package folder for {sorted(roots)}")
        return {
            "raw dir": str(paths.raw_dir.resolve()),
            "settings": settings_digest(config),
            "environment": environment_digest(),
            "code": {
                top: {"root": str(root), "files": tree_state(root, CODE_SKIP)}
                for top, root in roots.items()
                if root is not None
            },
            "setting files": {k: _named_state(p) for k, p in named_paths(config).items()},
            "uploads": tree_state(paths.raw_dir),
            "other rounds": other_rounds(paths),
        }
    except (Uncertain, OSError) as exc:
        log.debug("No re-run record this time: %s", exc)
        return None


def forget(paths: RoundPaths) -> None:
    """Drop the record before a run changes anything: a run that fails leaves none."""
    try:
        record_path(paths).unlink(missing_ok=True)
    except OSError as exc:
        log.debug("Could not remove the re-run record: %s", exc)


def reviewer_files(paths: RoundPaths) -> dict[str, State]:
    """reviews.csv and its copy as the run left them, taken right after it reconciled them:
    a hand edit later in the run then shows as a difference, never as the recorded state."""
    from consult.reviews.store import copy_path

    files = {paths.reviews, copy_path(paths.reviews)}
    try:
        return {p.relative_to(paths.out_dir).as_posix(): file_state(p) for p in sorted(files)}
    except (Uncertain, ValueError) as exc:
        log.debug("Reviewer files not recorded: %s", exc)
        return {}


def _listing(folder: Path, skip: Iterable[str] = ()) -> list[str]:
    try:
        return sorted(n for n in os.listdir(folder) if n not in set(skip))
    except FileNotFoundError:
        return []


def _outputs(paths: RoundPaths, seen: dict[str, State]) -> dict | None:
    """The outputs as the run left them, or None when something changed them since it wrote
    them (a reviewer saving the workbook, a hand edit of reviews.csv)."""
    out = paths.out_dir
    info = json.loads((out / "run-info.json").read_text(encoding="utf-8"))
    listing = _listing(out, OUTPUT_SKIP)
    files = {n: file_state(out / n) for n in listing if not (out / n).is_dir()}
    book = files.get(paths.workbook.name)
    if not book or book[-1] != info.get("workbook_sha256"):
        return None
    for rel, state in seen.items():
        now = files[rel] if rel in files else file_state(out / rel)
        if (now[-1] if now else None) != (state[-1] if state else None):
            return None
        files[rel] = now
    return {"listing": listing, "previous": _listing(out / "previous"), "files": files}


def settled(outcomes: Iterable[Any]) -> bool:
    """No file was stopped by the clock: a re-run would read every file as this run did."""
    from consult.ingest.limits import worth_caching

    return all(worth_caching(o) for o in outcomes if o is not None)


def record(paths: RoundPaths, inputs: dict | None, outcome, settled: bool = True) -> bool:
    """Record a finished run for the next one's pre-flight; False (and no record) when the run
    cannot vouch for its outputs: notices, a workbook written beside the usual one, a file
    stopped by the clock, or outputs changed while it ran."""
    doubts = [
        (inputs is None, "what it read is unknown"),
        (not settled, "a file was stopped by the clock"),
        (bool(outcome.notices), "the run has notices"),
        (Path(outcome.workbook) != paths.workbook, "the workbook was written elsewhere"),
        (not outcome.reviewer_files, "reviewer files unknown"),
    ]
    why = next((reason for doubt, reason in doubts if doubt), "")
    try:
        outputs = None if why else _outputs(paths, outcome.reviewer_files)
        if outputs is None:
            log.debug("No re-run record: %s", why or "outputs changed while the run ended")
            return False
        private_dir()  # the private folder exists and is private before anything goes there
        text = json.dumps({"format": FORMAT, "inputs": inputs, "outputs": outputs})
        atomic_write(record_path(paths), lambda tmp: tmp.write_text(text), private=True)
    except (Uncertain, OSError, ValueError, KeyError) as exc:
        log.debug("No re-run record: %s", exc)
        return False
    return True


# ---- the pre-flight ----------------------------------------------------------------------------
def what_changed(paths: RoundPaths, config) -> str | None:
    """None when a run would change nothing; else the first difference found, in words."""
    try:
        rec = json.loads(record_path(paths).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "no record of an earlier complete run of these outputs"
    except (OSError, ValueError) as exc:
        return f"the record of the last run cannot be read ({exc})"
    if not isinstance(rec, dict) or rec.get("format") != FORMAT:
        return "the last run was recorded by another version of consult"
    try:
        return _compare(paths, config, rec["inputs"], rec["outputs"])
    except Exception as exc:  # never skip on a doubt
        return f"could not compare with the last run ({exc})"


def _compare(paths: RoundPaths, config, ins: dict, outs: dict) -> str | None:
    out = paths.out_dir
    if paths.lock.exists():
        return f"`{paths.lock}` is there (a run in progress, or one that was stopped)"
    if ins["raw dir"] != str(paths.raw_dir.resolve()):
        return "the uploads are read from another folder"
    if ins["settings"] != settings_digest(config):
        return "the settings changed"
    if ins["environment"] != environment_digest():
        return "the installed packages or Python changed"
    for top, code in ins["code"].items():
        root = package_root(top)
        if (
            root is None
            or str(root) != code["root"]
            or tree_changes(code["files"], root, CODE_SKIP)
        ):
            return f"the code of `{top}` changed"
    named = named_paths(config)
    if set(named) != set(ins["setting files"]):
        return "a file or folder named in the settings appeared or went"
    for text, state in ins["setting files"].items():
        p = named[text]
        if tree_changes(state, p) if isinstance(state, dict) else not same_file(state, p):
            return f"`{text}` (named in the settings) changed"
    n = tree_changes(ins["uploads"], paths.raw_dir)
    if n:
        return f"{n} upload(s) added, removed or changed"
    others, before = other_rounds(paths), ins["other rounds"]
    for name in sorted(set(others) ^ set(before)) + [k for k in others if k in before]:
        if others.get(name) != before.get(name):
            return f"`{name}` of another round changed (its decisions or tables may be read)"
    if _listing(out, OUTPUT_SKIP) != outs["listing"]:
        return f"files were added to or removed from `{out}`"
    if _listing(out / "previous") != outs["previous"]:
        return f"files were added to or removed from `{out / 'previous'}`"
    for rel, state in outs["files"].items():
        if not same_file(state, out / rel):
            return f"`{out / rel}` changed since the last run wrote it"
    return None
