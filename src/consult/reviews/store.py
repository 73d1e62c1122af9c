"""`reviews.csv`: every reviewer decision of a round, as an append-only, checksummed journal.

Each row is one decision as it stood after a run (the last row of a passage wins) and carries
`chain_sha256`, the SHA-256 of the previous row's chain value and its own content. A row whose
chain value does not match was edited, cut short or garbled (a re-save in another encoding, a
hand edit); it is never taken silently. Rows are only ever added: a run rewrites the file
atomically with the old rows unchanged and the new ones after them, then writes the same bytes
to `previous/reviews-copy.csv`, the copy a damaged or deleted file is recovered from.

Text that a spreadsheet would run as a formula (starting with = + - @, a tab or CR) gets a
leading apostrophe, as in `passages.csv`; so does text starting with an apostrophe, so the
escape reads back exactly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from consult import schema
from consult.reviews.rules import STORE_COLUMNS, UPDATED_AT, empty_store
from consult.values import is_missing
from consult.workspace import atomic_write

log = logging.getLogger(__name__)

CHAIN = "chain_sha256"
JOURNAL_COLUMNS = STORE_COLUMNS + [CHAIN]
GENESIS = hashlib.sha256(b"consult reviews.csv v1").hexdigest()
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")  # as consult.report.safe, and LF
ESCAPE = "'"
COPY_NAME = "reviews-copy.csv"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def encode_field(value: Any) -> str:
    """A CSV field no spreadsheet evaluates; `decode_field` gives the value back exactly."""
    text = "" if is_missing(value) else str(value)
    return ESCAPE + text if text.startswith(FORMULA_STARTS + (ESCAPE,)) else text


def decode_field(text: str) -> str:
    return text[1:] if text.startswith(ESCAPE) else text


def _content(row: dict) -> list[str]:
    return ["" if is_missing(row.get(c)) else str(row.get(c)) for c in STORE_COLUMNS]


def chain_value(previous: str, row: dict) -> str:
    data = previous + "\x1e" + json.dumps(_content(row), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def copy_path(store_path: Path) -> Path:
    """The second copy of `reviews.csv`, kept in step with it under `previous/`."""
    return Path(store_path).parent / "previous" / COPY_NAME


@dataclass
class Journal:
    """What a journal file holds, row by row, and what in it failed the check."""

    path: Path
    exists: bool = False
    rows: list[dict] = field(default_factory=list)  # rows that passed the check, in file order
    bad: list[dict] = field(default_factory=list)  # {line, why, row (what could be read)}
    encoding: str = "utf-8"
    legacy: bool = False  # written before the checksum (consult 0.1): taken as it stands
    error: str = ""  # the whole file could not be read

    @property
    def intact(self) -> bool:
        return self.exists and not self.error and not self.bad

    @property
    def last_chain(self) -> str:
        return self.rows[-1][CHAIN] if self.rows and not self.legacy else GENESIS

    def problem(self) -> str:
        """The damage in words, naming the file ("" when intact or absent)."""
        if not self.exists or self.intact:
            return ""
        if self.error:
            return f"`{self.path}` cannot be read ({self.error})"
        lines = ", ".join(str(b["line"]) for b in self.bad[:10])
        more = f" and {len(self.bad) - 10} more" if len(self.bad) > 10 else ""
        why = self.bad[0]["why"]
        return (
            f"`{self.path}` failed its checksum on line(s) {lines}{more} (first: {why}); "
            "it was edited, cut short or re-saved by another program"
        )


def read_journal(path: Path) -> Journal:
    """Read and check a journal; never raises for damage, which is reported on the result."""
    j = Journal(Path(path))
    try:
        data = j.path.read_bytes()
    except FileNotFoundError:
        return j
    except OSError as exc:
        j.exists, j.error = True, str(exc.strerror or exc)
        return j
    j.exists = True
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # e.g. re-saved by Excel as "CSV" in the Windows code page
        text, j.encoding = data.decode("cp1252", errors="replace"), "cp1252"
        text = text.removeprefix("\u00ef\u00bb\u00bf")  # a UTF-8 BOM read as cp1252
    records, broken = _records(text)
    if broken:
        j.bad.append({"line": broken[0], "why": f"line {broken[0]}: {broken[1]}", "row": {}})
    if not records or schema.PASSAGE_ID not in records[0][1]:
        j.error = f"no `{schema.PASSAGE_ID}` column in its first line: not a reviews file"
        return j
    header = records[0][1]
    j.legacy = CHAIN not in header
    previous = GENESIS
    for n, fields in records[1:]:
        if not any(f.strip() for f in fields):
            continue
        row = {h: (v if j.legacy else decode_field(v)) for h, v in zip(header, fields)}
        for col in STORE_COLUMNS:
            row.setdefault(col, "")
        if len(fields) != len(header):
            j.bad.append(
                {
                    "line": n,
                    "why": f"line {n} has {len(fields)} fields, not {len(header)}",
                    "row": row,
                }
            )
            if _HEX64.fullmatch(fields[-1]):  # the chain is the last field: later rows still check
                previous = fields[-1]
            continue
        if j.legacy:
            j.rows.append(row)
            continue
        stored = row.get(CHAIN, "")
        if chain_value(previous, row) != stored:
            j.bad.append({"line": n, "why": f"line {n} does not match its checksum", "row": row})
        else:
            j.rows.append(row)
        previous = stored
    j.bad.sort(key=lambda b: b["line"])
    if j.encoding != "utf-8" and j.bad:
        j.bad[0]["why"] += " (the file is not UTF-8: re-saved in another encoding?)"
    return j


def read_copy(journal: Journal) -> Journal:
    """The journal's copy, checked; when it holds the same bytes, the check is not repeated."""
    path = copy_path(journal.path)
    try:
        same = journal.intact and path.read_bytes() == journal.path.read_bytes()
    except OSError:
        same = False
    if same:
        return Journal(path, True, journal.rows, [], journal.encoding, journal.legacy)
    return read_journal(path)


def _records(text: str) -> tuple[list[tuple[int, list[str]]], tuple[int, str] | None]:
    """(line number, fields) per CSV record, and where the CSV itself broke (a stray quote).

    A file the strict reader refuses is read again one physical line per record, so a broken
    line costs that line, not the rest of the file.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            out.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        broken = (reader.line_num, f"not valid CSV ({exc})")
        lenient = []
        for n, line in enumerate(text.splitlines(), start=1):
            try:
                lenient.append((n, next(csv.reader([line]), [])))
            except csv.Error:
                lenient.append((n, [line]))
        return lenient, broken
    return out, None


def fold(rows: list[dict]) -> pd.DataFrame:
    """The decisions the rows add up to: the last row of each passage, in first-seen order."""
    latest: dict[str, dict] = {}
    for row in rows:
        pid = str(row.get(schema.PASSAGE_ID, "")).strip()
        if pid:
            latest[pid] = row
    if not latest:
        return empty_store()
    frame = pd.DataFrame(
        [
            {c: ("" if is_missing(r.get(c)) else str(r.get(c))) for c in STORE_COLUMNS}
            for r in latest.values()
        ],
        columns=STORE_COLUMNS,
        dtype=object,
    )
    return frame


def changed_rows(before: pd.DataFrame, after: pd.DataFrame) -> list[dict]:
    """Decisions of `after` that are new or differ from `before` (what a run appends)."""
    old = {str(r[schema.PASSAGE_ID]): _content(r) for r in before.to_dict("records")}
    return [
        r for r in after.to_dict("records") if old.get(str(r[schema.PASSAGE_ID])) != _content(r)
    ]


def _render(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(JOURNAL_COLUMNS)
    for row in rows:
        writer.writerow([encode_field(row.get(c)) for c in STORE_COLUMNS] + [row[CHAIN]])
    return buf.getvalue()


def chained(rows: list[dict], previous: str = GENESIS) -> list[dict]:
    """`rows` with their chain values, continuing from `previous`."""
    out = []
    for row in rows:
        row = {c: ("" if is_missing(row.get(c)) else str(row.get(c))) for c in STORE_COLUMNS}
        previous = row[CHAIN] = chain_value(previous, row)
        out.append(row)
    return out


def write_journal(path: Path, rows: list[dict]) -> Path:
    """Write `rows` (already chained) to `path` and its copy, each atomically (UTF-8, BOM)."""
    data = _render(rows).encode("utf-8-sig")
    for target in (Path(path), copy_path(path)):
        atomic_write(target, lambda tmp: tmp.write_bytes(data))
    return Path(path)


def append(journal: Journal, rows: list[dict]) -> Path:
    """Add `rows` after the journal's checked rows; the old rows are written back unchanged."""
    old = journal.rows if not journal.legacy else chained(journal.rows)
    return write_journal(journal.path, old + chained(rows, old[-1][CHAIN] if old else GENESIS))


def save_store(store: pd.DataFrame, path: Path) -> Path:
    """Start a journal holding `store`'s decisions (a new round, or a rebuilt file)."""
    rows = store.to_dict("records") if store is not None else []
    return write_journal(path, chained(rows))


def load_store(path: Path) -> pd.DataFrame:
    """The decisions of a round as far as `reviews.csv` proves them; damage is logged.

    For reading another round's decisions (examples for the tagger). The round's own report
    step reconciles the file with the workbooks and the copy instead (consult.reviews.sources).
    """
    j = read_journal(path)
    if j.exists and not j.intact:
        log.warning(
            "%s; only its checked rows are used here. The next run of that round "
            "recovers the rest from its workbooks and `previous/`.",
            j.problem(),
        )
    return fold(j.rows)


def latest_update(rows: list[dict]) -> str:
    return max((str(r.get(UPDATED_AT) or "") for r in rows), default="")
