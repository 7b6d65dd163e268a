"""Calibration of unknown process parameters to observed pass/fail counts.

The seed network reports 117 of 120 modulators working (6 per chip, 20 chips
from one 3-inch wafer). With the parametric pass probability ``p_t`` of each
modulator type ``t`` from the Monte Carlo and its critical area ``A_t``, the
probability that a modulator works is

``P(D0) = sum_t w_t p_t Y(D0, A_t)``,  ``Y = exp(-D0 A)`` (Poisson) or
``(1 + D0 A / alpha)^-alpha`` (negative binomial),

``w_t`` the share of type ``t`` among the observed modulators. The count is
binomial in ``P(D0)`` (pooled over types; the observation does not say which
types failed). ``D0`` is the maximum-likelihood estimate; its 95 % interval is
the profile-likelihood (likelihood-ratio) interval
``2 [l(D0_hat) - l(D0)] <= chi2_1(0.95) = 3.841``; the Fisher (observed
information) standard error is reported too.

This is a *calibration*: the default run's modulator yield reproduces the
published 97.5 % because D0 is fitted to it, it is not an independent
prediction. What the calibrated model predicts is everything else: other
device types, chip yields, other die sizes, device counts and wafer sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import brentq, minimize_scalar

CHI2_1_95 = 3.841458820694124


@dataclass(frozen=True)
class Calibration:
    parameter: str
    value: float
    ci95: tuple[float, float]
    se_fisher: float | None
    observed: tuple[int, int]
    method: str = "maximum likelihood, 95 % profile-likelihood interval"

    def to_json(self) -> dict:
        return {"value": self.value, "ci95": list(self.ci95), "se_fisher": self.se_fisher,
                "observed": {"pass": self.observed[0], "total": self.observed[1]}, "method": self.method}


def _loglik(p: float, k: int, n: int) -> float:
    p = min(max(p, 1e-300), 1 - 1e-16)
    return k * np.log(p) + (n - k) * np.log1p(-p)


def fit_d0(k: int, n: int, pass_prob: Callable[[float], float], d0_max: float = 1e4,
           parameter: str = "d0_per_cm2") -> Calibration:
    """MLE of D0 from ``k`` passes out of ``n`` given ``pass_prob(D0)`` (decreasing in D0)."""
    if not (0 <= k <= n and n > 0):
        raise ValueError(f"observed {k}/{n}: need 0 <= pass <= total and total > 0")
    ll = lambda d0: _loglik(pass_prob(d0), k, n)  # noqa: E731
    if pass_prob(0.0) <= k / n:
        d_hat = 0.0          # parametric losses alone explain (or exceed) the observed failures
    elif k == 0:
        d_hat = d0_max
    else:
        # P(D0) = k/n has a root; the likelihood is unimodal in P, hence in D0
        d_hat = brentq(lambda d: pass_prob(d) - k / n, 0.0, d0_max, xtol=1e-12, rtol=1e-12)
        res = minimize_scalar(lambda d: -ll(d), bounds=(max(0.0, d_hat * 0.5), d_hat * 1.5 + 1e-9),
                              method="bounded", options={"xatol": 1e-10})
        if -res.fun > ll(d_hat):
            d_hat = float(res.x)
    l_hat = ll(d_hat)
    g = lambda d: 2 * (l_hat - ll(d)) - CHI2_1_95  # noqa: E731
    lo = 0.0 if d_hat == 0 or g(0.0) <= 0 else brentq(g, 0.0, d_hat, xtol=1e-12)
    hi = d0_max if g(d0_max) <= 0 else brentq(g, d_hat, d0_max, xtol=1e-12)
    se = None
    if d_hat > 0:
        h = max(d_hat * 1e-3, 1e-9)
        info = -(ll(d_hat + h) - 2 * l_hat + ll(d_hat - h)) / h**2
        se = float(1 / np.sqrt(info)) if info > 0 else None
    return Calibration(parameter, float(d_hat), (float(lo), float(hi)), se, (k, n))


def parse_observed(text: str) -> tuple[int, int]:
    """``"117/120"`` -> (117, 120); ValueError naming the rule otherwise."""
    parts = str(text).split("/")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"--observed {text!r}: expected PASS/TOTAL with non-negative integers, e.g. 117/120")
    k, n = int(parts[0]), int(parts[1])
    if n == 0 or k > n:
        raise ValueError(f"--observed {text!r}: need 0 <= PASS <= TOTAL and TOTAL > 0")
    return k, n
