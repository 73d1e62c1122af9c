"""`consult check ROUND`: the per-file accounting and what was detected, as plain text.

Languages are counted from the prepared passages, so they are the ones `consult run` uses.
"""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd

from consult import schema as S


def _reason_group(reason: str) -> str:
    return str(reason).split(" (", 1)[0].split(":", 1)[0]


def _fmt_list(items, limit: int = 6) -> str:
    items = [f"'{i}'" for i in items]
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def _detected_lines(det: dict) -> list[str]:
    lines = []
    bits = [f"{k} {det[k]}" for k in ("vendor", "encoding", "delimiter") if det.get(k)]
    if bits:
        lines.append("detected: " + ", ".join(bits))
    for sheet in det.get("sheets", []) if len(det.get("sheets", [])) > 1 else []:
        lines.append(
            f"sheet '{sheet.get('sheet')}': layout {sheet.get('layout')}, "
            f"{sheet.get('respondent_rows', 0)} respondents"
        )
    if det.get("free_text_columns"):
        lines.append("free-text columns: " + _fmt_list(det["free_text_columns"]))
    mapping = det.get("attribute_mapping") or {}
    if mapping:
        shown = [f"'{k}' -> {v}" for k, v in mapping.items()]
        more = f" (+{len(shown) - 8} more)" if len(shown) > 8 else ""
        lines.append("attributes: " + ", ".join(shown[:8]) + more)
    dropped = [c for s in det.get("sheets", []) for c in s.get("personal_columns_dropped", [])]
    if dropped:
        lines.append("personal columns (used only to redact, never output): " + _fmt_list(dropped))
    for key in ("format", "sections", "speakers", "turns", "headings"):
        if det.get(key) not in (None, "", [], {}):
            lines.append(f"{key}: {det[key]}")
    if det.get("manifest"):
        lines.append("manifest: " + ", ".join(f"{k}={v}" for k, v in det["manifest"].items()))
    return lines


def language_counts(passages: pd.DataFrame) -> dict[str, Counter[str]]:
    """Passages per language for each file, from the LANGUAGE column prepare filled in."""
    out: dict[str, Counter[str]] = {}
    if passages is None or passages.empty or S.LANGUAGE not in passages.columns:
        return out
    for rel, lang in zip(passages[S.SOURCE_FILE], passages[S.LANGUAGE]):
        if isinstance(lang, str) and lang:
            out.setdefault(rel, Counter())[lang] += 1
    return out


def _fmt_languages(counts: Counter[str]) -> str:
    return ", ".join(f"{lang} {n}" for lang, n in counts.most_common())


def limit_fixes(rejected: pd.DataFrame, shown: int = 3) -> list[str]:
    """Items of a read file rejected by a per-file limit (a PDF page over ingest.max_pdf_page_mb):
    each is something to fix, not noise, so the first few are listed with their location."""
    if rejected is None or rejected.empty:
        return []
    hit = rejected[rejected[S.REASON].astype(str).str.contains("ingest.max_", regex=False)]
    out = [
        f"{loc}: {why}" for loc, why in zip(hit[S.LOCATION].head(shown), hit[S.REASON].head(shown))
    ]
    if len(hit) > shown:
        out.append(
            f"... and {len(hit) - shown} more item(s) over a limit (Data quality lists them)"
        )
    return out


def format_check_report(result) -> str:
    """Per file: status, units = passages + rejected, reasons, detection, and what to fix."""
    files: pd.DataFrame = result.files
    rejected: pd.DataFrame = result.rejected
    out = []
    rounds = sorted({str(r) for r in files[S.ROUND]}) if not files.empty else []
    total_u = int(files[S.UNITS].sum()) if not files.empty else 0
    total_p = int(files[S.N_PASSAGES].sum()) if not files.empty else 0
    total_r = int(files[S.N_REJECTED].sum()) if not files.empty else 0
    out.append(
        f"Round {', '.join(rounds) or '?'}: {len(files)} files, {total_u} units = "
        f"{total_p} passages + {total_r} rejected"
    )
    languages = language_counts(getattr(result, "passages", None))
    if languages:
        out.append("languages: " + _fmt_languages(sum(languages.values(), Counter())))
    n_fix = 0
    for _, f in files.iterrows():
        rel = f[S.SOURCE_FILE]
        out.append("")
        out.append(f"{rel}  [{f[S.FILE_STATUS]}]  {f[S.SOURCE_KIND]}")
        out.append(
            f"  units {int(f[S.UNITS])} = passages {int(f[S.N_PASSAGES])} + rejected "
            f"{int(f[S.N_REJECTED])}"
        )
        mine = rejected[rejected[S.SOURCE_FILE] == rel] if not rejected.empty else rejected
        groups = Counter(_reason_group(r) for r in mine[S.REASON]) if len(mine) else Counter()
        if groups and f[S.FILE_STATUS] == "read":
            out.append("  rejected: " + ", ".join(f"{k}: {v}" for k, v in groups.most_common()))
        if rel in languages:
            out.append("  languages: " + _fmt_languages(languages[rel]))
        try:
            det = json.loads(f[S.DETECTED]) if isinstance(f[S.DETECTED], str) else {}
        except ValueError:
            det = {}
        out.extend("  " + line for line in _detected_lines(det))
        fixes = []
        reason = f[S.REASON]
        if isinstance(reason, str) and reason.strip():
            fixes.append(reason)
        units = int(f[S.UNITS])
        if f[S.FILE_STATUS] == "read" and f[S.SOURCE_KIND] != "manifest":
            fixes += limit_fixes(mine)
            if units == 0:
                fixes.append("nothing was read from this file; check it has answers or text")
            elif int(f[S.N_REJECTED]) > 0.5 * units:
                where = (
                    "the free-text columns (surveys.text_columns) or the file's content"
                    if f[S.SOURCE_KIND] == "survey"
                    else "the file's content (reasons above)"
                )
                fixes.append(f"more than half of the units were rejected; check {where}")
        for fix in fixes:
            n_fix += 1
            out.append(f"  FIX: {fix}")
    out.append("")
    out.append("No problems found." if n_fix == 0 else f"{n_fix} problem(s) to fix (lines 'FIX').")
    return "\n".join(out)
