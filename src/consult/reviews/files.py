"""The files around a round's workbook: lock files of an open copy, a workbook written beside
it, and the timestamped copies under `previous/`.

Excel keeps `~$<name>` beside a workbook it has open, LibreOffice `.~lock.<name>#`; replacing
the file then loses what the reviewer saves next, so a run writes beside it instead.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from consult.ids import sha256_file
from consult.workspace import atomic_write


def lock_file(book: Path) -> Path | None:
    """The lock file an open workbook has beside it: `~$name` (Excel, which may drop the
    name's first two characters) or `.~lock.name#` (LibreOffice)."""
    book = Path(book)
    office = book.with_name(f".~lock.{book.name}#")
    if office.exists():
        return office
    try:
        for entry in book.parent.glob("~$*"):
            rest = entry.name[2:]
            if rest and book.name.endswith(rest) and len(rest) >= len(book.name) - 2:
                return entry
    except OSError:
        return None
    return None


def beside_path(main: Path, when: str) -> Path:
    """`<stem> (new <timestamp>).xlsx`: where a workbook goes when the usual one must stay."""
    stamp = re.sub(r"[^0-9]", "", when)[:14]
    stamp = f"{stamp[:8]}-{stamp[8:]}" if len(stamp) > 8 else (stamp or "run")
    path = main.with_name(f"{main.stem} (new {stamp}){main.suffix}")
    n = 1
    while path.exists():
        n += 1
        path = main.with_name(f"{main.stem} (new {stamp}-{n}){main.suffix}")
    return path


# A reviewer's "Save as" in another format: .xlsm is read like .xlsx; these are not readable.
READABLE_SUFFIXES = (".xlsm",)
UNREADABLE_SUFFIXES = (".xls", ".xlsb", ".ods", ".numbers")


def current_workbooks(main: Path) -> list[Path]:
    """The workbook, any written beside it, and a copy the reviewer saved as .xlsm under the
    same name; oldest save first (later edits win)."""
    main = Path(main)
    books = []
    for suffix in (main.suffix, *READABLE_SUFFIXES):
        pattern = f"{_glob_escape(main.stem)} (new *){suffix}"
        books += [p for p in main.parent.glob(pattern) if p.is_file()]
        if suffix != main.suffix and main.with_suffix(suffix).is_file():
            books.append(main.with_suffix(suffix))
    if main.is_file():
        books.append(main)
    return sorted(books, key=lambda p: (_mtime(p), p.name))


def other_copies(main: Path, books: list[Path]) -> list[Path]:
    """Copies of the workbook that are not read: saved by a reviewer in a format consult cannot
    read (.xls, .ods, ...) or under another name ("<name> (1).xlsx", "<name> - reviewed.xlsx")."""
    main = Path(main)
    out = []
    for suffix in (main.suffix, *READABLE_SUFFIXES, *UNREADABLE_SUFFIXES):
        out += [
            p
            for p in main.parent.glob(f"{_glob_escape(main.stem)}*{suffix}")
            if p.is_file() and p not in books and p != main
        ]
    return sorted(set(out))


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def archive(src: Path, when: str, *, move: bool = False) -> Path | None:
    """Keep `src` under `previous/` (timestamped, once per content); `move` takes it away."""
    src = Path(src)
    if not src.is_file():
        return None
    digest = sha256_file(src)[:8]
    folder = src.parent / "previous"
    folder.mkdir(parents=True, exist_ok=True)
    same = sorted(folder.glob(f"{_glob_escape(src.stem)}-*-{digest}{src.suffix}"))
    if same:
        dest = same[0]
    else:
        stamp = re.sub(r"[^0-9A-Za-z]+", "", when)[:15] or "previous"
        dest = folder / f"{src.stem}-{stamp}-{digest}{src.suffix}"
        atomic_write(dest, lambda tmp: shutil.copyfile(src, tmp))
        shutil.copystat(src, dest)  # its save time orders a rebuild from previous/
    if move:
        src.unlink()
    return dest
