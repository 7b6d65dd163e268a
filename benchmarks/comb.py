"""Benchmark: adaptive Strang split-step LLE vs scipy solve_ivp DOP853 on the same right-hand side.

The run (issue 15): 512 modes of the design's server ring (Dint from the mode
solver if meep is importable, else the parabolic Dint of its D2/kappa from the
reference notes A3 scale), a detuning sweep over 2000 photon lifetimes
(tau = kappa t/2 = 1000), from a lower-state domain on the upper CW branch
(a dark pulse forming and its fronts moving while zeta is swept: smooth, not
chaotic, so a final-state error is defined).

Equal final-state error: an independent reference run (DOP853, rtol 1e-10)
gives the "true" final field. DOP853 on ``weiming.sims.comb.lle.rhs`` (the
pyGLLE/PyCORe integrator) runs at each rtol of ``--dop-rtol``; its relative L2
final-state error is the target, and the split-step runs at the loosest rtol of
a ladder whose error is at or below that target. Both times, the errors and
the ratio are printed (target >= 5x). Both integrators are stability-limited
here: DOP853 by |lambda| h <~ 6 with max|d_int| ~ 850 at mode 256, the
split-step by h <= 0.9 pi/max|d_int| (Weideman and Herbst 1986), so DOP853's
error hardly changes with its rtol while its cost stays.

Measured (2026-11-30, 2 shared cores at load ~9, so times are noisy): DOP853
1.73 M RHS evaluations at rtol 1e-3 and 1e-6 alike (stability-limited), 265 s /
173 s, errors 1.8e-4 / 1.6e-7; split-step at rtol 1e-3 (at its stability cap,
150 k steps) 40 s, error 6.6e-10: ratio 6.6x / 4.3x.

Usage: python benchmarks/comb.py [--modes 512] [--lifetimes 2000] [--dop-rtol 1e-3 1e-6]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from scipy.integrate import solve_ivp

from weiming.sims.comb.lle import hss_branch, parabolic_dint, propagate, rhs


def _d_int(n: int) -> tuple[np.ndarray, str]:
    try:
        from weiming.circuits.design import load_design
        from weiming.sims.comb.design import ring_model

        return ring_model(load_design(), n).d_int_norm(n), "design ring (mode-solver Dint)"
    except Exception as e:  # noqa: BLE001 - no meep: the same scale from D2/kappa
        # d2 = 2 D2 / kappa = -0.0257 for the default ring: length 2 pi / sqrt(|d2|) in theta
        return parabolic_dint(n, 2 * math.pi / math.sqrt(0.0257), -1), f"parabolic Dint ({type(e).__name__})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modes", type=int, default=512)
    ap.add_argument("--lifetimes", type=float, default=2000.0, help="photon lifetimes 1/kappa of the sweep")
    ap.add_argument("--dop-rtol", type=float, nargs="+", default=[1e-3, 1e-6])
    a = ap.parse_args()
    n = a.modes
    tau = a.lifetimes / 2  # tau = kappa t / 2
    d_int, src = _d_int(n)
    f2, z0, z1 = 4.85, 3.9, 4.3
    f = math.sqrt(f2)
    phi = np.arange(n) * 2 * math.pi / n - math.pi
    up, lo = hss_branch(f, z0, "upper"), hss_branch(f, z0, "lower")
    psi0 = lo + (up - lo) * 0.5 * (np.tanh((np.abs(phi) - 0.5) * n / 16) + 1)

    def zeta(t):
        return z0 + (z1 - z0) * t / tau

    print(f"{n} modes, {src}, sweep zeta {z0} -> {z1} over tau = {tau:g} ({a.lifetimes:g} photon lifetimes), "
          f"f^2 = {f2}; max |d_int| = {np.abs(d_int).max():.1f}")

    def dop(rtol):
        t0 = time.perf_counter()
        with np.errstate(over="ignore", invalid="ignore"):  # DOP853's rejected trial steps may overflow
            sol = solve_ivp(lambda t, y: rhs(y, zeta(t), f, d_int), (0, tau), psi0.astype(complex), method="DOP853",
                            rtol=rtol, atol=rtol * 1e-3, t_eval=[tau])
        return sol.y[:, -1], time.perf_counter() - t0, sol.nfev

    ref, t_ref, _ = dop(1e-10)
    print(f"reference (DOP853 rtol 1e-10): {t_ref:.1f} s")

    def err(psi):
        return float(np.linalg.norm(psi - ref) / np.linalg.norm(ref))

    ss_runs = {}

    def split(rtol):
        if rtol not in ss_runs:
            t0 = time.perf_counter()
            run = propagate(psi0, tau, f=f, zeta=zeta, d_int=d_int, rtol=rtol)
            ss_runs[rtol] = (time.perf_counter() - t0, err(run.psi), run.steps, run.rejected)
            t, e, s, r = ss_runs[rtol]
            print(f"  split-step rtol {rtol:g}: {t:.2f} s, {s} steps ({r} rejected), final-state error {e:.2e}")
        return ss_runs[rtol]

    for rt in a.dop_rtol:
        psi, t_dop, nfev = dop(rt)
        e_dop = err(psi)
        print(f"DOP853 rtol {rt:g}: {t_dop:.2f} s, {nfev} RHS evaluations, final-state error {e_dop:.2e}")
        for rtol in (1e-3, 1e-5, 1e-7, 1e-8, 1e-9):
            t_ss, e_ss, _, _ = split(rtol)
            if e_ss <= e_dop:
                break
        print(f"RATIO at DOP853 rtol {rt:g} (DOP853 time / split-step time, split-step error {e_ss:.1e} <= "
              f"{e_dop:.1e}): {t_dop / t_ss:.1f}x (target >= 5x)")


if __name__ == "__main__":
    main()
