"""The report step's reviewer work: the validation sample kept in outputs/<round>/ across re-runs,
and the review queue built with consult.tagging.queue."""

from __future__ import annotations

import numpy as np
import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig, ReviewConfig
from consult.pipeline import reviewing
from consult.reviews import rules as reviews
from consult.reviews import store as store_io
from consult.reviews.sample import DECIDED_BEFORE, SAMPLE_COLUMNS
from consult.tagging.codebook import load_codebook
from consult.workspace import RoundPaths
from tests.support.report_fakes import FakeCodebook, make_passages, make_scores


def _config(n: int) -> ConsultConfig:
    return ConsultConfig(review=ReviewConfig(validation_sample=n))


def _decide(pids: list[str], typed: str = "P1", cb=None) -> pd.DataFrame:
    edits = pd.DataFrame(
        [
            {S.PASSAGE_ID: p, S.REVIEWER_PRIORITIES: typed, S.REVIEWER_NOTE: "", S.TEXT: "t"}
            for p in pids
        ]
    )
    store, _ = reviews.merge_reviews(None, edits, cb or FakeCodebook(), "2026-01-01")
    return store


def test_the_sample_is_drawn_on_request_kept_and_grown(tmp_path):
    paths = RoundPaths.for_round("r1", tmp_path / "raw", tmp_path / "out")
    passages = make_passages(80)
    none = reviewing.validation_sample(paths, passages, None, _config(0), "t0")
    assert none.sample is None and not reviewing.sample_path(paths).exists()

    first = reviewing.validation_sample(paths, passages, _decide(["pid0001"]), _config(20), "t1")
    path = reviewing.sample_path(paths)
    on_disk = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(on_disk.columns) == SAMPLE_COLUMNS and len(on_disk) == 20
    assert on_disk[S.PASSAGE_ID].tolist() == first.sample[S.PASSAGE_ID].tolist()
    marked = on_disk.loc[on_disk[DECIDED_BEFORE] == "yes", S.PASSAGE_ID].tolist()
    assert marked == (["pid0001"] if "pid0001" in set(on_disk[S.PASSAGE_ID]) else [])

    before = path.read_bytes()
    for n in (0, 20, 5):  # a re-run without the option, the same N, a smaller N: kept as it is
        again = reviewing.validation_sample(paths, passages, None, _config(n), "t2")
        assert again.sample[S.PASSAGE_ID].tolist() == on_disk[S.PASSAGE_ID].tolist()
        assert path.read_bytes() == before and not again.problems

    gone = on_disk[S.PASSAGE_ID].iloc[:3].tolist()
    fewer = passages[~passages[S.PASSAGE_ID].isin(gone)]
    grown = reviewing.validation_sample(paths, fewer, None, _config(30), "t3")
    assert len(grown.sample) == 33  # 17 still here + 13 new = 30 present; 3 kept, listed
    assert [p[S.PASSAGE_ID] for p in grown.problems] == gone
    assert all("not in this run" in p[S.REASON] for p in grown.problems)
    assert (
        pd.read_csv(path, dtype=str)[S.PASSAGE_ID].tolist()[:20] == on_disk[S.PASSAGE_ID].tolist()
    )
    kept = list((path.parent / "previous").glob("validation-sample-*.csv"))
    assert len(kept) == 1 and kept[0].read_bytes() == before  # the sample before it grew


def test_an_unreadable_sample_file_is_left_alone_and_named(tmp_path):
    paths = RoundPaths.for_round("r1", tmp_path / "raw", tmp_path / "out")
    path = reviewing.sample_path(paths)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe garbage")
    got = reviewing.validation_sample(paths, make_passages(20), None, _config(10), "t")
    assert got.sample is None and path.read_bytes() == b"\xff\xfe garbage"
    assert "validation-sample.csv" in got.notices[0] and "cannot be read" in got.notices[0]


def test_labelled_counts_add_examples_earlier_rounds_and_this_rounds_decisions(tmp_path):
    cb = load_codebook(None)
    other = _decide(["a", "b"], "SA4", cb)
    store_io.save_store(other, tmp_path / "round-1" / "reviews.csv")
    here = _decide(["c"], "SA4; SA1", cb)
    counts = reviewing.labelled_counts(cb, here, tmp_path, "round-2")
    examples = {p.id: len(p.examples) for p in cb.priorities}
    assert counts["SA4"] == examples["SA4"] + 3
    assert counts["SA1"] == examples["SA1"] + 1
    assert counts["SA2"] == examples["SA2"]


def test_the_queue_leaves_out_the_sample_and_decided_passages():
    cb = FakeCodebook()
    passages = reviews.apply_reviews(make_passages(60), _decide(["pid0003", "pid0004"]))
    scores = make_scores(passages, cb)
    rng = np.random.default_rng(0)
    embeddings = rng.normal(size=(len(passages), 8)).astype(np.float32)
    sample = pd.DataFrame({c: [""] * 2 for c in SAMPLE_COLUMNS})
    sample[S.PASSAGE_ID] = ["pid0000", "pid0001"]
    queue = reviewing.review_queue(passages, scores, embeddings, {"P1": 3}, 10, sample)
    assert len(queue) == 10 and queue[S.PASSAGE_ID].is_unique
    assert not set(queue[S.PASSAGE_ID]) & {"pid0000", "pid0001", "pid0003", "pid0004"}
    facilitators = set(passages.loc[~passages[S.IS_STAKEHOLDER_INPUT], S.PASSAGE_ID])
    assert not set(queue[S.PASSAGE_ID]) & facilitators
    assert queue["rank"].tolist() == list(range(1, 11))
    assert reviewing.review_queue(passages, scores, embeddings, {}, 0, None) is None
