"""Design centring: move a design parameter to where the process distribution gives the most yield.

Method: sample-average approximation with common random numbers (A. Shapiro,
D. Dentcheva, A. Ruszczynski, *Lectures on Stochastic Programming*, SIAM
2009, ch. 5): the process, defect and D0 draws of the Monte Carlo are frozen,
so every candidate design sees the same wafers and the yield differences
between candidates carry no sampling noise from redrawing. The sample-average
yield is piecewise constant in the parameter, so the optimiser is derivative
free: a uniform grid over [LO, HI] (plus the current value), then a finer
grid around the best point. Every evaluation re-runs the affected device
model on all simulated devices; the count is reported.

Parameters (``--center PARAM=LO:HI``):

- ``grating_period_offset_nm``: change of the DBR grating period (laser locking);
- ``mmi_width_offset_um``: change of the modulator's drawn MMI widths at fixed
  drawn length (extinction ratio, excess loss; MPA tables);
- ``modulator_length_um``: length of the IMs and PMs (Vpi x L held: Vpi scales
  as 1/L; loss and critical area scale as L).

Candidates are evaluated in the yield model on the frozen draws; the chip is
not rebuilt, so check that a moved design still fits (``weiming build``).
The ring gap is not a parameter of the yield model (no yield metric depends
on it), so it is refused rather than reported as flat.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from weiming.sims.wafer import devices as dv

PARAMS = {
    "grating_period_offset_nm": ("client", ("laser",), "period offset, nm", (-1.0, 1.0)),
    "mmi_width_offset_um": ("client", ("im",), "drawn MMI width change, um", (-0.5, 0.5)),
    "modulator_length_um": ("client", ("im", "pm"), "modulator length, um", (100.0, 3000.0)),
}
N_COARSE, N_FINE = 9, 8


def parse_center(text: str) -> tuple[str, float, float]:
    """``"mmi_width_offset_um=-0.1:0.1"`` -> (name, lo, hi); ValueError with the rule otherwise."""
    name, sep, rng = str(text).partition("=")
    name = name.strip()
    if not sep or name not in PARAMS:
        raise ValueError(f"--center {text!r}: expected PARAM=LO:HI with PARAM one of {sorted(PARAMS)}")
    lo_s, sep2, hi_s = rng.partition(":")
    try:
        lo, hi = float(lo_s), float(hi_s)
    except ValueError:
        raise ValueError(f"--center {text!r}: LO and HI must be numbers, e.g. {name}=-0.1:0.1") from None
    if not sep2 or not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
        raise ValueError(f"--center {text!r}: need finite LO < HI")
    a, b = PARAMS[name][3]
    if lo < a or hi > b:
        raise ValueError(f"--center {text!r}: {PARAMS[name][2]} must lie in [{a:g}, {b:g}]")
    return name, lo, hi


def saa_maximize(f: Callable[[float], float], lo: float, hi: float, x0: float | None = None,
                 n_coarse: int = N_COARSE, n_fine: int = N_FINE) -> dict:
    """Maximise ``f`` on [lo, hi]: coarse grid (plus ``x0``), then a fine grid around the best point.
    Ties go to the point nearest ``x0`` (do not move the design for nothing)."""
    evals: dict[float, float] = {}

    def ev(x: float) -> float:
        x = float(x)
        if x not in evals:
            evals[x] = float(f(x))
        return evals[x]

    xs = list(np.linspace(lo, hi, n_coarse)) + ([x0] if x0 is not None and lo <= x0 <= hi else [])
    for x in xs:
        ev(x)
    step = (hi - lo) / (n_coarse - 1)
    best = _best(evals, x0)
    for x in np.linspace(max(lo, best - step), min(hi, best + step), n_fine + 2)[1:-1]:
        ev(x)
    best = _best(evals, x0)
    grid = sorted(evals.items())
    return {"x": best, "y": evals[best], "evaluations": len(evals), "grid": grid}


def _best(evals: dict[float, float], x0: float | None) -> float:
    top = max(evals.values())
    cands = [x for x, y in evals.items() if y >= top - 1e-15]
    ref = x0 if x0 is not None else 0.5 * (min(evals) + max(evals))
    return min(cands, key=lambda x: (abs(x - ref), x))


def _objective(sim, name: str, kinds: tuple[str, ...], d0_w) -> tuple[Callable[[float], float], float]:
    """Client chip yield (mean over the frozen wafers) as a function of the parameter, and its current value."""
    base = {k: sim.design.devices[k].model_dump() for k in kinds if k in sim.design.devices}
    if not base:
        raise ValueError(f"--center {name}: the chip has no {'/'.join(kinds)}")
    if name == "grating_period_offset_nm":
        x0 = base["laser"]["period_offset_nm"]
    elif name == "mmi_width_offset_um":
        x0 = base["im"]["mmi_width_offset_um"]
    else:
        x0 = base[kinds[0]]["length_um"] if kinds[0] in base else next(iter(base.values()))["length_um"]
    area0 = dict(sim.area_cm2)

    def f(x: float) -> float:
        pp = dict(sim.param_pass)
        areas = dict(area0)
        for k, dd in base.items():
            d = dict(dd)
            if name == "grating_period_offset_nm":
                d["period_offset_nm"] = x
            elif name == "mmi_width_offset_um":
                d["mmi_width_offset_um"] = x
            else:
                d["vpi_v"] = dd["vpi_v"] * dd["length_um"] / x
                d["length_um"] = x
                areas[k] = area0[k] * x / dd["length_um"]   # opens/shorts/junction along the electrode scale as L
            m = dv.DEVICES[k].evaluate(sim.ps, d, sim.ctx, d["count"])
            ok = np.ones((*sim.ps.shape, d["count"]), dtype=bool)
            for s in sim.specs:
                if s.device == k and s.metric != dv.DEFECT_METRIC:
                    ok &= s.passes(m[s.metric])
            pp[k] = ok
        saved = sim.area_cm2
        sim.area_cm2 = areas
        try:
            return float(sim.chip_pass(d0_w, pp).mean())
        finally:
            sim.area_cm2 = saved

    return f, float(x0)


def center_design(sims: dict, center: list[tuple[str, float, float]], d0_w: dict) -> list[dict]:
    """One entry per parameter: from/to, client chip yield before/after, evaluations, the yield grid."""
    out = []
    for name, lo, hi in center:
        chip, kinds, unit, _ = PARAMS[name]
        sim = sims[chip]
        f, x0 = _objective(sim, name, kinds, d0_w[chip]["post"])
        before = f(x0)
        r = saa_maximize(f, lo, hi, x0)
        grid = r["grid"]
        i = [x for x, _ in grid].index(r["x"])
        lo_n, hi_n = grid[max(0, i - 1)], grid[min(len(grid) - 1, i + 1)]
        slope = (hi_n[1] - lo_n[1]) / (hi_n[0] - lo_n[0]) if hi_n[0] > lo_n[0] else 0.0
        out.append({"param": name, "unit": unit, "from": x0, "to": float(f"{r['x']:.6g}"),
                    "yield_before": float(f"{before:.6g}"), "yield_after": float(f"{r['y']:.6g}"),
                    "evaluations": r["evaluations"] + 1, "sensitivity_per_unit_at_optimum": float(f"{slope:.4g}"),
                    "grid": [[float(f"{x:.6g}"), float(f"{y:.6g}")] for x, y in grid],
                    "yield": "client chip yield, mean over the simulated wafers at posterior D0 draws",
                    "method": "sample-average approximation with common random numbers (Shapiro, Dentcheva & "
                              "Ruszczynski 2009, ch. 5); coarse + fine grid search"})
    return out
