"""Themes on substance: QMSum meetings read as consult reads a transcript, and the procedural-turn
detector on labelled turns and on procedural phrases in the region's languages.

Used by eval_themes.py. Works with the code before procedural turns were set aside (run with
`--src` pointing at an older tree): whatever that code does not have is reported as "-".

- QMSum as read: each meeting becomes a "Speaker: text" .txt transcript that goes through
  `consult.ingest` (speakers become "Participant 3", chairs are facilitators and not fitted on),
  then `discover_themes` as the pipeline calls it. NMI/ARI against the human topic segments over
  the passages inside a segment; "pseudonym/role keywords" counts themes whose keywords hold one
  of CHECK_WORDS.
- Detection: `qmsum_procedural_sample.csv` holds 150 QMSum turns (as read; 100 drawn from turns
  of at most 20 words, 50 from longer ones, seed 15) labelled by hand: P when the turn says
  nothing about a topic by itself (courtesy, giving the floor, time, technology, "Okay",
  follow-ups such as "How many?"), else S. `tests/fixtures/procedural-multilingual.tsv` holds
  procedural phrases in the ASEAN languages and `tests/fixtures/topics-multilingual.tsv` short
  substantive answers in several of them.
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(__file__).resolve().parent / "qmsum_procedural_sample.csv"
FIXTURES = ROOT / "tests" / "fixtures"
# Words a theme keyword must never be (benchmark-side check, so older code is measured the same).
CHECK_WORDS = {"participant", "facilitator", "respondent", "chair", "moderator", "name"}

log = logging.getLogger("eval_themes")


# Passages with more content words than this are never set aside as procedural: NMI over them
# compares the themes themselves, whatever happens to the short turns.
LONG = 6


def _content(texts: list[str]) -> np.ndarray:
    """Content words per passage, counted the same way by old and new code (no scrubbing)."""
    from consult.text.words import keyword_docs

    return np.array([len(set(d.split())) for d in keyword_docs(texts)])


def read_meetings(meetings: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """Each meeting through consult's ingest: passages with `turn` (index into the meeting)
    and `topic` (the human segment, -1 outside any)."""
    from consult.ingest.round import ingest_round
    from consult.schema import RawFile

    files = []
    for i, m in enumerate(meetings):
        lines = [f"{sp}: {' '.join(str(t).split())}" for sp, t in zip(m["speaker"], m["text"])]
        files.append(RawFile(f"transcripts/meeting-{i + 1}.txt", "\n".join(lines).encode()))
    passages = ingest_round(files, "qmsum").passages
    out = []
    for i, m in enumerate(meetings):
        p = passages[passages["source_file"] == f"transcripts/meeting-{i + 1}.txt"].copy()
        line = p["location"].str.extract(r"line (\d+)")[0].astype(int)
        p["turn"] = line - 1
        p["topic"] = m["topic"].to_numpy()[p["turn"].to_numpy()]
        out.append(p.reset_index(drop=True))
    return out


def has_procedural() -> bool:
    from consult.themes.topics import discover_themes

    return "procedural_examples" in inspect.signature(discover_themes).parameters


def example_vectors(embed_fn) -> np.ndarray | None:
    """The procedural examples embedded like the passages (None for code without them)."""
    if not has_procedural():
        return None
    from consult.themes.procedural import EXAMPLES

    return embed_fn(list(EXAMPLES))


def themes_of(texts, X, mask, examples, **cfg) -> Any:
    from consult.config import TopicsConfig
    from consult.themes.topics import discover_themes

    kw = {"fit_mask": mask, "languages": ["en"] * len(texts)}
    if examples is not None:
        kw["procedural_examples"] = examples
    return discover_themes(texts, X, None, None, TopicsConfig(**cfg), **kw)


def polluted(themes: pd.DataFrame) -> int:
    """Themes with a pseudonym, role or placeholder word among their keywords or label."""
    n = 0
    for kws, label in zip(themes["keywords"], themes["theme_label"]):
        words = {w for k in str(kws).split(", ") for w in k.split()}
        words |= {w.strip(",").lower() for w in str(label).split()}
        n += bool(words & CHECK_WORDS)
    return n


def qmsum_read_rows(read: list[pd.DataFrame], embed_fn, scores_fn, **cfg) -> dict:
    """NMI/ARI per meeting (mean), procedural counts and keyword checks, for the code on the path."""
    examples = example_vectors(embed_fn)
    per, counts = [], {"passages": 0, "procedural": 0, "placed": 0, "facilitator": 0}
    labels, dirty, n_themes = [], 0, 0
    for p in read:
        texts = p["text"].astype(str).tolist()
        mask = p["is_stakeholder_input"].astype(bool).to_numpy()
        res = themes_of(texts, embed_fn(texts), mask, examples, **cfg)
        pred = res.assignments["theme_id"].to_numpy()
        keep = p["topic"].to_numpy() >= 0
        per.append(scores_fn(p["topic"].to_numpy()[keep], pred[keep]))
        long = keep & (_content(texts) > LONG)
        per[-1]["nmi_long"] = scores_fn(p["topic"].to_numpy()[long], pred[long])["nmi"]
        counts["passages"] += len(p)
        counts["procedural"] += int(res.info.get("procedural", 0))
        counts["placed"] += int(res.info.get("procedural_placed", 0))
        flagged = pred == -2
        counts["facilitator"] += int((flagged & ~mask).sum())
        dirty += polluted(res.themes)
        n_themes += len(res.themes)
        labels.append(res.themes["theme_label"].tolist())
    return {
        "nmi": round(float(np.mean([x["nmi"] for x in per])), 4),
        "ari": round(float(np.mean([x["ari"] for x in per])), 4),
        "nmi_long": round(float(np.mean([x["nmi_long"] for x in per])), 4),
        "themes": round(float(np.mean([x["themes"] for x in per])), 1),
        "unplaced": round(float(np.mean([x["unplaced"] for x in per])), 4),
        "polluted_themes": f"{dirty} of {n_themes}",
        "counts": counts,
        "labels_meeting_1": labels[0] if labels else [],
    }


def _flags(texts: list[str], langs: list[str], X: np.ndarray, examples: np.ndarray) -> np.ndarray:
    from consult.config import TopicsConfig
    from consult.text.words import keyword_docs
    from consult.themes.topics import _procedural
    from consult.themes.vocabulary import scrub

    docs = keyword_docs(scrub(texts), True, langs)
    return _procedural(texts, docs, X, examples, TopicsConfig())[0]


def detection_rows(read: list[pd.DataFrame], embed_fn, routed_fn) -> list[dict]:
    """Precision/recall of the detector on the labelled QMSum sample, recall on the
    multilingual procedural phrases, false alarms on short multilingual answers."""
    if not has_procedural():
        return []
    examples = example_vectors(embed_fn)
    rows = []
    if SAMPLE.is_file():
        lab = pd.read_csv(SAMPLE)
        by_key = {(i, int(t)): r for i, p in enumerate(read) for t, r in zip(p["turn"], p.index)}
        texts = [
            str(read[m]["text"].iloc[by_key[(m, t)]]) for m, t in zip(lab["meeting"], lab["turn"])
        ]
        flags = _flags(texts, ["en"] * len(texts), embed_fn(texts), examples)
        truth = (lab["label"] == "P").to_numpy()
        tp = int((flags & truth).sum())
        rows.append(
            {
                "set": f"QMSum turns labelled by hand ({len(lab)}: {int(truth.sum())} P)",
                "precision": round(tp / max(1, int(flags.sum())), 3),
                "recall": round(tp / max(1, int(truth.sum())), 3),
                "flagged": int(flags.sum()),
            }
        )
    proc = pd.read_csv(FIXTURES / "procedural-multilingual.tsv", sep="\t")
    sub = pd.read_csv(FIXTURES / "topics-multilingual.tsv", sep="\t")
    for name, df, want in (("procedural phrases", proc, True), ("short answers", sub, False)):
        texts, langs = df["text"].tolist(), df["language"].tolist()
        flags = _flags(texts, langs, routed_fn(texts, langs), examples)
        by_lang = df.assign(f=flags).groupby("language")["f"].mean().round(2).to_dict()
        rows.append(
            {
                "set": f"{name}, {df['language'].nunique()} languages ({len(df)})",
                "flagged": int(flags.sum()),
                "share flagged": round(float(flags.mean()), 3),
                "by language": ", ".join(f"{k} {v:g}" for k, v in sorted(by_lang.items())),
                "want": "all" if want else "none",
            }
        )
    return rows
