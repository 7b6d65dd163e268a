"""Refractive-index models of the PDK materials, each with its published source.

Wavelengths are in micrometres (the unit of the Sellmeier coefficients below)
and indices are real (loss is carried by the cross-sections' dB/m figures).
The mode solver, FDTD, the layer stacks and the docs all read these objects;
``get_material(name)`` is the single entry point.

Sources
-------
- Si3N4 (LPCVD, stoichiometric): K. Luke, Y. Okawachi, M. R. E. Lamont,
  A. L. Gaeta, M. Lipson, "Broadband mid-infrared frequency comb generation in
  a Si3N4 microresonator", Opt. Lett. 40, 4823 (2015). Valid 0.31-5.504 um.
- SiO2 (fused silica / thermal oxide): I. H. Malitson, "Interspecimen
  comparison of the refractive index of fused silica", JOSA 55, 1205 (1965).
  Valid 0.21-3.71 um.
- InP: G. D. Pettit, W. J. Turner, "Refractive index of InP", J. Appl. Phys.
  36, 2081 (1965). Valid 0.95-10 um.
"""

from __future__ import annotations

import numpy as np

from weiming.pdk import quaternary
from weiming.pdk.material_types import ArrayLike, Material, MaterialError, Sellmeier  # noqa: F401 (the public names)


SI3N4 = Material(
    name="si3n4",
    index_model=Sellmeier(1.0, (3.0249, 40314.0), (0.1353406, 1239.842)).n,
    range_um=(0.31, 5.504),
    source="Luke et al., Opt. Lett. 40, 4823 (2015)",
    thermo_optic_per_k=2.45e-5,
    thermo_optic_source="Arbabi & Goddard, Opt. Lett. 38, 3878 (2013): dn/dT = 2.45e-5 /K for Si3N4 at 1550 nm",
)

SIO2 = Material(
    name="sio2",
    index_model=Sellmeier(1.0, (0.6961663, 0.4079426, 0.8974794), (0.0684043, 0.1162414, 9.896161)).n,
    range_um=(0.21, 3.71),
    source="Malitson, JOSA 55, 1205 (1965)",
    thermo_optic_per_k=0.95e-5,
    thermo_optic_source="Arbabi & Goddard, Opt. Lett. 38, 3878 (2013): dn/dT = 0.95e-5 /K for SiO2 at 1550 nm",
)

# Pettit & Turner write n^2 - 1 = 6.255 + ..., i.e. a0 = 7.255.
INP = Material(
    name="inp",
    index_model=Sellmeier(7.255, (2.316, 2.765), (0.6263, 32.935)).n,
    range_um=(0.95, 10.0),
    source="Pettit & Turner, J. Appl. Phys. 36, 2081 (1965)",
)

AIR = Material(name="air", index_model=lambda wl: np.ones_like(wl), range_um=(0.0, 1e6),
               source="vacuum/air, n = 1")

# Electrical-only materials: resistivities at 20 C, CRC Handbook of Chemistry
# and Physics, 97th ed. (2016), "Electrical resistivity of pure metals".
PLATINUM = Material(name="platinum", index_model=None, range_um=(0.0, 0.0),
                    source="CRC Handbook 97th ed.", extra={"resistivity_ohm_m": 1.06e-7})
GOLD = Material(name="gold", index_model=None, range_um=(0.0, 0.0),
                source="CRC Handbook 97th ed.", extra={"resistivity_ohm_m": 2.21e-8})
BCB = Material(name="bcb", index_model=lambda wl: np.full_like(wl, 1.535), range_um=(1.2, 1.7),
               source="Dow Cyclotene 3000 datasheet: n = 1.535 at 1550 nm (dispersion neglected over 1.2-1.7 um)")

_MATERIALS: dict[str, Material] = {m.name: m for m in (SI3N4, SIO2, INP, AIR, PLATINUM, GOLD, BCB)}


def register_material(material: Material) -> None:
    """Add a material model (used for InGaAsP compositions and metals)."""
    _MATERIALS[material.name] = material


def get_material(name: str) -> Material:
    """The material model called ``name`` (case-insensitive)."""
    key = name.lower()
    if key not in _MATERIALS and key.startswith("ingaasp"):
        register_material(quaternary.material_for(key))  # compositions are built on demand
    try:
        return _MATERIALS[key]
    except KeyError:
        raise MaterialError(f"unknown material {name!r}; known: {sorted(_MATERIALS)}") from None


def material_names() -> list[str]:
    return sorted(_MATERIALS)
