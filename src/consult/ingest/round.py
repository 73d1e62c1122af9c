"""Ingest a whole round: dispatch each file to its reader, redact, account for every unit.

The round never stops for one bad file: every reader failure rejects that file whole with a
reason, and the per-file table says units == passages + rejected for every file.

Rules applied here, once, for every reader:
- Non-answers: an empty unit, or one without a letter or digit, is rejected whatever its kind;
  stock phrases (`ingest.non_answers`: "N/A", "no comment", "No") are rejected only for survey
  answers and workshop notes. Transcript turns such as "No." or "OK" are replies in a conversation
  and stay passages.
- Pseudonyms are unique across the round: readers number speakers per file ("Participant 1"),
  and `assemble_round` renumbers them in file order. The same named person in two files (same
  name once titles are removed) keeps one pseudonym; labels that name nobody ("Speaker 2") are
  different people in different files. A full name is replaced by its pseudonym in the whole
  round, a single word of a name only in its own file (consult.privacy.redaction).
- Pseudonyms, respondent ids and speaker roles are ours and never redacted; locations are
  redacted only for e-mail addresses, phone/ID numbers and full names, so they stay findable.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig
from consult.ids import passage_id, sha256_bytes
from consult.ingest.attributes import group_lookup, normalise_country, normalise_group
from consult.ingest.base import ReadContext, ReadResult, UnreadableFile
from consult.ingest.files import file_extension, normalise_relpath
from consult.ingest.guard import read_guarded
from consult.ingest.manifest import is_manifest, manifest_for, read_manifest
from consult.privacy.redaction import (
    LABEL_COLUMNS,
    display_names,
    file_report,
    paths_replacer,
    redact_attributes,
    redact_detected,
    round_full_names,
)
from consult.ingest.textutil import non_answer_reason
from consult.privacy.redact import Redactor
from consult.schema import RawFile

log = logging.getLogger(__name__)

WHOLE_FILE = "whole file"
_KIND_FOLDERS = {
    "survey": "survey", "surveys": "survey", "workshop": "workshop", "workshops": "workshop",
    "workshop notes": "workshop", "notes": "workshop", "transcript": "transcript",
    "transcripts": "transcript",
}
_EXT_KIND = {"csv": "survey", "xlsx": "survey", "xlsm": "survey", "tsv": "survey",
             "vtt": "transcript", "srt": "transcript", "md": "workshop", "pdf": "workshop"}
# Columns holding our own values (ids, pseudonyms, flags): never redacted.
_NOT_REDACTED = {S.PASSAGE_ID, S.ROUND, S.SOURCE_KIND, S.SOURCE_FILE, S.FILE_SHA256,
                 S.N_WORDS, S.IS_STAKEHOLDER_INPUT, S.DUPLICATE_OF, S.LANGUAGE, S.SPEAKER,
                 S.SPEAKER_ROLE, S.RESPONDENT_ID, S.LOCATION, S.ATTRIBUTES}
# Kinds whose units are answers, where stock non-answer phrases ("N/A") are rejected.
PHRASE_KINDS = ("survey", "workshop")


@dataclass
class IngestResult:
    passages: pd.DataFrame  # exactly S.PASSAGE_COLUMNS
    rejected: pd.DataFrame  # exactly S.REJECTED_COLUMNS
    files: pd.DataFrame  # exactly S.FILE_COLUMNS


def source_kind(relpath: str) -> str | None:
    """survey / workshop / transcript from the top folder, else from an unambiguous extension."""
    parts = relpath.split("/")
    for folder in parts[:-1]:  # the top-most folder that names a kind ("week1/surveys/x.csv")
        kind = _KIND_FOLDERS.get(folder.strip().lower().replace("_", " ").replace("-", " "))
        if kind:
            return kind
    return _EXT_KIND.get(file_extension(relpath))


def _reader(kind: str) -> Callable[[RawFile, ReadContext], ReadResult]:
    if kind == "survey":
        from consult.ingest.surveys import read_survey

        return read_survey
    try:
        if kind == "workshop":
            from consult.ingest.workshops import read_workshop as fn
        else:
            from consult.ingest.transcripts import read_transcript as fn
    except ImportError as exc:
        raise UnreadableFile(f"no reader for {kind} files is installed ({exc})") from exc
    return fn


def flag_duplicates(passages: pd.DataFrame, min_words: int) -> pd.DataFrame:
    """Point identical answers (campaign responses) at the first one; keep them all."""
    out = passages.copy()
    out[S.DUPLICATE_OF] = None
    if out.empty:
        return out
    first: dict[str, str] = {}
    dup = []
    for text, pid in zip(out[S.TEXT], out[S.PASSAGE_ID]):
        words = str(text).split()
        if len(words) < min_words:
            dup.append(None)
            continue
        key = " ".join(words).casefold()
        if key in first:
            dup.append(first[key])
        else:
            first[key] = pid
            dup.append(None)
    out[S.DUPLICATE_OF] = pd.Series(dup, index=out.index, dtype="object")
    return out


def _file_row(round_name, rel, kind, status, reason, detected, sha, size, units=0, n_p=0, n_r=0):
    return {S.ROUND: round_name, S.SOURCE_FILE: rel, S.SOURCE_KIND: kind, S.FILE_STATUS: status,
            S.UNITS: units, S.N_PASSAGES: n_p, S.N_REJECTED: n_r, S.REASON: reason,
            S.DETECTED: json.dumps(detected, ensure_ascii=False, sort_keys=True, default=str),
            S.FILE_SHA256: sha, S.SIZE_BYTES: size}


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


def plan_round(files: list[RawFile], round_name: str,
               config: ConsultConfig | None = None) -> RoundPlan:
    """Read the manifest and decide, without parsing, which files will be read."""
    config = config or ConsultConfig()
    limit = config.ingest.max_file_mb * 1024 * 1024
    ordered = sorted(files, key=lambda f: (normalise_relpath(f.relpath) or f.relpath))
    file_rows: list[dict] = []
    whole_rejects: list[dict] = []
    manifest: dict[str, dict] = {}
    for raw in ordered:
        rel = normalise_relpath(raw.relpath)
        if rel and is_manifest(rel):
            sha = raw.sha256 or sha256_bytes(raw.data)
            try:
                manifest = read_manifest(raw, config)
                file_rows.append(_file_row(round_name, rel, "manifest", "read", None,
                                           {"files_described": len(manifest)}, sha,
                                           len(raw.data)))
            except UnreadableFile as exc:
                reason = f"manifest not applied: {exc}"
                file_rows.append(_file_row(round_name, rel, "manifest", "rejected", reason, {},
                                           sha, len(raw.data), 1, 0, 1))
                whole_rejects.append({S.SOURCE_FILE: rel, S.SOURCE_KIND: "manifest",
                                      S.LOCATION: WHOLE_FILE, S.REASON: reason})
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
            reason, rel = "the file name points outside the round folder; rename the file", (
                raw.relpath)
        elif reason is None and size > limit:
            reason = (f"file is {size / 1024 / 1024:.0f} MB, over the limit ingest.max_file_mb="
                      f"{config.ingest.max_file_mb:g}; split it or raise the limit")
        elif reason is None and sha and sha in seen:
            status = "duplicate-file"
            reason = f"same content as `{seen[sha]}`; counted once there, remove this copy"
        elif reason is None and kind is None:
            reason = (f"cannot tell what kind of source `.{file_extension(rel)}` is here; put the "
                      "file under surveys/, workshops/ or transcripts/")
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


def read_planned(item: PlannedFile, round_name: str, config: ConsultConfig,
                 manifest: dict[str, dict]) -> ReadResult | str:
    """Parse one file (the costly, cacheable, parallel part): a ReadResult or the reason it failed.

    The result is not yet redacted: it must stay in memory or in a private cache, never in outputs.
    Every reader runs under the file's limits (guard.py): over one, the file is rejected.
    """
    ctx = ReadContext(round=round_name, config=config, manifest=manifest_for(item.rel, manifest))
    try:
        return read_guarded(_reader(item.kind), item.raw, ctx, None if item.kind == "survey"
                            else config.ingest.max_document_passages)
    except UnreadableFile as exc:
        return str(exc)
    except Exception as exc:  # a reader bug must not stop the round
        log.exception("Reader failed on %s", item.label)
        return (f"the file could not be read ({type(exc).__name__}: {exc}); check it "
                "opens in its application and upload it again")


def ingest_round(files: list[RawFile], round_name: str,
                 config: ConsultConfig | None = None) -> IngestResult:
    """Read every file of a round into one redacted passage table, with per-file accounting."""
    config = config or ConsultConfig()
    plan = plan_round(files, round_name, config)
    outcomes = [read_planned(f, round_name, config, plan.manifest) if f.status == "to-read"
                else None for f in plan.files]
    return assemble_round(plan, outcomes, round_name, config)


# Positions consult writes into locations ("cues 3001-3007", "row 12", "part 2 of 3"): numbers a
# phone or ID pattern would otherwise mask, leaving a reviewer unable to find the passage.
_POSITIONS = re.compile(r"\b(?:cues?|rows?|lines?|turns?|paragraphs?|pages?|parts?|items?|cells?)"
                        r"\s+\d+(?:\s*[-\u2013]\s*\d+)?(?:\s+of\s+\d+)?", re.IGNORECASE)


def redact_around_positions(value: str, redact: Callable[[str], str]) -> str:
    """`redact` applied to a location except to the positions consult itself wrote in it."""
    out, last = [], 0
    for m in _POSITIONS.finditer(value):
        out += [redact(value[last:m.start()]) if m.start() > last else "", m.group(0)]
        last = m.end()
    out.append(redact(value[last:]) if last < len(value) else "")
    return "".join(out)


def assemble_round(plan: RoundPlan, outcomes: list[ReadResult | str | None], round_name: str,
                   config: ConsultConfig) -> IngestResult:
    """Redact across the round, apply the manifest, and account for every unit of every file.

    Privacy rules: see consult.privacy.redaction (full names round-wide, single words in their
    own file, manifest labels checked for contact details only, file names shown pseudonymised).
    """
    manifest = plan.manifest
    groups = group_lookup(config.surveys.stakeholder_groups)
    canonical_groups = set(config.surveys.stakeholder_groups)
    read = [(item, outcome) for item, outcome in zip(plan.files, outcomes)
            if isinstance(outcome, ReadResult)]
    renames = round_pseudonyms([res for _, res in read])
    file_names = [{real: mapping.get(pseudo, pseudo) for real, pseudo in res.names.items()}
                  for (_, res), mapping in zip(read, renames)]
    shown = display_names([f.rel for f in plan.files], config,
                          {item.rel: list(own) for (item, _), own in zip(read, file_names)})
    show = shown.display.get
    round_redactor = Redactor(config.privacy, round_full_names(file_names), parts=False)
    to_display = paths_replacer({**{f.display: show(f.rel, f.rel) for f in plan.files},
                                 **{f.rel: show(f.rel, f.rel) for f in plan.files}})

    def scrub(text: Any) -> Any:
        return round_redactor(to_display(text)) if isinstance(text, str) else text

    file_rows = [{**r, S.REASON: scrub(r[S.REASON])} for r in plan.file_rows]
    whole_rejects = [{**r, S.REASON: scrub(r[S.REASON])} for r in plan.whole_rejects]
    for item, outcome in zip(plan.files, outcomes):
        if isinstance(outcome, ReadResult):
            continue
        status = item.status if item.status != "to-read" else "rejected"
        reason = scrub(item.reason if outcome is None else outcome)
        where = show(item.rel, item.display)
        # a path outside the round folder is kept as uploaded, and reports no extension
        ext = file_extension(item.rel) if normalise_relpath(item.rel) else ""
        det: dict[str, Any] = {"extension": ext}
        if where != item.rel:
            det["redactions"] = file_report({}, {}, item.rel, where)
        file_rows.append(_file_row(round_name, where, item.kind or "unknown", status, reason,
                                   det, item.raw.sha256, item.size, 1, 0, 1))
        whole_rejects.append({S.SOURCE_FILE: where, S.SOURCE_KIND: item.kind or "unknown",
                              S.LOCATION: WHOLE_FILE, S.REASON: reason})

    non_answers = frozenset(a.casefold() for a in config.ingest.non_answers)
    passages: list[dict] = []
    rejected: list[dict] = [{S.ROUND: round_name, S.STAGE: "ingest", **r} for r in whole_rejects]
    to_redact = [c for c in S.PASSAGE_COLUMNS if c not in _NOT_REDACTED]
    for (item, res), mapping, own in zip(read, renames, file_names):
        rel, kind, raw = item.rel, item.kind, item.raw
        where = show(rel, item.display)
        redactor = round_redactor.with_names({**shown.found.get(rel, {}), **own})
        memo: dict[tuple[str, str], str] = {}
        attr_memo: dict[str, str] = {}

        def redact(value: str, mode: str = "text", *, _r=redactor, _m=memo) -> str:
            """Repeated values (questions, sections, attributes) are redacted once per file.
            mode "label": full names only (a group or event typed in the file); "contact":
            e-mail addresses and numbers only (the manifest's labels)."""
            out = _m.get((value, mode))
            if out is None:
                out = _m[(value, mode)] = _r.redact(value, parts=mode != "label",
                                                    contact_only=mode == "contact")
            return out

        def redact_location(value: str, _r=redactor) -> str:
            return redact_around_positions(value, lambda v: _r.redact(v, parts=False))

        man = manifest_for(rel, manifest)
        phrases = kind in PHRASE_KINDS
        n_p = n_r = 0
        used: Counter[str] = Counter()
        for rej in res.rejected:
            n_r += 1
            rejected.append({S.ROUND: round_name, S.SOURCE_KIND: kind, S.SOURCE_FILE: where,
                             S.LOCATION: redact_location(str(rej.get(S.LOCATION, ""))),
                             S.REASON: redact(str(rej.get(S.REASON, "unreadable"))),
                             S.STAGE: "ingest"})
        for p in res.passages:
            row = {c: p.get(c) for c in S.PASSAGE_COLUMNS}
            row.update({S.ROUND: round_name, S.SOURCE_KIND: kind, S.SOURCE_FILE: where,
                        S.FILE_SHA256: raw.sha256, S.DUPLICATE_OF: None})
            for col, value in man.items():
                if col in S.PASSAGE_COLUMNS and row.get(col) in (None, ""):
                    row[col] = value
            # manifest labels, and values we made (ISO codes, canonical groups), stay as written
            labels = {c for c in LABEL_COLUMNS if man.get(c) and row.get(c) == man.get(c)}
            row[S.COUNTRY] = normalise_country(row[S.COUNTRY])
            row[S.STAKEHOLDER_GROUP] = normalise_group(row[S.STAKEHOLDER_GROUP], groups)
            if row[S.STAKEHOLDER_GROUP] in canonical_groups:
                labels.add(S.STAKEHOLDER_GROUP)
            if isinstance(row[S.SPEAKER], str):
                row[S.SPEAKER] = mapping.get(row[S.SPEAKER], row[S.SPEAKER])
            for col in to_redact:
                value = row[col]
                if isinstance(value, str) and value:
                    row[col] = redactor(value) if col == S.TEXT else redact(
                        value, "contact" if col in labels else
                        "label" if col in LABEL_COLUMNS else "text")
            attrs = row[S.ATTRIBUTES]
            if isinstance(attrs, str) and attrs:
                if attrs not in attr_memo:
                    attr_memo[attrs] = redact_attributes(attrs, redact)
                row[S.ATTRIBUTES] = attr_memo[attrs]
            loc = redact_location(str(row[S.LOCATION] or ""))
            row[S.LOCATION] = loc
            used[loc] += 1
            key = loc if used[loc] == 1 else f"{loc}#{used[loc]}"
            row[S.PASSAGE_ID] = passage_id(raw.sha256, key)
            why = non_answer_reason(row[S.TEXT], non_answers, phrases)
            if why:
                n_r += 1
                rejected.append({S.ROUND: round_name, S.SOURCE_KIND: kind, S.SOURCE_FILE: where,
                                 S.LOCATION: loc, S.REASON: why, S.STAGE: "ingest"})
                continue
            n_p += 1
            passages.append(row)
        det = redact_detected(dict(res.detected), redact)
        if man:
            det["manifest"] = {k: redact(v, "contact") if isinstance(v, str) else v
                               for k, v in man.items()}
        report = file_report(redactor.report(), det, rel, where)
        if report:
            det["redactions"] = report
        file_rows.append(_file_row(round_name, where, kind, "read", det.get("problem"), det,
                                   raw.sha256, len(raw.data), n_p + n_r, n_p, n_r))
    table = pd.DataFrame(passages, columns=S.PASSAGE_COLUMNS).astype("object")
    if table.empty:
        table = S.empty_passages()
    table = flag_duplicates(table, config.ingest.duplicate_min_words)
    rej = pd.DataFrame(rejected, columns=S.REJECTED_COLUMNS).astype("object")
    files_df = pd.DataFrame(file_rows, columns=S.FILE_COLUMNS)
    files_df = files_df.sort_values(S.SOURCE_FILE, kind="stable").reset_index(drop=True)
    log.info("Ingested round %s: %d files, %d passages, %d rejected", round_name,
             len(files_df), len(table), len(rej))
    return IngestResult(passages=table, rejected=rej if not rej.empty else S.empty_rejected(),
                        files=files_df)
