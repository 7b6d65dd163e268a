"""Analytic three-layer slab modes and the effective index method (EIM).

This is the fast, independent solver the yield surrogates are fitted on where
the full-vector mode solver (:mod:`weiming.sims.modes`) cannot vary a process
parameter (etch depth, guiding-layer composition) or is not available. It is
*not* a replacement for the mode solver: the EIM is accurate for the
sensitivities (derivatives) the yield model needs far more than for absolute
indices, and every surrogate JSON names the solver it was fitted on.

Sources: fundamental-mode dispersion relation of the asymmetric slab,
``k d sqrt(n2^2 - N^2) = atan(r1 g1/k) + atan(r3 g3/k)`` with ``r = 1`` (TE) or
``(n2/n_i)^2`` (TM) (D. Marcuse, *Theory of Dielectric Optical Waveguides*,
2nd ed., Academic Press 1991, ch. 1; K. Okamoto, *Fundamentals of Optical
Waveguides*, 2nd ed., 2006, sec. 2.1); EIM: Okamoto sec. 2.2 / Marcatili-type
separation. The guiding-layer (InGaAsP) index as a function of its bandgap
wavelength comes from the PDK's material model :mod:`weiming.pdk.quaternary`.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from weiming.pdk.quaternary import HC_EV_UM  # noqa: F401  (re-exported for the device models)


def slab_neff(n_sub: float, n_core: float, n_cov: float, d_um: float, wavelength_um: float,
              pol: str = "TE", below_cutoff: str = "raise") -> float:
    """Effective index of the fundamental mode of a substrate/core/cover slab.

    An asymmetric slab thinner than its cutoff guides nothing: with
    ``below_cutoff="clamp"`` the higher cladding index is returned (the field
    spreads into that cladding), else ValueError.
    """
    k0 = 2 * np.pi / wavelength_um
    lo = max(n_sub, n_cov)
    if n_core <= lo:
        raise ValueError(f"core index {n_core:.4f} is not above the claddings ({n_sub:.4f}, {n_cov:.4f})")
    r1 = 1.0 if pol == "TE" else (n_core / n_sub) ** 2
    r3 = 1.0 if pol == "TE" else (n_core / n_cov) ** 2

    def f(n):
        k = k0 * np.sqrt(n_core**2 - n**2)
        g1 = k0 * np.sqrt(max(n**2 - n_sub**2, 0.0))
        g3 = k0 * np.sqrt(max(n**2 - n_cov**2, 0.0))
        return k * d_um - np.arctan(r1 * g1 / k) - np.arctan(r3 * g3 / k)

    eps = 1e-12
    if f(lo + eps) <= 0:
        if below_cutoff == "clamp":
            return lo
        raise ValueError(f"slab of {d_um:.4f} um is below cutoff at {wavelength_um} um")
    return brentq(f, lo + eps, n_core - eps, xtol=1e-13)


def slab_confinement(n_sub: float, n_core: float, n_cov: float, d_um: float, wavelength_um: float) -> float:
    """Fraction of the TE mode's |E|^2 inside the core (the confinement factor)."""
    n = slab_neff(n_sub, n_core, n_cov, d_um, wavelength_um, "TE")
    k0 = 2 * np.pi / wavelength_um
    k = k0 * np.sqrt(n_core**2 - n**2)
    g1, g3 = k0 * np.sqrt(n**2 - n_sub**2), k0 * np.sqrt(n**2 - n_cov**2)
    phi = np.arctan(g1 / k)
    core = d_um / 2 + (np.sin(2 * (k * d_um - phi)) + np.sin(2 * phi)) / (4 * k)
    sub = np.cos(phi) ** 2 / (2 * g1)
    cov = np.cos(k * d_um - phi) ** 2 / (2 * g3)
    return float(core / (core + sub + cov))


def quaternary_index(wavelength_um: float, lambda_g_um: float) -> float:
    """Index of InGaAsP lattice-matched to InP with bandgap wavelength ``lambda_g_um``
    (the PDK's model, :mod:`weiming.pdk.quaternary`: Broberg & Lindgren 1984)."""
    from weiming.pdk import quaternary

    return float(quaternary.index(wavelength_um, quaternary.y_from_lambda_g(lambda_g_um)))


def eim_neff(regions: list[tuple[list[float], list[float]]], width_um: float, wavelength_um: float) -> float:
    """Two-step EIM of a ridge: ``regions = [(inside stack), (outside stack)]``.

    Each stack is ``([n_sub, n_core, n_cov], [d_core_um])``; the vertical
    slabs give the TE effective indices, the lateral slab (width
    ``width_um``) is then solved for TM (the quasi-TE field is normal to the
    ridge walls).
    """
    (ni, di), (no, do) = regions
    n_in = slab_neff(ni[0], ni[1], ni[2], di[0], wavelength_um, "TE")
    n_out = no[0] if do[0] <= 0 else slab_neff(no[0], no[1], no[2], do[0], wavelength_um, "TE",
                                                        below_cutoff="clamp")
    return slab_neff(n_out, n_in, n_out, width_um, wavelength_um, "TM")


def group_index_fd(neff_of_wl, wavelength_um: float, h_um: float = 0.002) -> tuple[float, float, float]:
    """(neff, ng, d2neff/dl2 in 1/um^2) by central differences of ``neff_of_wl``."""
    n0, np_, nm = neff_of_wl(wavelength_um), neff_of_wl(wavelength_um + h_um), neff_of_wl(wavelength_um - h_um)
    d1 = (np_ - nm) / (2 * h_um)
    d2 = (np_ - 2 * n0 + nm) / h_um**2
    return n0, n0 - wavelength_um * d1, d2
