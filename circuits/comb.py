"""Radius of the server comb ring for a target FSR: R = c / (2 pi ng FSR).

The group index comes from the mode solver (``weiming.sims.modes.mpb.group_index``,
MPB, cached) when it is importable, else from the effective-index-method (EIM)
estimate the SiN cells use (:mod:`weiming.components.sin._optics`, exact slabs of
:mod:`weiming.sims.modes.slab`) from the PDK's film thickness and the Sellmeier models
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
from weiming.components.sin._optics import _slab_neff, neff_eim, ng_eim, ring_group_index  # noqa: F401 (_slab_neff: tests)


def eim_neff(thickness_um: float, width_um: float, wavelength_um: float) -> float:
    """EIM effective index of the TE0 mode of a Si3N4 strip buried in SiO2 (the cells' own estimate)."""
    return neff_eim(width_um, thickness_um, wavelength_um)


def eim_group_index(thickness_um: float, width_um: float, wavelength_um: float) -> float:
    """ng = neff - lambda dneff/dlambda of :func:`eim_neff` (central difference, +-1 nm)."""
    return ng_eim(width_um, thickness_um, wavelength_um)


def group_index(pdk: str, width_um: float, wavelength_um: float, source: str = "auto") -> tuple[float, str]:
    """(ng, source) of the resonator cross-section by the one ring rule
    (:func:`weiming.components.sin._optics.ring_group_index`: mode solver when available, else EIM)."""
    from weiming.pdk import get_tech

    t = float(get_tech(pdk).extra.get("core_thickness", 0.1))
    return ring_group_index(pdk, width_um, t, wavelength_um, source)


def radius_for_fsr(fsr_ghz: float, ng: float) -> float:
    """Ring radius (um) with FSR = c / (ng 2 pi R), rounded to the 1 nm grid."""
    return round(C_M_PER_S / (ng * fsr_ghz * 1e9) / (2 * math.pi) * 1e6, 3)
