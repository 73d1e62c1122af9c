"""What each reviewed workbook holds: its edits (cached by the file's SHA-256, so an unchanged
workbook is not read twice) and the passages a run wrote into it (to tell a reviewer's change
from what was shown).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from consult import schema
from consult.fingerprint import fingerprint
from consult.ids import sha256_file
from consult.reviews import rules as reviews
from consult.values import is_missing, stripped_text
from consult.workspace import atomic_write

log = logging.getLogger(__name__)

BASES = "written.json"  # workbook name -> {sha256, written}: each file as a run wrote it


def _reader_version() -> str:
    """The code that reads edits, and all of ours it imports: new reader, edits read again."""
    return fingerprint("consult.reviews.edits")


def _cache_file(cache_dir: Path, sha: str) -> Path:
    return Path(cache_dir) / f"{sha}.json"


def _cache_load(cache_dir: Path | None, sha: str) -> pd.DataFrame | None:
    from consult.reviews.edits import EDIT_COLUMNS

    if cache_dir is None or not sha:
        return None
    try:
        data = json.loads(_cache_file(cache_dir, sha).read_text(encoding="utf-8"))
        if data.get("reader") != _reader_version() or data.get("sha256") != sha:
            return None
        return pd.DataFrame(data["edits"], columns=EDIT_COLUMNS, dtype=object)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _cache_save(cache_dir: Path | None, sha: str, edits: pd.DataFrame) -> None:
    from consult.reviews.edits import EDIT_COLUMNS

    if cache_dir is None:
        return
    text = json.dumps(
        {
            "reader": _reader_version(),
            "sha256": sha,
            "edits": edits.reindex(columns=EDIT_COLUMNS).fillna("").values.tolist(),
        },
        ensure_ascii=False,
    )
    try:
        atomic_write(_cache_file(cache_dir, sha), lambda tmp: tmp.write_text(text, "utf-8"))
    except OSError as exc:  # a cache is a help, never a reason to fail
        log.debug("Could not cache edits of %s: %s", sha, exc)


def edits_of(book: Path, cache_dir: Path | None) -> tuple[pd.DataFrame, str]:
    """(the reviewer's edits in `book`, its SHA-256); read once per content."""
    from consult.reviews.edits import read_edits

    sha = sha256_file(book)
    hit = _cache_load(cache_dir, sha)
    if hit is not None:
        return hit, sha
    edits = read_edits(book)
    _cache_save(cache_dir, sha, edits)
    return edits, sha


def written_bases(cache_dir: Path | None) -> dict[str, dict]:
    """Workbook name -> {"sha256", "written"}: each workbook as the run that wrote it left it."""
    if cache_dir is None:
        return {}
    try:
        data = json.loads((Path(cache_dir) / BASES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(k): v
        for k, v in data.items()
        if isinstance(v, dict) and isinstance(v.get("sha256"), str)
    }


def save_written_bases(cache_dir: Path | None, bases: dict[str, dict]) -> None:
    if cache_dir is None:
        return
    text = json.dumps(bases, indent=1, sort_keys=True)
    try:
        atomic_write(Path(cache_dir) / BASES, lambda tmp: tmp.write_text(text, "utf-8"))
    except OSError as exc:
        log.debug("Could not record written workbooks: %s", exc)


def base_of(book: Path, bases: dict[str, dict], cache_dir: Path | None) -> pd.DataFrame | None:
    """What `book` showed in its reviewer columns when it was written (None: not known)."""
    entry = bases.get(Path(book).name)
    return _cache_load(cache_dir, entry["sha256"]) if entry else None


def remember_written(book: Path, passages: pd.DataFrame, cache_dir: Path | None, when: str) -> None:
    """Record what a just-written workbook shows in its reviewer columns.

    The next run then reads an unchanged workbook from the cache, and counts as edits only the
    cells a reviewer changed since (a stale copy never undoes a newer decision).
    """
    from consult.report.safe import clean_text, fit_cell, strip_marker
    from consult.reviews.edits import EDIT_COLUMNS

    def shown(v, strip=True) -> str:
        text = "" if is_missing(v) else fit_cell(clean_text(v))
        return text.strip() if strip else strip_marker(text)

    names = [
        schema.PASSAGE_ID,
        schema.REVIEWER_PRIORITIES,
        schema.REVIEWER_NOTE,
        schema.TEXT,
        schema.PRIORITIES,
    ]
    # five columns as lists: the whole table as dicts costs seconds at 100k passages
    columns = [
        passages[c].tolist() if c in passages.columns else [None] * len(passages) for c in names
    ]
    rows = []
    for pid, reviewer, reviewer_note, text, model in zip(*columns):
        prio, note = shown(reviewer), shown(reviewer_note)
        if prio or note:
            rows.append([shown(pid), prio, note, shown(text, strip=False), shown(model), ""])
    sha = sha256_file(book)
    _cache_save(cache_dir, sha, pd.DataFrame(rows, columns=EDIT_COLUMNS, dtype=object))
    bases = written_bases(cache_dir)
    bases[Path(book).name] = {"sha256": sha, "written": when}
    save_written_bases(cache_dir, bases)


def changed_since_written(edits: pd.DataFrame, base: pd.DataFrame | None) -> pd.DataFrame:
    """The edits whose cells differ from what the run that wrote the workbook put there."""
    if base is None:
        return edits
    shown = {
        str(r[schema.PASSAGE_ID]): (r[schema.REVIEWER_PRIORITIES], r[schema.REVIEWER_NOTE])
        for r in base.to_dict("records")
    }
    keep = [
        shown.get(str(r[schema.PASSAGE_ID]))
        != (r[schema.REVIEWER_PRIORITIES], r[schema.REVIEWER_NOTE])
        or bool(stripped_text(r.get(reviews.EDIT_WARNING)))
        for r in edits.to_dict("records")
    ]
    changed = edits.loc[pd.Series(keep, index=edits.index, dtype=bool)].reset_index(drop=True)
    twice = changed[schema.PASSAGE_ID].duplicated(keep="last") & (changed[schema.PASSAGE_ID] != "")
    if twice.any():  # changed differently on two sheets of one workbook: the later sheet counts
        log.warning(
            "%d passage(s) were changed differently on two sheets of one workbook; the entry "
            "on the later sheet counts: %s",
            int(twice.sum()),
            ", ".join(changed.loc[twice, schema.PASSAGE_ID].astype(str).head(5)),
        )
    return changed
