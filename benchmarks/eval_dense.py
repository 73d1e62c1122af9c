"""A denser multi-label probe than eval_learning.py's synthetic pairs: 8 CAP topics, each passage
1-3 joined bills of different topics (30/40/30 %), so about 2 of 8 priorities are right per
passage, as in consultation paragraphs that touch several priorities. SYNTHETIC, like the pairs.

Per seed (0, 1, 2): 20 labelled bills per topic, each joined with 0-2 labelled bills of other
topics (truth: all their topics), become codebook examples; 800 passages composed from the other
bills are scored. Paths: zero-shot tagger, tagger with the examples, one-vs-rest logistic
regression on the same examples (eval_learning.run_logreg). Mean per-priority accuracy, macro F1
and labels per passage, means over seeds. Writes benchmarks/results/eval_dense.md.

    python benchmarks/eval_dense.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import eval_learning as ev  # noqa: E402

from consult.config import ConsultConfig, EmbeddingConfig  # noqa: E402
from consult.embedding.embed import EmbeddingCache, load_embedder  # noqa: E402
from consult.tagging.codebook import Codebook, load_codebook  # noqa: E402

TOPICS, TEST, K = 8, 800, 20


def scores(pred: list[set[str]], gold: list[set[str]], ids: list[str]) -> tuple[float, ...]:
    """Mean per-priority accuracy and macro F1 (%), labels per passage: eval_cap's metrics."""
    m = ev.evaluate(ids, gold, pred)
    return 100 * m["mean_topic_accuracy"], 100 * m["macro_f1"], m["labels_per_text"]


def main() -> None:
    df = ev.read_table(ev.DATA)
    texts = ["" if pd.isna(t) else str(t).strip() for t in df["text"]]
    major = df["major"].astype(str).tolist()
    full = load_codebook(ev.TAXONOMY)
    counts = pd.Series(major).value_counts()
    top = [m for m in counts.index if m != "99" and m in full.ids][:TOPICS]
    cb = Codebook(
        name="dense",
        priorities=[p for p in full.priorities if p.id in top],
        sha256=full.sha256 + "-dense",
        source=full.source,
    )
    ids = cb.ids
    cfg = ConsultConfig(embedding=EmbeddingConfig(device="cpu"))
    cache = EmbeddingCache(HERE / "results" / "cache")
    embedder = load_embedder(cfg.embedding)
    rows_by = {t: [i for i, m in enumerate(major) if m == t] for t in ids}
    runs = []
    for seed in (0, 1, 2):
        rng = np.random.default_rng(seed)
        pool = {t: list(rng.permutation(r)) for t, r in rows_by.items()}
        drawn = {t: pool[t][:K] for t in ids}
        rest = {t: pool[t][K:] for t in ids}
        test = []
        for _ in range(TEST):
            ts = rng.choice(ids, size=int(rng.choice([1, 2, 3], p=[0.3, 0.4, 0.3])), replace=False)
            parts = [rest[t][int(rng.integers(len(rest[t])))] for t in ts]
            test.append((" ".join(texts[i] for i in parts), set(ts)))
        labelled: ev.Labelled = []
        for t in ids:
            for i in drawn[t]:
                others = rng.choice(
                    [q for q in ids if q != t],
                    size=int(rng.choice([0, 1, 2], p=[0.3, 0.4, 0.3])),
                    replace=False,
                )
                parts = [i] + [drawn[q][int(rng.integers(K))] for q in others]
                labelled.append((" ".join(texts[j] for j in parts), sorted({t, *others})))
        t_texts, gold = [x[0] for x in test], [x[1] for x in test]
        x = cache.embed(t_texts, embedder)[0]
        x_lab = cache.embed([t for t, _ in labelled], embedder)[0]
        zero = ev.tag_batch(t_texts, cb, cfg, cache)
        taught = ev.tag_batch(t_texts, ev.with_examples(cb, labelled), cfg, cache)
        runs.append(
            {
                "zero-shot tagger": (
                    *scores(ev.predicted(zero), gold, ids),
                    ev.calibration(zero, gold)["ece"],
                ),
                f"tagger, {K} examples per topic": (
                    *scores(ev.predicted(taught), gold, ids),
                    ev.calibration(taught, gold)["ece"],
                ),
                f"logistic regression, same {K}": (
                    *scores(ev.run_logreg(x_lab, [p for _, p in labelled], ids, x), gold, ids),
                    float("nan"),
                ),
            }
        )
    lines = [
        "# Dense multi-label probe (SYNTHETIC: 8 CAP topics, 1-3 bills per passage)",
        "",
        "Command: `python benchmarks/eval_dense.py`; means over seeds 0-2, 800 passages each; "
        "truth: 2.0 topics per passage.",
        "",
        "| path | mean per-priority accuracy | macro F1 | labels per passage | ECE of confidence |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in runs[0]:
        a, f, n, e = (float(np.mean([r[name][j] for r in runs])) for j in range(4))
        cal = "-" if np.isnan(e) else f"{e:.3f}"
        lines.append(f"| {name} | {a:.2f} | {f:.2f} | {n:.2f} | {cal} |")
    md = "\n".join(lines) + "\n"
    (HERE / "results" / "eval_dense.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
