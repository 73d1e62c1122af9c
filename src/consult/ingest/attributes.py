"""Respondent attributes: canonical names through aliases, and ASEAN country codes."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# fmt: off
_ASEAN = {
    "BRN": ["brunei", "brunei darussalam", "negara brunei darussalam", "bn", "brn", "บรูไน",
            "ព្រុយណេ", "ບຣູໄນ", "ဘရူနိုင်း"],
    "KHM": ["cambodia", "kingdom of cambodia", "kampuchea", "kh", "khm", "kamboja", "kemboja",
            "campuchia", "kambodya", "กัมพูชา", "កម្ពុជា", "ກຳປູເຈຍ", "ကမ္ဘောဒီးယား"],
    "IDN": ["indonesia", "republic of indonesia", "republik indonesia", "id", "idn", "ri",
            "อินโดนีเซีย", "ឥណ្ឌូណេស៊ី", "ອິນໂດເນເຊຍ", "အင်ဒိုနီးရှား"],
    "LAO": ["laos", "lao", "lao pdr", "lao p d r", "lao people s democratic republic",
            "lao peoples democratic republic", "la", "lao people s dem rep", "ลาว", "สปป ลาว",
            "ឡាវ", "ລາວ", "ສປປ ລາວ", "လာအို"],
    "MYS": ["malaysia", "my", "mys", "มาเลเซีย", "ម៉ាឡេស៊ី", "ມາເລເຊຍ", "မလေးရှား"],
    "MMR": ["myanmar", "burma", "republic of the union of myanmar", "mm", "mmr", "mi an ma",
            "เมียนมา", "เมียนมาร์", "พม่า", "មីយ៉ាន់ម៉ា", "ມຽນມາ", "မြန်မာ"],
    "PHL": ["philippines", "philippine", "republic of the philippines", "pilipinas", "ph", "phl",
            "filipina", "ฟิลิปปินส์", "ហ្វីលីពីន", "ຟີລິບປິນ", "ဖိလစ်ပိုင်"],
    "SGP": ["singapore", "republic of singapore", "sg", "sgp", "singapura", "xin ga po",
            "สิงคโปร์", "សិង្ហបុរី", "ສິງກະໂປ", "စင်္ကာပူ"],
    "THA": ["thailand", "kingdom of thailand", "prathet thai", "th", "tha", "thai lan", "ไทย",
            "ประเทศไทย", "ថៃ", "ໄທ", "ထိုင်း"],
    "VNM": ["vietnam", "viet nam", "socialist republic of viet nam",
            "socialist republic of vietnam", "vn", "vnm", "เวียดนาม", "វៀតណាម", "ຫວຽດນາມ",
            "ဗီယက်နမ်"],
}
# fmt: on


@lru_cache(maxsize=4096)
def _key(value: str) -> str:
    s = unicodedata.normalize("NFKD", value)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).replace("đ", "d")
    s = re.sub(r"[\W_]+", " ", s.lower()).strip()  # letters of any script: "ไทย" is Thailand
    return re.sub(r"^the ", "", s)


_LOOKUP = {_key(alias): code for code, aliases in _ASEAN.items() for alias in aliases}


def normalise_country(value: object) -> object:
    """ISO 3166 alpha-3 for the ten ASEAN Member States; anything else is kept as given."""
    return normalise_group(value, _LOOKUP)


def group_lookup(groups: dict[str, list[str]]) -> dict[str, str]:
    """Variant (normalised) -> canonical stakeholder group, canonical names included."""
    out = {_key(canon): canon for canon in groups}
    for canon, variants in groups.items():
        out.update({_key(v): canon for v in variants})
    return out


def normalise_group(value: object, lookup: dict[str, str]) -> object:
    """One canonical name for the many ways exports spell a stakeholder group."""
    if not isinstance(value, str) or not value.strip():
        return value if value not in ("",) else None
    return lookup.get(_key(value), value.strip())


def header_key(header: str) -> str:
    """Lower-case words of a column header, without punctuation, for alias matching."""
    return re.sub(r"[\W_]+", " ", header.lower()).strip()


def match_alias(header: str, aliases: dict[str, list[str]]) -> str | None:
    """Canonical attribute name a column header means, or None.

    Exact (case-insensitive) matches win; otherwise a short header containing an alias as whole
    words ("Your country", "Country of organisation") matches. Two-or-three letter aliases
    ("AMS") only match exactly.
    """
    key = header_key(header)
    if not key:
        return None
    last = header_key(re.split(r"[/.]", header)[-1])  # Kobo group/question paths
    for canonical, names in aliases.items():
        for alias in names:
            a = header_key(alias)
            if a and (key == a or last == a):
                return canonical
    if len(key.split()) > 6:
        return None
    for canonical, names in aliases.items():
        for alias in names:
            a = header_key(alias)
            if len(a) > 3 and re.search(rf"(?<!\w){re.escape(a)}(?!\w)", key):
                return canonical
    return None
