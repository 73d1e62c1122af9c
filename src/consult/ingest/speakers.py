"""Speaker labels -> stable pseudonyms ("Participant 3", "Facilitator 1"), and name heuristics.

A label as written ("Hon. Bill Blair (Minister of ...)") becomes one pseudonym per person; the real
name forms are kept only in memory, to redact mentions of the person in texts. Bracketed parts of
a label (constituency, party, organisation, title) are not names, except a person named after a
role ("Chair (Hon. Anthony Rota)"). Labels in Thai, Lao, Khmer or Burmese script, which have no
capital letters, are recognised by their shape and by honorifics and Thai name lists.
"""

from __future__ import annotations

import re
import unicodedata

from consult.privacy.lexicon import is_common, is_place, thai_person_names

# ---- speaker names -> pseudonyms ------------------------------------------------------------

# fmt: off
HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "hon", "honourable", "honorable",
    "rt", "right", "sir", "dame", "lord", "lady", "he", "h.e", "excellency", "his", "her", "dato",
    "datuk", "dato'", "datin", "tan", "sri", "pak", "bu", "ibu", "bapak", "khun", "u", "daw",
    "pehin", "yb", "atty", "engr", "ir", "senator", "minister", "deputy", "ambassador", "the",
    "councillor", "cllr", "rev", "fr",
    # Vietnamese, Malay, Indonesian and Filipino forms of address ("Chị Vu Thu Trang")
    "anh", "chị", "ông", "bà", "cô", "chú", "bác", "encik", "puan", "tuan", "cik", "hj", "haji",
    "hajah", "tun", "bpk", "sdr", "sdri", "drs", "gng", "bb",
}
# fmt: on
POSTNOMINALS = {
    "am",
    "mp",
    "ms",
    "msp",
    "mla",
    "ms.",
    "qc",
    "kc",
    "obe",
    "mbe",
    "cbe",
    "phd",
    "md",
    "mpp",
}
GENERIC_LABEL = re.compile(
    r"(?i)^(speaker|participant|guest|unknown|unknown speaker|audience|audience member|attendee|"
    r"respondent|interviewee|voice|person|member|p|s|q|a|question|answer|interpreter|"
    r"translator|all|several|multiple speakers|inaudible|peserta|narasumber|responden|"
    r"đại biểu|người tham gia|người phát biểu|kalahok|tagapagsalita|ผู้เข้าร่วม|ผู้ร่วมประชุม|"
    r"ผู้พูด|ผู้ให้สัมภาษณ์|អ្នកចូលរួម|ຜູ້ເຂົ້າຮ່ວມ|တက်ရောက်သူ)(\s*[#]?\d+)?$"
)
# The words pseudonyms are made of: transcript speakers ("Participant 3", "Facilitator 1") and
# survey respondents ("Respondent R3f2a9c-12"). Theme keywords drop them (consult.themes.vocabulary).
PARTICIPANT, FACILITATOR, RESPONDENT = "participant", "facilitator", "respondent"
PSEUDONYM_WORDS = (PARTICIPANT, FACILITATOR, RESPONDENT)
# Facilitator roles in the region's languages, on top of `transcripts.facilitator_roles`.
# fmt: off
ASEAN_FACILITATOR_ROLES = (
    "moderator", "fasilitator", "notulis", "notulen", "pembawa acara", "pemandu acara",
    "pengerusi", "urus setia", "pencatat", "người điều phối", "điều phối viên", "chủ tọa",
    "chủ toạ", "người dẫn chương trình", "thư ký", "tagapagpadaloy", "tagapamagitan",
    "ผู้ดำเนินรายการ", "ผู้ดำเนินการประชุม", "ผู้อำนวยความสะดวก", "พิธีกร", "ประธานที่ประชุม",
    "ผู้จดบันทึก", "អ្នកសម្របសម្រួល", "ប្រធានអង្គប្រជុំ", "ຜູ້ດຳເນີນລາຍການ", "ຜູ້ອຳນວຍຄວາມສະດວກ",
    "ປະທານກອງປະຊຸມ", "အစည်းအဝေးဥက္ကဋ္ဌ", "ဥက္ကဋ္ဌ", "ပံ့ပိုးကူညီသူ",
)
# fmt: on
# Scripts written without spaces between words and without capital letters.
UNSPACED = re.compile(r"[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF]")
SCRIPT_HONORIFICS = (
    "นางสาว",
    "นาง",
    "นาย",
    "คุณ",
    "ดร.",
    "ท่าน",
    "ທ່ານນາງ",
    "ທ່ານ",
    "ທ້າວ",
    "ນາງ",
    "លោកស្រី",
    "លោក",
    "កញ្ញា",
    "ឯកឧត្តម",
    "ဦး",
    "ဒေါ်",
    "ကို",
)
_SCRIPT_NOT_NAME = re.compile(
    "สรุป|ข้อเสนอ|หมายเหตุ|หัวข้อ|วันที่|สถานที่|ประเด็น|คำถาม|คำตอบ|ความเห็น|คือ|"
    "ໝາຍເຫດ|ສະຫຼຸບ|សេចក្តីសង្ខេប|កំណត់សម្គាល់|မှတ်ချက်|အကျဉ်း"
)
# Roles and offices: a speaker label, but no person's name ("ผู้แทนกระทรวงคมนาคม").
_SCRIPT_ROLEISH = re.compile(
    "ผู้แทน|ตัวแทน|เจ้าหน้าที่|ประธาน|รัฐมนตรี|นายก|ผู้ว่า|ผู้อำนวยการ|กระทรวง|กรม|สำนักงาน|"
    "ຜູ້ຕາງໜ້າ|ກະຊວງ|តំណាង|ក្រសួង|ကိုယ်စားလှယ်|ဝန်ကြီး"
)
_SCRIPT_PHRASE_START = ("การ", "ความ", "เรื่อง", "ข้อ", "ที่", "ใน", "และ", "ของ")
_ASEAN_ROLES = frozenset(
    unicodedata.normalize("NFC", r).casefold() for r in ASEAN_FACILITATOR_ROLES
)
# fmt: off
ORG_WORDS = {
    "ministry", "bank", "department", "agency", "association", "council", "chamber", "university",
    "institute", "secretariat", "office", "group", "government", "sector", "private", "public",
    "company", "ltd", "inc", "foundation", "organisation", "organization", "authority",
    "commission", "committee", "centre", "center", "board", "federation", "union", "network",
    "forum", "programme", "program", "asean", "team", "unit", "division", "society", "corporation",
}
# fmt: on
# fmt: off
COMMON_GIVEN = {
    "may", "dawn", "will", "mark", "grace", "hope", "joy", "faith", "rose", "june", "april",
    "august", "bill", "frank", "guy", "jack", "ray", "art", "rich", "sue", "pat", "don", "dean",
    "chase", "bob", "drew", "earl", "king", "max", "miles", "page", "sky", "summer", "victor",
    "the", "chair", "minister", "member",
}
# fmt: on
# Lower-case words inside a person's name ("Ursula von der Leyen", "Anwar bin Ibrahim").
NAME_PARTICLES = frozenset(
    {
        "de",
        "da",
        "van",
        "von",
        "bin",
        "binti",
        "al",
        "el",
        "la",
        "le",
        "del",
        "dos",
        "du",
        "di",
        "ap",
    }
)
TITLES_FOR_SURNAME = (
    "Mr",
    "Mr.",
    "Mrs",
    "Mrs.",
    "Ms",
    "Ms.",
    "Dr",
    "Dr.",
    "Hon.",
    "Minister",
    "Professor",
    "Prof.",
    "Senator",
    "Ambassador",
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def strip_script_honorific(text: str) -> str:
    """ "คุณสมชาย" -> "สมชาย": Thai, Lao, Khmer and Burmese honorifics are written joined."""
    text = text.strip()
    for h in SCRIPT_HONORIFICS:
        if text.startswith(h) and len(text) > len(h) + 1:
            return text[len(h) :].strip()
    return text


def is_role_label(label: str, roles: tuple[str, ...] | list[str] = ()) -> bool:
    """A label that is a role ("Người điều phối", "ผู้ดำเนินรายการ 2", "Moderator (ASEAN)")."""
    outer = _fold(re.sub(r"\([^()]*\)|\[[^\]]*\]", " ", label))
    outer = re.sub(r"[\s#\d.:]+$", "", " ".join(outer.split()))
    return outer in _ASEAN_ROLES or outer in {_fold(r) for r in roles}


def script_speaker(label: str) -> bool:
    """Is this Thai/Lao/Khmer/Burmese text before a colon a speaker label?

    A role, a generic label, a name after an honorific ("คุณสมชาย"), a name of Thai name lists,
    or two to four short words that are not a phrase ("สมชาย วงศ์สกุล").
    """
    label = " ".join(label.split())
    if not label or len(label) > 60 or re.search(r"[?!;\"“”。]|\d{3}", label):
        return False
    if is_role_label(label) or GENERIC_LABEL.match(label) or _SCRIPT_ROLEISH.search(label):
        return True
    outer, _ = strip_parens(label)
    tokens = outer.split()
    if not 1 <= len(tokens) <= 4 or any(len(t) > 20 for t in tokens):
        return False
    if any(t.startswith(SCRIPT_HONORIFICS) and len(t) > 3 for t in tokens[:1]):
        return True
    given, family = thai_person_names()
    if tokens[0] in given or (len(tokens) >= 2 and tokens[1] in family):
        return True
    if _SCRIPT_NOT_NAME.search(outer) or any(
        is_common(t) or t.startswith(_SCRIPT_PHRASE_START) for t in tokens
    ):
        return False  # a phrase before a colon ("ประเด็นสำคัญ: ...")
    return len(tokens) >= 2


def strip_parens(label: str) -> tuple[str, list[str]]:
    """("Hon. A (B (C))") -> ("Hon. A", ["B (C)"]): outer text and top-level bracket contents."""
    outer, inner, depth, cur = [], [], 0, []
    for ch in label:
        if ch in "([":
            if depth:
                cur.append(ch)
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            if depth:
                cur.append(ch)
            else:
                inner.append("".join(cur).strip())
                cur = []
        elif depth:
            cur.append(ch)
        else:
            outer.append(ch)
    return re.sub(r"\s+", " ", "".join(outer)).strip(), [i for i in inner if i]


def _affiliation(text: str) -> bool:
    """After a comma in a label: an organisation, acronym, place, office or role, not a given
    name ("Reyes, Maria" keeps both)."""
    words = text.replace(",", " ").split()
    if not words:
        return False
    return (
        any(w.isupper() and len(w) >= 2 for w in words)
        or any(w.lower().strip(".") in ORG_WORDS | HONORIFICS for w in words)
        or any(not w[:1].isupper() for w in words if w.lower() not in NAME_PARTICLES)
        or is_place(" ".join(words))
        or is_common(words[-1])
    )


def without_affiliation(outer: str) -> str:
    """ "Siti Rahma, BAPPENAS" -> "Siti Rahma": the part after a comma says where she is from."""
    head, comma, rest = outer.partition(",")
    return head.strip() if comma and head.strip() and _affiliation(rest) else outer


def name_core(label: str) -> str:
    """ "Hon. Andrew Scheer (Leader of the Opposition)" -> "Andrew Scheer"; "The Chair" -> "Chair"."""
    outer, _ = strip_parens(label)
    tokens = without_affiliation(outer).replace(",", " ").split()
    if tokens and UNSPACED.search(tokens[0]):
        tokens[0] = strip_script_honorific(tokens[0])
        tokens = [t for t in tokens if t and t not in SCRIPT_HONORIFICS]
    while tokens and tokens[0].lower().rstrip(".") in HONORIFICS:
        tokens.pop(0)
    while (
        tokens
        and tokens[-1].lower().rstrip(".") in POSTNOMINALS
        and tokens[-1][:1].isupper()
        and len(tokens) > 1
    ):
        tokens.pop()
    return " ".join(tokens)


def looks_like_person(text: str) -> bool:
    tokens = text.split()
    if not 1 <= len(tokens) <= 5 or any(c in text for c in ',;:?!"') or re.search(r"\d", text):
        return False
    if any(t.lower().strip(".'") in ORG_WORDS for t in tokens):
        return False
    if UNSPACED.search(text):  # no capital letters: the shape of a name label
        return (
            script_speaker(text)
            and not is_role_label(text)
            and not GENERIC_LABEL.match(text)
            and not _SCRIPT_ROLEISH.search(text)
        )
    return all(t[:1].isupper() or t.lower() in NAME_PARTICLES for t in tokens)


class Pseudonyms:
    """Stable pseudonyms per file: "Participant 1", "Facilitator 1", numbered by first appearance.

    One person written several ways ("Hon. Bill Blair", "Hon. Bill Blair (Minister of ...)") gets one
    pseudonym. `names` maps every real-name form seen (and short forms such as "Mr. Blair", "Bill")
    to the pseudonym, so mentions inside the text can be redacted.
    """

    def __init__(self, facilitator_roles: list[str]):
        roles = {
            _fold(r.strip()) for r in (*facilitator_roles, *ASEAN_FACILITATOR_ROLES) if r.strip()
        }
        latin = sorted((r for r in roles if not UNSPACED.search(r)), key=len, reverse=True)
        script = sorted((r for r in roles if UNSPACED.search(r)), key=len, reverse=True)
        parts = [r"(?<![\w])(?:" + "|".join(map(re.escape, latin)) + r")(?![\w])"] if latin else []
        parts += ["|".join(map(re.escape, script))] if script else []  # no word boundaries there
        self._role_re = re.compile("|".join(parts)) if parts else None
        self._by_key: dict[str, tuple[str, str]] = {}
        self._count = {FACILITATOR: 0, PARTICIPANT: 0}
        self.names: dict[str, str] = {}
        # pseudonym -> who it is across files: the person's name key when the label names a
        # person, None for labels that name nobody ("Speaker 2"); in order of first appearance
        self.identity: dict[str, str | None] = {}

    def is_facilitator(self, label: str) -> bool:
        return bool(self._role_re and self._role_re.search(_fold(label)))

    @staticmethod
    def key(label: str) -> str:
        core = name_core(label) or label
        return re.sub(r"[^\w]+", " ", core.lower()).strip() or label.strip().lower()

    def assign(self, label: str) -> tuple[str, str]:
        """(pseudonym, role) for a speaker label as written in the file."""
        k = self.key(label)
        if k not in self._by_key:
            role = FACILITATOR if self.is_facilitator(label) else PARTICIPANT
            self._count[role] += 1
            self._by_key[k] = (f"{role.capitalize()} {self._count[role]}", role)
            self.identity[self._by_key[k][0]] = None
        pseudo, role = self._by_key[k]
        self._add_names(label, pseudo)
        return pseudo, role

    def add_facilitators(self, names: list[str]) -> None:
        """Declare the facilitators a file's header names, so their mentions are redacted."""
        for person in names:
            if looks_like_person(person):
                self.assign(f"{person} (facilitator)")

    def _add(self, real: str, pseudo: str) -> None:
        real = real.strip(" .,:;")
        if len(real) >= 3 and real not in self.names and real.lower() != pseudo.lower():
            self.names[real] = pseudo

    def _names_nobody(self, core: str) -> bool:
        return (
            not core
            or bool(GENERIC_LABEL.match(core))
            or self.is_facilitator(core)
            or is_role_label(core)
            or core.lower().rstrip(".") in HONORIFICS
        )

    def _add_names(self, label: str, pseudo: str) -> None:
        """Learn the name forms of a label. Bracketed parts (constituency, party, organisation,
        title) are not names, unless the label outside them is a role that names nobody and
        the bracket holds a person ("Chair (Hon. Anthony Rota)", "Moderator (Siti Rahman)")."""
        label = label.strip()
        outer, inner = strip_parens(label)
        outer = without_affiliation(outer)
        candidates = []
        core = name_core(outer)
        if not self._names_nobody(core) and looks_like_person(core):
            candidates.append((outer, core))
        elif self._names_nobody(core):
            for part in inner:
                p_outer, _ = strip_parens(part)
                p_core = name_core(p_outer)
                first = p_outer.split()[0].lower().rstrip(".") if p_outer else ""
                if (
                    p_core
                    and (first in HONORIFICS or len(p_core.split()) >= 2)
                    and looks_like_person(p_core)
                    and not self._names_nobody(p_core)
                ):
                    candidates.append((p_outer, p_core))
        if not candidates:
            return
        if self.identity.get(pseudo) is None:
            self.identity[pseudo] = self.key(candidates[0][1])
        for full, core in candidates:
            self._add(full, pseudo)
            self._add(core, pseudo)
            tokens = core.split()
            if UNSPACED.search(core):
                continue  # the redactor matches these scripts' given names itself
            if len(tokens) >= 2:
                surname = tokens[-1]
                for t in TITLES_FOR_SURNAME:
                    self._add(f"{t} {surname}", pseudo)
                    if t.endswith("."):
                        self._add(f"{t}{surname}", pseudo)  # "Mr.Blanchet" as transcribed
                given = tokens[0]
                if len(given) >= 3 and given.lower() not in COMMON_GIVEN and given[:1].isupper():
                    self._add(given, pseudo)
