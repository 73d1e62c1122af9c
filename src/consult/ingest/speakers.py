"""Speaker labels -> stable pseudonyms ("Participant 3", "Facilitator 1"), and name heuristics.

A label as written ("Hon. Bill Blair (Minister of ...)") becomes one pseudonym per person; the real
name forms are kept only in memory, to redact mentions of the person in texts.
"""

from __future__ import annotations

import re

# ---- speaker names -> pseudonyms ------------------------------------------------------------

HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "hon", "honourable", "honorable",
    "rt", "right", "sir", "dame", "lord", "lady", "he", "h.e", "excellency", "his", "her", "dato",
    "datuk", "dato'", "datin", "tan", "sri", "pak", "bu", "ibu", "bapak", "khun", "u", "daw",
    "pehin", "yb", "atty", "engr", "ir", "senator", "minister", "deputy", "ambassador", "the",
    "councillor", "cllr", "rev", "fr",
}
POSTNOMINALS = {"am", "mp", "ms", "msp", "mla", "ms.", "qc", "kc", "obe", "mbe", "cbe", "phd", "md", "mpp"}
GENERIC_LABEL = re.compile(
    r"(?i)^(speaker|participant|guest|unknown|unknown speaker|audience|audience member|attendee|"
    r"respondent|interviewee|voice|person|member|p|s|q|a|question|answer|interpreter|"
    r"translator|all|several|multiple speakers|inaudible)(\s*[#]?\d+)?$"
)
ORG_WORDS = {
    "ministry", "bank", "department", "agency", "association", "council", "chamber", "university",
    "institute", "secretariat", "office", "group", "government", "sector", "private", "public",
    "company", "ltd", "inc", "foundation", "organisation", "organization", "authority",
    "commission", "committee", "centre", "center", "board", "federation", "union", "network",
    "forum", "programme", "program", "asean", "team", "unit", "division", "society", "corporation",
}
COMMON_GIVEN = {
    "may", "dawn", "will", "mark", "grace", "hope", "joy", "faith", "rose", "june", "april",
    "august", "bill", "frank", "guy", "jack", "ray", "art", "rich", "sue", "pat", "don", "dean",
    "chase", "bob", "drew", "earl", "king", "max", "miles", "page", "sky", "summer", "victor",
    "the", "chair", "minister", "member",
}
# Lower-case words inside a person's name ("Ursula von der Leyen", "Anwar bin Ibrahim").
NAME_PARTICLES = frozenset({"de", "da", "van", "von", "bin", "binti", "al", "el", "la", "le", "del",
                            "dos", "du", "di", "ap"})
TITLES_FOR_SURNAME = ("Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Hon.", "Minister",
                      "Professor", "Prof.", "Senator", "Ambassador")


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


def name_core(label: str) -> str:
    """"Hon. Andrew Scheer (Leader of the Opposition)" -> "Andrew Scheer"; "The Chair" -> "Chair"."""
    outer, _ = strip_parens(label)
    tokens = outer.replace(",", " ").split()
    while tokens and tokens[0].lower().rstrip(".") in HONORIFICS:
        tokens.pop(0)
    while tokens and tokens[-1].lower().rstrip(".") in POSTNOMINALS and tokens[-1][:1].isupper() \
            and len(tokens) > 1:
        tokens.pop()
    return " ".join(tokens)


def looks_like_person(text: str) -> bool:
    tokens = text.split()
    if not 1 <= len(tokens) <= 5 or any(c in text for c in ",;:?!\"") or re.search(r"\d", text):
        return False
    if any(t.lower().strip(".'") in ORG_WORDS for t in tokens):
        return False
    return all(t[:1].isupper() or t.lower() in NAME_PARTICLES for t in tokens)


class Pseudonyms:
    """Stable pseudonyms per file: "Participant 1", "Facilitator 1", numbered by first appearance.

    One person written several ways ("Hon. Bill Blair", "Hon. Bill Blair (Minister of ...)") gets one
    pseudonym. `names` maps every real-name form seen (and short forms such as "Mr. Blair", "Bill")
    to the pseudonym, so mentions inside the text can be redacted.
    """

    def __init__(self, facilitator_roles: list[str]):
        words = [re.escape(r.lower()) for r in facilitator_roles if r.strip()]
        self._role_re = re.compile(r"(?<![\w])(" + "|".join(words) + r")(?![\w])") if words else None
        self._by_key: dict[str, tuple[str, str]] = {}
        self._count = {"facilitator": 0, "participant": 0}
        self.names: dict[str, str] = {}
        # pseudonym -> who it is across files: the person's name key when the label names a
        # person, None for labels that name nobody ("Speaker 2"); in order of first appearance
        self.identity: dict[str, str | None] = {}

    def is_facilitator(self, label: str) -> bool:
        return bool(self._role_re and self._role_re.search(label.lower()))

    @staticmethod
    def key(label: str) -> str:
        core = name_core(label) or label
        return re.sub(r"[^\w]+", " ", core.lower()).strip() or label.strip().lower()

    def assign(self, label: str) -> tuple[str, str]:
        """(pseudonym, role) for a speaker label as written in the file."""
        k = self.key(label)
        if k not in self._by_key:
            role = "facilitator" if self.is_facilitator(label) else "participant"
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

    def _add_names(self, label: str, pseudo: str) -> None:
        label = label.strip()
        outer, inner = strip_parens(label)
        candidates = []
        core = name_core(outer)
        if core and not GENERIC_LABEL.match(core) and not self.is_facilitator(core) \
                and looks_like_person(core):
            candidates.append((outer, core))
        for part in inner:
            p_outer, _ = strip_parens(part)
            p_core = name_core(p_outer)
            starts_hon = p_outer.split()[0].lower().rstrip(".") in HONORIFICS if p_outer else False
            if p_core and (starts_hon or len(p_core.split()) >= 2) and looks_like_person(p_core) \
                    and not self.is_facilitator(p_core):
                candidates.append((p_outer, p_core))
        if not candidates:
            return
        if self.identity.get(pseudo) is None:
            self.identity[pseudo] = self.key(candidates[0][1])
        self._add(label, pseudo)
        for full, core in candidates:
            self._add(full, pseudo)
            self._add(core, pseudo)
            tokens = core.split()
            if len(tokens) >= 2:
                surname = tokens[-1]
                for t in TITLES_FOR_SURNAME:
                    self._add(f"{t} {surname}", pseudo)
                    if t.endswith("."):
                        self._add(f"{t}{surname}", pseudo)  # "Mr.Blanchet" as transcribed
                given = tokens[0]
                if len(given) >= 3 and given.lower() not in COMMON_GIVEN and given[:1].isupper():
                    self._add(given, pseudo)
