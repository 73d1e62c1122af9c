"""The 95% interval for a change in share between two rounds.

Which interval, and why: Newcombe's hybrid score interval for a difference of two independent
proportions (Newcombe 1998, method 10), built from each round's Wilson score interval, with each
round's passage count replaced by its *effective* size, the count divided by the design effect of
passages clustered in respondents.

- Wilson-based, so it stays honest at the counts consultations produce: with 0 of 40 passages
  it still says the share could be up to 9%, where the textbook (Wald) interval collapses to a
  point, and it never leaves [-100, +100] percentage points.
- Passages are not independent: one survey respondent answers several questions, one workshop's
  notes share one discussion. The design effect (the variance of a share estimated over those
  clusters, divided by the variance if every passage were independent; never below 1) widens the
  interval by exactly that much. A bootstrap over respondents would capture the same clustering,
  but it collapses to a zero-width interval when a priority has no passages in a round, and it
  costs thousands of resamples per cell.
- Closed form: the same inputs give the same interval, at no measurable cost.

A change is `significant` when its interval excludes 0.
"""

from __future__ import annotations

import numpy as np

Z95 = 1.959963984540054  # two-sided 95%


def wilson(x, n, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for x successes in n trials (both may be fractional: effective
    counts). n = 0 gives the whole range [0, 1]: nothing is known."""
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, x / n, 0.0)
        z2 = z * z
        denom = 1.0 + z2 / n
        centre = (p + z2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    lo = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    hi = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    # exact at the edges (rounding would otherwise leave 1e-17 where the share is 0)
    lo = np.where((n > 0) & (x <= 0), 0.0, lo)
    hi = np.where((n > 0) & (x >= n), 1.0, hi)
    return lo, hi


def change_interval(
    x_before, n_before, x_after, n_after, deff_before=1.0, deff_after=1.0, z: float = Z95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(change, low, high) of share_after - share_before, as proportions (not points).

    Newcombe's hybrid score interval on effective counts x/deff of n/deff. Where a round has no
    passages the change is NaN and so is its interval.
    """
    xb, nb = np.asarray(x_before, dtype=float), np.asarray(n_before, dtype=float)
    xa, na = np.asarray(x_after, dtype=float), np.asarray(n_after, dtype=float)
    db = np.maximum(np.asarray(deff_before, dtype=float), 1.0)
    da = np.maximum(np.asarray(deff_after, dtype=float), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pb = np.where(nb > 0, xb / nb, np.nan)
        pa = np.where(na > 0, xa / na, np.nan)
    lb, ub = wilson(xb / db, nb / db, z)
    la, ua = wilson(xa / da, na / da, z)
    d = pa - pb
    low = d - np.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
    high = d + np.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
    return d, np.clip(low, -1.0, 1.0), np.clip(high, -1.0, 1.0)


def significant(low, high) -> np.ndarray:
    """The interval excludes 0 (NaN intervals are never significant)."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return (np.nan_to_num(low, nan=0.0) > 0) | (np.nan_to_num(high, nan=0.0) < 0)


def design_effect(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Design effect of a share estimated over clusters, per column of `y`.

    `y` (clusters x priorities): passages with the priority in each cluster; `m` (clusters):
    passages in each cluster. The variance of the ratio estimate over clusters (linearised,
    with the k/(k-1) correction) is divided by the binomial variance p(1-p)/n. Bounded below by
    1 (never narrower than independent passages) and above by the weighted mean cluster size
    sum(m^2)/n, the design effect when a cluster always agrees with itself. 1 where it cannot
    be estimated: fewer than two clusters, or a share of 0 or 1.
    """
    y = np.asarray(y, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    m = np.asarray(m, dtype=float)
    keep = m > 0
    y, m = y[keep], m[keep]
    k, n = int(m.size), float(m.sum())
    out = np.ones(y.shape[1])
    if k < 2 or n <= 0:
        return out
    p = y.sum(axis=0) / n
    resid = y - np.outer(m, p)
    var_cluster = k / (k - 1) * (resid**2).sum(axis=0) / (n * n)
    var_binom = p * (1 - p) / n
    ok = var_binom > 0
    bound = float((m * m).sum() / n)
    out[ok] = np.clip(var_cluster[ok] / var_binom[ok], 1.0, max(bound, 1.0))
    return out
