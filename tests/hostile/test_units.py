"""Every cue, row and paragraph is counted: units = passages + rejected for every file, and a
unit no stage accounts for becomes a rejected row, never a silent loss (issue 11)."""

from __future__ import annotations

import re

import pandas as pd

from consult import schema as S  # noqa: E402
from consult.config import ConsultConfig  # noqa: E402
from consult.ingest.base import ReadContext, ReadResult  # noqa: E402
from consult.ingest.guard import read_guarded, reconcile_units  # noqa: E402
from consult.ingest.prepare import prepare_round  # noqa: E402
from consult.ingest.round import ingest_round  # noqa: E402
from consult.ingest.transcripts import read_transcript  # noqa: E402
from consult.schema import RawFile  # noqa: E402
from tests.support import hostile_files as H  # noqa: E402


def _cue_numbers(location: str) -> list[int]:
    m = re.search(r"cues (\d+)-(\d+)", location)
    if m:
        return list(range(int(m.group(1)), int(m.group(2)) + 1))
    m = re.search(r"cue (\d+)", location)
    return [int(m.group(1))] if m else []


def test_every_vtt_cue_is_in_one_turn_or_rejected():
    data, counts = H.vtt_with_malformed_cues(3_500)
    ing = ingest_round([RawFile("transcripts/t.vtt", data, "")], "r1")
    passages, rejected, files = prepare_round(
        ing.passages, ing.rejected, ing.files, ConsultConfig()
    )
    row = files.iloc[0]
    assert row[S.FILE_STATUS] == "read"
    assert row[S.UNITS] == row[S.N_PASSAGES] + row[S.N_REJECTED] == len(passages) + len(rejected)
    reasons = rejected[S.REASON]
    assert (
        reasons.str.startswith("no timing line").sum() == counts["no_timing"] + counts["split_text"]
    )
    assert (
        reasons.str.startswith("malformed timing line").sum()
        == counts["bad_arrow"] + counts["bad_time"]
    )
    assert (reasons == "empty").sum() == counts["empty"]
    assert not passages[S.TEXT].str.contains("-->|->").any()  # no timing line read as text
    text = " ".join(passages[S.TEXT])
    assert all(f"point {i} about" in text for i in range(4, 3_500, 7))  # glued cues kept
    # the reader's own locations (before redaction) cover every cue of the file
    res = read_guarded(
        read_transcript, RawFile("transcripts/t.vtt", data, "x"), ReadContext("r1", ConsultConfig())
    )
    in_turns = {c for p in res.passages for c in _cue_numbers(p[S.LOCATION])}  # ranges
    bad = [c for r in res.rejected for c in _cue_numbers(r[S.LOCATION])]
    assert len(bad) == len(set(bad)) == len(rejected)
    assert in_turns | set(bad) == set(range(1, counts["cues"] + 1))  # no cue unaccounted


def test_srt_cue_without_blank_line_or_timing_is_counted():
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nJane Tan: Ports first.\n"
        "2\n00:00:03,000 --> 00:00:04,000\nOmar Ali: Rail next.\n\n"
        "3\nOmar Ali: this cue lost its timing.\n\n"
        "4\n00:00:07,000 -> 00:00:08,000\nJane Tan: arrow typo.\n\n"
        "5\n00:00:09,000 --> 00:00:10,000\nJane Tan: Thank you.\n"
    )
    ing = ingest_round([RawFile("transcripts/t.srt", srt.encode(), "")], "r1")
    assert [p for p in ing.passages[S.TEXT]] == ["Ports first.", "Rail next.", "Thank you."]
    assert list(ing.rejected[S.LOCATION]) == ["cue 3, line 8", "cue 4, line 11"]
    assert ing.rejected[S.REASON].iloc[0].startswith("no timing line ('3 ")
    assert "Omar" not in ing.rejected[S.REASON].iloc[0]  # the quoted text is redacted too
    assert ing.rejected[S.REASON].iloc[1].startswith("malformed timing line ('00:00:07,000 ->")
    assert ing.files.iloc[0][S.UNITS] == 5


def test_caption_file_with_only_broken_cues_is_rejected_whole():
    ing = ingest_round([RawFile("transcripts/t.vtt", b"WEBVTT\n\n1\nhello there\n", "")], "r1")
    assert ing.files.iloc[0][S.FILE_STATUS] == "rejected"
    assert "no caption cues" in ing.files.iloc[0][S.REASON]


def test_unit_lost_by_a_later_stage_becomes_a_rejected_row():
    csv = (
        "Timestamp,Country,What should ASEAN prioritise next?\n"
        "2024-01-01,PH,Ferries between the islands please\n"
        "2024-01-02,VN,Better digital payments for small shops\n"
    )
    ing = ingest_round([RawFile("surveys/s.csv", csv.encode(), "")], "r1")
    dropped = ing.passages.iloc[1:]  # a buggy stage loses one passage
    passages, rejected, files = prepare_round(dropped, ing.rejected, ing.files, ConsultConfig())
    row = files.iloc[0]
    assert (row[S.UNITS], row[S.N_PASSAGES], row[S.N_REJECTED]) == (2, 1, 1)
    lost = rejected[rejected[S.STAGE] == "account"]
    assert len(lost) == 1 and "lost by a later stage" in lost[S.REASON].iloc[0]


def test_rows_outnumbering_units_are_flagged_on_the_file():
    csv = "Country,Any comments on the plan?\nPH,Keep the ferries running on time\n"
    ing = ingest_round([RawFile("surveys/s.csv", csv.encode(), "")], "r1")
    twice = pd.concat([ing.passages, ing.passages], ignore_index=True)
    _, _, files = prepare_round(twice, ing.rejected, ing.files, ConsultConfig())
    row = files.iloc[0]
    assert row[S.UNITS] == row[S.N_PASSAGES] + row[S.N_REJECTED] == 2
    assert "accounting: 1 more passages" in row[S.REASON]


def test_reader_that_drops_units_gets_rejected_rows():
    res = ReadResult(passages=[{S.TEXT: "a", S.LOCATION: "row 2"}], found=3)
    reconcile_units(res, "surveys/x.csv")
    assert res.units == res.found == 3
    assert [r[S.LOCATION] for r in res.rejected] == [
        "unit not accounted for (1 of 2)",
        "unit not accounted for (2 of 2)",
    ]
