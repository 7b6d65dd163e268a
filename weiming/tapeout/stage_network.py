"""Tape-out stage ``network``: from the chips' metrics to secret keys (weiming.sims.network).

Runs :func:`weiming.sims.network.evaluate.evaluate_network` on the tape-out's
design, with the build manifest's per-client laser entries when the build
stage wrote them; pass/fail reads ``spec.network`` (every pair beats the
absolute PLOB bound at ``distance_km``; networking capability >=
``networking_capability_km_min``).
"""

from __future__ import annotations

import html
from typing import Any

from weiming.tapeout.runner import Context


def run(ctx: Context) -> dict[str, Any]:
    """Evaluate the network (cached on the design, the manifest's laser entries, quick flag and code)."""
    import json

    from weiming.sims.cache import atomic_write_text, cached
    from weiming.sims.network.chips import read_manifest_lasers
    from weiming.sims.network.evaluate import evaluate_network
    from weiming.sims.network.plot import plot_curves
    from weiming.tapeout.keys import code_digest, file_digest

    manifest = ctx.dest / "manifest.json"  # the build installs into the output folder, not the staging one
    manifest = manifest if manifest.is_file() else None
    key = {"cfg": file_digest(ctx.config), "lasers": read_manifest_lasers(manifest), "quick": ctx.quick,
           "code": code_digest()}
    res = cached("tapeout-network", key,
                 lambda: evaluate_network(ctx.config, manifest=manifest, quick=ctx.quick))
    out = ctx.out / "network"
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "network.json", json.dumps(res, indent=2) + "\n")
    ctx.add_artifact("network", out / "network.json")
    png = ctx.out / "plots" / "network_key_rate.png"
    png.parent.mkdir(parents=True, exist_ok=True)
    plot_curves(res, png)
    ctx.add_artifact("network", png)
    return {k: res[k] for k in ("protocol", "distance_km", "plob_absolute", "plob_conditional", "pairs",
                                "networking_capability_km", "networking_capability_working_pairs_km",
                                "key_rate_yield", "key_rate_yield_known_good", "die_selection", "notes", "spec",
                                "passed")}


def report(ctx: Context, fig: dict[str, Any]) -> str:
    """Table at the spec distance, key-rate yield, networking capability, notes."""
    e = html.escape
    rows = []
    for p in fig.get("pairs", []):
        rows.append("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in (
            p["channel"], " / ".join(p["clients"]), f"{p['key_rate_per_pulse']:.3g}",
            f"{p['ratio_to_plob']:.3g}", f"{p['qber_x']:.3g}", "yes" if p["beats_plob"] else "no",
            p.get("limited_by") or "")) + "</tr>")
    y = fig.get("key_rate_yield") or {}
    spec = fig.get("spec", {})
    parts = [f"<p>{e(fig['protocol'].upper())} at {fig['distance_km']:g} km: PLOB absolute "
             f"{fig['plob_absolute']:.3g}, conditional (with detector loss) {fig['plob_conditional']:.3g} bits "
             "per pulse.</p>",
             "<table><tr><th>channel</th><th>clients</th><th>key rate (per pulse)</th><th>ratio to PLOB "
             "(absolute)</th><th>QBER_X</th><th>beats PLOB</th><th>limited by</th></tr>" + "".join(rows)
             + "</table>",
             f"<p>Key-rate yield: {y.get('value')} (95 % interval {y.get('ci95')}, {y.get('samples')} Monte Carlo "
             f"chip pairs; among pairs of dies passing the wafer-level test: "
             f"{(fig.get('key_rate_yield_known_good') or {}).get('value')}). "
             f"Networking capability ({e(str(fig.get('die_selection')))} dies): "
             f"{fig.get('networking_capability_km')} km (spec >= "
             f"{spec.get('networking_capability_km_min')} km); over the working pairs only: "
             f"{fig.get('networking_capability_working_pairs_km')} km.</p>",
             "<p>Seed network for comparison (doi 10.1038/s41586-026-10152-z): every pair above the repeaterless "
             "bound at 370 km by 51.5-251.4 % (ratio 1.515-3.514; which PLOB definition is not recorded), "
             "networking capability 3,700 km. Its fibre loss, detectors, repetition rate and block size were not "
             "retrieved; this model's values for them are assumptions (sims/network/default_network.yaml, "
             "docs/models/network.md sensitivity table).</p>",
             "<ul>" + "".join(f"<li>{e(n)}</li>" for n in fig.get("notes", [])) + "</ul>"]
    return "\n".join(parts)
