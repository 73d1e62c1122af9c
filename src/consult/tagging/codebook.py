"""The priority codebook: which priorities passages are tagged against, read from YAML.

A codebook is a small, human-edited file, so every problem in it is reported at once, each with
the line to fix, instead of failing on the first.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import yaml

log = logging.getLogger(__name__)

DEFAULT_CODEBOOK = "asean_codebook.yaml"
_FIELDS = ("id", "label", "description", "keywords", "examples", "parent")


class CodebookError(ValueError):
    """A codebook that cannot be used; the message names each line to fix."""


@dataclass(frozen=True)
class Priority:
    id: str
    label: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    parent: str | None = None


class PriorityLike(Protocol):
    """What readers of a priority use: its id and its label."""

    @property
    def id(self) -> str: ...

    @property
    def label(self) -> str: ...


class CodebookLike(Protocol):
    """The part of a codebook the report, the reviews and the themes read: its name and hash
    (shown in the workbook), its priorities' ids and labels, and `resolve` for what a reviewer
    typed. `Codebook` is one; so is a test's stand-in. Tagging needs a whole `Codebook`
    (descriptions, keywords, examples)."""

    @property
    def name(self) -> str: ...

    @property
    def sha256(self) -> str: ...

    @property
    def priorities(self) -> Sequence[PriorityLike]: ...

    def resolve(self, token: str) -> str: ...


@dataclass
class Codebook:
    name: str
    priorities: list[Priority]
    sha256: str = ""
    source: str = ""
    _index: dict[str, Priority] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {p.id: p for p in self.priorities}

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.priorities]

    def by_id(self, id: str) -> Priority:
        try:
            return self._index[id]
        except KeyError:
            raise KeyError(
                f"Priority `{id}` is not in codebook `{self.name}`; known ids: "
                f"{', '.join(self.ids)}."
            ) from None

    def resolve(self, token: str) -> str:
        """The id for `token`, which may be an id or a label (case and spacing ignored)."""
        key = " ".join(str(token).split()).casefold()
        for p in self.priorities:
            if p.id.casefold() == key or " ".join(p.label.split()).casefold() == key:
                return p.id
        names = [p.id for p in self.priorities] + [p.label for p in self.priorities]
        close = difflib.get_close_matches(str(token).strip(), names, n=1)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        raise CodebookError(
            f"`{token}` is neither an id nor a label of codebook `{self.name}`.{hint} "
            f"Use one of: {', '.join(self.ids)}."
        )


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read a codebook YAML file; None reads the bundled ASEAN Connectivity codebook."""
    if path is None or str(path) == "":
        data = resources.files("consult").joinpath("data", DEFAULT_CODEBOOK).read_bytes()
        return parse_codebook(data, source=f"bundled {DEFAULT_CODEBOOK}")
    p = Path(path)
    if not p.is_file():
        raise CodebookError(
            f"Codebook `{p}` does not exist; pass the path of a codebook YAML file "
            "(or leave `tagging.codebook` empty for the bundled one)."
        )
    return parse_codebook(p.read_bytes(), source=str(p))


def parse_codebook(data: bytes | str, source: str = "<codebook>") -> Codebook:
    """Parse and validate codebook YAML; raise CodebookError listing every problem."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    sha = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookError(f"Codebook `{source}` is not UTF-8 text; save it as UTF-8.") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is not None:  # the safe constructor over every node: `!!python/...` tags fail here
            _value(root)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        fix = (
            "A codebook holds only text, lists and mappings: remove the `!` tag there."
            if isinstance(exc, yaml.constructor.ConstructorError)
            else "Fix the indentation or quoting there."
        )
        raise CodebookError(
            f"Codebook `{source}` is not valid YAML{where}: {problem}. {fix}"
        ) from exc
    problems: list[str] = []
    name = Path(source).stem if source and not source.startswith("<") else "codebook"
    if root is None:
        raise CodebookError(f"Codebook `{source}` is empty; it needs a `priorities:` list.")
    if isinstance(root, yaml.MappingNode):
        top = _mapping(root)
        if "name" in top:
            name = str(_value(top["name"][1]) or name)
        if "priorities" not in top:
            raise CodebookError(
                f"Codebook `{source}` line {_line(root)}: no `priorities:` key; add a list of "
                "priorities, each with `id` and `label`."
            )
        plist = top["priorities"][1]
    elif isinstance(root, yaml.SequenceNode):
        plist = root  # a bare list of priorities is accepted too
    else:
        raise CodebookError(
            f"Codebook `{source}` line {_line(root)}: expected a mapping with `name` and "
            "`priorities`, found a single value."
        )
    if not isinstance(plist, yaml.SequenceNode):
        raise CodebookError(
            f"Codebook `{source}` line {_line(plist)}: `priorities` must be a list (items start "
            "with `- id: ...`)."
        )
    priorities: list[Priority] = []
    seen: dict[str, int] = {}
    parents: list[tuple[str, str, int]] = []
    for item in plist.value:
        line = _line(item)
        if not isinstance(item, yaml.MappingNode):
            problems.append(f"line {line}: each priority must be a mapping with `id` and `label`.")
            continue
        fields = _mapping(item)
        for key, (knode, _) in fields.items():
            if key not in _FIELDS:
                close = difflib.get_close_matches(key, _FIELDS, n=1)
                if close:
                    problems.append(
                        f"line {_line(knode)}: unknown field `{key}`; did you mean `{close[0]}`?"
                    )
                else:
                    log.warning(
                        "Codebook %s line %s: ignoring unknown field `%s`",
                        source,
                        _line(knode),
                        key,
                    )
        pid: str | None = _scalar_str(fields.get("id"))
        if not pid:
            problems.append(f'line {line}: priority has no `id`; give it a unique id like "SA1".')
            pid = None
        elif pid in seen:
            problems.append(
                f"line {_line(fields['id'][1])}: duplicate id `{pid}` (first used at line "
                f"{seen[pid]}); give each priority a unique id."
            )
        else:
            seen[pid] = _line(fields["id"][1])
        label = _scalar_str(fields.get("label"))
        if not label:
            problems.append(
                f"line {line}: priority `{pid or '?'}` has no `label`; add a short readable name."
            )
        description = _scalar_str(fields.get("description")) or ""
        keywords = _str_list(fields.get("keywords"), "keywords", problems, split_commas=True)
        examples = _str_list(fields.get("examples"), "examples", problems, split_commas=False)
        parent = _scalar_str(fields.get("parent")) or None
        if parent is not None and pid is not None:
            parents.append((pid, parent, _line(fields["parent"][1])))
        if pid and label:
            priorities.append(Priority(pid, label, description, keywords, examples, parent))
    for pid, parent, line in parents:
        if parent == pid:
            problems.append(f"line {line}: priority `{pid}` names itself as parent.")
        elif parent not in seen:
            problems.append(
                f"line {line}: priority `{pid}` has unknown parent `{parent}`; use the id of "
                "another priority or `null`."
            )
    if not problems and not priorities:
        problems.append(f"line {_line(plist)}: `priorities` is empty; add at least one priority.")
    if problems:
        raise CodebookError(
            f"Codebook `{source}` has {len(problems)} problem(s):\n  " + "\n  ".join(problems)
        )
    _check_cycles(priorities, source)
    return Codebook(name=name, priorities=priorities, sha256=sha, source=source)


# ---- helpers over yaml nodes ------------------------------------------------------------------


def _line(node: Any) -> int:
    return node.start_mark.line + 1 if node is not None and node.start_mark else 0


def _mapping(node: yaml.MappingNode) -> dict[str, tuple[Any, Any]]:
    out: dict[str, tuple[Any, Any]] = {}
    for k, v in node.value:
        out[str(_value(k))] = (k, v)
    return out


def _value(node: Any) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _scalar_str(pair: tuple[Any, Any] | None) -> str:
    if pair is None:
        return ""
    node = pair[1]
    if not isinstance(node, yaml.ScalarNode):
        return ""
    val = _value(node)
    return "" if val is None else " ".join(str(val).split())


def _str_list(
    pair: tuple[Any, Any] | None, what: str, problems: list[str], split_commas: bool
) -> tuple[str, ...]:
    if pair is None:
        return ()
    node = pair[1]
    if isinstance(node, yaml.ScalarNode):
        val = _value(node)
        if val is None:
            return ()
        items = str(val).split(",") if split_commas else [str(val)]
    elif isinstance(node, yaml.SequenceNode):
        items = []
        for sub in node.value:
            if not isinstance(sub, yaml.ScalarNode):
                problems.append(f"line {_line(sub)}: each of `{what}` must be plain text.")
                continue
            v = _value(sub)
            if v is not None:
                items.append(str(v))
    else:
        problems.append(f"line {_line(node)}: `{what}` must be a list like [a, b].")
        return ()
    return tuple(s for s in (" ".join(i.split()) for i in items) if s)


def _check_cycles(priorities: list[Priority], source: str) -> None:
    parent = {p.id: p.parent for p in priorities}
    for start in parent:
        seen: set[str] = set()
        cur: str | None = start
        while cur is not None:
            if cur in seen:
                raise CodebookError(
                    f"Codebook `{source}`: parents form a cycle through `{cur}`; set one of "
                    "their `parent` to null."
                )
            seen.add(cur)
            cur = parent.get(cur)
