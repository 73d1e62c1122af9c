"""Personal data outside running text: survey columns that hold names, and names in file names.

Why: an export names its name column in many languages ("Nama Responden", "Họ và tên", "ชื่อ-
นามสกุล", "Your name please"), or not at all; a facilitator names a file after the person
interviewed. A column is a name column by its header's meaning or by its values (two to four
capitalised words, no digits, nearly all different, not places, countries or groups); each
decision is reported with its reason so a facilitator can override it
(`privacy.personal_columns`, `privacy.not_personal_columns`). A file name's person-like words are
replaced by "[name N]" in everything an output or Prefect shows; the real path only reads the file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from consult.ingest.attributes import normalise_country
from consult.ingest.speakers import ORG_WORDS, UNSPACED, looks_like_person
from consult.privacy.lexicon import is_common, is_common_name_part, is_place, is_region_word

NAME, CONTACT, OTHER = "name", "contact", "other"
DECISION = {
    NAME: "name column -> redacted",
    CONTACT: "contact column -> redacted",
    OTHER: "personal column -> withheld",
}
NON_VALUES = frozenset(
    {
        "anonymous",
        "anonim",
        "n/a",
        "na",
        "none",
        "-",
        "--",
        ".",
        "nil",
        "prefer not to say",
        "tidak ada",
        "không",
        "ไม่ระบุ",
    }
)

# ---- what a header means -------------------------------------------------------------------------
# fmt: off
_NAME_WORDS = frozenset({
    "name", "names", "fullname", "surname", "firstname", "lastname", "forename", "nama",
    "pangalan", "apelyido", "tên",
})
# fmt: on
_NAME_PHRASES = (
    "họ tên",
    "họ và tên",
    "ho ten",
    "ho va ten",
    "tên đầy đủ",
    "full name",
    "first name",
    "last name",
    "given name",
    "family name",
    "buong pangalan",
)
_SCRIPT_NAME_WORDS = ("ชื่อ", "นามสกุล", "ឈ្មោះ", "ຊື່", "ນາມສະກຸນ", "အမည်", "နာမည်")
# Name in the other scripts of the region's exports (Singapore's Chinese and Tamil forms).
_OTHER_SCRIPT_NAME = ("姓名", "名字", "பெயர்")
# A header naming something other than a person ("Organisation name", "Tên cơ quan").
_NOT_PERSON = frozenset(
    """
organisation organization org company agency institution ministry department office project event
school university business city town village province country district file product programme
program initiative group association network enterprise firm unit instansi organisasi lembaga
perusahaan kementerian dinas sekolah acara kegiatan proyek desa kota kabupaten provinsi syarikat
jabatan agensi pertubuhan syarikat organisasyon ahensya kompanya kumpanya paaralan lungsod bayan
barangay tổ chức cơ quan đơn vị công ty dự án trường tỉnh thành phố xã doanh nghiệp sector
""".split()
)
# fmt: off
_SCRIPT_NOT_PERSON = ("หน่วยงาน", "องค์กร", "บริษัท", "โครงการ", "สถาน", "จังหวัด", "โรงเรียน",
                      "กิจกรรม", "ស្ថាប័ន", "អង្គការ", "ក្រុមហ៊ុន", "ອົງກອນ", "ບໍລິສັດ", "ໜ່ວຍງານ",
                      "အဖွဲ့", "ကုမ္ပဏီ", "ဌာန")
# fmt: on
# Contact and identity headers: every word of the header must come from these lists, so "How
# should ASEAN address climate change?" or "Mobile payments" are never taken for one.
_CONTACT_KEYS = frozenset(
    """
email emails mail surel phone telephone tel mobile cell cellphone handphone hp telepon telefon
whatsapp wa line viber zalo telegram điện thoại sđt đt contact
""".split()
)
_OTHER_KEYS = frozenset(
    """
address alamat địa tirahan signature tanda tangan chữ ký nik ktp nric mykad passport paspor cccd
cmnd philsys
""".split()
)
_FILLER = frozenset(
    """
your my the of a an respondent respondents participant participants personal work office
official home number no nr num details detail optional please and or s id kindly provide enter
nomor số của bạn anda ng ninyo mo ang e chỉ ic card identity
""".split()
)
_ID_PHRASE = re.compile(
    r"(?:^|\s)(?:national id|id number|id card|id no|ic number|ic no|identity card|"
    r"identity number|ip address)(?:\s|$)|^ip$"
)
_SCRIPT_CONTACT = ("อีเมล", "เบอร์", "โทรศัพท์", "អ៊ីមែល", "ទូរស័ព្ទ", "ອີເມວ", "ເບີໂທ", "ဖုန်း", "အီးမေးလ်")
_SCRIPT_OTHER = ("ที่อยู่", "ลายเซ็น", "บัตรประชาชน", "អាសយដ្ឋាន", "ທີ່ຢູ່", "လိပ်စာ")
_VERB_NAME = re.compile(
    r"(?:^|\s)(?:please )?name (?:one|two|three|four|five|a|an|the|any|up|"
    r"some|your top|at least|which|what|examples?)(?:\s|$)"
)
# fmt: off
_LOOSE_HEADERS = {"respondent", "participant", "interviewee", "informant", "responden", "peserta",
                  "narasumber", "submitted by", "author", "contact person", "focal point",
                  "người trả lời", "kalahok", "ผู้ตอบ", "ผู้ให้ข้อมูล"}
# fmt: on
# The people who collected the answers: a handful of names, repeated on many rows.
# fmt: off
_COLLECTOR_HEADERS = {"interviewer", "enumerator", "surveyor", "facilitator", "moderator",
                      "note taker", "collected by", "recorded by", "entered by", "prepared by",
                      "filled by", "filled in by", "interviewed by", "pewawancara", "pencacah",
                      "petugas", "người phỏng vấn", "điều tra viên", "tagapanayam",
                      "ผู้สัมภาษณ์"}
# fmt: on


def header_text(header: str) -> str:
    """Lower case, NFC, punctuation as spaces, combining marks kept (Thai "ชื่อ" stays whole)."""
    s = unicodedata.normalize("NFC", header or "").casefold()
    s = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in s)
    return " ".join(s.split())


def header_meaning(header: str) -> tuple[str, str] | None:
    """(kind, why) when a header asks for a person's name or contact details, else None."""
    t = header_text(header)
    if not t:
        return None
    words = t.split()
    if len(t) <= 30 and any(w in t for w in _OTHER_SCRIPT_NAME):
        return NAME, f"header '{header}' means a person's name"
    if UNSPACED.search(t):
        if len(t) > 30:
            return None
        if any(w in t for w in _SCRIPT_OTHER):
            return OTHER, f"header '{header}' asks for an address, signature or ID number"
        if any(w in t for w in _SCRIPT_CONTACT):
            return CONTACT, f"header '{header}' asks for contact details"
        if any(w in t for w in _SCRIPT_NAME_WORDS) and not any(w in t for w in _SCRIPT_NOT_PERSON):
            return NAME, f"header '{header}' means a person's name"
        return None
    vocab = set(words) <= (_CONTACT_KEYS | _OTHER_KEYS | _FILLER)
    if vocab and set(words) & _CONTACT_KEYS:
        return CONTACT, f"header '{header}' asks for contact details"
    if (vocab and set(words) & _OTHER_KEYS) or (_ID_PHRASE.search(t) and len(words) <= 5):
        return OTHER, f"header '{header}' asks for an address, signature or ID number"
    if t in _COLLECTOR_HEADERS:
        return NAME, f"header '{header}' names the person who collected the answers"
    if t in _LOOSE_HEADERS:
        return NAME, f"header '{header}' names the person who answered"
    has_name = bool(_NAME_WORDS & set(words)) or any(f" {p} " in f" {t} " for p in _NAME_PHRASES)
    if (
        not has_name
        or len(words) > 8
        or _VERB_NAME.search(t)
        or ("?" in (header or "") and len(words) > 5)
    ):
        return None
    if _NOT_PERSON & set(words) or any(
        f" {p} " in f" {t} "
        for p in ("tổ chức", "cơ quan", "đơn vị", "công ty", "dự án", "thành phố", "doanh nghiệp")
    ):
        return None
    return NAME, f"header '{header}' means a person's name"


def personal_kind_of(key: str) -> str:
    """Kind of a column named personal by the settings or an English header ("email" ->
    contact, "address" -> other, anything else -> name)."""
    meaning = header_meaning(key)
    if meaning:
        return meaning[0]
    words = set(header_text(key).split())
    if words & _CONTACT_KEYS:
        return CONTACT
    if words & (_OTHER_KEYS | {"ip"}):
        return OTHER
    return NAME


# ---- what the values look like -------------------------------------------------------------------
_PARTICLES = frozenset(
    {
        "bin",
        "binti",
        "bt",
        "van",
        "von",
        "de",
        "dela",
        "del",
        "da",
        "dos",
        "al",
        "ap",
        "y",
        "le",
        "di",
    }
)
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'\u2019.\-]*$")


def person_like(value: str) -> bool:
    """Two to four capitalised words (or a name in an unspaced script), no digits, not a place,
    a country, an organisation or words that are all common ("Private Sector")."""
    v = " ".join(str(value).split())
    tokens = v.split()
    if not 2 <= len(tokens) <= 4 or re.search(r"\d", v) or len(v) > 60:
        return False
    if UNSPACED.search(v):
        return looks_like_person(v)
    if not all(
        _NAME_TOKEN.match(t) and (t[0].isupper() or t.lower() in _PARTICLES) for t in tokens
    ):
        return False
    if any(t.lower().strip(".'") in ORG_WORDS for t in tokens) or is_place(v):
        return False
    if normalise_country(v) != v:
        return False
    return not all(is_common(t.strip(".'")) for t in tokens if t.lower() not in _PARTICLES)


def values_look_like_names(values: list[str]) -> tuple[bool, str]:
    """(True, why) when a column's answers are people's names: >= 80% person-like, nearly all
    different (a closed question repeats its options)."""
    step = max(1, len(values) // 500)  # a spread sample: a 100k-row export costs no more
    vals = [
        v for v in (" ".join(x.split()) for x in values[::step]) if v.casefold() not in NON_VALUES
    ]
    n = len(vals)
    if n < 3:
        return False, ""
    k = sum(person_like(v) for v in vals)
    distinct = len({v.casefold() for v in vals})
    if k >= 0.8 * n and distinct >= 0.8 * n:
        return True, (
            f"{k} of {n} values look like person names (2-4 capitalised words, no "
            f"digits), {distinct} different"
        )
    return False, ""


def learnable(value: str, kind: str) -> bool:
    """Is a personal column's value worth teaching the redactor (never a non-answer)?"""
    v = value.strip()
    if len(v) < 2 or v.casefold() in NON_VALUES:
        return False
    if kind == OTHER:
        return not any(ch.isalpha() for ch in v)  # ID numbers; addresses are withheld only
    if kind == NAME and any(ch.isalpha() for ch in v) and "@" not in v:
        tokens = v.split()
        return not all(is_common(t) for t in tokens) and not is_place(v)
    return True


# ---- names in file names -------------------------------------------------------------------------
_CUES = frozenset(
    """
with by from interview interviewee interviewed respondent participant kii informant dengan
bersama oleh dari với voi wawancara temubual panayam kay kina ni mr mrs ms dr pak bu ibu bapak
khun daw chị ông bà cô encik puan tuan
""".split()
)
_TITLE_CUES = frozenset(
    "mr mrs ms dr pak bu ibu bapak khun daw chị ông bà cô encik puan tuan".split()
)
_STOPS = frozenset(
    """
and on at in for about re of the to notes note transcript transcripts minutes final draft
copy version edited clean raw audio video zoom teams recording session day part am pm
""".split()
)
_TOKEN = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"[A-Z][a-z]+|[A-Z]+(?![a-z])|[a-z]+|\d+|[^\W\d_a-zA-Z]+")


@dataclass
class FileNames:
    """Display paths for a round: rel -> display, and the names found in each path."""

    display: dict[str, str] = field(default_factory=dict)
    found: dict[str, dict[str, str]] = field(default_factory=dict)  # rel -> {name: label}


def _tokens(component: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _TOKEN.finditer(component):
        word = m.group()
        if word.isascii() and not word.isupper() and not word.islower() and not word.istitle():
            out += [
                (m.start() + c.start(), m.start() + c.end(), c.group())
                for c in _CAMEL.finditer(word)
            ]  # "InterviewMariaSantos"
        else:
            out.append((m.start(), m.end(), word))
    return out


def _is_org_or_place(words: list[str]) -> bool:
    return any(w.lower() in ORG_WORDS for w in words) or is_place(" ".join(words))


def _name_runs(
    toks: list[tuple[int, int, str]], known: set[tuple[str, ...]], known_parts: set[str]
) -> list[tuple[int, int]]:
    """Token index ranges [i, j) of person names in one path component."""
    words = [t[2] for t in toks]
    low = [w.casefold() for w in words]
    marked = [False] * len(words)
    for i in range(len(words)):  # names learned from the file or given in the settings
        for key in known:
            if tuple(low[i : i + len(key)]) == key:
                marked[i : i + len(key)] = [True] * len(key)
        if low[i] in known_parts:
            marked[i] = True
    for i, w in enumerate(low):  # words after a cue ("interview-with-budi-santoso")
        if w not in _CUES:
            continue
        j = i + 1
        while (
            j < len(words)
            and j - i <= 4
            and words[j].isalpha()
            and low[j] not in _STOPS
            and low[j] not in _CUES
            and not _is_org_or_place([words[j]])
        ):
            j += 1
        run = words[i + 1 : j]
        if run and not _is_org_or_place(run) and any(len(x) >= 3 and not is_common(x) for x in run):
            marked[i + 1 : j] = [True] * len(run)
        elif w in _TITLE_CUES:  # after a form of address a given name may be a word: "chị Lan"
            k = 0
            while (
                k < len(run)
                and not is_region_word(run[k])
                and (run[k][:1].isupper() or not is_common_name_part(run[k]))
            ):
                k += 1
            if k and not _is_org_or_place(run[:k]):
                marked[i + 1 : i + 1 + k] = [True] * k
    i = 0
    while i < len(words):  # capitalised runs ("Interview_Maria_Santos")
        j = i
        while j < len(words) and words[j][:1].isupper() and words[j][1:].islower():
            j += 1
        run = words[i:j]
        uncommon = [x for x in run if not is_common(x)]
        if len(uncommon) >= 2 and not _is_org_or_place(run) and not is_place(" ".join(uncommon)):
            for k in range(i, j):
                marked[k] = marked[k] or not is_common(words[k])
        i = max(j, i + 1)
    runs, i = [], 0
    while i < len(marked):
        if marked[i]:
            j = i
            while j < len(marked) and marked[j]:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def file_display_names(
    rels: list[str],
    names: dict[str, list[str]] | None = None,
    extra: list[str] | tuple[str, ...] = (),
) -> FileNames:
    """Replace person-like words in each path by "[name N]", numbered by person across the round.

    `names` maps a path to the names learned from that file (speakers, name columns); `extra`
    are `privacy.extra_names`. Folder names are checked too; the extension is kept.
    """
    out = FileNames()
    numbers: dict[str, int] = {}
    for rel in rels:
        learned = [*(names or {}).get(rel, []), *extra]
        known = {
            tuple(w.casefold() for w in _TOKEN.findall(n))
            for n in learned
            if len(_TOKEN.findall(n)) >= 2
        }
        parts = {
            w.casefold()
            for n in learned
            for w in _TOKEN.findall(n)
            if len(w) >= 3 and w[:1].isupper() and not is_common(w)
        }
        pieces = rel.split("/")
        found: dict[str, str] = {}
        for p_i, piece in enumerate(pieces):
            stem, dot, ext = (
                piece.rpartition(".")
                if p_i == len(pieces) - 1 and "." in piece
                else (piece, "", "")
            )
            toks = _tokens(stem)
            runs = _name_runs(toks, known, parts)
            if not runs:
                continue
            new, last = [], 0
            for i, j in runs:
                real = stem[toks[i][0] : toks[j - 1][1]]
                key = " ".join(t[2].casefold() for t in toks[i:j])
                numbers.setdefault(key, len(numbers) + 1)
                label = f"[name {numbers[key]}]"
                found[" ".join(t[2].capitalize() for t in toks[i:j])] = label
                found.setdefault(real, label)
                new += [stem[last : toks[i][0]], label]
                last = toks[j - 1][1]
            pieces[p_i] = "".join(new) + stem[last:] + dot + ext
        out.display[rel] = "/".join(pieces)
        if found:
            out.found[rel] = found
    return out
