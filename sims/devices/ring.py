"""Analytic microring model: transmission, quality factors, extinction, fit.

Conventions (units in names): wavelengths in um, lengths in um, loss in dB/m
(power), frequencies in Hz; ``kappa2`` is the power cross-coupling of one
ring-bus coupler (``t^2 = 1 - kappa2 - coupler excess loss``).

Physics (standard single-mode ring theory, e.g. W. Bogaerts et al., "Silicon
microring resonators", Laser Photonics Rev. 6, 47 (2012); J. Heebner, R. Grover,
T. Ibrahim, "Optical Microresonators", Springer (2008)):

- power attenuation ``alpha = loss_db_per_m * ln(10) / 10`` (1/m), round-trip
  field transmission ``a = exp(-alpha L / 2)``;
- all-pass ``T = (a^2 - 2 a t cos(phi) + t^2) / (1 - 2 a t cos(phi) + a^2 t^2)``;
- intrinsic ``Qi = 2 pi ng / (lambda alpha)``; coupling
  ``Qc = 2 pi ng L / (lambda (-ln(1 - kappa2)))`` (``-ln(1 - kappa2)`` is the
  power the coupler removes per round trip expressed as a decay exponent, the
  same form as ``alpha L`` in Qi; it tends to ``kappa2`` for weak coupling);
  loaded ``1/QL = 1/Qi + 1/Qc``;
- critical coupling ``t = a``, i.e. ``kappa2 = 1 - a^2``.

Round-trip phase ``phi(omega) = L (beta0 + beta1 dw + beta2 dw^2 / 2)`` with
``beta0 = 2 pi neff / lambda0``, ``beta1 = ng / c`` and ``beta2`` from the ring's
integrated dispersion ``D2`` (``omega_mu = omega_0 + D1 mu + D2 mu^2 / 2``):
``beta2 = -2 pi D2 / (L D1^3)`` with angular D1, D2 (``d2_hz`` is ``D2 / 2 pi``
as returned by :func:`weiming.sims.modes.dispersion.ring_dispersion`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

C_M_PER_S = 299_792_458.0  # exact (SI)

ArrayLike = float | np.ndarray


class RingModelError(ValueError):
    """A ring-model parameter out of its physical range."""


def _check(name: str, value: float, lo: float, hi: float = math.inf, *, lo_open: bool = False) -> None:
    v = float(value)
    if math.isnan(v) or v > hi or (v <= lo if lo_open else v < lo):
        rng = f"{'(' if lo_open else '['}{lo}, {hi}]"
        raise RingModelError(f"{name}={value!r} is outside its physical range {rng}")


def alpha_per_m(loss_db_per_m: float) -> float:
    """Power attenuation coefficient (1/m) of a loss in dB/m."""
    _check("loss_db_per_m", loss_db_per_m, 0.0)
    return float(loss_db_per_m) * math.log(10.0) / 10.0


def round_trip_amplitude(loss_db_per_m: float, circumference_um: float) -> float:
    """Field transmission ``a`` of one round trip of length ``circumference_um``."""
    _check("circumference_um", circumference_um, 0.0, lo_open=True)
    return math.exp(-alpha_per_m(loss_db_per_m) * circumference_um * 1e-6 / 2.0)


def intrinsic_q(loss_db_per_m: float, ng: float, wavelength_um: float) -> float:
    """Intrinsic Q ``2 pi ng / (lambda alpha)`` (infinite for zero loss)."""
    _check("ng", ng, 0.0, lo_open=True)
    _check("wavelength_um", wavelength_um, 0.0, lo_open=True)
    a = alpha_per_m(loss_db_per_m)
    return math.inf if a == 0 else 2 * math.pi * ng / (wavelength_um * 1e-6 * a)


def coupling_q(kappa2: float, ng: float, circumference_um: float, wavelength_um: float) -> float:
    """External (coupling) Q of one coupler of power coupling ``kappa2``."""
    _check("kappa2", kappa2, 0.0, 1.0)
    _check("ng", ng, 0.0, lo_open=True)
    _check("circumference_um", circumference_um, 0.0, lo_open=True)
    if kappa2 == 0:
        return math.inf
    if kappa2 >= 1:
        return 0.0
    return 2 * math.pi * ng * circumference_um / (wavelength_um * (-math.log1p(-kappa2)))


def loaded_q(*qs: float) -> float:
    """Loaded Q of loss channels with the given Qs (``1/QL = sum 1/Q``)."""
    inv = sum(0.0 if math.isinf(q) else 1.0 / q for q in qs)
    return math.inf if inv == 0 else 1.0 / inv


def fsr_hz(ng: float, circumference_um: float) -> float:
    """Free spectral range ``c / (ng L)`` in Hz."""
    _check("ng", ng, 0.0, lo_open=True)
    _check("circumference_um", circumference_um, 0.0, lo_open=True)
    return C_M_PER_S / (ng * circumference_um * 1e-6)


def critical_kappa2(loss_db_per_m: float, circumference_um: float, coupler_loss: float = 0.0) -> float:
    """Power coupling for critical coupling of an all-pass ring (``t = a``)."""
    a = round_trip_amplitude(loss_db_per_m, circumference_um)
    return max(0.0, 1.0 - coupler_loss - a * a)


def extinction_db(kappa2: float, loss_db_per_m: float, circumference_um: float, coupler_loss: float = 0.0) -> float:
    """On-resonance extinction ``-10 log10 T_min`` of an all-pass ring (inf at critical coupling)."""
    a = round_trip_amplitude(loss_db_per_m, circumference_um)
    t = math.sqrt(max(0.0, 1.0 - kappa2 - coupler_loss))
    tmin = ((a - t) / (1 - a * t)) ** 2 if a * t < 1 else 0.0
    return math.inf if tmin <= 0 else -10 * math.log10(tmin)


def round_trip_phase(wavelength_um: ArrayLike, circumference_um: float, neff: float, ng: float,
                     center_um: float, d2_hz: float = 0.0) -> np.ndarray:
    """Round-trip phase (rad) expanded around ``center_um`` to second order in frequency."""
    _check("neff", neff, 0.0, lo_open=True)
    _check("ng", ng, 0.0, lo_open=True)
    wl = np.asarray(wavelength_um, dtype=float)
    L = circumference_um * 1e-6
    w0 = 2 * math.pi * C_M_PER_S / (center_um * 1e-6)
    dw = 2 * math.pi * C_M_PER_S / (wl * 1e-6) - w0
    beta0 = w0 * neff / C_M_PER_S
    beta1 = ng / C_M_PER_S
    d1 = 2 * math.pi * fsr_hz(ng, circumference_um)
    beta2 = -2 * math.pi * (2 * math.pi * d2_hz) / (L * d1**3)
    return L * (beta0 + beta1 * dw + 0.5 * beta2 * dw * dw)


def all_pass(wavelength_um: ArrayLike, radius_um: float, kappa2: float, loss_db_per_m: float, neff: float,
             ng: float, *, center_um: float = 1.54978, d2_hz: float = 0.0, coupler_loss: float = 0.0) -> np.ndarray:
    """Power transmission of an all-pass ring of ``radius_um`` (circular, L = 2 pi R).

    ``neff``/``ng`` are taken at ``center_um``; ``coupler_loss`` is the coupler's
    excess power loss fraction (``t^2 = 1 - kappa2 - coupler_loss``).
    """
    _check("radius_um", radius_um, 0.0, lo_open=True)
    _check("kappa2", kappa2, 0.0, 1.0)
    _check("coupler_loss", coupler_loss, 0.0, 1.0 - kappa2)
    L = 2 * math.pi * radius_um
    a = round_trip_amplitude(loss_db_per_m, L)
    t = math.sqrt(1.0 - kappa2 - coupler_loss)
    c = np.cos(round_trip_phase(wavelength_um, L, neff, ng, center_um, d2_hz))
    return (a * a - 2 * a * t * c + t * t) / (1 - 2 * a * t * c + (a * t) ** 2)


def add_drop(wavelength_um: ArrayLike, radius_um: float, kappa2_in: float, kappa2_drop: float,
             loss_db_per_m: float, neff: float, ng: float, *, center_um: float = 1.54978,
             d2_hz: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(through, drop) power transmissions of an add-drop ring with two lossless couplers."""
    _check("radius_um", radius_um, 0.0, lo_open=True)
    _check("kappa2_in", kappa2_in, 0.0, 1.0)
    _check("kappa2_drop", kappa2_drop, 0.0, 1.0)
    L = 2 * math.pi * radius_um
    a = round_trip_amplitude(loss_db_per_m, L)
    t1, t2 = math.sqrt(1 - kappa2_in), math.sqrt(1 - kappa2_drop)
    c = np.cos(round_trip_phase(wavelength_um, L, neff, ng, center_um, d2_hz))
    den = 1 - 2 * a * t1 * t2 * c + (a * t1 * t2) ** 2
    through = (t2 * t2 * a * a - 2 * a * t1 * t2 * c + t1 * t1) / den
    drop = (1 - t1 * t1) * (1 - t2 * t2) * a / den
    return through, drop


def resonance_wavelengths_um(radius_um: float, neff: float, ng: float, start_um: float, stop_um: float,
                             *, center_um: float = 1.54978, d2_hz: float = 0.0) -> np.ndarray:
    """Wavelengths in [start, stop] where the round-trip phase is a multiple of 2 pi (Newton refined)."""
    L = 2 * math.pi * radius_um
    p0, p1 = (float(round_trip_phase(w, L, neff, ng, center_um, d2_hz)) for w in (stop_um, start_um))
    out = []
    for m in range(math.ceil(p0 / (2 * math.pi)), math.floor(p1 / (2 * math.pi)) + 1):
        wl = center_um
        for _ in range(50):  # Newton on phi(wl) - 2 pi m, derivative by central difference
            h = 1e-7
            f = float(round_trip_phase(wl, L, neff, ng, center_um, d2_hz)) - 2 * math.pi * m
            df = (float(round_trip_phase(wl + h, L, neff, ng, center_um, d2_hz))
                  - float(round_trip_phase(wl - h, L, neff, ng, center_um, d2_hz))) / (2 * h)
            step = f / df
            wl -= step
            if abs(step) < 1e-13:
                break
        if start_um <= wl <= stop_um:
            out.append(wl)
    return np.array(sorted(out))


@dataclass(frozen=True)
class ResonanceFit:
    """Result of :func:`fit_resonance`: center (um), loaded/intrinsic/coupling Q, on-resonance T."""

    center_um: float
    ql: float
    qi: float
    qc: float
    tmin: float
    regime: str

    def to_json(self) -> dict:
        return asdict(self)


def fit_resonance(wavelength_um: ArrayLike, transmission: ArrayLike, *, regime: str = "under") -> ResonanceFit:
    """Fit one all-pass dip with a Lorentzian ``T = B (1 - D / (1 + (2 (l - l0) / fwhm)^2))``.

    ``QL = l0 / fwhm``; with ``Tmin = B (1 - D)`` normalised by the baseline,
    ``Qi = 2 QL / (1 + sqrt(Tmin))``, ``Qc = 2 QL / (1 - sqrt(Tmin))`` for an
    under-coupled ring (swapped if ``regime="over"``); a single spectrum cannot
    tell the two apart, so the caller says which (Bogaerts et al. 2012).
    """
    from scipy.optimize import curve_fit

    if regime not in ("under", "over"):
        raise RingModelError(f"regime={regime!r} must be 'under' or 'over'")
    wl = np.asarray(wavelength_um, dtype=float)
    tr = np.asarray(transmission, dtype=float)
    if wl.shape != tr.shape or wl.size < 7:
        raise RingModelError("wavelength_um and transmission must be equal-length arrays of >= 7 samples")
    i0 = int(np.argmin(tr))
    base = float(np.percentile(tr, 90))
    depth = max(1e-6, min(1 - 1e-9, 1 - tr[i0] / base))
    half = base * (1 - depth / 2)
    below = np.nonzero(tr < half)[0]
    fwhm0 = max(float(wl[below[-1]] - wl[below[0]]) if below.size > 1 else 0.0, 2 * float(np.median(np.diff(wl))))

    def model(x, l0, fwhm, b, d):
        return b * (1 - d / (1 + (2 * (x - l0) / fwhm) ** 2))

    scale = fwhm0  # fit in units of the initial width for conditioning
    xs = (wl - wl[i0]) / scale
    popt, _ = curve_fit(lambda x, l0, f, b, d: model(x, l0, f, b, d), xs, tr, p0=(0.0, 1.0, base, depth),
                        bounds=([-np.inf, 1e-6, 0, 0], [np.inf, np.inf, np.inf, 1.0]), maxfev=20000)
    l0 = float(wl[i0] + popt[0] * scale)
    fwhm = float(popt[1] * scale)
    tmin = float(1 - popt[3])
    ql = l0 / fwhm
    s = math.sqrt(max(tmin, 0.0))
    q_a, q_b = 2 * ql / (1 + s), (2 * ql / (1 - s) if s < 1 else math.inf)
    qi, qc = (q_a, q_b) if regime == "under" else (q_b, q_a)
    return ResonanceFit(center_um=l0, ql=ql, qi=qi, qc=qc, tmin=tmin, regime=regime)


def fit_lorentzian(wavelength_um: ArrayLike, transmission: ArrayLike, *, regime: str = "under") -> tuple[float, float]:
    """(Qi, Qc) of one all-pass resonance dip; see :func:`fit_resonance`."""
    r = fit_resonance(wavelength_um, transmission, regime=regime)
    return r.qi, r.qc


def spectrum(pdk: str, radius_um: float, gap_um: float, *, loss_db_per_m: float | None = None,
             coupler: str = "point", wrap_angle_deg: float | None = None, center_um: float = 1.54978,
             xs: str | None = None, n_fsr: float = 2.0, dispersion: bool = True) -> dict:
    """All-pass spectrum and figures of merit of a PDK ring: kappa^2 from the coupler model, neff/ng/D2
    from the mode solver (bent ring, :func:`weiming.sims.modes.dispersion.ring_dispersion`), loss from the PDK.

    Returns a JSON-ready dict; the spectrum samples ``n_fsr`` FSRs around
    ``center_um`` coarsely plus +-20 linewidths around every resonance.
    """
    from weiming.pdk import get_tech
    from weiming.sims.devices import coupler as cpl

    tech = get_tech(pdk)
    if xs is None:
        xs = "resonator" if "resonator" in tech.cross_sections else "deep"
    _check("radius_um", radius_um, 0.0, lo_open=True)
    loss = tech.extra.get("loss_db_per_m") if loss_db_per_m is None else loss_db_per_m
    if isinstance(loss, dict):  # InP: per cross-section
        loss = loss.get(xs, next(iter(loss.values())))
    loss = float(loss)
    _check("loss_db_per_m", loss, 0.0)
    width = tech.xs(xs).width
    k2 = cpl.kappa2(pdk, gap_um, radius_um, width, coupler, wrap_angle_deg, center_um)
    if dispersion:
        from weiming.sims.modes.dispersion import ring_dispersion

        rd = ring_dispersion(pdk, xs, radius_um=radius_um, center_um=center_um)
        neff, ng, d2 = rd.neff, rd.ng, rd.d2_hz
    else:
        from weiming.sims.modes.mpb import solve_modes

        m = solve_modes(pdk, xs, center_um, radius_um=radius_um)[0]
        neff, ng, d2 = m.neff, m.ng, 0.0
    L = 2 * math.pi * radius_um
    qi, qc = intrinsic_q(loss, ng, center_um), coupling_q(k2, ng, L, center_um)
    ql = loaded_q(qi, qc)
    k2c = critical_kappa2(loss, L)
    fsr_um = center_um**2 / (ng * L)
    lo, hi = center_um - n_fsr * fsr_um / 2, center_um + n_fsr * fsr_um / 2
    res = resonance_wavelengths_um(radius_um, neff, ng, lo, hi, center_um=center_um, d2_hz=d2)
    fwhm = center_um / ql
    wl = [np.linspace(lo, hi, 2001)] + [r + np.linspace(-20, 20, 401) * fwhm for r in res]
    wl = np.unique(np.clip(np.concatenate(wl), lo, hi))
    tr = all_pass(wl, radius_um, k2, loss, neff, ng, center_um=center_um, d2_hz=d2)
    regime = "critical" if abs(qc / qi - 1) < 1e-3 else ("under" if qc > qi else "over")
    return {
        "pdk": pdk, "xs": xs, "radius_um": radius_um, "gap_um": gap_um, "coupler": coupler,
        "wrap_angle_deg": wrap_angle_deg, "loss_db_per_m": loss, "center_um": center_um,
        "kappa2": k2, "critical_kappa2": k2c, "regime": regime, "neff": neff, "ng": ng, "d2_hz": d2,
        "fsr_hz": fsr_hz(ng, L), "qi": qi, "qc": qc, "ql": ql,
        "linewidth_hz": C_M_PER_S / (center_um * 1e-6) / ql,
        "extinction_db": extinction_db(k2, loss, L), "resonances_um": res.tolist(),
        "spectrum": {"wavelength_um": wl.tolist(), "transmission": tr.tolist()},
    }


def plot_spectrum(data: dict, path) -> None:
    """PNG of :func:`spectrum` output: the full window and a zoom on the resonance nearest the centre."""
    import io
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from weiming.sims.cache import atomic_write_bytes

    wl = np.array(data["spectrum"]["wavelength_um"])
    tr = np.array(data["spectrum"]["transmission"])
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.5))
    a.plot(wl * 1e3, 10 * np.log10(np.maximum(tr, 1e-9)), lw=0.8)
    a.set_xlabel("wavelength (nm)")
    a.set_ylabel("T (dB)")
    a.set_title(f"{data['pdk']} R={data['radius_um']} um gap={data['gap_um']} um")
    if data["resonances_um"]:
        r0 = min(data["resonances_um"], key=lambda r: abs(r - data["center_um"]))
        hw = 10 * r0 / data["ql"]
        sel = np.abs(wl - r0) < hw
        b.plot((wl[sel] - r0) * 1e6, tr[sel])  # pm
        b.set_xlabel(f"detuning from {r0 * 1e3:.4f} nm (pm)")
        b.set_title(f"QL={data['ql']:.3g} Qi={data['qi']:.3g} Qc={data['qc']:.3g}")
    b.set_ylabel("T")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, metadata={"Software": None})
    plt.close(fig)
    atomic_write_bytes(Path(path), buf.getvalue())


__all__ = [
    "C_M_PER_S", "RingModelError", "alpha_per_m", "round_trip_amplitude", "intrinsic_q", "coupling_q", "loaded_q",
    "fsr_hz", "critical_kappa2", "extinction_db", "round_trip_phase", "all_pass", "add_drop",
    "resonance_wavelengths_um", "ResonanceFit", "fit_resonance", "fit_lorentzian", "spectrum", "plot_spectrum",
]
