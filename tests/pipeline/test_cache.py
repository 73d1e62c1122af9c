"""One cache design: keys from the code that runs (computed, transitive), unreached entries evicted."""

from __future__ import annotations

import importlib
import sys
import textwrap

import pytest

from consult import fingerprint as fp
from consult.pipeline import cache


@pytest.fixture
def package(tmp_path, monkeypatch):
    """`fpkg`: a.stage imports b inside a function; b imports c; d is imported by nobody."""
    root = tmp_path / "fpkg"
    root.mkdir()
    files = {
        "__init__.py": "",
        "a.py": "def stage():\n    from fpkg.b import helper\n    return helper()\n",
        "b.py": "from fpkg import c\n\n\ndef helper():\n    return c.VALUE\n",
        "c.py": "VALUE = 1\n",
        "d.py": "UNUSED = 1\n",
    }
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    fp.forget()
    yield root
    fp.forget()
    for name in [m for m in sys.modules if m == "fpkg" or m.startswith("fpkg.")]:
        del sys.modules[name]


def test_the_closure_follows_imports_inside_functions_and_across_modules(package):
    assert fp.closure("fpkg.a") == ["fpkg", "fpkg.a", "fpkg.b", "fpkg.c"]


def test_editing_a_transitively_imported_module_misses_the_cache(package, tmp_path):
    from fpkg.a import stage

    folder = tmp_path / "cache"
    key = cache.make_key("stage", fp.fingerprint_of(stage), "same input")
    cache.cache_put(folder, key, "result of the old code")
    assert (
        cache.cache_get(folder, cache.make_key("stage", fp.fingerprint_of(stage), "same input"))
        == "result of the old code"
    )

    (package / "d.py").write_text("UNUSED = 2\n")  # not imported by the stage: same key
    fp.forget()
    assert cache.make_key("stage", fp.fingerprint_of(stage), "same input") == key

    (package / "c.py").write_text("VALUE = 2\n")  # imported by b, which a imports: new key
    fp.forget()
    new_key = cache.make_key("stage", fp.fingerprint_of(stage), "same input")
    assert new_key != key
    assert cache.cache_get(folder, new_key) is None


@pytest.mark.parametrize(
    "stage, needs",
    [
        (
            "consult.themes.topics",
            [
                "consult.themes.quotes",
                "consult.themes.labels",
                "consult.text.words",
                "consult.themes.clustering",
            ],
        ),
        (
            "consult.tagging.tag",
            [
                "consult.tagging.codebook",
                "consult.tagging.keywords",
                "consult.embedding.embed",
                "consult.text.lemmas",
            ],
        ),
    ],
)
def test_stage_keys_cover_the_modules_that_used_to_be_left_out(stage, needs):
    assert set(needs) <= set(fp.closure(stage))


def test_entries_a_finished_run_did_not_reach_are_evicted(tmp_path):
    tags, themes = tmp_path / "tags", tmp_path / "themes"
    for folder in (tags, themes):
        cache.cache_put(folder, "old", 1)
        cache.cache_put(folder, "current", 2)
    (tags / "notes.txt").write_text("not an entry")
    cache.begin_run()
    assert cache.cache_get(tags, "current") == 2
    cache.cache_put(tags, "new", 3)
    assert cache.evict_unreached() == 1
    assert sorted(p.name for p in tags.iterdir()) == ["current.pkl", "new.pkl", "notes.txt"]
    assert len(list(themes.glob("*.pkl"))) == 2  # a folder this run never used is left alone
