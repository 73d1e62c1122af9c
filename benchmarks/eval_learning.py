"""Learning curves: CAP tagging quality against k, the number of labelled passages per priority.

Measurement only. For each seed, k labelled rows per CAP major topic are drawn at random from the
data (rows of code 99, "no topic", are never drawn as labels). The largest k is drawn first and
each smaller k takes a nested subset of it (the first k of the same random order), and every k of
a seed is scored on the same rows: those not drawn for any k of that seed. At most two thirds of
a topic's rows are drawn (this only binds with --limit: CAP's smallest topic has 80 rows).

Paths, all fed the same labelled rows and, for the baselines, the same embeddings:

  (a) examples  the real tagger (`consult.tagging.table.tag_table`, the code behind `consult tag`)
                with the drawn texts as the codebook's `examples` of their priority;
  (b) reviews   the real tagger with the drawn rows as reviewer decisions of an earlier round:
                a review store with decision "priorities", turned into the `labelled=` frame by
                `consult.reviews.rules.labelled_examples`, as a round's `reviews.csv` is;
  (c) logreg    one-vs-rest logistic regression on the drawn rows' vectors (scikit-learn,
                class_weight="balanced", C=1), predicting every topic with probability > 0.5,
                else none (no model at k = 0);
  (d) prototype per topic, the normalised mean of the "label. description" vector and the drawn
                rows' vectors; top-1 cosine, always one topic (at k = 0: the plain cosine baseline
                of eval_cap.py).

At k = 0 paths (a) and (b) are the same run (zero-shot: label + one-sentence description,
`benchmarks/cap_taxonomy.yaml`); it is run once and reported on both rows.

A SYNTHETIC multi-label dev set is built from CAP, because CAP is single-label: per seed, pairs of
scored rows of two different topics are drawn at random (rows may recur across pairs) and their
texts joined with a space into one passage whose truth is both topics. It is tagged as a batch of
its own, at the k of --synthetic-ks, on every path. Its labelled passages are multi-label too:
each drawn row joined with a drawn row of another topic, confirmed for both (`paired_labelled`). The top-1 prototype baseline can find at most
one of the two topics there.

Metrics (eval_cap.evaluate): mean per-topic binary accuracy, macro F1, micro F1, labels per text,
each as the mean over seeds with its min-max; per-topic recall and precision at k = 0 and 20.

    python benchmarks/eval_learning.py [--ks 0,5,10,20,50] [--seeds 0,1,2] [--limit N]

Writes `eval_learning.json` and `eval_learning.md` under --out. Embeddings come from (and go to)
eval_cap.py's cache, `benchmarks/results/cache`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from consult import schema
from consult.config import ConsultConfig, EmbeddingConfig
from consult.embedding.embed import EmbeddingCache, load_embedder
from consult.embedding.embed import normalise as unit_rows
from consult.reviews.rules import DECISION, PRIORITIES_DECISION, labelled_examples
from consult.tagging.codebook import Codebook, load_codebook
from consult.tagging.table import read_table, tag_table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from eval_cap import DATA, evaluate  # noqa: E402

TAXONOMY = HERE / "cap_taxonomy.yaml"
PATHS = ("examples", "reviews", "logreg", "prototype")
PATH_NAMES = {
    "examples": "(a) tagger, examples in the codebook",
    "reviews": "(b) tagger, reviewer decisions of an earlier round",
    "logreg": "(c) logistic regression (one-vs-rest, balanced, C=1, p > 0.5)",
    "prototype": "(d) prototype (description + labelled mean), top-1 cosine",
}
METRICS = {
    "mean_topic_accuracy": "mean per-priority accuracy",
    "macro_f1": "macro F1",
    "micro_f1": "micro F1",
    "labels_per_text": "labels per text",
}
DETAIL_KS = (0, 20)  # per-priority recall/precision at these k
log = logging.getLogger("eval_learning")


# ---- drawing the labelled rows ---------------------------------------------------------------


def draw_pool(gold: list[set[str]], ids: list[str], kmax: int, seed: int) -> dict[str, list[int]]:
    """Per topic, up to kmax row indices in random order; smaller k take the first k of them."""
    rng = np.random.default_rng(seed)
    pool = {}
    for pid in ids:
        rows = np.flatnonzero([g == {pid} for g in gold])
        take = min(kmax, len(rows) - (len(rows) + 2) // 3)  # a third stays to be scored
        if take < kmax:
            log.warning("topic %s has %d rows: drawing at most %d", pid, len(rows), take)
        pool[pid] = rng.permutation(rows)[:take].tolist()
    return pool


def subset(pool: dict[str, list[int]], k: int) -> dict[str, list[int]]:
    return {pid: rows[:k] for pid, rows in pool.items()}


def synthetic_pairs(
    gold: list[set[str]], scored: np.ndarray, n: int, seed: int
) -> list[tuple[int, int]]:
    """n pairs (i, j) of scored rows with two different topics (code 99 rows never used)."""
    rng = np.random.default_rng(10_000 + seed)
    topical = np.asarray([i for i in scored if gold[i]])
    topic = np.asarray([next(iter(gold[i])) for i in topical])
    pairs = []
    for _ in range(n):
        a = int(rng.integers(len(topical)))
        others = np.flatnonzero(topic != topic[a])
        b = int(others[rng.integers(len(others))])
        pairs.append((int(topical[a]), int(topical[b])))
    return pairs


# ---- the four paths --------------------------------------------------------------------------


Labelled = list[tuple[str, list[str]]]  # (text, the priorities it is confirmed for)


def single_labelled(drawn: dict[str, list[int]], texts: list[str]) -> Labelled:
    """The drawn CAP rows as confirmed passages of their one topic."""
    return [(texts[i], [pid]) for pid, rows in drawn.items() for i in rows]


def paired_labelled(drawn: dict[str, list[int]], texts: list[str], seed: int) -> Labelled:
    """Multi-label confirmed passages for the synthetic set: each drawn row joined with a drawn
    row of another topic (chosen by a fixed draw, so a smaller k keeps its pairs); truth both."""
    rng = np.random.default_rng(20_000 + seed)
    pids = list(drawn)
    out: Labelled = []
    for pid, rows in drawn.items():
        others = [q for q in pids if q != pid and drawn[q]]
        for n, i in enumerate(rows):
            q = others[int(rng.integers(len(others)))] if others else pid
            j = drawn[q][n % len(drawn[q])]
            out.append((f"{texts[i]} {texts[j]}", sorted({pid, q})))
    return out


def with_examples(codebook: Codebook, labelled: Labelled) -> Codebook:
    """A copy of the codebook whose priorities carry the labelled texts as `examples` (a text
    confirmed for two topics is listed under both)."""
    pris = [
        dataclasses.replace(p, examples=tuple(t for t, ids in labelled if p.id in ids))
        for p in codebook.priorities
    ]
    return Codebook(
        name=codebook.name, priorities=pris, sha256=codebook.sha256, source=codebook.source
    )


def reviews_frame(drawn: dict[str, list[int]], texts: list[str]) -> pd.DataFrame:
    """The drawn rows as an earlier round's confirmed review decisions, read back as a round
    reads them (`labelled_examples`): columns `text` and `priorities`."""
    return labelled_frame(single_labelled(drawn, texts))


def labelled_frame(labelled: Labelled) -> pd.DataFrame:
    """Confirmed passages as an earlier round's review decisions, read back as a round reads
    them (`labelled_examples`): columns `text` and `priorities`."""
    rows = [(t, ";".join(ids)) for t, ids in labelled]
    store = pd.DataFrame(
        {
            schema.TEXT: [t for t, _ in rows],
            schema.REVIEWER_PRIORITIES: [p for _, p in rows],
            DECISION: [PRIORITIES_DECISION] * len(rows),
        }
    )
    return labelled_examples(store)


def tag_batch(
    texts: list[str],
    codebook: Codebook,
    cfg: ConsultConfig,
    cache: EmbeddingCache,
    labelled: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Tag `texts` as one batch through `tag_table`: its output table."""
    df = pd.DataFrame({"ID": range(len(texts)), "text": texts})
    return tag_table(df, "text", "ID", codebook, cfg, cache, labelled=labelled)[0]


def predicted(table: pd.DataFrame) -> list[set[str]]:
    """The priority sets a `tag_batch` table assigns."""
    return [set(s.split(";")) - {""} for s in table[schema.PRIORITIES]]


def run_tagger(
    texts: list[str],
    codebook: Codebook,
    cfg: ConsultConfig,
    cache: EmbeddingCache,
    labelled: pd.DataFrame | None = None,
) -> list[set[str]]:
    """Tag `texts` as one batch through `tag_table`; the predicted priority sets."""
    return predicted(tag_batch(texts, codebook, cfg, cache, labelled))


CAL_BINS = 10


def calibration(table: pd.DataFrame, gold: list[set[str]]) -> dict:
    """Reliability of `confidence` for passages given a priority: is the first one right?

    Bins of width 0.1; ECE = sum over bins of (share of passages) x |accuracy - mean confidence|.
    """
    conf, right = [], []
    tags = zip(table[schema.PRIORITIES].fillna(""), table[schema.CONFIDENCE])
    for (pri, c), g in zip(tags, gold):
        first = [p for p in str(pri).split(";") if p]
        if first and c == c:
            conf.append(float(c))
            right.append(first[0] in g)
    cf, ok = np.asarray(conf), np.asarray(right, dtype=float)
    rows, ece = [], 0.0
    for b in range(CAL_BINS):
        lo, hi = b / CAL_BINS, (b + 1) / CAL_BINS
        m = (cf >= lo) & ((cf < hi) if b < CAL_BINS - 1 else (cf <= hi))
        if m.any():
            rows.append(
                {
                    "bin": f"{lo:.1f}-{hi:.1f}",
                    "n": int(m.sum()),
                    "confidence": float(cf[m].mean()),
                    "accuracy": float(ok[m].mean()),
                }
            )
            ece += m.sum() / max(len(cf), 1) * abs(ok[m].mean() - cf[m].mean())
    return {
        "ece": float(ece),
        "n": len(cf),
        "mean_confidence": float(cf.mean()) if len(cf) else 0.0,
        "accuracy": float(ok.mean()) if len(ok) else 0.0,
        "bins": rows,
    }


def run_logreg(
    x_lab: np.ndarray, y_lab: list[list[str]], ids: list[str], x: np.ndarray
) -> list[set[str]]:
    """One-vs-rest logistic regression; every topic with probability > 0.5."""
    from sklearn.linear_model import LogisticRegression

    prob = np.zeros((x.shape[0], len(ids)))
    for j, pid in enumerate(ids):
        y = np.asarray([pid in labels for labels in y_lab], dtype=int)
        if y.min() == y.max():  # a topic with no (or only) labelled rows: never predicted
            continue
        clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
        clf.fit(x_lab, y)
        prob[:, j] = clf.predict_proba(x)[:, 1]
    return [{ids[j] for j in np.flatnonzero(row > 0.5)} for row in prob]


def run_prototype(
    desc: np.ndarray, y_lab: list[list[str]], ids: list[str], x_lab: np.ndarray, x: np.ndarray
) -> list[set[str]]:
    """Top-1 cosine to the normalised mean of the description vector and the labelled vectors."""
    owned = [[r for r, labels in enumerate(y_lab) if pid in labels] for pid in ids]
    protos = np.stack(
        [
            unit_rows(unit_rows(np.vstack([desc[j : j + 1], x_lab[owned[j]]])).mean(axis=0))
            for j in range(len(ids))
        ]
    )
    best = (unit_rows(x) @ protos.T).argmax(axis=1)
    return [{ids[b]} for b in best]


# ---- one seed --------------------------------------------------------------------------------


def run_seed(
    seed: int,
    ks: list[int],
    synth_ks: list[int],
    n_pairs: int,
    texts: list[str],
    vecs: np.ndarray,
    gold: list[set[str]],
    codebook: Codebook,
    desc: np.ndarray,
    cfg: ConsultConfig,
    cache: EmbeddingCache,
    embedder,
) -> dict:
    ids = codebook.ids
    pool = draw_pool(gold, ids, max(ks), seed)
    drawn_any = {i for rows in pool.values() for i in rows}
    scored = np.asarray([i for i in range(len(texts)) if i not in drawn_any])
    s_texts = [texts[i] for i in scored]
    s_gold = [gold[i] for i in scored]
    s_vecs = vecs[scored]
    pairs = synthetic_pairs(gold, scored, n_pairs, seed) if synth_ks else []
    y_texts = [f"{texts[a]} {texts[b]}" for a, b in pairs]
    y_gold = [gold[a] | gold[b] for a, b in pairs]
    y_vecs = cache.embed(y_texts, embedder)[0] if pairs else np.zeros((0, vecs.shape[1]))
    out: dict = {
        "seed": seed,
        "n_scored": len(scored),
        "n_scored_no_topic": int(sum(not g for g in s_gold)),
        "drawn_per_topic_max_k": {pid: len(rows) for pid, rows in pool.items()},
        "n_synthetic": len(pairs),
        "cap": {},
        "synthetic": {},
    }
    sets = [("cap", s_texts, s_gold, s_vecs, ks), ("synthetic", y_texts, y_gold, y_vecs, synth_ks)]
    for name, t_texts, t_gold, t_vecs, t_ks in sets:
        for k in t_ks:
            drawn = subset(pool, k)
            if name == "synthetic":
                labelled = paired_labelled(drawn, texts, seed)
                lab_x = cache.embed([t for t, _ in labelled], embedder)[0] if labelled else None
            else:
                labelled = single_labelled(drawn, texts)
                lab_x = vecs[[i for rows in drawn.values() for i in rows]]
            lab_y = [ids_ for _, ids_ in labelled]
            if lab_x is None:
                lab_x = np.zeros((0, vecs.shape[1]), np.float32)
            preds: dict[str, list[set[str]] | None] = {}
            t0 = time.perf_counter()
            cal = None
            if k == 0:
                table = tag_batch(t_texts, codebook, cfg, cache)
                preds["examples"], cal = predicted(table), calibration(table, t_gold)
                preds["reviews"] = preds["examples"]
                preds["logreg"] = None
            else:
                preds["examples"] = run_tagger(
                    t_texts, with_examples(codebook, labelled), cfg, cache
                )
                table = tag_batch(t_texts, codebook, cfg, cache, labelled=labelled_frame(labelled))
                preds["reviews"], cal = predicted(table), calibration(table, t_gold)
                preds["logreg"] = run_logreg(lab_x, lab_y, ids, t_vecs)
            preds["prototype"] = run_prototype(desc, lab_y, ids, lab_x, t_vecs)
            res = {}
            for path, pred in preds.items():
                if pred is not None:
                    res[path] = evaluate(ids, t_gold, pred)
            out[name][str(k)] = res
            out.setdefault("calibration", {}).setdefault(name, {})[str(k)] = cal
            log.info(
                "seed %d %s k=%d (%.1f s): macro F1 %s",
                seed,
                name,
                k,
                time.perf_counter() - t0,
                ", ".join(f"{p} {100 * r['macro_f1']:.2f}" for p, r in res.items()),
            )
    return out


# ---- aggregation and tables ------------------------------------------------------------------


def aggregate(per_seed: list[dict], ids: list[str]) -> dict:
    """Mean, min and max over seeds per (set, path, k, metric); per-topic P/R means."""
    agg: dict = {}
    for name in ("cap", "synthetic"):
        agg[name] = {}
        for path in PATHS:
            for k in per_seed[0][name]:
                runs = [s[name][k][path] for s in per_seed if path in s[name].get(k, {})]
                if not runs:
                    continue
                entry = {}
                for m in (*METRICS, "top_correct"):
                    v = [r[m] for r in runs]
                    entry[m] = {"mean": float(np.mean(v)), "min": min(v), "max": max(v)}
                entry["per_topic"] = {
                    pid: {
                        q: float(np.mean([r["per_topic"][pid][q] for r in runs]))
                        for q in ("precision", "recall", "f1", "support")
                    }
                    for pid in ids
                }
                agg[name].setdefault(path, {})[k] = entry
    return agg


def _cell(e: dict | None, m: str) -> str:
    if e is None:
        return "-"
    v = e[m]
    f = (lambda x: f"{x:.2f}") if m == "labels_per_text" else (lambda x: f"{100 * x:.2f}")
    return f"{f(v['mean'])} [{f(v['min'])}-{f(v['max'])}]"


def markdown(r: dict) -> str:
    agg, ks = r["aggregate"], [str(k) for k in r["ks"]]
    lines = [
        "# Learning curves: tagging quality against labelled passages per priority (CAP)",
        "",
        f"Command: `{r['command']}`",
        "",
        f"{r['n_texts']} CAP texts ({r['data']}), model {r['model']}, seeds {r['seeds']}; "
        f"{100 * r['no_topic_fraction']:.2f}% of the texts have no topic (code 99). "
        f"Run time {r['seconds']:.0f} s.",
        "",
        "Each seed draws k labelled rows per topic (never code 99); the largest k is drawn first "
        "and smaller k are nested subsets of it, so **every k of a seed is scored on the same "
        f"rows**: those not drawn for any k ({r['n_scored']} rows per seed, "
        f"{100 * r['scored_no_topic_fraction']:.2f}% of them without a topic). Cells: mean over "
        "seeds [min-max]. At k = 0, (a) and (b) are the same zero-shot run; (c) needs labels.",
        "",
    ]
    sets = [("cap", "CAP (single-label)", ks)]
    if r["synthetic_ks"]:
        sets.append(
            (
                "synthetic",
                f"SYNTHETIC multi-label set ({r['n_synthetic']} passages per seed, each two "
                "scored CAP texts of different topics joined; truth = both topics)",
                [str(k) for k in r["synthetic_ks"]],
            )
        )
    for name, title, cols in sets:
        lines += [f"## {title}", ""]
        for m, label in METRICS.items():
            lines += [
                f"### {label}",
                "",
                "| path | " + " | ".join(f"k={k}" for k in cols) + " |",
                "|---|" + "---:|" * len(cols),
            ]
            for path in PATHS:
                row = [_cell(agg[name].get(path, {}).get(k), m) for k in cols]
                lines.append(f"| {PATH_NAMES[path]} | " + " | ".join(row) + " |")
            lines.append("")
        detail = [
            (p, str(k))
            for k in DETAIL_KS
            for p in PATHS
            if str(k) in cols and str(k) in agg[name].get(p, {}) and not (k == 0 and p == "reviews")
        ]
        if detail:
            lines += [
                f"### Per topic, recall / precision (mean over seeds), {title.split(' (')[0]}",
                "",
                "| topic | support | "
                + " | ".join(
                    f"{p}{' = reviews' if p == 'examples' and k == '0' else ''} k={k}"
                    for p, k in detail
                )
                + " |",
                "|---|---:|" + "---:|" * len(detail),
            ]
            for pid in r["ids"]:
                sup = agg[name][detail[0][0]][detail[0][1]]["per_topic"][pid]["support"]
                cells = []
                for p, k in detail:
                    t = agg[name][p][k]["per_topic"][pid]
                    cells.append(f"{100 * t['recall']:.0f} / {100 * t['precision']:.0f}")
                lines.append(
                    f"| {pid} {r['labels'][pid]} | {sup:.0f} | " + " | ".join(cells) + " |"
                )
            lines.append("")
    return "\n".join(lines)


def _ints(s: str) -> list[int]:
    return [int(v) for v in s.split(",") if v.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--cache", type=Path, default=HERE / "results" / "cache")
    ap.add_argument("--ks", type=_ints, default=[0, 5, 10, 20, 50], help="e.g. 0,5,10,20,50")
    ap.add_argument("--seeds", type=_ints, default=[0, 1, 2], help="e.g. 0,1,2")
    ap.add_argument(
        "--synthetic-ks",
        type=_ints,
        default=[0, 5, 20, 50],
        help="k for the synthetic set; '' skips it",
    )
    ap.add_argument("--pairs", type=int, default=1000, help="synthetic passages per seed")
    ap.add_argument("--limit", type=int, default=0, help="first N rows only (smoke test)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    t_start = time.perf_counter()
    ks = sorted(set(args.ks))
    synth_ks = sorted(set(args.synthetic_ks))

    df = read_table(args.data)
    if args.limit:
        df = df.head(args.limit)
    texts = ["" if pd.isna(t) else str(t).strip() for t in df["text"].tolist()]
    gold = [set() if m == "99" else {str(m)} for m in df["major"].astype(str)]
    codebook = load_codebook(TAXONOMY)
    cfg = ConsultConfig(embedding=EmbeddingConfig(device="cpu"))
    embedder = load_embedder(cfg.embedding)
    cache = EmbeddingCache(args.cache)
    vecs, computed = cache.embed(texts, embedder)
    log.info("%d texts embedded (%d new, rest from %s)", len(texts), computed, args.cache)
    desc, _ = cache.embed([f"{p.label}. {p.description}" for p in codebook.priorities], embedder)

    per_seed = []
    for seed in args.seeds:
        per_seed.append(
            run_seed(
                seed,
                ks,
                synth_ks,
                args.pairs,
                texts,
                vecs,
                gold,
                codebook,
                desc,
                cfg,
                cache,
                embedder,
            )
        )
    argv_used = sys.argv if argv is None else [sys.argv[0], *argv]
    n_scored = per_seed[0]["n_scored"]
    results = {
        "command": "python " + shlex.join(argv_used),
        "data": str(args.data),
        "n_texts": len(texts),
        "model": embedder.name,
        "ks": ks,
        "seeds": args.seeds,
        "synthetic_ks": synth_ks,
        "n_synthetic": per_seed[0]["n_synthetic"],
        "no_topic_fraction": float(np.mean([not g for g in gold])),
        "n_scored": n_scored,
        "scored_no_topic_fraction": per_seed[0]["n_scored_no_topic"] / max(n_scored, 1),
        "ids": codebook.ids,
        "labels": {p.id: p.label for p in codebook.priorities},
        "settings": cfg.tagging.model_dump(),
        "aggregate": aggregate(per_seed, codebook.ids),
        "per_seed": per_seed,
    }
    results["seconds"] = round(time.perf_counter() - t_start, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval_learning.json").write_text(json.dumps(results, indent=2, default=str))
    md = markdown(results) + calibration_markdown(per_seed)
    (args.out / "eval_learning.md").write_text(md)
    print(md)
    log.info("done in %.1f s", results["seconds"])
    return 0


def calibration_markdown(per_seed: list[dict]) -> str:
    """ECE per set and k (tagger, reviewer decisions), and seed 0's reliability table at k=0."""
    lines = [
        "",
        "## Calibration of `confidence` (tagger; at k > 0 with reviewer decisions)",
        "",
        "Is the first assigned priority right, among passages given one? ECE over 10 bins; "
        "mean over seeds.",
        "",
        "| set | k | n | mean confidence | accuracy | ECE |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in ("cap", "synthetic"):
        for k in per_seed[0].get("calibration", {}).get(name, {}):
            runs = [s["calibration"][name][k] for s in per_seed]
            mean = {
                m: float(np.mean([r[m] for r in runs]))
                for m in ("n", "mean_confidence", "accuracy", "ece")
            }
            lines.append(
                f"| {name} | {k} | {mean['n']:.0f} | {mean['mean_confidence']:.3f} | "
                f"{mean['accuracy']:.3f} | {mean['ece']:.3f} |"
            )
    first = per_seed[0].get("calibration", {}).get("cap", {}).get("0")
    if first:
        lines += [
            "",
            "Reliability, CAP, k = 0, seed 0:",
            "",
            "| confidence | n | mean confidence | accuracy |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {b['bin']} | {b['n']} | {b['confidence']:.3f} | {b['accuracy']:.3f} |"
            for b in first["bins"]
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
