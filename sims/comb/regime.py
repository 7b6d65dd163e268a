"""Comb-state classification from the field and its stability (no parameter thresholds).

A state is classified from the simulated field itself:
1. stationarity: the line spectrum |psi_mu|^2 (translation invariant, so a
   drifting pulse still counts as stationary) at the end of a run against
   a snapshot ``window`` earlier; a changing spectrum -> "chaotic" (this includes
   breathers; the run reports the measured change);
2. for a stationary state, Newton-Krylov polishes it to a root of the LLE and the
   dense Jacobian gives the leading eigenvalue (stable if <= 0 within tolerance);
3. the shape of |psi|^2: no modulation -> "cw"; a localised dip on a high
   background (the median is near the maximum) -> "dark_pulse"; a localised
   peak on a low background (the median near the minimum) -> "bright_soliton";
   an extended periodic pattern (median in between) -> "turing". In normal
   dispersion a localised peak is the same object as a dark pulse seen from the
   other side (a pair of switching waves bounding an upper-state domain, i.e. a
   wide dark pulse / platicon: Parra-Rivas et al., Opt. Lett. 41, 2402 (2016);
   H. Wang et al., arXiv:2103.10422); bright solitons need anomalous dispersion
   (Godey et al., PRA 89, 063814 (2014)), so there it is named "dark_pulse".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Relative change of the line spectrum below which a state counts as stationary
#: (numerical noise of the adaptive split-step at rtol 1e-6 is ~1e-6).
STATIONARY_RTOL = 1e-3
#: |psi|^2 modulation depth (max - min)/mean below which the field is a CW state.
CW_DEPTH = 1e-3


@dataclass
class Classification:
    regime: str
    stationary: bool
    spectrum_change: float
    stable: bool | None
    leading_eigenvalue: float | None
    rho_mean: float
    rho_min: float
    rho_max: float

    def to_json(self) -> dict:
        return dict(self.__dict__)


def spectrum_change(psi_a: np.ndarray, psi_b: np.ndarray) -> float:
    """Relative change of the line spectrum |psi_mu|^2 between two snapshots."""
    sa, sb = np.abs(np.fft.fft(psi_a)) ** 2, np.abs(np.fft.fft(psi_b)) ** 2
    return float(np.linalg.norm(sa - sb) / max(np.linalg.norm(sb), 1e-300))


def shape_regime(psi: np.ndarray, normal: bool = False) -> str:
    """cw / dark_pulse / bright_soliton / turing from the |psi|^2 profile of a stationary state.

    ``normal``: normal dispersion, where a localised peak is a wide dark pulse (module docstring).
    """
    i = np.abs(psi) ** 2
    lo, hi, med = float(i.min()), float(i.max()), float(np.median(i))
    if (hi - lo) / max(float(i.mean()), 1e-300) < CW_DEPTH:
        return "cw"
    pos = (med - lo) / (hi - lo)
    if pos > 0.75:
        return "dark_pulse"
    if pos < 0.25:
        return "dark_pulse" if normal else "bright_soliton"
    return "turing"


def is_normal(d_int: np.ndarray) -> bool:
    """Normal dispersion at the pump: d_int(1) + d_int(-1) < 0 (FFT order)."""
    d = np.asarray(d_int, float)
    return bool(d[1] + d[-1] < 0)


def classify(psi_end: np.ndarray, psi_before: np.ndarray, *, f: float, zeta: float, d_int: np.ndarray,
             check_stability: bool = True) -> Classification:
    """Classify the state ``psi_end`` (with ``psi_before`` a window earlier in the same run)."""
    from weiming.sims.comb.steady import leading_eigenvalue, newton_stationary

    change = spectrum_change(psi_end, psi_before)
    stationary = change < STATIONARY_RTOL
    i = np.abs(psi_end) ** 2
    stable = lam = None
    regime = "chaotic"
    if stationary:
        psi = psi_end
        if check_stability:
            root, v, ok = newton_stationary(psi_end, f=f, zeta=zeta, d_int=d_int)
            if ok:
                psi = root
                lam = leading_eigenvalue(root, zeta, d_int, v)
                stable = lam < 1e-6
        regime = shape_regime(psi, normal=is_normal(d_int))
        if stable is False:
            regime = "chaotic"  # an unstable stationary point is not an operating state
    return Classification(regime, stationary, change, stable, lam, float(i.mean()), float(i.min()), float(i.max()))
