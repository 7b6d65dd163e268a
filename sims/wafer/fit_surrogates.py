"""Fit the yield surrogates on solver sweeps and store them with their held-out error.

``python -m weiming.sims.wafer.fit_surrogates [--solver eim|mpb] [--only NAME]``

Each surrogate sweeps its process deviations on a scrambled Sobol design over
+-4 sigma (the PDK tolerances, :mod:`.process`), fits a quadratic response
surface (:mod:`.surrogates`), and evaluates it on separate held-out points
(another Sobol sequence over +-3 sigma, where almost all devices fall). The
JSON records the solver, the points, and the RMS / max error per output.

Solvers: ``eim`` -- the analytic slab/effective-index model of :mod:`.slab`
(always available; the only one that varies etch depth and composition);
``mpb`` -- the full-vector mode solver ``weiming.sims.modes.mpb`` (width and
thickness only, so used for the ``sin100`` resonator).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Callable

import numpy as np
from scipy.stats import qmc

from weiming.sims.cache import atomic_write_text
from weiming.sims.wafer.process import process_model
from weiming.sims.wafer.slab import eim_neff, group_index_fd, quaternary_index, slab_confinement
from weiming.sims.wafer.surrogates import HERE, fit_quadratic

C_M_S = 299_792_458.0
WL_UM = 1.54978  # comb centre line, seed network


def _beta2_ps2_per_km(wl_um: float, d2n_per_um2: float) -> float:
    """GVD beta2 = lambda^3 / (2 pi c^2) d2n/dlambda^2 in ps^2/km."""
    lam = wl_um * 1e-6
    return lam**3 / (2 * np.pi * C_M_S**2) * d2n_per_um2 * 1e12 * 1e27


# -- geometry of each surrogate, from the PDK ---------------------------------
def _sin_resonator_eim(pdk: str = "sin100") -> tuple[list[str], Callable[[dict], dict]]:
    from weiming.pdk import get_tech
    from weiming.pdk.materials import get_material

    tech = get_tech(pdk)
    w0, t0 = tech.xs("resonator").width, tech.layer_stack["core"].thickness
    sin, sio2 = get_material("si3n4"), get_material("sio2")

    def f(d: dict) -> dict:
        w, t = w0 + d["width_bias_um"], t0 + d["core_thickness_um"]

        def neff(wl):
            s, n = float(sio2.n(wl)), float(sin.n(wl))
            return eim_neff([([s, n, s], [t]), ([s, s, s], [0.0])], w, wl)

        n0, ng, d2 = group_index_fd(neff, WL_UM, 0.01)
        return {"neff": n0, "ng": ng, "beta2_ps2_per_km": _beta2_ps2_per_km(WL_UM, d2)}

    return ["core_thickness_um", "width_bias_um"], f


def _sin_resonator_mpb(pdk: str = "sin100") -> tuple[list[str], Callable[[dict], dict]]:
    from weiming.pdk import get_tech
    from weiming.sims.modes.mpb import solve_modes

    tech = get_tech(pdk)
    w0, t0 = tech.xs("resonator").width, tech.layer_stack["core"].thickness
    h = 0.01

    def f(d: dict) -> dict:
        w, t = w0 + d["width_bias_um"], t0 + d["core_thickness_um"]
        m0 = solve_modes(pdk, "resonator", WL_UM, width=w, thickness=t)[0]
        ngp = solve_modes(pdk, "resonator", WL_UM + h, width=w, thickness=t)[0].ng
        ngm = solve_modes(pdk, "resonator", WL_UM - h, width=w, thickness=t)[0].ng
        # beta2 = -(lambda^2 / (2 pi c^2)) dng/dlambda
        lam = WL_UM * 1e-6
        b2 = -(lam**2) / (2 * np.pi * C_M_S**2) * (ngp - ngm) / (2 * h * 1e-6)
        return {"neff": m0.neff, "ng": m0.ng, "beta2_ps2_per_km": b2 * 1e27}

    return ["core_thickness_um", "width_bias_um"], f


def _inp_stack():
    from weiming.pdk import get_tech
    from weiming.pdk.materials import get_material

    tech = get_tech("inp")
    return tech, get_material("inp"), get_material("bcb")


def _inp_deep_eim() -> tuple[list[str], Callable[[dict], dict]]:
    """Deep ridge: InP / Q / InP inside; lateral cladding BCB (etched through the core)."""
    tech, inp, bcb = _inp_stack()
    w0, t0 = tech.xs("deep").width, tech.layer_stack["core"].thickness
    lg0 = float(tech.extra["composition"]["core_lambda_g_um"])

    def f(d: dict) -> dict:
        w, t, lg = w0 + d["width_bias_um"], t0 + d["core_thickness_um"], lg0 + d["lambda_g_um"]

        def neff(wl):
            n_i, q = float(inp.n(wl)), quaternary_index(wl, lg)
            b = float(bcb.n(wl))
            return eim_neff([([n_i, q, n_i], [t]), ([b, b, b], [0.0])], w, wl)

        n0, ng, _ = group_index_fd(neff, WL_UM, 0.005)
        n_i, q = float(inp.n(WL_UM)), quaternary_index(WL_UM, lg)
        from weiming.sims.wafer.slab import slab_neff
        gv = slab_confinement(n_i, q, n_i, t, WL_UM)
        n_slab = slab_neff(n_i, q, n_i, t, WL_UM)
        b = float(bcb.n(WL_UM))
        gl = slab_confinement(b, n_slab, b, w, WL_UM)
        return {"neff": n0, "ng": ng, "gamma": gv * gl}

    return ["core_thickness_um", "width_bias_um", "lambda_g_um"], f


def _inp_shallow_eim() -> tuple[list[str], Callable[[dict], dict]]:
    """Shallow ridge: outside the ridge the etch stops inside the core (residual core under BCB)."""
    tech, inp, bcb = _inp_stack()
    w0, t0 = tech.xs("shallow").width, tech.layer_stack["core"].thickness
    c0 = tech.layer_stack["cladding"].thickness
    e0 = float(tech.extra["etches"]["shallow"]["depth"])
    lg0 = float(tech.extra["composition"]["core_lambda_g_um"])

    def f(d: dict) -> dict:
        w, t = w0 + d["width_bias_um"], t0 + d["core_thickness_um"]
        c, e, lg = c0 + d["clad_thickness_um"], e0 + d["shallow_etch_um"], lg0 + d["lambda_g_um"]
        t_res = float(np.clip(t + c - e, 0.0, t))  # core left outside the ridge

        def neff(wl):
            n_i, q, b = float(inp.n(wl)), quaternary_index(wl, lg), float(bcb.n(wl))
            return eim_neff([([n_i, q, n_i], [t]), ([n_i, q, b], [t_res])], w, wl)

        n0, ng, _ = group_index_fd(neff, WL_UM, 0.005)
        return {"neff": n0, "ng": ng}

    return ["core_thickness_um", "width_bias_um", "clad_thickness_um", "shallow_etch_um", "lambda_g_um"], f


SURROGATES = {
    # name: (pdk, xs, {solver: builder}, units)
    "sin100_resonator": ("sin100", "resonator", {"eim": _sin_resonator_eim, "mpb": _sin_resonator_mpb},
                         {"neff": "", "ng": "", "beta2_ps2_per_km": "ps^2/km"}),
    "inp_deep": ("inp", "deep", {"eim": _inp_deep_eim}, {"neff": "", "ng": "", "gamma": ""}),
    "inp_shallow": ("inp", "shallow", {"eim": _inp_shallow_eim}, {"neff": "", "ng": ""}),
}


def _sweep(f, inputs, scales, n, box, seed, desc):
    from tqdm import tqdm

    u = qmc.Sobol(len(inputs), scramble=True, seed=seed).random(n)
    x = (2 * u - 1) * box
    rows = [f({k: float(xi * s) for k, xi, s in zip(inputs, row, scales)})
            for row in tqdm(x, desc=desc, leave=False)]
    return x, {k: np.array([r[k] for r in rows]) for k in rows[0]}


def fit(name: str, solver: str = "eim", n_train: int | None = None, n_test: int = 32, seed: int = 7) -> dict:
    """Sweep, fit and return the JSON of surrogate ``name``."""
    pdk, xs, builders, units = SURROGATES[name]
    if solver not in builders:
        raise ValueError(f"surrogate {name}: solver {solver!r} not available (have {sorted(builders)})")
    inputs, f = builders[solver]()
    model = process_model(pdk)
    scales = [model.params[i].sigma for i in inputs]
    n_train = n_train or (2 ** int(np.ceil(np.log2(4 * (len(inputs) + 1) * (len(inputs) + 2) / 2))))
    xtr, ytr = _sweep(f, inputs, scales, n_train, 4.0, seed, f"{name} train")
    xte, yte = _sweep(f, inputs, scales, n_test, 3.0, seed + 1, f"{name} test")
    outputs = {}
    from weiming.sims.wafer.surrogates import quadratic_features
    for k in ytr:
        coef = fit_quadratic(xtr, ytr[k])
        err = quadratic_features(xte) @ coef - yte[k]
        outputs[k] = {"coef": coef.tolist(), "units": units.get(k, ""),
                      "heldout_rms": float(np.sqrt(np.mean(err**2))), "heldout_max_abs": float(np.max(np.abs(err))),
                      "range_heldout": [float(yte[k].min()), float(yte[k].max())]}
    return {"name": name, "pdk": pdk, "xs": xs, "solver": solver, "wavelength_um": WL_UM,
            "model": "quadratic in x_i = deviation_i / sigma_i",
            "inputs": [{"name": i, "scale": s, "source": model.params[i].source} for i, s in zip(inputs, scales)],
            "n_train": n_train, "train_box_sigma": 4.0, "n_test": n_test, "test_box_sigma": 3.0, "seed": seed,
            "provenance": provenance(pdk, solver), "outputs": outputs}


def provenance(pdk: str, solver: str) -> dict:
    """Which solver, version and resolution produced a surrogate (checked by the drift test)."""
    from importlib.metadata import PackageNotFoundError, version

    out: dict = {"solver": solver}
    try:
        out["weiming"] = version("weiming")
    except PackageNotFoundError:
        out["weiming"] = "unknown"
    if solver == "mpb":
        import meep

        from weiming.sims.modes.mpb import ALGO_VERSION, default_numerics

        out.update({"meep": meep.__version__, "modes_algo_version": ALGO_VERSION,
                    "resolution_px_per_um": default_numerics(pdk).resolution})
    else:
        out.update({"module": "weiming.sims.wafer.slab (effective index method)", "resolution": "analytic"})
    return out


def stated_errors(d: dict) -> dict:
    """Add each output's stated error: the larger of the held-out max error and the surrogate's miss of the
    solver at the nominal point (finite-difference outputs such as beta2 carry solver noise that a few
    held-out points can under-sample). The drift test holds the solver to it."""
    from weiming.sims.wafer.surrogates import quadratic_features

    nom = solve_at(d["name"], d["solver"], {})
    x0 = quadratic_features(np.zeros((1, len(d["inputs"]))))[0]
    for k, o in d["outputs"].items():
        miss = abs(float(x0 @ np.asarray(o["coef"])) - float(nom[k]))
        o["nominal_solver"] = float(nom[k])
        o["stated_error"] = max(o["heldout_max_abs"], miss)
    return d


def solve_at(name: str, solver: str, deviations: dict) -> dict:
    """The solver's outputs of surrogate ``name`` at ``deviations`` (for drift tests)."""
    _, _, builders, _ = SURROGATES[name]
    inputs, f = builders[solver]()
    return f({k: float(deviations.get(k, 0.0)) for k in inputs})


def validate_vs_mpb(name: str, path: Path | None = None) -> dict:
    """Compare a stored surrogate with the full-vector mode solver at the nominal point and at +2 sigma
    of width and of thickness (the two deviations the mode solver can take): values and sensitivities."""
    from weiming.sims.modes.mpb import solve_modes
    from weiming.sims.wafer.surrogates import load

    pdk, xs, _, _ = SURROGATES[name]
    s = load(name)
    from weiming.pdk import get_tech

    tech = get_tech(pdk)
    w0, t0 = tech.xs(xs).width, tech.layer_stack["core"].thickness
    sig = {k: process_model(pdk).params[k].sigma for k in ("core_thickness_um", "width_bias_um")}
    points = {"nominal": {}, "thickness_+2sigma": {"core_thickness_um": 2 * sig["core_thickness_um"]},
              "width_+2sigma": {"width_bias_um": 2 * sig["width_bias_um"]}}
    rows = {}
    for label, d in points.items():
        modes = solve_modes(pdk, xs, WL_UM, width=w0 + d.get("width_bias_um", 0.0),
                            thickness=t0 + d.get("core_thickness_um", 0.0))
        if not modes:
            return {"solver": "mpb (weiming.sims.modes.mpb.solve_modes)",
                    "error": f"the mode solver returned no guided mode for {pdk}/{xs} at {label}"}
        m = modes[0]
        sur = s(**d)
        rows[label] = {"mpb": {"neff": m.neff, "ng": m.ng},
                       "surrogate": {"neff": float(sur["neff"]), "ng": float(sur["ng"])}}
    sens = {}
    for label in ("thickness_+2sigma", "width_+2sigma"):
        sens[label] = {src: {k: rows[label][src][k] - rows["nominal"][src][k] for k in ("neff", "ng")}
                       for src in ("mpb", "surrogate")}
    return {"solver": "mpb (weiming.sims.modes.mpb.solve_modes)", "points": rows, "change_from_nominal": sens}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--solver", default="eim", choices=["eim", "mpb"],
                    help="solver for surrogates that support it (others use eim)")
    ap.add_argument("--only", action="append", help="fit only this surrogate (repeatable)")
    ap.add_argument("--out", type=Path, default=HERE)
    ap.add_argument("--n-train", type=int, default=None, help="training points (default: 4x the coefficients)")
    ap.add_argument("--n-test", type=int, default=32, help="held-out points")
    ap.add_argument("--validate", action="store_true",
                    help="only add a comparison with the mode solver to the stored JSON (no refit)")
    ap.add_argument("--stated-error", action="store_true",
                    help="only add each output's stated error (held-out max vs nominal miss) to the stored JSON")
    a = ap.parse_args(argv)
    if a.stated_error:
        for name in a.only or list(SURROGATES):
            path = a.out / f"{name}.json"
            d = stated_errors(json.loads(path.read_text()))
            atomic_write_text(path, json.dumps(d, indent=1) + "\n")
        return
    if a.validate:
        for name in a.only or list(SURROGATES):
            path = a.out / f"{name}.json"
            d = json.loads(path.read_text())
            d["validation_vs_mode_solver"] = validate_vs_mpb(name)
            atomic_write_text(path, json.dumps(d, indent=1) + "\n")
            v = d["validation_vs_mode_solver"]
            print(name, json.dumps(v.get("change_from_nominal", v)))
        return
    for name in a.only or list(SURROGATES):
        solver = a.solver if a.solver in SURROGATES[name][2] else "eim"
        d = stated_errors(fit(name, solver, n_train=a.n_train, n_test=a.n_test))
        atomic_write_text(a.out / f"{name}.json", json.dumps(d, indent=1) + "\n")
        errs = {k: f"rms {v['heldout_rms']:.2e} max {v['heldout_max_abs']:.2e}" for k, v in d["outputs"].items()}
        print(f"{name} ({solver}, {d['n_train']} train / {d['n_test']} held-out): {errs}")


if __name__ == "__main__":
    main()
