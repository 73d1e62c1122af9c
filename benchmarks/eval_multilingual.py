"""Multilingual benchmark: the same sentences in English and the nine languages of ASEAN's national
consultations, tagged against seven topics described in English, as `consult tag` does.

Data: SIB-200 dev split (`../shared/data/sib200-asean/<lang>/dev.tsv`, 99 sentences per language,
the same `index_id` = the same sentence). The train split fitted the e5 -> English-space map
(`scripts/fit_language_map.py`), so it is never scored here.

Reports, per language and per codebook (one English sentence per topic; topic names only):
- top-1 accuracy (the first assigned priority; the best-scoring one when none is assigned),
- agreement with the English prediction for the same sentence,
- calibration: mean confidence of the top priority vs its accuracy, expected calibration error
  (10 bins), and the share marked `uncertain`;
and themes on mixed-language rounds (NMI of themes with the topic and with the language).

    python benchmarks/eval_multilingual.py [--cache DIR] [--out benchmarks/results]
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
sys.path.insert(0, str(HERE.parent / "src"))

from consult import schema  # noqa: E402
from consult.config import ConsultConfig, TopicsConfig  # noqa: E402
from consult.embedding.embed import EmbeddingCache, LazyEmbedder, embed_texts  # noqa: E402
from consult.embedding.routing import embed_routed  # noqa: E402
from consult.tagging.codebook import load_codebook  # noqa: E402
from consult.tagging.table import tag_table  # noqa: E402
from consult.themes.topics import discover_themes  # noqa: E402

SIB = HERE.parent.parent / "shared" / "data" / "sib200-asean"
LANGS = {
    "eng_Latn": "en",
    "ind_Latn": "id",
    "zsm_Latn": "ms",
    "vie_Latn": "vi",
    "tha_Thai": "th",
    "khm_Khmr": "km",
    "lao_Laoo": "lo",
    "mya_Mymr": "my",
    "tgl_Latn": "tl",
}
CODEBOOKS = {
    "one sentence": HERE / "sib_topics.yaml",
    "names only": HERE / "sib_topics_labels.yaml",
}
MIXES = {"en+th+vi+id": ["en", "th", "vi", "id"], "all nine": list(LANGS.values())}
log = logging.getLogger("eval_multilingual")


def load(split: str = "dev") -> pd.DataFrame:
    frames = []
    for folder, code in LANGS.items():
        df = pd.read_csv(SIB / folder / f"{split}.tsv", sep="\t")
        frames.append(df.assign(lang=code))
    return pd.concat(frames, ignore_index=True)


def top1(table: pd.DataFrame, ids: list[str]) -> list[str]:
    """The first assigned priority, else the best-scoring one (a forced choice)."""
    scores = table[[schema.score_column(i) for i in ids]].to_numpy(dtype=float)
    best = [ids[k] for k in scores.argmax(axis=1)]
    return [p.split(";")[0] if p else b for p, b in zip(table[schema.PRIORITIES], best)]


def ece(conf: np.ndarray, right: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(conf, edges) - 1, 0, bins - 1)
    return float(
        sum(
            abs(conf[idx == b].mean() - right[idx == b].mean()) * (idx == b).mean()
            for b in range(bins)
            if (idx == b).any()
        )
    )


def tagging(data: pd.DataFrame, cfg: ConsultConfig, cache: EmbeddingCache) -> dict:
    out: dict = {}
    for name, path in CODEBOOKS.items():
        cb = load_codebook(path)
        preds, rows = {}, {}
        for code, part in data.groupby("lang", sort=False):
            part = part.reset_index(drop=True)
            t0 = time.perf_counter()
            table, _ = tag_table(part, "text", "index_id", cb, cfg, cache)
            pred = top1(table, cb.ids)
            right = np.array([p == g for p, g in zip(pred, part["category"])])
            tagged = table[schema.PRIORITIES] != ""
            first_ok = np.array(
                [p.split(";")[0] == g for p, g in zip(table[schema.PRIORITIES], part["category"])]
            )
            conf = table[schema.CONFIDENCE].to_numpy(dtype=float)
            preds[code] = dict(zip(part["index_id"], pred))
            # fmt: off
            rows[code] = {
                "n": len(part), "accuracy": float(right.mean()),
                "accuracy_assigned_only": float(first_ok.mean()),
                "no_fit": float((table["status"] == "no-fit").mean()),
                "uncertain": float((table["status"] == "uncertain").mean()),
                "mean_confidence": float(conf[tagged].mean()) if tagged.any() else 0.0,
                "ece": ece(conf[tagged], first_ok[tagged]) if tagged.any() else 0.0,
                "detected_as_expected": float((table[schema.LANGUAGE] == code).mean()),
                "seconds": round(time.perf_counter() - t0, 2),
            }
            # fmt: on
        for code in rows:
            same = [preds[code][i] == preds["en"][i] for i in preds[code]]
            rows[code]["agreement_with_english"] = float(np.mean(same))
        non_en = [v for k, v in rows.items() if k != "en"]
        out[name] = {
            "languages": rows,
            "summary": {
                "min_accuracy": min(v["accuracy"] for v in rows.values()),
                "mean_accuracy_non_english": float(np.mean([v["accuracy"] for v in non_en])),
                "mean_agreement_non_english": float(
                    np.mean([v["agreement_with_english"] for v in non_en])
                ),
                "english_accuracy": rows["en"]["accuracy"],
            },
        }
        log.info("%s: %s", name, out[name]["summary"])
    return out


def themes(data: pd.DataFrame, cfg: ConsultConfig, cache: EmbeddingCache, seeds: int) -> dict:
    """Mixed rounds: each sentence appears once, in a language drawn at random from the mix."""
    from sklearn.metrics import normalized_mutual_info_score as nmi

    def embed(texts, settings):
        return embed_texts(texts, LazyEmbedder(settings), cache)[0]

    out = {}
    for mix, langs in MIXES.items():
        rows = []
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            pick = {i: rng.choice(langs) for i in sorted(data["index_id"].unique())}
            part = data[[pick[i] == lang for i, lang in zip(data["index_id"], data["lang"])]]
            part = part.reset_index(drop=True)
            routed = embed_routed(
                part["text"].tolist(), part["lang"].tolist(), cfg.embedding, embed
            )
            res = discover_themes(
                part["text"].tolist(),
                routed.vectors,
                None,
                None,
                TopicsConfig(seed=seed),
                languages=part["lang"].tolist(),
            )
            t = res.assignments[schema.THEME_ID].to_numpy()
            rows.append(
                {
                    "themes": int(res.themes.shape[0]),
                    "nmi_topic": float(nmi(part["category"], t)),
                    "nmi_language": float(nmi(part["lang"], t)),
                }
            )
        out[mix] = {k: float(np.median([r[k] for r in rows])) for k in rows[0]}
        out[mix]["seeds"] = seeds
        log.info("themes %s: %s", mix, out[mix])
    return out


def write_agreement(res: dict, cfg: ConsultConfig) -> None:
    from consult.embedding.routing import model_name, model_spec
    from consult.embedding.space import map_path

    rows = res["tagging"]["one sentence"]["languages"]
    target = model_name(cfg.embedding, cfg.embedding.model)
    source = model_name(cfg.embedding, model_spec("th", cfg.embedding))
    path = map_path(source, target).with_suffix(".json")
    path.write_text(
        json.dumps(
            {
                "agreement_with_english": {
                    k: round(v["agreement_with_english"], 3) for k, v in rows.items() if k != "en"
                },
                "measured_by": res["command"] + " --write-agreement",
                "data": "SIB-200 dev, 99 sentences per language, seven topics in one English sentence each",
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    log.info("Wrote %s", path)


def markdown(res: dict) -> str:
    lines = [
        "# Multilingual benchmark (SIB-200 dev, 99 sentences per language)",
        "",
        f"Command: `{res['command']}`",
        "",
        f"Models by language: {res['models']}",
        "",
    ]
    for name, r in res["tagging"].items():
        s = r["summary"]
        lines += [
            f"## Tagging, codebook: {name}",
            "",
            f"Min accuracy {100 * s['min_accuracy']:.1f}; mean over the eight non-English "
            f"{100 * s['mean_accuracy_non_english']:.1f}; agreement with English "
            f"{100 * s['mean_agreement_non_english']:.1f}; English "
            f"{100 * s['english_accuracy']:.1f}.",
            "",
            "| language | top-1 % | agree with en % | no-fit % | uncertain % | mean conf | "
            "accuracy of assigned % | ECE | language detected % |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for code, v in r["languages"].items():
            lines.append(
                f"| {code} | {100 * v['accuracy']:.1f} | {100 * v['agreement_with_english']:.1f} "
                f"| {100 * v['no_fit']:.1f} | {100 * v['uncertain']:.1f} | "
                f"{v['mean_confidence']:.2f} | {100 * v['accuracy_assigned_only']:.1f} | "
                f"{v['ece']:.3f} | {100 * v['detected_as_expected']:.0f} |"
            )
        lines.append("")
    lines += [
        "## Themes on mixed-language rounds (median over seeds)",
        "",
        "| mix | themes | NMI with topic | NMI with language |",
        "|---|---:|---:|---:|",
    ]
    for mix, v in res["themes"].items():
        lines.append(
            f"| {mix} | {v['themes']:.0f} | {v['nmi_topic']:.3f} | {v['nmi_language']:.3f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=HERE / "results" / "cache")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--config", type=Path, default=None, help="a consult.toml to measure")
    ap.add_argument(
        "--write-agreement",
        action="store_true",
        help="store the per-language agreement with English (one-sentence codebook) "
        "beside the bundled map, where tagging reads it to discount confidence",
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from consult.config import load_config

    cfg = load_config(args.config)
    cache = EmbeddingCache(args.cache)
    data = load("dev")
    res = {
        "command": "python benchmarks/eval_multilingual.py"
        + (f" --config {args.config}" if args.config else ""),
        "settings": cfg.embedding.model_dump(),
    }
    res["tagging"] = tagging(data, cfg, cache)
    from consult.embedding.routing import model_name, model_spec

    res["models"] = {
        code: model_name(cfg.embedding, model_spec(code, cfg.embedding)) for code in LANGS.values()
    }
    res["themes"] = themes(data, cfg, cache, args.seeds)
    if args.write_agreement:
        write_agreement(res, cfg)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval_multilingual.json").write_text(json.dumps(res, indent=1), encoding="utf-8")
    (args.out / "eval_multilingual.md").write_text(markdown(res), encoding="utf-8")
    log.info("Wrote %s", args.out / "eval_multilingual.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
