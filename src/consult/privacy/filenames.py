"""Names in file names: a facilitator names a file after the person interviewed.

Why: "interview-with-maria-santos.docx" would show a respondent's name in every output and in
Prefect. A file name's person-like words (after a cue such as "with" or a title, capitalised runs
of uncommon words, names learned from the file or given in `privacy.extra_names`) are replaced by
"[name N]", numbered by person across the round, in everything an output or Prefect shows; the
real path only reads the file. Split from `consult.privacy.personal` (name columns in surveys).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from consult.ingest.speakers import ORG_WORDS
from consult.privacy.lexicon import is_common, is_common_name_part, is_place, is_region_word

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
