"""Write the bundled sample round `raw/sample-round/` (the demo and end-to-end fixture).

English material is composed from `sample_content.py`; national consultations in Bahasa
Indonesia, Vietnamese and Thai, and field-survey answers in five Member States' languages, are
hand-written in `sample_content_national.py`.
Deterministic: every file has its own seeded generator, and XLSX/DOCX archives are normalised
(fixed zip timestamps and document dates), so re-running gives byte-identical files.
The vendor writers here are reused by `benchmarks/make_synthetic_round.py`.

    python scripts/make_sample_round.py [OUTDIR]      # default: raw/sample-round
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import sys
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_content import (  # noqa: E402
    CAMPAIGN_TEXT,
    COUNTRIES,
    COUNTRY_NAME,
    GROUP_KEYS,
    GROUP_PHRASE,
    GROUP_WEIGHTS,
    GROUPS,
    ISO3,
    NON_ANSWERS,
    OFFERS,
    THEME_BY_KEY,
    Composer,
    fake_person,
    lower_first,
)
from sample_content_national import (  # noqa: E402
    CAN_THO_BLOCKS,
    CAN_THO_META,
    JAKARTA_BLOCKS,
    JAKARTA_META,
    KHON_KAEN_HEADER,
    KHON_KAEN_MODERATOR,
    KHON_KAEN_TURNS,
    KOBO_NATIONAL,
)

ROOT = Path(__file__).resolve().parents[1]
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_ISO = "2024-01-01T00:00:00Z"
RATING_WORDS = ["Very poor", "Poor", "Fair", "Good", "Excellent"]
SM_AREAS = [
    "Sustainable infrastructure",
    "Digital innovation",
    "Seamless logistics",
    "Regulatory excellence",
    "People mobility",
]


# ---- survey content -----------------------------------------------------------------------------
@dataclass
class Question:
    text: str  # header as the tool writes it
    kind: str  # need / problem / positive / any / offer
    optional: bool = False  # respondents often skip it
    emerging_boost: float = 1.0


@dataclass
class Respondent:
    country: str  # iso3
    country_label: str  # as typed/chosen in the export
    group: str
    group_label: str
    rating: int
    name: str
    email: str
    answers: list[str] = field(default_factory=list)


@dataclass
class Rates:
    """How often answers are blank, non-answers, carry typed contact details, or are campaigns."""

    blank: float = 0.02
    optional_blank: float = 0.35
    non_answer: float = 0.035
    pii: float = 0.03
    campaign_pairs: int = 0


def is_passage(text: str) -> bool:
    """What ingest should keep: non-empty and not a non-answer."""
    t = text.strip()
    return bool(t) and t.lower() not in {n.lower() for n in NON_ANSWERS}


def _country_label(rng: random.Random, iso: str, style: str) -> str:
    _, name, variants = next(c for c in COUNTRIES if c[0] == iso)
    if style == "variants" and variants and rng.random() < 0.3:
        return rng.choice(variants)
    return name


def make_respondents(
    rng: random.Random,
    n: int,
    questions: list[Question],
    rates: Rates,
    country_style: str = "canonical",
    group_label_idx: int = 0,
    short_answers: bool = False,
) -> list[Respondent]:
    """`n` respondents spread over all Member States and groups, answering `questions`."""
    comp = Composer(rng)
    countries = [ISO3[i % len(ISO3)] for i in range(n)]
    rng.shuffle(countries)
    out: list[Respondent] = []
    seen: set[str] = set()
    for i in range(n):
        iso = countries[i]
        group = rng.choices(GROUP_KEYS, weights=GROUP_WEIGHTS)[0]
        name, email = fake_person(rng, iso)
        r = Respondent(
            iso,
            _country_label(rng, iso, country_style),
            group,
            GROUPS[group][group_label_idx],
            rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 4, 2])[0],
            name,
            email,
        )
        for q in questions:
            u = rng.random()
            if u < (rates.optional_blank if q.optional else rates.blank):
                r.answers.append("")
                continue
            if u > 1 - rates.non_answer:
                r.answers.append(rng.choice(NON_ANSWERS))
                continue
            theme = comp.pick_theme(group, iso, q.emerging_boost)
            kind = (
                q.kind if q.kind != "any" else rng.choice(["need", "problem", "positive", "need"])
            )
            if kind == "offer":
                text = comp._fill(comp.choice(OFFERS[group]), theme, iso)
                if rng.random() < 0.6:
                    text += " " + comp.sentence(theme, "need", iso, opener_p=0.2)
            else:
                if kind == "positive" and not theme.positives:
                    kind = "need"
                text = comp.passage(
                    theme, kind, iso, group, max_sentences=2 if short_answers else 4
                )
            if text in seen:  # identical answers only where planted as a campaign
                text = f"{text} {comp.sentence(theme, 'specific', iso)}"
            seen.add(text)
            if rng.random() < rates.pii:
                text = comp.with_pii(text, iso)
            r.answers.append(text)
        out.append(r)
    # campaign answers: identical text pasted by different respondents into one question
    qi = next((i for i, q in enumerate(questions) if q.emerging_boost > 1), len(questions) - 1)
    for k in range(min(2 * rates.campaign_pairs, n)):
        out[(k * 7 + 3) % n].answers[qi] = CAMPAIGN_TEXT
    return out


def has_pii(text: str) -> bool:
    """True when a planted (fictional) e-mail or phone number is in the text."""
    return bool(re.search(r"@example\.(org|com|net)|555", text))


def localise_answers(rs: list[Respondent], bank: dict[str, list[tuple[str, ...]]]) -> int:
    """Let some respondents of each country in `bank` answer in its language; returns how many
    answers were replaced. Only passages are replaced (blanks and non-answers stay), and only for
    respondents without typed contact details, so the planted counts elsewhere do not move."""
    n = 0
    for iso, answer_sets in bank.items():
        pool = [r for r in rs if r.country == iso and not any(has_pii(a) for a in r.answers)]
        pool.sort(key=lambda r: -sum(is_passage(a) for a in r.answers))  # fullest answer sets first
        for r, answers in zip(pool, answer_sets):
            new = [a if is_passage(old) else old for old, a in zip(r.answers, answers)]
            n += sum(a != old for a, old in zip(new, r.answers))
            r.answers = new
    return n


def count_passages(respondents: list[Respondent]) -> int:
    return sum(is_passage(a) for r in respondents for a in r.answers)


def _times(rng: random.Random, i: int, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    t0 = start + dt.timedelta(minutes=37 * i + rng.randint(0, 30), seconds=rng.randint(0, 59))
    return t0, t0 + dt.timedelta(minutes=rng.randint(4, 25), seconds=rng.randint(0, 59))


# ---- survey writers (one per vendor layout) ----------------------------------------------------
GOOGLE_QUESTIONS = [
    Question(
        "What should be the top priority of the ASEAN Connectivity Strategic Plan after 2025, and why?",
        "need",
    ),
    Question("What are the main barriers to connectivity that your organisation faces?", "problem"),
    Question("Any other comments or suggestions?", "any", optional=True),
]
MS_QUESTIONS = [
    Question(
        "Which connectivity initiatives have made a difference for you, and what is still missing?",
        "positive",
    ),
    Question("What should ASEAN do differently after MPAC 2025?", "need"),
    Question(
        "How could your organisation contribute to implementing the plan?", "offer", optional=True
    ),
]
SM_QUESTIONS = [
    Question(
        "What are the biggest obstacles to moving goods, services, data and people across borders?",
        "problem",
    ),
    Question(
        "Which issues should the new plan address that MPAC 2025 did not?",
        "need",
        emerging_boost=4.0,
    ),
    Question("Please share any other comments on the draft plan.", "any", optional=True),
]
KOBO_QUESTIONS = [
    Question("group_priorities/top_priority", "need"),
    Question("group_priorities/main_challenge", "problem"),
    Question("group_final/other_comments", "any", optional=True),
]


def write_google_csv(
    path: Path, rng: random.Random, rs: list[Respondent], qs: list[Question]
) -> None:
    """Google Forms: `Timestamp` first, one column per question, UTF-8, CRLF rows."""
    start = dt.datetime(2024, 7, 15, 8, 0, 0)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "Timestamp",
                "Country",
                "Stakeholder group",
                "How much has MPAC 2025 helped your organisation? (1 = not at all, 5 = a great deal)",
            ]
            + [q.text for q in qs]
        )
        for i, r in enumerate(rs):
            t0, _ = _times(rng, i, start)
            stamp = f"{t0:%Y/%m/%d} {t0.strftime('%I').lstrip('0')}:{t0:%M:%S %p} GMT+7"
            w.writerow([stamp, r.country_label, r.group_label, r.rating] + r.answers)


def write_kobo_csv(
    path: Path, rng: random.Random, rs: list[Respondent], qs: list[Question]
) -> None:
    """KoboToolbox 'XML values and headers' export: `;` delimited, group paths, `_uuid`..."""
    start = dt.datetime(2024, 8, 5, 9, 0, 0)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(
            [
                "start",
                "end",
                "today",
                "group_profile/country",
                "group_profile/sector",
                "group_profile/mpac_rating",
            ]
            + [q.text for q in qs]
            + [
                "_id",
                "_uuid",
                "_submission_time",
                "_validation_status",
                "_notes",
                "_status",
                "_submitted_by",
                "__version__",
                "_tags",
                "_index",
            ]
        )
        for i, r in enumerate(rs):
            t0, t1 = _times(rng, i, start)
            uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            sub = t1 - dt.timedelta(hours=7) + dt.timedelta(seconds=rng.randint(5, 90))
            w.writerow(
                [
                    t0.isoformat(timespec="milliseconds") + "+07:00",
                    t1.isoformat(timespec="milliseconds") + "+07:00",
                    f"{t0:%Y-%m-%d}",
                    r.country_label,
                    r.group_label,
                    r.rating,
                ]
                + r.answers
                + [
                    30412000 + i,
                    uid,
                    sub.isoformat(timespec="seconds"),
                    "",
                    "[]",
                    "submitted_via_web",
                    "",
                    "vHq8Lr2bXkT4sYp9aZ3mNc",
                    "[]",
                    i + 1,
                ]
            )


def write_ms_forms_xlsx(
    path: Path, rng: random.Random, rs: list[Respondent], qs: list[Question]
) -> None:
    """Microsoft Forms: `ID`, `Start time`, `Completion time`, `Email`, `Name`, then questions."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Member State",
            "Organisation type",
            "Overall rating of connectivity progress in your country",
        ]
        + [q.text for q in qs]
    )
    start = dt.datetime(2024, 7, 22, 10, 0, 0)
    for i, r in enumerate(rs):
        t0, t1 = _times(rng, i, start)
        named = rng.random() < 0.4
        ws.append(
            [
                i + 1,
                t0,
                t1,
                r.email if named else "anonymous",
                r.name if named else None,
                r.country_label,
                r.group_label,
                r.rating,
            ]
            + [a or None for a in r.answers]
        )
    wb.save(path)
    normalise_ooxml(path)


def write_surveymonkey_xlsx(
    path: Path, rng: random.Random, rs: list[Respondent], qs: list[Question]
) -> None:
    """SurveyMonkey: question row, then sub-answer row ('Response', 'Open-Ended Response', choices)."""
    from openpyxl import Workbook

    meta = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
    ]
    row1 = meta + [
        "AMS",
        "Sector",
        "How would you rate progress on connectivity since 2016?",
        "Which strategic areas matter most to your organisation?",
    ]
    row1 += [None] * (len(SM_AREAS) - 1) + [q.text for q in qs]
    row2 = [None] * len(meta) + ["Response", "Response", "Response"] + SM_AREAS
    row2 += ["Open-Ended Response"] * len(qs)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet")
    ws.append(row1)
    ws.append(row2)
    start = dt.datetime(2024, 8, 12, 14, 0, 0)
    for i, r in enumerate(rs):
        t0, t1 = _times(rng, i, start)
        named = rng.random() < 0.3
        first, last = r.name.split(" ", 1)
        areas = [a if rng.random() < 0.4 else None for a in SM_AREAS]
        ws.append(
            [
                114870000000 + 7919 * (i + 1),
                431557812,
                t0.strftime("%m/%d/%Y %I:%M:%S %p"),
                t1.strftime("%m/%d/%Y %I:%M:%S %p"),
                f"203.0.113.{rng.randint(1, 254)}",
                r.email if named else None,
                first if named else None,
                last if named else None,
                None,
                r.country_label,
                r.group_label,
                RATING_WORDS[r.rating - 1],
            ]
            + areas
            + [a or None for a in r.answers]
        )
    wb.save(path)
    normalise_ooxml(path)


def normalise_ooxml(path: Path) -> None:
    """Rewrite an XLSX/DOCX zip with fixed timestamps so re-runs are byte-identical."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*", rf"\g<1>{FIXED_ISO}", text
                )
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    path.write_bytes(buf.getvalue())


# ---- workshops -------------------------------------------------------------------------------
@dataclass
class Breakout:
    title: str
    themes: list[str]


WORKSHOP_QUESTIONS = [
    ("What is working well?", "positive"),
    ("What are the main barriers?", "problem"),
    ("What should the new plan do?", "need"),
]


def workshop_blocks(
    rng: random.Random,
    iso: str,
    sessions: list[tuple[str, list[Breakout]]],
    items: tuple[int, int] = (2, 4),
) -> list[tuple[str, str]]:
    """(kind, text) blocks: h1/h2/h3 headings, 'bullet' and 'para' passages."""
    comp = Composer(rng)
    blocks: list[tuple[str, str]] = []
    for s_title, breakouts in sessions:
        blocks.append(("h1", s_title))
        for b in breakouts:
            blocks.append(("h2", b.title))
            for qtext, kind in rng.sample(WORKSHOP_QUESTIONS, 2):
                blocks.append(("h3", qtext))
                for _ in range(rng.randint(*items)):
                    theme = THEME_BY_KEY[rng.choice(b.themes)]
                    k = kind if (kind != "positive" or theme.positives) else "need"
                    group = rng.choice(GROUP_KEYS)
                    text = comp.passage(theme, k, iso, group, max_sentences=2)
                    if rng.random() < 0.3:
                        text = f"Participants from {GROUP_PHRASE[group]} noted: {lower_first(text)}"
                    blocks.append(("bullet" if rng.random() < 0.7 else "para", text))
    return blocks


def workshop_meta(iso: str, date: str, stakeholders: str, event: str) -> list[str]:
    return [
        f"Country: {COUNTRY_NAME[iso]}",
        f"Date: {date}",
        f"Stakeholders: {stakeholders}",
        f"Event: {event}",
    ]


def write_workshop_docx(path: Path, meta: list[str], blocks: list[tuple[str, str]]) -> int:
    """Notes with real Heading 1-3 styles, List Bullet items and paragraphs. Returns passages."""
    import docx

    d = docx.Document()
    for line in meta:
        d.add_paragraph(line)
    n = 0
    for kind, text in blocks:
        if kind in ("h1", "h2", "h3"):
            d.add_heading(text, level=int(kind[1]))
        else:
            d.add_paragraph(text, style="List Bullet" if kind == "bullet" else None)
            n += 1
    _fix_core(d)
    d.save(path)
    normalise_ooxml(path)
    return n


def write_workshop_md(path: Path, meta: list[str], blocks: list[tuple[str, str]]) -> int:
    """Markdown notes: `#` headings, `-` bullets, blank-line separated paragraphs."""
    lines = list(meta)
    n = 0
    for kind, text in blocks:
        if kind == "bullet" and lines[-1].startswith("- "):
            lines.append(f"- {text}")
        else:
            lines += [
                "",
                "#" * int(kind[1]) + " " + text
                if kind[0] == "h"
                else (f"- {text}" if kind == "bullet" else text),
            ]
        n += kind in ("bullet", "para")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n


def _fix_core(d) -> None:
    cp = d.core_properties
    cp.author = "Consultation secretariat"
    cp.last_modified_by = "Consultation secretariat"
    cp.created = cp.modified = dt.datetime(2024, 1, 1)
    cp.revision = 1


# ---- transcripts -----------------------------------------------------------------------------
@dataclass
class Turn:
    speaker: str
    text: str
    start: float  # seconds
    end: float
    facilitator: bool


FAC_PROMPTS = [
    "Thank you, {prev}. Let us hear another perspective on {short}.",
    "Thank you. Who would like to respond on {short}?",
    "Thank you, {prev}. Could someone from a different sector add to that?",
    "We have about ten minutes left for this topic. Any other views on {short}?",
    "Let us move on to the next question: what should the plan do about {short}?",
]
TURN_PREFIX = [
    "",
    "",
    "",
    "Thank you, Chair. ",
    "Thank you for the opportunity. ",
    "Good morning. ",
    "I would like to add a point. ",
    "Let me speak from our own experience. ",
]


def transcript_turns(
    rng: random.Random,
    iso: str,
    facilitator: str,
    themes: list[str],
    n_turns: int,
    n_speakers: int = 7,
) -> list[Turn]:
    """Facilitator prompts alternating with stakeholder turns; timestamps at ~2.4 words/s."""
    comp = Composer(rng)
    speakers = []
    while len(speakers) < n_speakers:
        nm = fake_person(rng, iso)[0]
        if nm not in speakers and nm != facilitator.split(" (")[0]:
            speakers.append(nm)
    groups = {s: rng.choice(GROUP_KEYS) for s in speakers}
    t = 4.0
    turns: list[Turn] = []

    def add(sp: str, text: str, fac: bool) -> None:
        nonlocal t
        dur = max(3.0, len(text.split()) / 2.4)
        turns.append(Turn(sp, text, t, t + dur, fac))
        t += dur + rng.uniform(0.5, 3.0)

    add(
        facilitator,
        f"Good morning and welcome to the national consultation on the ASEAN Connectivity "
        f"Strategic Plan for {COUNTRY_NAME[iso]}. Please keep your interventions short so that "
        "everyone can speak.",
        True,
    )
    prev = None
    while len(turns) < n_turns:
        theme = THEME_BY_KEY[rng.choice(themes)]
        if prev is not None and rng.random() < 0.3:
            add(facilitator, rng.choice(FAC_PROMPTS).format(prev=prev, short=theme.short), True)
        sp = rng.choice([s for s in speakers if s != prev])
        kind = rng.choice(
            ["need", "problem", "problem"] + (["positive"] if theme.positives else [])
        )
        text = rng.choice(TURN_PREFIX) + comp.passage(theme, kind, iso, groups[sp])
        if rng.random() < 0.06:
            text = comp.with_pii(text, iso)
        add(sp, text, False)
        prev = sp
    add(
        facilitator,
        "Thank you all. The secretariat will circulate a summary of today's discussion.",
        True,
    )
    return turns


def _ts(sec: float, sep: str = ".") -> str:
    ms = int(round(sec * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def write_vtt(path: Path, rng: random.Random, turns: list[Turn]) -> None:
    """Teams-style WebVTT: `<v Speaker>` cues, each turn split over several cues."""
    out = ["WEBVTT", ""]
    session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    for ti, turn in enumerate(turns):
        words = turn.text.split()
        chunks, i = [], 0
        while i < len(words):
            k = rng.randint(9, 16)
            chunks.append(" ".join(words[i : i + k]))
            i += k
        span = (turn.end - turn.start) / len(chunks)
        for ci, chunk in enumerate(chunks):
            a = turn.start + ci * span
            out += [
                f"{session}/{ti + 10}-{ci}",
                f"{_ts(a)} --> {_ts(a + span - 0.04)}",
                f"<v {turn.speaker}>{chunk}</v>",
                "",
            ]
    path.write_text("\n".join(out), encoding="utf-8")


def write_transcript_docx(path: Path, title: str, turns: list[Turn]) -> None:
    """`[hh:mm:ss] Speaker Name: text` turns, one paragraph each, under a title line."""
    import docx

    d = docx.Document()
    d.add_heading(title, level=1)
    for turn in turns:
        d.add_paragraph(f"[{_ts(turn.start)[:8]}] {turn.speaker}: {turn.text}")
    _fix_core(d)
    d.save(path)
    normalise_ooxml(path)


def fixed_turns(
    lines: list[tuple[str, str]], facilitator: str, chars_per_s: float = 11.0
) -> list[Turn]:
    """Turns from hand-written (speaker, text) lines; timestamps from the text length."""
    t, turns = 3.0, []
    for sp, text in lines:
        dur = max(2.0, len(text) / chars_per_s)
        turns.append(Turn(sp, text, t, t + dur, sp == facilitator))
        t += dur + 1.5
    return turns


def write_transcript_txt(path: Path, header: list[str], turns: list[Turn]) -> None:
    """Plain-text transcript: `Key: value` header lines, then `[hh:mm:ss] Speaker: text` turns."""
    lines = list(header)
    for turn in turns:
        lines += ["", f"[{_ts(turn.start)[:8]}] {turn.speaker}: {turn.text}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_manifest(path: Path, rows: list[dict[str, str]]) -> None:
    cols = ["file", "country", "stakeholder_group", "event", "date", "language"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})


# ---- the sample round ------------------------------------------------------------------------
def transcript_expected(turns: list[Turn], non_english: int) -> dict[str, int]:
    fac_n = sum(t.facilitator for t in turns)
    return {
        "units": len(turns),
        "passages": len(turns),
        "non_english": non_english,
        "facilitator_turns": fac_n,
        "stakeholder_turns": len(turns) - fac_n,
        "speakers": len({t.speaker for t in turns}),
        "with_contact_details": sum(has_pii(t.text) for t in turns),
    }


def make_sample_round(outdir: Path, seed: int = 2024) -> dict[str, dict[str, int]]:
    """Write the sample round; returns per-file expected units and passages for ingest checks."""
    for sub in ("surveys", "workshops", "transcripts"):
        (outdir / sub).mkdir(parents=True, exist_ok=True)
    expected: dict[str, dict[str, int]] = {}

    def rng(name: str) -> random.Random:
        return random.Random(f"{seed}:{name}")

    surveys = [
        (
            "surveys/google-forms-online-survey.csv",
            write_google_csv,
            GOOGLE_QUESTIONS,
            40,
            "canonical",
            0,
            Rates(),
        ),
        (
            "surveys/ms-forms-consultation-survey.xlsx",
            write_ms_forms_xlsx,
            MS_QUESTIONS,
            34,
            "variants",
            1,
            Rates(),
        ),
        (
            "surveys/surveymonkey-stakeholder-survey.xlsx",
            write_surveymonkey_xlsx,
            SM_QUESTIONS,
            34,
            "variants",
            2,
            Rates(campaign_pairs=1),
        ),
        (
            "surveys/kobo-field-survey.csv",
            write_kobo_csv,
            KOBO_QUESTIONS,
            30,
            "canonical",
            0,
            Rates(pii=0.05),
        ),
    ]
    manifest = []
    for rel, writer, qs, n, cstyle, gidx, rates in surveys:
        r = rng(rel)
        rs = make_respondents(r, n, qs, rates, cstyle, gidx, short_answers=writer is write_kobo_csv)
        # field teams also take answers in national languages (hand-written, in KOBO_NATIONAL)
        n_local = localise_answers(rs, KOBO_NATIONAL) if writer is write_kobo_csv else 0
        writer(outdir / rel, r, rs, qs)
        answers = [a for r in rs for a in r.answers]
        expected[rel] = {
            "units": n * len(qs),
            "passages": count_passages(rs),
            "non_english": n_local,
            "empty": sum(not a.strip() for a in answers),
            "non_answers": sum(bool(a.strip()) and not is_passage(a) for a in answers),
            "with_contact_details": sum(has_pii(a) for a in answers),
            "campaign_copies": answers.count(CAMPAIGN_TEXT),
        }
        # the field survey's answers come in several languages, so its row names none
        manifest.append(
            {
                "file": rel,
                "event": "Online stakeholder survey 2024",
                "language": "" if n_local else "en",
            }
        )

    workshops = [
        (
            "workshops/phnom-penh-national-workshop-notes.docx",
            "ws-docx",
            write_workshop_docx,
            "KHM",
            "2024-07-18",
            "Government, private sector, civil society, academia, youth",
            "National Stakeholder Workshop, Phnom Penh",
            [
                (
                    "Session 1: Taking stock of MPAC 2025",
                    [
                        Breakout(
                            "Breakout group A: Trade, logistics and standards",
                            ["logistics", "regulatory", "inclusion"],
                        ),
                        Breakout(
                            "Breakout group B: Infrastructure and financing",
                            ["infrastructure", "financing", "capacity"],
                        ),
                    ],
                ),
                (
                    "Session 2: Priorities for the next plan",
                    [
                        Breakout(
                            "Breakout group A: Rivers, climate and communities",
                            ["mekong", "resilience", "displacement"],
                        ),
                        Breakout(
                            "Breakout group B: Digital and people", ["digital", "people", "gig"]
                        ),
                        Breakout(
                            "Breakout group C: Making the plan work",
                            ["coordination", "capacity", "financing"],
                        ),
                    ],
                ),
            ],
        ),
        (
            "workshops/kuala-lumpur-focus-group-notes.md",
            "ws-md",
            write_workshop_md,
            "MYS",
            "2024-08-02",
            "Private sector, MSMEs, youth, development partners",
            "Focus Group Discussion, Kuala Lumpur",
            [
                (
                    "Session 1: Digital economy and inclusion",
                    [
                        Breakout(
                            "Breakout group 1: Payments, data and cybersecurity",
                            ["digital", "regulatory"],
                        ),
                        Breakout(
                            "Breakout group 2: MSMEs, gig workers and skills",
                            ["inclusion", "gig", "people"],
                        ),
                    ],
                ),
                (
                    "Session 2: Cities, climate and supply chains",
                    [
                        Breakout(
                            "Breakout group 1: Smart and resilient cities",
                            ["urban", "resilience", "displacement"],
                        ),
                        Breakout(
                            "Breakout group 2: Supply chains and ports",
                            ["logistics", "financing", "coordination"],
                        ),
                    ],
                ),
            ],
        ),
    ]
    for rel, stream, writer, iso, date, attendees, event, sessions in workshops:
        blocks = workshop_blocks(rng(stream), iso, sessions)
        n = writer(outdir / rel, workshop_meta(iso, date, attendees, event), blocks)
        expected[rel] = {"units": n, "passages": n, "non_english": 0}
        manifest.append(
            {
                "file": rel,
                "country": COUNTRY_NAME[iso],
                "stakeholder_group": "multi-stakeholder",
                "event": event,
                "date": date,
                "language": "en",
            }
        )
    # national consultations written in the Member State's language (hand-written, not composed)
    for rel, writer, iso, lang, meta, blocks in [
        (
            "workshops/jakarta-national-consultation-notes.md",
            write_workshop_md,
            "IDN",
            "id",
            JAKARTA_META,
            JAKARTA_BLOCKS,
        ),
        (
            "workshops/can-tho-national-workshop-notes.docx",
            write_workshop_docx,
            "VNM",
            "vi",
            CAN_THO_META,
            CAN_THO_BLOCKS,
        ),
    ]:
        n = writer(outdir / rel, meta, blocks)
        head = dict(line.split(": ", 1) for line in meta)
        expected[rel] = {"units": n, "passages": n, "non_english": n}
        manifest.append(
            {
                "file": rel,
                "country": iso,
                "stakeholder_group": "multi-stakeholder",
                "event": head["Event"],
                "date": head["Date"],
                "language": lang,
            }
        )

    for rel, iso, fac, themes, n_turns, date in [
        (
            "transcripts/viet-nam-national-consultation.vtt",
            "VNM",
            "Tran Minh Chau (Facilitator)",
            ["logistics", "mekong", "digital", "gig", "resilience", "people"],
            30,
            "2024-08-20",
        ),
        (
            "transcripts/thailand-national-consultation.docx",
            "THA",
            "Kanya Srisuk (Moderator)",
            ["logistics", "mekong", "urban", "regulatory", "inclusion", "financing"],
            26,
            "2024-08-27",
        ),
    ]:
        r = rng(rel)
        turns = transcript_turns(r, iso, fac, themes, n_turns)
        if rel.endswith(".vtt"):
            write_vtt(outdir / rel, r, turns)
        else:
            write_transcript_docx(
                outdir / rel,
                f"National Consultation on the ASEAN Connectivity Strategic "
                f"Plan, {COUNTRY_NAME[iso]}",
                turns,
            )
        expected[rel] = transcript_expected(turns, non_english=0)
        manifest.append(
            {
                "file": rel,
                "country": COUNTRY_NAME[iso],
                "stakeholder_group": "multi-stakeholder",
                "event": f"National Consultation, {COUNTRY_NAME[iso]}",
                "date": date,
                "language": "en",
            }
        )
    rel = "transcripts/khon-kaen-national-consultation.txt"
    turns = fixed_turns(KHON_KAEN_TURNS, KHON_KAEN_MODERATOR)
    write_transcript_txt(outdir / rel, KHON_KAEN_HEADER, turns)
    expected[rel] = transcript_expected(turns, non_english=len(turns))
    head = dict(line.split(": ", 1) for line in KHON_KAEN_HEADER)
    manifest.append(
        {
            "file": rel,
            "country": "THA",
            "stakeholder_group": "multi-stakeholder",
            "event": head["Event"],
            "date": head["Date"],
            "language": "th",
        }
    )
    write_manifest(outdir / "manifest.csv", manifest)
    return expected


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    outdir = Path(argv[0]) if argv else ROOT / "raw" / "sample-round"
    expected = make_sample_round(outdir)
    total = sum(v["passages"] for v in expected.values())
    for rel, v in expected.items():
        sys.stdout.write(f"{rel}: {v}\n")
    sys.stdout.write(f"wrote {outdir}: {total} passages expected\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
