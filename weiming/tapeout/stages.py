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
from weiming.tapeout import report as rp
from weiming.tapeout import stage_comb, stage_network
from weiming.tapeout.common import design as _design
from weiming.tapeout.common import line_plot as _line_plot
from weiming.tapeout.common import mpl as _mpl
from weiming.tapeout.common import plot_path as _plot_path
from weiming.tapeout.keys import code_digest, file_digest
from weiming.tapeout.runner import Context, Stage


# --------------------------------------------------------------------------- build
def stage_build(ctx: Context) -> dict[str, Any]:
    """Build into the output folder (the build stages and installs its own files atomically)."""
    from weiming.circuits.build import build
    from weiming.pdk import get_tech

    manifest = build(ctx.config, ctx.dest, progress=True)
    reticles = manifest["reticles"]
    chips = manifest["chips"]
    files = sorted(manifest.get("files", {}))
    for rel in files:
        if rel.endswith((".gds", ".lyrdb")):
            ctx.add_artifact("build", ctx.dest / rel)
    ctx.add_artifact("build", ctx.dest / "manifest.json")
    for rel in files:  # every render and wafer map of the build, shown as thumbnails
        if rel.endswith(".png"):
            ctx.add_artifact("build", ctx.dest / rel)
    for png in chip_thumbnails(ctx, manifest):
        ctx.add_artifact("build", png)
    checks = manifest.get("checks", {})
    drc_clean = all(r["drc"]["clean"] for r in reticles)
    conn = checks.get("connectivity", {})
    lvs = {c["id"]: c["lvs"] for c in chips if isinstance(c.get("lvs"), dict)}
    lvs_ok = all(v.get("passed", v.get("match", True)) for v in lvs.values())
    conn_ok = bool(conn.get("passed", True)) and lvs_ok
    spec = _design(ctx).spec.verification
    return {
        "passed": (drc_clean or not spec.drc_clean) and (conn_ok or not spec.lvs_match),
        "drc_clean": drc_clean,
        "connectivity_passed": conn_ok,
        "checks": checks,
        "lvs": lvs,
        "reticles": [{"name": r["name"], "pdk": r["pdk"], "gds": r["gds"], "drc_clean": r["drc"]["clean"],
                      "lyrdb": next((f for f in files if f.endswith(".lyrdb") and Path(f).stem == r["name"]), None),
                      "rules": [rule.name for rule in get_tech(r["pdk"]).rules],
                      "violations": r["drc"]["violations"]} for r in reticles],
        "server_ring": manifest.get("server_ring"),
        "n_client": sum(c["kind"] == "client" for c in chips),
        "n_server": sum(c["kind"] == "server" for c in chips),
        "n_test": sum(c["kind"] == "test" for c in chips),
        "channels": len({c["channel"] for c in chips if c["channel"] is not None}),
        "clients": [{"id": c["id"], "channel": c["channel"], "wavelength_nm": c["wavelength_nm"]}
                    for c in chips if c["kind"] == "client"],
        "client_wavelengths_nm": sorted({c["wavelength_nm"] for c in chips if c["kind"] == "client"}),
    }


def chip_thumbnails(ctx: Context, manifest: dict[str, Any]) -> list[Path]:
    """A small render of every chip and test die (``thumbs/<id>.png``), redrawn only when its GDS changed."""
    import json
    import shutil

    import klayout.db as kdb

    from weiming.components.render import render_png
    from weiming.fileio import atomic_write_bytes
    from weiming.sims.cache import cache_dir

    cdir = cache_dir()
    files = manifest.get("files", {})
    stamp = ctx.dest / "thumbs" / ".key"
    try:
        old = json.loads(stamp.read_text())
    except (OSError, json.JSONDecodeError):
        old = {}
    new, out = {}, []
    for chip in sorted(manifest["chips"], key=lambda c: c["id"]):
        rel = chip.get("gds") or f"chips/{chip['id']}.gds"
        sha = files.get(rel)
        if sha is None:
            continue
        new[chip["id"]] = sha
        done = ctx.dest / "thumbs" / f"{chip['id']}.png"
        if old.get(chip["id"]) == sha and done.is_file():
            out.append(done)
            continue
        png = ctx.out / "thumbs" / f"{chip['id']}.png"
        png.parent.mkdir(parents=True, exist_ok=True)
        kept = cdir / "thumbs" / f"{sha}-{chip['id']}.png" if cdir is not None else None
        if kept is not None and kept.is_file():  # the disk cache: same GDS, same picture
            shutil.copyfile(kept, png)
        else:
            # A private layout: gf.import_gds would put the chip's cells into gdsfactory's shared layout,
            # where a later stage's cell of the same name (mmi2x2, client_C01A, ...) would find the
            # imported copy without its settings, or collide with it.
            ly = kdb.Layout()
            ly.read(str(ctx.dest / rel))
            render_png(ly.top_cell(), png, chip["pdk"], title=f"{chip['id']} ({chip['kind']})", dpi=60)
            if kept is not None:
                kept.parent.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(kept, png.read_bytes())
        out.append(png)
    atomic_write_text(ctx.out / "thumbs" / ".key", json.dumps(new, sort_keys=True))
    return out


def report_build(ctx: Context, fig: dict[str, Any]) -> str:
    """Rule-by-rule DRC per reticle (links to the .lyrdb), connectivity/LVS, per-client table."""
    parts = []
    rows = []
    for rt in fig.get("reticles", []):
        counts = {v["rule"]: v["count"] for v in rt["violations"]}
        rules = list(rt.get("rules") or []) or sorted(counts)
        db = rp.link(rt["lyrdb"], Path(rt["lyrdb"]).name) if rt.get("lyrdb") else "none written"
        if not rules:
            rows.append((rp._esc(rt["name"]), rp._esc(rt["pdk"]), "(all rules)", "0", rp._status(True), db))
        for rule in rules:
            name = rule if isinstance(rule, str) else rule.get("name", str(rule))
            n = counts.get(name, 0)
            rows.append((rp._esc(rt["name"]), rp._esc(rt["pdk"]), rp._esc(name), str(n), rp._status(n == 0), db))
    parts.append("<h3>DRC, rule by rule</h3>" + rp._table(rows, ["reticle", "PDK", "rule", "violations", "check",
                                                                 "markers (KLayout)"]))
    checks = fig.get("checks", {})
    conn = checks.get("connectivity", {})
    crow = [("connectivity of every die", rp._status(conn.get("passed")),
             rp._esc("; ".join(f"{k}: {', '.join(v)}" for k, v in conn.get("errors", {}).items()) or "none"))]
    for key, val in checks.items():  # every other check the build records (placement, LVS, ...)
        if key != "connectivity" and isinstance(val, dict) and "passed" in val:
            detail = val.get("rule") or val.get("summary") or val.get("errors") or val.get("mismatched") or ""
            crow.append((rp._esc(key), rp._status(val.get("passed")), rp._esc(detail)))
    for die, res in sorted(fig.get("lvs", {}).items()):
        ok = res.get("passed", res.get("match"))
        mism = res.get("mismatches") or []
        detail = res.get("summary") or res.get("errors") or (
            "; ".join(f"{m.get('kind')}: {m.get('detail')}" for m in mism) if mism else "netlist matches")
        crow.append((rp._esc(f"LVS {die}"), rp._status(ok), rp._esc(detail)))
    if checks.get("standins"):
        crow.append(("stand-in cells", rp._status(False), rp._esc(", ".join(checks["standins"]))))
    parts.append("<h3>LVS and connectivity</h3>" + rp._table(crow, ["check", "result", "details"]))
    if fig.get("clients"):
        crow = [(rp._esc(c["id"]), str(c["channel"]), rp._esc(f"{c['wavelength_nm']:.4f}")) for c in fig["clients"]]
        parts.append("<h3>Clients</h3>" + rp._table(crow, ["client", "channel", "comb line (nm)"]))
    return "".join(parts)


# --------------------------------------------------------------- comb dispersion
def drawn_ring_radius_um(ctx: Context) -> tuple[float, str]:
    """The comb ring radius as drawn: the build's manifest, else the build's rule for this design."""
    ring = (ctx.results.get("build") or {}).get("server_ring")
    if ring:
        return float(ring["radius_um"]), "drawn (build manifest)"
    from weiming.circuits import comb

    d = _design(ctx)
    ng, _ = comb.group_index(d.server.pdk, d.server.ring.width_um, d.network.center_wavelength_nm / 1000,
                             d.server.ring.ng_source)
    return comb.radius_for_fsr(d.network.fsr_ghz, ng), "the build's rule (build stage not run)"


def stage_comb_dispersion(ctx: Context) -> dict[str, Any]:
    """MPB resonances of the ring at the radius the build draws: FSR against the design, Dint, regime."""
    from weiming.sims.modes.dispersion import ring_dispersion

    d = _design(ctx)
    pdk, fsr = d.server.pdk, d.network.fsr_ghz * 1e9
    center, width = d.network.center_wavelength_nm / 1000, d.server.ring.width_um
    modes = 10 if ctx.quick else 30
    radius, radius_source = drawn_ring_radius_um(ctx)

    def compute():
        rd = ring_dispersion(pdk, "resonator", radius_um=radius, center_um=center, modes=modes, width=width)
        return rd.to_json()

    r = cached("tapeout-dispersion", {"pdk": pdk, "radius": radius, "center": center, "width": width,
                                      "modes": modes, "code": code_digest()}, compute)
    mu, dint = np.array(r["dint"], dtype=float).T
    _line_plot(ctx, "comb_dispersion", "comb_dint", mu, dint / 1e6, style="o-", xlabel="mode number mu",
               ylabel="Dint / 2pi (MHz)", title=f"{pdk} comb ring, R = {r['radius_um']:.1f} um: {r['regime']} dispersion")
    fsr_err = abs(r["fsr_hz"] - fsr) / fsr
    return {**{k: r[k] for k in ("radius_um", "fsr_hz", "d1_hz", "d2_hz", "neff", "ng", "regime")},
            "radius_source": radius_source, "fsr_rel_error": fsr_err,
            "passed": r["regime"] == d.spec.comb_ring.dispersion_regime and fsr_err <= d.spec.comb_ring.fsr_rel_tol}


# ------------------------------------------------------------------ comb ring
def stage_comb_ring(ctx: Context) -> dict[str, Any]:
    from weiming.pdk import get_tech
    from weiming.sims.devices import coupler, ring

    disp = ctx.results.get("comb_dispersion") or {}
    if "ng" not in disp:
        raise RuntimeError("needs the comb dispersion stage (ng, radius)")
    radius, ng, neff = disp["radius_um"], disp["ng"], disp["neff"]
    design = _design(ctx)
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
    spec = design.spec.comb_ring
    extinction_db = float(-10 * np.log10(max(t.min(), 1e-12)))
    return {"gap_um": gap, "coupler": kind, "drop_port": drop, "kappa2": k2, "qi": qi, "qc": qc, "ql": ql,
            "extinction_db": extinction_db, "fsr_nm": fsr_um * 1e3,
            "resonance_offset_pm": (lam_res - lam) * 1e6,
            # Critical coupling when the external loss rate equals the intrinsic one: with a drop bus
            # both couplers load the ring (external Q = qc/2), so the regime compares qc/2 with qi.
            "regime": "over-coupled" if qc / (2.0 if drop else 1.0) < qi else "under-coupled",
            "passed": all(lo <= v <= hi for v, (lo, hi) in ((qi, spec.qi_range), (ql, spec.loaded_q_range),
                                                             (qc / qi, spec.qc_over_qi_range)))}


# ------------------------------------------------------------------ InP models
def stage_inp_models(ctx: Context) -> dict[str, Any]:
    from weiming.tapeout import inp_models

    return inp_models.run(ctx)


def _inp_models_report(ctx: Context, figures: dict[str, Any]) -> str:
    from weiming.tapeout import inp_models

    return inp_models.report(ctx, figures)


# ---------------------------------------------------------------------- yield
def stage_yield(ctx: Context) -> dict[str, Any]:
    """Wafer Monte Carlo of the run's design.

    The yield model reads the chips design through its ``chips_design`` key (its
    own config format wraps the design file). An unchanged run (same design,
    seed and code) re-reads ``yield/yield.json`` from the output folder;
    otherwise the run writes into the staging folder and is moved in.
    """
    import json

    from weiming.sims.wafer import run_yield

    manifest = ctx.dest / "manifest.json"   # the built chips' device inventory and laser figures
    key = json.dumps({"cfg": file_digest(ctx.config), "seed": ctx.seed, "observed": [117, 120],
                      "manifest": file_digest(manifest) if manifest.is_file() else None,
                      "code": code_digest()}, sort_keys=True)
    res = None
    for folder in (ctx.dest / "yield", ctx.out / "yield"):
        try:
            if (folder / ".key").read_text() == key:
                res = json.loads((folder / "yield.json").read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if res is not None and all((folder / f).is_file() for f in res.get("files", [])):
            break
        res = None
    else:
        folder = ctx.out / "yield"
        config = {"chips_design": str(ctx.config)} if ctx.config is not None else None
        # observed: the published 117 of 120 working modulators (seed-network.md) update the defect-density prior
        res = run_yield(config=config, seed=ctx.seed, observed=(117, 120), out_dir=folder,
                        manifest=manifest if manifest.is_file() else None)
        atomic_write_text(folder / ".key", key)
    for p in sorted(folder.glob("*.png")):
        ctx.add_artifact("yield", p)
    m = res["device_yield"]["modulator"]
    ys = _design(ctx).spec.yield_
    cy = res["chip_yield"]
    return {"device_yield": res["device_yield"], "chip_yield": cy, "prediction": res.get("prediction"),
            "tail": res.get("tail"), "critical_area_um2": res.get("critical_area_um2"),
            "calibration": res["calibration"], "modulator_yield": m["value"], "modulator_ci95": m["ci95"],
            "passed": (m["value"] >= ys.modulator_min and cy["client"]["value"] >= ys.client_chip_min
                       and cy["server"]["value"] >= ys.server_chip_min)}


def report_yield(ctx: Context, y: dict[str, Any]) -> str:
    """Device and chip yields with their intervals; the histograms follow as one grid."""
    def pc(v):
        return f"{100 * v['value']:.2f} %", f"[{100 * v['ci95'][0]:.2f}, {100 * v['ci95'][1]:.2f}] %"

    rows = [(rp._esc(f"device: {k}"), *pc(v)) for k, v in y["device_yield"].items()]
    rows += [(rp._esc(f"chip: {k}"), *pc(v)) for k, v in y["chip_yield"].items()]
    rows += [(rp._esc(f"calibrated {k}"), rp._esc(f"{v['value']:.4g}"),
              rp._esc(f"[{v['ci95'][0]:.3g}, {v['ci95'][1]:.3g}]") if v.get("ci95") else "")
             for k, v in y["calibration"].items()]
    out = rp._table(rows, ["quantity", "value", "95 % interval"])
    pred = y.get("prediction") or {}
    if pred.get("prior") and pred.get("posterior"):
        prow = []
        for k in ("modulator", "client_chip", "server_chip"):
            if k in pred["prior"] and k in pred["posterior"]:
                prow.append((rp._esc(k), *pc(pred["prior"][k]), *pc(pred["posterior"][k])))
        out += ("<h3>Prediction: prior (process file alone) and posterior (updated with the observed count)</h3>"
                + rp._table(prow, ["next wafer", "prior", "prior 95 %", "posterior", "posterior 95 %"])
                + f"<p>Prior-predictive p-value of the observed count: {rp._esc(pred.get('ppc_p_value'))}. "
                  "The difference between the two columns is how much the observation carried.</p>")
    return out


STAGES = [
    Stage("build", "Build chips and reticles, DRC and connectivity", stage_build, report_build),
    Stage("comb_dispersion", "Comb waveguide dispersion and Dint (MPB)", stage_comb_dispersion),
    Stage("comb_ring", "Comb ring spectrum with the coupler model", stage_comb_ring),
    Stage("comb", "Kerr comb at the operating point (LLE + SIL)", stage_comb.run, stage_comb.report),
    Stage("inp_models", "InP MMI and DBR models", stage_inp_models, _inp_models_report),
    Stage("yield", "Wafer-level yield: prior prediction and Bayesian update", stage_yield, report_yield),
    Stage("network", "TF-QKD key rates per channel pair vs PLOB, capability, key-rate yield", stage_network.run,
          stage_network.report),
]
