"""Review queue benchmark: does reviewing a queue's first N passages teach the tagger more than
reviewing N random ones? (Issue 13; the queue is `consult.tagging.queue`.)

Per seed, on CAP (`../shared/data/cap-us-congress`, codebook `benchmarks/cap_taxonomy.yaml`):
a "round" of 1,000 bills is tagged zero-shot; a reviewer confirms N of them, either the first N of
`consult.tagging.queue.review_order` or N drawn at random (3 draws); the confirmed bills (their
CAP topic; a bill with no topic is a "none" decision and teaches nothing) become reviewer decisions
of an earlier round (`labelled=`), and the tagger is scored on the other 3,449 bills (macro F1).

    python benchmarks/eval_queue.py [--seeds 0 1 2] [--ns 50 100 200] [--out benchmarks/results]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from eval_cap import DATA, evaluate  # noqa: E402
from eval_learning import reviews_frame, run_tagger  # noqa: E402

from consult.config import ConsultConfig, EmbeddingConfig  # noqa: E402
from consult.embedding.embed import EmbeddingCache, load_embedder  # noqa: E402
from consult.tagging.codebook import load_codebook  # noqa: E402
from consult.tagging.queue import review_order  # noqa: E402
from consult.tagging.table import read_table  # noqa: E402
from consult.tagging.tag import tag_passages  # noqa: E402

log = logging.getLogger("eval_queue")
ROUND = 1000


def reviewed(rows: list[int], texts: list[str], gold: list[set[str]]) -> pd.DataFrame:
    """The decisions a reviewer would store for `rows` (bills with a topic only)."""
    drawn: dict[str, list[int]] = {}
    for i in rows:
        for pid in sorted(gold[i]):
            drawn.setdefault(pid, []).append(i)
    return reviews_frame(drawn, texts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--ns", type=int, nargs="+", default=[50, 100, 200])
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--cache", type=Path, default=HERE / "results" / "cache")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    t_start = time.perf_counter()
    df = read_table(DATA)
    gold = [set() if m == "99" else {str(m)} for m in df["major"].astype(str)]
    texts = df["text"].astype(str).str.strip().tolist()
    cfg = ConsultConfig(embedding=EmbeddingConfig(device="cpu"))
    embedder = load_embedder(cfg.embedding)
    cache = EmbeddingCache(args.cache)
    vecs = cache.embed(texts, embedder)[0]
    codebook = load_codebook(HERE / "cap_taxonomy.yaml")
    rows: list[dict] = []
    for seed in args.seeds:
        order = np.random.default_rng(seed).permutation(len(texts))
        pool, test = order[:ROUND].tolist(), order[ROUND:].tolist()
        t_texts, t_gold = [texts[i] for i in test], [gold[i] for i in test]
        zero = evaluate(codebook.ids, t_gold, run_tagger(t_texts, codebook, cfg, cache))
        res = tag_passages([texts[i] for i in pool], vecs[pool], codebook, embedder, cfg.tagging)
        ranked = [pool[k] for k in review_order(res.tags, res.scores, vecs[pool], max(args.ns))]
        for n in args.ns:
            got = {"seed": seed, "n": n, "zero_shot": zero["macro_f1"]}
            lab = reviewed(ranked[:n], texts, gold)
            got["queue"] = evaluate(
                codebook.ids, t_gold, run_tagger(t_texts, codebook, cfg, cache, labelled=lab)
            )["macro_f1"]
            rand = []
            for r in range(3):
                pick = np.random.default_rng(1000 * seed + r).choice(pool, n, replace=False)
                lab = reviewed(pick.tolist(), texts, gold)
                rand.append(
                    evaluate(
                        codebook.ids,
                        t_gold,
                        run_tagger(t_texts, codebook, cfg, cache, labelled=lab),
                    )["macro_f1"]
                )
            got["random"] = float(np.mean(rand))
            rows.append(got)
            log.info(
                "seed %d N=%d: queue %.2f random %.2f (zero-shot %.2f)",
                seed,
                n,
                100 * got["queue"],
                100 * got["random"],
                100 * got["zero_shot"],
            )
    out = {
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "seconds": round(time.perf_counter() - t_start, 1),
        "rows": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval_queue.json").write_text(json.dumps(out, indent=2))
    lines = [
        f"# Review queue vs random reviewing (CAP, macro F1 %; `{out['command']}`)",
        "",
        f"Run time {out['seconds']:.0f} s. Mean over seeds {args.seeds}; random = mean of 3 draws.",
        "",
        "| N reviewed | zero-shot | random N | queue's first N |",
        "|---:|---:|---:|---:|",
    ]
    for n in args.ns:
        sel = [r for r in rows if r["n"] == n]
        lines.append(
            f"| {n} | {100 * np.mean([r['zero_shot'] for r in sel]):.2f} | "
            f"{100 * np.mean([r['random'] for r in sel]):.2f} | "
            f"{100 * np.mean([r['queue'] for r in sel]):.2f} |"
        )
    md = "\n".join(lines) + "\n"
    (args.out / "eval_queue.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
