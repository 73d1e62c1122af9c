"""Fit the linear map that carries multilingual-e5-small vectors into the bundled English model's
space, and write it to `src/consult/data/maps/`.

Why: English passages stay on the fast English model, the other languages go to e5; tagging,
themes and quotes then need one space. A ridge map from e5 to MiniLM, fitted on pairs (e5 of a
sentence in any of the nine languages -> MiniLM of its English original), puts a Thai passage
where its English translation would sit, so the English codebook, thresholds and theme
clustering apply unchanged. Pairs come from the SIB-200 *train* split (parallel sentences) and,
for English-only breadth, QMSum committee turns; the dev split is kept for the benchmark.

    .venv/bin/python scripts/fit_language_map.py            # ~10 min on 2 cores (e5 is slow)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from consult.config import EmbeddingConfig  # noqa: E402
from consult.embedding.e5 import E5_MODEL  # noqa: E402
from consult.embedding.embed import EmbeddingCache, embed_texts, load_embedder  # noqa: E402
from consult.embedding.space import map_path  # noqa: E402

SIB = ROOT.parent / "shared" / "data" / "sib200-asean"
QMSUM = ROOT.parent / "shared" / "data" / "qmsum-committee" / "val.jsonl"
LANGS = [
    "eng_Latn",
    "ind_Latn",
    "zsm_Latn",
    "vie_Latn",
    "tha_Thai",
    "khm_Khmr",
    "lao_Laoo",
    "mya_Mymr",
    "tgl_Latn",
]


def qmsum_chunks(limit: int, seed: int = 0) -> list[str]:
    """Committee turns cut to <= 60 words: English consultation-like speech (MIT licence)."""
    out = []
    for line in QMSUM.read_text(encoding="utf-8").splitlines():
        for turn in json.loads(line)["meeting_transcripts"]:
            words = turn["content"].split()
            for i in range(0, len(words), 60):
                if len(words[i : i + 60]) >= 8:
                    out.append(" ".join(words[i : i + 60]))
    rng = np.random.default_rng(seed)
    return [out[i] for i in sorted(rng.choice(len(out), size=min(limit, len(out)), replace=False))]


def ridge(X: np.ndarray, Y: np.ndarray, lam: float) -> np.ndarray:
    return np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ Y)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lam", type=float, default=1.0, help="ridge penalty")
    ap.add_argument("--qmsum", type=int, default=1500, help="English QMSum chunks to add")
    ap.add_argument("--cache", default=str(ROOT / "outputs" / ".cache" / "embeddings"))
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cache = EmbeddingCache(args.cache)
    english = load_embedder(EmbeddingConfig())
    e5 = load_embedder(EmbeddingConfig(model=E5_MODEL))
    src, dst = [], []
    eng = pd.read_csv(SIB / "eng_Latn" / "train.tsv", sep="\t").set_index("index_id")
    target = embed_texts(eng["text"].tolist(), english, cache)[0]
    for lang in LANGS:
        df = pd.read_csv(SIB / lang / "train.tsv", sep="\t").set_index("index_id").loc[eng.index]
        src.append(embed_texts(df["text"].tolist(), e5, cache)[0])
        dst.append(target)
        logging.info("%s: %d pairs", lang, len(df))
    extra = qmsum_chunks(args.qmsum)
    src.append(embed_texts(extra, e5, cache)[0])
    dst.append(embed_texts(extra, english, cache)[0])
    X, Y = np.concatenate(src), np.concatenate(dst)
    W = ridge(X, Y, args.lam).astype(np.float32)
    Z = X @ W
    fit = np.mean(np.sum(Z / np.linalg.norm(Z, axis=1, keepdims=True) * Y, axis=1))
    # ridge shrinks its predictions towards the mean: mapped passages would sit closer together
    # than English ones and clump into one theme. Restore the target's spread around its mean.
    z_mean, y_mean = Z.mean(axis=0), Y.mean(axis=0)
    spread = np.linalg.norm(Y - y_mean, axis=1).mean() / np.linalg.norm(Z - z_mean, axis=1).mean()
    out = map_path(e5.name, english.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        W=W.astype(np.float16),
        source_mean=z_mean.astype(np.float32),
        target_mean=y_mean.astype(np.float32),
        spread=np.float32(spread),
        pairs=np.int64(len(X)),
        lam=args.lam,
    )
    logging.info(
        "Wrote %s: %d pairs, mean cosine to the target on the fitted pairs %.3f", out, len(X), fit
    )


if __name__ == "__main__":
    main()
