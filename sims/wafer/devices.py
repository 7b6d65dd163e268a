"""Device metric models: each metric as a vectorised function of the process
deviations at every device of every die of every wafer (arrays (W, S, n)).

Waveguide quantities (neff, ng, confinement, GVD) come from the fitted
surrogates (:mod:`.surrogates`, held-out errors in their JSON); the rest is
analytic, with sources:

- MZM/phase modulator ``Vpi``: ``Vpi ~ d_i / (Gamma * eta)``: the field in the
  p-i-n junction is ``V/d_i`` (intrinsic layer = guiding layer, assumption)
  and the phase per volt scales with the confinement ``Gamma`` in it; the
  electro-optic efficiency ``eta`` grows as the photon energy approaches the
  bandgap, modelled as ``eta ~ 1/(E_ph - E_g)^p`` with ``p = 1`` (assumption:
  between the linear EO effect, p = 0, and the Franz-Keldysh/QCSE
  electro-refraction, p ~ 2; Smit et al., Semicond. Sci. Technol. 29, 083001
  (2014) sec. 4.3 for the mechanisms).
- Extinction ratio and loss from the chip's own MMIs: the modulator's 1x2
  splitter and 2x2 combiner (widths read from the built cell) are solved by
  guided-mode propagation analysis (:func:`weiming.sims.devices.mmi_mpa.split_cell`,
  drawn length held, width changed by the litho bias) on a grid of widths,
  cached on disk and interpolated; an MZI with couplers ``k1, k2`` has
  ``ER = ((a + b)/(a - b))^2``, ``a = sqrt(k1 k2)``, ``b = sqrt((1-k1)(1-k2))``
  and peak transmission ``(a + b)^2`` (standard two-beam interference).
- DBR Bragg wavelength: ``lambda_B = 2 neff Lambda``; to first order
  ``d lambda_B = lambda_B (d neff + neff dLambda/Lambda) / ng`` (the ng, not
  neff, because neff is taken at the shifted wavelength). The laser *locks*
  when its detuning from the comb line (design offset + process shift) lies
  within ``(1 - lock_margin)`` of half its locking range
  (:func:`laser_lock_inputs`: the design's laser model when it has one).
- Comb heater: the heater must red-shift a resonance onto the pump by
  ``mod(d nu, FSR)``; its range ``H (1 + delta_h)`` (design range H, process
  spread delta_h of the heater efficiency) must cover it: ``heater_margin_ghz``.
- AMZI delay ``tau = ng dL / c``: ``d tau = tau d ng / ng``.
- Ring: ``FSR = c / (ng L)``, resonance shift ``d nu = -nu d neff / ng``,
  normal dispersion iff ``beta2 > 0`` (D2 < 0), intrinsic Q from the ring
  model :func:`weiming.sims.devices.ring.intrinsic_q` (``2 pi ng / (lambda alpha)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from weiming.sims.wafer.process import ProcessSample
from weiming.sims.wafer.slab import HC_EV_UM
from weiming.sims.wafer.surrogates import load as load_surrogate

C_M_S = 299_792_458.0
VPI_BANDGAP_EXPONENT = 1.0  # assumption, see module docstring
ER_CAP_DB = 60.0            # numerical cap of a perfectly balanced MZI (measurement floors are lower)


@dataclass(frozen=True)
class DeviceModel:
    name: str
    pdk: str
    metrics: tuple[str, ...]
    evaluate: Callable[[ProcessSample, dict, dict, int], dict[str, np.ndarray]]
    description: str = ""


def _dev(ps: ProcessSample, names, key, n) -> dict[str, np.ndarray]:
    return {p: ps.at_devices(p, key, n) for p in names}


def _vpi(ps: ProcessSample, key: str, n: int, vpi0: float, wl_um: float) -> np.ndarray:
    s = load_surrogate("inp_deep")
    d = _dev(ps, s.inputs, key, n)
    gamma = s(**d)["gamma"]
    t0 = _stack_thickness("inp", "core")
    lg0 = _lambda_g0()
    e_ph = HC_EV_UM / wl_um
    det0 = e_ph - HC_EV_UM / lg0
    det = e_ph - HC_EV_UM / (lg0 + d["lambda_g_um"])
    return vpi0 * ((t0 + d["core_thickness_um"]) / t0) * (s.nominal("gamma") / gamma) * (det / det0) ** VPI_BANDGAP_EXPONENT


def _stack_thickness(pdk: str, level: str) -> float:
    from weiming.pdk import get_tech

    return get_tech(pdk).layer_stack[level].thickness


def _lambda_g0() -> float:
    from weiming.pdk import get_tech

    return float(get_tech("inp").extra["composition"]["core_lambda_g_um"])


def _loss_db_per_m(pdk: str, xs: str | None = None) -> float:
    from weiming.pdk import get_tech

    v = get_tech(pdk).extra["loss_db_per_m"]
    return float(v[xs] if isinstance(v, dict) else v)


def mmi_point(cell: str, width_um: float, dw_um: float) -> tuple[float, float]:
    """(top-output share, excess loss dB) of the InP MMI ``cell`` drawn at ``width_um`` and made
    ``dw_um`` wider (drawn length held), by guided-mode propagation analysis; cached on disk per point."""
    from weiming.sims.cache import cached

    def solve() -> list:
        from weiming.sims.devices import mmi_mpa

        r = mmi_mpa.split_cell("inp", cell, width_um=width_um + dw_um, wavelength_um=1.54978,
                               settings={"width": width_um})
        return [r.p_out[0] / sum(r.p_out), r.excess_loss_db]

    key = {"cell": cell, "width_um": round(float(width_um), 6), "dw": round(float(dw_um), 6), "v": 1}
    k, x = cached("wafer_mmi_mpa", key, solve)
    return float(k), float(x)


def mmi_table(cell: str, width_um: float, sigma_um: float, lo_um: float, hi_um: float) -> dict[str, np.ndarray]:
    """MPA points at width deviations on the grid ``k sigma`` covering [lo, hi] (shared between calls)."""
    ks = np.arange(int(np.floor(lo_um / sigma_um)), int(np.ceil(hi_um / sigma_um)) + 1)
    dws = ks * sigma_um
    pts = np.array([mmi_point(cell, width_um, float(dw)) for dw in dws])
    return {"dw": dws, "k": pts[:, 0], "excess_db": pts[:, 1]}


def _mmi(ps: ProcessSample, key: str, n: int, cell: str, w0_um: float, offset_um: float = 0.0):
    """(top-output share, excess loss dB) of the MMI at every device, interpolated in the MPA table."""
    sig = ps.model.params["width_bias_um"].sigma
    t = mmi_table(cell, w0_um, sig, offset_um - 5 * sig, offset_um + 5 * sig)
    # the table is on a uniform grid (k sigma): linear interpolation by index arithmetic (faster than np.interp)
    u = (offset_um + ps.at_devices("width_bias_um", key, n) - t["dw"][0]) / sig
    u = np.clip(u, 0.0, len(t["dw"]) - 1.000001)
    j = u.astype(np.intp)
    f = u - j
    k, x = t["k"], t["excess_db"]
    return k[j] + f * (k[j + 1] - k[j]), x[j] + f * (x[j + 1] - x[j])


def modulator_im(ps: ProcessSample, dev: dict, ctx: dict, n: int) -> dict[str, np.ndarray]:
    """Mach-Zehnder intensity modulator: Vpi, extinction ratio, insertion loss."""
    vpi = _vpi(ps, "im_arm", n, dev["vpi_v"], ctx["wavelength_um"])
    off = dev.get("mmi_width_offset_um") or 0.0
    k1, x1 = _mmi(ps, "im_mmi_in", n, dev["mmi_in_cell"], dev["mmi_in_width_um"], off)
    k2, x2 = _mmi(ps, "im_mmi_out", n, dev["mmi_out_cell"], dev["mmi_out_width_um"], off)
    a, b = np.sqrt(k1 * k2), np.sqrt((1 - k1) * (1 - k2))
    er = 10 * np.log10((a + b) ** 2 / np.maximum((a - b) ** 2, (a + b) ** 2 * 10 ** (-ER_CAP_DB / 10)))
    loss = _loss_db_per_m("inp", "deep") * np.exp(ps.at_devices("log_loss", "im_arm", n))
    il = loss * dev["length_um"] * 1e-6 + x1 + x2 - 10 * np.log10((a + b) ** 2)
    return {"vpi_v": vpi, "extinction_ratio_db": er, "insertion_loss_db": il}


def modulator_pm(ps: ProcessSample, dev: dict, ctx: dict, n: int) -> dict[str, np.ndarray]:
    """Straight phase modulator: Vpi and insertion loss."""
    vpi = _vpi(ps, "pm", n, dev["vpi_v"], ctx["wavelength_um"])
    loss = _loss_db_per_m("inp", "deep") * np.exp(ps.at_devices("log_loss", "pm", n))
    return {"vpi_v": vpi, "insertion_loss_db": loss * dev["length_um"] * 1e-6}


def laser_lock_inputs(dev: dict) -> tuple[float, float, float, float]:
    """(design detuning GHz, locking range GHz, lock margin, tuning range GHz) of the client laser.

    From the design's laser model when the design has one (``dev["lock"]``,
    filled from the build manifest's ``laser: {bragg_detuning_ghz,
    lock_range_ghz}``); else the design spec's tolerance
    ``spec.laser.bragg_detuning_ghz_max`` stands for half the locking range
    with zero design detuning (the laser is drawn on its comb line).

    The tuning range (Bragg-section current and chip temperature, +-) is
    what the laser can be pulled by before locking; from the manifest when
    given, else ``design_default.yaml`` (assumption).
    """
    lock = dev.get("lock") or {}
    return (float(lock.get("bragg_detuning_ghz", 0.0)), float(lock["lock_range_ghz"]),
            float(lock.get("lock_margin", 0.0)), float(lock.get("tuning_range_ghz", 0.0)))


def dbr_laser(ps: ProcessSample, dev: dict, ctx: dict, n: int) -> dict[str, np.ndarray]:
    """DBR laser: Bragg detuning from its assigned comb line (GHz) and whether it locks (1/0).

    Process shifts: etch depth, composition, thickness, width (through neff,
    surrogate) and the grating period (plus ``period_offset_nm``, a design
    centring parameter)."""
    s = load_surrogate("inp_shallow")
    d = _dev(ps, s.inputs, "dbr", n)
    neff = s(**d)["neff"]
    n0, ng0 = s.nominal("neff"), s.nominal("ng")
    lam_nm = ctx["line_nm"][None, :, None]          # assigned comb line per die site
    period_nm = lam_nm / (2 * n0)
    dperiod = ps.at_devices("grating_period_nm", "dbr", n) + (dev.get("period_offset_nm") or 0.0)
    dlam = lam_nm * ((neff - n0) + n0 * dperiod / period_nm) / ng0
    det0, rng_ghz, margin, tune = laser_lock_inputs(dev)
    by_ch = (dev.get("lock") or {}).get("bragg_detuning_ghz_by_channel")
    if by_ch and "channel_index" in ctx:   # each die site's channel gets its lasers' design detuning
        det0 = np.asarray(by_ch, dtype=float)[ctx["channel_index"]][None, :, None]
    det = det0 - C_M_S / (lam_nm * 1e-9) ** 2 * dlam * 1e-9 / 1e9     # d nu = -c d lambda / lambda^2
    det = np.broadcast_to(det, (*ps.shape, n))
    # tuned by up to +-tune towards the line, the residual must sit inside the (margined) half locking range
    residual = np.maximum(np.abs(det) - tune, 0.0)
    return {"bragg_detuning_ghz": det, "locks": (residual <= (1 - margin) * rng_ghz / 2).astype(float)}


def amzi(ps: ProcessSample, dev: dict, ctx: dict, n: int) -> dict[str, np.ndarray]:
    """Asymmetric MZI: error of the differential delay, ps."""
    s = load_surrogate("inp_deep")
    ng = s(**_dev(ps, s.inputs, "amzi", n))["ng"]
    return {"delay_error_ps": dev["delay_ps"] * (ng / s.nominal("ng") - 1)}


def defects_only(ps: ProcessSample, dev: dict, ctx: dict, n: int) -> dict[str, np.ndarray]:
    """VOA, photodiodes, spot-size converters, edge couplers, MMIs: only killer defects are modelled."""
    return {}


def intrinsic_q(loss_db_per_m: np.ndarray, ng: np.ndarray, wavelength_um: float, loss0_db_per_m: float,
                ng0: float) -> np.ndarray:
    """Vectorised intrinsic Q: the ring model's ``Q_i = 2 pi ng / (lambda alpha)`` at the nominal point
    (:func:`weiming.sims.devices.ring.intrinsic_q`), scaled exactly as ``Q_i ~ ng / loss``."""
    from weiming.sims.devices.ring import intrinsic_q as q_ring

    return q_ring(loss0_db_per_m, ng0, wavelength_um) * (np.asarray(ng) / ng0) * (loss0_db_per_m / np.asarray(loss_db_per_m))


def comb_ring(ps: ProcessSample, dev: dict, ctx: dict, n: int) -> dict[str, np.ndarray]:
    """Si3N4 comb microring: FSR error, GVD, heater shift to the pump line, intrinsic Q."""
    s = load_surrogate("sin100_resonator")
    out = s(**_dev(ps, s.inputs, "ring", n))
    fsr0 = ctx["fsr_ghz"]
    ng0 = s.nominal("ng")
    # the ring's length is designed for the nominal group index (radius from the design if given)
    ng_design = ng0 if dev.get("radius_um") is None else C_M_S / (2 * np.pi * dev["radius_um"] * 1e-6 * fsr0 * 1e9)
    fsr = fsr0 * ng_design / out["ng"]
    nu0_ghz = C_M_S / (ctx["center_nm"] * 1e-9) / 1e9
    dnu = -nu0_ghz * (out["neff"] - s.nominal("neff")) / out["ng"]
    loss0 = _loss_db_per_m(ps.model.pdk)
    loss = loss0 * np.exp(ps.at_devices("log_loss", "ring", n))
    shift = np.mod(dnu, fsr)   # red shift (heating) onto the next resonance at the pump
    reach = dev["heater_range_fsr"] * fsr0 * (1 + ps.at_devices("heater_efficiency_rel", "ring", n))
    return {"fsr_error_ghz": fsr - fsr0, "beta2_ps2_per_km": out["beta2_ps2_per_km"],
            "heater_margin_ghz": reach - shift,
            "intrinsic_q": intrinsic_q(loss, out["ng"], ctx["center_nm"] * 1e-3, loss0, ng0)}


DEVICES: dict[str, DeviceModel] = {d.name: d for d in (
    DeviceModel("im", "inp", ("vpi_v", "extinction_ratio_db", "insertion_loss_db"), modulator_im,
                "intensity modulator (MZM)"),
    DeviceModel("pm", "inp", ("vpi_v", "insertion_loss_db"), modulator_pm, "phase modulator"),
    DeviceModel("laser", "inp", ("bragg_detuning_ghz", "locks"), dbr_laser,
                "DBR laser injection-locked to a comb line"),
    DeviceModel("amzi", "inp", ("delay_error_ps",), amzi, "encoder AMZI"),
    DeviceModel("voa", "inp", (), defects_only, "variable optical attenuator"),
    DeviceModel("pd", "inp", (), defects_only, "monitor photodiode"),
    DeviceModel("ssc", "inp", (), defects_only, "spot-size converter"),
    DeviceModel("mmi", "inp", (), defects_only, "stand-alone MMI"),
    DeviceModel("comb_ring", "sin100", ("fsr_error_ghz", "beta2_ps2_per_km", "heater_margin_ghz", "intrinsic_q"),
                comb_ring, "Si3N4 dark-pulse comb microring"),
    DeviceModel("ec", "sin100", (), defects_only, "edge coupler"),
)}
#: every device can be killed by a random defect in its critical area
DEFECT_METRIC = "killer_defects"
#: device types counted as "modulators" in the seed network's 117/120
MODULATOR_TYPES = ("im", "pm")


def metrics_of(device: str) -> tuple[str, ...]:
    return DEVICES[device].metrics + (DEFECT_METRIC,)
