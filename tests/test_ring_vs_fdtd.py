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


def _family(modes):
    """(frequencies, Qs) of the strong Harminv lines: one radial family, no spurious fits."""
    amax = max(m.amp for m in modes)
    strong = [m for m in modes if m.amp > 0.1 * amax and m.err < 1e-5]
    f = np.array([m.freq for m in strong])
    d = np.diff(f)
    assert len(f) >= 4 and np.all(np.abs(d / np.median(d) - 1) < 0.05), "Harminv missed a resonance"
    return f, np.array([m.q for m in strong])


@pytest.mark.meep
@pytest.mark.parametrize("coupler,wrap", [("point", 0.0), ("pulley", 40.0)])
def test_ring_model_fsr_and_loaded_q_agree_with_harminv(coupler, wrap):
    """Point- and pulley-coupled (40 deg) ring: FSR and loaded Q of the ring model vs Harminv on the whole ring.

    Model: :func:`weiming.sims.fdtd.ring.ring_model_2d` -- ng of the bent 2D
    guide, kappa^2 from the coupler model (supermodes of the same 2D indices,
    :func:`weiming.sims.fdtd.ring.model_kappa2`), the world's loss as Qi.
    FDTD: Harminv on the whole ring at 10 and 12 px/um; FSR = slope of the line
    frequencies vs their index, Q interpolated to the design frequency (kappa^2
    grows with wavelength, so Q does), both Richardson-extrapolated (numerical
    dispersion at ~10 px per guided wavelength lowers the FSR by 3-5 %, second
    order in the step).
    Tolerances: FSR 2e-3 (measured 8, 10, 12 px/um: 0.003765, 0.003897,
    0.003960, extrapolations 8/10 and 10/12 differ by 7e-3, 10/12 to a finer
    pair is expected to move by ~1/4 of that); loaded Q 10 % (issue 18: Harminv's
    Q of these isolated lines is good to ~1 %; the rest is the Richardson
    residual, ~3 %, and the coupler model's neglect of the bend, which
    strengthens the coupling, -12 % in kappa^2 here, about half of it in QL).
    The 40-deg pulley is on the second lobe of its phase-mismatch sinc, where the
    model's kappa^2 matches the coupler FDTD (0.0762 vs 0.0759 at 15 px/um).
    Not here (benchmarks/ring3d.py): the 60-deg pulley, QL 15 % off, and the
    20-deg one near the sinc's null (kappa^2 2.5x off); absolute resonance
    positions to 1e-4, which need finer grids.
    """
    from weiming.sims.devices import ring
    from weiming.sims.fdtd.ring import model_kappa2, ring_model_2d, ring_modes_2d

    world = _world(coupler, wrap)
    f0 = 1 / world.wavelength_um
    fsr, ql = {}, {}
    for res in (10, 12):
        f, q = _family(ring_modes_2d(world, resolution=res, q_material=Q_MAT, run_after_sources=800).modes)
        fsr[res] = float(np.polyfit(np.arange(f.size), f, 1)[0])
        ql[res] = float(np.interp(f0, f, q))
    fsr_fdtd, ql_fdtd = _richardson(fsr[10], fsr[12], 10, 12), _richardson(ql[10], ql[12], 10, 12)
    k2 = model_kappa2(world)
    model = ring_model_2d(world, k2, q_material=Q_MAT)
    fsr_model = 1 / (model.ng * 2 * math.pi * R)  # meep units, c = 1
    print(f"FSR fdtd {fsr} -> {fsr_fdtd:.6f}, model {fsr_model:.6f}; QL fdtd {ql} -> {ql_fdtd:.0f}, "
          f"model {model.ql:.0f} (kappa2 {k2:.5f}, Qi {model.qi:.0f}, Qc {model.qc:.0f})")
    assert fsr_model == pytest.approx(fsr_fdtd, rel=2e-3)
    assert model.ql == pytest.approx(ql_fdtd, rel=0.10)
    assert model.qi == pytest.approx(Q_MAT, rel=1e-9)  # the loss the model is given is the world's
    assert ring.loaded_q(model.qi, model.qc) == model.ql
