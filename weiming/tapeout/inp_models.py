"""Tape-out stage for the InP client chip: MMI splitting and DBR grating metrics.

- MMI: guided-mode propagation analysis (:mod:`weiming.sims.mmi_mpa`, 2D
  effective-index picture) of the PDK's ``mmi2x2`` at its nominal width and at
  +-0.1 um (a lithography width error): imbalance and excess loss. (2D FDTD of
  the same cell, :mod:`weiming.sims.mmi`, is the full-wave check; it needs
  > 30 px/um to converge on the high-contrast deep ridge, too slow for the
  quick tape-out.) The imbalance feeds the
  modulators' extinction ratio (IM I-III are MZMs between MMIs).
- DBR: transfer-matrix reflection (:mod:`weiming.sims.grating`) of the back and
  front gratings of the laser drawn for the first client channel. The average
  index is the MPB effective index of the laser's shallow ridge; the index
  step between tooth and gap is the slab effective-index difference caused by
  the grating etch of the PDK (``extra["etches"]["grating"]``). Reported: the
  Bragg wavelength of the drawn grating vs the assigned comb line, the peak
  reflectivities and the coupling coefficient.
"""

from __future__ import annotations

import numpy as np

from weiming.sims.cache import cached
from weiming.tapeout.keys import code_digest
from weiming.tapeout.runner import Context

C_M_PER_S = 299_792_458.0


def _mmi(ctx: Context) -> dict:
    from weiming.pdk import activate
    from weiming.sims import mmi_mpa

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


def _grating_step(wavelength_um: float) -> tuple[float, dict]:
    """Slab effective-index difference between an unetched and a grating-etched InP stack."""
    from weiming.pdk import get_tech
    from weiming.pdk.materials import get_material
    from weiming.sims.fdtd_eim import slab_neff

    t = get_tech("inp")
    st, g = t.layer_stack, t.extra["etches"]["grating"]
    n = {k: float(get_material(st[k].material).n(wavelength_um)) for k in ("substrate", "core", "cladding")}
    n_top = float(get_material(st["planarisation"].material).n(wavelength_um))
    core, clad, d = st["core"].thickness, st["cladding"].thickness, float(g["depth"])
    hi = slab_neff([n["substrate"], n["core"], n["cladding"], n_top], [core, clad], wavelength_um)[0]
    # etched teeth: the top `d` of the guide is replaced by the overgrown p-InP
    lo = slab_neff([n["substrate"], n["core"], n["cladding"], n["cladding"], n_top], [core - d, d, clad],
                   wavelength_um)[0]
    return hi - lo, {"depth_um": d, "source": g["source"]}


def _dbr(ctx: Context) -> dict:
    from weiming.circuits.network import line_frequency_ghz
    from weiming.pdk import activate
    from weiming.sims import grating
    from weiming.sims.modes import solve_modes

    from weiming.tapeout.stages import _design

    d = _design(ctx)
    target_nm = C_M_PER_S / (line_frequency_ghz(d.network, d.network.first_line) * 1e9) * 1e9
    laser = activate("inp").get_component("dbr_laser", bragg_wavelength_nm=round(target_nm, 4))
    info = dict(laser.info)
    lam = target_nm / 1000
    from weiming.pdk import get_tech

    ridge_w = get_tech("inp").xs("active").width  # the laser's ridge runs at the active width
    neff = cached("tapeout-inp-neff", {"lam": lam, "w": ridge_w, "code": code_digest()},
                  lambda: solve_modes("inp", "shallow", lam, width=ridge_w)[0].neff)
    dn, gsrc = _grating_step(lam)
    out = {"target_nm": target_nm, "neff_mode_solver": neff, "delta_n": dn, "grating_etch": gsrc}
    spectra = {}
    for side in ("back", "front"):
        key = f"{side}_grating"
        g = {"mean_period_nm": float(info["fit_period_nm"][key]), "n_periods": int(info["n_periods"][key])}
        period_um = g["mean_period_nm"] / 1000
        n_hi, n_lo = neff + dn / 2, neff - dn / 2
        lb = grating.bragg_wavelength_um(n_hi, n_lo, period_um)
        wl = np.linspace(lam - 0.01, lam + 0.01, 801)
        r = grating.tmm_reflection(wl, n_hi, n_lo, period_um, int(g["n_periods"]))
        spectra[side] = (wl, r)
        out[side] = {"period_nm": g["mean_period_nm"], "n_periods": g["n_periods"], "bragg_nm": lb * 1000,
                     "peak_reflectivity_tmm": float(r.max()),
                     "peak_reflectivity_cmt": grating.peak_reflectivity(n_hi, n_lo, period_um, int(g["n_periods"])),
                     "kappa_per_cm": grating.kappa_per_um(n_hi, n_lo, period_um) * 1e4}
    out["detuning_ghz"] = (C_M_PER_S / (out["back"]["bragg_nm"] * 1e-9) - C_M_PER_S / (target_nm * 1e-9)) / 1e9
    out["_spectra"] = {k: [v[0].tolist(), v[1].tolist()] for k, v in spectra.items()}
    return out


def run(ctx: Context) -> dict:
    from weiming.tapeout.stages import _design, _mpl, _plot_path

    m = _mmi(ctx)
    dbr = _dbr(ctx)
    plt = _mpl()
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for side, colour in (("back", "#9467bd"), ("front", "#d62728")):
        wl, r = (np.asarray(a) for a in dbr["_spectra"][side])
        ax.plot((wl * 1000 - dbr["target_nm"]) * 1000, r, color=colour,
                label=f"{side}: {dbr[side]['n_periods']} periods, Rmax {dbr[side]['peak_reflectivity_tmm']:.2f}")
    ax.axvline(0, color="k", lw=0.8, ls=":")
    ax.set_xlabel("wavelength - comb line (pm)")
    ax.set_ylabel("power reflectivity (TMM)")
    ax.set_title(f"DBR gratings, kappa {dbr['back']['kappa_per_cm']:.0f} /cm")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(_plot_path(ctx, "inp_models", "dbr_reflection"), dpi=120)
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
    fig.savefig(_plot_path(ctx, "inp_models", "mmi_width"), dpi=120)
    plt.close(fig)
    dbr.pop("_spectra")
    sp = _design(ctx).spec
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
        "dbr_detuning": {"name": "DBR Bragg detuning from comb line", "value": dbr["detuning_ghz"], "unit": "GHz",
                         "target": f"|x| <= {sp.laser.bragg_detuning_ghz_max:g}",
                         "spec": "spec.laser.bragg_detuning_ghz_max", "source": "MPB neff + TMM",
                         "ok": abs(dbr["detuning_ghz"]) <= sp.laser.bragg_detuning_ghz_max},
        "dbr_back_r": {"name": "DBR back-mirror peak reflectivity", "value": dbr["back"]["peak_reflectivity_tmm"],
                       "unit": "", "source": "TMM"},
    }
    return {"mmi": m, "dbr": dbr, "key_figures": key,
            "passed": all(v.get("ok", True) for v in key.values())}
