"""Tape-out stage for the InP client chip: MMI splitting and DBR grating metrics.

- MMI: guided-mode propagation analysis (:mod:`weiming.sims.devices.mmi_mpa`, 2D
  effective-index picture) of the PDK's ``mmi2x2`` at its nominal width and at
  +-0.1 um (a lithography width error): imbalance and excess loss. (2D FDTD of
  the same cell, :mod:`weiming.sims.devices.mmi`, is the full-wave check; it needs
  > 30 px/um to converge on the high-contrast deep ridge, too slow for the
  quick tape-out.) The imbalance feeds the
  modulators' extinction ratio (IM I-III are MZMs between MMIs).
- DBR: for every client, MPB solves of both grating sections (unetched ridge
  and tooth, :func:`weiming.sims.devices.grating.section_modes`, cached) at its comb
  line give n_avg and kappa (:func:`weiming.sims.devices.grating.dbr_design`, the
  function the laser cell draws with); with the drawn period of the client's
  laser cell they give lambda_B and its detuning from the comb line. The
  injection-locking figures come from the build's manifest. Transfer-matrix
  reflection (:mod:`weiming.sims.devices.grating`) of the first client's back and
  front gratings with the same indices. The per-client table is the stage's
  report section (:func:`report`).
"""

from __future__ import annotations

import numpy as np

from weiming.sims.cache import cached
from weiming.tapeout import common
from weiming.tapeout.keys import code_digest
from weiming.tapeout.runner import Context

C_M_PER_S = 299_792_458.0


def _mmi(ctx: Context) -> dict:
    from weiming.pdk import activate
    from weiming.sims.devices import mmi_mpa

    c = activate("inp").get_component("mmi2x2")
    w0 = float(c.settings["width"])
    dw = 0.1  # um: a +-100 nm width error (assumption: 2 sigma of the PDK width tolerance 0.05 um)
    widths = [w0 - dw, w0, w0 + dw]

    def compute():
        return [mmi_mpa.split_cell("inp", "mmi2x2", width_um=w, wavelength_um=1.54978).to_json() for w in widths]

    pts = cached("tapeout-mmi-mpa", {"widths": widths, "cell": dict(c.info), "code": code_digest()}, compute)
    nom = pts[1]
    return {"width_um": w0, "method": nom["method"], "points": pts, "imbalance_db": nom["imbalance_db"],
            "excess_loss_db": nom["excess_loss_db"],
            "imbalance_slope_db_per_um": (pts[2]["imbalance_db"] - pts[0]["imbalance_db"]) / (2 * dw)}


def _clients_laser(ctx: Context) -> list[dict]:
    """Per-client laser table: the drawn grating of each client checked against fresh MPB solves of
    both grating sections at its comb line, plus the build's injection-locking figures (manifest)."""
    import json

    from weiming.circuits.network import channels, clients, line_frequency_ghz
    from weiming.pdk import activate
    from weiming.sims.devices import grating

    d = common.design(ctx)
    try:
        man = json.loads((ctx.dest / "manifest.json").read_text(encoding="utf-8"))
        built = {c["id"]: c for c in man["chips"] if c.get("kind") == "client"}
    except (OSError, json.JSONDecodeError, KeyError):
        built = {}
    ch_of = {c.index: c for c in channels(d.network)}
    pdk = activate("inp")
    rows = []
    for cl in clients(d.network):
        ch = ch_of[cl.channel]
        f_line = line_frequency_ghz(d.network, ch.comb_line)
        lam_nm = C_M_PER_S / (f_line * 1e9) * 1e9
        laser = pdk.get_component("dbr_laser", bragg_wavelength_nm=round(cl.wavelength_nm, 4),
                                  back_reflectivity=d.client.laser_back_reflectivity,
                                  front_reflectivity=d.client.laser_front_reflectivity)
        period = float(laser.info["fit_period_nm"]["back_grating"])
        sec = grating.section_modes(lam_nm / 1000)
        fresh = grating.dbr_design(lam_nm, sec["ridge"]["neff"], sec["tooth"]["neff"],
                                   (sec["ridge"]["ng"] + sec["tooth"]["ng"]) / 2)
        lb = fresh.bragg_nm(period)
        lz = built.get(cl.id, {}).get("laser", {})
        rows.append({"id": cl.id, "channel": cl.channel, "comb_line_nm": lam_nm, "period_nm": period,
                     "bragg_nm": lb, "bragg_detuning_ghz": C_M_PER_S / (lb * 1e-9) / 1e9 - f_line,
                     "kappa_per_cm": fresh.kappa_per_cm, "n_avg": fresh.n_avg, "stopband_nm": fresh.stopband_nm,
                     "injection_db": lz.get("injection_db"), "lock_range_ghz": lz.get("lock_range_ghz"),
                     "mode_detuning_ghz": lz.get("mode_detuning_ghz"), "locks": lz.get("locks"),
                     "_sections": sec, "_laser": dict(laser.info)})
    return rows


def _dbr(ctx: Context, rows: list[dict]) -> dict:
    """TMM reflection of the first client's back and front gratings with the fresh section indices."""
    from weiming.sims.devices import grating

    r0 = rows[0]
    info, sec = r0["_laser"], r0["_sections"]
    n_hi, n_lo = sec["ridge"]["neff"], sec["tooth"]["neff"]
    lam = r0["comb_line_nm"] / 1000
    out = {"target_nm": r0["comb_line_nm"], "neff_ridge": n_hi, "neff_tooth": n_lo, "delta_n": n_hi - n_lo,
           "kappa_per_cm": r0["kappa_per_cm"], "stopband_nm": r0["stopband_nm"]}
    spectra = {}
    for side in ("back", "front"):
        key = f"{side}_grating"
        period_um = float(info["fit_period_nm"][key]) / 1000
        n = int(info["n_periods"][key])
        wl = np.linspace(lam - 0.006, lam + 0.006, 1201)
        r = grating.tmm_reflection(wl, n_hi, n_lo, period_um, n)
        spectra[side] = (wl, r)
        out[side] = {"period_nm": period_um * 1000, "n_periods": n,
                     "bragg_nm": grating.bragg_wavelength_um(n_hi, n_lo, period_um) * 1000,
                     "peak_reflectivity_tmm": float(r.max()),
                     "peak_reflectivity_cmt": grating.peak_reflectivity(n_hi, n_lo, period_um, n),
                     "designed_reflectivity": float(info["reflectivity"][key])}
    out["detuning_ghz"] = r0["bragg_detuning_ghz"]
    out["_spectra"] = {k: [v[0].tolist(), v[1].tolist()] for k, v in spectra.items()}
    return out


def run(ctx: Context) -> dict:
    m = _mmi(ctx)
    rows = _clients_laser(ctx)
    dbr = _dbr(ctx, rows)
    plt = common.mpl()
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for side, colour in (("back", "#9467bd"), ("front", "#d62728")):
        wl, r = (np.asarray(a) for a in dbr["_spectra"][side])
        ax.plot((wl * 1000 - dbr["target_nm"]) * 1000, r, color=colour,
                label=f"{side}: {dbr[side]['n_periods']} periods, Rmax {dbr[side]['peak_reflectivity_tmm']:.2f}")
    ax.axvline(0, color="k", lw=0.8, ls=":")
    ax.set_xlabel("wavelength - comb line (pm)")
    ax.set_ylabel("power reflectivity (TMM)")
    ax.set_title(f"DBR gratings, kappa {dbr['kappa_per_cm']:.0f} /cm")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(common.plot_path(ctx, "inp_models", "dbr_reflection"), dpi=120)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    w = [p["width_um"] for p in m["points"]]
    ax.plot(w, [p["imbalance_db"] for p in m["points"]], "o-", label="imbalance (dB)")
    ax.plot(w, [p["excess_loss_db"] for p in m["points"]], "s-", label="excess loss (dB)")
    ax.set_xlabel("MMI width (um)")
    ax.set_title("InP mmi2x2 vs width (guided-mode propagation analysis)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(common.plot_path(ctx, "inp_models", "mmi_width"), dpi=120)
    plt.close(fig)
    dbr.pop("_spectra")
    sp = common.design(ctx).spec
    spec = sp.laser
    table = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    worst = max(table, key=lambda r: abs(r["bragg_detuning_ghz"]))
    lasers_ok = all(abs(r["bragg_detuning_ghz"]) <= spec.bragg_detuning_ghz_max
                    and r["injection_db"] is not None and r["injection_db"] >= spec.injection_db_min
                    and r["locks"] is True for r in table)
    key = {
        "mmi_imbalance": {"name": "InP MMI 2x2 imbalance", "value": m["imbalance_db"], "unit": "dB",
                          "target": f"|x| <= {sp.inp_devices.mmi_imbalance_db_max:g}",
                          "spec": "spec.inp_devices.mmi_imbalance_db_max",
                          "source": "mode propagation analysis (2D EIM)",
                          "ok": abs(m["imbalance_db"]) <= sp.inp_devices.mmi_imbalance_db_max},
        "mmi_excess": {"name": "InP MMI 2x2 excess loss", "value": m["excess_loss_db"], "unit": "dB",
                       "target": f"<= {sp.inp_devices.mmi_excess_loss_db_max:g}",
                       "spec": "spec.inp_devices.mmi_excess_loss_db_max",
                       "source": "mode propagation analysis (2D EIM)",
                       "ok": m["excess_loss_db"] <= sp.inp_devices.mmi_excess_loss_db_max},
        "dbr_detuning": {"name": "DBR Bragg detuning from comb line (worst client)",
                         "value": worst["bragg_detuning_ghz"], "unit": "GHz",
                         "target": f"|x| <= {spec.bragg_detuning_ghz_max:g}",
                         "spec": "spec.laser.bragg_detuning_ghz_max",
                         "source": "MPB of both grating sections + drawn period",
                         "ok": abs(worst["bragg_detuning_ghz"]) <= spec.bragg_detuning_ghz_max},
        "lasers_lock": {"name": "client lasers that lock to their comb line",
                        "value": sum(r["locks"] is True for r in table), "unit": f"of {len(table)}",
                        "target": f"all, injection >= {spec.injection_db_min:g} dB",
                        "spec": "spec.laser.injection_db_min, spec.laser.lock_margin",
                        "source": "injection-locking model (Mogensen et al. 1985)", "ok": lasers_ok},
        "dbr_back_r": {"name": "DBR back-mirror peak reflectivity", "value": dbr["back"]["peak_reflectivity_tmm"],
                       "unit": "", "source": "TMM"},
    }
    return {"mmi": m, "dbr": dbr, "lasers": table, "key_figures": key,
            "passed": all(v.get("ok", True) for v in key.values())}


#: Columns of the per-client laser table: (key, header, format).
TABLE = (("id", "client", "{}"), ("channel", "channel", "{}"), ("comb_line_nm", "comb line (nm)", "{:.4f}"),
         ("period_nm", "grating period (nm)", "{:.4f}"), ("bragg_nm", "lambda_B (nm)", "{:.4f}"),
         ("bragg_detuning_ghz", "detuning (GHz)", "{:+.2f}"), ("kappa_per_cm", "kappa (1/cm)", "{:.0f}"),
         ("injection_db", "injected (dB)", "{:.1f}"), ("lock_range_ghz", "locking range (GHz)", "{:.2f}"),
         ("mode_detuning_ghz", "nearest mode (GHz)", "{:+.1f}"), ("locks", "locks", "{}"))


def report(ctx: Context, figures: dict) -> str:
    """The stage's report section: the per-client laser table."""
    from html import escape

    head = "".join(f"<th>{escape(h)}</th>" for _, h, _ in TABLE)
    body = []
    for r in figures.get("lasers", []):
        cells = []
        for k, _, fmt in TABLE:
            v = r.get(k)
            txt = "n/a" if v is None else ("yes" if v is True else "no" if v is False else fmt.format(v))
            cells.append(f"<td>{escape(txt)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return ("<h3>Client lasers</h3><p>lambda_B from MPB solves of the unetched ridge and the grating-tooth "
            "section at each comb line and the drawn period; injection and locking from the build "
            "(back-mirror injection, Mogensen, Olesen &amp; Jacobsen, IEEE JQE 21, 784 (1985)).</p>"
            f"<table class='laser-table'><tr>{head}</tr>{''.join(body)}</table>")
