"""Avoided mode crossings and steady-state continuation (reference notes A4 item 3-5, A5)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from weiming.sims.comb.design import anticrossing_dint
from weiming.sims.comb.lle import hss_branch, hss_rho, mi_gain, parabolic_dint, propagate, seed
from weiming.sims.comb.steady import continuation


def test_two_family_anticrossing():
    """Far from the crossing the pumped family is unchanged; at it the mode is pushed by G; repulsion is odd."""
    mu = np.arange(-40, 41)
    a = -1e5 * mu ** 2 / 2
    g = 2e6
    d = anticrossing_dint(mu, a, 5, g, 30e6)
    assert d[mu == 5][0] - a[mu == 5][0] == pytest.approx(g)
    far = np.abs(mu - 5) > 30
    assert np.all(np.abs(d - a)[far] < 0.01 * g)
    # level repulsion: the pumped family is pushed away from family B on both sides
    assert np.all((d - a)[mu < 5] > 0) and np.all((d - a)[mu > 5] < 0)
    assert np.allclose(anticrossing_dint(mu, a, 5, 0.0, 30e6), a)


def test_amx_makes_the_normal_dispersion_upper_branch_unstable_at_the_crossing():
    """Normal GVD: the upper CW branch is MI-stable (notes A4 item 4); a local Dint shift at mu_x = 3 opens
    gain there at the asymmetric-pair rate Re lambda = -1 + sqrt(rho^2 - (zeta - 2 rho + (D+ + D-)/2)^2).

    Growth fitted over tau 1..4 of a 1e-10 seed (the decaying eigenvalue -1 - rho is gone by tau 1; the
    sideband stays < 1e-4, linear); tolerance 0.01 (solver rtol 1e-8).
    """
    f2, zeta, n, length = 6.0, 2.5, 32, 20.0
    f = math.sqrt(f2)
    rho = hss_rho(f2, zeta)[-1]
    d = parabolic_dint(n, length, -1)
    mx = 3
    assert float(np.max(mi_gain(rho, zeta, d[1:n // 2], d[-1:-n // 2:-1]))) < 0  # no AMX: stable everywhere
    shift = 2 * (2 * rho - zeta) - d[mx] - d[-mx]  # centre of the gain band for the pair (mx, -mx)
    d_amx = d.copy()
    d_amx[mx] += shift
    expect = float(mi_gain(rho, zeta, np.array([d_amx[mx]]), np.array([d_amx[-mx]]))[0])
    assert expect > 0.5
    th = (np.arange(n) - n / 2) * length / n
    psi0 = hss_branch(f, zeta, "upper") + 1e-10 * np.cos(2 * math.pi * mx * th / length)
    times = tuple(np.linspace(1, 4, 7))
    run = propagate(psi0.astype(complex), 4.0, f=f, zeta=zeta, d_int=d_amx, rtol=1e-8, snapshot_times=times)
    amp = [abs(np.fft.fft(s)[mx]) for s in run.snapshots]
    assert np.polyfit(times, np.log(amp), 1)[0] == pytest.approx(expect, abs=0.01)


def test_continuation_follows_the_soliton_to_its_existence_edge():
    """Newton-Krylov continuation of the f^2 = 6 soliton in zeta (0.2 steps) ends within 0.3 of pi^2 f^2/8;
    every continued state is linearly stable and its peak grows with zeta (~2 zeta)."""
    n, length, f = 256, 25.0, math.sqrt(6.0)
    d = parabolic_dint(n, length, 1)
    th = (np.arange(n) - n / 2) * length / n
    run = propagate(seed("sech", n, f=f, zeta=5.5, theta=th), 20.0, f=f, zeta=5.5, d_int=d, rtol=1e-5)
    branch = continuation(run.psi, f=f, zetas=np.arange(5.5, 8.5, 0.2), d_int=d)
    last = branch[-1]["zeta"]
    assert last + 0.2 == pytest.approx(math.pi ** 2 * 6 / 8, abs=0.3)
    peaks = [float(np.max(np.abs(b["psi"]) ** 2)) for b in branch]
    assert np.all(np.diff(peaks) > 0)
    assert all(b["leading_eigenvalue"] < 0 for b in branch)
