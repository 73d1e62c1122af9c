"""Personal data outside running text: survey columns that hold names or contact details.

Why: an export names its name column in many languages ("Nama Responden", "Họ và tên", "ชื่อ-
นามสกุล", "Your name please"), or not at all. A column is a name column by its header's meaning
or by its values (two to four capitalised words, no digits, nearly all different, not places,
countries or groups); each decision is reported with its reason so a facilitator can override it
(`privacy.personal_columns`, `privacy.not_personal_columns`). Names in file names:
`consult.privacy.filenames`.
"""

from __future__ import annotations

import re
import unicodedata

from consult.ingest.attributes import normalise_country
from consult.ingest.speakers import ORG_WORDS, UNSPACED, looks_like_person
from consult.privacy.lexicon import is_common, is_place

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
