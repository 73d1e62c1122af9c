"""The "Round comparison" sheet read back: priorities with intervals and colours, thin groups
marked and not coloured, the chart, themes and faded themes."""

from __future__ import annotations

import zipfile

import numpy as np
from openpyxl import load_workbook

from consult import schema as S
from consult.compare.priorities import count_round
from consult.compare.result import compare_rounds
from consult.compare.themes import match_themes, theme_set
from consult.report.comparison import DOWN, UP, write_comparison_workbook
from consult.reviews import rules as reviews
from tests.support.report_fakes import FakeCodebook, make_passages


def _themes(name, sizes: dict[int, int], seed: int):
    rng = np.random.default_rng(seed)
    base = np.linalg.qr(np.random.default_rng(0).normal(size=(16, 16)))[0]
    X = np.vstack([base[t] + 0.05 * rng.normal(size=(n, 16)) for t, n in sizes.items()])
    ids = [t for t, n in sizes.items() for _ in range(n)]
    labels = {t: f"theme about {t}" for t in sizes}
    return theme_set(name, ids, X, np.ones(len(ids), bool), labels, space="t")


def _comparison():
    cb = FakeCodebook()
    before = reviews.apply_reviews(make_passages(60), None)
    after = reviews.apply_reviews(make_passages(60), None)
    after[S.FINAL_PRIORITIES] = after[S.FINAL_PRIORITIES].where(after.index % 3 != 0, "P2")
    after.loc[[0, 1, 2], S.COUNTRY] = "SGP"
    tb, ta = _themes("r1", {0: 20, 1: 30, 2: 10}, 1), _themes("r2", {0: 25, 1: 20, 3: 15}, 2)
    return compare_rounds(
        count_round(before, cb, "r1"),
        count_round(after, cb, "r2"),
        themes_before=tb,
        themes_after=ta,
        matches=match_themes(tb, ta),
        min_group_passages=5,
    )


def _rows(ws):
    return [[c for c in row] for row in ws.iter_rows()]


def test_sheet_shows_changes_intervals_colours_and_themes(tmp_path):
    c = _comparison()
    path = write_comparison_workbook(tmp_path / "cmp.xlsx", c)
    ws = load_workbook(path)["Round comparison"]
    cells = {(cell.row, cell.column): cell for row in ws.iter_rows() for cell in row}
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    head = next(i for i, r in enumerate(values) if r[0] == "Priority ID")
    assert values[head][:10] == [
        "Priority ID",
        "Priority",
        "Passages r1",
        "Share r1",
        "Passages r2",
        "Share r2",
        "Change (pp)",
        "95% low (pp)",
        "95% high (pp)",
        "Significant",
    ]
    by_id = {r[0]: r for r in values[head + 1 : head + 6]}
    p2 = by_id["P2"]
    assert p2[6] > 0 and p2[9] == "yes"
    # values[i] is sheet row i + 1; P2 is the second priority
    assert cells[(head + 3, 7)].fill.fgColor.rgb.endswith(UP.fgColor.rgb[-6:])
    for r in by_id.values():  # the interval holds the change
        assert r[7] <= r[6] <= r[8]
    falls = [k for k, r in by_id.items() if r[9] == "yes" and r[6] < 0]
    for k in falls:
        row = head + 2 + list(by_id).index(k)
        assert cells[(row, 7)].fill.fgColor.rgb.endswith(DOWN.fgColor.rgb[-6:])
    # Member State grid: SGP is new and thin: "too few", never coloured
    grid = next(i for i, r in enumerate(values) if r[0] == "Member State")
    sgp = next(i for i in range(grid, len(values)) if values[i][0] == "SGP")
    assert values[sgp][3:8] == ["too few"] * 5
    assert all(cells[(sgp + 1, col)].fill.fgColor.rgb in ("00000000", None) for col in range(4, 9))
    # themes: two continue, one is new, one faded
    flat = [str(v) for r in values for v in r if v is not None]
    assert sum(v.startswith("continuing (was T") for v in flat) == 2
    assert "new" in flat
    faded = next(i for i, r in enumerate(values) if str(r[0]).startswith("Faded"))
    assert values[faded + 2][:2] == [2, "theme about 2"]
    assert any(str(v).startswith("Detail") for v in flat)
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())
