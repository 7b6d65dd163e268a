"""Radius of the server comb ring for a target FSR: R = c / (2 pi ng FSR).

The group index comes from the mode solver (``weiming.sims.modes.group_index``,
MPB, cached) when it is importable, else from the effective-index-method (EIM)
estimate the SiN cells use (:mod:`weiming.components.sin._optics`, exact slabs of
:mod:`weiming.sims.slab`) from the PDK's film thickness and the Sellmeier models
of :mod:`weiming.pdk.materials` (Si3N4: Luke et al. 2015; SiO2: Malitson 1965):

1. vertical slab (core thickness t, SiO2 above and below), TE: even-mode
   dispersion relation  kx tan(kx t/2) = gamma;
2. lateral slab (width w, index = slab neff, SiO2 sides), TM-like polarisation
   (field across the lateral interfaces): n_s^2 / n_c^2 weighted relation;
3. ng = neff - lambda dneff/dlambda by a central difference (+-1 nm), which
   includes the material dispersion.

The EIM is an approximation (it neglects the corner fields; for a 100 nm x
2.8 um core it is expected within a few 1e-3 of a full 2D solve). The source
used is recorded in the manifest and the netlist (``ng_source``).
"""

from __future__ import annotations

import math

from weiming.circuits.network import C_M_PER_S
from weiming.components.sin._optics import _slab_neff, neff_eim, ng_eim  # noqa: F401 (_slab_neff: tests)


def eim_neff(thickness_um: float, width_um: float, wavelength_um: float) -> float:
    """EIM effective index of the TE0 mode of a Si3N4 strip buried in SiO2 (the cells' own estimate)."""
    return neff_eim(width_um, thickness_um, wavelength_um)


def eim_group_index(thickness_um: float, width_um: float, wavelength_um: float) -> float:
    """ng = neff - lambda dneff/dlambda of :func:`eim_neff` (central difference, +-1 nm)."""
    return ng_eim(width_um, thickness_um, wavelength_um)


def _mode_solver_ng(pdk: str, width_um: float, wavelength_um: float) -> float:
    from weiming.sims.modes import group_index  # contract 3 (cached)

    return float(group_index(pdk, "resonator", wavelength_um, width=width_um))


def group_index(pdk: str, width_um: float, wavelength_um: float, source: str = "auto") -> tuple[float, str]:
    """(ng, source) of the resonator cross-section; ``source`` "auto" | "mode_solver" | "eim".

    "auto" uses the mode solver when ``weiming.sims.modes`` imports and runs
    (its own cache makes repeats fast), otherwise the EIM estimate.
    """
    from weiming.pdk import get_tech

    if source in ("auto", "mode_solver"):
        try:
            return _mode_solver_ng(pdk, width_um, wavelength_um), "mode_solver (weiming.sims.modes.group_index, MPB)"
        except Exception as e:  # noqa: BLE001 - mode solver missing or failing: fall back, say so
            if source == "mode_solver":
                raise RuntimeError(f"server.ring.ng_source=mode_solver but the mode solver failed: {e}") from None
    t = float(get_tech(pdk).extra.get("core_thickness", 0.1))
    return eim_group_index(t, width_um, wavelength_um), f"eim (effective-index method, t={t} um, w={width_um} um)"


def radius_for_fsr(fsr_ghz: float, ng: float) -> float:
    """Ring radius (um) with FSR = c / (ng 2 pi R), rounded to the 1 nm grid."""
    return round(C_M_PER_S / (ng * fsr_ghz * 1e9) / (2 * math.pi) * 1e6, 3)
