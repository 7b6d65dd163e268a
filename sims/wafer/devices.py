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
- Extinction ratio from MMI imbalance: a 2x2 MMI of fixed drawn length whose
  width changes by dW is off its imaging length by ``eps = (W0/W)^2 - 1``
  (``L_pi = 4 n_r W_e^2 / (3 lambda)``, Soldano & Pennings, J. Lightwave
  Technol. 13, 615 (1995); ``W_e ~ W`` for deep-etched MMIs, assumption); its
  cross-coupled power is taken as ``sin^2(pi/4 (1 + eps))`` (two-mode
  approximation, assumption). An MZI with couplers ``k1, k2`` has
  ``ER = ((a + b)/(a - b))^2``, ``a = sqrt(k1 k2)``, ``b = sqrt((1-k1)(1-k2))``
  and peak transmission ``(a + b)^2`` (standard two-beam interference).
- DBR Bragg wavelength: ``lambda_B = 2 neff Lambda``; to first order
  ``d lambda_B = lambda_B (d neff + neff dLambda/Lambda) / ng`` (the ng, not
  neff, because neff is taken at the shifted wavelength).
- AMZI delay ``tau = ng dL / c``: ``d tau = tau d ng / ng``.
- Ring: ``FSR = c / (ng L)``, resonance shift ``d nu = -nu d neff / ng``,
  normal dispersion iff ``beta2 > 0`` (D2 < 0), intrinsic Q from the ring
  model :func:`weiming.sims.ring.intrinsic_q` (``2 pi ng / (lambda alpha)``).
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


def _mmi_cross(ps: ProcessSample, key: str, n: int, w0_um: float) -> np.ndarray:
    w = w0_um + ps.at_devices("width_bias_um", key, n)
    eps = (w0_um / w) ** 2 - 1
    return np.sin(np.pi / 4 * (1 + eps)) ** 2


def modulator_im(ps: ProcessSample, dev: dict, ctx: dict, n: int) -> dict[str, np.ndarray]:
    """Mach-Zehnder intensity modulator: Vpi, extinction ratio, insertion loss."""
    vpi = _vpi(ps, "im_arm", n, dev["vpi_v"], ctx["wavelength_um"])
    k1 = _mmi_cross(ps, "im_mmi_in", n, dev["mmi_width_um"])
    k2 = _mmi_cross(ps, "im_mmi_out", n, dev["mmi_width_um"])
    a, b = np.sqrt(k1 * k2), np.sqrt((1 - k1) * (1 - k2))
    er = 10 * np.log10((a + b) ** 2 / np.maximum((a - b) ** 2, (a + b) ** 2 * 10 ** (-ER_CAP_DB / 10)))
    loss = _loss_db_per_m("inp", "deep") * np.exp(ps.at_devices("log_loss", "im_arm", n))
    il = loss * dev["length_um"] * 1e-6 + 2 * dev["mmi_excess_loss_db"] - 10 * np.log10((a + b) ** 2)
    return {"vpi_v": vpi, "extinction_ratio_db": er, "insertion_loss_db": il}


def modulator_pm(ps: ProcessSample, dev: dict, ctx: dict, n: int) -> dict[str, np.ndarray]:
    """Straight phase modulator: Vpi and insertion loss."""
    vpi = _vpi(ps, "pm", n, dev["vpi_v"], ctx["wavelength_um"])
    loss = _loss_db_per_m("inp", "deep") * np.exp(ps.at_devices("log_loss", "pm", n))
    return {"vpi_v": vpi, "insertion_loss_db": loss * dev["length_um"] * 1e-6}


def dbr_laser(ps: ProcessSample, dev: dict, ctx: dict, n: int) -> dict[str, np.ndarray]:
    """DBR laser: Bragg wavelength minus its assigned comb line, nm."""
    s = load_surrogate("inp_shallow")
    d = _dev(ps, s.inputs, "dbr", n)
    neff = s(**d)["neff"]
    n0, ng0 = s.nominal("neff"), s.nominal("ng")
    lam_nm = ctx["line_nm"][None, :, None]          # assigned comb line per die site
    period_nm = lam_nm / (2 * n0)
    dlam = lam_nm * ((neff - n0) + n0 * ps.at_devices("grating_period_nm", "dbr", n) / period_nm) / ng0
    return {"bragg_detuning_nm": np.broadcast_to(dlam, (*ps.shape, n))}


def amzi(ps: ProcessSample, dev: dict, ctx: dict, n: int) -> dict[str, np.ndarray]:
    """Asymmetric MZI: error of the differential delay, ps."""
    s = load_surrogate("inp_deep")
    ng = s(**_dev(ps, s.inputs, "amzi", n))["ng"]
    return {"delay_error_ps": dev["delay_ps"] * (ng / s.nominal("ng") - 1)}


def voa(ps: ProcessSample, dev: dict, ctx: dict, n: int) -> dict[str, np.ndarray]:
    """VOA: only killer defects are modelled (no parametric metric)."""
    return {}


def intrinsic_q(loss_db_per_m: np.ndarray, ng: np.ndarray, wavelength_um: float, loss0_db_per_m: float,
                ng0: float) -> np.ndarray:
    """Vectorised intrinsic Q: the ring model's ``Q_i = 2 pi ng / (lambda alpha)`` at the nominal point
    (:func:`weiming.sims.ring.intrinsic_q`), scaled exactly as ``Q_i ~ ng / loss``."""
    from weiming.sims.ring import intrinsic_q as q_ring

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
    return {"fsr_error_ghz": fsr - fsr0, "beta2_ps2_per_km": out["beta2_ps2_per_km"],
            "heater_shift_ghz": np.mod(dnu, fsr),
            "intrinsic_q": intrinsic_q(loss, out["ng"], ctx["center_nm"] * 1e-3, loss0, ng0)}


DEVICES: dict[str, DeviceModel] = {d.name: d for d in (
    DeviceModel("im", "inp", ("vpi_v", "extinction_ratio_db", "insertion_loss_db"), modulator_im,
                "intensity modulator (MZM), IM I-III"),
    DeviceModel("pm", "inp", ("vpi_v", "insertion_loss_db"), modulator_pm, "phase modulator"),
    DeviceModel("dbr_laser", "inp", ("bragg_detuning_nm",), dbr_laser, "DBR laser injection-locked to a comb line"),
    DeviceModel("amzi", "inp", ("delay_error_ps",), amzi, "encoder AMZI"),
    DeviceModel("voa", "inp", (), voa, "variable optical attenuator"),
    DeviceModel("comb_ring", "sin100", ("fsr_error_ghz", "beta2_ps2_per_km", "heater_shift_ghz", "intrinsic_q"),
                comb_ring, "Si3N4 dark-pulse comb microring"),
)}
#: every device can be killed by a random defect in its critical area
DEFECT_METRIC = "killer_defects"
#: device types counted as "modulators" in the seed network's 117/120
MODULATOR_TYPES = ("im", "pm")


def metrics_of(device: str) -> tuple[str, ...]:
    return DEVICES[device].metrics + (DEFECT_METRIC,)
