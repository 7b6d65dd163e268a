"""Benchmark: 41-wavelength dispersion curve of the comb waveguides, per solver, against a converged reference.

In one run (disk cache off), per case (sin100 resonator: the thin film, the
hard case; sin800 resonator):

1. the converged reference: femwell on a fine mesh with wide walls
   (REFERENCE below), 5-point stencils at 1.55 um
   (:func:`weiming.sims.modes.femwell_check.femwell_reference`), and the same on a
   coarser mesh to show it is converged; the committed reference
   (tests/ref_dispersion.json, written by ``--write-reference`` from this
   computation) is compared with it;
2. for each solver of :func:`weiming.sims.modes.dispersion.dispersion_curve` - the
   default ``richardson`` (MPB on two grids extrapolated, FAST_NODES = 5
   Chebyshev wavelengths, exact derivatives of the fit), ``mpb`` (one default grid,
   every wavelength) and ``femwell`` (every wavelength, on the coarsest mesh
   of FEM_LADDER that meets the targets at 1.55 um) - the 41-wavelength time
   and |neff - ref|, |ng - ref|, |D / D_ref - 1| at 1.55 um;
3. the ratios femwell time / solver time.

Targets (issue 18): the default within 3e-5 (neff), 1e-4 (ng), 2 % (D) at
>= 5x femwell's speed. Times are wall-clock on a shared machine: the ratio,
measured in the same process, is the figure of merit.

``--validate`` also runs the MPB-vs-femwell cross-check on the InP deep
ridge and the sin800 bend shifts.

Usage: python benchmarks/dispersion.py [--cases sin100,sin800] [--points 41]
       [--write-reference tests/ref_dispersion.json | --committed-reference] [--validate]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ["WEIMING_CACHE"] = "off"  # time the solvers, not the cache

import numpy as np  # noqa: E402

from weiming.sims.modes.dispersion import DEFAULT_SOLVER, SOLVERS, dispersion_curve  # noqa: E402
from weiming.sims.modes.femwell_check import FemSettings, femwell_reference  # noqa: E402

TARGETS = {"neff": 3e-5, "ng": 1e-4, "d": 0.02}
CASES = {"sin100": ("sin100", "resonator"), "sin800": ("sin800", "resonator")}
#: femwell reference meshes (um): fine core mesh, walls well beyond the field
#: (sin100: 6 um, > 7 decay lengths; sin800: 3 um), and a coarser check mesh.
REFERENCE = {
    "sin100": (FemSettings(core_um=0.03, far_um=0.4, margin_y_um=6.0, margin_z_um=6.0),
               FemSettings(core_um=0.05, far_um=0.4, margin_y_um=6.0, margin_z_um=6.0)),
    "sin800": (FemSettings(core_um=0.04, far_um=0.3, margin_y_um=3.0, margin_z_um=3.0),
               FemSettings(core_um=0.07, far_um=0.3, margin_y_um=3.0, margin_z_um=3.0)),
}
#: femwell meshes tried, cheapest first; the first that meets TARGETS is timed
FEM_LADDER = {
    "sin100": [FemSettings(core_um=c, far_um=0.5, margin_y_um=4.0, margin_z_um=5.0) for c in (0.2, 0.15, 0.1, 0.05)],
    "sin800": [FemSettings(core_um=c, far_um=0.6, margin_y_um=1.5, margin_z_um=1.5) for c in (0.3, 0.2, 0.15, 0.1)],
}
REF_FILE = Path(__file__).resolve().parents[1] / "tests" / "ref_dispersion.json"
WL0, STEP = 1.55, 0.02


def _errors(neff: float, ng: float, d: float, ref: dict) -> dict:
    return {"neff": abs(neff - ref["neff"]), "ng": abs(ng - ref["ng"]), "d": abs(d / ref["d_ps_nm_km"] - 1)}


def _meets(e: dict) -> bool:
    return all(e[k] <= TARGETS[k] for k in TARGETS)


def _fmt(e: dict) -> str:
    return f"|neff-ref| {e['neff']:.1e}  |ng-ref| {e['ng']:.1e}  |D/D_ref-1| {e['d']:.2%}"


def _settings_str(s: FemSettings) -> str:
    return f"core {s.core_um} um, far {s.far_um} um, walls {s.margin_y_um}/{s.margin_z_um} um"


def reference(case: str) -> dict:
    """The converged femwell reference of ``case`` with its provenance and mesh-convergence check."""
    pdk, xs = CASES[case]
    fine, coarse = REFERENCE[case]
    t0 = time.perf_counter()
    ref = femwell_reference(pdk, xs, fine, WL0, STEP)
    t_ref = time.perf_counter() - t0
    chk = femwell_reference(pdk, xs, coarse, WL0, STEP)
    import femwell
    import skfem

    return {**ref, "pdk": pdk, "xs": xs, "wavelength_um": WL0,
            "provenance": {"generator": "python benchmarks/dispersion.py --write-reference",
                           "solver": f"femwell {femwell.__version__} (scikit-fem {skfem.__version__}), "
                                     "second-order Nedelec x Lagrange elements",
                           "mesh": _settings_str(fine), "stencil": f"5-point central differences, step {STEP} um",
                           "coarser_mesh": _settings_str(coarse),
                           "coarser_mesh_difference": {"neff": chk["neff"] - ref["neff"], "ng": chk["ng"] - ref["ng"],
                                                       "d_rel": chk["d_ps_nm_km"] / ref["d_ps_nm_km"] - 1},
                           "seconds": round(t_ref, 1)}}


def _fem_choice(case: str, ref: dict) -> FemSettings:
    """The cheapest femwell mesh of the ladder within TARGETS of ``ref`` at 1.55 um (3-point stencils)."""
    from weiming.sims.modes.femwell_check import FemWaveguide
    from weiming.sims.modes.mpb import xs_geometry

    pdk, xs = CASES[case]
    for st in FEM_LADDER[case]:
        fem = FemWaveguide(xs_geometry(pdk, xs), st)
        lo, n0, hi = (fem.neff(w) for w in (WL0 - STEP, WL0, WL0 + STEP))
        d = -(WL0 * 1e-6 / 299_792_458.0) * (hi - 2 * n0 + lo) / STEP ** 2 * 1e18
        e = _errors(n0, n0 - WL0 * (hi - lo) / (2 * STEP), d, ref)
        print(f"  femwell mesh {_settings_str(st)}: {_fmt(e)}", flush=True)
        if _meets(e):
            return st
    print("  no femwell mesh of the ladder meets the targets: timing the finest")
    return FEM_LADDER[case][-1]


def run_case(case: str, points: int, ref: dict) -> dict:
    pdk, xs = CASES[case]
    wls = np.linspace(1.45, 1.65, points)
    i0 = int(np.argmin(abs(wls - WL0)))
    assert abs(wls[i0] - WL0) < 1e-12, "the wavelength grid must contain 1.55 um"
    rows = {}
    fem_settings = _fem_choice(case, ref)
    for solver in SOLVERS:
        t0 = time.perf_counter()
        c = dispersion_curve(pdk, xs, wls, solver=solver, fem_settings=fem_settings if solver == "femwell" else None)
        t = time.perf_counter() - t0
        e = _errors(c.neff[i0], c.ng[i0], c.d_ps_nm_km[i0], ref)
        label = solver + (" (default)" if solver == DEFAULT_SOLVER else "")
        if solver == "femwell":
            label += f" [{_settings_str(fem_settings)}]"
        print(f"  {label:<28s} {points}-lambda time {t:7.1f} s  {_fmt(e)}  meets targets: "
              f"{'yes' if _meets(e) else 'NO'}", flush=True)
        rows[solver] = {"t": t, **e}
    for solver in SOLVERS:
        if solver != "femwell":
            print(f"  ratio femwell time / {solver} time = {rows['femwell']['t'] / rows[solver]['t']:.1f}")
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default="sin100,sin800")
    ap.add_argument("--points", type=int, default=41)
    ap.add_argument("--write-reference", type=Path, default=None, help="write the references (JSON) to this file")
    ap.add_argument("--committed-reference", action="store_true",
                    help=f"load the references from {REF_FILE.name} instead of recomputing them")
    ap.add_argument("--validate", action="store_true")
    a = ap.parse_args()
    cases = [c for c in a.cases.split(",") if c]
    bad = [c for c in cases if c not in CASES]
    if bad:
        print(f"--cases: unknown {bad}; known {list(CASES)}", file=sys.stderr)
        return 2
    committed = json.loads(REF_FILE.read_text()) if REF_FILE.exists() else {}
    refs, ok = {}, True
    for case in cases:
        print(f"== {case} ({'/'.join(CASES[case])}), {a.points} wavelengths 1.45-1.65 um, errors at {WL0} um",
              flush=True)
        if a.committed_reference:
            if case not in committed:
                print(f"--committed-reference: {REF_FILE} has no {case!r}", file=sys.stderr)
                return 2
            ref = committed[case]
            print(f"  reference loaded from {REF_FILE.relative_to(REF_FILE.parents[1])}")
        else:
            ref = refs[case] = reference(case)
        p = ref["provenance"]
        print(f"  reference: {p['solver']}; mesh {p['mesh']} ({ref['mesh_nodes']} nodes); {p['stencil']} "
              f"({p['seconds']:.0f} s): neff {ref['neff']:.7f} ng {ref['ng']:.6f} D {ref['d_ps_nm_km']:.2f} ps/nm/km")
        dc = p["coarser_mesh_difference"]
        print(f"  reference convergence: mesh {p['coarser_mesh']} differs by neff {dc['neff']:+.1e}, "
              f"ng {dc['ng']:+.1e}, D {dc['d_rel']:+.2%}")
        if case in committed and not a.committed_reference:
            c = committed[case]
            print(f"  committed reference ({REF_FILE.name}) vs this run: neff {c['neff'] - ref['neff']:+.1e}, "
                  f"ng {c['ng'] - ref['ng']:+.1e}, D {c['d_ps_nm_km'] / ref['d_ps_nm_km'] - 1:+.2%}")
        rows = run_case(case, a.points, ref)
        d = rows[DEFAULT_SOLVER]
        met = all(d[k] <= TARGETS[k] for k in TARGETS) and rows["femwell"]["t"] / d["t"] >= 5
        ok &= met
        print(f"  default ({DEFAULT_SOLVER}) at femwell-level accuracy (neff <= 3e-5, ng <= 1e-4, D <= 2 %) "
              f"and >= 5x faster than femwell: {'YES' if met else 'NO'}", flush=True)
    if a.write_reference:
        from weiming.fileio import atomic_write_text

        out = {**committed, **refs}
        atomic_write_text(a.write_reference, json.dumps(out, indent=1, sort_keys=True) + "\n")
        print(f"wrote {a.write_reference}")
    if a.validate:
        _validate()
    return 0 if ok else 1


def _validate() -> None:
    """MPB vs femwell on the InP deep ridge, and bend shifts of the sin800 guide."""
    from weiming.sims.modes.dispersion import compare_solvers
    from weiming.sims.modes.femwell_check import FemWaveguide
    from weiming.sims.modes.mpb import MpbWaveguide, default_numerics, xs_geometry

    t0 = time.perf_counter()
    r = compare_solvers("inp", "deep", settings=FemSettings(core_um=0.1, far_um=0.5))
    m, f = r["mpb"], r["femwell"]
    print(f"inp/deep: dneff={m['neff'] - f['neff']:+.1e} ng {m['ng']:.4f}/{f['ng']:.4f} "
          f"D {m['d_ps_nm_km']:.1f}/{f['d_ps_nm_km']:.1f} ps/nm/km ({time.perf_counter() - t0:.0f} s)")
    g = xs_geometry("sin800", "resonator")
    fs = FemSettings(core_um=0.15, far_um=0.6, margin_y_um=2.0, margin_z_um=2.0)
    straight_f = FemWaveguide(g, fs).neff(1.55)
    straight_m = MpbWaveguide(g, default_numerics("sin800")).solve(1.55)[0]["neff"]
    for r in (50.0, 200.0):
        nf = FemWaveguide(g, fs, radius_um=r).neff(1.55)
        nm = MpbWaveguide(g, default_numerics("sin800"), radius_um=r).solve(1.55)[0]["neff"]
        print(f"sin800 bend R={r:.0f} um: neff MPB {nm:.6f} femwell {nf:.6f} (d={nm - nf:+.1e}); "
              f"bend shift MPB {nm - straight_m:.2e} femwell {nf - straight_f:.2e}")


if __name__ == "__main__":
    sys.exit(main())
