"""Orchestration of ``weiming tapeout``: stages -> summary.json -> report/index.html."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rich.console import Console

import weiming
from weiming.tapeout.report import write_report, write_summary
from weiming.tapeout.runner import Context, StageResult, run_stages
from weiming.tapeout.stages import SEED, STAGES


def _key_figures(res: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    b, d, r = res.get("build", {}), res.get("comb_dispersion", {}), res.get("comb_ring", {})
    i, y = res.get("inp_models", {}), res.get("yield", {})
    rows: list[dict[str, Any]] = []

    def add(key, name, value, unit="", seed="", source="", ok=None):
        if value is not None:
            rows.append({"key": key, "name": name, "value": value, "unit": unit, "seed": seed,
                         "source": source, "ok": ok})

    add("client_chips", "client chips", b.get("n_client"), "", SEED["clients"], "build manifest",
        None if "n_client" not in b else b["n_client"] == SEED["clients"])
    add("channels", "WDM channels", b.get("channels"), "", SEED["channels"], "network plan",
        None if "channels" not in b else b["channels"] == SEED["channels"])
    add("server_chips", "server comb chips", b.get("n_server"), "", ">= 1", "build manifest",
        None if "n_server" not in b else b["n_server"] >= 1)
    add("drc", "DRC of every reticle", None if "drc_clean" not in b else ("clean" if b["drc_clean"] else "violations"),
        "", "clean", "KLayout DRC", b.get("drc_clean"))
    fsr = d.get("fsr_hz")
    add("fsr", "comb ring FSR", None if fsr is None else fsr / 1e9, "GHz", "30.03", "MPB ng -> ring radius",
        d.get("passed") if fsr is not None else None)
    add("radius", "comb ring radius", d.get("radius_um"), "um", "", "from FSR and MPB group index")
    add("regime", "comb waveguide dispersion", d.get("regime"), "", "normal", "MPB, Dint over +-N modes",
        None if "regime" not in d else d["regime"] == "normal")
    add("d2", "D2/2pi", d.get("d2_hz"), "Hz", "", "MPB resonance condition")
    qi = r.get("qi")
    add("qi", "intrinsic Q at 1.7 dB/m", None if qi is None else qi / 1e6, "million", "about 20",
        "Qi = 2 pi ng / (lambda alpha)", None if qi is None else r.get("passed"))
    add("ql", "loaded Q (design gap)", None if "ql" not in r else r["ql"] / 1e6, "million", "",
        "coupled-mode coupler model + ring model")
    for k, v in i.get("key_figures", {}).items():
        add(k, v["name"], v["value"], v.get("unit", ""), v.get("seed", ""), v.get("source", ""), v.get("ok"))
    m = y.get("modulator_yield")
    add("modulator_yield", "modulator yield", None if m is None else 100 * m, "%", "97.5 (117/120)",
        "Monte Carlo, calibrated to 117/120; 95 % CI ["
        + ", ".join(f"{100 * x:.1f}" for x in y.get("modulator_ci95", [])) + "] %",
        None if m is None else 0.965 <= m <= 0.985)
    cy = y.get("chip_yield", {})
    if "client" in cy:
        add("client_yield", "client chip yield", 100 * cy["client"]["value"], "%", "", "Monte Carlo")
    if "server" in cy:
        add("server_yield", "comb chip yield", 100 * cy["server"]["value"], "%", "", "Monte Carlo")
    return rows


def _hook(ctx: Context, res: dict[str, dict[str, Any]], name: str) -> str:
    """The stage's own report section (``Stage.report``), or "" when it has none or did not run."""
    stage = next((s for s in STAGES if s.name == name), None)
    if stage is None or stage.report is None or name not in res:
        return ""
    return stage.report(ctx, res[name])


def _sections(ctx: Context, res: dict[str, dict[str, Any]]) -> list[tuple[str, str, list[str]]]:
    from weiming.tapeout.report import _esc, _table

    secs = []
    b = res.get("build", {})
    frag = ""
    if b.get("reticles"):
        rows = []
        for rt in b["reticles"]:
            vio = ", ".join(f"{v['rule']} x{v['count']}" for v in rt["violations"]) or "none"
            rows.append((_esc(rt["name"]), _esc(rt["pdk"]), "clean" if rt["drc_clean"] else "violations", _esc(vio)))
        frag = _table(rows, ["reticle", "PDK", "DRC", "violations"])
    secs.append(("Chips, reticles and DRC", frag, ctx.artifacts_png("build")))
    secs.append(("Comb dispersion", "", ctx.artifacts_png("comb_dispersion")))
    secs.append(("Comb ring spectrum", "", ctx.artifacts_png("comb_ring")))
    secs.append(("InP models", _hook(ctx, res, "inp_models"), ctx.artifacts_png("inp_models")))
    y = res.get("yield", {})
    frag = ""
    if y:
        rows = [(_esc(f"device: {k}"), f"{100 * v['value']:.2f} %",
                 f"[{100 * v['ci95'][0]:.2f}, {100 * v['ci95'][1]:.2f}] %") for k, v in y["device_yield"].items()]
        rows += [(_esc(f"chip: {k}"), f"{100 * v['value']:.2f} %",
                  f"[{100 * v['ci95'][0]:.2f}, {100 * v['ci95'][1]:.2f}] %") for k, v in y["chip_yield"].items()]
        rows += [(_esc(f"calibrated {k}"), _esc(f"{v['value']:.4g}"), _esc(f"[{v['ci95'][0]:.3g}, {v['ci95'][1]:.3g}]"))
                 for k, v in y["calibration"].items()]
        frag = _table(rows, ["quantity", "value", "95 % interval"]) + (
            "<p>The default prediction is a calibration of the process model to the published 117 of 120 "
            "working modulators, not an independent prediction.</p>")
    secs.append(("Yield", frag, ctx.artifacts_png("yield")))
    secs += [(st.title, st.report(ctx, res[st.name]), ctx.artifacts_png(st.name))
             for st in STAGES if st.report is not None and res.get(st.name)]
    return secs


def run_tapeout(out: Path, config: Path | None = None, quick: bool = True, only: list[str] | None = None,
                seed: int = 1, console: Console | None = None) -> dict[str, Any]:
    """Run the tape-out stages into ``out`` and write the summary and the report."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ctx = Context(out=out.resolve(), quick=quick, config=config, seed=seed)
    stages = [s for s in STAGES if not only or s.name in only]
    unknown = set(only or []) - {s.name for s in STAGES}
    if unknown:
        raise ValueError(f"unknown stage(s) {sorted(unknown)}; stages: {[s.name for s in STAGES]}")
    t0 = time.perf_counter()
    results: list[StageResult] = run_stages(stages, ctx, console)
    passed = all(r.passed for r in results)
    summary = {
        "version": weiming.__version__,
        "design": str(config) if config else "built-in default",
        "quick": quick,
        "passed": passed,
        "seconds": round(time.perf_counter() - t0, 2),
        "stages": [{"name": r.name, "title": r.title, "ok": r.ok, "passed": r.passed,
                    "seconds": round(r.seconds, 2), "error": r.error} for r in results],
        "key_figures": _key_figures(ctx.results),
        "results": ctx.results,
    }
    write_summary(ctx.out, summary)
    write_report(ctx.out, summary, ctx.artifacts, _sections(ctx, ctx.results))
    return summary
