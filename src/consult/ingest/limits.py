"""Per-file limits: one upload may cost at most so much time, memory and text, never the round.

Every reader runs under a `Budget` (its own clock and counters of cells and characters). Readers
call it in their loops (cooperative checks, exact and cheap); a watchdog backs it up for library
code that has no loop of ours to check in (a PDF page parser, a zip/XML parser): when the time is
up it raises `ReadTimeout` in the reading thread. Both end in `LimitExceeded`, whose text names the
limit and its setting in consult.toml, so the file is rejected with a reason and the round goes on.

This works the same in a Prefect task thread, a Dask worker thread and `consult check`.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from consult.config import IngestConfig
from consult.ingest.base import UnreadableFile

log = logging.getLogger(__name__)

_TICK_EVERY = 1024  # cells between two looks at the clock


class LimitExceeded(UnreadableFile):
    """A per-file limit was reached; str(exc) names the limit and the setting to raise."""


class ReadTimeout(BaseException):
    """Raised into a reading thread by the watchdog. BaseException, so that a library's
    `except Exception` cannot swallow it; `run_limited` turns it into LimitExceeded."""


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def timeout_reason(seconds: float) -> str:
    return (
        f"reading the file took longer than ingest.max_seconds_per_file={seconds:g} s and "
        "was stopped; split the file, or raise the limit in consult.toml if it is a large "
        "but genuine upload"
    )


def worth_caching(outcome: object) -> bool:
    """A file stopped by the clock may read in time on a less busy machine: don't keep that."""
    return not (isinstance(outcome, str) and "ingest.max_seconds_per_file" in outcome)


@dataclass
class Budget:
    """What one file may still cost. `tick`, `add_cells` and `add_chars` raise LimitExceeded."""

    config: IngestConfig = field(default_factory=IngestConfig)
    started: float = field(default_factory=time.monotonic)
    cells: int = 0
    chars: int = 0
    _ticks: int = 0

    @property
    def deadline(self) -> float:
        return self.started + self.config.max_seconds_per_file

    def tick(self) -> None:
        """Stop the read when the file has used up its time."""
        if time.monotonic() > self.deadline:
            raise LimitExceeded(timeout_reason(self.config.max_seconds_per_file))

    def add_cells(self, n: int, what: str = "table cells") -> None:
        """Count `n` more cells (survey cells, .docx table cells) against ingest.max_cells."""
        self.cells += n
        if self.cells > self.config.max_cells:
            raise LimitExceeded(
                f"the file has more than ingest.max_cells={self.config.max_cells:,} {what}; "
                "remove empty rows and columns or split the file, or raise the limit in "
                "consult.toml"
            )
        self._ticks += n
        if self._ticks >= _TICK_EVERY:
            self._ticks = 0
            self.tick()

    def add_chars(self, n: int, what: str = "text") -> None:
        """Count `n` more characters of unpacked text against ingest.max_file_chars."""
        self.chars += n
        if self.chars > self.config.max_file_chars:
            raise LimitExceeded(
                f"the file unpacks to more than ingest.max_file_chars="
                f"{self.config.max_file_chars:,} characters of {what} (a few kilobytes can "
                "repeat one long text in many cells); remove the repeated text or split the "
                "file, or raise the limit in consult.toml"
            )

    def check_columns(self, n: int, where: str = "") -> None:
        """A table wider than ingest.max_columns (after its empty trailing columns) is refused."""
        if n > self.config.max_columns:
            raise LimitExceeded(
                f"{where or 'a table'} has {n:,} columns with content, over ingest.max_columns="
                f"{self.config.max_columns:,}; delete the empty or unused columns, or raise the "
                "limit in consult.toml"
            )

    def check_unpacked(self, n_bytes: int, what: str, limit_mb: float, setting: str) -> None:
        """Decompressed parts (a PDF page's content) over their limit are refused."""
        if n_bytes > limit_mb * 1024 * 1024:
            raise LimitExceeded(
                f"{what} unpacks to {_mb(n_bytes)}, over {setting}={limit_mb:g}; export it again "
                "(e.g. print to PDF from the original document), or raise the limit in "
                "consult.toml"
            )


def budget_of(ctx) -> Budget:
    """The budget a ReadContext carries, or a fresh one from its settings (readers called
    directly, as in tests)."""
    b = getattr(ctx, "budget", None)
    if b is None:
        b = Budget(ctx.config.ingest)
        ctx.budget = b
    return b


# ---- the watchdog -----------------------------------------------------------------------------


def _raise_in(thread_id: int, exc: type[BaseException]) -> None:
    """Schedule `exc` in another thread."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc))


def _deliver_pending() -> None:
    """Run a few loop iterations: a ReadTimeout scheduled but not yet delivered arrives at one of
    their backward jumps. Clearing it instead (`PyThreadState_SetAsyncExc(id, NULL)`) leaves
    CPython 3.11's pending-exception flag set for good, and every tracer or profiler (coverage,
    pdb, cProfile) then spins in the eval loop."""
    for _ in range(64):
        pass


class _Watchdog:
    """Raises ReadTimeout in the thread that entered it once `seconds` have passed, and again
    every quarter second until that thread leaves (an exception delivered inside a garbage
    collector callback or a `__del__` is swallowed there).

    The lock makes raising and leaving exclusive: after `__exit__` nothing is raised any more,
    and an exception scheduled but not yet delivered is delivered and caught in `__exit__`
    (then raised as the stop), so it never escapes into the caller's code.
    """

    def __init__(self, seconds: float):
        self._lock = threading.Lock()
        self._armed = False
        self.fired = False
        self._seconds = seconds
        self._target = threading.get_ident()
        self._done = threading.Event()
        self._watcher = threading.Thread(
            target=self._watch, daemon=True, name="consult-read-watchdog"
        )

    def _watch(self) -> None:
        if self._done.wait(self._seconds):
            return
        while True:
            with self._lock:
                if not self._armed:
                    return
                self.fired = True
                _raise_in(self._target, ReadTimeout)
            if self._done.wait(0.25):
                return

    def __enter__(self) -> _Watchdog:
        self._armed = True
        self._watcher.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> Literal[False]:
        try:
            with self._lock:
                self._armed = False
            if self.fired:
                _deliver_pending()
        except ReadTimeout:
            pass  # scheduled before the watch ended, delivered here rather than in the caller
        self._done.set()
        if self.fired and exc_type is None:
            raise ReadTimeout()
        return False


def run_limited(fn: Callable, *args, config: IngestConfig, **kwargs):
    """fn(*args) under the file's time limit; LimitExceeded when it runs out."""
    seconds = config.max_seconds_per_file
    try:
        with _Watchdog(seconds):
            return fn(*args, **kwargs)
    except ReadTimeout:
        log.warning("Reading stopped after %.0f s (ingest.max_seconds_per_file)", seconds)
        raise LimitExceeded(timeout_reason(seconds)) from None
