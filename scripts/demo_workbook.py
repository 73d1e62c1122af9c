"""Write a demo reviewer workbook from the test fixtures, to look at with render_workbook.sh.

Usage: python scripts/demo_workbook.py OUT_DIR
Then:  scripts/render_workbook.sh OUT_DIR/consultation-summary-demo.xlsx
The demo has hostile answers (=, +, -, @), a 40,000-character answer, reviewer decisions (one
with an unknown priority, one whose passage vanished) so every part of the workbook shows.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "report"))

from report_fakes import (  # noqa: E402
    HOSTILE,
    FakeCodebook,
    make_files,
    make_passages,
    make_priority_quotes,
    make_rejected,
    make_run_info,
    make_scores,
    make_themes,
)

from consult import schema  # noqa: E402
from consult.report.export import write_tables  # noqa: E402
from consult.report.workbook import ReportData, write_workbook  # noqa: E402
from consult.reviews import rules as reviews  # noqa: E402
from consult.workspace import workbook_name  # noqa: E402


def main(out: Path) -> Path:
    try:
        from consult.tagging.codebook import load_codebook

        cb = load_codebook()  # the bundled codebook: real labels, real number of priorities
    except Exception:  # noqa: BLE001 - the demo still works with the test stand-in
        cb = FakeCodebook()
    ids = [p.id for p in cb.priorities]
    passages = make_passages(60, round_name="demo", extra_texts=HOSTILE + ["x" * 40_000])
    passages[schema.PRIORITIES] = [
        ""
        if st == "no-fit"
        else ids[(i * 7) % len(ids)] + (f";{ids[i % len(ids)]}" if i % 4 == 0 else "")
        for i, st in enumerate(passages[schema.TAG_STATUS])
    ]
    edits = pd_edits(
        [
            ("pid0001", cb.priorities[-1].label, "About inclusion"),
            ("pid0002", "none", ""),
            ("pid0003", f"{ids[2]}; bogus", ""),
            ("gone01", ids[0], "passage removed"),
        ]
    )
    store, problems = reviews.merge_reviews(None, edits, cb, "2026-11-27T10:00:00")
    tagged = reviews.apply_reviews(passages, store)
    data = ReportData(
        round="demo",
        passages=tagged,
        codebook=cb,
        run_at="2026-11-27T11:00:00",
        scores=make_scores(tagged, cb),
        themes=make_themes(),
        rejected=make_rejected(),
        files=make_files(),
        run_info=make_run_info(),
        priority_quotes=make_priority_quotes(tagged),
        orphaned=reviews.orphaned(tagged, store),
        agreement=reviews.agreement(tagged, cb),
        review_problems=problems,
    )
    path = write_workbook(out / workbook_name("demo"), data)
    write_tables(out, tagged, data.scores)
    return path


def pd_edits(rows):
    import pandas as pd

    return pd.DataFrame(
        [
            {
                schema.PASSAGE_ID: p,
                schema.REVIEWER_PRIORITIES: r,
                schema.REVIEWER_NOTE: n,
                schema.TEXT: "",
            }
            for p, r, n in rows
        ]
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(main(Path(sys.argv[1])))
