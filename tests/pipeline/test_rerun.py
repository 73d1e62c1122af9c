"""The pre-flight of a re-run: nothing changed -> outputs kept byte for byte and nothing started;
any change a run would see (an upload, a setting, reviews.csv, the workbook) -> a real run."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from consult.config import load_config
from consult.pipeline import rerun
from consult.workspace import RoundPaths
from tests.support.paths import ROOT
from tests.support.rounds import copy_round


# ---- files and folders (fast) -------------------------------------------------------------------
def test_a_touched_file_is_unchanged_and_an_edit_of_the_same_size_is_not(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("id,answer\n1,more ferries\n")
    state = rerun.file_state(f)
    assert rerun.same_file(state, f)
    os.utime(f, ns=(1, 1))  # touched, copied back, checked out again: same content
    assert rerun.same_file(state, f)
    f.write_text("id,answer\n1,more bridges\n")  # same size, new content
    assert not rerun.same_file(state, f)
    f.unlink()
    assert not rerun.same_file(state, f)
    assert rerun.same_file(None, f)


def test_tree_changes_counts_added_removed_and_changed_files_hidden_ones_too(tmp_path):
    (tmp_path / "surveys").mkdir()
    (tmp_path / "surveys" / "s.csv").write_text("a\n")
    (tmp_path / "notes.md").write_text("b\n")
    state = rerun.tree_state(tmp_path)
    assert rerun.tree_changes(state, tmp_path) == 0
    (tmp_path / "notes.md").write_text("c\n")
    (tmp_path / "surveys" / ".hidden").write_text("d\n")
    (tmp_path / "surveys" / "s.csv").unlink()
    assert rerun.tree_changes(state, tmp_path) == 3


def test_settings_that_name_files_are_found_by_looking(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "codebook.yaml").write_text("priorities: []\n")
    (tmp_path / "x").mkdir()  # "x" is a non-answer in the settings, and here a folder as well
    cfg = tmp_path / "consult.toml"
    cfg.write_text('[tagging]\ncodebook = "codebook.yaml"\n')
    found = rerun.named_paths(load_config(cfg))
    assert found["codebook.yaml"] == Path("codebook.yaml")
    assert "x" in found and "." not in found and "..." not in found


def test_no_record_means_a_run(tmp_path):
    paths = RoundPaths.for_round("r1", tmp_path / "raw", tmp_path / "out")
    assert "no record" in rerun.what_changed(paths, load_config(None))


def test_a_file_stopped_by_the_clock_is_not_settled():
    assert rerun.settled([None, object()])
    assert not rerun.settled(["stopped after 120 s (ingest.max_seconds_per_file); ..."])


# ---- after a real run (the flow, with the hashing embedder) --------------------------------------
@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    from consult.commands import run_round

    base = tmp_path_factory.mktemp("rerun")
    raw, out = copy_round(base), base / "out"
    codebook = base / "codebook.yaml"
    shutil.copy(ROOT / "src/consult/data/asean_codebook.yaml", codebook)
    cfg = base / "consult.toml"
    cfg.write_text(f'[embedding]\nmodel = "hashing-128"\n[tagging]\ncodebook = "{codebook}"\n')
    run_round("r1", str(raw), str(out), load_config(cfg))
    return raw, out, cfg


def _paths(ran) -> RoundPaths:
    raw, out, _ = ran
    return RoundPaths.for_round("r1", raw, out)


def _changed(ran, config=None) -> str | None:
    return rerun.what_changed(_paths(ran), config or load_config(ran[2]))


def _every_file(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(folder).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _cli(ran, *extra: str) -> list[str]:
    raw, out, cfg = ran
    return ["run", "r1", "--raw", str(raw), "--outputs", str(out), "--config", str(cfg), *extra]


@pytest.mark.slow
def test_an_unchanged_rerun_starts_nothing_and_leaves_every_output_byte_identical(ran):
    out = ran[1] / "r1"
    assert _changed(ran) is None
    before = _every_file(out)  # the caches too: nothing under outputs/r1 is touched
    probe = (
        "import sys; from consult.cli import main; rc = main(sys.argv[1:]); "
        "print('started:', sorted(m for m in ('prefect', 'flows', 'torch', "
        "'sentence_transformers', 'bertopic', 'pandas') if m in sys.modules)); sys.exit(rc)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    proc = subprocess.run(
        [sys.executable, "-c", probe, *_cli(ran)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "started: []" in proc.stdout  # no Prefect, no flow, no model, not even pandas
    assert "Workbook unchanged" in proc.stdout
    assert "Nothing changed since the last run of r1" in proc.stderr
    assert "Prefect" not in proc.stderr
    assert _every_file(out) == before


@pytest.mark.slow
def test_force_runs_the_flow_and_the_next_rerun_is_instant_again(ran):
    import json

    from consult.cli import main

    info = ran[1] / "r1" / "run-info.json"
    first = json.loads(info.read_text())["started"]
    assert main(_cli(ran, "--force")) == 0
    again = json.loads(info.read_text())
    assert again["outputs reused from"] == first  # the flow ran, and kept identical outputs
    assert _changed(ran) is None


@pytest.mark.slow
def test_a_changed_added_or_removed_upload_is_a_change(ran):
    raw = ran[0] / "r1"
    survey = raw / "surveys" / "google-forms-online-survey.csv"
    original = survey.read_bytes()
    survey.write_bytes(original.replace(b"e", b"E", 1))  # same size, one letter
    assert "1 upload(s)" in _changed(ran)
    survey.write_bytes(original)  # back as it was: new times, same content
    assert _changed(ran) is None
    extra = raw / "workshops" / "new-notes.md"
    extra.write_text("# Notes\n\nMore cross-border bus routes.\n")
    assert "1 upload(s)" in _changed(ran)
    extra.unlink()
    assert _changed(ran) is None


@pytest.mark.slow
def test_a_changed_setting_or_codebook_is_a_change(ran):
    cfg = load_config(ran[2])
    cfg.topics.seed += 1
    assert _changed(ran, cfg) == "the settings changed"
    codebook = Path(load_config(ran[2]).tagging.codebook)
    original = codebook.read_bytes()
    codebook.write_bytes(original.replace(b"description:", b"description: ", 1))
    assert "(named in the settings) changed" in _changed(ran)
    codebook.write_bytes(original)
    assert _changed(ran) is None


@pytest.mark.slow
def test_reviews_csv_another_rounds_reviews_or_a_lock_are_changes(ran):
    out = ran[1]
    store = out / "r1" / "reviews.csv"
    original = store.read_bytes() if store.exists() else None
    with store.open("a", encoding="utf-8") as fh:
        fh.write("p0000000000000000,SA1,typed by hand\n")
    assert "reviews.csv" in _changed(ran)
    if original is None:
        store.unlink()
    else:
        store.write_bytes(original)
    assert _changed(ran) is None

    other = out / "r0" / "reviews.csv"
    other.parent.mkdir()
    other.write_text("passage_id\n")
    assert "`r0/reviews.csv` of another round" in _changed(ran)
    shutil.rmtree(other.parent)

    lock = out / "r1" / ".run.lock"
    lock.write_text("{}")
    assert ".run.lock" in _changed(ran)
    lock.unlink()

    table = out / "r1" / "passages.csv"
    kept = table.read_bytes()
    table.unlink()
    assert "removed" in _changed(ran)
    table.write_bytes(kept)
    assert _changed(ran) is None


@pytest.mark.slow
def test_a_reviewer_edit_in_the_workbook_runs_the_round_and_counts(ran):
    from openpyxl import load_workbook

    from consult.cli import main

    book = ran[1] / "r1" / "consultation-summary-r1.xlsx"
    wb = load_workbook(book)
    ws = wb["Passages"]
    names = [c.value for c in ws[1]]
    pid = ws.cell(2, names.index("Passage ID") + 1).value
    ws.cell(2, names.index("Reviewer priorities") + 1).value = "SA5"
    wb.save(book)
    assert "consultation-summary-r1.xlsx" in _changed(ran)
    assert main(_cli(ran)) == 0  # a real run: it reads the edit and stores the decision
    assert pid in (ran[1] / "r1" / "reviews.csv").read_text(encoding="utf-8-sig")
    assert _changed(ran) is None
