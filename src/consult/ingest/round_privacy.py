"""The round's people: pseudonyms renumbered across the round, and what redaction needs round-wide
(each file's names, display paths, the round's full names), worked out before any file.

Split out of assemble.py so the round-wide privacy context stands apart from per-file assembly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.base import ReadResult
from consult.ingest.plan import PlannedFile, RoundPlan
from consult.privacy.redact import Redactor
from consult.privacy.redaction import display_names, paths_replacer, round_full_names

_ROLE_OF = re.compile(r"^(Participant|Facilitator) \d+$")


def round_pseudonyms(read: list[ReadResult]) -> list[dict[str, str]]:
    """Per file (in order): file pseudonym -> round pseudonym, numbered across the round.

    One named person (same name key) keeps one pseudonym in every file; a label that names nobody
    ("Speaker 2") is a new person in each file.
    """
    count = {"Participant": 0, "Facilitator": 0}
    by_person: dict[str, str] = {}
    out = []
    for res in read:
        mapping: dict[str, str] = {}
        people = dict(res.people)
        for p in res.passages:  # pseudonyms used but not declared
            sp = p.get(S.SPEAKER)
            if isinstance(sp, str) and _ROLE_OF.match(sp):
                people.setdefault(sp, None)
        for local, person in people.items():
            m = _ROLE_OF.match(local)
            if not m:
                continue
            if person is not None and person in by_person:
                mapping[local] = by_person[person]
                continue
            count[m.group(1)] += 1
            mapping[local] = f"{m.group(1)} {count[m.group(1)]}"
            if person is not None:
                by_person[person] = mapping[local]
        out.append(mapping)
    return out


@dataclass
class RoundPrivacy:
    """What redaction needs across the round, worked out once before any file is assembled."""

    renames: list[dict[str, str]]  # per read file: file pseudonym -> round pseudonym
    own_names: list[dict[str, str]]  # per read file: real name -> round pseudonym
    display: dict[str, str]  # path -> the path as outputs show it
    found: dict[str, dict[str, str]]  # path -> names its path held
    redactor: Redactor  # the round's full names
    to_display: Callable[[str], str] = field(repr=False)

    def show(self, rel: str, default: str) -> str:
        """The path as outputs show it (its person-like words replaced)."""
        return self.display.get(rel, default)

    def scrub(self, text: Any) -> Any:
        """A reason as outputs show it: paths pseudonymised, the round's full names replaced."""
        return self.redactor(self.to_display(text)) if isinstance(text, str) else text


def round_privacy(
    plan: RoundPlan, read: list[tuple[PlannedFile, ReadResult]], config: ConsultConfig
) -> RoundPrivacy:
    """Pseudonyms renumbered across the round, display paths and the round-wide redactor: a
    name learned in one file is redacted in every file and every file name."""
    renames = round_pseudonyms([res for _, res in read])
    own_names = [
        {real: mapping.get(pseudo, pseudo) for real, pseudo in res.names.items()}
        for (_, res), mapping in zip(read, renames)
    ]
    shown = display_names(
        [f.rel for f in plan.files],
        config,
        {item.rel: list(own) for (item, _), own in zip(read, own_names)},
    )
    show = shown.display.get
    to_display = paths_replacer(
        {
            **{f.display: show(f.rel, f.rel) for f in plan.files},
            **{f.rel: show(f.rel, f.rel) for f in plan.files},
        }
    )
    redactor = Redactor(config.privacy, round_full_names(own_names), parts=False)
    return RoundPrivacy(renames, own_names, shown.display, shown.found, redactor, to_display)
