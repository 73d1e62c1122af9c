"""Survey columns: which export layout a table has, and what each column is (free text, a
respondent attribute, metadata, personal data) with the reason, shown on Data quality.

Split out of surveys.py so the per-row reading stays apart from the column rules.
"""

from __future__ import annotations

import logging
import re
import statistics
from dataclasses import dataclass

from consult.ingest.attributes import header_key, match_alias
from consult.ingest.base import ReadContext
from consult.ingest.textutil import count_words
from consult.privacy.personal import (
    DECISION,
    NAME,
    header_meaning,
    personal_kind_of,
    values_look_like_names,
)

log = logging.getLogger(__name__)

# fmt: off
_METADATA = {
    "timestamp", "marca temporal", "horodateur", "zeitstempel", "dấu thời gian", "cap waktu",
    "stempel waktu", "start time", "completion time", "last modified time", "id", "respondent id",
    "collector id", "start date", "end date", "startdate", "enddate", "date created",
    "date modified", "ip address", "ipaddress", "ipaddr", "responseid", "response id", "status",
    "progress", "duration in seconds", "finished", "recordeddate", "recorded date",
    "distributionchannel", "userlanguage", "locationlatitude", "locationlongitude",
    "externalreference", "externaldatareference", "custom data 1", "submitdate", "lastpage",
    "startlanguage", "seed", "datestamp", "refurl", "token", "start", "end", "today", "deviceid",
    "subscriberid", "simserial", "phonenumber", "username", "audit", "uuid", "instanceid",
    "submission time", "submitted by", "version", "validation status", "index", "tags", "notes",
    "parent index", "parent table name", "submission uuid", "rootuuid", "deprecatedid",
    "total time", "interviewtime", "response type", "q recaptchascore", "q relevantidduplicate",
}
# fmt: on
_PERSONAL = re.compile(
    r"^(?:your |respondent s |respondent |participant s |participant |contact |full |first |"
    r"last |given |family |recipient ?)?(?:name|full ?name|first ?name|last ?name|surname|"
    r"given ?name|family ?name|nama|họ và tên|ho va ten|email|e ?mail|email address|"
    r"e ?mail address|phone|phone number|mobile|mobile number|telephone|tel|whatsapp|contact|"
    r"contact details|contact number|address|ip|signature|respondent|participant|interviewee|"
    r"submitted by|author|contact person|focal point|nama lengkap|tên|full names?)"
    r"(?: optional)?$"
)
_CLOSED_HINT = re.compile(
    r"(?<!\w)(organi[sz]ation|institution|agency|company|ministry|position|job title|"
    r"designation|affiliation|role|age|gender|sex|city|province|region|location|occupation)(?!\w)"
)
_NUMBERISH = re.compile(r"^[\s$€£¥%+\-.,:/()\d]*\d[\s$€£¥%+\-.,:/()\d]*$|^\d{4}-\d\d-\d\d.*$")
_EMAILISH = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_IMPORT_ID = '{"importid"'


@dataclass
class Column:
    index: int
    header: str  # first header row, as in the file
    question: str  # question text shown to respondents
    role: str = "attribute"  # text | attribute | metadata | personal | ignored | empty
    canonical: str | None = None  # attribute alias target: country / stakeholder_group
    personal: str | None = None  # name | contact | other (personal.py), for role "personal"
    why: str = ""  # the reason for the role, shown on Data quality


def column_letter(index: int) -> str:
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def norm_header(h: str) -> str:
    return header_key(h.split("/")[-1].lstrip("_")) if h else ""


def detect_layout(rows: list[list[str]], start: int) -> tuple[str, int]:
    """(vendor, number of header rows) from the header row at `start` and the rows after it."""
    heads = {norm_header(h) for h in rows[start]}
    raw = [h.strip().lower() for h in rows[start]]

    def row_has(i: int, pred) -> bool:
        return i < len(rows) and any(pred(c.strip().lower()) for c in rows[i])

    if "responseid" in heads or ("startdate" in heads and "enddate" in heads):
        for k in (1, 2):
            if row_has(start + k, lambda c: c.startswith(_IMPORT_ID)):
                return "qualtrics", k + 1
        return "qualtrics", 1
    if "respondent id" in heads and "collector id" in heads:
        sub = row_has(start + 1, lambda c: c in ("response", "open-ended response"))
        return "surveymonkey", 2 if sub else 1
    if any(h in ("_uuid", "_submission_time", "_id", "_index") for h in raw) or (
        sum("/" in h for h in raw) >= 2
    ):
        return "kobotoolbox", 1
    if "start time" in heads and "completion time" in heads:
        return "microsoft-forms", 1
    if raw and norm_header(raw[0]) in {
        "timestamp",
        "marca temporal",
        "horodateur",
        "zeitstempel",
        "dấu thời gian",
        "cap waktu",
        "stempel waktu",
    }:
        return "google-forms", 1
    if len(heads & {"submitdate", "lastpage", "startlanguage", "seed", "datestamp"}) >= 2:
        return "limesurvey", 1
    return "unknown", 1


def question_texts(
    rows: list[list[str]], start: int, n_header: int, vendor: str, width: int
) -> list[str]:
    first = rows[start] + [""] * (width - len(rows[start]))
    if vendor == "qualtrics" and n_header >= 2:
        second = rows[start + 1] + [""] * width
        return [second[i].strip() or first[i] for i in range(width)]
    if vendor == "surveymonkey" and n_header == 2:
        second = rows[start + 1] + [""] * width
        out, last = [], ""
        for i in range(width):
            last = first[i].strip() or last
            sub = second[i].strip()
            out.append(
                last
                if sub.lower() in ("", "response", "open-ended response")
                else f"{last} - {sub}"
            )
        return out
    return list(first)


def _looks_text(values: list[str], header: str, min_words: int) -> bool:
    """Free text: long or varied answers, not numbers, dates, ratings or a set of choices."""
    if not values:
        return False
    n = len(values)
    if sum(bool(_NUMBERISH.match(v)) for v in values) >= 0.8 * n:
        return False
    words = [count_words(v) for v in values]
    med = statistics.median(words)
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    repeated = sum(c for c in counts.values() if c >= 2) / n
    if n >= 4 and len(counts) <= 10 and repeated >= 0.6 and max(words) <= 8:
        return False  # a rating scale or single choice
    pieces = [p.strip() for v in values for p in re.split(r"[;,]", v) if p.strip()]
    if len(pieces) > n:
        pc: dict[str, int] = {}
        for p in pieces:
            pc[p] = pc.get(p, 0) + 1
        if sum(c for c in pc.values() if c >= 2) / len(pieces) >= 0.8 and med <= 15:
            return False  # multiple choice ("A, B; C") with repeated options
    key = header_key(header)
    if len(key.split()) <= 4 and _CLOSED_HINT.search(key) and med < 2 * min_words:
        return False
    question_like = "?" in header or re.match(
        r"^(what|why|how|which|please|describe|explain|suggest|comment|any|other|recommend|"
        r"share|tell|in your|do you have)",
        key,
    )
    if med >= min_words:
        return True
    mean_len = sum(len(v) for v in values) / n
    distinct = len(counts) / n
    if question_like and (med >= 2 or (distinct >= 0.8 and mean_len >= 12)):
        return True
    return n >= 3 and distinct >= 0.8 and mean_len >= 25


def classify_columns(cols: list[Column], data_rows: list[list[str]], ctx: ReadContext) -> None:
    sc, pc = ctx.config.surveys, ctx.config.privacy
    ignore = {c.lower().strip() for c in sc.ignore_columns}
    meta_extra = {header_key(c) for c in sc.metadata_columns}
    personal_extra = {header_key(c) for c in pc.personal_columns}
    wanted = {c.lower().strip() for c in sc.text_columns}
    override = bool(wanted) and any(
        c.header.lower().strip() in wanted or c.question.lower().strip() in wanted for c in cols
    )
    if wanted and not override:
        log.warning(
            "None of surveys.text_columns %s is in this table; detecting free text", sc.text_columns
        )
    not_personal = {header_key(c) for c in pc.not_personal_columns}
    for col in cols:
        values = [
            r[col.index].strip() for r in data_rows if col.index < len(r) and r[col.index].strip()
        ]
        h, hk = col.header.strip(), norm_header(col.header)
        emails = sum(bool(_EMAILISH.match(v)) for v in values)
        exempt = hk in not_personal or header_key(h) in not_personal
        meaning = None if exempt else (header_meaning(h) or header_meaning(col.question))
        if (
            meaning
            and meaning[0] == NAME
            and values
            and statistics.median(count_words(v) for v in values) > 6
        ):
            meaning = None  # a question about names ("Name the agencies ..."): free text
        if h.lower() in ignore or col.question.lower().strip() in ignore:
            col.role, col.why = "ignored", "surveys.ignore_columns"
        elif not exempt and (hk in personal_extra or header_key(h) in personal_extra):
            col.role, col.personal = "personal", personal_kind_of(hk)
            col.why = "privacy.personal_columns"
        elif meaning or (not exempt and (_PERSONAL.match(hk) or hk.startswith("recipient"))):
            col.role = "personal"
            col.personal, col.why = meaning or (personal_kind_of(hk), f"header '{h}'")
        elif not exempt and values and emails >= 0.5 * len(values):
            col.role, col.personal = "personal", "contact"
            col.why = f"{emails} of {len(values)} values are e-mail addresses"
        elif (
            hk in _METADATA
            or header_key(h) in meta_extra
            or hk.startswith("meta ")
            or (h.startswith("_") or h.lower().startswith(("meta/", "formhub/", "__")))
        ):
            col.role, col.why = "metadata", "system column of the export"
        elif canonical := match_alias(col.question, sc.attribute_aliases) or match_alias(
            h, sc.attribute_aliases
        ):
            col.role, col.canonical = "attribute", canonical
            col.why = f"surveys.attribute_aliases ({canonical})"
        elif (
            not exempt
            and not _CLOSED_HINT.search(header_key(col.question))
            and (named := values_look_like_names(values))[0]
        ):
            col.role, col.personal, col.why = "personal", NAME, named[1]
        elif override:
            is_text = h.lower() in wanted or col.question.lower().strip() in wanted
            col.role = "text" if is_text else "attribute"
            col.why = "surveys.text_columns" + ("" if is_text else " (not listed)")
        elif not values:
            col.role, col.why = "empty", "no answers"
        elif _looks_text(values, col.question, sc.min_text_words):
            col.role, col.why = "text", "long or varied answers"
        else:
            col.role, col.why = "attribute", "short or repeated answers (a closed question)"
        if exempt and col.role != "personal":
            col.why += "; privacy.not_personal_columns"


def column_decisions(cols: list[Column]) -> list[dict[str, str]]:
    """Each column's decision and reason, for Data quality: a facilitator can override it."""
    out = []
    for c in cols:
        if c.role == "personal":
            decision = DECISION.get(c.personal or NAME, DECISION[NAME])
        elif c.role == "attribute":
            decision = f"attribute ({c.canonical})" if c.canonical else "attribute"
        else:
            decision = {
                "text": "free text",
                "metadata": "metadata",
                "ignored": "ignored",
                "empty": "empty",
            }.get(c.role, c.role)
        out.append({"column": c.header or c.question, "decision": decision, "why": c.why})
    return out
