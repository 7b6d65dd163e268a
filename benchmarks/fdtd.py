"""Coupler sweep: supermode coupled-mode model vs 2D FDTD, wall times and the kappa^2 they agree on.

    python benchmarks/fdtd.py [--radius 40] [--gaps 0.3,0.4,0.5] [--resolutions 10,20,30]
    python benchmarks/fdtd.py --mmi [--mmi-resolutions 20,30] [--mmi-widths 7.6,8.0,8.4] [--mmi-3d]

World: the 2D effective-index reduction of the sin800 strip (1.0 um wide) at
1.55 um. For each gap the FDTD kappa^2 is computed at every resolution and
Richardson-extrapolated from the two finest (second order); the model is the
supermode CMT of :func:`weiming.sims.devices.coupler.kappa2_2d`. Prints, in the same
process, the model sweep wall time, the FDTD sweep wall time, their ratio, and
per gap the model and FDTD kappa^2 and their relative difference (target
< 10 %), plus the convergence of kappa^2 with resolution.

``--mmi``: InP ``mmi1x2`` and ``mmi2x2`` at their nominal widths, 2D
effective-index FDTD vs the guided-mode propagation analysis (MPA,
:mod:`weiming.sims.devices.mmi_mpa`): per resolution the FDTD with and without the
Yee beat-length compensation of :func:`weiming.sims.devices.mmi.split`, and the MPA at
the grid-equivalent length ``L R`` (what the uncompensated grid should give),
with wall times; then the ``mmi2x2`` imbalance vs MMI width at the nominal
length (FDTD, compensated, at the coarsest resolution, vs MPA).
``--mmi-3d`` adds the 3D check of the sin800 ``mmi1x2`` at its nominal width.

``--mpi``: meep's serial build against its MPI build (tools/setup.sh) on the same
2D and 3D S-parameter runs, in this one process: serial build (with and without
its mirror symmetry), MPI build on 1 rank and on 2 ranks; wall times with and
without mpirun's start-up (``rank0_wall_s``), the ratios serial / MPI-1 rank (is
the MPI build as fast serially?) and MPI-1 rank / MPI-2 ranks (the speed-up),
the largest S difference between them, and the load average (the cores may be
shared).
"""

from __future__ import annotations

import argparse
import time

from weiming.sims.devices.coupler import kappa2_2d
from weiming.sims.fdtd.coupler import coupler_fdtd_2d
from weiming.sims.fdtd.eim import reduce_2d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--radius", type=float, default=40.0)
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--gaps", default="0.3,0.4,0.5")
    ap.add_argument("--resolutions", default="10,20,30")
    ap.add_argument("--wavelength", type=float, default=1.55)
    ap.add_argument("--mmi", action="store_true", help="run the MMI width sweep instead of the coupler sweep")
    ap.add_argument("--mmi-widths", default="7.6,8.0,8.4")
    ap.add_argument("--mmi-resolutions", default="20,30")
    ap.add_argument("--mmi-3d", action="store_true")
    ap.add_argument("--mpi", action="store_true", help="serial vs MPI build, 1 and 2 ranks, 2D and 3D")
    ap.add_argument("--mpi-2d", default="mmi1x2:sin800:10", help="CELL:PDK:RESOLUTION[:key=value,...] (2D case)")
    ap.add_argument("--mpi-3d", default="straight:sin800:10:length=3", help="the same for the 3D case")
    args = ap.parse_args()
    if args.mmi:
        return mmi_sweep(args)
    if args.mpi:
        return mpi_bench(args)
    gaps = [float(g) for g in args.gaps.split(",")]
    ress = sorted(float(r) for r in args.resolutions.split(","))
    red = reduce_2d("sin800", "WG", args.wavelength)
    nc, ncl = red.n_core, red.n_clad
    print(f"2D world: n_core={nc:.4f} n_clad={ncl:.4f} ({red.method}); R={args.radius} um, w={args.width} um")

    t0 = time.perf_counter()
    model = {g: kappa2_2d(nc, ncl, args.width, g, args.radius, wavelength_um=args.wavelength).kappa2 for g in gaps}
    t_model = time.perf_counter() - t0

    t0 = time.perf_counter()
    fdtd: dict[float, dict[float, float]] = {}
    for g in gaps:
        fdtd[g] = {}
        for r in ress:
            t1 = time.perf_counter()
            fdtd[g][r] = coupler_fdtd_2d(nc, ncl, args.width, g, args.radius, wavelength_um=args.wavelength,
                                         resolution=r, height_um=3.0, margin=1.0, nfreq=1, decay_by=1e-6).kappa2
            print(f"  FDTD gap {g} um res {r:g}: kappa2 = {fdtd[g][r]:.5f} ({time.perf_counter() - t1:.1f} s)",
                  flush=True)
    t_fdtd = time.perf_counter() - t0

    print(f"\nmodel sweep: {t_model:.2f} s; FDTD sweep: {t_fdtd:.1f} s; FDTD/model time ratio: {t_fdtd / t_model:.0f}x")
    print(f"{'gap um':>7} {'model':>9} {'FDTD(extrap.)':>14} {'rel. diff':>9}   kappa2 vs resolution")
    worst = 0.0
    for g in gaps:
        ks = fdtd[g]
        if len(ress) >= 2:
            lo, hi = ress[-2], ress[-1]
            k_inf = ks[hi] + (ks[hi] - ks[lo]) / ((hi / lo) ** 2 - 1)
        else:
            k_inf = ks[ress[-1]]
        d = model[g] / k_inf - 1
        worst = max(worst, abs(d))
        conv = ", ".join(f"{r:g}:{ks[r]:.5f}" for r in ress)
        print(f"{g:7.3f} {model[g]:9.5f} {k_inf:14.5f} {d:+9.1%}   {conv}")
    print(f"worst model-FDTD difference: {worst:.1%} (target < 10 %)")


def mmi_sweep(args) -> None:
    from weiming.sims.devices import mmi, mmi_mpa
    from weiming.sims.fdtd.eim import reduce_2d

    ress = sorted(float(r) for r in args.mmi_resolutions.split(","))
    wl = 1.55
    red = reduce_2d("inp", "DEEP", wl)
    print(f"InP 2D world: n_core={red.n_core:.4f} n_clad={red.n_clad:.4f} at {wl} um; dB differences are FDTD - MPA")
    for cell in ("mmi1x2", "mmi2x2"):
        ref = mmi_mpa.split_cell("inp", cell, wavelength_um=wl)
        w, length = ref.width_um, ref.length_um
        print(f"\n{cell}: W={w} um, L={length} um; MPA: excess {ref.excess_loss_db:.3f} dB, "
              f"imbalance {ref.imbalance_db:+.3f} dB")
        print(f"{'px/um':>6} {'R':>6} {'comp.':>5} {'excess dB':>9} {'imb. dB':>8} {'d excess':>8} {'d imb.':>7} "
              f"{'MPA(L R) excess':>15} {'wall s':>7}")
        for r in ress:
            fac = mmi.yee_beat_factor(red.n_core, wl, r)
            # same cell, multimode section L R long (access guides as drawn)
            grid = mmi_mpa.split_cell("inp", cell, wavelength_um=wl, settings={"length": round(length * fac, 3)})
            for comp in (True, False):
                t = time.perf_counter()
                p = mmi.split("inp", w, cell=cell, resolution=r, wavelength_um=wl, decay_by=1e-5,
                              compensate_dispersion=comp)
                ex = ref if comp else grid
                print(f"{r:6g} {fac:6.4f} {'yes' if comp else 'no':>5} {p.excess_loss_db:9.3f} {p.imbalance_db:+8.3f} "
                      f"{p.excess_loss_db - ref.excess_loss_db:+8.3f} {p.imbalance_db - ref.imbalance_db:+7.3f} "
                      f"{'' if comp else f'{ex.excess_loss_db:15.3f}':>15} {time.perf_counter() - t:7.1f}",
                      flush=True)
    widths = [float(w) for w in args.mmi_widths.split(",")]
    length = mmi.nominal_length_um("inp", "mmi2x2")
    print(f"\nInP mmi2x2 vs width, length fixed at {length:.3f} um, FDTD (compensated) at {ress[0]:g} px/um vs MPA")
    print(f"{'width um':>9} {'FDTD imb.':>9} {'MPA imb.':>8} {'FDTD exc.':>9} {'MPA exc.':>8} {'wall s':>7}")
    for w in widths:
        t = time.perf_counter()
        p = mmi.split("inp", w, cell="mmi2x2", length_um=length, resolution=ress[0], wavelength_um=wl, decay_by=1e-5)
        m = mmi_mpa.split_cell("inp", "mmi2x2", width_um=w, wavelength_um=wl)
        print(f"{w:9.3f} {p.imbalance_db:+9.3f} {m.imbalance_db:+8.3f} {p.excess_loss_db:9.3f} {m.excess_loss_db:8.3f} "
              f"{time.perf_counter() - t:7.1f}", flush=True)
    if args.mmi_3d:
        for three_d in (False, True):
            t = time.perf_counter()
            p = mmi.split("sin800", 6.0, cell="mmi1x2", resolution=10, three_d=three_d, use_symmetry=True)
            print(f"sin800 mmi1x2 {'3D' if three_d else '2D'}: ratio {p.ratio:.4f}, excess {p.excess_loss_db:.3f} dB "
                  f"({time.perf_counter() - t:.1f} s)", flush=True)


def mpi_bench(args) -> None:
    import os

    import numpy as np

    from weiming.sims.fdtd.mpi import MpiUnavailableError, available_slots, find_mpi_build, sparams_mpi
    from weiming.sims.fdtd.sparameters import sparams

    try:
        build = find_mpi_build()
    except MpiUnavailableError as e:
        raise SystemExit(f"no MPI build: {e}")
    over = available_slots() < 2
    print(f"MPI build: {build.source}; {available_slots()} CPUs; load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ratios: list[float] = []  # serial / MPI-1-rank wall time per case
    print(f"{'case':>22} {'run':>24} {'wall s':>8} {'in-rank s':>9} {'max|dS| vs MPI-1':>17}")
    for label, spec, three_d in (("2D", args.mpi_2d, False), ("3D", args.mpi_3d, True)):
        if spec == "none":
            continue
        cell, pdk, res, *rest = spec.split(":")
        settings = {k: float(v) for k, v in (kv.split("=") for kv in rest[0].split(","))} if rest else {}
        kw = dict(settings=settings, resolution=float(res), wavelengths_um=[1.5, 1.55, 1.6], input_ports=["o1"],
                  decay_by=1e-5, three_d=three_d)
        case = f"{label} {cell} {pdk} {res}px/um{' ' + rest[0] if rest else ''}"
        times, results = {}, {}
        runs = ["serial, no symmetry", "MPI build, 1 rank", "MPI build, 2 ranks"]
        if not three_d:  # the 3D worlds use no mirror symmetry anyway
            runs.insert(0, "serial, mirror sym.")
        for run in runs:
            t = time.perf_counter()
            if run.startswith("serial"):
                r = sparams(cell, pdk, use_symmetry="mirror" in run, **kw)
            else:
                r = sparams_mpi(cell, pdk, 1 if "1 rank" in run else 2, build=build, oversubscribe=over,
                                stdout=open(os.devnull, "w"), **kw)
            times[run] = (time.perf_counter() - t, r.info.get("rank0_wall_s"))
            results[run] = r.s[:, :, 0]
        ref = results["MPI build, 1 rank"]
        for run, (wall, inrank) in times.items():
            d = np.nanmax(np.abs(results[run] - ref))
            print(f"{case:>22} {run:>24} {wall:8.1f} {'' if inrank is None else f'{inrank:9.1f}':>9} {d:17.2e}",
                  flush=True)
        s_nosym, m1, m2 = times["serial, no symmetry"][0], times["MPI build, 1 rank"], times["MPI build, 2 ranks"]
        ratios.append(s_nosym / m1[0])
        print(f"{case}: serial (no symmetry) / MPI 1 rank: {s_nosym / m1[0]:.2f} (wall), "
              f"{s_nosym / m1[1]:.2f} (in-rank); 2-rank speed-up over 1 rank: {m1[0] / m2[0]:.2f} (wall), "
              f"{m1[1] / m2[1]:.2f} (in-rank)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 ranks cannot speed up on "
          "cores already busy)")
    worst = min(ratios) if ratios else float("nan")
    gain = "which gains nothing" if worst <= 1.05 else "a gain that does not outweigh what follows"
    print(f"decision: the serial build stays the default (without --mpi): on one rank the MPI build ran at "
          f"{worst:.2f}x the serial build's speed (wall, with mpirun's start-up; worst case), {gain}; and "
          "Debian's MPI build has no MPB, so the serial package is needed for the mode solver and the ports "
          "anyway. --mpi N is for 3D runs that outgrow one process.")


if __name__ == "__main__":
    main()
