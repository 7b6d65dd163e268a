"""Refractive index of In(1-x)Ga(x)As(y)P(1-y) lattice-matched to InP, any composition.

Model: the modified single-effective-oscillator (MSEO) model of
M. Broberg and B. Lindgren, "Refractive index of In(1-x)Ga(x)As(y)P(1-y)
layers and InP in the transparent wavelength region", J. Appl. Phys. 55,
3376 (1984), with the composition fits used there and in F. Fiedler and
A. Schlachetzki, Solid-State Electron. 30, 73 (1987)::

    n^2(E) = 1 + Ed/E0 + Ed E^2/E0^3
               + Ed E^4 / (2 E0^3 (E0^2 - Eg^2)) * ln((2 E0^2 - Eg^2 - E^2) / (Eg^2 - E^2))
    E0(y) = 3.391 - 1.652 y + 0.863 y^2 - 0.123 y^3   [eV]
    Ed(y) = 28.91 - 9.278 y + 5.626 y^2               [eV]

E is the photon energy (eV). Band gap and lattice matching at 300 K from
R. E. Nahory, M. A. Pollack, W. D. Johnston Jr., R. L. Barns, Appl. Phys.
Lett. 33, 659 (1978)::

    Eg(y) = 1.35 - 0.72 y + 0.12 y^2   [eV]
    x(y)  = 0.1894 y / (0.4184 - 0.013 y)

Validity: transparent region only (photon energy below Eg, where the log
term diverges); we allow wavelengths from 1.04 x the band-gap wavelength to
2.5 um (assumption: the upper limit keeps well inside the near-IR region
the model was fitted to, far from lattice absorption).

Names: ``ingaasp_q1.25`` (band-gap wavelength 1.25 um, "Q(1.25)") or
``ingaasp_y0.55`` (arsenic fraction y). :func:`material_for` registers the
material with :mod:`weiming.pdk.materials` so ``get_material(name)`` works.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from weiming.pdk.material_types import Material, MaterialError

#: h c / e in eV um (CODATA 2018).
HC_EV_UM = 1.239841984
SOURCE = ("Broberg & Lindgren, J. Appl. Phys. 55, 3376 (1984) (MSEO model); "
          "Eg(y), x(y): Nahory et al., Appl. Phys. Lett. 33, 659 (1978)")
_LAMBDA_G_INP_UM = HC_EV_UM / 1.35
_LAMBDA_G_INGAAS_UM = HC_EV_UM / 0.75


def bandgap_ev(y: float) -> float:
    """Band gap [eV] at 300 K of the lattice-matched alloy with arsenic fraction ``y`` (Nahory 1978)."""
    return 1.35 - 0.72 * y + 0.12 * y * y


def gallium_fraction(y: float) -> float:
    """Ga fraction x that lattice-matches In(1-x)Ga(x)As(y)P(1-y) to InP (Nahory 1978)."""
    return 0.1894 * y / (0.4184 - 0.013 * y)


def y_from_lambda_g(lambda_g_um: float) -> float:
    """Arsenic fraction y of the alloy whose band-gap wavelength is ``lambda_g_um`` [um]."""
    if not _LAMBDA_G_INP_UM - 1e-9 <= lambda_g_um <= _LAMBDA_G_INGAAS_UM + 1e-9:
        raise MaterialError(f"band-gap wavelength {lambda_g_um} um is outside the lattice-matched InGaAsP range "
                            f"{_LAMBDA_G_INP_UM:.4f}-{_LAMBDA_G_INGAAS_UM:.4f} um (InP to In0.53Ga0.47As)")
    eg = HC_EV_UM / lambda_g_um
    # smaller root of 0.12 y^2 - 0.72 y + (1.35 - Eg) = 0
    y = (0.72 - math.sqrt(0.72**2 - 4 * 0.12 * (1.35 - eg))) / 0.24
    return min(max(y, 0.0), 1.0)


def index(wavelength_um: float | np.ndarray, y: float) -> float | np.ndarray:
    """Refractive index (MSEO model) at ``wavelength_um`` of the alloy with arsenic fraction ``y``."""
    e = HC_EV_UM / np.asarray(wavelength_um, dtype=float)
    eg = bandgap_ev(y)
    e0 = 3.391 - 1.652 * y + 0.863 * y**2 - 0.123 * y**3
    ed = 28.91 - 9.278 * y + 5.626 * y**2
    log = np.log((2 * e0**2 - eg**2 - e**2) / (eg**2 - e**2))
    n2 = 1 + ed / e0 + ed * e**2 / e0**3 + ed * e**4 / (2 * e0**3 * (e0**2 - eg**2)) * log
    return np.sqrt(n2)


_NAME = re.compile(r"^ingaasp_(q|y)(\d+(?:\.\d+)?)$")


def parse(name: str) -> float:
    """Arsenic fraction y from a name ``ingaasp_q<lambda_g um>`` or ``ingaasp_y<y>``."""
    m = _NAME.match(name.lower())
    if not m:
        raise MaterialError(f"InGaAsP name {name!r} must look like 'ingaasp_q1.25' (band-gap wavelength, um) "
                            "or 'ingaasp_y0.55' (arsenic fraction)")
    kind, num = m.group(1), float(m.group(2))
    if kind == "q":
        return y_from_lambda_g(num)
    if not 0.0 <= num <= 1.0:
        raise MaterialError(f"InGaAsP arsenic fraction y={num} must be within 0..1")
    return num


@lru_cache(maxsize=None)
def material_for(name: str) -> Material:
    """The :class:`Material` of InGaAsP ``name`` (e.g. ``ingaasp_q1.25``; one object per name).

    :func:`weiming.pdk.materials.get_material` registers it on first use.
    """
    key = name.lower()
    y = parse(key)
    lam_g = HC_EV_UM / bandgap_ev(y)
    mat = Material(
        name=key,
        index_model=lambda wl, _y=y: index(wl, _y),
        range_um=(round(1.04 * lam_g, 4), 2.5),
        source=SOURCE,
        extra={"y": y, "x": gallium_fraction(y), "lambda_g_um": lam_g, "bandgap_ev": bandgap_ev(y)},
    )
    return mat
