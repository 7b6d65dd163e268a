"""Dimensional front end of the comb model and the self-injection-locking model."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from weiming.sims.comb.design import HBAR, RingModel, kerr_g0
from weiming.sims.comb.lle import hss_field, hss_rho, parabolic_dint
from weiming.sims.comb.sil import SilParams, pull_in_range, simulate_sil, swept_pull_in, tuning_curve

F0 = 193.44e12  # reference notes A3: the PKU ring (1549.78 nm)


def _ring(kappa0_hz=9.67e6, kappa_ex_hz=9.67e6, gamma=0.1, ng=1.93, length_m=5.17e-3) -> RingModel:
    w0 = 2 * math.pi * F0
    g0 = kerr_g0(w0, gamma, ng, length_m)
    return RingModel(f0_hz=F0, fsr_hz=30.03e9, d2_hz=-1e3, kappa0=2 * math.pi * kappa0_hz,
                     kappa_ex=2 * math.pi * kappa_ex_hz, kappa_drop=0.0, g0=g0, gamma_per_w_m=gamma, aeff_um2=1.0,
                     n2_m2_per_w=2.4e-19, ng=ng, radius_um=820.0, kappa2=0.0, qi=2e7, qc=2e7,
                     dint_mu=tuple(range(-8, 9)), dint_hz=tuple(-1e3 * m * m / 2 for m in range(-8, 9)))


def test_threshold_matches_the_worked_numbers():
    """Reference notes A3: gamma 0.1-0.2 /W/m -> g0/2pi 0.010-0.019 Hz, P_th 4-8 mW at eta = 0.5 (kappa/2pi 19.3 MHz)."""
    lo, hi = _ring(gamma=0.1), _ring(gamma=0.2)
    assert lo.g0 / (2 * math.pi) == pytest.approx(0.010, rel=0.1)
    assert hi.g0 / (2 * math.pi) == pytest.approx(0.019, rel=0.1)
    assert lo.p_th_w == pytest.approx(8e-3, rel=0.1) and hi.p_th_w == pytest.approx(4e-3, rel=0.1)


@pytest.mark.parametrize("p_mw, det_mhz", [(20.0, 5.0), (60.0, 25.0), (3.0, -4.0)])
def test_f2_round_trip_in_physical_units(p_mw, det_mhz):
    """f^2 <-> P/P_th, and the dimensional single-mode equation in SI units lands on the normalised HSS.

    dA/dt = -(kappa/2 + i delta) A + i g0 |A|^2 A + sqrt(kappa_ex) s_in, |s_in|^2 = P/(hbar omega_0)
    (Herr 2014) integrated by scipy (rtol 1e-10) to steady state; 2 g0 |A|^2/kappa must be the root
    of the cubic at f^2 = P/P_th, zeta = 2 delta/kappa (rtol 1e-6: integrator tolerance).
    """
    r = _ring()
    p = p_mw * 1e-3
    f2 = r.f2(p)
    assert r.p_in_w(f2) == pytest.approx(p, rel=1e-12) and f2 == pytest.approx(p / r.p_th_w, rel=1e-12)
    zeta = r.zeta(det_mhz * 1e6)
    assert r.detuning_hz(zeta) == pytest.approx(det_mhz * 1e6, rel=1e-12)
    delta = 2 * math.pi * det_mhz * 1e6
    s_in = math.sqrt(p / (HBAR * r.omega0))
    scale = math.sqrt(r.kappa / (2 * r.g0))  # photons per unit psi amplitude

    def rhs(t, y):
        a = (y[0] + 1j * y[1]) * scale
        da = -(r.kappa / 2 + 1j * delta) * a + 1j * r.g0 * abs(a) ** 2 * a + math.sqrt(r.kappa_ex) * s_in
        return [da.real / scale, da.imag / scale]

    rho = hss_rho(f2, zeta)
    sol = solve_ivp(rhs, (0, 60 / r.kappa), [0.0, 0.0], method="DOP853", rtol=1e-10, atol=1e-12,
                    first_step=1e-3 / r.kappa, max_step=0.5 / r.kappa)
    psi_end = sol.y[0, -1] + 1j * sol.y[1, -1]  # normalised: A = psi sqrt(kappa/2g0)
    got = abs(psi_end) ** 2
    assert sol.success and math.isfinite(got)
    assert min(abs(got / x - 1) for x in rho) < 1e-6
    assert psi_end == pytest.approx(hss_field(math.sqrt(f2), zeta, got), rel=1e-6)


def test_bus_output_of_the_cold_ring_is_the_lorentzian_dip():
    """Weak pump: the through-port pump line is P |1 - (2 kappa_ex/kappa)/(1 + i zeta)|^2 (input-output theory)."""
    r = _ring(kappa_ex_hz=20e6)
    p = 1e-9 * r.p_th_w
    f = math.sqrt(r.f2(p))
    for zeta in (-3.0, -0.5, 0.0, 1.0, 4.0):
        psi = np.full(16, hss_field(f, zeta, hss_rho(f * f, zeta)[0]))
        mu, line = r.line_powers_w(psi, p)
        expect = p * abs(1 - (2 * r.kappa_ex / r.kappa) / (1 + 1j * zeta)) ** 2
        assert line[mu == 0][0] == pytest.approx(expect, rel=1e-6)
        assert np.all(line[mu != 0] < 1e-20 * p)


def _sweep(beta):
    p = SilParams(beta=beta, k_fb=100.0, theta=-math.pi / 2 - math.atan(3.0), alpha_h=3.0, c=0.1)
    z0 = np.linspace(-20, 20, 1601)
    theory = pull_in_range(z0, swept_pull_in(p, z0, 1))
    t_end = 800.0
    run = simulate_sil(p, parabolic_dint(4, 20.0, -1), lambda t: -20 + 40 * t / t_end, t_end, dt=0.02, samples=800)
    return theory, run


def test_sil_pull_in_range_grows_with_backscatter_as_linear_theory():
    """Weak pump (Kerr negligible), phase of strongest locking -pi/2 - atan(alpha_H).

    The time-domain model (laser with alpha_H and carriers, forward + backscattered modes) swept in
    free-running detuning holds the laser inside the resonance (|z| < 1) over a range that matches the
    linear SIL tuning curve within 15 % (the sweep's finite rate and relaxation oscillations near the
    unlock edge) and grows with beta as the theory does; inside the range the laser follows the
    resonance (dz/dzeta0 << 1, the stabilisation).
    """
    ranges = []
    for beta in (0.05, 0.1, 0.2):
        theory, run = _sweep(beta)
        sim = pull_in_range(run["zeta0"], run["z"])
        assert sim == pytest.approx(theory, rel=0.15), (beta, sim, theory)
        ranges.append((theory, sim))
        inside = np.abs(run["z"]) < 0.5
        slope = np.polyfit(run["zeta0"][inside], run["z"][inside], 1)[0]
        assert slope < 0.5
    th, sim = zip(*ranges)
    assert th[0] < th[1] < th[2] and sim[0] < sim[1] < sim[2]
    # linear theory at small beta: the stabilised span grows ~linearly with the feedback K ~ beta
    assert th[1] / th[0] == pytest.approx(sim[1] / sim[0], rel=0.15)


def test_tuning_curve_without_backscatter_is_the_identity():
    p = SilParams(beta=0.0, k_fb=100.0, theta=0.3, alpha_h=3.0, c=1.0)
    z = np.linspace(-5, 5, 11)
    assert np.allclose(tuning_curve(z, p), z)
