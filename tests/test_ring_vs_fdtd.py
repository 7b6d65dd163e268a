"""The ring model (:mod:`weiming.sims.devices.ring`) and the coupler model vs 2D FDTD of the same effective-index world.

World: the sin800 film reduced to 2D (:func:`weiming.sims.fdtd.eim.reduce_2d`,
n_core 1.884, n_clad 1.444 at 1.55 um), a ring of R = 20 um of the PDK's
``strip`` width (1.0 um) with a bus of the same width at the PDK's minimum
space (0.3 um), pulley S-bends of the ``strip`` minimum radius; a uniform
material loss of intrinsic Q 2e4 so that coupling and loss both set the
linewidth. The model is fed the SAME 2D indices the FDTD sees (bent-guide
neff/ng from the conformal slab). Heavier runs (pulley wraps, higher
resolutions, 3D): ``benchmarks/ring3d.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

R, GAP, W, Q_MAT = 20.0, 0.3, 1.0, 2e4


def _world(coupler="point", wrap=0.0):
    from weiming.sims.fdtd.ring import RingWorld2D

    return RingWorld2D.from_pdk("sin800", R, GAP, coupler=coupler, wrap_angle_deg=wrap, width_um=W, bus_width_um=W)


def _richardson(lo, hi, r_lo, r_hi):
    """Second-order extrapolation to zero grid step (meep's subpixel-smoothed FDTD is second order)."""
    return hi + (hi - lo) / ((r_hi / r_lo) ** 2 - 1)


def test_pulley_world_follows_the_layout_cell():
    """The FDTD bus leaves the wrap exactly where the layout cell puts its ports (same formula, same inputs)."""
    from weiming.components.registry import cells_for
    from weiming.pdk import activate
    from weiming.sims.fdtd.ring import RingWorld2D, bus_centreline

    activate("sin800")
    cell = cells_for("sin800")["ring_resonator"](radius=60.0, gap=0.31, coupler="pulley", wrap_angle=40.0)
    world = RingWorld2D.from_pdk("sin800", 60.0, 0.31, coupler="pulley", wrap_angle_deg=40.0)
    x_t, y_t = world.bus_exit()
    assert cell.ports["o2"].center[1] == pytest.approx(y_t, abs=1e-3)  # ports on the 1-nm grid
    c = bus_centreline(world, x_t + 5.0)
    r = np.hypot(c[:, 0], c[:, 1])
    on_wrap = np.abs(np.degrees(np.arctan2(c[:, 0], -c[:, 1]))) < 20.0 - 1e-6
    assert np.allclose(r[on_wrap], world.bus_radius_um)  # concentric over the wrap
    assert np.all(r >= world.bus_radius_um - 1e-9)  # never closer than the gap
    assert c[-1, 1] == pytest.approx(y_t)


@pytest.mark.meep
@pytest.mark.parametrize("coupler,wrap", [("point", 0.0), ("pulley", 40.0)])
def test_ring_model_resonances_fsr_and_loaded_q_agree_with_harminv(coupler, wrap):
    """Point- and pulley-coupled ring: every resonance, the FSR and the loaded Q of the ring model vs Harminv.

    Model (:func:`weiming.sims.fdtd.ring.ring_model_2d`): neff and ng of the
    bent 2D guide (exact conformal solve, within 2.2e-5 of the Bessel solution,
    tests/test_modes.py), kappa^2 and the ring's phase at the coupler from the
    overlap model (:func:`weiming.sims.fdtd.ring.model_overlap`), the world's
    material loss as Qi.
    FDTD: Harminv on the whole ring at 12, 14 and 16 px/um; each line followed
    through the grids by the h^2 law (:func:`weiming.sims.fdtd.ring.grid_limit`,
    no model consulted) and Richardson-extrapolated from 14/16 (the grids move
    the lines by 0.6-1.5 %).
    Tolerances (issue 18): resonances 1e-4 relative -- measured +3e-5 (point)
    and +4.6e-5 (pulley); without the coupler phase the pulley's were -1.6e-4,
    and with the bend's core edges left unmapped in the conformal solve every
    line was 3e-4 low. FSR 1e-3 (measured 2e-4). Loaded Q 10 %: measured +8 %
    for both. The model has no coupler excess loss (the point coupler also
    couples the ring into the bus's second mode, kappa^2 0.004 from the same
    overlap integral taken once with that mode -- not a package function --
    about half of the 8 %); and the estimator itself is good
    to about 5-8 %: on the ring alone (gap 2 um) it gives 18356 +- 889
    against the exact 2e4 of the material loss.
    """
    from weiming.sims.devices import ring
    from weiming.sims.fdtd.ring import grid_limit, loaded_q_limit, model_overlap, ring_model_2d, ring_modes_2d

    world = _world(coupler, wrap)
    f0 = 1 / world.wavelength_um
    runs = {res: ring_modes_2d(world, resolution=res, q_material=Q_MAT, run_after_sources=800).modes
            for res in (12, 14, 16)}
    lim = grid_limit(runs)
    ov = model_overlap(world)
    model = ring_model_2d(world, ov.kappa2, q_material=Q_MAT, coupler_phase_rad=ov.ring_phase_rad, span_um=0.1)
    f_model = np.sort(1 / np.array(model.resonances_um))
    f_fdtd = np.array(lim.freq_limit)
    assert f_fdtd.size >= 3, f"only {f_fdtd.size} lines followed through the three grids"
    nearest = f_model[np.argmin(np.abs(f_model[None, :] - f_fdtd[:, None]), axis=1)]
    rel = f_fdtd / nearest - 1
    ql_fdtd = loaded_q_limit(runs, f0)  # joint fit over lines and grids
    fsr_fdtd = float(np.polyfit(np.arange(f_fdtd.size), f_fdtd, 1)[0])
    fsr_model = 1 / (model.ng * 2 * math.pi * R)  # meep units, c = 1
    print(f"lines {f_fdtd} rel {rel}; FSR {fsr_fdtd:.6f} vs {fsr_model:.6f}; QL {ql_fdtd:.0f} vs {model.ql:.0f} "
          f"(kappa2 {ov.kappa2:.5f}, phase {ov.ring_phase_rad:.3f} rad)")
    assert np.all(np.abs(rel) < 1e-4)
    assert fsr_model == pytest.approx(fsr_fdtd, rel=1e-3)
    assert model.ql == pytest.approx(ql_fdtd, rel=0.10)
    assert model.qi == pytest.approx(Q_MAT, rel=1e-9)  # the loss the model is given is the world's
    assert ring.loaded_q(model.qi, model.qc) == model.ql


@pytest.mark.meep
@pytest.mark.parametrize("coupler,wrap", [("point", 0.0), ("pulley", 40.0)])
def test_coupler_kappa2_of_the_overlap_model_agrees_with_fdtd(coupler, wrap):
    """kappa^2 into the ring's mode: the overlap model vs FDTD of the lower half ring with its bus.

    FDTD (:func:`weiming.sims.fdtd.ring.coupler_kappa2_2d`, ``equator=True``):
    the power in the ring guide's mode where its arm runs vertically, at 10 and
    15 px/um, Richardson-extrapolated. Measured on finer grids too (10 / 15 /
    20 / 25 px/um): point 0.0752 / 0.0725 / 0.0682 / 0.0688, pulley 0.0464 /
    0.0611 / 0.0665 / 0.0691; the pulley's 10/15, 15/20 and 20/25
    extrapolations agree to 1 %, the point's scatter between 0.063 and 0.070
    (its values move by ~0.003 from grid to grid, not as h^2), all within 7 %
    of the model. The projection is on the straight guide's mode, 0.9 % short
    of the bent one (their overlap).
    Tolerance 10 % (issue 18); measured -6.7 % (point) and +5.2 % (40-deg pulley).
    Near the nulls of the pulley's phase-matching curve the model is outside it
    (benchmarks/ring3d.py: 20 deg +55 %, 60 deg +18 %): kappa is there a
    difference of wrap and S-bend contributions of +-0.3 each, and the
    first-order model's neglected terms are of order 0.3^3.
    Also checked: the flux through the same line is up to 3x the mode power for
    the pulleys (radiation from the bus's curvature jumps crossing it), which is
    why the ring's power is projected.
    """
    from weiming.sims.fdtd.ring import coupler_kappa2_2d, model_overlap

    world = _world(coupler, wrap)
    k = {res: coupler_kappa2_2d(world, resolution=res, decay_by=1e-5, equator=True).kappa2_mode for res in (10, 15)}
    k_fdtd = _richardson(k[10], k[15], 10, 15)
    k_model = model_overlap(world).kappa2
    print(f"kappa2 fdtd {k} -> {k_fdtd:.5f}, overlap model {k_model:.5f} ({k_model / k_fdtd - 1:+.1%})")
    assert k_model == pytest.approx(k_fdtd, rel=0.10)


def test_coupled_mode_model_converges_to_the_overlap_model_on_large_rings():
    """The chip's coupled-mode model (straight supermodes, points paired across the bus) vs the overlap model.

    Same 2D world (sin800 reduced, 1-um guides, gap 0.3 um), point coupler.
    The CMT's approximations are R >> h (h = 1.3 um, centre to centre): at
    R = 20 um it is 11 % low, which is why the FDTD comparisons use the overlap
    model; the gap closes as h / R falls (measured -11.3, -1.8, -0.0 % at R =
    20, 100, 400 um). Tolerances: R = 20: below -8 % (the known limitation);
    R = 100: within 3 %; R = 400: within 1 %.
    """
    from weiming.sims.fdtd.ring import RingWorld2D, model_kappa2

    rel = {}
    for radius in (20.0, 100.0, 400.0):
        world = RingWorld2D.from_pdk("sin800", radius, GAP, width_um=W, bus_width_um=W)
        rel[radius] = model_kappa2(world, method="cmt") / model_kappa2(world) - 1
    print(rel)
    assert rel[20.0] < -0.08
    assert abs(rel[100.0]) < 0.03
    assert abs(rel[400.0]) < 0.01


def test_overlap_model_bad_input_names_the_parameter():
    from weiming.sims.devices.coupler_2d import Coupler2DError, kappa2_overlap_2d

    with pytest.raises(Coupler2DError, match="gap_um=-0.1"):
        kappa2_overlap_2d(1.88, 1.44, 20.0, 1.0, -0.1, 1.0, 1.55)
    with pytest.raises(Coupler2DError, match="bend_radius_um=None"):
        kappa2_overlap_2d(1.88, 1.44, 20.0, 1.0, 0.3, 1.0, 1.55, wrap_angle_deg=40.0)
    with pytest.raises(Coupler2DError, match="wrap_angle_deg=190"):
        kappa2_overlap_2d(1.88, 1.44, 20.0, 1.0, 0.3, 1.0, 1.55, wrap_angle_deg=190.0, bend_radius_um=30.0)
