"""Contact details and identity numbers as people really write them, and how to mask examples.

E-mail addresses are found also when obfuscated ("x(at)y(dot)org", "x at y dot com", "[@]",
the full-width "＠"). Numbers are judged by their shape and their context: the identity-card
formats of the ten Member States (spaced or dashed as printed on the cards), phone numbers, and
the ordinary numbers of policy text (years, amounts, dates, percentages), which are kept.
"""

from __future__ import annotations

import re
import unicodedata

from consult.privacy.lexicon import is_english_word

EMAIL_TAG = "[email]"
HANDLE_TAG = "[handle]"
PHONE_TAG = "[phone]"
ID_TAG = "[id-number]"

# ---- e-mail addresses --------------------------------------------------------------------------
_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
_AT_MARKED = (
    rf"\s*(?:[@\uff20\ufe6b]|{_OPEN}\s*(?:at|@)\s*{_CLOSE}|-at-|_at_|%40|&#0*64;|"
    r"&commat;)\s*"
)
_AT_WORD = r"\s+at\s+"
_DOT_MARKED = rf"(?:\.|\uff0e|\s+[.\uff0e]\s+|\s*{_OPEN}\s*(?:dot|\.)\s*{_CLOSE}\s*|-dot-|_dot_)"
_DOT_WORD = r"\s+dot\s+"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
# a dot of the name before the @ may be obfuscated too: "siti(dot)rahma(at)...", "siti dot rahma at"
_LOCAL = (
    rf"[^\W_][\w.+\-]*(?:(?:\s*{_OPEN}\s*(?:dot|\.)\s*{_CLOSE}\s*|-dot-|_dot_|{_DOT_WORD})"
    rf"[\w+\-][\w.+\-]*){{0,3}}"
)
EMAIL_RE = re.compile(
    rf"(?<![\w.+\-@\uff20])(?P<local>{_LOCAL})(?P<at>{_AT_MARKED}|{_AT_WORD})"
    rf"(?P<domain>{_LABEL}(?:(?:{_DOT_MARKED}|{_DOT_WORD}){_LABEL})+)(?![\w@])",
    re.IGNORECASE,
)
_EMAIL_HINT = re.compile(
    rf"[@\uff20\ufe6b]|{_OPEN}\s*(?:at|@)\s*{_CLOSE}|[-_]at[-_]|%40|&#0*64;|&commat;|"
    r"\bat\s+\S+(?:\s+dot\s+|\.)\w",
    re.IGNORECASE,
)
_DOT_SPLIT = re.compile(rf"{_DOT_MARKED}|{_DOT_WORD}", re.IGNORECASE)
# A spelled-out " at " / " dot " is an address only when the name ends in a real top-level domain
# ("meet at Jakarta.The" is a typo, "budi at kemenhub dot go dot id" an address).
_TLDS = frozenset(
    "com org net gov edu int mil info biz io co asia me app dev online site email mail "
    "id my sg th ph vn kh la mm bn "
    "au nz uk us ca de fr nl jp kr cn tw hk in eu ch se no dk fi be at it es pt ie".split()
)


def _email_ok(m: re.Match[str]) -> bool:
    domain, at = m.group("domain"), m.group("at").strip()
    labels = [x for x in _DOT_SPLIT.split(domain) if x]
    tld = labels[-1].lower() if labels else ""
    spelled_dot = bool(re.search(r"\s+dot\s+", domain, re.IGNORECASE))
    if at.lower() == "at":  # " at " written out: an address, or "available at asean.org"?
        if tld not in _TLDS:
            return False
        local = m.group("local")
        return (
            spelled_dot
            or at == "AT"
            or (
                not domain.lower().startswith("www")
                and (
                    bool(re.search(r"[._+\d-]", local))
                    or len(local) == 1
                    or not is_english_word(local)
                )
            )
        )
    if spelled_dot:
        return tld in _TLDS
    return tld.isalpha() and 2 <= len(tld) <= 24


def find_emails(text: str) -> list[tuple[int, int]]:
    """Spans of e-mail addresses in `text`, obfuscated ones included."""
    if not _EMAIL_HINT.search(text):
        return []
    return [m.span() for m in EMAIL_RE.finditer(text) if _email_ok(m)]


# ---- social media handles and profile links ----------------------------------------------------
_PROFILE_URL = re.compile(
    r"(?i)(?<![\w.])(?:https?://)?(?:www\.|m\.|web\.)?(?:facebook|fb|instagram|twitter|x|tiktok|"
    r"linkedin|t|telegram|line|zalo|wa|api\.whatsapp|youtube)\.(?:com|me)/"
    r"(?:in/|@|ti/p/|profile\.php\?id=|send\?phone=)?[\w.\-~%@+]+/?"
)
_HANDLE = re.compile(r"(?<![\w@.\-])@[A-Za-z0-9_][A-Za-z0-9_.]{1,28}[A-Za-z0-9_](?![\w@])")


def find_handles(text: str) -> list[tuple[int, int]]:
    """Spans of profile links ("facebook.com/siti.rahma", "wa.me/628...") and "@handles"; an
    organisation's acronym ("@ASEAN", "@UNDP") is kept."""
    if "@" not in text and "/" not in text:
        return []
    spans = [m.span() for m in _PROFILE_URL.finditer(text)]
    for m in _HANDLE.finditer(text):
        name = m.group()[1:]
        if (name.isupper() and len(name) <= 8) or any(a <= m.start() < b for a, b in spans):
            continue
        spans.append(m.span())
    return sorted(spans)


# ---- identity numbers with letters or fixed shapes ---------------------------------------------
_ID_SHAPES = re.compile(
    r"(?<![\w/])(?:"
    r"[STFGM]\s?\d{7}\s?[A-Z]"  # Singapore NRIC / FIN, also typed in lower case
    r"|[stfgm]\s?\d{7}\s?[a-z]"
    r"|[A-Z]{1,2}\d{6,9}[A-Z]?"  # passports and letter-prefixed cards
    r"|\d{6}\s?-\s?\d{2}\s?-\s?\d{4}"  # Malaysia MyKad YYMMDD-PB-###G
    r"|\d{2}-\d{6}"  # Brunei IC (colour prefix + 6 digits)
    r"|[0-9\u1040-\u1049]{1,2}\s?/\s?(?:[A-Za-z]{3,9}|[\u1000-\u103F\u104C-\u109F]{2,12})"
    r"\s?\(\s?(?:(?i:N|E|P|T|Y|S|C|Naing|Naingg?)|[\u1000-\u109F]{1,8})\s?\)\s?"
    r"[0-9\u1040-\u1049]{5,6}"
    r"|(?<!\d[\-\u2010-\u2015])\d{9,}"  # a bare run: NIK, CCCD, Thai ID, PhilSys (not "09-...")
    r")(?![\w/])",
)

# ---- numbers judged by shape and context -------------------------------------------------------
# Separators between groups: a space, dot, hyphen or dash (U+2010-2015, as word processors
# turn "-" into "–"), a slash, or a dash with a space either side ("3201 - 2345").
_DASHES = "\\-\u2010-\u2015\u2212"
NUMBER_RE = re.compile(
    rf"(?<![\w+/.,{_DASHES}])(?:\+|00)?\(?\d{{1,6}}\)?"
    rf"(?:(?:[ .\u00a0{_DASHES}]|\s?[/{_DASHES}]\s?)?\(?\d{{1,7}}\)?){{1,8}}(?![\w%])"
)
PHONE_CUE = re.compile(
    r"(?i)(?<!\w)(?:tel|telephone|phone|ph|mobile|mob|cell|hp|handphone|whatsapp|wa|sms|fax|"
    r"call|contact|viber|zalo|line id|telegram|sđt|đt|điện thoại|เบอร์|โทร|telepon|nombor|"
    r"no\.? telefon|numero|text|reach|ring|hubungi|gọi)\.?(?:\s+(?:me|us|him|her|them|saya))?"
    r"\s*(?:no\.?|number|#|:)?\s*[:.\-]?\s*(?:at\s+|on\s+)?$"
)
_ID_CUE = re.compile(
    r"(?i)(?<!\w)(?:nik|ktp|e-?ktp|nric|fin|ic|mykad|my ?kad|i/?c|id|identity|identification|"
    r"national id|id card|id no|id number|philsys|psn|tin|sss|umid|gsis|cccd|cmnd|căn cước|"
    r"cmt|nrc|passport|paspor|pasport|no\. ?kp|kad pengenalan|bic|smart card|"
    r"บัตรประชาชน|เลขประจำตัว|ເລກບັດ|អត្តសញ្ញាណ|မှတ်ပုံတင်|nomor induk)"
    r"\.?\s*(?:no\.?|number|nomor|num|#|:|số)?\s*[:.\-]?\s*$"
)
_CURRENCY = re.compile(
    r"(?i)(?:usd|us\$|\$|s\$|b\$|sgd|bnd|rm|myr|rp\.?|idr|php|₱|thb|฿|vnd|₫|đồng|dong|khr|riel|"
    r"lak|kip|mmk|kyat|eur|€|£|¥|yuan|baht|ringgit|rupiah|peso|pesos|isbn|issn|doi|"
    r"accession|ref|reference|code|version|v)\.?\s*$"
)
_AFTER_AMOUNT = re.compile(
    r"(?i)\s*(?:%|(?:per\s?cent|percent|usd|sgd|idr|vnd|thb|php|myr|rupiah|dong|đồng|baht|kip|"
    r"kyat|riel|peso|ringgit|dollars?|euros?|yuan|tonnes?|tons?|km|kg|people|persons|households|"
    r"units|teu|"
    r"million|billion|trillion|juta|miliar|triệu|tỷ|ล้าน)\b)"
)
_DATE_START = re.compile(
    r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})"
    r"(?:$|[ T])"
)
_THOUSANDS = re.compile(r"^\d{1,3}(?:([ .\u00a0])\d{3})(?:\1\d{3})*$")
_YEARS = re.compile(r"^(?:19|20)\d\d(?:[ \-\u2010-\u2015/.\u00a0]+(?:19|20)\d\d)+$")


def _digits(s: str) -> str:
    """The digits of `s` as ASCII ("๐๘๑" -> "081"): Thai, Khmer, Lao, Burmese, full-width."""
    return "".join(str(unicodedata.digit(ch, 0)) for ch in s if ch.isdigit())


def classify_number(
    text: str, start: int, end: int, known_phones: frozenset[str] | set[str] = frozenset()
) -> str | None:
    """PHONE_TAG, ID_TAG or None (an ordinary number) for the number at text[start:end]."""
    s = text[start:end]
    digits = _digits(s)
    n = len(digits)
    if n < 7:
        return None
    before = text[max(0, start - 32) : start]
    if digits in known_phones:
        return PHONE_TAG
    if _ID_CUE.search(before):
        return ID_TAG
    if PHONE_CUE.search(before):
        return PHONE_TAG
    if _CURRENCY.search(before) or _AFTER_AMOUNT.match(text, end):
        return None
    bare = s.strip("()+")
    if (
        _DATE_START.match(bare)
        or _YEARS.match(bare)
        or (_THOUSANDS.match(bare) and not digits.startswith("0"))
    ):
        return None  # dates, year lists, amounts written with thousands separators (no "012")
    plus = s.startswith(("+", "00"))
    if plus and 8 <= n <= 15:
        return PHONE_TAG
    if digits.startswith("0") and n <= 13 and not s.isdigit():
        return PHONE_TAG  # a national number with its trunk 0, in groups: "0812-3456-7890"
    if n >= 12:
        return ID_TAG  # NIK (16), Thai ID (13), PhilSys / CCCD / MyKad (12), cards
    if n >= 9:
        return ID_TAG if s.isdigit() else PHONE_TAG
    if "(" in s or re.fullmatch(r"[3689]\d{3}[ \-]\d{4}", bare):
        return PHONE_TAG  # "(02) 812-3456"; Singapore "9123 4567"
    return None


def find_numbers(
    text: str, known_phones: frozenset[str] | set[str] = frozenset()
) -> list[tuple[int, int, str]]:
    """(start, end, tag) of identity numbers and phone numbers in `text`."""
    out: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _ID_SHAPES.finditer(text):
        s = m.group(0)
        if s.isdigit() and (
            _CURRENCY.search(text[max(0, m.start() - 16) : m.start()])
            or _AFTER_AMOUNT.match(text, m.end())
        ):
            continue  # "USD 1000000000", "2500000000 rupiah"
        out.append((m.start(), m.end(), ID_TAG))
        taken.append(m.span())
    for m in NUMBER_RE.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        start, end = m.span()
        if text[end - 1] == ")" and m.group().count("(") < m.group().count(")"):
            end -= 1  # "(HP 8123 4567)": the bracket closes the aside, not the number
        if text[start] == "(" and text.count(")", start, end) == 0:
            start += 1
        elif (
            start
            and text[start - 1] == "("
            and 0 <= text.find(")", start, end) < (text.find("(", start, end) % (end + 1))
        ):
            start -= 1  # "(+65) 9123 4567": the country code's brackets are the number's
        tag = classify_number(text, start, end, known_phones)
        if tag:
            out.append((start, end, tag))
    out.sort()
    return out


# ---- masked examples for the redaction report ---------------------------------------------------
def mask(value: str, kind: str) -> str:
    """A shape that tells a reviewer what was found, never the value: "j***@***.org"."""
    value = value.strip()
    if kind == "e-mail":
        labels = [x for x in _DOT_SPLIT.split(value) if x]
        return f"{value[:1]}***@***.{labels[-1][-6:] if len(labels) > 1 else '***'}"
    if kind == "social media handle":
        return "@***"
    if kind in ("phone", "national ID"):
        lead = value[:1] if value[:1] in "+(" else ""
        body = re.sub(r"\d", "#", value[len(lead) :])
        return lead + body
    words = re.findall(r"\w+", value)
    return " ".join(f"{w[:1]}***" for w in words[:4]) or "***"
