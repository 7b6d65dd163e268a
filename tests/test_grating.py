"""DBR grating: transfer matrix vs coupled-mode closed forms and vs 1D FDTD."""

from __future__ import annotations

import numpy as np
import pytest

from weiming.sims.devices import grating as g


@pytest.mark.parametrize("dn,n_periods", [(0.01, 300), (0.02, 500), (0.005, 1000)])
def test_tmm_peak_matches_tanh2_and_bragg_wavelength(dn, n_periods):
    # weak InP-like gratings (n ~ 3.2, dn << n): coupled-mode theory is accurate to O(dn/n)
    n_hi, n_lo = 3.21 + dn / 2, 3.21 - dn / 2
    period = g.period_for_um(1.55, n_hi, n_lo)
    wl = np.linspace(1.54, 1.56, 4001)
    r = g.tmm_reflection(wl, n_hi, n_lo, period, n_periods)
    assert r.max() == pytest.approx(g.peak_reflectivity(n_hi, n_lo, period, n_periods), rel=2e-3)
    assert wl[np.argmax(r)] == pytest.approx(g.bragg_wavelength_um(n_hi, n_lo, period), abs=2e-5)


def test_stopband_width_matches_coupled_mode_theory():
    # strong grating: first nulls at delta = +-sqrt(kappa^2 + (pi/L)^2) ~ bandwidth of CMT (Yariv ch. 13)
    n_hi, n_lo, n = 3.22, 3.20, 2000
    period = g.period_for_um(1.55, n_hi, n_lo)
    k = g.kappa_per_um(n_hi, n_lo, period)
    wl = np.linspace(1.545, 1.555, 20001)
    r = g.tmm_reflection(wl, n_hi, n_lo, period, n)
    lb = g.bragg_wavelength_um(n_hi, n_lo, period)
    n_avg = 0.5 * (n_hi + n_lo)
    # kappa L = 12.5: R drops from 0.99 at delta = kappa to 0 at sqrt(kappa^2 + (pi/L)^2) = 1.03 kappa,
    # so the half-maximum half-width is kappa within 5 %; delta = 2 pi n (1/l - 1/lb)
    i0 = int(np.argmax(r))
    lo, hi = i0, i0
    while r[lo - 1] > 0.5 * r[i0]:  # contiguous stop band only (strong gratings have high side lobes)
        lo -= 1
    while r[hi + 1] > 0.5 * r[i0]:
        hi += 1
    inside = wl[lo:hi + 1]
    half_width = 0.5 * (1 / inside.min() - 1 / inside.max()) * 2 * np.pi * n_avg
    assert half_width == pytest.approx(k, rel=0.05)


def test_bad_input():
    with pytest.raises(g.GratingError, match="duty"):
        g.tmm_reflection(1.55, 3.2, 3.1, 0.24, 10, duty=1.2)
    with pytest.raises(g.GratingError, match="n_periods"):
        g.tmm_reflection(1.55, 3.2, 3.1, 0.24, 0)


@pytest.mark.meep
def test_tmm_matches_1d_fdtd_of_a_short_grating():
    """10-period high-contrast grating: TMM and meep agree to 0.02 in R across 1.3-1.8 um
    (resolution 100 px/um: meep's staircase/dispersion error)."""
    n_hi, n_lo = 3.4, 3.0
    period = g.period_for_um(1.55, n_hi, n_lo)
    wl = np.linspace(1.3, 1.8, 11)
    r_fdtd = g.fdtd_reflection_1d(wl, n_hi, n_lo, period, 10, resolution=100)
    r_tmm = g.tmm_reflection(wl, n_hi, n_lo, period, 10)
    assert np.max(np.abs(r_fdtd - r_tmm)) < 0.02
    assert r_tmm.max() > 0.7  # the comparison covers a strong stop band
