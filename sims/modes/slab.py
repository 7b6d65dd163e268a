"""Guided modes of 1D slab waveguides: the one slab module of weiming.

Every slab calculation in the package goes through here: the SiN cells'
effective-index estimate (:mod:`weiming.components.sin._optics`), the yield
surrogates (:mod:`weiming.sims.wafer.slab`), the effective-index reduction for
2D FDTD and the coupler's 2D world (:mod:`weiming.sims.fdtd.eim`), the bent 2D
guide, and the MMI mode-propagation analysis (:mod:`weiming.sims.devices.mmi_mpa`).

Two solvers, checked against each other and against the closed form in
``tests/test_modes.py``:

1. Closed form, three layers (substrate n_s / core n_1, thickness d / cover
   n_c). With ``k = k0 sqrt(n1^2 - N^2)`` and ``g_i = k0 sqrt(N^2 - n_i^2)``
   mode ``m`` satisfies ``k d - m pi = atan(r_s g_s / k) + atan(r_c g_c / k)``,
   ``r_i = 1`` (TE) or ``(n1 / n_i)^2`` (TM) (D. Marcuse, *Theory of Dielectric
   Optical Waveguides*, 2nd ed., 1991, ch. 1; K. Okamoto, *Fundamentals of
   Optical Waveguides*, 2nd ed., 2006, sec. 2.1), solved by Brent's method to
   1e-13: :func:`three_layer_neff`, the symmetric case :func:`slab_neff`.
2. Finite differences, any number of layers or any index profile, with fields
   (:func:`fd_modes`): TE ``E'' + k0^2 n^2 E = beta^2 E``; TM ``(H'/eps)' + k0^2 H
   = beta^2 H / eps``, a symmetric-definite tridiagonal eigenproblem on a
   uniform cell grid with the exact cell averages of eps (TE, tangential E) or
   1/eps (TM, normal E) as sub-pixel smoothing, zero-field walls far out in the
   claddings. TE converges to second order in the step; TM to first order, so
   :func:`multilayer_neff` Richardson-extrapolates two grids.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from scipy.linalg import eigh_tridiagonal
from scipy.optimize import brentq


class SlabError(ValueError):
    """Bad slab input or no guided mode (message names the parameter and the rule)."""


def _check_pol(pol: str) -> None:
    if pol not in ("TE", "TM"):
        raise SlabError(f"pol={pol!r} must be 'TE' or 'TM'")


# ---------------------------------------------------------------------------
# 1. Closed form: three layers
# ---------------------------------------------------------------------------
def three_layer_neff(n_sub: float, n_core: float, n_cov: float, d_um: float, wavelength_um: float,
                     pol: str = "TE", m: int = 0, below_cutoff: str = "raise") -> float:
    """Exact neff of mode ``m`` of a substrate/core/cover slab (thickness ``d_um``).

    Below cut-off: ``below_cutoff="clamp"`` returns the higher cladding index
    (the field spreads into that cladding), else :class:`SlabError`.
    """
    _check_pol(pol)
    k0 = 2 * math.pi / wavelength_um
    lo = max(n_sub, n_cov)
    if n_core <= lo:
        raise SlabError(f"core index {n_core:.4f} is not above the claddings ({n_sub:.4f}, {n_cov:.4f})")
    r_s = 1.0 if pol == "TE" else (n_core / n_sub) ** 2
    r_c = 1.0 if pol == "TE" else (n_core / n_cov) ** 2

    def f(n):
        k = k0 * math.sqrt(max(n_core * n_core - n * n, 0.0))
        g_s = k0 * math.sqrt(max(n * n - n_sub * n_sub, 0.0))
        g_c = k0 * math.sqrt(max(n * n - n_cov * n_cov, 0.0))
        return k * d_um - m * math.pi - math.atan2(r_s * g_s, k) - math.atan2(r_c * g_c, k)

    eps = 1e-12
    if f(lo + eps) <= 0:
        if below_cutoff == "clamp":
            return lo
        raise SlabError(f"{pol}{m} of a {d_um:.4f} um slab is cut off at {wavelength_um} um")
    return brentq(f, lo + eps, n_core - eps, xtol=1e-13, rtol=4 * np.finfo(float).eps, maxiter=500)


def slab_neff(n_core: float, n_clad: float, thickness_um: float, wavelength_um: float, *, pol: str = "TE",
              m: int = 0) -> float:
    """Exact neff of mode ``m`` ("TE" or "TM") of a symmetric slab; raises SlabError below cut-off."""
    return three_layer_neff(n_clad, n_core, n_clad, thickness_um, wavelength_um, pol, m)


def slab_confinement(n_sub: float, n_core: float, n_cov: float, d_um: float, wavelength_um: float) -> float:
    """Fraction of the fundamental TE mode's |E|^2 inside the core of a three-layer slab (closed form)."""
    n = three_layer_neff(n_sub, n_core, n_cov, d_um, wavelength_um, "TE")
    k0 = 2 * np.pi / wavelength_um
    k = k0 * np.sqrt(n_core**2 - n**2)
    g1, g3 = k0 * np.sqrt(n**2 - n_sub**2), k0 * np.sqrt(n**2 - n_cov**2)
    phi = np.arctan(g1 / k)
    core = d_um / 2 + (np.sin(2 * (k * d_um - phi)) + np.sin(2 * phi)) / (4 * k)
    sub = np.cos(phi) ** 2 / (2 * g1)
    cov = np.cos(k * d_um - phi) ** 2 / (2 * g3)
    return float(core / (core + sub + cov))


def eim_neff(regions: list[tuple[list[float], list[float]]], width_um: float, wavelength_um: float) -> float:
    """Two-step effective-index method of a ridge: ``regions = [(inside stack), (outside stack)]``.

    Each stack is ``([n_sub, n_core, n_cov], [d_core_um])``; the vertical slabs
    give TE effective indices (an outside slab of zero thickness is its
    substrate; one below cut-off is clamped), the lateral slab of width
    ``width_um`` is then solved for TM (the quasi-TE field is normal to the
    ridge walls).
    """
    (ni, di), (no, do) = regions
    n_in = three_layer_neff(ni[0], ni[1], ni[2], di[0], wavelength_um, "TE")
    n_out = no[0] if do[0] <= 0 else three_layer_neff(no[0], no[1], no[2], do[0], wavelength_um, "TE",
                                                      below_cutoff="clamp")
    return three_layer_neff(n_out, n_in, n_out, width_um, wavelength_um, "TM")


# ---------------------------------------------------------------------------
# 2. Finite differences: any layers, with fields
# ---------------------------------------------------------------------------
def fd_modes(indices: Sequence[float], thicknesses_um: Sequence[float], wavelength_um: float, *, pol: str = "TE",
             num_modes: int | None = 1, cladding_um: float | None = None, dx_um: float | None = None,
             fields: bool = False, radius_um: float | None = None):
    """Finite-difference modes of a multilayer (module docstring, solver 2).

    ``indices`` lists the outer cladding, the finite layers (``thicknesses_um``)
    and the other outer cladding; each outer cladding extends ``cladding_um``
    (default 4 wavelengths) to a zero-field wall. ``num_modes=None``: every
    mode above the higher outer index. Returns the effective indices
    (descending, unguided ones included when ``num_modes`` is given) or, with
    ``fields``, ``(x, beta, f, w)``: cell centres (um, centred on the stack),
    propagation constants (1/um), fields ``f[mode, x]`` (E_y for TE, H_y for
    TM) normalised to ``sum(f_m f_n w) dx = delta_mn`` with the weight ``w``
    (1 for TE, the cell average of 1/eps for TM).

    ``radius_um``: the stack bent with its centre at this radius (layers and
    claddings given as real radial thicknesses, the first layer innermost).
    Solved exactly in the conformal frame ``u = R ln(r / R)`` (M. Heiblum, J. H.
    Harris, IEEE JQE 11, 75 (1975)): with ``H(r, phi) = h(u) exp(i nu phi)`` and
    ``beta = nu / R``, the radial equations become TE ``h'' + k0^2 n^2 e^{2u/R} h =
    beta^2 h`` and TM ``(h'/eps)' + k0^2 e^{2u/R} h = beta^2 h / eps``; layer edges
    are mapped too (``R ln(1 + x/R)``, not ``x``: a 1-um core at R = 20 um sits
    6 nm further in, which is 3e-4 in neff). The effective index is then
    referred to R, and ``x`` is returned in the conformal coordinate ``u``.
    The caller keeps the outer cladding inside the turning point, where
    ``n_clad e^{u/R}`` reaches the mode index (the mode leaks beyond it).
    """
    _check_pol(pol)
    if len(indices) != len(thicknesses_um) + 2:
        raise SlabError("indices must have two more entries (outer claddings) than thicknesses_um")
    clad = 4 * wavelength_um if cladding_um is None else float(cladding_um)
    thin = min(thicknesses_um) if len(thicknesses_um) else wavelength_um
    dx = dx_um or min(wavelength_um / 300, thin / 20)
    edges = np.cumsum([0.0, clad, *thicknesses_um, clad])
    eps_l = np.asarray(indices, dtype=float) ** 2
    centre = edges[-1] / 2
    if radius_um is not None:
        if not radius_um > centre:
            raise SlabError(f"radius_um={radius_um} must exceed the half-width {centre:.3f} um of the bent stack")
        edges = radius_um * np.log1p((edges - centre) / radius_um)  # conformal frame, u = 0 on the stack centre
        centre = 0.0

    def cell_mean(values, a, b):
        """Exact average of a piecewise-constant profile over [a, b] (sub-pixel smoothing)."""
        cum = np.r_[0.0, np.cumsum(values * np.diff(edges))]
        return (np.interp(b, edges, cum) - np.interp(a, edges, cum)) / (b - a)

    # cell faces; a whole number of cells so the grid is mirror-symmetric like the (symmetric) structures
    xf = np.linspace(edges[0], edges[-1], int(math.ceil((edges[-1] - edges[0]) / dx)) + 1)
    dx = xf[1] - xf[0]
    k0 = 2 * math.pi / wavelength_um
    # conformal factor e^{2u/R}, averaged over each cell (1 when straight)
    bend = (np.ones(xf.size - 1) if radius_um is None
            else radius_um / 2 * np.diff(np.exp(2 * xf / radius_um)) / dx)
    if pol == "TE":  # E'' + k0^2 n^2 E = beta^2 E, eps averaged over each cell (E tangential)
        eps = cell_mean(eps_l, xf[:-1], xf[1:]) * bend
        diag = -2.0 / dx**2 + k0 * k0 * eps
        off = np.full(eps.size - 1, 1.0 / dx**2)
        weight = np.ones_like(eps)
    else:  # (H'/eps)' + k0^2 H = beta^2 H / eps: symmetric-definite, solved as b^-1/2 A b^-1/2
        # Interface-normal E_x carries the beta^2 term, so cells and faces both
        # use the average of 1/eps (harmonic averaging of eps).
        weight = cell_mean(1.0 / eps_l, xf[:-1], xf[1:])
        xc = 0.5 * (xf[:-1] + xf[1:])
        p = cell_mean(1.0 / eps_l, xc[:-1], xc[1:])
        pl, pr = np.r_[weight[0], p], np.r_[p, weight[-1]]
        s = 1.0 / np.sqrt(weight)
        diag = (-(pl + pr) / dx**2 + k0 * k0 * bend) * s * s
        off = p / dx**2 * s[:-1] * s[1:]
    n = diag.size
    if num_modes is None and radius_um is not None:
        raise SlabError("num_modes=None (every guided mode) is not defined for a bent stack: give num_modes")
    if num_modes is None:
        floor = (k0 * max(indices[0], indices[-1])) ** 2 * (1.0 + 1e-9)
        sel = dict(select="v", select_range=(floor, (k0 * max(indices)) ** 2 * 1.01))
    else:
        sel = dict(select="i", select_range=(max(0, n - int(num_modes) - 2), n - 1))
    if not fields:
        vals = eigh_tridiagonal(diag, off, eigvals_only=True, **sel)
        neff = np.sqrt(np.clip(np.sort(vals)[::-1], 0, None)) / k0
        return neff if num_modes is None else neff[:num_modes]
    vals, vecs = eigh_tridiagonal(diag, off, **sel)
    order = np.argsort(vals)[::-1]
    if num_modes is not None:
        order = order[:num_modes]
    beta = np.sqrt(np.clip(vals[order], 0, None))
    f = vecs[:, order].T / np.sqrt(weight)[None, :] / math.sqrt(dx)  # y = sqrt(w) f, y^T y = 1
    x = 0.5 * (xf[:-1] + xf[1:]) - centre
    return x, beta, f, weight


def multilayer_neff(indices: Sequence[float], thicknesses_um: Sequence[float], wavelength_um: float, *,
                    pol: str = "TE", num_modes: int = 1, cladding_um: float | None = None,
                    dx_um: float | None = None) -> list[float]:
    """Guided effective indices (descending) of a multilayer by :func:`fd_modes`.

    TM (first order in the step) is Richardson-extrapolated from steps dx and
    dx/2. Modes below the higher outer index are not guided and are dropped.
    """
    _check_pol(pol)
    kw = dict(pol=pol, num_modes=num_modes, cladding_um=cladding_um)
    thin = min(thicknesses_um) if len(thicknesses_um) else wavelength_um
    dx = dx_um or min(wavelength_um / 300, thin / 20)
    if pol == "TE":
        neffs = fd_modes(indices, thicknesses_um, wavelength_um, dx_um=dx, **kw)
    else:
        coarse = fd_modes(indices, thicknesses_um, wavelength_um, dx_um=dx, **kw)
        fine = fd_modes(indices, thicknesses_um, wavelength_um, dx_um=dx / 2, **kw)
        neffs = 2 * fine - coarse
    floor = max(indices[0], indices[-1])
    return [float(v) for v in neffs[:num_modes] if v > floor + 1e-9]


def slab_mpb(n_core: float, n_clad: float, thickness_um: float, wavelength_um: float, *, resolution: int = 400,
             cell_um: float = 8.0, num_bands: int = 2) -> list[tuple[float, str]]:
    """neff and polarisation of the first ``num_bands`` slab modes with MPB (a third, independent solver).

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
        raise SlabError(f"thickness {thickness_um} um is not a whole number of pixels at resolution {resolution}")
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


__all__ = ["SlabError", "three_layer_neff", "slab_neff", "slab_confinement", "eim_neff", "fd_modes",
           "multilayer_neff", "slab_mpb"]
