import hashlib

import pytest

from consult.tagging.codebook import CodebookError, load_codebook, parse_codebook
from tests.support.paths import FIXTURES

FIX = FIXTURES / "codebooks"


def test_default_codebook_has_six_areas_and_enablers():
    cb = load_codebook(None)
    assert cb.name == "ASEAN Connectivity Strategic Plan"
    assert [i for i in cb.ids if i.startswith("SA")] == [f"SA{i}" for i in range(1, 7)]
    assert [i for i in cb.ids if i.startswith("CC")] == [f"CC{i}" for i in range(1, 7)]
    for p in cb.priorities:
        assert p.description and p.keywords and 2 <= len(p.examples) <= 4
    assert len(cb.sha256) == 64


def test_issue_format_is_accepted_as_is():
    path = FIX / "valid.yaml"
    cb = load_codebook(path)
    sa1 = cb.by_id("SA1")
    assert sa1.label == "Sustainable infrastructure"
    assert sa1.keywords == ("optional", "list")
    assert sa1.examples == ("optional example passages",)
    assert sa1.parent is None
    assert cb.by_id("SA1.1").parent == "SA1"
    assert cb.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_resolve_accepts_id_or_label_case_insensitive():
    cb = load_codebook(FIX / "valid.yaml")
    assert cb.resolve("sa1") == "SA1"
    assert cb.resolve("  green   PORTS ") == "SA1.1"
    with pytest.raises(CodebookError, match="Did you mean"):
        cb.resolve("Green port")


def test_duplicate_ids_name_both_lines():
    with pytest.raises(CodebookError) as exc:
        load_codebook(FIX / "duplicate_ids.yaml")
    msg = str(exc.value)
    assert "line 7" in msg and "duplicate id `A`" in msg and "line 3" in msg


def test_all_problems_reported_at_once():
    with pytest.raises(CodebookError) as exc:
        load_codebook(FIX / "many_problems.yaml")
    msg = str(exc.value)
    assert "2 problem(s)" in msg
    assert "line 5" in msg and "no `label`" in msg
    assert "line 9" in msg and "unknown parent `Z`" in msg


def test_priorities_must_be_a_list():
    with pytest.raises(CodebookError, match=r"line 3: `priorities` must be a list"):
        load_codebook(FIX / "not_a_list.yaml")


def test_bad_yaml_names_the_line():
    with pytest.raises(CodebookError, match=r"not valid YAML at line \d+"):
        load_codebook(FIX / "bad_yaml.yaml")


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(CodebookError, match="does not exist"):
        load_codebook(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "empty"),
        ("name: x\n", "no `priorities:` key"),
        ("priorities: []\n", "`priorities` is empty"),
        ("- id: A\n  label: x\n  parent: A\n", "names itself as parent"),
        ("- id: A\n  lable: x\n", "did you mean `label`"),
    ],
)
def test_other_problems(text, expected):
    with pytest.raises(CodebookError, match=expected):
        parse_codebook(text)


def test_cycle_and_comma_keywords():
    with pytest.raises(CodebookError, match="cycle"):
        parse_codebook("- {id: A, label: a, parent: B}\n- {id: B, label: b, parent: A}\n")
    cb = parse_codebook("- {id: 1, label: One, keywords: 'green bond, ppp'}\n")
    assert cb.ids == ["1"] and cb.by_id("1").keywords == ("green bond", "ppp")
