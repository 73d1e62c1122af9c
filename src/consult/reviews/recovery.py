"""Rebuilding a round's decisions when `reviews.csv` is missing or fails its check.

Every decision came from a workbook that a run kept under `previous/` before replacing it, and
every workbook a run writes shows all decisions back. So replaying the `previous/` workbooks
oldest first, then what the current workbooks were written with, gives every decision back,
with the journal's copy and its own intact rows filling in exact times. Rows of the damaged
journal are never applied silently: one whose passage has a decision from elsewhere is listed
and left out; one found nowhere else is applied and listed for a reviewer to check. The damaged
file is kept under `previous/`.
"""

from __future__ import annotations

import logging
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from consult import schema
from consult.reviews import rules as reviews
from consult.reviews import store as store_io
from consult.reviews.readback import base_of, edits_of
from consult.workspace import atomic_write

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike

log = logging.getLogger(__name__)


def rebuild(
    journal,
    copy,
    state: pd.DataFrame,
    main: Path,
    books: list[Path],
    bases: dict[str, dict],
    codebook: CodebookLike,
    cache_dir: Path | None,
    when: str,
    out,
    problems: list[dict],
) -> pd.DataFrame:
    """`state` (from the journal's and the copy's checked rows) completed from the workbooks.

    Appends a notice to `out.notices`; the journal's damaged lines are settled once the
    current workbooks are read too (`settle_damaged`).
    """
    sources = [f"its copy `previous/{copy.path.name}`"] if copy.rows else []
    if _copy_is_complete(journal, copy):
        replayed = 0
    else:
        replayed = 0
        for book in previous_workbooks(main):
            try:
                edits, _ = edits_of(book, cache_dir)
            except Exception as exc:  # an old copy that cannot be read costs only itself
                problems.append(
                    _notice(
                        f"`previous/{book.name}` could not be read while "
                        f"rebuilding decisions ({exc}); skipped."
                    )
                )
                continue
            state, _ = reviews.merge_reviews(state, edits, codebook, _saved_at(book))
            replayed += 1
        if replayed:
            sources.append(f"{replayed} earlier workbook(s) in `previous/`")
        written = sorted(
            (str(bases[b.name].get("written", "")), b) for b in books if b.name in bases
        )
        for stamp, book in written:  # what each current workbook showed when it was written
            base = base_of(book, bases, cache_dir)
            if base is not None:
                state, _ = reviews.merge_reviews(state, base, codebook, stamp or when)
    sources.append("the current workbook(s)")
    kept = None
    if journal.exists and not journal.intact:
        try:
            kept = out.damaged_copy = move_aside(journal.path, when, "damaged")
        except OSError as exc:  # unreadable even as bytes: it is named, and rebuilt anyway
            log.warning("Could not keep a copy of `%s`: %s", journal.path, exc)
    if not journal.exists and not copy.exists and state.empty:
        return state  # a round from before journals, with no decision yet: nothing was lost
    what = journal.problem() or (
        f"`{journal.path}` was missing"
        if not journal.exists
        else f"`{journal.path}` lacked rows its copy holds"
    )
    notice = f"{what}. The decisions were rebuilt from {', '.join(sources)}"
    notice += f"; the damaged file is kept as `{kept}`." if kept else "."
    notice += " Nothing needs doing unless a line below names a passage to check."
    out.notices.append(notice)
    return state


def previous_workbooks(main: Path) -> list[Path]:
    """Workbooks kept under `previous/`, oldest save first."""
    folder = Path(main).parent / "previous"
    if not folder.is_dir():
        return []
    books = [
        p
        for pattern in ("*.xlsx", "*.xlsm")
        for p in folder.glob(pattern)
        if p.is_file() and not p.name.startswith("~$")
    ]
    return sorted(books, key=lambda p: (p.stat().st_mtime, p.name))


def _copy_is_complete(journal, copy) -> bool:
    """The copy holds every row the journal held (so `previous/` need not be replayed)."""
    if not copy.intact or copy.legacy:
        return False
    chains = {r.get(store_io.CHAIN) for r in copy.rows}
    pids = {r.get(schema.PASSAGE_ID) for r in copy.rows}
    damaged = [b.get("row") or {} for b in journal.bad]
    return all(r.get(store_io.CHAIN) in chains for r in journal.rows) and all(
        r.get(store_io.CHAIN) in chains or r.get(schema.PASSAGE_ID) in pids for r in damaged if r
    )


def _saved_at(path: Path) -> str:
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _notice(text: str, pid: str = "", typed: str = "") -> dict:
    return {schema.PASSAGE_ID: pid, reviews.REVIEWER_INPUT: typed, schema.REASON: text}


def settle_damaged(
    journal,
    state: pd.DataFrame,
    kept: Path | None,
    codebook: CodebookLike,
    passage_ids: set[str] | None,
    problems: list[dict],
) -> pd.DataFrame:
    """What becomes of each damaged journal line, once every other place was read.

    A line whose passage has a decision from elsewhere is listed (and left out when it
    differs: decisions are changed in the workbook, never in reviews.csv). A line found
    nowhere else is applied as it reads, and listed for a reviewer to check, when its passage
    is in this run; otherwise it is listed with the file that keeps it.
    """
    known = {str(r[schema.PASSAGE_ID]): r for r in state.to_dict("records")}
    where = f"`{kept}`" if kept else f"`{journal.path}`"
    extra = []
    for bad in journal.bad:
        row = {c: str((bad.get("row") or {}).get(c) or "") for c in reviews.STORE_COLUMNS}
        pid, typed = row[schema.PASSAGE_ID].strip(), row[reviews.REVIEWER_INPUT]
        if not pid:
            problems.append(
                _notice(
                    f"{bad['why']}: no passage could be read from it. The line is kept in {where}."
                )
            )
        elif pid in known:
            same = all(
                str(known[pid].get(c) or "") == row[c]
                for c in (reviews.REVIEWER_INPUT, schema.REVIEWER_NOTE)
            )
            fate = (
                "matches the decision recovered from the other copies"
                if same
                else "differs from the decision recovered from the other copies and was not "
                "used (a re-save or a hand edit changed it; change decisions in the "
                "workbook, never in reviews.csv)"
            )
            problems.append(_notice(f"{bad['why']}: it {fate}.", pid, typed))
        elif passage_ids is not None and pid not in passage_ids:
            problems.append(
                _notice(
                    f"{bad['why']}; no passage of this run has that id and the line is found nowhere "
                    f"else, so it was not applied. It is kept in {where}.",
                    pid,
                    typed,
                )
            )
        else:
            known[pid] = row
            ids, decision, unknown = reviews.resolve_input(typed, codebook)
            row.update(
                {
                    schema.PASSAGE_ID: pid,
                    schema.REVIEWER_PRIORITIES: ";".join(ids),
                    reviews.DECISION: decision,
                    reviews.UNRESOLVED: "; ".join(t for t, _ in unknown),
                }
            )
            extra.append(row)
            problems.append(
                _notice(
                    f"{bad['why']}, and this decision is found nowhere else: it was applied as the "
                    f"line reads. Check it in the workbook (the line is kept in {where}).",
                    pid,
                    typed,
                )
            )
    if not extra:
        return state
    added = pd.DataFrame(extra, columns=reviews.STORE_COLUMNS, dtype=object)
    return pd.concat([state, added], ignore_index=True) if len(state) else added


def move_aside(path: Path, when: str, label: str) -> Path | None:
    """Keep a copy of a damaged file under `previous/`, `label` in its name; returns it."""
    path = Path(path)
    stamp = re.sub(r"[^0-9A-Za-z]+", "", when)[:15]
    dest = path.parent / "previous" / f"{path.stem}-{label}-{stamp}{path.suffix}"
    if path.is_dir() and not path.is_symlink():  # a folder in its place: moved whole, kept
        dest.parent.mkdir(parents=True, exist_ok=True)
        path.rename(dest)
        log.info("Moved the folder `%s` to `%s`", path, dest)
        return dest
    if not path.is_file():
        return None
    atomic_write(dest, lambda tmp: shutil.copyfile(path, tmp))
    log.info("Kept the damaged `%s` as `%s`", path, dest)
    return dest
