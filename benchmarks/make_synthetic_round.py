"""Write a realistic synthetic consultation round of about N passages, for benchmarks.

Same vendor layouts and content bank as the bundled sample round (`scripts/make_sample_round.py`):
most passages come from survey exports (CSV files up to 5,000 respondents, a bounded share of
XLSX up to 1,000), the rest from workshop notes (.md, some .docx) and transcripts (.vtt, some
.docx). Deterministic for a given seed. 100k passages take a few seconds.

    python benchmarks/make_synthetic_round.py 10000 raw/synthetic-10k [--seed 0]
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from make_sample_round import (  # noqa: E402
    GOOGLE_QUESTIONS,
    KOBO_QUESTIONS,
    MS_QUESTIONS,
    SM_QUESTIONS,
    Breakout,
    Rates,
    count_passages,
    make_respondents,
    transcript_turns,
    workshop_blocks,
    workshop_meta,
    write_google_csv,
    write_kobo_csv,
    write_manifest,
    write_ms_forms_xlsx,
    write_surveymonkey_xlsx,
    write_transcript_docx,
    write_vtt,
    write_workshop_docx,
    write_workshop_md,
)
from sample_content import COUNTRY_NAME, ISO3, THEMES, fake_person  # noqa: E402

log = logging.getLogger(__name__)

SHARES = {"survey": 0.86, "workshop": 0.08, "transcript": 0.06}
# vendor, writer, questions, extension, max respondents per file
VENDORS = [
    ("google-forms", write_google_csv, GOOGLE_QUESTIONS, "csv", 5000),
    ("kobo", write_kobo_csv, KOBO_QUESTIONS, "csv", 5000),
    ("ms-forms", write_ms_forms_xlsx, MS_QUESTIONS, "xlsx", 1000),
    ("google-forms", write_google_csv, GOOGLE_QUESTIONS, "csv", 5000),
    ("surveymonkey", write_surveymonkey_xlsx, SM_QUESTIONS, "xlsx", 1000),
    ("kobo", write_kobo_csv, KOBO_QUESTIONS, "csv", 5000),
]
PASSAGES_PER_RESPONDENT = 2.55  # measured mean with the default Rates (3 questions, one optional)
WORKSHOP_FILE = 150  # passages per workshop notes file
TRANSCRIPT_FILE = 180  # turns per transcript


def _surveys(outdir: Path, target: int, seed: int, files: dict[str, int], manifest: list) -> None:
    est_resp = math.ceil(target / PASSAGES_PER_RESPONDENT)
    per_file = max(20, math.ceil(est_resp / len(VENDORS)))
    done, i = 0, 0
    while done < target:
        vendor, writer, qs, ext, cap = VENDORS[i % len(VENDORS)]
        rel = f"surveys/{i + 1:03d}-{vendor}-export.{ext}"
        rng = random.Random(f"{seed}:{rel}")
        want = target - done
        n = min(cap, per_file, math.ceil(want / PASSAGES_PER_RESPONDENT) + 2)
        rs = make_respondents(
            rng, n, qs, Rates(campaign_pairs=1), "variants", i % 3, short_answers=vendor == "kobo"
        )
        # trim respondents so the round lands close to the target
        while len(rs) > 1 and done + count_passages(rs) - count_passages(rs[-1:]) >= target:
            rs.pop()
        writer(outdir / rel, rng, rs, qs)
        files[rel] = count_passages(rs)
        done += files[rel]
        manifest.append({"file": rel, "event": "Online stakeholder survey", "language": "en"})
        i += 1


def _workshops(outdir: Path, target: int, seed: int, files: dict[str, int], manifest: list) -> None:
    done, i = 0, 0
    while done < target:
        rng = random.Random(f"{seed}:workshop:{i}")
        iso = ISO3[i % len(ISO3)]
        size = min(WORKSHOP_FILE, target - done)
        n_breakouts = max(1, round(size / 6))  # ~6 passages per breakout (2 questions x 3)
        sessions = []
        for s in range(math.ceil(n_breakouts / 4)):
            bs = [
                Breakout(f"Breakout group {chr(65 + b)}", [t.key for t in rng.sample(THEMES, 3)])
                for b in range(min(4, n_breakouts - 4 * s))
            ]
            sessions.append((f"Session {s + 1}", bs))
        blocks = workshop_blocks(rng, iso, sessions)
        # drop passages past the target so totals stay close to N
        kept, n = [], 0
        for kind, text in blocks:
            if kind in ("bullet", "para"):
                if n >= size:
                    continue
                n += 1
            kept.append((kind, text))
        city = COUNTRY_NAME[iso]
        meta = workshop_meta(
            iso,
            f"2024-{7 + i % 5:02d}-{1 + i % 27:02d}",
            "Government, private sector, civil society",
            f"National workshop {i + 1}, {city}",
        )
        docx_file = i % 4 == 3
        rel = f"workshops/{i + 1:03d}-workshop-notes.{'docx' if docx_file else 'md'}"
        write = write_workshop_docx if docx_file else write_workshop_md
        files[rel] = write(outdir / rel, meta, kept)
        done += files[rel]
        manifest.append(
            {
                "file": rel,
                "country": city,
                "stakeholder_group": "multi-stakeholder",
                "event": meta[3][len("Event: ") :],
                "date": meta[1][len("Date: ") :],
                "language": "en",
            }
        )
        i += 1


def _transcripts(
    outdir: Path, target: int, seed: int, files: dict[str, int], manifest: list
) -> None:
    done, i = 0, 0
    while done < target:
        rng = random.Random(f"{seed}:transcript:{i}")
        iso = ISO3[(i + 3) % len(ISO3)]
        fac = f"{fake_person(rng, iso)[0]} ({'Facilitator' if i % 2 else 'Moderator'})"
        themes = [t.key for t in rng.sample(THEMES, 6)]
        n_turns = max(3, min(TRANSCRIPT_FILE, target - done) - 1)  # +1 closing turn
        turns = transcript_turns(rng, iso, fac, themes, n_turns)
        docx_file = i % 4 == 3
        rel = f"transcripts/{i + 1:03d}-national-consultation.{'docx' if docx_file else 'vtt'}"
        if docx_file:
            write_transcript_docx(
                outdir / rel, f"National consultation {i + 1}, {COUNTRY_NAME[iso]}", turns
            )
        else:
            write_vtt(outdir / rel, rng, turns)
        files[rel] = len(turns)
        done += len(turns)
        manifest.append(
            {
                "file": rel,
                "country": COUNTRY_NAME[iso],
                "stakeholder_group": "multi-stakeholder",
                "event": f"National consultation {i + 1}",
                "language": "en",
            }
        )
        i += 1


SIB = Path(__file__).resolve().parents[2] / "shared" / "data" / "sib200-asean"
NATIONAL = {
    "ind_Latn": "IDN",
    "zsm_Latn": "MYS",
    "vie_Latn": "VNM",
    "tha_Thai": "THA",
    "khm_Khmr": "KHM",
    "lao_Laoo": "LAO",
    "mya_Mymr": "MMR",
    "tgl_Latn": "PHL",
}


def _national_surveys(
    outdir: Path, target: int, seed: int, files: dict[str, int], manifest: list
) -> None:
    """Answers in the eight non-English languages (SIB-200 sentences, distinct texts), one
    survey export per language, language left to detection as in a real mixed round."""
    import pandas as pd

    per = -(-target // len(NATIONAL))
    for k, (folder, iso3) in enumerate(NATIONAL.items()):
        n = min(per, target - k * per)
        if n <= 0:
            break
        texts = pd.concat(
            [pd.read_csv(SIB / folder / f"{s}.tsv", sep="\t")["text"] for s in ("train", "dev")]
        ).tolist()
        random.Random(f"{seed}:{folder}").shuffle(texts)
        rel = f"surveys/national-{folder[:3]}-survey.csv"
        with (outdir / rel).open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["Timestamp", "Country", "What should the plan do to improve connectivity?"])
            for i in range(n):
                w.writerow([f"2026/03/{1 + i % 28:02d} 10:00:00", iso3, texts[i % len(texts)]])
        files[rel] = n
        manifest.append({"file": rel, "event": "National consultation survey", "country": iso3})


def make_round(n_passages: int, outdir: Path, seed: int = 0, non_english: float = 0.0) -> dict:
    """Write a round of about `n_passages` passages; returns {"passages", "files": {relpath: n}}.

    Passages are what ingest should keep: non-empty, non-non-answer survey cells, note
    paragraphs and bullets, transcript turns (facilitator turns included). `non_english` is the
    share of passages written as national surveys in the eight other languages.
    """
    outdir = Path(outdir)
    for sub in ("surveys", "workshops", "transcripts"):
        (outdir / sub).mkdir(parents=True, exist_ok=True)
    n_national = round(n_passages * non_english)
    n_english = n_passages - n_national
    targets = {k: max(1, round(n_english * v)) for k, v in SHARES.items()}
    targets["survey"] = max(1, n_english - targets["workshop"] - targets["transcript"])
    files: dict[str, int] = {}
    manifest: list[dict[str, str]] = []
    _surveys(outdir, targets["survey"], seed, files, manifest)
    if n_national:
        _national_surveys(outdir, n_national, seed, files, manifest)
    _workshops(outdir, targets["workshop"], seed, files, manifest)
    _transcripts(outdir, targets["transcript"], seed, files, manifest)
    write_manifest(outdir / "manifest.csv", manifest)
    return {"passages": sum(files.values()), "files": files}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of passages, e.g. 1000, 10000, 100000")
    ap.add_argument("outdir", type=Path, help="round folder to write, e.g. raw/synthetic-10k")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--non-english",
        type=float,
        default=0.0,
        help="share of passages in the eight other languages (e.g. 0.3)",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    out = make_round(args.n, args.outdir, args.seed, args.non_english)
    sys.stdout.write(
        f"wrote {args.outdir}: {out['passages']} passages in {len(out['files'])} files "
        f"({time.perf_counter() - t0:.1f} s)\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
