"""Language identification per passage (`consult.text.detect`) on SIB-200's ASEAN languages.

Scores Indonesian and Malay separately, per language and overall, with no prior, then with the
file's dominant language as prior (each language's sentences form one file) and with a stated
(manifest) language; shows the id/ms confusion, the plain py3langid baseline, very short texts,
and speed on 100k distinct passages (nine languages; English only). Thresholds and weights
were set on the train split only (`--fit-idms` refits the id/ms weights).

Run from the project root:
    python benchmarks/eval_language.py [--split dev] [--speed-n 100000]
Writes benchmarks/results/eval_language.json and .md.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from consult.text import detect as L  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "sib200-asean"
RESULTS = ROOT / "benchmarks" / "results"
# fmt: off
FOLDERS = {"eng_Latn": "en", "ind_Latn": "id", "zsm_Latn": "ms", "vie_Latn": "vi",
           "tha_Thai": "th", "khm_Khmr": "km", "lao_Laoo": "lo", "mya_Mymr": "my",
           "tgl_Latn": "tl"}
# fmt: on
# Written for this check (not from the data set): what a short survey answer looks like.
SHORT = {
    "en": [
        "no comment",
        "No comment.",
        "Yes",
        "ok thanks",
        "OK",
        "None",
        "N/A",
        "Good",
        "I agree",
        "Not sure",
        "Thank you",
        "Better roads",
        "More ferries please",
        "Faster customs clearance",
        "Nothing to add",
    ],
    "id": ["Tidak ada", "Setuju", "Terima kasih", "Internet lebih cepat"],
    "ms": ["Tiada komen", "Bas lebih kerap", "Terima kasih banyak"],
    "tl": ["Wala po", "Salamat po", "Mas mabilis na internet"],
    "vi": ["Không có ý kiến", "Đồng ý", "Cảm ơn"],
    "th": ["ใช่", "ไม่มีความคิดเห็น"],
}


def load(split: str) -> list[tuple[str, str]]:
    rows = []
    for folder, lang in FOLDERS.items():
        with open(DATA / folder / f"{split}.tsv", encoding="utf-8", newline="") as fh:
            rows += [(lang, r["text"]) for r in csv.DictReader(fh, delimiter="\t")]
    return rows


def score(gold: list[str], pred: list[str]) -> dict:
    per = {}
    for lang in FOLDERS.values():
        idx = [i for i, g in enumerate(gold) if g == lang]
        per[lang] = {
            "n": len(idx),
            "correct": sum(pred[i] == lang for i in idx),
            "und": sum(pred[i] == "und" for i in idx),
            "predicted": dict(Counter(pred[i] for i in idx).most_common()),
        }
        per[lang]["accuracy"] = per[lang]["correct"] / max(1, len(idx))
    ok = sum(g == p for g, p in zip(gold, pred))
    idms = {
        f"{g}->{p}": sum(1 for a, b in zip(gold, pred) if a == g and b == p)
        for g in ("id", "ms")
        for p in ("id", "ms")
    }
    return {
        "overall": ok / len(gold),
        "correct": ok,
        "n": len(gold),
        "per_language": per,
        "id_ms": idms,
    }


def py3langid_alone(texts: list[str]) -> list[str]:
    ident = L._langid()
    return [ident.rank(t)[0][0] for t in texts]


def speed(texts: list[str], n: int) -> dict:
    """Distinct passages (a counter appended), so the de-duplication cannot help."""
    big = [f"{texts[i % len(texts)]} ({i})" for i in range(n)]
    t0 = time.perf_counter()
    L.detect_languages(big)
    dt = time.perf_counter() - t0
    return {"n": n, "seconds": round(dt, 2), "texts_per_s": round(n / dt)}


def fit_idms(split: str = "train") -> dict:
    """Refit the id/ms weights in `consult.text.idms` (logistic regression on `split`)."""
    import math

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from consult.text import idms

    rows = [(g, t) for g, t in load(split) if g in ("id", "ms")]
    ident = L._langid()
    lingua = L._lingua_indonesian([t for _, t in rows])
    feats = []
    for (_, text), p_lingua in zip(rows, lingua):
        probs = dict(ident.rank(text))
        feats.append(
            [
                math.log((probs["id"] + 1e-9) / (probs["ms"] + 1e-9)),
                idms._logit(p_lingua),
                idms.marker_score(text),
            ]
        )
    model = LogisticRegression().fit(np.array(feats), np.array([g == "id" for g, _ in rows]))
    return {
        "split": split,
        "weights (langid, lingua, markers)": model.coef_[0].round(3).tolist(),
        "bias": round(float(model.intercept_[0]), 3),
    }


def table(rows: dict[str, dict]) -> list[str]:
    langs = list(FOLDERS.values())
    out = [
        "| setting | " + " | ".join(langs) + " | overall | id->ms | ms->id |",
        "|---|" + "---:|" * (len(langs) + 3),
    ]
    for name, r in rows.items():
        per = r["per_language"]
        out.append(
            f"| {name} | "
            + " | ".join(f"{100 * per[x]['accuracy']:.1f}" for x in langs)
            + f" | **{100 * r['overall']:.1f}** | {r['id_ms']['id->ms']} | "
            f"{r['id_ms']['ms->id']} |"
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--speed-n", type=int, default=100_000)
    ap.add_argument(
        "--fit-idms",
        action="store_true",
        help="print the id/ms weights refitted on the train split, and stop",
    )
    args = ap.parse_args()
    if args.fit_idms:
        sys.stdout.write(json.dumps(fit_idms()) + "\n")
        return
    data = load(args.split)
    gold, texts = [g for g, _ in data], [t for _, t in data]

    t0 = time.perf_counter()
    L._langid()
    L._lingua()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    no_prior = L.detect_languages(texts)
    run_s = time.perf_counter() - t0
    rows = {
        "py3langid alone": score(gold, py3langid_alone(texts)),
        "consult, no prior": score(gold, no_prior),
        "consult, file prior": score(gold, L.detect_languages(texts, groups=gold)),
        "consult, stated language": score(gold, L.detect_languages(texts, priors=gold)),
    }
    short = {lang: {t: L.detect_language(t) for t in items} for lang, items in SHORT.items()}
    wrong_short = [
        f"{t!r} -> {p}" for lang, d in short.items() for t, p in d.items() if p not in (lang, "und")
    ]
    english = [t for g, t in data if g == "en"]
    fast = (
        {"nine languages": speed(texts, args.speed_n), "English only": speed(english, args.speed_n)}
        if args.speed_n
        else None
    )
    # fmt: off
    result = {"split": args.split, "machine": f"{platform.machine()}, {platform.python_version()}",
              "load_s": round(load_s, 2), "texts_per_s_dev": round(len(texts) / run_s),
              "rows": rows, "short": short, "short_wrong": wrong_short, "speed": fast}
    # fmt: on

    md = [
        f"# Language identification on SIB-200 ({args.split}, {len(texts)} sentences, "
        + "9 languages)",
        "",
        "Accuracy % (Indonesian and Malay scored separately; `und` "
        + "counts as wrong). Command: `python benchmarks/eval_language.py`.",
        "",
    ]
    md += table(rows)
    md += ["", "Predicted labels per language, no prior:", ""]
    md += [
        f"- {lang}: " + ", ".join(f"{k} {v}" for k, v in r["predicted"].items())
        for lang, r in rows["consult, no prior"]["per_language"].items()
    ]
    md += [
        "",
        f"Models load in {load_s:.1f} s (py3langid, lingua id+ms); detection on the "
        + f"{len(texts)} sentences: {result['texts_per_s_dev']} texts/s.",
    ]
    for name, f in (fast or {}).items():
        md.append(
            f"{f['n']} distinct passages, {name}: {f['seconds']} s, {f['texts_per_s']} texts/s."
        )
    md += ["", "Short texts, no prior (correct or `und` is right; anything else is wrong):", ""]
    md += [
        f"- {lang}: " + ", ".join(f"'{t}' {p}" for t, p in d.items()) for lang, d in short.items()
    ]
    md += ["", f"Wrong short-text guesses: {', '.join(wrong_short) or 'none'}."]
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = "eval_language" if args.split == "dev" else f"eval_language_{args.split}"
    (RESULTS / f"{stem}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (RESULTS / f"{stem}.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    sys.stdout.write("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
