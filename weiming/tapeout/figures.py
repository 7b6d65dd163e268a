"""The report's key-figure rows: every pass/fail reads the design's own spec.

A row is ``{key, name, value, unit, target, spec, source, ok}``: ``target`` is
the requirement in words (from ``design.spec`` or, for counts, from what the
design asks to build), ``spec`` the key path it was read from, ``ok`` True /
False / None (informative only). No number in this module is a target: they
all come from :class:`weiming.circuits.design.Spec` or the design itself.
"""

from __future__ import annotations

from typing import Any

from weiming.circuits.design import Design


def _in(v: float | None, lo_hi: tuple[float, float]) -> bool | None:
    return None if v is None else bool(lo_hi[0] <= v <= lo_hi[1])


def _rng(lo_hi: tuple[float, float], scale: float = 1.0) -> str:
    return f"{lo_hi[0] / scale:g} .. {lo_hi[1] / scale:g}"


def key_figures(design: Design, res: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the summary table for the stages in ``res`` (stages not run give no rows)."""
    sp = design.spec
    net = design.network
    b, d, r = res.get("build", {}), res.get("comb_dispersion", {}), res.get("comb_ring", {})
    y = res.get("yield", {})
    rows: list[dict[str, Any]] = []

    def add(key, name, value, unit="", target="", spec="", source="", ok=None):
        if value is not None:
            rows.append({"key": key, "name": name, "value": value, "unit": unit, "target": target,
                         "spec": spec, "source": source, "ok": ok})

    if b:
        want_clients = net.channels * net.clients_per_channel
        add("client_chips", "client chips", b.get("n_client"), "", f"= {want_clients}",
            "network.channels x network.clients_per_channel", "build manifest", b.get("n_client") == want_clients)
        add("channels", "WDM channels", b.get("channels"), "", f"= {net.channels}", "network.channels",
            "network plan in the manifest", b.get("channels") == net.channels)
        add("server_chips", "server comb chips", b.get("n_server"), "", f"= {design.server.count}",
            "server.count", "build manifest", b.get("n_server") == design.server.count)
        drc = b.get("drc_clean")
        add("drc", "DRC of every reticle", None if drc is None else ("clean" if drc else "violations"), "",
            "clean" if sp.verification.drc_clean else "not required", "spec.verification.drc_clean",
            "KLayout DRC", bool(drc) if sp.verification.drc_clean else None)
        conn = b.get("connectivity_passed")
        add("lvs", "connectivity / LVS of every die", None if conn is None else ("match" if conn else "mismatch"),
            "", "match" if sp.verification.lvs_match else "not required", "spec.verification.lvs_match",
            "die netlists vs drawn connectivity", bool(conn) if sp.verification.lvs_match else None)
    fsr = d.get("fsr_hz")
    if fsr is not None:
        tol = sp.comb_ring.fsr_rel_tol
        add("fsr", "comb ring FSR", fsr / 1e9, "GHz", f"{net.fsr_ghz:g} +- {tol:g} rel.",
            "network.fsr_ghz, spec.comb_ring.fsr_rel_tol", "MPB resonances (bent modes) of the ring as drawn",
            d["fsr_rel_error"] <= tol)
    add("radius", "comb ring radius", d.get("radius_um"), "um", "", "",
        d.get("radius_source", "") + ": R = c / (2 pi ng FSR), ng by the ring group-index rule")
    add("regime", "comb waveguide dispersion", d.get("regime"), "", sp.comb_ring.dispersion_regime,
        "spec.comb_ring.dispersion_regime", "MPB, Dint over +-N modes",
        None if "regime" not in d else d["regime"] == sp.comb_ring.dispersion_regime)
    add("d2", "D2/2pi", d.get("d2_hz"), "Hz", "", "", "MPB resonance condition")
    if "qi" in r:
        qr, lr, cr = sp.comb_ring.qi_range, sp.comb_ring.loaded_q_range, sp.comb_ring.qc_over_qi_range
        add("qi", "intrinsic Q", r["qi"] / 1e6, "million", _rng(qr, 1e6), "spec.comb_ring.qi_range",
            "Qi = 2 pi ng / (lambda alpha), PDK loss", _in(r["qi"], qr))
        add("ql", "loaded Q (design gap)", r["ql"] / 1e6, "million", _rng(lr, 1e6), "spec.comb_ring.loaded_q_range",
            "coupled-mode coupler model + ring model", _in(r["ql"], lr))
        add("qc_over_qi", "Qc / Qi (coupling regime)", r["qc"] / r["qi"], "", _rng(cr), "spec.comb_ring.qc_over_qi_range",
            "coupler model / loss", _in(r["qc"] / r["qi"], cr))
    cb = res.get("comb") or {}
    if "regime" in cb:
        add("comb_regime", "comb state at the operating point", cb["regime"], "", sp.comb.regime, "spec.comb.regime",
            "LLE + SIL, regime from the field and its stability", cb["regime"] == sp.comb.regime)
        add("comb_worst_line", "weakest channel line at the bus", cb.get("worst_channel_dbm"), "dBm",
            f">= {sp.comb.min_channel_line_power_dbm:g}", "spec.comb.min_channel_line_power_dbm", "LLE line powers",
            None if cb.get("worst_channel_dbm") is None else cb["worst_channel_dbm"] >= sp.comb.min_channel_line_power_dbm)
    nw = res.get("network") or {}
    if nw.get("pairs"):
        beats = all(p.get("beats_plob") for p in nw["pairs"])
        add("beat_plob", f"every pair beats PLOB at {nw.get('distance_km')} km",
            "yes" if beats else "no", "", "required" if sp.network.beat_plob else "not required",
            "spec.network.beat_plob, spec.network.distance_km", "TF-QKD key-rate model",
            beats if sp.network.beat_plob else None)
    if nw.get("networking_capability_km") is not None:
        cap = nw["networking_capability_km"]
        add("capability", "networking capability", cap, "km", f">= {sp.network.networking_capability_km_min:g}",
            "spec.network.networking_capability_km_min", "TF-QKD key-rate model",
            cap >= sp.network.networking_capability_km_min)
    for stage_figures in res.values():  # any stage may contribute rows (they read the spec themselves)
        for k, v in (stage_figures or {}).get("key_figures", {}).items():
            add(k, v["name"], v["value"], v.get("unit", ""), v.get("target", ""), v.get("spec", ""),
                v.get("source", ""), v.get("ok"))
    m = y.get("modulator_yield")
    if m is not None:
        ci = ", ".join(f"{100 * x:.1f}" for x in y.get("modulator_ci95", []))
        add("modulator_yield", "modulator yield", 100 * m, "%", f">= {100 * sp.yield_.modulator_min:g}",
            "spec.yield.modulator_min", f"Monte Carlo, D0 posterior given the observed count; 95 % CI [{ci}] %",
            m >= sp.yield_.modulator_min)
    cy = y.get("chip_yield", {})
    for kind, floor, spec_key in (("client", sp.yield_.client_chip_min, "client_chip_min"),
                                  ("server", sp.yield_.server_chip_min, "server_chip_min")):
        if kind in cy:
            v = cy[kind]["value"]
            add(f"{kind}_yield", f"{'client' if kind == 'client' else 'comb'} chip yield", 100 * v, "%",
                f">= {100 * floor:g}", f"spec.yield.{spec_key}", "Monte Carlo", v >= floor)
    return rows
