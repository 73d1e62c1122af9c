"""CAP benchmark: tag 4,449 hand-coded US bill texts with the CAP major topics, as `consult tag` does.

Runs the real path (`consult.tagging.table.read_table` + `tag_table`, the code behind `consult tag`)
with default settings, zero-shot (label + one-sentence description) and with keywords, and reports
per-topic precision / recall / accuracy, micro and macro F1, and the mean per-topic binary accuracy
("does this text address topic X"), the held-out metric. A plain-cosine baseline (best topic by
cosine to "label. description", always assigned) is reported for scale. Code 99 ("Other") counts
as "no topic".

    python benchmarks/eval_cap.py [--data PATH] [--out benchmarks/results] [--cache DIR]

Writes `cap_results.json` and `cap_results.md` under --out. The theme/NMI part is a hook:
It also reports the agreement (NMI/ARI) of the themes the round flow finds with the CAP topics.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np

from consult import schema
from consult.config import ConsultConfig, EmbeddingConfig
from consult.embedding.embed import EmbeddingCache, load_embedder
from consult.tagging.codebook import load_codebook
from consult.tagging.table import read_table, tag_table
from consult.tagging.tag import tag_passages

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "cap-us-congress" / "USCongress.csv.gz"
TAXONOMIES = {
    "zero-shot": HERE / "cap_taxonomy.yaml",
    "keywords": HERE / "cap_taxonomy_keywords.yaml",
}
log = logging.getLogger("eval_cap")


def evaluate(ids: list[str], gold: list[set[str]], pred: list[set[str]]) -> dict:
    """Per-topic P/R/accuracy/F1, micro/macro F1 and the mean per-topic binary accuracy."""
    per, tp_all, fp_all, fn_all = {}, 0, 0, 0
    for k in ids:
        y = np.array([k in g for g in gold])
        yh = np.array([k in p for p in pred])
        tp, fp, fn = int((y & yh).sum()), int((~y & yh).sum()), int((y & ~yh).sum())
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per[k] = {
            "support": int(y.sum()),
            "predicted": int(yh.sum()),
            "precision": prec,
            "recall": rec,
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
            "accuracy": float((y == yh).mean()),
        }
    micro_p = tp_all / (tp_all + fp_all) if tp_all + fp_all else 0.0
    micro_r = tp_all / (tp_all + fn_all) if tp_all + fn_all else 0.0
    return {
        "mean_topic_accuracy": float(np.mean([v["accuracy"] for v in per.values()])),
        "macro_f1": float(np.mean([v["f1"] for v in per.values()])),
        "micro_f1": 2 * tp_all / (2 * tp_all + fp_all + fn_all) if tp_all else 0.0,
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "top_correct": float(np.mean([bool(p) and bool(p & g) for p, g in zip(pred, gold)])),
        "labels_per_text": float(np.mean([len(p) for p in pred])),
        "per_topic": per,
    }


def plain_cosine(texts_vecs: np.ndarray, codebook, embedder, cache) -> list[set[str]]:
    """Baseline: the topic whose 'label. description' is most cosine-similar, always assigned."""
    docs = [f"{p.label}. {p.description}" for p in codebook.priorities]
    pv, _ = cache.embed(docs, embedder)
    best = (texts_vecs @ pv.T).argmax(axis=1)
    return [{codebook.ids[b]} for b in best]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--cache", type=Path, default=HERE / "results" / "cache")
    ap.add_argument("--limit", type=int, default=0, help="first N rows only (smoke test)")
    ap.add_argument(
        "--no-themes",
        action="store_true",
        help="skip the theme agreement (NMI/ARI with the CAP topics)",
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    df = read_table(args.data)
    if args.limit:
        df = df.head(args.limit)
    gold = [set() if m == "99" else {str(m)} for m in df["major"].astype(str)]
    cfg = ConsultConfig(embedding=EmbeddingConfig(device="cpu"))
    embedder = load_embedder(cfg.embedding)
    cache = EmbeddingCache(args.cache)
    texts = df["text"].astype(str).str.strip().tolist()
    t0 = time.perf_counter()
    vecs, computed = cache.embed(texts, embedder)
    embed_s = time.perf_counter() - t0
    results: dict = {
        "data": str(args.data),
        "n_texts": len(df),
        "model": embedder.name,
        "embedding_seconds": round(embed_s, 2),
        "embedded_new": computed,
        "settings": cfg.tagging.model_dump(),
        "runs": {},
    }
    for name, path in TAXONOMIES.items():
        cb = load_codebook(path)
        t0 = time.perf_counter()
        table, _ = tag_table(df, "text", "ID", cb, cfg, cache)
        wall = time.perf_counter() - t0
        pred = [set(s.split(";")) - {""} for s in table[schema.PRIORITIES]]
        res = evaluate(cb.ids, gold, pred)
        res["tag_table_seconds"] = round(wall, 3)
        res["status_counts"] = table["status"].value_counts().to_dict()
        if name == "zero-shot":
            res["plain_cosine"] = {
                k: v
                for k, v in evaluate(cb.ids, gold, plain_cosine(vecs, cb, embedder, cache)).items()
                if k != "per_topic"
            }
        results["runs"][name] = res
        log.info(
            "%s: mean topic accuracy %.2f, macro F1 %.2f, micro F1 %.2f",
            name,
            100 * res["mean_topic_accuracy"],
            100 * res["macro_f1"],
            100 * res["micro_f1"],
        )
    # speed of tagging alone (embeddings given, codebook already embedded and cached)
    cb = load_codebook(TAXONOMIES["keywords"])
    tag_passages(texts[:10], vecs[:10], cb, embedder, cfg.tagging, cache=cache)  # warm-up
    t0 = time.perf_counter()
    tag_passages(texts, vecs, cb, embedder, cfg.tagging, cache=cache)
    dt = time.perf_counter() - t0
    results["tagging_passages_per_second"] = round(len(texts) / dt, 1)
    if not args.no_themes:
        results["themes"] = _themes_hook(texts, vecs, df)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cap_results.json").write_text(json.dumps(results, indent=2, default=str))
    (args.out / "cap_results.md").write_text(_markdown(results))
    print(_markdown(results))
    return 0


def _themes_hook(texts, vecs, df) -> dict:
    """NMI/ARI of the themes the round flow would find (default TopicsConfig) vs CAP topics.

    benchmarks/eval_themes.py compares more settings and plain BERTopic.
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from consult.config import TopicsConfig
    from consult.themes.topics import discover_themes

    res = discover_themes(list(texts), np.asarray(vecs), None, None, TopicsConfig())
    themes = res.assignments[schema.THEME_ID].tolist()
    labels = df["major"].astype(str).tolist()
    return {
        "nmi": round(float(normalized_mutual_info_score(labels, themes)), 4),
        "ari": round(float(adjusted_rand_score(labels, themes)), 4),
        "n_themes": int(len(res.themes)),
    }


def _markdown(r: dict) -> str:
    lines = [
        f"# CAP benchmark ({r['n_texts']} texts, model {r['model']})",
        "",
        "| run | mean per-topic accuracy | macro F1 | micro F1 | top correct | labels/text |",
        "|---|---|---|---|---|---|",
    ]
    rows = [(n, v) for n, v in r["runs"].items()]
    if "plain_cosine" in r["runs"].get("zero-shot", {}):
        rows.append(("plain cosine (baseline)", r["runs"]["zero-shot"]["plain_cosine"]))
    for n, v in rows:
        lines.append(
            f"| {n} | {100 * v['mean_topic_accuracy']:.2f} | {100 * v['macro_f1']:.2f} | "
            f"{100 * v['micro_f1']:.2f} | {100 * v['top_correct']:.2f} | "
            f"{v['labels_per_text']:.2f} |"
        )
    lines += [
        "",
        f"Tagging speed after embeddings: {r['tagging_passages_per_second']} passages/s.",
        "",
    ]
    for n, v in r["runs"].items():
        lines += [
            f"## Per topic: {n}",
            "",
            "| topic | support | predicted | precision | recall | F1 | accuracy |",
            "|---|---|---|---|---|---|---|",
        ]
        for k, t in v["per_topic"].items():
            lines.append(
                f"| {k} | {t['support']} | {t['predicted']} | {100 * t['precision']:.1f} | "
                f"{100 * t['recall']:.1f} | {100 * t['f1']:.1f} | {100 * t['accuracy']:.1f} |"
            )
        lines.append("")
    if "themes" in r:
        lines += ["## Themes", "", json.dumps(r["themes"]), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
