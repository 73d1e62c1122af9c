"""Write `src/consult/data/common_words_en.txt.gz`: English words written mostly in lower case.

Why: redaction replaces a learned name's single words ("Santos") only when they are not common
words, so "National", "Youth" or "Grace" in ordinary text are never turned into pseudonyms. A
word is common here when spaCy's English lexeme table (spacy-lookups-data, case-sensitive
log-probabilities) sees it often (log p > -14.5) and more often in lower case than capitalised:
"national", "grace" and "will" are common; "maria", "santos", "nguyen", "smith" are not.

    .venv/bin/python scripts/build_common_words.py      # ~3 s
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "consult" / "data" / "common_words_en.txt.gz"
MIN_LOGPROB = -14.5


def main() -> None:
    spec = importlib.util.find_spec("spacy_lookups_data")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    with gzip.open(data / "en_lexeme_prob.json.gz", "rt", encoding="utf-8") as fh:
        prob = json.load(fh)
    words = sorted(
        w
        for w, p in prob.items()
        if w.isalpha() and w.islower() and p > MIN_LOGPROB and p >= prob.get(w.capitalize(), -99.0)
    )
    with gzip.GzipFile(OUT, "wb", mtime=0) as fh:  # mtime=0: the same bytes on every build
        fh.write("\n".join(words).encode("utf-8"))
    print(f"{len(words)} words -> {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
