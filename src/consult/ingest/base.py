"""The contract every file reader follows.

A reader turns one RawFile into units: each unit is either a passage row (a dict keyed by
schema column names) or a rejected item (location + reason). A file it cannot read at all
raises UnreadableFile with a reason a facilitator can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consult.config import ConsultConfig


class UnreadableFile(Exception):
    """The whole file is rejected; str(exc) is the facilitator-facing reason."""


@dataclass
class ReadContext:
    round: str
    config: ConsultConfig
    manifest: dict[str, Any] = field(default_factory=dict)  # this file's manifest row, if any
    budget: Any = None  # the file's limits.Budget (time, cells, characters); set by guard.py


@dataclass
class ReadResult:
    passages: list[dict[str, Any]] = field(default_factory=list)  # schema columns -> values
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {location, reason}
    detected: dict[str, Any] = field(default_factory=dict)  # layout, encoding, columns, mapping
    # real name (as found in the file) -> pseudonym used for it ("Participant 3"); used to redact
    # mentions inside the text, then dropped: never written anywhere.
    names: dict[str, str] = field(default_factory=dict)
    # pseudonym used in this file -> the person's name key (None when the label names nobody);
    # lets the round give one person one pseudonym across files (see round.assemble_round)
    people: dict[str, str | None] = field(default_factory=dict)
    # units the reader's scanner found (cues, answer cells, blocks), counted apart from the
    # passages and rejected items it made of them; guard.reconcile_units checks the two agree
    found: int | None = None

    @property
    def units(self) -> int:
        return len(self.passages) + len(self.rejected)
