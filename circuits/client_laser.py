"""Laser figures of a built client chip: Bragg wavelength of the drawn grating, injection locking.

Read from the chip itself (the ``laser`` instance's drawn grating periods and
section lengths, the drawn guide from the input facet to the back mirror), the
DBR design of both grating sections (:func:`weiming.components.inp._common.dbr_at`,
the same function the laser cell used), the design YAML (``client:`` laser
parameters) and the comb-line power at the facet
(:func:`weiming.circuits.network.comb_line_power_w`). Pass/fail against
``spec.laser``. The manifest's ``laser`` entry is :func:`manifest_laser`.
"""

from __future__ import annotations

import gdsfactory as gf

from weiming.circuits.design import Design
from weiming.circuits.errors import BuildError
from weiming.circuits.network import C_M_PER_S, Client, comb_line_power_w, line_frequency_ghz

#: The manifest contract's keys (issue 12), in order.
MANIFEST_KEYS = ("bragg_nm", "bragg_detuning_ghz", "kappa_per_cm", "n_avg", "injection_db", "lock_range_ghz",
                 "mode_detuning_ghz", "locks")


def _inst(chip: gf.Component, name: str):
    for i in chip.insts:
        if i.name == name:
            return i
    raise BuildError(f"chip {chip.name} has no instance {name!r}")


def _guide_to_laser_um(chip: gf.Component) -> float:
    """Centre-line length of the guide from the input facet to the laser's back port (o1), um:
    the sum of the optical instances between ``ssc_in`` and ``laser`` (their port-to-port spans)."""
    from weiming.circuits.connectivity import optical_path_um

    return optical_path_um(chip, "ssc_in", "o2", "laser", "o1")


def client_laser(design: Design, client: Client, chip: gf.Component) -> dict:
    """Every laser figure of ``client``'s chip (GHz, nm, dB, W); ``ok_*`` flags against ``spec.laser``."""
    from weiming.components.inp._common import dbr_at
    from weiming.pdk import get_tech
    from weiming.sims.devices.injection import cavity_from_laser, locking

    cfg, spec = design.client, design.spec.laser
    laser = _inst(chip, "laser").cell
    info = dict(laser.info)
    f_line = _line_ghz(design, client)
    lam_line = C_M_PER_S / (f_line * 1e9) * 1e9
    dbr = dbr_at(info["bragg_wavelength_nm"])
    n_avg = float(info["n_avg"])
    period = float(info["fit_period_nm"]["back_grating"])
    bragg_nm = 2 * n_avg * period
    bragg_det = C_M_PER_S / (bragg_nm * 1e-9) / 1e9 - f_line
    cav = cavity_from_laser(info, dbr.kappa_per_cm, dbr.neff_ridge, dbr.ng)
    guide_um = _guide_to_laser_um(chip)
    t = get_tech("inp")
    guide_db = t.extra["loss_db_per_m"]["deep"] * guide_um * 1e-6  # deep loss as the upper bound of the path
    lk = locking(cav, line_ghz=f_line, facet_power_w=comb_line_power_w(design, client.channel),
                 facet_coupling_db=cfg.ssc_coupling_loss_db, guide_loss_db=guide_db,
                 output_power_w=cfg.laser_output_power_mw * 1e-3, phase_dn_max=cfg.phase_dn_max,
                 lock_margin=spec.lock_margin)
    out = {"channel": client.channel, "comb_line_nm": lam_line, "comb_line_ghz": f_line,
           "period_nm": period, "bragg_nm": bragg_nm, "bragg_detuning_ghz": bragg_det,
           "kappa_per_cm": dbr.kappa_per_cm, "n_avg": n_avg, "stopband_nm": dbr.stopband_nm,
           "reflectivity": dict(info["reflectivity"]), "guide_to_laser_um": guide_um, **lk.to_json()}
    out["ok_bragg"] = abs(bragg_det) <= spec.bragg_detuning_ghz_max
    out["ok_injection"] = lk.injection_db >= spec.injection_db_min
    return out


def _line_ghz(design: Design, client: Client) -> float:
    from weiming.circuits.network import channels

    ch = next(c for c in channels(design.network) if c.index == client.channel)
    return line_frequency_ghz(design.network, ch.comb_line)


def manifest_laser(fig: dict) -> dict:
    """The manifest's ``laser`` entry (exact keys of the contract)."""
    out = {}
    for k in MANIFEST_KEYS:
        v = fig[k]
        out[k] = bool(v) if k == "locks" else round(float(v), 6)
    return out


def check_laser(client_id: str, fig: dict) -> None:
    """A client whose laser cannot lock (or whose grating misses its line) is a build error."""
    bad = []
    if not fig["ok_bragg"]:
        bad.append(f"Bragg wavelength {fig['bragg_nm']:.4f} nm is {fig['bragg_detuning_ghz']:+.1f} GHz off the "
                   f"comb line (spec.laser.bragg_detuning_ghz_max)")
    if not fig["ok_injection"]:
        bad.append(f"injection {fig['injection_db']:.1f} dB below spec.laser.injection_db_min")
    if not fig["locks"]:
        bad.append(f"nearest mode {fig['red_mode_detuning_ghz']:.1f} GHz red of the line, phase tuning "
                   f"{fig['phase_tuning_ghz']:.1f} GHz, residual {fig['residual_detuning_ghz']:.2f} GHz outside "
                   f"the locking range [{fig['lock_low_ghz']:.3f}, {fig['lock_high_ghz']:.3f}] GHz "
                   f"shrunk by spec.laser.lock_margin")
    if bad:
        raise BuildError(f"client {client_id}: laser cannot lock to its comb line: " + "; ".join(bad))


__all__ = ["MANIFEST_KEYS", "client_laser", "manifest_laser", "check_laser"]
