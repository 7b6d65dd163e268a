"""Tape-out stage ``comb``: the server ring's Kerr comb at the design's operating point.

Runs :func:`weiming.sims.comb.simulate` (LLE with the ring's simulated Dint,
coupler kappa_ex, PDK loss and mode-solver g0), the self-injection-locking map
over feedback phase x pump from free-running turn-on
(:func:`weiming.sims.comb.sil.sil_map`), and checks the design's own
specification ``spec.comb``: the regime and the minimum channel-line power.
Figures are cached on the design file, the quick flag and the code digest.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np

from weiming.sims.cache import cached
from weiming.tapeout import common
from weiming.tapeout.keys import code_digest, file_digest
from weiming.tapeout.runner import Context


def _dbm(w: float) -> float:
    return 10 * math.log10(max(w, 1e-30) / 1e-3)


def _compute(design, quick: bool) -> dict:
    from weiming.sims.comb import simulate
    from weiming.sims.comb.sil import sil_map

    res = simulate(design)
    out = res.to_json()
    op = design.server.comb
    phases = np.linspace(-math.pi, math.pi, 4 if quick else 8, endpoint=False)
    f2s = [0.8 * op.pump_f2, op.pump_f2] if quick else [0.6 * op.pump_f2, 0.8 * op.pump_f2, op.pump_f2]
    n_map = 64 if quick else res.psi.size
    ring = res.ring
    out["sil_map"] = sil_map(ring, op, ring.d_int_norm(n_map) if n_map != res.psi.size else res.d_int, phases, f2s,
                             zeta0=op.zeta, tau=120.0 if quick else 200.0)
    return out


def run(ctx: Context) -> dict[str, Any]:
    from weiming.sims.comb.plot import save_intracavity, save_spectrum

    design = common.design(ctx)
    spec = design.spec.comb
    key = {"cfg": file_digest(ctx.config), "quick": ctx.quick, "code": code_digest()}
    r = cached("tapeout-comb", key, lambda: _compute(design, ctx.quick))
    plots = ctx.out / "plots"
    plots.mkdir(parents=True, exist_ok=True)
    for name, fn in (("comb_spectrum", save_spectrum), ("comb_intracavity", save_intracavity)):
        p = plots / f"{name}.png"
        fn(r, p)
        ctx.add_artifact("comb", p)
    ch_dbm = {c["channel"]: _dbm(c["power_w"]) for c in r["channels"]}
    worst = min(ch_dbm.values())
    reached = [m for m in r["sil_map"] if m["regime"] == spec.regime]
    return {"regime": r["regime"], "regime_required": spec.regime, "stable": r["state"]["stable"],
            "pump_mw": r["pump_w"] * 1e3, "f2": r["f2"], "zeta": r["zeta"], "detuning_mhz": r["detuning_hz"] / 1e6,
            "kappa_mhz": r["kappa_hz"] / 1e6, "qi": r["qi"], "qc": r["qc"], "p_th_mw": r["p_th_w"] * 1e3,
            "conversion_efficiency": r["conversion_efficiency"], "seed": r["seed"], "seeding": r["seeding"],
            "channel_power_dbm": ch_dbm, "worst_channel_dbm": worst,
            "min_channel_line_power_dbm": spec.min_channel_line_power_dbm, "sil": r["sil"],
            "sil_map": r["sil_map"], "sil_map_points_reaching_regime": len(reached),
            "passed": r["regime"] == spec.regime and worst >= spec.min_channel_line_power_dbm}


def report(ctx: Context, fig: dict[str, Any]) -> str:
    """HTML fragment: operating point, regime check, channel powers, SIL lock and map."""
    e = html.escape
    rows = "".join(f"<tr><td>{k}</td><td>{v:.2f}</td></tr>" for k, v in sorted(fig["channel_power_dbm"].items(),
                                                                              key=lambda kv: int(kv[0])))
    sil = fig["sil"]
    smap = "".join(f"<tr><td>{m['feedback_phase_rad']:.2f}</td><td>{m['pump_w'] * 1e3:.1f}</td>"
                   f"<td>{'yes' if m['locked'] else 'no'}</td><td>{m['detuning_hz'] / 1e6:.1f}</td>"
                   f"<td>{e(m['regime'])}</td></tr>" for m in fig["sil_map"])
    return (f"<p>Operating point: pump {fig['pump_mw']:.1f} mW (f<sup>2</sup> = {fig['f2']:.3g}, "
            f"P<sub>th</sub> = {fig['p_th_mw']:.1f} mW), detuning {fig['detuning_mhz']:.1f} MHz "
            f"(&zeta; = {fig['zeta']:.3g}), &kappa;/2&pi; = {fig['kappa_mhz']:.1f} MHz, Q<sub>i</sub> = "
            f"{fig['qi'] / 1e6:.1f} M, Q<sub>c</sub> = {fig['qc'] / 1e6:.1f} M. Seeding: {e(fig['seeding'])}.</p>"
            f"<p>State: <b>{e(fig['regime'])}</b> (required {e(fig['regime_required'])}, linearly stable: "
            f"{fig['stable']}); conversion efficiency {100 * fig['conversion_efficiency']:.1f} %; worst channel "
            f"{fig['worst_channel_dbm']:.1f} dBm (spec &ge; {fig['min_channel_line_power_dbm']} dBm).</p>"
            f"<table><tr><th>channel</th><th>line power at bus (dBm)</th></tr>{rows}</table>"
            f"<p>SIL at the operating point: locked {sil['locked']}, free-running detuning "
            f"{sil['free_running_detuning_hz'] / 1e6:.1f} MHz ({e(sil['model'])}).</p>"
            f"<p>SIL turn-on map (free-running laser on the cold resonance, ring empty):</p>"
            f"<table><tr><th>feedback phase (rad)</th><th>pump (mW)</th><th>locked</th>"
            f"<th>locked detuning (MHz)</th><th>state reached</th></tr>{smap}</table>")
