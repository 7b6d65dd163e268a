"""Asymmetric Mach-Zehnder interferometer (AMZI) transfer function, from its delay and group index.

Two directional couplers/MMIs of power splitting ``s1``, ``s2`` (field matrix
``[[t, j k], [j k, t]]``, ``t = sqrt(1 - s)``, ``k = sqrt(s)``) around arms that
differ by ``delay_length_um``; the longer arm's phase is
``phi = 2 pi (neff dL / lambda0 + ng dL (nu - nu0) / c)`` (first order in
frequency) plus ``phase_rad`` (a heater or phase modulator). The free spectral
range is ``c / (ng dL)`` = 1 / delay, the bit delay of a time-bin encoder.
Bar/cross extrema ``(t1 t2 +- k1 k2)^2`` give the extinction of imbalanced
splitters (standard interferometer algebra, e.g. Okamoto, "Fundamentals of
Optical Waveguides", ch. 4).
"""

from __future__ import annotations

import math

import numpy as np

from weiming.sims.devices.ring import C_M_PER_S


class AmziError(ValueError):
    """Bad AMZI parameter."""


def delay_s(delay_length_um: float, ng: float) -> float:
    """Group delay ``ng dL / c`` (s) of the arm-length difference."""
    if not ng > 0:
        raise AmziError(f"ng={ng} must be > 0")
    return ng * delay_length_um * 1e-6 / C_M_PER_S


def fsr_hz(delay_length_um: float, ng: float) -> float:
    """Free spectral range ``1 / delay`` (Hz)."""
    if not delay_length_um > 0:
        raise AmziError(f"delay_length_um={delay_length_um} must be > 0")
    return 1.0 / delay_s(delay_length_um, ng)


def delay_length_for_um(delay_s_: float, ng: float) -> float:
    """Arm-length difference (um) that gives a delay of ``delay_s_`` seconds."""
    return delay_s_ * C_M_PER_S / ng * 1e6


def transfer(wavelength_um, delay_length_um: float, ng: float, *, neff: float | None = None,
             center_um: float = 1.55, split1: float = 0.5, split2: float = 0.5, loss_db_per_m: float = 0.0,
             phase_rad: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(bar, cross) power transmission of the AMZI at ``wavelength_um``."""
    for name, s in (("split1", split1), ("split2", split2)):
        if not 0 <= s <= 1:
            raise AmziError(f"{name}={s} must be in [0, 1]")
    if loss_db_per_m < 0:
        raise AmziError(f"loss_db_per_m={loss_db_per_m} must be >= 0")
    neff = ng if neff is None else neff
    wl = np.asarray(wavelength_um, dtype=float)
    nu, nu0 = C_M_PER_S / (wl * 1e-6), C_M_PER_S / (center_um * 1e-6)
    dl = delay_length_um * 1e-6
    phi = 2 * np.pi * (neff * dl * nu0 / C_M_PER_S + ng * dl * (nu - nu0) / C_M_PER_S) + phase_rad
    a = 10 ** (-loss_db_per_m * dl / 20)  # field loss of the extra length
    t1, k1, t2, k2 = math.sqrt(1 - split1), math.sqrt(split1), math.sqrt(1 - split2), math.sqrt(split2)
    e = a * np.exp(-1j * phi)
    bar = t1 * t2 * e - k1 * k2
    cross = 1j * (k2 * t1 * e + t2 * k1)
    return np.abs(bar) ** 2, np.abs(cross) ** 2


def extinction_db(split1: float = 0.5, split2: float = 0.5) -> float:
    """Bar-port extinction ``10 log10 (max/min)`` of a lossless AMZI (inf for two 50:50 splitters)."""
    t1, k1, t2, k2 = (math.sqrt(1 - split1), math.sqrt(split1), math.sqrt(1 - split2), math.sqrt(split2))
    hi, lo = (t1 * t2 + k1 * k2) ** 2, (t1 * t2 - k1 * k2) ** 2
    return math.inf if lo <= 0 else 10 * math.log10(hi / lo)


__all__ = ["AmziError", "delay_s", "fsr_hz", "delay_length_for_um", "transfer", "extinction_db"]
