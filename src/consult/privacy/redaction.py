"""The privacy rules `assemble_round` applies to every file: who is redacted where, and what is
reported.

- Full names learned anywhere (a speaker, a name column) are replaced in the whole round; their
  single words, and titled short forms ("Mr Binh"), only in the file they were learned from.
- Manifest fields meant as labels (event, stakeholder group, country) are checked for e-mail
  addresses and phone/ID numbers only: what a facilitator typed is never pseudonymised.
- File names: person-like words are shown as "[name N]" in every output (see filenames.py).
- Per file, a redaction report (kind, count, masked examples) goes into the file's detected
  information, from where Data quality lists it. No real value is ever stored in it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.speakers import HONORIFICS, UNSPACED
from consult.privacy.filenames import FileNames, file_display_names

# Passage columns a manifest may fill: its values there are labels, kept as typed.
LABEL_COLUMNS = (S.COUNTRY, S.STAKEHOLDER_GROUP, S.EVENT, S.DATE)
_WORDS = re.compile(r"\w+")


def redact_attributes(value: Any, redact: Callable[[str], str]) -> Any:
    """Attributes JSON: keys (questions, header fields) and values can both carry names."""
    if not isinstance(value, str) or not value:
        return value
    try:
        attrs = json.loads(value)
    except ValueError:
        return redact(value)
    if isinstance(attrs, dict):
        attrs = {
            redact(k) if isinstance(k, str) else k: redact(v) if isinstance(v, str) else v
            for k, v in attrs.items()
        }
    return json.dumps(attrs, ensure_ascii=False, sort_keys=True)


def redact_detected(value: Any, redact: Callable[[str], str]) -> Any:
    """Detected headings, titles and column names can carry names: redact every string in it."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            redact(k) if isinstance(k, str) else k: redact_detected(v, redact)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact_detected(v, redact) for v in value]
    return value


def is_full_name(real: str) -> bool:
    """A name form the whole round may replace: two or more words, not a titled short form."""
    if not any(ch.isalpha() for ch in real):
        return True  # a phone number given in a personal column
    if UNSPACED.search(real):
        return len(real.split()) >= 2
    words = _WORDS.findall(real)
    return len(words) >= 2 and words[0].lower() not in HONORIFICS


def round_full_names(per_file: list[dict[str, str]]) -> dict[str, str]:
    """Real name -> pseudonym for the full names learned in any file (first file wins)."""
    out: dict[str, str] = {}
    for own in per_file:
        for real, pseudo in own.items():
            if is_full_name(real):
                out.setdefault(real, pseudo)
    return out


def display_names(
    rels: list[str], config: ConsultConfig, learned: dict[str, list[str]] | None = None
) -> FileNames:
    """Display paths for the round's files; without `learned`, from the paths alone (plan)."""
    if not config.privacy.file_names:
        return FileNames(display={r: r for r in rels})
    return file_display_names(rels, learned, config.privacy.extra_names)


def paths_replacer(pairs: dict[str, str]) -> Callable[[str], str]:
    """Replace every real (or provisional) path in a reason by its display path."""
    changed = sorted(((a, b) for a, b in pairs.items() if a != b), key=lambda p: -len(p[0]))

    def sub(text: str) -> str:
        if not isinstance(text, str):
            return text
        for old, new in changed:
            if old in text:
                text = text.replace(old, new)
        return text

    return sub


def file_report(
    found: dict[str, dict], detected: dict[str, Any], rel: str, display: str
) -> dict[str, dict]:
    """A file's redaction report: what its redactor replaced, the values withheld from its name
    and contact columns, and its own name when that held a person's name."""
    report = {k: dict(v) for k, v in found.items()}
    withheld = detected.get("sheets") or [detected]
    n = sum(int(s.get("personal_values_withheld") or 0) for s in withheld if isinstance(s, dict))
    cols = [
        c for s in withheld if isinstance(s, dict) for c in s.get("personal_columns_dropped", [])
    ]
    if n:
        report["name column"] = {"count": n, "examples": [f"column '{c}'" for c in cols[:3]]}
    if display != rel:
        report["file name"] = {"count": display.count("[name "), "examples": [display]}
    return report
