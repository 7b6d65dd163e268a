"""Mode solver: geometry from the PDK stack, exact slab check, bends, bad input.

Tolerances
----------
- Slab: MPB against the exact transcendental equation to 1e-6. The slab
  faces are on pixel boundaries, so MPB's error is the pure O(h^2) field
  discretisation (measured: 3.2e-5, 8e-6, 2e-6, 5e-7 at 100/200/400/800 px/um);
  800 px/um is the cheapest 1D grid below 1e-6 (2-3 s).
- Straight vs bend strips at R = 1e9 um: 1e-6. The conformal map paints the
  cross-section as strips; with the interfaces aligned to the pixel grid the
  strips must not change neff (a misaligned grid gave 5e-4: the regression
  guarded here).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from weiming.sims.modes.mpb import ModeSolverInputError, Mode, xs_geometry
from weiming.sims.modes.slab import slab_neff


# -- exact slab (no meep) ----------------------------------------------------------
def test_slab_exact_satisfies_dispersion_relation():
    n1, n2, d, wl = 2.0, 1.444, 0.5, 1.55
    k0 = 2 * math.pi / wl
    for pol, r in (("TE", 1.0), ("TM", (n1 / n2) ** 2)):
        n = slab_neff(n1, n2, d, wl, pol=pol)
        kx, g = k0 * math.sqrt(n1 ** 2 - n ** 2), k0 * math.sqrt(n ** 2 - n2 ** 2)
        assert math.tan(kx * d / 2) == pytest.approx(r * g / kx, rel=1e-10)
        assert n2 < n < n1
    # TE above TM (boundary conditions favour E parallel to the faces)
    assert slab_neff(n1, n2, d, wl, pol="TE") > slab_neff(n1, n2, d, wl, pol="TM")
    # weak-guidance limit: TE and TM converge as n1 -> n2
    assert slab_neff(1.45, 1.444, 2.0, wl, pol="TE") - slab_neff(1.45, 1.444, 2.0, wl, pol="TM") < 1e-4
    with pytest.raises(ValueError, match="cut off"):
        slab_neff(n1, n2, 0.2, wl, m=1)


@pytest.mark.meep
def test_slab_mpb_matches_exact_to_1e6():
    from weiming.sims.modes.slab import slab_mpb

    n1, n2, d, wl = 2.0, 1.444, 0.5, 1.55
    (te, p0), (tm, p1) = slab_mpb(n1, n2, d, wl, resolution=800)
    assert (p0, p1) == ("TE", "TM")
    assert abs(te - slab_neff(n1, n2, d, wl, pol="TE")) < 1e-6
    assert abs(tm - slab_neff(n1, n2, d, wl, pol="TM")) < 1e-6


# -- geometry from the PDK ----------------------------------------------------------
def test_geometry_sin100_core_in_oxide():
    g = xs_geometry("sin100", "resonator")
    assert g.width_um == 2.8 and g.thickness_um == pytest.approx(0.1)
    assert g.material_at(0, 0.05) == "si3n4"
    assert g.material_at(1.5, 0.05) == "sio2"  # full etch: oxide beside the core
    assert g.material_at(0, -5) == "sio2" and g.material_at(0, 5) == "sio2"
    assert g.material_at(0, 7) == "air"  # above the 6 um top cladding
    g2 = xs_geometry("sin100", "resonator", width=1.0, thickness=0.2)
    assert g2.material_at(0.45, 0.15) == "si3n4" and g2.material_at(0.55, 0.15) == "sio2"


def test_geometry_inp_deep_ridge_etch():
    g = xs_geometry("inp", "deep")
    # etch 3.5 um from the top of the 2.0-um stack -> trench bottom at z = -1.5, refilled with BCB
    assert g.material_at(0, 0.25).startswith("ingaasp")
    assert g.material_at(0, 1.0) == "inp"
    assert g.material_at(2.0, 0.25) == "bcb"
    assert g.material_at(2.0, -1.4) == "bcb"
    assert g.material_at(2.0, -1.6) == "inp"
    s = xs_geometry("inp", "shallow")
    assert s.material_at(3.0, 0.3).startswith("ingaasp")  # shallow etch stops at z = 0.4, in the core
    assert s.material_at(3.0, 0.45) == "bcb"
    t = xs_geometry("inp", "deep", thickness=0.6)  # levels above the core move up
    assert t.material_at(0, 0.55).startswith("ingaasp") and t.material_at(0, 2.05) == "inp"


@pytest.mark.parametrize("kw, match", [
    (dict(pdk="nope", xs="resonator"), "unknown PDK"),
    (dict(pdk="sin100", xs="nope"), "cross-section 'nope'"),
    (dict(pdk="sin100", xs="heater"), "electrical"),
    (dict(pdk="sin100", xs="resonator", width=-1), "width=-1"),
    (dict(pdk="sin100", xs="resonator", thickness=0), "thickness=0"),
])
def test_bad_input(kw, match):
    with pytest.raises(ModeSolverInputError, match=match):
        xs_geometry(**kw)


def test_solve_modes_rejects_bad_wavelength_before_solving():
    from weiming.sims.modes.mpb import solve_modes

    with pytest.raises(ModeSolverInputError, match="wavelength=1550"):
        solve_modes("sin100", "resonator", 1550)
    with pytest.raises(ModeSolverInputError, match="radius_um"):
        solve_modes("sin100", "resonator", 1.55, radius_um=-5)


def test_mode_json_contract():
    m = Mode(neff=1.8, ng=2.1, te_fraction=0.99, aeff_um2=1.2, gamma_per_w_m=0.8)
    assert set(m.to_json()) == {"neff", "ng", "te_fraction", "aeff_um2"}


# -- MPB ----------------------------------------------------------------------------
@pytest.mark.meep
def test_sin800_modes_te_tm_and_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("WEIMING_CACHE", str(tmp_path))
    from weiming.sims.modes.mpb import solve_modes

    modes = solve_modes("sin800", "resonator", 1.55, num_modes=2)
    assert [m.neff for m in modes] == sorted((m.neff for m in modes), reverse=True)
    te, tm = modes
    assert te.te_fraction > 0.99 and tm.te_fraction < 0.01
    assert 1.444 < tm.neff < te.neff < 1.996
    assert te.ng > te.neff  # normal material + waveguide dispersion: ng > neff
    assert 0.8 < te.aeff_um2 < 1.8  # 1.8 x 0.8 um core
    # gamma = 2 pi n2 / (lambda Aeff) with n2 = 2.4e-19 m^2/W
    assert te.gamma_per_w_m == pytest.approx(2 * math.pi * 2.4e-19 / (1.55e-6 * te.aeff_um2 * 1e-12), rel=1e-12)
    again = solve_modes("sin800", "resonator", 1.55, num_modes=2)  # from the disk cache
    assert [m.to_json() for m in again] == [m.to_json() for m in modes]
    assert len(list(tmp_path.rglob("*.json"))) == 1


@pytest.mark.meep
def test_bend_strips_do_not_perturb_straight_limit():
    from weiming.sims.modes.mpb import MpbWaveguide, default_numerics

    g = xs_geometry("sin800", "resonator")
    num = default_numerics("sin800")
    straight = MpbWaveguide(g, num).solve(1.55)[0]["neff"]
    flat = MpbWaveguide(g, num, radius_um=1e9).solve(1.55, [straight])[0]["neff"]
    bent = MpbWaveguide(g, num, radius_um=50.0).solve(1.55, [straight])[0]
    assert abs(flat - straight) < 1e-6
    # a bend pulls the mode outwards: neff (referred to R) rises, TE stays TE
    assert bent["neff"] > straight and bent["te_fraction"] > 0.98


@pytest.mark.meep
def test_bend_shift_matches_femwell():
    """Conformal bend, sin800 at R = 200 um: MPB strips vs femwell's eps (1 + y/R)^2.

    The neff shift straight -> bent (1.25e-4) agrees within 5 %: measured
    1.247e-4 (MPB, 30-60 px/um alike) vs 1.246e-4 (femwell, 0.1- and 0.15-um
    meshes alike). Before the core faces were pixel-aligned MPB gave 0.8e-4
    at 30 px/um and 2.5e-4 at 60 px/um: this test guards that.
    """
    pytest.importorskip("femwell")
    from weiming.sims.modes.femwell_check import FemSettings, FemWaveguide
    from weiming.sims.modes.mpb import MpbWaveguide, default_numerics

    g = xs_geometry("sin800", "resonator")
    num = default_numerics("sin800")
    fs = FemSettings(core_um=0.15, far_um=0.6, margin_y_um=2.0, margin_z_um=2.0)
    shift_fem = FemWaveguide(g, fs, radius_um=200.0).neff(1.55) - FemWaveguide(g, fs).neff(1.55)
    straight = MpbWaveguide(g, num).solve(1.55)[0]["neff"]
    shift_mpb = MpbWaveguide(g, num, radius_um=200.0).solve(1.55, [straight])[0]["neff"] - straight
    assert shift_mpb == pytest.approx(shift_fem, rel=0.05)


@pytest.mark.meep
def test_inp_shallow_ridge_is_guided(tmp_path, monkeypatch):
    """The shallow ridge's Q slab reaches the cell boundary: guidedness is judged
    by the field at the boundary, not by the boundary index (regression)."""
    monkeypatch.setenv("WEIMING_CACHE", str(tmp_path))
    from weiming.sims.modes.mpb import solve_modes

    (m,) = solve_modes("inp", "shallow", 1.55)
    assert m.te_fraction > 0.99
    assert 3.17 < m.neff < 3.36  # between InP and Q(1.25)


# -- the one slab module: finite differences vs the closed form ------------------------
@pytest.mark.parametrize("pol", ["TE", "TM"])
@pytest.mark.parametrize("n1,n2,d,m", [(1.996, 1.444, 0.1, 0), (1.884, 1.444, 1.0, 0), (1.884, 1.444, 2.0, 1),
                                       (3.2, 3.17, 2.0, 0)])
def test_slab_fd_matches_closed_form_symmetric_slab(pol, n1, n2, d, m):
    """Finite differences (with TM Richardson) vs the exact symmetric slab: 1e-4 at the default grid (measured <= 4e-5)."""
    from weiming.sims.modes.slab import multilayer_neff

    fd = multilayer_neff([n2, n1, n2], [d], 1.55, pol=pol, num_modes=m + 1)
    assert fd[m] == pytest.approx(slab_neff(n1, n2, d, 1.55, pol=pol, m=m), abs=1e-4)


def test_slab_closed_form_asymmetric_matches_fd_and_split_layers():
    """Three-layer closed form vs FD of the same slab drawn as FOUR layers (core cut in two): any layer count."""
    from weiming.sims.modes.slab import multilayer_neff, three_layer_neff

    for pol in ("TE", "TM"):
        exact = three_layer_neff(1.444, 1.996, 1.0, 0.3, 1.55, pol)
        fd = multilayer_neff([1.444, 1.996, 1.996, 1.0], [0.1, 0.2], 1.55, pol=pol)[0]
        assert fd == pytest.approx(exact, abs=1e-4)  # the FD scheme at its default grid (measured 3e-5)


@pytest.mark.parametrize("pol", ["TE", "TM"])
def test_slab_fd_fields_are_orthonormal_and_match_the_closed_form_shape(pol):
    """Fields of fd_modes: weighted-orthonormal, and the TE0 field is cos inside / exp outside (closed form)."""
    import math

    from weiming.sims.modes.slab import fd_modes

    n1, n2, d, wl = 1.884, 1.444, 2.0, 1.55
    x, beta, f, w = fd_modes([n2, n1, n2], [d], wl, pol=pol, num_modes=2, fields=True)
    dx = x[1] - x[0]
    gram = (f * w) @ f.T * dx
    assert np.allclose(gram, np.eye(2), atol=1e-10)
    if pol == "TE":
        k0 = 2 * math.pi / wl
        ne = slab_neff(n1, n2, d, wl)
        kx, g = k0 * math.sqrt(n1**2 - ne**2), k0 * math.sqrt(ne**2 - n2**2)
        ref = np.where(np.abs(x) < d / 2, np.cos(kx * x), math.cos(kx * d / 2) * np.exp(-g * (np.abs(x) - d / 2)))
        ref /= math.sqrt(np.sum(ref**2) * dx)
        f0 = f[0] * np.sign(f[0][np.argmax(np.abs(f[0]))])
        assert np.max(np.abs(f0 - ref)) < 2e-3 * np.max(ref)


def _ring_bessel_neff(n_core, n_clad, width_um, radius_um, wavelength_um, pol):
    """Effective index (``nu / (k0 R)``) of the fundamental mode of a 2D ring, from Bessel functions.

    Independent of the conformal solver: in each homogeneous annulus the field
    is ``J_nu(k n r)`` / ``Y_nu(k n r)``; inside the ring J only, outside Y only
    (the evanescent, outward-decaying solution -- the Hankel function's leaky
    part is negligible here, Q > 1e9); TE (``E_z``): field and ``d/dr``
    continuous; TM (``H_z``): field and ``(1/eps) d/dr`` continuous
    (J. Heebner, R. Grover, T. Ibrahim, *Optical Microresonators*, 2008, ch. 3).
    The azimuthal order ``nu`` is real here (wavelength fixed), found by Brent's method.
    """
    import math

    from scipy import optimize, special

    k = 2 * math.pi / wavelength_um
    a, b = radius_um - width_um / 2, radius_um + width_um / 2
    p_core, p_clad = (1.0, 1.0) if pol == "TE" else (1 / n_core**2, 1 / n_clad**2)

    def det(nu):
        kc, kl = k * n_core, k * n_clad
        rows = np.array([
            [special.jv(nu, kl * a), -special.jv(nu, kc * a), -special.yv(nu, kc * a), 0.0],
            [p_clad * kl * special.jvp(nu, kl * a), -p_core * kc * special.jvp(nu, kc * a),
             -p_core * kc * special.yvp(nu, kc * a), 0.0],
            [0.0, special.jv(nu, kc * b), special.yv(nu, kc * b), -special.yv(nu, kl * b)],
            [0.0, p_core * kc * special.jvp(nu, kc * b), p_core * kc * special.yvp(nu, kc * b),
             -p_clad * kl * special.yvp(nu, kl * b)]])
        cols = np.abs(rows).max(axis=0)  # column scaling keeps the sign of det
        return np.linalg.det(rows / cols)

    nus = np.linspace(k * n_clad * b, k * n_core * b, 4000)
    vals = np.array([det(v) for v in nus])
    i = np.nonzero(np.sign(vals[1:]) != np.sign(vals[:-1]))[0][-1]  # largest nu: fundamental radial mode
    return optimize.brentq(det, nus[i], nus[i + 1], xtol=1e-12) / (k * radius_um)


@pytest.mark.parametrize("pol", ["TE", "TM"])
@pytest.mark.parametrize("radius_um", [10.0, 20.0])
def test_bent_slab_matches_the_bessel_solution_of_a_2d_ring(pol, radius_um):
    """Conformal bent-guide index vs the exact Bessel-function ring mode (sin800 reduced to 2D, 1-um guide).

    Tolerance 3e-5 relative: a third of the resonance tolerance of the
    ring-vs-FDTD tests (1e-4), which these indices feed; measured <= 2.2e-5 (TM, R = 10 um).
    Before the core edges were mapped into the conformal frame the TM index
    at R = 20 um was 3.5e-4 high -- the error that put the ring model's
    resonances off the FDTD's.
    """
    from weiming.sims.fdtd.eim import bent_slab_neff

    nc, ncl, w, wl = 1.8838, 1.4440, 1.0, 1.55
    exact = _ring_bessel_neff(nc, ncl, w, radius_um, wl, pol)
    conformal = bent_slab_neff(nc, ncl, w, radius_um, wl, pol=pol, dx_um=wl / 1500)
    straight = slab_neff(nc, ncl, w, wl, pol=pol)
    assert conformal == pytest.approx(exact, rel=3e-5)
    assert abs(exact - straight) > 30 * 3e-5 * exact  # the bend is resolved, not a straight guide passing
