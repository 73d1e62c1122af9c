"""The committed sample round is exactly what its script generates, and the synthetic
generator writes about the number of passages asked for, in every vendor layout."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "raw" / "sample-round"


def _load(name: str, path: Path):
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def sample_mod():
    return _load("make_sample_round", ROOT / "scripts" / "make_sample_round.py")


@pytest.fixture(scope="module")
def synth_mod():
    return _load("make_synthetic_round", ROOT / "benchmarks" / "make_synthetic_round.py")


def _content(path: Path) -> dict[str, bytes] | bytes:
    """Text files compare as bytes; XLSX/DOCX by their zip members (zlib builds may differ)."""
    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist()}
    return path.read_bytes()


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_committed_sample_round_matches_generator(sample_mod, tmp_path):
    expected = sample_mod.make_sample_round(tmp_path)
    assert _files(tmp_path) == _files(COMMITTED), "re-run: python scripts/make_sample_round.py"
    for rel in _files(tmp_path):
        assert _content(tmp_path / rel) == _content(COMMITTED / rel), (
            f"{rel} differs from its generator"
        )
    # enough passages for topics to mean something, from every source kind
    assert 400 <= sum(v["passages"] for v in expected.values()) <= 550
    kinds = {rel.split("/")[0] for rel, v in expected.items() if v["passages"] > 0}
    assert kinds == {"surveys", "workshops", "transcripts"}
    assert sum(v.get("campaign_copies", 0) for v in expected.values()) == 2
    assert sum(v.get("with_contact_details", 0) for v in expected.values()) >= 5
    # national consultations in Member States' languages, next to the English material
    assert 40 <= sum(v["non_english"] for v in expected.values()) <= 80


def test_sample_round_has_national_material_in_member_state_languages(sample_mod):
    """Notes, a transcript and field-survey answers in Indonesian, Vietnamese, Thai, Filipino and
    Khmer; the manifest names each national file's language and country."""
    with (COMMITTED / "manifest.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["file"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(_files(COMMITTED)) - {"manifest.csv"}
    national = {
        r["language"]: r["country"] for r in rows.values() if r["language"] not in ("", "en")
    }
    assert national == {"id": "IDN", "vi": "VNM", "th": "THA"}
    assert rows["surveys/kobo-field-survey.csv"]["language"] == ""  # answers in several languages
    with (COMMITTED / "surveys/kobo-field-survey.csv").open(encoding="utf-8", newline="") as f:
        answers = [c for r in list(csv.reader(f, delimiter=";"))[1:] for c in r[6:9]]
    scripts = {"th": "\u0e00-\u0e7f", "km": "\u1780-\u17ff", "vi": "\u1ea0-\u1ef9"}
    for lang, rng in scripts.items():
        assert any(re.search(f"[{rng}]", a) for a in answers), lang
    assert any("UMKM" in a for a in answers) and any("OFW" in a for a in answers)  # id, tl
    txt = (COMMITTED / "transcripts/khon-kaen-national-consultation.txt").read_text(
        encoding="utf-8"
    )
    turns = re.findall(r"^\[\d\d:\d\d:\d\d\] ([^:]+): (.+)$", txt, flags=re.M)
    assert len(turns) >= 10 and all(re.search("[\u0e00-\u0e7f]", t) for _, t in turns)


def test_sample_round_survey_counts_read_back(sample_mod):
    """The planted passages are really in the CSV exports, as the generator reports."""
    is_passage = sample_mod.is_passage
    with (COMMITTED / "surveys/google-forms-online-survey.csv").open(
        encoding="utf-8", newline=""
    ) as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "Timestamp"
    google = sum(is_passage(c) for r in rows[1:] for c in r[4:])
    with (COMMITTED / "surveys/kobo-field-survey.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert "_uuid" in rows[0]
    kobo = sum(is_passage(c) for r in rows[1:] for c in r[6:9])
    assert google >= 80 and kobo >= 60
    countries = {r[3] for r in rows[1:]}
    assert len(countries) == 10


def test_synthetic_round_writes_about_n_passages(synth_mod, tmp_path):
    out = synth_mod.make_round(1000, tmp_path, seed=0)
    assert abs(out["passages"] - 1000) <= 20
    assert sum(out["files"].values()) == out["passages"]
    names = _files(tmp_path)
    for part in ("google-forms", "kobo", "ms-forms", "surveymonkey", "workshops/", "transcripts/"):
        assert any(part in n for n in names), part
    assert "manifest.csv" in names
    # survey passages dominate, as in real rounds
    surveys = sum(v for k, v in out["files"].items() if k.startswith("surveys/"))
    assert surveys > 0.8 * out["passages"]
    # a Google Forms CSV holds exactly the passages the generator says it planted
    rel = next(k for k in out["files"] if k.endswith("google-forms-export.csv"))
    with (tmp_path / rel).open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    from make_sample_round import is_passage

    assert sum(is_passage(c) for r in rows[1:] for c in r[4:]) == out["files"][rel]
