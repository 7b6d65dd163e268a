"""Dispersion: sin100 comb ring (normal, FSR 30.03 GHz -> R ~ 1 mm), sin800 anomalous, femwell cross-check.

Tolerances
----------
- FSR target: the returned FSR equals the target to 1e-6 (R is iterated on
  the resonance condition itself, so only the Newton tolerance remains).
- R = c / (2 pi ng FSR) within 1e-3: the FSR is D1/2pi of a cubic fit over
  +-10 resonances, ng is at the centre; they differ by the curvature (D2 and
  D3 terms, ~1e-5 here), far below 1e-3.
- D2 against the Taylor expression D2 = -(c / ng) D1^2 beta2 within 5 %: both
  come from the same neff(lambda) fit, they differ by the bend's and the
  higher-order terms only.
- The default route (Richardson-extrapolated MPB) against the committed
  converged femwell reference (tests/ref_dispersion.json, provenance inside):
  neff 3e-5, ng 1e-4, D 2 % at 1.55 um, the issue's femwell-level targets.
- femwell (second solver) against MPB on the sin800 resonator and the InP deep ridge: neff within
  5e-4, ng within 1 %, D within 10 % (the issue's acceptance values). MPB at
  the default 30 px/um is within ~2e-4 of the converged neff (convergence
  table in weiming.sims.modes.mpb.DEFAULT_NUMERICS); femwell's meshes are converged to ~1e-5.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from weiming.sims.modes.dispersion import C_M_S, dispersion_from_neff, resonances

pytestmark = pytest.mark.meep


def test_dispersion_from_neff_on_an_analytic_index():
    # n(l) = a + b l^2 + c l^4 (um): exact ng and D to compare the finite differences with
    a, b, c = 1.5, -0.02, 0.004
    wl = np.linspace(1.45, 1.65, 41)
    n = a + b * wl ** 2 + c * wl ** 4
    ng, d, _ = dispersion_from_neff(wl, n)
    ng_exact = n - wl * (2 * b * wl + 4 * c * wl ** 3)
    d_exact = -(wl * 1e-6 / C_M_S) * (2 * b + 12 * c * wl ** 2) * 1e12 * 1e6
    assert np.allclose(ng, ng_exact, atol=1e-6)
    assert np.allclose(d, d_exact, rtol=1e-3)


def test_resonances_of_a_dispersionless_ring_are_equidistant():
    wl = np.linspace(1.54, 1.56, 7)
    res = resonances(wl, np.full(7, 1.5), 100.0, 1.55, 5)
    assert res["d1_hz"] == pytest.approx(C_M_S / (1.5 * 2 * math.pi * 100e-6), rel=1e-9)
    assert abs(res["d2_hz"]) < 1.0 and max(abs(h) for h in res["dint_hz"]) < 1.0


def test_sin100_comb_ring_normal_dispersion_and_radius(tmp_path, monkeypatch):
    monkeypatch.setenv("WEIMING_CACHE", str(tmp_path))
    from weiming.sims.modes.dispersion import ring_dispersion

    rd = ring_dispersion("sin100", "resonator", fsr_hz=30.03e9)
    print(f"sin100 resonator: R = {rd.radius_um:.2f} um, ng = {rd.ng:.5f}, D2/2pi = {rd.d2_hz:.0f} Hz, "
          f"D = {rd.details['d_ps_nm_km']:.0f} ps/nm/km")
    assert rd.regime == "normal" and rd.d2_hz < 0 and rd.details["d_ps_nm_km"] < 0
    assert rd.fsr_hz == pytest.approx(30.03e9, rel=1e-6)
    assert 900 < rd.radius_um < 1100  # "about 1 mm"
    assert rd.radius_um == pytest.approx(C_M_S / (2 * math.pi * rd.ng * 30.03e9) * 1e6, rel=1e-3)
    d1 = 2 * math.pi * rd.d1_hz
    beta2 = rd.details["beta2_ps2_km"] * 1e-27
    assert 2 * math.pi * rd.d2_hz == pytest.approx(-(C_M_S / rd.ng) * d1 ** 2 * beta2, rel=0.05)
    assert len(rd.dint) == 21 and dict(rd.dint)[0] == 0.0
    assert set(rd.to_json()) == {"radius_um", "fsr_hz", "d1_hz", "d2_hz", "neff", "ng", "regime", "dint"}
    # normal dispersion: Dint(mu) ~ D2 mu^2 / 2 < 0 on both sides
    assert dict(rd.dint)[10] < 0 and dict(rd.dint)[-10] < 0


@pytest.mark.parametrize("width", [1.6, 2.0])
def test_sin800_wide_guides_are_anomalous(width, tmp_path, monkeypatch):
    monkeypatch.setenv("WEIMING_CACHE", str(tmp_path))
    from weiming.sims.modes.dispersion import dispersion_curve

    wl = np.linspace(1.53, 1.57, 5)
    curve = dispersion_curve("sin800", "resonator", wl, width=width)
    assert curve.d_ps_nm_km[2] > 0, f"sin800 {width} um: D = {curve.d_ps_nm_km[2]:.1f} ps/nm/km"
    assert curve.beta2_ps2_km[2] < 0


_FEM = {  # meshes within ~1e-5 of femwell's converged neff (0.04-um mesh)
    ("sin800", "resonator"): dict(core_um=0.15, far_um=0.6, margin_y_um=1.5, margin_z_um=1.5),
    ("inp", "deep"): dict(core_um=0.1, far_um=0.5),
}


@pytest.mark.parametrize("pdk, xs", list(_FEM))
def test_femwell_second_solver_agrees(pdk, xs, tmp_path, monkeypatch):
    """femwell (FEM, non-uniform mesh) vs MPB (plane waves, uniform grid), same 3-point stencil.

    Measured: dneff +2.1e-4 / +2.0e-4, ng +0.01 %, D +0.5 % / +0.1 % (sin800 /
    InP deep). The sin100 resonator (+2.0e-4, +0.06 %, +2.2 %) runs in
    benchmarks/dispersion.py --validate: its fine mesh is too slow here.
    """
    pytest.importorskip("femwell")
    monkeypatch.setenv("WEIMING_CACHE", str(tmp_path))
    from weiming.sims.modes.dispersion import compare_solvers
    from weiming.sims.modes.femwell_check import FemSettings

    r = compare_solvers(pdk, xs, settings=FemSettings(**_FEM[(pdk, xs)]))
    m, f = r["mpb"], r["femwell"]
    assert abs(m["neff"] - f["neff"]) < 5e-4
    assert m["ng"] == pytest.approx(f["ng"], rel=0.01)
    assert m["d_ps_nm_km"] == pytest.approx(f["d_ps_nm_km"], rel=0.10)


def test_default_route_fit_matches_direct_richardson_solves(tmp_path, monkeypatch):
    """The default route's smooth fit (FAST_NODES Chebyshev nodes) against direct solves between the nodes.

    sin800 resonator over 1.45-1.65 um: at wavelengths that are not nodes, the
    fitted neff must equal the Richardson-extrapolated direct solves to 1e-6
    and the fitted ng the direct central difference to 1e-4 (the brief's ng
    target); a fit that cannot follow the curve fails.
    """
    monkeypatch.setenv("WEIMING_CACHE", str(tmp_path))
    from weiming.sims.modes.dispersion import DEFAULT_SOLVER, dispersion_curve, solver_neff

    assert DEFAULT_SOLVER == "richardson"
    wls = np.array([1.5, 1.6])
    fast = dispersion_curve("sin800", "resonator", np.linspace(1.45, 1.65, 41))
    idx = [int(np.argmin(abs(np.array(fast.wavelengths_um) - w))) for w in wls]
    h = 0.005
    pts = np.sort(np.r_[wls - h, wls, wls + h])
    n_inf = solver_neff("sin800", "resonator", pts, solver="richardson")
    for j, w in enumerate(wls):
        lo, mid, hi = n_inf[3 * j], n_inf[3 * j + 1], n_inf[3 * j + 2]
        assert fast.neff[idx[j]] == pytest.approx(mid, abs=1e-6)
        assert fast.ng[idx[j]] == pytest.approx(mid - w * (hi - lo) / (2 * h), abs=1e-4)


_REF = Path(__file__).parent / "ref_dispersion.json"


@pytest.mark.parametrize("case", ["sin100", "sin800"])
def test_default_route_matches_committed_femwell_reference(case, tmp_path, monkeypatch):
    """neff, ng and D at 1.55 um of the default 41-wavelength curve against a converged femwell reference.

    The reference (tests/ref_dispersion.json) is femwell on a fine mesh with
    walls far beyond the field, 5-point stencils, written by
    ``python benchmarks/dispersion.py --write-reference tests/ref_dispersion.json``;
    its provenance (mesh, femwell version, the difference to a coarser mesh,
    ~1e-6) is in the file. Tolerances are the issue's femwell-level targets:
    neff 3e-5, ng 1e-4, D 2 %. The same reference rejects the one-grid MPB
    route (its neff misses by ~2e-4 on sin100), so the comparison can fail.
    """
    monkeypatch.setenv("WEIMING_CACHE", str(tmp_path))
    from weiming.sims.modes.dispersion import dispersion_curve, solver_neff

    ref = json.loads(_REF.read_text())[case]
    assert ref["provenance"]["generator"].startswith("python benchmarks/dispersion.py --write-reference")
    assert abs(ref["provenance"]["coarser_mesh_difference"]["neff"]) < 5e-6  # the reference is converged
    pdk, xs = ref["pdk"], ref["xs"]
    wls = np.linspace(1.45, 1.65, 41)
    i0 = int(np.argmin(abs(wls - ref["wavelength_um"])))
    c = dispersion_curve(pdk, xs, wls)
    print(f"{case}: dneff {c.neff[i0] - ref['neff']:+.1e} dng {c.ng[i0] - ref['ng']:+.1e} "
          f"dD {c.d_ps_nm_km[i0] / ref['d_ps_nm_km'] - 1:+.2%}")
    assert c.neff[i0] == pytest.approx(ref["neff"], abs=3e-5)
    assert c.ng[i0] == pytest.approx(ref["ng"], abs=1e-4)
    assert c.d_ps_nm_km[i0] == pytest.approx(ref["d_ps_nm_km"], rel=0.02)
    if case == "sin100":  # the discriminating power of the reference: one MPB grid is not enough
        one_grid = solver_neff(pdk, xs, [ref["wavelength_um"]], solver="mpb")[0]
        assert abs(one_grid - ref["neff"]) > 3e-5


def test_unknown_solver_is_a_clear_error():
    from weiming.sims.modes.dispersion import dispersion_curve, ring_dispersion
    from weiming.sims.modes.mpb import ModeSolverInputError

    with pytest.raises(ModeSolverInputError, match="solver='fdtd' must be one of richardson, mpb, femwell"):
        dispersion_curve("sin800", "resonator", solver="fdtd")
    with pytest.raises(ModeSolverInputError, match="solver='x'"):
        ring_dispersion("sin800", "resonator", radius_um=100, solver="x")
