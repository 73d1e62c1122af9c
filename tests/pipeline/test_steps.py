"""The flow's glue: reviewer decisions of earlier rounds feed the tagger of later ones."""

from __future__ import annotations

import pandas as pd

from consult import schema as S
from consult.config import ConsultConfig, EmbeddingConfig
from consult.pipeline import analyse, ingest, report
from consult.reviews import rules as reviews
from consult.reviews import store as store_io
from consult.tagging.codebook import load_codebook


def _store(tmp_path, round_name: str, text: str, typed: str):
    edits = pd.DataFrame(
        [
            {
                S.PASSAGE_ID: "p1",
                S.REVIEWER_PRIORITIES: typed,
                S.REVIEWER_NOTE: "",
                S.TEXT: text,
                S.PRIORITIES: "",
            }
        ]
    )
    store, problems = reviews.merge_reviews(None, edits, load_codebook(None), "2026-01-01")
    assert problems.empty
    store_io.save_store(store, tmp_path / round_name / "reviews.csv")


def test_confirmed_decisions_of_other_rounds_become_examples(tmp_path):
    _store(tmp_path, "round-1", "Customs single window for all ports", "SA4")
    _store(tmp_path, "round-2", "Scholarships for students", "SA6")
    got = analyse.labelled_from_other_rounds(tmp_path, "round-2")
    assert got[S.TEXT].tolist() == ["Customs single window for all ports"]
    assert got[S.PRIORITIES].tolist() == ["SA4"]
    assert analyse.labelled_from_other_rounds(tmp_path / "none", "round-2") is None


def test_tag_step_uses_examples_and_caches(tmp_path):
    _store(tmp_path, "round-1", "Customs single window for all ports", "SA4")
    cfg = ConsultConfig(embedding=EmbeddingConfig(model="hashing-64"))
    passages = pd.DataFrame(
        {S.TEXT: ["Customs single window for all ports please", "More scholarships for students"]}
    )
    from consult.embedding.embed import HashingEmbedder

    emb = HashingEmbedder(64).encode(passages[S.TEXT].tolist())
    first = analyse.tag(passages, emb, cfg, tmp_path, "round-2")
    assert first.n_labelled == 1
    assert list((tmp_path / "round-2" / ".cache" / "tags").glob("*.pkl"))
    again = analyse.tag(passages, emb, cfg, tmp_path, "round-2")
    pd.testing.assert_frame_equal(first.tags, again.tags)


def test_run_info_never_repeats_the_names_listed_for_redaction():
    cfg = ConsultConfig()
    cfg.privacy.extra_names = ["Siti Rahmawati", "Nguyen Van Binh"]
    shown = report._shown_config(cfg)
    assert "Siti" not in shown and "Binh" not in shown and "2 names" in shown


def test_languages_detected_once_for_the_same_passages(tmp_path, monkeypatch):
    calls = []

    def fake(texts, priors=None, groups=None):
        calls.append(list(texts))
        return ["th"] * len(texts)

    monkeypatch.setattr(ingest, "detect_languages", fake)
    detect = ingest.remembered_detection(tmp_path / "languages")
    assert detect(["ถนน", "รถไฟ"], priors=[None, "th"], groups=["a", "a"]) == ["th", "th"]
    assert detect(["ถนน", "รถไฟ"], priors=[None, "th"], groups=["a", "a"]) == ["th", "th"]
    assert len(calls) == 1
    detect(["ถนน"], priors=[None], groups=["a"])
    assert len(calls) == 2
