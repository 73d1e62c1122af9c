"""What a later round needs from this one to compare, kept beside the outputs: the codebook's
priorities (ids, labels, descriptions) and the themes (ids, labels, sizes, the round each first
appeared in, centroids). `outputs/<round>/comparison-basis.json`; small (a few hundred kB).

Without it (outputs of an older consult) the codebook is found from Run info and the centroids
are computed again from the stored passage texts (`consult.pipeline.compare`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from consult.compare.themes import ThemeSet

BASIS_NAME = "comparison-basis.json"
FORMAT = 1
DIGITS = 5  # centroids are means of unit vectors: 5 decimals keep cosines to ~1e-5


def _floats(values) -> list[float]:
    return [round(float(v), DIGITS) for v in np.asarray(values).ravel()]


def basis_record(themes: ThemeSet, codebook) -> dict[str, Any]:
    """The JSON-ready record of a round's themes and codebook."""
    return {
        "format": FORMAT,
        "round": themes.round,
        "embedding space": themes.space,
        "counted passages": int(themes.n),
        "next theme id": int(themes.next_id),
        "mean": _floats(themes.mean),
        "themes": [
            {
                "id": int(t),
                "label": themes.labels[j],
                "size": int(themes.sizes[j]),
                "since": themes.since[j],
                "centroid": _floats(themes.centroids[j]),
            }
            for j, t in enumerate(themes.ids.tolist())
        ],
        "codebook": {
            "name": codebook.name,
            "sha256": codebook.sha256,
            "priorities": [
                {"id": p.id, "label": p.label, "description": getattr(p, "description", "")}
                for p in codebook.priorities
            ],
        },
    }


@dataclass(frozen=True)
class StoredPriority:
    id: str
    label: str
    description: str | None = None  # None: not recorded (outputs of an older consult)


@dataclass
class StoredCodebook:
    """A codebook as an earlier round's outputs record it (consult.tagging.codebook's
    CodebookLike): enough to count and to compare, not to tag."""

    name: str
    sha256: str
    priorities: list[StoredPriority] = field(default_factory=list)

    def resolve(self, token: str) -> str:
        key = " ".join(str(token).split()).casefold()
        for p in self.priorities:
            if key in (p.id.casefold(), p.label.casefold()):
                return p.id
        raise ValueError(f"`{token}` is neither an id nor a label of codebook `{self.name}`.")


class BasisError(ValueError):
    """A basis file this consult cannot read; the message says what to do."""


def _check(record: Any, where: str) -> dict:
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        found = record.get("format") if isinstance(record, dict) else None
        raise BasisError(
            f"`{where}` is in format {found!r}, this consult reads format {FORMAT}; re-run "
            "that round with this consult to rewrite it."
        )
    return record


def themes_from_basis(record: dict, where: str = "comparison-basis.json") -> ThemeSet:
    record = _check(record, where)
    try:
        items = record["themes"]
        dim = len(record["mean"])
        cents = np.array([t["centroid"] for t in items], dtype=float).reshape(len(items), dim)
        return ThemeSet(
            round=str(record["round"]),
            ids=np.array([int(t["id"]) for t in items], dtype=int),
            labels=[str(t["label"]) for t in items],
            sizes=np.array([int(t["size"]) for t in items], dtype=int),
            since=[str(t.get("since") or record["round"]) for t in items],
            centroids=cents,
            mean=np.array(record["mean"], dtype=float),
            n=int(record["counted passages"]),
            next_id=int(record["next theme id"]),
            space=str(record["embedding space"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BasisError(f"`{where}` is damaged ({exc}); re-run that round to rewrite it.") from exc


def codebook_from_basis(record: dict, where: str = "comparison-basis.json") -> StoredCodebook:
    record = _check(record, where)
    try:
        cb = record["codebook"]
        priorities = [
            StoredPriority(str(p["id"]), str(p["label"]), str(p.get("description") or ""))
            for p in cb["priorities"]
        ]
        return StoredCodebook(str(cb["name"]), str(cb.get("sha256") or ""), priorities)
    except (KeyError, TypeError) as exc:
        raise BasisError(f"`{where}` is damaged ({exc}); re-run that round to rewrite it.") from exc
