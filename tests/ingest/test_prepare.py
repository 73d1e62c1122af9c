"""prepare: language, word counts, stakeholder flag, non-answers, and the accounting after it."""

from __future__ import annotations

import pandas as pd
import pytest

from consult import schema as S
from consult.config import ConsultConfig
from consult.ingest.prepare import account, detect_language, prepare_passages
from consult.ingest.round import ingest_round
from consult.schema import RawFile


@pytest.mark.parametrize(
    "text,lang",
    [
        ("We need better roads and ports so that the region can trade with each other.", "en"),
        pytest.param(
            "Kami berharap pemerintah dapat meningkatkan konektivitas digital di daerah terpencil.",
            "id",
            marks=pytest.mark.slow,
        ),  # id and ms load lingua
        pytest.param(
            "Kerajaan perlu menambah baik sistem pengangkutan awam kerana ia sangat penting.",
            "ms",
            marks=pytest.mark.slow,
        ),
        ("Chúng tôi cần cải thiện hạ tầng giao thông giữa các nước ASEAN.", "vi"),
        ("เราต้องการการเชื่อมต่อทางรถไฟที่ดีขึ้นในภูมิภาค", "th"),
        ("ok", "und"),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def _passages(texts, roles=None, kind="transcript"):
    rows = []
    for i, t in enumerate(texts):
        rows.append(
            {c: None for c in S.PASSAGE_COLUMNS}
            | {
                S.PASSAGE_ID: f"p{i}",
                S.ROUND: "r1",
                S.SOURCE_KIND: kind,
                S.SOURCE_FILE: "transcripts/a.vtt",
                S.LOCATION: f"turn {i + 1}",
                S.TEXT: t,
                S.SPEAKER_ROLE: (roles or ["participant"] * len(texts))[i],
            }
        )
    return pd.DataFrame(rows, columns=S.PASSAGE_COLUMNS)


def test_prepare_rejects_non_answers_and_fills_fields():
    df = _passages(
        [
            "  We want cheaper data roaming across borders.  ",
            "No comment.",
            "   ",
            "Thank you all for coming, let us begin the session now.",
        ],
        ["participant", "participant", "participant", "facilitator"],
        kind="survey",
    )
    res = prepare_passages(df, ConsultConfig())
    t = res.table
    assert list(t.columns) == S.PASSAGE_COLUMNS
    assert list(t[S.TEXT]) == [
        "We want cheaper data roaming across borders.",
        "Thank you all for coming, let us begin the session now.",
    ]
    assert list(t[S.N_WORDS]) == [7, 11]
    assert list(t[S.IS_STAKEHOLDER_INPUT]) == [True, False]
    assert set(t[S.LANGUAGE]) == {"en"}
    assert list(res.rejected[S.STAGE]) == ["prepare", "prepare"]
    assert res.rejected[S.REASON].str.startswith(("non-answer", "empty")).all()
    cfg = ConsultConfig.model_validate({"transcripts": {"count_facilitators": True}})
    assert prepare_passages(df, cfg).table[S.IS_STAKEHOLDER_INPUT].all()


def test_short_conversation_turns_are_kept_but_empty_ones_rejected():
    df = _passages(["No.", "OK", "Yes.", "...", "  "])
    res = prepare_passages(df, ConsultConfig())
    assert list(res.table[S.TEXT]) == ["No.", "OK", "Yes."]
    assert list(res.rejected[S.REASON]) == ["no words ('...')", "empty"]
    survey = prepare_passages(_passages(["No.", "OK", "Yes."], kind="survey"), ConsultConfig())
    assert list(survey.table[S.TEXT]) == ["Yes."]


def test_account_keeps_units_equal_passages_plus_rejected():
    csv = (
        "Timestamp,Country,What should ASEAN prioritise next?\n"
        "2024-01-01,PH,Ferries between the islands please\n"
        "2024-01-02,VN,Better digital payments for small shops\n"
    )
    data = csv.encode()
    ing = ingest_round([RawFile("surveys/s.csv", data, "")], "r1")
    # another stage drops one passage, as prepare would
    passages = ing.passages.iloc[1:]
    rejected = pd.concat(
        [
            ing.rejected,
            pd.DataFrame(
                [
                    {
                        S.ROUND: "r1",
                        S.SOURCE_KIND: "survey",
                        S.SOURCE_FILE: "surveys/s.csv",
                        S.LOCATION: ing.passages.iloc[0][S.LOCATION],
                        S.REASON: "x",
                        S.STAGE: "prepare",
                    }
                ]
            ),
        ]
    )
    files = account(ing.files, rejected, passages)
    row = files.iloc[0]
    assert (row[S.UNITS], row[S.N_PASSAGES], row[S.N_REJECTED]) == (2, 1, 1)
    assert list(files.columns) == S.FILE_COLUMNS


def test_prepare_on_ingested_round_is_consistent():
    data = (
        b"Country,Any comments?\nPH,Keep the ferries running on time every day\n"
        b"VN,Keep the ferries running on time every day\nTH,\n"
    )
    ing = ingest_round([RawFile("surveys/s.csv", data, "")], "r1")
    res = prepare_passages(ing.passages, ConsultConfig())
    files = account(ing.files, pd.concat([ing.rejected, res.rejected]), res.table)
    assert (files[S.UNITS] == files[S.N_PASSAGES] + files[S.N_REJECTED]).all()
    assert res.table[S.DUPLICATE_OF].notna().sum() == 1


def test_prepare_detects_every_passage_with_stated_and_file_priors():
    texts = [
        "Cross-border trucks wait too long at customs, so we need a single window.",
        "รถบรรทุกข้ามแดนต้องรอที่ด่านศุลกากรนานเกินไป",  # Thai, though the manifest says en
        "Yes",  # too short: the file's dominant language
        "Không có ý kiến gì thêm về kế hoạch",
        "OK",
    ]  # too short, stated Vietnamese
    df = _passages(texts)
    df[S.LANGUAGE] = ["en", "en", None, "Vietnamese", "Tiếng Việt"]
    before = df.copy()
    t = prepare_passages(df, ConsultConfig()).table
    assert list(t[S.LANGUAGE]) == ["en", "th", "en", "vi", "vi"]
    pd.testing.assert_frame_equal(df, before)  # pure: the input is left as it was


def test_check_reports_languages_per_file_from_prepare():
    from consult.ingest.check import format_check_report
    from consult.ingest.prepare import prepare_round

    data = (
        "Country,Any comments?\nPH,Keep the ferries running on time every day of the week\n"
        "VN,Chúng tôi cần thêm tuyến tàu hỏa nối các cảng biển\n"
        "TH,อยากให้มีรถไฟเชื่อมไทยกับลาวเร็วขึ้น\n"
    ).encode()
    ing = ingest_round([RawFile("surveys/s.csv", data, "")], "r1")
    ing.passages, ing.rejected, ing.files = prepare_round(
        ing.passages, ing.rejected, ing.files, ConsultConfig()
    )
    text = format_check_report(ing)
    assert "\nlanguages: en 1, vi 1, th 1\n" in text  # the round
    assert "  languages: en 1, vi 1, th 1\n" in text  # the file
