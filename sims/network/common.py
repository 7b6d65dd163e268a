"""Shared pieces of the rate models: binary entropy, the two-detector click model, phase slices, bounds.

Detection model (reference notes B1/B2, derived): the server's 50:50 beam
splitter sends the two clients' fields to detectors L and R; each detector
clicks with Poisson mean ``m`` plus an independent noise click of probability
``pd`` per gate, so P(no click) = ``(1 - pd) exp(-m)``; an *effective event*
is exactly one click.
"""

from __future__ import annotations

import numpy as np
from scipy.special import i0e

# Gauss-Legendre nodes for averaging over the relative phase inside a matched slice
_GL_X, _GL_W = np.polynomial.legendre.leggauss(8)


def h2(x) -> np.ndarray:
    """Binary entropy (bits); arguments are clipped to [0, 1/2] (an error rate above 1/2 is flipped away)."""
    x = np.clip(np.asarray(x, dtype=float), 1e-300, 0.5)
    return -x * np.log2(x) - (1 - x) * np.log2(1 - x)


def one_click(ma, mb, pd) -> np.ndarray:
    """Probability of exactly one click when the clients' received intensities are ``ma``, ``mb``
    (phase-randomised, independent phases): detectors see ``(ma + mb)/2 +- sqrt(ma mb) cos(phi)``;
    averaging ``exp(-x cos phi)`` over phi gives ``I0(x)``:

    ``n = 2 (1 - pd) exp(-(ma + mb)/2) I0(sqrt(ma mb)) - 2 (1 - pd)^2 exp(-(ma + mb))``
    (written with ``i0e`` = exp(-x) I0(x) for numerical range).
    """
    ma, mb = np.asarray(ma, dtype=float), np.asarray(mb, dtype=float)
    x = np.sqrt(ma * mb)
    return (2 * (1 - pd) * i0e(x) * np.exp(-0.5 * (np.sqrt(ma) - np.sqrt(mb)) ** 2)
            - 2 * (1 - pd) ** 2 * np.exp(-(ma + mb)))


def slice_average(fn, slices: int):
    """Average ``fn(delta)`` over a relative phase uniform in ``[-pi/slices, pi/slices]`` (the mismatch
    kept by matched phase slices), by 8-point Gauss-Legendre quadrature on a new trailing axis."""
    half = np.pi / slices
    d = half * _GL_X
    vals = fn(d)
    return vals @ (_GL_W / 2)


def matched_clicks(m, pd, e_d, slices: int):
    """Error and total effective-event probabilities when both fields (received ``m`` each) arrive with
    matched phases: the right detector sees ``m (1 + cos delta)``, the wrong one ``m (1 - cos delta)``;
    a fraction ``e_d`` (misalignment) swaps them. Returns ``(errors, total)``."""
    m = np.asarray(m, dtype=float)[..., None]
    pd_ = np.asarray(pd, dtype=float)[..., None]
    ed = np.asarray(e_d, dtype=float)[..., None]

    def err_cor(delta):
        c = np.cos(delta)
        no_r = (1 - pd_) * np.exp(-m * (1 + c))
        no_w = (1 - pd_) * np.exp(-m * (1 - c))
        err = no_r * (1 - no_w)
        cor = no_w * (1 - no_r)
        return np.stack(np.broadcast_arrays((1 - ed) * err + ed * cor, err + cor))

    out = slice_average(err_cor, slices)
    return out[0], out[1]


def single_photon_phase_error(e_d, slices: int):
    """Error probability of a single photon in a matched-slice window: wrong port with ``sin^2(delta/2)``,
    swapped by the misalignment ``e_d``."""
    ed = np.asarray(e_d, dtype=float)[..., None]
    return slice_average(lambda d: (1 - ed) * np.sin(d / 2) ** 2 + ed * np.cos(d / 2) ** 2, slices)


def chernoff_upper(x, xi: float):
    """Upper bound on the expected value behind an observed count ``x`` (failure ``xi``), multiplicative
    Chernoff bound ``P(X <= (1 - d) mu) <= exp(-d^2 mu / 3)`` taken conservatively
    (Chernoff, Ann. Math. Stat. 23, 493 (1952); as used in SNS finite-key analyses, Jiang et al.,
    PR Applied 12, 024061 (2019))."""
    x = np.maximum(np.asarray(x, dtype=float), 0)
    return x + np.sqrt(3 * x * np.log(1 / xi))


def chernoff_lower(x, xi: float):
    """Lower bound counterpart of :func:`chernoff_upper` (never below 0)."""
    x = np.maximum(np.asarray(x, dtype=float), 0)
    return np.maximum(x - np.sqrt(3 * x * np.log(1 / xi)), 0)


def sampling_gap(n, k, lam, eps: float):
    """Random-sampling deviation between a phase error measured on ``n`` events and the one on ``k``
    events (Fung, Ma, Chau, PRA 81, 012318 (2010), as used for SNS by Jiang et al. 2019)."""
    n, k = np.maximum(n, 1.0), np.maximum(k, 1.0)
    lam = np.clip(lam, 1e-12, 0.5)
    arg = (n + k) / (n * k * lam * (1 - lam) * eps ** 2)
    return np.sqrt(np.maximum((n + k) * (1 - lam) * lam / (n * k * np.log(2)) * np.log2(np.maximum(arg, 1.0)), 0))
