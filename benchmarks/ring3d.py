"""Ring and coupler models vs FDTD at resolutions too heavy for the tests, and one 3D point coupler.

    nice python benchmarks/ring3d.py [--part kappa2|ring|3d|all] [--resolutions 15,20] [--wraps 0,20,40,60]

World (as tests/test_ring_vs_fdtd.py): sin800 reduced to 2D (reduce_2d), ring
R = 20 um of the ``strip`` width 1.0 um, a bus of the same width at 0.3 um,
pulley S-bends of the strip's minimum radius 30 um, geometry of the layout
cell (:mod:`weiming.sims.fdtd.ring`).

- ``kappa2``: kappa^2 of the point coupler and of pulleys wrapped 20, 40, 60
  deg, FDTD of the coupling region at each resolution (Richardson from the two
  finest) vs the coupled-mode model of the same 2D world with bent-mode
  (``bend``) and straight-mode phase mismatch.
- ``ring``: Harminv on the whole ring (point and pulleys; material loss Qi 2e4)
  at each resolution: FSR, loaded Q at 1.55 um, Richardson; vs the ring model.
- ``3d``: kappa^2 of the point coupler in 3D (the sin800 film, 0.8 um Si3N4 in
  SiO2) at a modest resolution vs the full-vector coupler model
  (:func:`weiming.sims.devices.coupler.coupler_model`, MPB supermodes of the real
  cross-section).

Recorded runs (2 cores shared with other jobs, 30 Nov 2026; wall times include the sharing):

  2D kappa^2 (FDTD res 10 / 15 / 20 px/um -> Richardson 15/20; model bend / straight phase):
    point      0.0803 / 0.0706 / 0.0687 -> 0.0663   model 0.0583 / 0.0585  (-12 %: the bent ring
               mode leans towards the bus, which the straight-guide supermodes leave out)
    pulley 20  -      / 0.0189 / 0.0163 -> 0.0129   model 0.0320 / 0.0305  (2.5x: near the first
               null of the wrap's phase-mismatch sinc, kappa^2 is a small difference)
    pulley 40  -      / 0.0759 / -                  model 0.0762 / 0.0765  (second lobe)
    pulley 60  not run                              model 0.0157 / 0.0143
  2D ring, Harminv at 10 / 12 px/um -> Richardson (``--part ring``; model: same 2D indices, CMT kappa^2):
    point      FSR 0.003895 / 0.003957 -> 0.004099 vs 0.004099;  QL 7331 / 7756 -> 8724 vs 9033 (+3.5 %)
    pulley 40  FSR 0.003895 / 0.003957 -> 0.004098 vs 0.004099;  QL 9312 / 8641 -> 7115 vs 7684 (+8.0 %)
    pulley 60  FSR 0.003895 / 0.003957 -> 0.004096 vs 0.004099;  QL 14727 / 15678 -> 17838 vs 15148 (-15 %)
    (model extinction 20.3 / 12.7 / 5.8 dB; not checked against an FDTD transmission spectrum)
  3D point coupler (``--part 3d``; 0.8-um Si3N4 in SiO2, same geometry, mirror symmetry in z):
    FDTD res 10: kappa2 0.0542 (excess 0.0002, 261 s); res 15: 0.0493 (987 s); Richardson 10/15 0.0454
    full-vector model (MPB supermodes of the real cross-section) 0.0274 (-40 % vs 0.0454);
    2D effective-index model 0.0583 (+28 %)
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from weiming.sims.fdtd.ring import (RingWorld2D, Slab3D, coupler_kappa2_2d, model_kappa2, ring_model_2d,
                                    ring_modes_2d)

R, GAP, W, Q_MAT = 20.0, 0.3, 1.0, 2e4


def richardson(lo: float, hi: float, r_lo: float, r_hi: float) -> float:
    return hi + (hi - lo) / ((r_hi / r_lo) ** 2 - 1)


def world(wrap: float) -> RingWorld2D:
    kind = "pulley" if wrap > 0 else "point"
    return RingWorld2D.from_pdk("sin800", R, GAP, coupler=kind, wrap_angle_deg=wrap, width_um=W, bus_width_um=W)


def part_kappa2(wraps, ress) -> None:
    print("kappa^2, 2D: wrap(deg) | FDTD per resolution | Richardson | model bend | model straight | rel. diff")
    for wrap in wraps:
        w = world(wrap)
        t0 = time.perf_counter()
        k = {r: coupler_kappa2_2d(w, resolution=r, decay_by=1e-5) for r in ress}
        kx = richardson(k[ress[-2]].kappa2, k[ress[-1]].kappa2, ress[-2], ress[-1]) if len(ress) > 1 else k[ress[0]].kappa2
        mb, ms = model_kappa2(w), model_kappa2(w, bend=False)
        print(f"  {wrap:4.0f} | " + " ".join(f"{r:g}:{k[r].kappa2:.5f}(loss {k[r].excess_loss:.3f})" for r in ress)
              + f" | {kx:.5f} | {mb:.5f} | {ms:.5f} | {mb / kx - 1:+.1%}  [{time.perf_counter() - t0:.0f} s]",
              flush=True)


def part_ring(wraps, ress) -> None:
    print("ring, 2D Harminv: wrap | FSR per res -> extrapolated vs model | QL per res -> extrapolated vs model")
    for wrap in wraps:
        w = world(wrap)
        f0 = 1 / w.wavelength_um
        fsr, ql = {}, {}
        for r in ress:
            modes = ring_modes_2d(w, resolution=r, q_material=Q_MAT, run_after_sources=800).modes
            amax = max(m.amp for m in modes)
            strong = [m for m in modes if m.amp > 0.1 * amax and m.err < 1e-5]
            f = np.array([m.freq for m in strong])
            fsr[r] = float(np.polyfit(np.arange(f.size), f, 1)[0])
            ql[r] = float(np.interp(f0, f, [m.q for m in strong]))
        m = ring_model_2d(w, model_kappa2(w), q_material=Q_MAT)
        fm = 1 / (m.ng * 2 * math.pi * R)
        fx = richardson(fsr[ress[-2]], fsr[ress[-1]], ress[-2], ress[-1])
        qx = richardson(ql[ress[-2]], ql[ress[-1]], ress[-2], ress[-1])
        print(f"  {wrap:4.0f} | {fsr} -> {fx:.6f} vs {fm:.6f} ({fm / fx - 1:+.1e}) | {ql} -> {qx:.0f} vs "
              f"{m.ql:.0f} ({m.ql / qx - 1:+.1%}); model kappa2 {m.kappa2:.5f}, extinction {m.extinction_db:.1f} dB",
              flush=True)


def part_3d(res: float) -> None:
    from weiming.sims.devices.coupler import coupler_model

    w = world(0.0)
    t0 = time.perf_counter()
    model = coupler_model("sin800", GAP, R, width_um=W, coupler="point", wavelength_um=1.55, xs="strip").kappa2
    t_model = time.perf_counter() - t0
    t0 = time.perf_counter()
    r = coupler_kappa2_2d(w, resolution=res, decay_by=1e-4, slab=Slab3D.from_pdk("sin800", 1.55), nfreq=3)
    t_fdtd = time.perf_counter() - t0
    print(f"3D point coupler R={R} um, w={W} um, gap={GAP} um at 1.55 um: FDTD res {res:g} kappa2 {r.kappa2:.5f} "
          f"(t2 {r.t2:.4f}, excess {r.excess_loss:.4f}; {t_fdtd:.0f} s) vs full-vector model {model:.5f} "
          f"({model / r.kappa2 - 1:+.1%}; {t_model:.0f} s); 2D effective-index model {model_kappa2(w):.5f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="all", choices=("kappa2", "ring", "3d", "all"))
    ap.add_argument("--resolutions", default="15,20")
    ap.add_argument("--ring-resolutions", default="10,12")
    ap.add_argument("--wraps", default="0,20,40,60")
    ap.add_argument("--resolution-3d", type=float, default=10.0)
    a = ap.parse_args()
    wraps = [float(x) for x in a.wraps.split(",")]
    if a.part in ("kappa2", "all"):
        part_kappa2(wraps, sorted(float(x) for x in a.resolutions.split(",")))
    if a.part in ("ring", "all"):
        part_ring(wraps, sorted(float(x) for x in a.ring_resolutions.split(",")))
    if a.part in ("3d", "all"):
        part_3d(a.resolution_3d)


if __name__ == "__main__":
    main()
