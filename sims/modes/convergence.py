"""Convergence of the MPB mode solver in resolution and domain size.

``convergence_study`` solves the fundamental mode of a cross-section for a
list of resolutions (margins fixed) and a list of margins (resolution fixed)
and reports neff and its change against the finest/largest run. The defaults
in :data:`weiming.sims.modes.mpb.DEFAULT_NUMERICS` were chosen from these tables
(``python -m weiming.sims.modes.convergence sin100 resonator``): the smallest
settings whose neff is within ~1e-4 of the finest run and whose ng is within
~1e-3, at a runtime that keeps a 41-wavelength sweep near a minute on 2 cores.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

from weiming.sims.modes.mpb import MpbWaveguide, NG_STEP_UM, default_numerics, xs_geometry


def _neff_ng(geom, num, wavelength_um: float) -> tuple[float, float, float]:
    t0 = time.perf_counter()
    eng = MpbWaveguide(geom, num, num_bands=1)
    n0 = eng.solve(wavelength_um)[0]["neff"]
    lo = eng.solve(wavelength_um - NG_STEP_UM, [n0])[0]["neff"]
    hi = eng.solve(wavelength_um + NG_STEP_UM, [n0])[0]["neff"]
    ng = n0 - wavelength_um * (hi - lo) / (2 * NG_STEP_UM)
    return n0, ng, time.perf_counter() - t0


def convergence_study(pdk: str, xs: str, wavelength_um: float = 1.55, *, resolutions=(20, 30, 40, 60),
                      margins_um=(1.5, 2.5, 3.5, 5.0), width=None, thickness=None) -> dict:
    """neff/ng versus resolution (default margins) and versus margin (default resolution)."""
    geom = xs_geometry(pdk, xs, width=width, thickness=thickness)
    base = default_numerics(pdk)
    rows_r = []
    for r in resolutions:
        n, ng, dt = _neff_ng(geom, replace(base, resolution=int(r)), wavelength_um)
        rows_r.append({"resolution": int(r), "neff": n, "ng": ng, "seconds": dt})
    rows_m = []
    for m in margins_um:
        n, ng, dt = _neff_ng(geom, replace(base, margin_y_um=float(m), margin_z_um=float(m)), wavelength_um)
        rows_m.append({"margin_um": float(m), "neff": n, "ng": ng, "seconds": dt})
    for rows in (rows_r, rows_m):
        ref = rows[-1]
        for row in rows:
            row["dneff"] = row["neff"] - ref["neff"]
            row["dng"] = row["ng"] - ref["ng"]
    return {"pdk": pdk, "xs": xs, "wavelength_um": wavelength_um, "defaults": base.__dict__,
            "resolution": rows_r, "margin": rows_m}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    pdk, xs = (argv + ["sin100", "resonator"])[:2]
    out = convergence_study(pdk, xs)
    print(f"{pdk}/{xs} at {out['wavelength_um']} um, defaults {out['defaults']}")
    for key in ("resolution", "margin"):
        for row in out[key]:
            print(f"  {key}={row.get('resolution', row.get('margin_um'))}: neff={row['neff']:.6f} "
                  f"(d={row['dneff']:+.1e}) ng={row['ng']:.5f} (d={row['dng']:+.1e}) {row['seconds']:.1f} s")


if __name__ == "__main__":
    main()
