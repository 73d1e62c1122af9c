"""Run one reader under the file's limits, then make its result safe for every later stage.

- Time: the reader runs under its `Budget` and the watchdog (see limits.py).
- Text length: a passage longer than `ingest.max_passage_chars` is split, verbatim, into parts
  (located "..., part 2 of 3"): nothing anyone wrote is dropped, no later stage (spaCy, the
  embedding tokenizer, an Excel cell) sees an unbounded text, and the file says so.
- Units: what the reader found (`ReadResult.found`) must equal passages + rejected; a gap becomes
  rejected rows or a reason on the file, never a silent loss.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from consult import schema as S
from consult.ingest.base import ReadContext, ReadResult
from consult.ingest.limits import Budget, LimitExceeded, run_limited
from consult.schema import RawFile

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"[.!?\u3002\u0964](?=\s)")


def add_problem(detected: dict, text: str) -> None:
    """Append a facilitator-facing note to the file's reason (Data quality, `consult check`)."""
    old = detected.get("problem")
    detected["problem"] = f"{old}; {text}" if old else text


def _cut(window: str) -> int:
    """Where to end a part inside `window`: a paragraph, line, sentence or word break late enough
    to keep parts large, else the window's end."""
    floor = len(window) // 2
    for sep in ("\n\n", "\n"):
        k = window.rfind(sep)
        if k >= floor:
            return k + len(sep)
    ends = [m.end() for m in _SENTENCE_END.finditer(window, floor)]
    if ends:
        return ends[-1]
    k = max(window.rfind(" "), window.rfind("\t"))
    return k + 1 if k >= floor else len(window)


def split_text(text: str, limit: int) -> list[str]:
    """Verbatim parts of at most `limit` characters, each a substring of `text`, in order."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        k = _cut(rest[:limit])
        part = rest[:k].strip()
        if part:
            parts.append(part)
        rest = rest[k:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def split_long_passages(res: ReadResult, limit: int) -> ReadResult:
    """Passages over `limit` characters become parts; the file's reason names the setting."""
    if not any(isinstance(p.get(S.TEXT), str) and len(p[S.TEXT]) > limit for p in res.passages):
        return res
    out: list[dict] = []
    n_long = n_parts = longest = 0
    first = ""
    for p in res.passages:
        text = p.get(S.TEXT)
        if not isinstance(text, str) or len(text) <= limit:
            out.append(p)
            continue
        parts = split_text(text, limit)
        n_long += 1
        n_parts += len(parts)
        longest = max(longest, len(text))
        first = first or str(p.get(S.LOCATION) or "")
        for k, part in enumerate(parts, 1):
            out.append(
                {**p, S.TEXT: part, S.LOCATION: f"{p.get(S.LOCATION)}, part {k} of {len(parts)}"}
            )
    res.passages = out
    if res.found is not None:
        res.found += n_parts - n_long
    res.detected["split_passages"] = {"passages": n_long, "parts": n_parts, "longest": longest}
    add_problem(
        res.detected,
        (
            f"{n_long} passage(s) longer than ingest.max_passage_chars={limit:,} characters (the "
            f"longest {longest:,}, first at {first}) were split into {n_parts} parts; check they "
            "are genuine answers, not pasted documents, or raise the limit in consult.toml"
        ),
    )
    log.warning(
        "%d over-long passage(s) split into %d parts (ingest.max_passage_chars=%d)",
        n_long,
        n_parts,
        limit,
    )
    return res


def reconcile_units(res: ReadResult, relpath: str) -> ReadResult:
    """Every unit the reader found is a passage or a rejected item; a gap is made visible."""
    accounted = len(res.passages) + len(res.rejected)
    found = res.found if res.found is not None else accounted
    if found > accounted:
        missing = found - accounted
        # the file by its extension only: its name may hold a person's name (logs reach Prefect)
        log.error(
            "A .%s file: %d of %d units neither read nor rejected",
            relpath.rsplit(".", 1)[-1],
            missing,
            found,
        )
        for k in range(1, missing + 1):
            res.rejected.append(
                {
                    S.LOCATION: f"unit not accounted for ({k} of {missing})",
                    S.REASON: "found in the file but neither read nor rejected by the reader (a "
                    "consult bug: please report it with this file)",
                }
            )
    elif found < accounted:
        log.error(
            "A .%s file: %d units found but %d accounted",
            relpath.rsplit(".", 1)[-1],
            found,
            accounted,
        )
        add_problem(
            res.detected,
            (
                f"the reader found {found} units but produced {accounted} passages and rejected "
                "items (a consult bug: please report it with this file)"
            ),
        )
    res.found = len(res.passages) + len(res.rejected)
    return res


def read_guarded(
    reader: Callable[[RawFile, ReadContext], ReadResult],
    raw: RawFile,
    ctx: ReadContext,
    max_passages: int | None = None,
) -> ReadResult:
    """reader(raw, ctx) under the file's limits; raises LimitExceeded (an UnreadableFile).
    `max_passages`: ingest.max_document_passages, for transcripts and notes."""
    cfg = ctx.config.ingest
    ctx.budget = Budget(cfg)
    res = run_limited(reader, raw, ctx, config=cfg)
    if max_passages is not None and len(res.passages) > max_passages:
        raise LimitExceeded(
            f"the file gives {len(res.passages):,} passages, over the limit "
            f"ingest.max_document_passages={max_passages:,} (a file of tiny cues or lines?); "
            "split it or raise the limit in consult.toml"
        )
    res = split_long_passages(res, cfg.max_passage_chars)
    return reconcile_units(res, raw.relpath)
