"""Where reviewer decisions live, and how a run reconciles them before anything is replaced.

Every decision is kept in several places: `reviews.csv` (a checksummed journal, see
consult.reviews.store), its copy `previous/reviews-copy.csv`, and the workbooks themselves (each
run writes every decision back into the Passages sheet and keeps the workbook it replaces under
`previous/`). A run reads the journal and its copy and, always, the edits of every current
workbook (an unchanged workbook's edits come from a cache keyed by its SHA-256, so re-runs stay
fast). When the journal is missing or fails its check, the decisions are rebuilt from its copy
and from the `previous/` workbooks, oldest first, and the damaged file is kept. A workbook that
is open (an Excel or LibreOffice lock file beside it) or cannot be read is never replaced: the
new workbook is written beside it, and the run says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from consult import schema
from consult.ids import sha256_file
from consult.reviews import rules as reviews
from consult.reviews import store as store_io
from consult.reviews.files import (
    UNREADABLE_SUFFIXES,
    archive,
    beside_path,
    current_workbooks,
    lock_file,
    other_copies,
)
from consult.reviews.readback import (
    base_of,
    changed_since_written,
    edits_of,
    save_written_bases,
    written_bases,
)
from consult.reviews.recovery import rebuild, settle_damaged

if TYPE_CHECKING:
    from consult.tagging.codebook import CodebookLike

log = logging.getLogger(__name__)


@dataclass
class Collected:
    """The reconciled decisions of a round and what the run must tell the reader."""

    store: pd.DataFrame
    entries: list[dict] = field(default_factory=list)  # per passage: reviews.PROBLEM_COLUMNS
    notices: list[str] = field(default_factory=list)  # what happened to files, in words
    open_notices: list[str] = field(default_factory=list)  # workbooks open right now
    target: Path | None = None  # where the new workbook goes
    keep: list[Path] = field(default_factory=list)  # workbooks left as they are
    read: list[str] = field(default_factory=list)  # workbooks whose edits were read
    journal: str = ""  # the check of reviews.csv, in words
    damaged_copy: Path | None = None  # where a damaged reviews.csv was kept
    shas: dict[Path, str] = field(default_factory=dict)  # each workbook's content as read

    def changed_since_read(self, book: Path) -> bool:
        """`book` was saved again after its edits were read (a reviewer saving mid-run)."""
        return Path(book).is_file() and sha256_file(book) != self.shas.get(Path(book))

    def problems(self, notices: list[str] | None = None) -> pd.DataFrame:
        """Rows for Data quality: each notice (no passage id), then each passage's entry."""
        notices = self.notices if notices is None else notices
        return _problems(
            [{schema.PASSAGE_ID: "", reviews.REVIEWER_INPUT: "", schema.REASON: n} for n in notices]
            + self.entries
        )

    def summary(self) -> dict[str, str]:
        """For Run info: how decisions were gathered (the store and problems say what)."""
        return {
            "decisions": str(len(self.store)),
            "reviews.csv": self.journal,
            "edits read from": "; ".join(self.read) or "(no workbook yet)",
        }


# ---- reconciling --------------------------------------------------------------------------------
def collect(
    main: Path,
    store_path: Path,
    codebook: CodebookLike,
    when: str,
    cache_dir: Path | None = None,
    passage_ids: set[str] | None = None,
) -> Collected:
    """Reconcile every place decisions live; call before any workbook is replaced.

    Reads (and, when they changed, appends to) `reviews.csv` and its copy, and moves workbooks
    written beside the usual one into `previous/` once their edits are stored. A new
    workbook goes to `Collected.target`: beside the usual one when that is open or unreadable.
    `passage_ids` (this run's) decide whether a damaged journal line found nowhere else counts.
    """

    main, store_path = Path(main), Path(store_path)
    journal = store_io.read_journal(store_path)
    copy = store_io.read_copy(journal)
    out = Collected(store=reviews.empty_store())
    problems = out.entries
    books = current_workbooks(main)
    rows, fresh = _trusted_rows(
        journal, copy, out, bool(books) or (main.parent / "previous").is_dir()
    )
    state = store_io.fold(rows)
    bases = written_bases(cache_dir)
    if fresh:
        state = rebuild(
            journal, copy, state, main, books, bases, codebook, cache_dir, when, out, problems
        )
    if main.exists() and not main.is_file():  # a folder where the workbook goes: never touched
        out.keep.append(main)
        out.notices.append(
            f"`{main}` is not a workbook file (a folder?), so it was left as it "
            "is and the new workbook was written beside it; move it away to get "
            "the usual name back."
        )
    seen: dict[str, tuple[str, tuple]] = {}
    for book in books:
        try:
            edits, sha = edits_of(book, cache_dir)
        except Exception as exc:  # unreadable, or a header renamed: never replaced unread
            out.keep.append(book)
            out.notices.append(_unreadable(book, exc, main))
            continue
        out.read.append(book.name)
        out.shas[book] = sha
        if sha == bases.get(book.name, {}).get("sha256"):
            state = _restore_shown(state, edits, book, codebook, when, out)
        else:
            edits = changed_since_written(edits, base_of(book, bases, cache_dir))
            before = state
            state, found = reviews.merge_reviews(
                state, edits, codebook, when, unknown_problems=False
            )
            problems += found.to_dict("records")
            _conflicts(before, state, book, seen, problems)
        lock = lock_file(book)
        if lock is not None:
            out.keep.append(book)
            out.open_notices.append(
                f"`{book}` is open (lock file `{lock.name}` beside it): its last saved edits "
                "were read and it was left as it is. Save and close it, then run again to get "
                "one workbook; if it is not open anywhere, delete the lock file."
            )
    if fresh and journal.bad:
        state = settle_damaged(journal, state, out.damaged_copy, codebook, passage_ids, problems)
    _store(journal, copy, state, fresh, store_path)
    for book in books:  # stored: earlier extra workbooks go to previous/
        if book != main and book not in out.keep:
            kept = archive(book, when, move=True)
            bases.pop(book.name, None)
            if book.suffix != main.suffix:
                out.notices.append(
                    f"`{book}` (the workbook saved as {book.suffix}): its edits were read and "
                    f"stored, and it was moved to `{kept}`. Keep reviewing in `{main.name}`."
                )
    for other in other_copies(main, books):
        why = (
            f"in the {other.suffix} format, which consult cannot read"
            if other.suffix in UNREADABLE_SUFFIXES
            else "under another name, which consult does not read"
        )
        out.notices.append(
            f"`{other}` is a copy of the workbook {why}: a decision typed only there is not "
            f"applied. Save it as .xlsx (Excel Workbook) under the name `{main.name}`, or type "
            f"those decisions into `{main.name}`, then run again; the file was left as it is."
        )
    if len(bases) != len(written_bases(cache_dir)):
        save_written_bases(cache_dir, bases)
    out.store = state
    problems += reviews.unresolved_problems(state, codebook)
    out.target = beside_path(main, when) if main in out.keep else main
    for notice in out.notices + out.open_notices:
        log.warning("%s", notice)
    return out


def _restore_shown(
    state: pd.DataFrame,
    edits: pd.DataFrame,
    book: Path,
    codebook: CodebookLike,
    when: str,
    out: Collected,
) -> pd.DataFrame:
    """Decisions an unchanged workbook shows but the journal lacks (it lost rows): put back."""
    missing = edits[
        ~edits[schema.PASSAGE_ID].astype(str).isin(set(state[schema.PASSAGE_ID].astype(str)))
    ]
    if missing.empty:
        return state
    state, _ = reviews.merge_reviews(state, missing, codebook, when)
    out.notices.append(
        f"`reviews.csv` lacked {len(missing)} decision(s) that `{book.name}` "
        "shows; they were restored from the workbook."
    )
    return state


def _problems(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=reviews.PROBLEM_COLUMNS, dtype=object)


def _trusted_rows(journal, copy, out: Collected, history: bool) -> tuple[list[dict], bool]:
    """(journal rows to start from, whether decisions must be rebuilt from other places).

    `history`: workbooks exist (current or in `previous/`), so a missing journal is a loss.
    """
    if journal.intact:
        out.journal = "checked: checksums intact" + (
            " (written before checksums; converted)" if journal.legacy else ""
        )
        chains = [r.get(store_io.CHAIN) for r in journal.rows]
        longer = [r.get(store_io.CHAIN) for r in copy.rows[: len(chains)]] == chains
        if copy.intact and not journal.legacy and len(copy.rows) > len(chains) and longer:
            out.journal = (
                f"{len(copy.rows) - len(chains)} last rows missing; restored from "
                f"`{copy.path.name}`"
            )
            return copy.rows, True
        return journal.rows, False
    if not journal.exists and not copy.exists and not history:
        out.journal = "none yet"
        return [], False
    out.journal = journal.problem() or f"`{journal.path.name}` was missing"
    by_chain = {r.get(store_io.CHAIN): r for r in journal.rows if not journal.legacy}
    rows = list(journal.rows) + [r for r in copy.rows if r.get(store_io.CHAIN) not in by_chain]
    rows.sort(key=lambda r: str(r.get(reviews.UPDATED_AT) or ""))  # stable: file order kept
    return rows, True


def _conflicts(
    before: pd.DataFrame,
    after: pd.DataFrame,
    book: Path,
    seen: dict[str, tuple[str, tuple]],
    problems: list[dict],
) -> None:
    """Passages edited differently in two current workbooks: the later save wins, listed."""
    cols = [reviews.REVIEWER_INPUT, schema.REVIEWER_NOTE]
    old = {str(r[schema.PASSAGE_ID]): tuple(r[c] for c in cols) for r in before.to_dict("records")}
    for r in after.to_dict("records"):
        pid, now = str(r[schema.PASSAGE_ID]), tuple(r[c] for c in cols)
        if old.get(pid) == now:
            continue
        if pid in seen and seen[pid][1] != now:
            problems.append(
                {
                    schema.PASSAGE_ID: pid,
                    reviews.REVIEWER_INPUT: now[0],
                    schema.REASON: f"edited differently in `{seen[pid][0]}` and "
                    f"`{book.name}`; the later save (`{book.name}`) counts. Check it.",
                }
            )
        seen[pid] = (book.name, now)


def _unreadable(book: Path, exc: Exception, main: Path) -> str:
    what = "It was left as it is" if book == main else "It was left in place"
    return (
        f"Reviewer edits in `{book}` could not be read: {str(exc).rstrip('.')}. {what}, so "
        "none of its edits is lost; they count once the file is fixed and the round is run "
        "again."
    )


def _store(journal, copy, state: pd.DataFrame, fresh: bool, path: Path) -> None:
    """Append changed decisions (or write the rebuilt journal), then its copy.

    A round gets its (empty) journal with its first workbook, so that a journal missing later
    is known to be a loss.
    """
    if fresh or journal.legacy:
        store_io.save_store(state, path)
        return
    new = store_io.changed_rows(store_io.fold(journal.rows), state)
    in_step = copy.intact and [r[store_io.CHAIN] for r in copy.rows] == [
        r[store_io.CHAIN] for r in journal.rows
    ]
    if new or not journal.exists or not in_step:
        store_io.append(journal, new)
