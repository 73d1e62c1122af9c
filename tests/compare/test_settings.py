"""`[compare] with = "EARLIER"` and `--compare-with`: read, checked, passed through."""

from __future__ import annotations

import pytest

from consult.cli import build_parser
from consult.config import ConfigError, ConsultConfig, load_config


def test_compare_section_is_read_from_consult_toml(tmp_path):
    path = tmp_path / "consult.toml"
    path.write_text('[compare]\nwith = "round-2"\nmin_group_passages = 30\n')
    cfg = load_config(path)
    assert cfg.compare.with_ == "round-2" and cfg.compare.min_group_passages == 30
    assert ConsultConfig().compare.with_ is None  # default: no comparison
    # written back as it is typed (Run info, Prefect's parameter form), and read again
    dumped = cfg.model_dump(mode="json")["compare"]
    assert dumped["with"] == "round-2"
    assert ConsultConfig.model_validate(cfg.model_dump(mode="json")).compare.with_ == "round-2"


def test_a_path_is_not_a_round_name(tmp_path):
    path = tmp_path / "consult.toml"
    path.write_text('[compare]\nwith = "../round-2"\n')
    with pytest.raises(ConfigError, match=r"`compare.with`.*not a round name"):
        load_config(path)


def test_compare_with_option_sets_the_setting(monkeypatch):
    from consult import cli, commands

    seen = {}

    def fake_run(round_name, raw, outputs, config, **kw):
        seen["with"] = config.compare.with_
        return "wb.xlsx"

    monkeypatch.setattr(commands, "run_round", fake_run)
    args = build_parser().parse_args(["run", "r2", "--compare-with", "r1"])
    assert cli._dispatch(args) == 0 and seen["with"] == "r1"
    args = build_parser().parse_args(["compare", "r1", "r2", "--outputs", "out"])
    assert (args.earlier, args.round, args.outputs) == ("r1", "r2", "out")
