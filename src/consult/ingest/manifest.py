"""The optional round manifest: per-file country, stakeholder group, event, date, language."""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.attributes import header_key, normalise_country
from consult.ingest.base import UnreadableFile
from consult.ingest.tables import load_tables
from consult.schema import RawFile

log = logging.getLogger(__name__)

MANIFEST_NAMES = ("manifest.csv", "manifest.xlsx")
# fmt: off
_FIELDS = {
    "file": "file", "filename": "file", "file name": "file", "path": "file", "source file": "file",
    "country": S.COUNTRY, "member state": S.COUNTRY, "ams": S.COUNTRY,
    "stakeholder group": S.STAKEHOLDER_GROUP,
    "sector": S.STAKEHOLDER_GROUP, "event": S.EVENT, "date": S.DATE, "language": S.LANGUAGE,
}
# fmt: on


def is_manifest(relpath: str) -> bool:
    return relpath.lower() in MANIFEST_NAMES


def _key(path: str) -> str:
    return unicodedata.normalize("NFC", path.replace("\\", "/").strip().strip("/")).casefold()


def read_manifest(raw: RawFile, config: ConsultConfig) -> dict[str, dict[str, Any]]:
    """Manifest rows keyed by the normalised file path (or bare file name) they describe."""
    tables = load_tables(raw.relpath, raw.data, config.ingest)
    if not tables:
        raise UnreadableFile("the manifest is empty; list one uploaded file per row")
    rows = [r for r in tables[0].rows if any(c.strip() for c in r)]
    if not rows:
        raise UnreadableFile("the manifest is empty; list one uploaded file per row")
    header = [_FIELDS.get(header_key(h)) for h in rows[0]]
    if "file" not in header:
        raise UnreadableFile(
            "the manifest has no `file` column; its first row must name the columns "
            "file, country, stakeholder_group, event, date, language"
        )
    out: dict[str, dict[str, Any]] = {}
    for row in rows[1:]:
        rec = {f: row[i].strip() for i, f in enumerate(header) if f and i < len(row)}
        name = rec.pop("file", "")
        if not name:
            continue
        values: dict[str, Any] = {k: v for k, v in rec.items() if v}
        if S.COUNTRY in values:
            values[S.COUNTRY] = normalise_country(values[S.COUNTRY])
        out[_key(name)] = values
    return out


def manifest_for(relpath: str, manifest: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The manifest row for a file: by path in the round, path within its kind folder, or name."""
    if not manifest:
        return {}
    key = _key(relpath)
    candidates = [key, key.split("/", 1)[-1], key.rsplit("/", 1)[-1]]
    for c in candidates:
        if c in manifest:
            return manifest[c]
    return {}
