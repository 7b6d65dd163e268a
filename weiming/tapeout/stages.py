"""The stages of ``weiming tapeout``: each calls the package's public API.

Each stage returns its key figures (JSON) and registers the files it wrote.
Simulation stages cache their figures with :func:`weiming.sims.cache.cached`
keyed on every input (design config, quick flag, package version), so an
unchanged second run only re-reads results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from weiming.sims.cache import atomic_write_text, cached
from weiming.tapeout.keys import code_digest, file_digest
from weiming.tapeout import stage_comb, stage_network
from weiming.tapeout.runner import Context, Stage

#: Seed-network figures the report checks against (doi 10.1038/s41586-026-10152-z,
#: see docs/seed-network.md). FSR, centre line and loss come from the design and
#: the PDK, which cite the same source.
SEED = {
    "qi": 20e6,
    "clients": 20,
    "channels": 10,
}


def _plot_path(ctx: Context, stage: str, name: str) -> Path:
    p = ctx.out / "plots" / f"{name}.png"
    p.parent.mkdir(parents=True, exist_ok=True)
    ctx.add_artifact(stage, p)
    return p


def _line_plot(ctx: Context, stage: str, name: str, x, y, *, xlabel: str, ylabel: str, title: str,
               style: str = "-") -> None:
    """One curve in the report's style, saved as ``plots/<name>.png`` and registered for ``stage``."""
    plt = _mpl()
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    ax.plot(x, y, style, color="#3c7be0")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(_plot_path(ctx, stage, name), dpi=120)
    plt.close(fig)


def _mpl():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


# --------------------------------------------------------------------------- build
def stage_build(ctx: Context) -> dict[str, Any]:
    from weiming.circuits.build import build

    manifest = build(ctx.config, ctx.out, progress=True)
    reticles = manifest["reticles"]
    chips = manifest["chips"]
    for r in reticles:
        ctx.add_artifact("build", ctx.out / r["gds"])
    ctx.add_artifact("build", ctx.out / "manifest.json")
    renders = sorted(p for p in ctx.out.rglob("*.png")
                     if "plots" not in p.parts and "yield" not in p.parts and "report" not in p.parts)
    for p in renders:
        ctx.add_artifact("build", p)
    drc_clean = all(r["drc"]["clean"] for r in reticles)
    checks_ok = bool(manifest.get("checks", {}).get("passed", drc_clean))
    return {
        "passed": drc_clean and checks_ok,
        "drc_clean": drc_clean,
        "reticles": [{"name": r["name"], "pdk": r["pdk"], "drc_clean": r["drc"]["clean"],
                      "violations": r["drc"]["violations"]} for r in reticles],
        "n_client": sum(c["kind"] == "client" for c in chips),
        "n_server": sum(c["kind"] == "server" for c in chips),
        "n_test": sum(c["kind"] == "test" for c in chips),
        "channels": len({c["channel"] for c in chips if c["channel"] is not None}),
        "client_wavelengths_nm": sorted({c["wavelength_nm"] for c in chips if c["kind"] == "client"}),
    }


# --------------------------------------------------------------- comb dispersion
def stage_comb_dispersion(ctx: Context) -> dict[str, Any]:
    from weiming.sims.dispersion import ring_dispersion

    from weiming.circuits.design import load_design

    d = load_design(ctx.config)
    pdk, fsr = d.server.pdk, d.network.fsr_ghz * 1e9
    center, width = d.network.center_wavelength_nm / 1000, d.server.ring.width_um
    modes = 10 if ctx.quick else 30

    def compute():
        rd = ring_dispersion(pdk, "resonator", fsr_hz=fsr, center_um=center, modes=modes, width=width)
        return rd.to_json()

    r = cached("tapeout-dispersion", {"pdk": pdk, "fsr": fsr, "center": center, "width": width, "modes": modes,
                                      "code": code_digest()}, compute)
    mu, dint = np.array(r["dint"], dtype=float).T
    _line_plot(ctx, "comb_dispersion", "comb_dint", mu, dint / 1e6, style="o-", xlabel="mode number mu",
               ylabel="Dint / 2pi (MHz)", title=f"{pdk} comb ring, R = {r['radius_um']:.1f} um: {r['regime']} dispersion")
    fsr_err = abs(r["fsr_hz"] - fsr) / fsr
    return {**{k: r[k] for k in ("radius_um", "fsr_hz", "d1_hz", "d2_hz", "neff", "ng", "regime")},
            "fsr_rel_error": fsr_err, "passed": r["regime"] == "normal" and fsr_err < 1e-3}


# ------------------------------------------------------------------ comb ring
def stage_comb_ring(ctx: Context) -> dict[str, Any]:
    from weiming.circuits.design import load_design
    from weiming.pdk import get_tech
    from weiming.sims import coupler, ring

    disp = ctx.results.get("comb_dispersion") or {}
    if "ng" not in disp:
        raise RuntimeError("needs the comb dispersion stage (ng, radius)")
    radius, ng, neff = disp["radius_um"], disp["ng"], disp["neff"]
    design = load_design(ctx.config)
    r_cfg = design.server.ring
    gap, kind, wrap, drop = r_cfg.gap_um, r_cfg.coupler, r_cfg.wrap_angle_deg, r_cfg.drop
    pdk = design.server.pdk
    lam = design.network.center_wavelength_nm / 1000

    def compute():
        k2 = coupler.kappa2(pdk, gap_um=gap, radius_um=radius, coupler=kind, wrap_angle_deg=wrap,
                            wavelength_um=lam)
        return {"kappa2": float(k2)}

    k2 = cached("tapeout-coupler", {"pdk": pdk, "gap": gap, "r": radius, "kind": kind, "wrap": wrap, "lam": lam,
                                    "code": code_digest()}, compute)["kappa2"]
    loss = float(get_tech(pdk).extra["loss_db_per_m"])  # sin100: 1.7 dB/m, the seed network's figure
    circ = 2 * np.pi * radius
    qi = float(ring.intrinsic_q(loss, ng, lam))
    qc = float(ring.coupling_q(k2, ng, circ, lam))
    # With a drop bus (same gap as the through bus) the ring is loaded by both couplers.
    ql = 1.0 / (1.0 / qi + (2.0 if drop else 1.0) / qc)
    fsr_um = lam**2 / (ng * circ)
    lw_um = lam / ql
    # The resonance nearest the design line (the heater tunes it onto the pump in operation).
    res = ring.resonance_wavelengths_um(radius, neff, ng, lam - fsr_um, lam + fsr_um, center_um=lam)
    lam_res = float(min(res, key=lambda w: abs(w - lam)))
    wl = np.linspace(lam_res - 6 * lw_um, lam_res + 6 * lw_um, 2001)
    if drop:
        t = np.asarray(ring.add_drop(wl, radius, k2, k2, loss, neff, ng, center_um=lam)[0], dtype=float)
    else:
        t = np.asarray(ring.all_pass(wl, radius, k2, loss, neff, ng, center_um=lam), dtype=float)
    _line_plot(ctx, "comb_ring", "comb_ring_spectrum", (wl - wl[np.argmin(t)]) * 1e6,
               10 * np.log10(np.maximum(t, 1e-12)), xlabel="detuning from resonance (pm)",
               ylabel="through transmission (dB)",
               title=f"comb ring: gap {gap} um {kind}, Qi {qi / 1e6:.1f} M, QL {ql / 1e6:.1f} M")
    extinction_db = float(-10 * np.log10(max(t.min(), 1e-12)))
    return {"gap_um": gap, "coupler": kind, "drop_port": drop, "kappa2": k2, "qi": qi, "qc": qc, "ql": ql,
            "extinction_db": extinction_db, "fsr_nm": fsr_um * 1e3,
            "resonance_offset_pm": (lam_res - lam) * 1e6,
            "regime": "over-coupled" if qc < qi else "under-coupled",
            "passed": abs(qi - SEED["qi"]) / SEED["qi"] < 0.25}


# ------------------------------------------------------------------ InP models
def stage_inp_models(ctx: Context) -> dict[str, Any]:
    from weiming.tapeout import inp_models

    return inp_models.run(ctx)


def _inp_models_report(ctx: Context, figures: dict[str, Any]) -> str:
    from weiming.tapeout import inp_models

    return inp_models.report(ctx, figures)


# ---------------------------------------------------------------------- yield
def stage_yield(ctx: Context) -> dict[str, Any]:
    """Wafer Monte Carlo; an unchanged run (same design, seed and code) re-reads ``yield/yield.json``."""
    import json

    from weiming.sims.wafer import run_yield

    out = ctx.out / "yield"
    key = json.dumps({"cfg": file_digest(ctx.config), "seed": ctx.seed, "observed": [117, 120],
                      "code": code_digest()}, sort_keys=True)
    stamp = out / ".key"
    try:
        res = json.loads((out / "yield.json").read_text()) if stamp.read_text() == key else None
    except (OSError, json.JSONDecodeError):
        res = None
    if res is None or not all((out / f).is_file() for f in res.get("files", [])):
        res = run_yield(config=ctx.config, seed=ctx.seed, observed=(117, 120), out_dir=out)
        atomic_write_text(stamp, key)
    for p in sorted(out.glob("*.png")):
        ctx.add_artifact("yield", p)
    m = res["device_yield"]["modulator"]
    return {"device_yield": res["device_yield"], "chip_yield": res["chip_yield"],
            "calibration": res["calibration"], "modulator_yield": m["value"], "modulator_ci95": m["ci95"],
            "passed": True}


STAGES = [
    Stage("build", "Build chips and reticles, DRC and connectivity", stage_build),
    Stage("comb_dispersion", "Comb waveguide dispersion and Dint (MPB)", stage_comb_dispersion),
    Stage("comb_ring", "Comb ring spectrum with the coupler model", stage_comb_ring),
    Stage("comb", "Kerr comb at the operating point (LLE + SIL)", stage_comb.run, stage_comb.report),
    Stage("inp_models", "InP MMI and DBR models", stage_inp_models, report=_inp_models_report),
    Stage("yield", "Wafer-level yield Monte Carlo with calibration", stage_yield),
    Stage("network", "TF-QKD key rates per channel pair vs PLOB, capability, key-rate yield", stage_network.run, stage_network.report),
]
