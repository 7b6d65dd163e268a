"""Exact guided modes of a symmetric three-layer slab waveguide (validation reference).

Core index n1, thickness d (um), cladding n2 on both sides. With
``kx = k0 sqrt(n1^2 - neff^2)`` and ``g = k0 sqrt(neff^2 - n2^2)`` the even
(m = 0, 2, ...) and odd (m = 1, 3, ...) modes satisfy (e.g. Okamoto,
*Fundamentals of Optical Waveguides*, 2nd ed., ch. 2):

- TE: ``tan(kx d/2 - m pi/2) = g / kx``
- TM: ``tan(kx d/2 - m pi/2) = (n1^2 / n2^2) g / kx``

solved here by bracketing on kx d/2 in ((m pi)/2, (m+1) pi/2) and Brent's
method to 1e-14. ``slab_mpb`` solves the same slab with MPB (a 1D cell)
so the test can compare the two.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq


def slab_neff(n_core: float, n_clad: float, thickness_um: float, wavelength_um: float, *, pol: str = "TE",
              m: int = 0) -> float:
    """Exact neff of mode ``m`` ("TE" or "TM") of a symmetric slab; raises ValueError below cut-off."""
    if pol not in ("TE", "TM"):
        raise ValueError(f"pol={pol!r} must be 'TE' or 'TM'")
    k0 = 2 * math.pi / wavelength_um
    v = k0 * thickness_um / 2 * math.sqrt(n_core ** 2 - n_clad ** 2)  # half-width normalised frequency
    r = (n_core / n_clad) ** 2 if pol == "TM" else 1.0
    if v <= m * math.pi / 2:
        raise ValueError(f"{pol}{m} is cut off (V/2 = {v:.4f} <= {m} pi/2)")

    def f(u: float) -> float:  # u = kx d / 2 ; w = g d / 2 = sqrt(v^2 - u^2)
        w = math.sqrt(max(v * v - u * u, 0.0))
        return u * math.tan(u - m * math.pi / 2) - r * w

    lo = m * math.pi / 2 + 1e-15
    hi = min(v, (m + 1) * math.pi / 2 - 1e-12)
    u = brentq(f, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    kx = 2 * u / thickness_um
    return math.sqrt(n_core ** 2 - (kx / k0) ** 2)


def slab_mpb(n_core: float, n_clad: float, thickness_um: float, wavelength_um: float, *, resolution: int = 400,
             cell_um: float = 8.0, num_bands: int = 2) -> list[tuple[float, str]]:
    """neff and polarisation of the first ``num_bands`` slab modes with MPB.

    The slab normal is x (the 1D cell, periodic with period ``cell_um``), the
    propagation direction y; TE has E along z (parallel to the slab). The slab
    faces lie on pixel boundaries (the thickness must be a whole number of
    pixels), so the discretisation is an exact staircase and only the
    plane-wave/finite-difference error in the fields remains.
    """
    from weiming.sims._meep import require_mpb

    mpb = require_mpb()
    import meep as mp

    mpb.verbosity(0)
    npx = round(thickness_um * resolution)
    if abs(npx - thickness_um * resolution) > 1e-9:
        raise ValueError(f"thickness {thickness_um} um is not a whole number of pixels at resolution {resolution}")
    # MPB pixel i is centred on -L/2 + i h: faces on pixel boundaries need a
    # half-pixel shift when the thickness is an even number of pixels
    x0 = 0.5 / resolution if npx % 2 == 0 else 0.0
    ms = mpb.ModeSolver(geometry_lattice=mp.Lattice(size=mp.Vector3(cell_um)),
                        geometry=[mp.Block(center=mp.Vector3(x0), size=mp.Vector3(thickness_um, mp.inf, mp.inf),
                                           material=mp.Medium(index=n_core))],
                        default_material=mp.Medium(index=n_clad), resolution=resolution, num_bands=num_bands,
                        tolerance=1e-12)
    omega = 1.0 / wavelength_um
    out = []
    ks = ms.find_k(mp.NO_PARITY, omega, 1, num_bands, mp.Vector3(0, 1), 1e-12, omega * n_core * 0.99,
                   omega * n_clad, omega * n_core)
    for b, k in enumerate(ks, start=1):
        ms.k_points = [mp.Vector3(0, k)]
        ms.run()
        e = np.squeeze(np.asarray(ms.get_efield(b, bloch_phase=False)))
        ez = float(np.sum(np.abs(e[..., 2]) ** 2))
        tot = float(np.sum(np.abs(e) ** 2))
        out.append((k / omega, "TE" if ez > 0.5 * tot else "TM"))
    return out
