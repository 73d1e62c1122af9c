"""Campaign grouping benchmark: precision and recall of grouping near-identical answers, the
similarity threshold chosen, and how its time grows from 10k to 100k passages (issue 15).

Fixtures, built from real text: each campaign's template is a committee turn from QMSum
(`../shared/data/qmsum-committee`, 40-200 words, at least 3 sentences). Around it:
- members (must be grouped with it): 3 exact copies and 12 light edits, 2 of each kind: a
  greeting added or changed, a name signed at the end, one sentence added (from another turn or a
  CAP bill), 1-2 words changed, one sentence of 4+ dropped, greeting + signature;
- heavy edits (must not be grouped): sentences holding under half of its words (for Thai, of
  its characters) kept, the others replaced by sentences of other turns of the same meetings;
  the template inside an answer of one's own at least twice its length; 40% of its words
  replaced;
- unrelated answers to the same questions: other turns of the same meetings, and CAP bill texts
  (formulaic and alike: "A bill to suspend temporarily the duty on ...").
Edits draw their sentences from other turns and bills than the unrelated answers. Meetings 0, 2,
4 make the dev set the threshold is chosen on: the best mean pairwise F1 among the thresholds
that group at most 1% of heavy edits and of unrelated answers (means over the seeds; among
equal F1, the highest); meetings 1, 3, 5 make the test set it is scored on. The same edits of
Thai and Vietnamese SIB-200 train and dev sentences (30 templates of 4-5 sentences) check
scripts without spaces and syllables. Grouping runs as a round runs it
(`consult.ingest.campaigns.mark_campaigns`, 10-word minimum).

Scale: 5 questions of unique answers (15-60 words drawn by their frequency in CAP and QMSum) with
3% of them campaign members, timed at each size (best of 2; wall and CPU time); the 100k/10k
time ratio is ~10 when linear, 100 when quadratic.

    python benchmarks/eval_campaigns.py [--seeds 0 1 2] [--sizes 10000 100000] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data"
sys.path.insert(0, str(HERE))

from consult import schema as S  # noqa: E402
from consult.ingest.campaigns import mark_campaigns  # noqa: E402
from consult.text.campaigns import text_similarity  # noqa: E402

log = logging.getLogger("eval_campaigns")
MIN_WORDS = 10
THRESHOLDS = [round(t, 2) for t in np.arange(0.3, 0.86, 0.05)]
GREETINGS = ["Dear Sir or Madam,", "To the ASEAN Secretariat:", "Hello,", "Dear colleagues,",
             "Good day to the drafting team.", "Greetings from our network,"]  # fmt: skip
NAMES = ["Maria Santos, Cebu", "Nguyen Thi Lan", "Somchai Prasert (Khon Kaen)", "Siti Rahmah",
         "Aung Ko Ko, Yangon", "Sokha Chea", "Budi Hartono, Surabaya", "Lim Wei Ling",
         "Khamla Vongsa", "Juan dela Cruz, Davao"]  # fmt: skip
SIGN_OFFS = ["Kind regards,", "Best wishes,", "Sincerely,", "Thank you,", "--"]
LIGHT = ["greeting", "signature", "sentence added", "words changed", "sentence dropped",
         "greeting + signature"]  # fmt: skip
HEAVY = ["rewritten", "inside own answer", "40% of words replaced"]
_SENT = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    return [s for s in _SENT.split(text.strip()) if s]


def qmsum_turns() -> list[tuple[int, str]]:
    rows = [json.loads(x) for x in (SHARED / "qmsum-committee" / "val.jsonl").open()]
    return [(m, t["content"].strip()) for m, r in enumerate(rows) for t in r["meeting_transcripts"]]


def cap_texts() -> list[str]:
    df = pd.read_csv(SHARED / "cap-us-congress" / "USCongress.csv.gz", sep=";")
    return [t for t in df["text"].astype(str) if len(t.split()) >= MIN_WORDS]


def sib(lang: str) -> list[str]:
    parts = [
        pd.read_csv(SHARED / "sib200-asean" / lang / f"{s}.tsv", sep="\t") for s in ("train", "dev")
    ]
    return pd.concat(parts)["text"].astype(str).tolist()


class Editor:
    """Light and heavy edits of a template, with donor sentences and words to draw from."""

    def __init__(self, rng, donors: list[str], words: list[str], joiner: str = " "):
        self.rng, self.donors, self.words, self.j = rng, donors, words, joiner
        # an added sentence is a sentence: 6-25 words (or, unspaced, up to 150 characters)
        self.short = [d for d in donors if 6 <= len(d.split()) <= 25 and len(d) <= 150] or donors

    @staticmethod
    def tokens(text: str) -> tuple[list[str], bool]:
        """Words; for text written without spaces (Thai), blocks of 3 characters."""
        spaced = float(np.mean([len(w) for w in text.split(" ")])) <= 12
        return (
            text.split(" ") if spaced else [text[i : i + 3] for i in range(0, len(text), 3)]
        ), spaced

    def replace_words(self, text: str, n: int) -> str:
        words, spaced = self.tokens(text)
        for i in self.rng.choice(len(words), size=min(n, len(words)), replace=False):
            new = self.pick(self.words)
            words[i] = new if spaced else new[:3]
        return (" " if spaced else "").join(words)

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def split(self, text: str) -> list[str]:
        return sentences(text) if self.j == " " else [s for s in text.split(self.j) if s]

    def light(self, text: str, kind: str) -> str:
        sents = self.split(text)
        if kind == "greeting":
            return f"{self.pick(GREETINGS)} {text}"
        if kind == "signature":
            return f"{text}\n{self.pick(SIGN_OFFS)} {self.pick(NAMES)}"
        if kind == "sentence added":
            at = int(self.rng.integers(len(sents) + 1))
            return self.j.join(sents[:at] + [self.pick(self.short)] + sents[at:])
        if kind == "words changed":
            return self.replace_words(text, int(self.rng.integers(1, 3)))
        if kind == "sentence dropped":
            if len(sents) < 4:
                return text + " "
            drop = int(self.rng.integers(len(sents)))
            return self.j.join(sents[:drop] + sents[drop + 1 :])
        return self.light(self.light(text, "greeting"), "signature")

    def heavy(self, text: str, kind: str) -> str:
        sents = self.split(text)
        if kind == "rewritten":  # sentences kept, at random, while under half of the words
            size = (lambda t: len(t.split())) if self.tokens(text)[1] else len  # Thai: characters
            total, kept, keep = size(text), 0, set()
            for i in self.rng.permutation(len(sents)):
                if 2 * (kept + size(sents[i])) < total:
                    keep.add(int(i))
                    kept += size(sents[i])
            return self.j.join(
                s if i in keep else self.pick(self.donors) for i, s in enumerate(sents)
            )
        if kind == "inside own answer":
            own: list[str] = []
            while len(self.j.join(own)) < 2 * len(text):
                own.append(self.pick(self.donors))
            at = int(self.rng.integers(len(own) + 1))
            return self.j.join(own[:at] + [text] + own[at:])
        return self.replace_words(text, int(0.4 * len(self.tokens(text)[0])))


def build_fixture(templates, donors, singles, rng, n_questions=4, joiner=" ") -> pd.DataFrame:
    """Rows: text, question, truth (campaign number, or -1), kind of item."""
    words = [w for d in donors for w in d.split() if len(w) <= 12] or list("".join(donors))
    ed = Editor(rng, donors, words, joiner)
    rows = []
    for c, tpl in enumerate(templates):
        q = c % n_questions
        rows.append((tpl, q, c, "template"))
        rows += [(tpl, q, c, "exact copy")] * 3
        rows += [(ed.light(tpl, k), q, c, k) for k in LIGHT for _ in range(2)]
        rows += [(ed.heavy(tpl, k), q, -1, k) for k in HEAVY]
    rows += [(s, i % n_questions, -1, "unrelated") for i, s in enumerate(singles)]
    df = pd.DataFrame(rows, columns=[S.TEXT, "q", "truth", "kind"])
    return df.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)


def as_passages(df: pd.DataFrame) -> pd.DataFrame:
    n = len(df)
    return pd.DataFrame(
        {
            S.PASSAGE_ID: [f"p{i:016x}" for i in range(n)],
            S.SOURCE_KIND: "survey",
            S.SOURCE_FILE: "surveys/form.csv",
            S.QUESTION: [f"Question {q}" for q in df["q"]],
            S.RESPONDENT_ID: [f"R{i}" for i in range(n)],
            S.SPEAKER: None,
            S.TEXT: df[S.TEXT].tolist(),
        }
    )


def _pairs(labels: pd.Series) -> int:
    sizes = labels[labels != ""].value_counts()
    return int((sizes * (sizes - 1) // 2).sum())


def score(df: pd.DataFrame, predicted: pd.Series) -> dict:
    """Pairwise precision and recall, and per kind how many items landed where they should."""
    truth = df["truth"].map(lambda t: f"t{t}" if t >= 0 else "").astype(object)
    pred = predicted.astype(object)
    both = (truth + "|" + pred)[(truth != "") & (pred != "")]
    tp = _pairs(both)
    n_pred, n_true = _pairs(pred), _pairs(truth)
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_true if n_true else 1.0
    tpl_campaign = dict(
        zip(df.loc[df["kind"] == "template", "truth"], pred[df["kind"] == "template"])
    )
    per_kind = {}
    for kind, g in df.groupby("kind"):
        if kind in ("template", "exact copy", *LIGHT):
            ok = [pred[i] != "" and pred[i] == tpl_campaign[df.at[i, "truth"]] for i in g.index]
            per_kind[kind] = {"grouped with template %": round(100 * float(np.mean(ok)), 1)}
        else:
            per_kind[kind] = {"grouped %": round(100 * float((pred[g.index] != "").mean()), 1)}
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f1, 4),
        "per_kind": per_kind,
    }


def similarities(df: pd.DataFrame) -> dict:
    """Quantiles of each edit's similarity to its template, by kind."""
    tpl = {}
    for _, r in df[df["kind"] == "template"].iterrows():
        tpl[r["truth"]] = r[S.TEXT]
    out = {}
    edited = df[df["kind"].isin(LIGHT + HEAVY)]
    # heavy edits carry truth -1: find their template by the most similar template text
    for kind, g in edited.groupby("kind"):
        sims = []
        for _, r in g.iterrows():
            if r["truth"] >= 0:
                sims.append(text_similarity(r[S.TEXT], tpl[r["truth"]]))
            else:
                sims.append(max(text_similarity(r[S.TEXT], t) for t in tpl.values()))
        q = np.quantile(sims, [0.0, 0.1, 0.5, 0.9, 1.0])
        out[kind] = [round(float(v), 3) for v in q]
    return out


def qmsum_fixture(parity: int, seed: int, n_templates: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed * 10 + parity)
    turns = [t for m, t in qmsum_turns() if m % 2 == parity]
    ok = [t for t in turns if 40 <= len(t.split()) <= 200 and len(sentences(t)) >= 3]
    order = rng.permutation(len(ok))
    templates = [ok[i] for i in order[:n_templates]]
    used = set(templates)
    rest = [t for t in turns if t not in used and len(t.split()) >= 20]
    rest = [rest[i] for i in rng.permutation(len(rest))]
    bills = cap_texts()
    cap = [bills[i] for i in rng.permutation(len(bills))]
    # edits draw their sentences from other texts than the unrelated answers, so that no heavy
    # edit is a near-copy of an unrelated answer by construction
    half = len(rest) // 2
    donors = [s for t in rest[:half] for s in sentences(t) if len(s.split()) >= 6] + cap[:500]
    return build_fixture(templates, donors, rest[half:] + cap[500:800], rng)


def sib_fixture(lang: str, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sents = sib(lang)
    joiner = "  "  # sentences kept apart (Thai ends them with no full stop)
    order = rng.permutation(len(sents))
    templates, k = [], 0
    for _ in range(30):
        n = int(rng.integers(4, 6))
        templates.append(joiner.join(sents[i] for i in order[k : k + n]))
        k += n
    rest = [sents[i] for i in order[k:]]
    donors, others = rest[: len(rest) // 2], rest[len(rest) // 2 :]
    singles = [joiner.join(others[i : i + 3]) for i in range(0, len(others) - 3, 3)]
    return build_fixture(templates, donors, singles, rng, n_questions=2, joiner=joiner)


def clean(results: list[dict]) -> bool:
    """At most 1% of heavy edits (mean over the kinds and seeds) and of unrelated answers
    grouped. Not 0: a heavy rewrite that keeps the same sentences as a light variant which
    dropped one (a long one) is, by its words, that variant's copy."""
    heavy = np.mean([r["per_kind"][k]["grouped %"] for r in results for k in HEAVY])
    unrelated = np.mean([r["per_kind"]["unrelated"]["grouped %"] for r in results])
    return bool(heavy <= 1.0 and unrelated <= 1.0)


def sweep(df: pd.DataFrame) -> dict[float, dict]:
    passages = as_passages(df)
    return {t: score(df, mark_campaigns(passages, t, MIN_WORDS)[S.CAMPAIGN_ID]) for t in THRESHOLDS}


def scale_corpus(n: int, rng) -> pd.DataFrame:
    """n answers to 5 questions: 97% unique (15-60 words drawn at random by their frequency in
    CAP and QMSum, so answers share common words and phrases but are nobody's copy), 3% members
    of 30 campaigns (light edits of 4-sentence templates)."""
    pool = [s for _, t in qmsum_turns() for s in sentences(t) if len(s.split()) >= 5]
    pool += cap_texts()
    vocab, counts = np.unique([w for s in pool for w in s.split()], return_counts=True)
    prob = counts / counts.sum()
    n_camp = int(0.03 * n)
    lengths = rng.integers(15, 61, size=n - n_camp)
    drawn = rng.choice(len(vocab), size=int(lengths.sum()), p=prob)
    ends = np.cumsum(lengths)
    texts = [" ".join(vocab[drawn[e - k : e]]) for e, k in zip(ends, lengths)]
    ed = Editor(rng, pool, [w for s in pool[:2000] for w in s.split()])
    templates = [" ".join(pool[i] for i in rng.choice(len(pool), size=4)) for _ in range(30)]
    texts += [ed.light(templates[i % 30], LIGHT[i % len(LIGHT)]) for i in range(n_camp)]
    df = pd.DataFrame({S.TEXT: texts, "q": rng.integers(0, 5, size=n)})
    return as_passages(df)


def timing(sizes: list[int], threshold: float) -> list[dict]:
    out = []
    for n in sizes:
        passages = scale_corpus(n, np.random.default_rng(n))
        best, cpu = float("inf"), float("inf")
        for _ in range(2):
            t0, c0 = time.perf_counter(), time.process_time()
            marked = mark_campaigns(passages, threshold, MIN_WORDS)
            best = min(best, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
        n_camp = int((marked[S.CAMPAIGN_SIZE] > 0).sum())
        out.append(
            {"passages": n, "seconds": round(best, 2), "cpu seconds": round(cpu, 2),
             "in campaigns": n_camp}
        )  # fmt: skip
        log.info("%d passages: %.2f s, %.2f s CPU (%d in campaigns)", n, best, cpu, n_camp)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--out", type=Path, default=HERE / "results")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    dev = {s: qmsum_fixture(0, s) for s in args.seeds}
    dev_sweeps = {s: sweep(df) for s, df in dev.items()}
    mean_f1 = {t: np.mean([dev_sweeps[s][t]["f1"] for s in args.seeds]) for t in THRESHOLDS}
    allowed = [t for t in THRESHOLDS if clean([dev_sweeps[s][t] for s in args.seeds])]
    best = max(allowed or THRESHOLDS, key=lambda t: (round(mean_f1[t], 4), t))
    log.info(
        "dev F1 by threshold: %s; chosen %.2f", {t: round(v, 3) for t, v in mean_f1.items()}, best
    )
    results: dict = {"threshold": best, "min_words": MIN_WORDS, "dev_f1": mean_f1, "splits": {}}
    for name, build in (
        ("QMSum test (meetings 1, 3, 5)", lambda s: qmsum_fixture(1, s)),
        ("Thai SIB-200", lambda s: sib_fixture("tha_Thai", s)),
        ("Vietnamese SIB-200", lambda s: sib_fixture("vie_Latn", s)),
    ):
        runs = []
        for s in args.seeds:
            df = build(s)
            runs.append(
                (df, score(df, mark_campaigns(as_passages(df), best, MIN_WORDS)[S.CAMPAIGN_ID]))
            )
        kinds = sorted({k for _, r in runs for k in r["per_kind"]})
        results["splits"][name] = {
            "items": int(np.mean([len(d) for d, _ in runs])),
            "precision": round(float(np.mean([r["precision"] for _, r in runs])), 4),
            "recall": round(float(np.mean([r["recall"] for _, r in runs])), 4),
            "per_kind": {
                k: {
                    m: round(float(np.mean([r["per_kind"][k][m] for _, r in runs])), 1)
                    for m in runs[0][1]["per_kind"][k]
                }
                for k in kinds
            },
            "similarity to template (min, p10, median, p90, max)": similarities(runs[0][0]),
        }
    results["timing"] = timing(args.sizes, best)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval_campaigns.json").write_text(json.dumps(results, indent=2, default=float))
    (args.out / "eval_campaigns.md").write_text(markdown(results))
    print(markdown(results))
    return 0


def markdown(res: dict) -> str:
    lines = [
        f"Threshold chosen on dev (QMSum meetings 0, 2, 4; best mean pairwise F1 grouping at "
        f"most 1% of heavy edits and of unrelated answers): "
        f"**{res['threshold']}** (Jaccard of 3-word shingles; min {res['min_words']} words)",
        "",
        "| dev threshold | " + " | ".join(f"{t:.2f}" for t in res["dev_f1"]) + " |",
        "|---|" + "---:|" * len(res["dev_f1"]),
        "| mean pairwise F1 | " + " | ".join(f"{v:.3f}" for v in res["dev_f1"].values()) + " |",
        "",
        "| fixture | items | precision | recall |",
        "|---|---:|---:|---:|",
    ]
    for name, r in res["splits"].items():
        lines.append(f"| {name} | {r['items']} | {r['precision']:.3f} | {r['recall']:.3f} |")
    for name, r in res["splits"].items():
        lines += ["", f"{name}, per kind of item:", "", "| kind | metric | % |", "|---|---|---:|"]
        for k, m in r["per_kind"].items():
            for metric, v in m.items():
                lines.append(f"| {k} | {metric} | {v} |")
        lines += ["", "| edit | similarity to template: min, p10, median, p90, max |", "|---|---|"]
        for k, q in r["similarity to template (min, p10, median, p90, max)"].items():
            lines.append(f"| {k} | {', '.join(f'{v:.2f}' for v in q)} |")
    lines += ["", "| passages | wall s | CPU s | in campaigns |", "|---:|---:|---:|---:|"]
    for t in res["timing"]:
        lines.append(
            f"| {t['passages']} | {t['seconds']} | {t['cpu seconds']} | {t['in campaigns']} |"
        )
    if len(res["timing"]) >= 2:
        a, b = res["timing"][0], res["timing"][-1]
        ratio = b["cpu seconds"] / a["cpu seconds"] if a["cpu seconds"] else float("nan")
        lines.append(
            f"\nCPU time ratio {b['passages']} / {a['passages']} passages: {ratio:.1f} "
            f"(size ratio {b['passages'] / a['passages']:.0f}; quadratic would be "
            f"{(b['passages'] / a['passages']) ** 2:.0f})"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
