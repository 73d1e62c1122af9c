"""Hostile privacy round (issue 11): no planted personal string reaches any output, and nothing
people or facilitators wrote is altered (manifest labels, place names, other people's names)."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from consult import schema as S
from consult.config import ConsultConfig, EmbeddingConfig
from consult.ingest.check import format_check_report
from consult.ingest.files import collect_round
from consult.ingest.round import ingest_round, plan_round
from consult.report.quality import write_data_quality
from tests.support.privacy_planted import KEEP_EVENTS, KEEP_TEXT, PLANTED, leaks, make_round


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    rd = make_round(tmp_path_factory.mktemp("raw"))
    return rd, ingest_round(collect_round(rd), rd.name, ConsultConfig())


def _sheet_text(res) -> str:
    wb = openpyxl.Workbook()
    write_data_quality(wb.active, res.passages, res.files, res.rejected, None, None)
    return "\n".join(
        str(c) for row in wb.active.iter_rows(values_only=True) for c in row if c is not None
    )


def test_no_planted_string_reaches_any_output(planted):
    _, res = planted
    outputs = {
        "passages": res.passages.to_csv(index=False),
        "rejected": res.rejected.to_csv(index=False),
        "files": res.files.to_csv(index=False),
        "data quality": _sheet_text(res),
        "consult check": format_check_report(res),
    }
    found = {name: leaks(text) for name, text in outputs.items()}
    assert found == {name: [] for name in outputs}, found
    assert len(PLANTED) >= 70


def test_manifest_labels_and_ordinary_text_stay_as_written(planted):
    _, res = planted
    p = res.passages
    events = {f: set(g[S.EVENT]) for f, g in p.groupby(S.SOURCE_FILE)}
    for rel, event in KEEP_EVENTS.items():
        assert events.get(rel) == {event}, (rel, events.get(rel))
    texts = "\n".join(p[S.TEXT])
    assert [k for k in KEEP_TEXT if k not in texts] == []
    assert {"Youth", "Government", "Private sector", "Academia"} <= set(p[S.STAKEHOLDER_GROUP])


def test_files_are_accounted_for_under_their_display_names(planted):
    _, res = planted
    files = res.files.set_index(S.SOURCE_FILE)
    assert "transcripts/interview-with-[name 1].txt" in files.index
    assert "workshops/Notes_[name 2].md" in files.index
    assert "surveys/national-survey.csv" in files.index  # no name: unchanged
    assert (files[S.UNITS] == files[S.N_PASSAGES] + files[S.N_REJECTED]).all()
    assert set(res.passages[S.SOURCE_FILE]) <= set(files.index)


def test_speakers_in_thai_and_roles_in_the_regions_languages(planted):
    _, res = planted
    p = res.passages
    thai = p[p[S.SOURCE_FILE] == "transcripts/th-hearing.txt"]
    assert list(thai[S.SPEAKER_ROLE]) == [
        "facilitator",
        "participant",
        "participant",
        "facilitator",
    ]
    assert thai[S.SPEAKER].str.fullmatch(r"(Participant|Facilitator) \d+").all()
    assert "เห็นด้วยกับคุณParticipant" in " ".join(thai[S.TEXT])  # "คุณสมชาย" -> pseudonym
    hearing = p[p[S.SOURCE_FILE] == "transcripts/hearing-bkk.txt"]
    roles = list(hearing[S.SPEAKER_ROLE])
    assert roles == ["facilitator", "participant", "participant", "facilitator", "participant"]
    # one person, one pseudonym: the survey respondent who also spoke at the hearing is one
    # full name in two files; the hearing's speaker keeps the transcript's pseudonym
    lan = hearing.iloc[2]
    assert lan[S.TEXT] == "I agree with Tran Thi Maiphuong, who wrote to the committee."


def test_redaction_report_counts_kinds_with_masked_examples(planted):
    _, res = planted
    from consult.report.privacy import column_rows, redaction_rows

    rows = {r[0]: r for r in redaction_rows(res.files)}
    assert {
        "e-mail",
        "phone",
        "national ID",
        "name column",
        "learned name",
        "file name",
        "name after a title",
    } <= set(rows)
    assert rows["e-mail"][1] >= 7 and rows["national ID"][1] >= 8 and rows["phone"][1] >= 6
    assert all("***@***." in e for e in rows["e-mail"][3].split("; "))
    assert leaks(json.dumps(list(rows.values()), ensure_ascii=False)) == []
    decisions = {(r[0], r[2]): r[3] for r in column_rows(res.files)}
    survey = "surveys/national-survey.csv"
    assert decisions[(survey, "Name of respondent")] == "name column -> redacted"
    assert decisions[(survey, "Email address")] == "contact column -> redacted"
    assert decisions[(survey, "Sector")] == "attribute (stakeholder_group)"
    assert decisions[("surveys/field.csv", "Q1")] == "name column -> redacted"
    assert decisions[("surveys/field.csv", "Q2")] == "attribute (country)" or decisions[
        ("surveys/field.csv", "Q2")
    ].startswith("attribute")
    assert decisions[("surveys/field.csv", "Q3")] == "free text"


def test_override_gives_a_column_back(tmp_path):
    rd = make_round(tmp_path)
    cfg = ConsultConfig(privacy={"not_personal_columns": ["Q1"]})
    res = ingest_round(collect_round(rd), rd.name, cfg)
    from consult.report.privacy import column_rows

    decisions = {(r[0], r[2]): (r[3], r[4]) for r in column_rows(res.files)}
    decision, why = decisions[("surveys/field.csv", "Q1")]
    assert decision != "name column -> redacted" and "not_personal_columns" in why


def test_prefect_sees_display_names_only(tmp_path):
    rd = make_round(tmp_path)
    plan = plan_round(collect_round(rd), rd.name, ConsultConfig())
    shown = [f.display for f in plan.files]
    assert "transcripts/interview-with-[name 1].txt" in shown
    assert leaks("\n".join(shown)) == []
    labels = [f.label for f in plan.files]
    assert labels[0].startswith("survey file 1 of 7 (") and all("/" not in x for x in labels)
    assert leaks("\n".join(str(f.reason) for f in plan.files)) == []


@pytest.mark.slow
def test_whole_flow_outputs_and_prefect_hold_no_planted_string(tmp_path):
    """Workbook, CSV/Parquet and what Prefect stored about the run (task run names, logs)."""
    import uuid

    from prefect import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        LogFilter,
        LogFilterFlowRunId,
    )

    from flows.consultation_round import consultation_round

    # a round name of its own: no parse cached by an earlier run, every file read by a task
    rd = make_round(tmp_path / "raw", f"planted-privacy-{uuid.uuid4().hex[:8]}")
    out = tmp_path / "outputs"
    state = consultation_round(
        round_name=rd.name,
        raw_dir=str(rd.parent),
        outputs_dir=str(out),
        config=ConsultConfig(embedding=EmbeddingConfig(model="hashing-128")),
        return_state=True,
    )
    workbook = state.result()
    texts = []
    wb = openpyxl.load_workbook(workbook, read_only=True)
    for ws in wb.worksheets:
        texts += [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    for f in (out / rd.name).rglob("*"):
        if f.suffix == ".csv":
            texts.append(f.read_text(encoding="utf-8", errors="replace"))
        elif f.suffix == ".parquet":
            texts.append(pd.read_parquet(f).to_csv(index=False))
    assert leaks("\n".join(texts)) == []
    run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))
        )
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
    names = [r.name for r in runs]
    reads = [n for n in names if n.startswith("read ")]
    assert len(reads) == 7 and all(" file " in n and "/" not in n for n in reads), names
    assert leaks("\n".join(names + [log.message for log in logs])) == []
