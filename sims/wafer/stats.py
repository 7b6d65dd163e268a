"""Binomial intervals and defect-limited yield formulas (the statistics that the tests check).

- Wilson score interval: E. B. Wilson, JASA 22, 209 (1927).
- Clopper-Pearson exact interval: Clopper & Pearson, Biometrika 26, 404 (1934).
- Poisson defect yield ``exp(-D0 A)`` and the negative-binomial (clustered)
  yield ``(1 + D0 A / alpha)^-alpha``: C. H. Stapper, "Modeling of integrated
  circuit defect sensitivities", IBM J. Res. Dev. 27, 549 (1983).
"""

from __future__ import annotations

import numpy as np
from scipy import stats as _st

Z95 = 1.959963984540054


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion ``k/n`` (default 95 %)."""
    if n <= 0:
        return (0.0, 1.0)
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (float(max(0.0, centre - half)), float(min(1.0, centre + half)))


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (conservative) binomial interval."""
    a = 1 - level
    lo = 0.0 if k == 0 else float(_st.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(_st.beta.ppf(1 - a / 2, k + 1, n - k))
    return (lo, hi)


def poisson_yield(d0_per_cm2, area_cm2):
    """Probability of zero killer defects in ``area_cm2`` at density ``d0_per_cm2``."""
    return np.exp(-np.asarray(d0_per_cm2) * np.asarray(area_cm2))


def negbin_yield(d0_per_cm2, area_cm2, alpha: float):
    """Clustered-defect yield (Gamma-mixed Poisson with shape ``alpha``; alpha -> inf is Poisson)."""
    return (1 + np.asarray(d0_per_cm2) * np.asarray(area_cm2) / alpha) ** (-alpha)
