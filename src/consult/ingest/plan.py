"""Plan a round before parsing anything: the manifest, and which uploads will be read.

Cheap checks only (paths, size, duplicate content, kind, emptiness): a file that fails one is
rejected whole with a reason, shown under its pseudonymised name, and never parsed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from consult import schema as S
from consult.config import ConsultConfig
from consult.ids import sha256_bytes
from consult.ingest.base import UnreadableFile
from consult.ingest.files import file_extension, normalise_relpath, oversize_reason
from consult.ingest.manifest import is_manifest, read_manifest
from consult.privacy.redaction import display_names, paths_replacer
from consult.schema import RawFile

log = logging.getLogger(__name__)

WHOLE_FILE = "whole file"  # the location of an item that rejects a file whole

# fmt: off
_KIND_FOLDERS = {
    "survey": "survey", "surveys": "survey", "workshop": "workshop", "workshops": "workshop",
    "workshop notes": "workshop", "notes": "workshop", "transcript": "transcript",
    "transcripts": "transcript",
}
# fmt: on
_EXT_KIND = {
    "csv": "survey",
    "xlsx": "survey",
    "xlsm": "survey",
    "tsv": "survey",
    "vtt": "transcript",
    "srt": "transcript",
    "md": "workshop",
    "pdf": "workshop",
}


def source_kind(relpath: str) -> str | None:
    """survey / workshop / transcript from the top folder, else from an unambiguous extension."""
    parts = relpath.split("/")
    for folder in parts[:-1]:  # the top-most folder that names a kind ("week1/surveys/x.csv")
        kind = _KIND_FOLDERS.get(folder.strip().lower().replace("_", " ").replace("-", " "))
        if kind:
            return kind
    return _EXT_KIND.get(file_extension(relpath))


def file_row(round_name, rel, kind, status, reason, detected, sha, size, units=0, n_p=0, n_r=0):
    """One row of the files table (S.FILE_COLUMNS): what a file gave, and why if not all."""
    return {
        S.ROUND: round_name,
        S.SOURCE_FILE: rel,
        S.SOURCE_KIND: kind,
        S.FILE_STATUS: status,
        S.UNITS: units,
        S.N_PASSAGES: n_p,
        S.N_REJECTED: n_r,
        S.REASON: reason,
        S.DETECTED: json.dumps(detected, ensure_ascii=False, sort_keys=True, default=str),
        S.FILE_SHA256: sha,
        S.SIZE_BYTES: size,
    }


@dataclass
class PlannedFile:
    """One upload after the cheap checks: either to be read, or already rejected whole."""

    rel: str
    kind: str | None
    raw: RawFile
    size: int
    status: str = "to-read"  # "to-read", "rejected", "duplicate-file"
    reason: str | None = None
    # the path as outputs show it: person-like words replaced ("[name 1]")
    display: str = ""
    # what Prefect and logs call the file: kind, position and hash, never a name it may hold
    label: str = ""

    def __post_init__(self) -> None:
        self.display = self.display or self.rel
        self.label = self.label or f"{self.kind or 'unknown'} file ({self.raw.sha256[:12]})"


@dataclass
class RoundPlan:
    manifest: dict[str, dict]
    files: list[PlannedFile]
    file_rows: list[dict]  # rows of files that are already settled (manifest)
    whole_rejects: list[dict]


def plan_round(
    files: list[RawFile], round_name: str, config: ConsultConfig | None = None
) -> RoundPlan:
    """Read the manifest and decide, without parsing, which files will be read."""
    config = config or ConsultConfig()
    limit = config.ingest.max_file_mb * 1024 * 1024
    ordered = sorted(files, key=lambda f: normalise_relpath(f.relpath) or f.relpath)
    file_rows: list[dict] = []
    whole_rejects: list[dict] = []
    manifest: dict[str, dict] = {}
    for raw in ordered:
        rel = normalise_relpath(raw.relpath)
        if rel and is_manifest(rel):
            sha = raw.sha256 or sha256_bytes(raw.data)
            try:
                manifest = read_manifest(raw, config)
                file_rows.append(
                    file_row(
                        round_name,
                        rel,
                        "manifest",
                        "read",
                        None,
                        {"files_described": len(manifest)},
                        sha,
                        len(raw.data),
                    )
                )
            except UnreadableFile as exc:
                reason: str | None = f"manifest not applied: {exc}"
                file_rows.append(
                    file_row(
                        round_name,
                        rel,
                        "manifest",
                        "rejected",
                        reason,
                        {},
                        sha,
                        len(raw.data),
                        1,
                        0,
                        1,
                    )
                )
                whole_rejects.append(
                    {
                        S.SOURCE_FILE: rel,
                        S.SOURCE_KIND: "manifest",
                        S.LOCATION: WHOLE_FILE,
                        S.REASON: reason,
                    }
                )
    seen: dict[str, str] = {}
    planned: list[PlannedFile] = []
    for raw in ordered:
        rel = normalise_relpath(raw.relpath)
        if rel and is_manifest(rel):
            continue
        size = getattr(raw, "size_bytes", 0) or len(raw.data)
        sha = raw.sha256 or (sha256_bytes(raw.data) if raw.data else "")
        kind = source_kind(rel) if rel else None
        reason = getattr(raw, "problem", None)
        status = "rejected"
        if rel is None:
            reason, rel = (
                "the file name points outside the round folder; rename the file",
                (raw.relpath),
            )
        elif reason is None and size > limit:
            reason = oversize_reason(size, config)
        elif reason is None and sha and sha in seen:
            status = "duplicate-file"
            reason = f"same content as `{seen[sha]}`; counted once there, remove this copy"
        elif reason is None and kind is None:
            reason = (
                f"cannot tell what kind of source `.{file_extension(rel)}` is here; put the "
                "file under surveys/, workshops/ or transcripts/"
            )
        elif reason is None and not raw.data.strip():
            reason = "the file is empty; upload the file with its content"
        if reason is None:
            if sha:
                seen[sha] = rel
            planned.append(PlannedFile(rel, kind, RawFile(rel, raw.data, sha), size))
        else:
            planned.append(PlannedFile(rel, kind, RawFile(rel, b"", sha), size, status, reason))
    shown = display_names([f.rel for f in planned], config).display
    to_display = paths_replacer(shown)
    for k, f in enumerate(planned, 1):
        f.display = shown.get(f.rel, f.rel)
        f.reason = to_display(f.reason) if f.reason else f.reason
        f.label = f"{f.kind or 'unknown'} file {k} of {len(planned)} ({f.raw.sha256[:12]})"
    return RoundPlan(manifest, planned, file_rows, whole_rejects)
