"""DBR gratings: transfer-matrix reflection spectrum, coupled-mode closed forms, 1D FDTD check.

A first-order grating is a stack of ``n_periods`` periods, each a section of
index ``n_hi`` (length ``duty * period``) and one of ``n_lo``; the indices are
the effective indices of the unetched and etched waveguide sections (e.g. from
the effective-index reduction of the InP stack, :func:`weiming.sims.fdtd_eim.reduce_2d`).

- Transfer matrix (normal incidence, characteristic matrices of homogeneous
  layers; M. Born, E. Wolf, "Principles of Optics", 7th ed., sec. 1.6): exact
  for the 1D stack, no coupled-mode approximation.
- Coupled-mode closed forms (A. Yariv, "Optical Electronics in Modern
  Communications", ch. 13; H. Kogelnik, C. V. Shank, J. Appl. Phys. 43, 2327
  (1972)): Bragg wavelength ``lambda_B = 2 n_avg period``; coupling coefficient
  of a rectangular index modulation ``kappa = 2 (n_hi - n_lo) sin(pi duty) / lambda_B``
  (first Fourier harmonic); peak reflectivity ``tanh^2(kappa L)``, ``L = N period``.
- :func:`fdtd_reflection_1d` runs the same stack in 1D meep (flux of the
  reflected field after subtracting a normalisation run) as an independent check.
"""

from __future__ import annotations

import math

import numpy as np


class GratingError(ValueError):
    """Bad grating parameter (message names parameter, value and rule)."""


def _check(n_hi: float, n_lo: float, period_um: float, n_periods: int, duty: float) -> None:
    if not (n_hi > 0 and n_lo > 0):
        raise GratingError(f"indices n_hi={n_hi}, n_lo={n_lo} must be > 0")
    if not period_um > 0:
        raise GratingError(f"period_um={period_um} must be > 0")
    if int(n_periods) != n_periods or n_periods < 1:
        raise GratingError(f"n_periods={n_periods} must be a positive integer")
    if not 0 < duty < 1:
        raise GratingError(f"duty={duty} must be in (0, 1)")


def bragg_wavelength_um(n_hi: float, n_lo: float, period_um: float, duty: float = 0.5, order: int = 1) -> float:
    """``2 n_avg period / order`` with ``n_avg`` the length-weighted index."""
    return 2 * (duty * n_hi + (1 - duty) * n_lo) * period_um / order


def period_for_um(wavelength_um: float, n_hi: float, n_lo: float, duty: float = 0.5) -> float:
    """First-order period that puts the Bragg wavelength at ``wavelength_um``."""
    return wavelength_um / (2 * (duty * n_hi + (1 - duty) * n_lo))


def kappa_per_um(n_hi: float, n_lo: float, period_um: float, duty: float = 0.5) -> float:
    """Coupled-mode coefficient of a rectangular first-order grating (1/um)."""
    lb = bragg_wavelength_um(n_hi, n_lo, period_um, duty)
    return 2 * abs(n_hi - n_lo) * math.sin(math.pi * duty) / lb


def peak_reflectivity(n_hi: float, n_lo: float, period_um: float, n_periods: int, duty: float = 0.5) -> float:
    """``tanh^2(kappa L)``."""
    return math.tanh(kappa_per_um(n_hi, n_lo, period_um, duty) * n_periods * period_um) ** 2


def tmm_reflection(wavelength_um, n_hi: float, n_lo: float, period_um: float, n_periods: int, *,
                   duty: float = 0.5, n_in: float | None = None, n_out: float | None = None) -> np.ndarray:
    """Power reflectivity of the grating between media ``n_in`` and ``n_out`` (default n_lo)."""
    _check(n_hi, n_lo, period_um, n_periods, duty)
    n_in = n_lo if n_in is None else n_in
    n_out = n_lo if n_out is None else n_out
    wl = np.atleast_1d(np.asarray(wavelength_um, dtype=float))
    k0 = 2 * np.pi / wl

    def layer(n, d):  # characteristic matrix of a homogeneous layer, vectorised over wavelength
        ph = k0 * n * d
        return np.array([[np.cos(ph), 1j * np.sin(ph) / n], [1j * n * np.sin(ph), np.cos(ph)]])

    a, b = layer(n_hi, duty * period_um), layer(n_lo, (1 - duty) * period_um)
    cell = np.einsum("ijw,jkw->ikw", a, b)
    m = np.broadcast_to(np.eye(2)[:, :, None], cell.shape).astype(complex)
    p, e = cell, int(n_periods)
    while e:  # fast exponentiation of the period matrix
        if e & 1:
            m = np.einsum("ijw,jkw->ikw", m, p)
        p = np.einsum("ijw,jkw->ikw", p, p)
        e >>= 1
    num = n_in * m[0, 0] + n_in * n_out * m[0, 1] - m[1, 0] - n_out * m[1, 1]
    den = n_in * m[0, 0] + n_in * n_out * m[0, 1] + m[1, 0] + n_out * m[1, 1]
    r = np.abs(num / den) ** 2
    return r if np.ndim(wavelength_um) else r[0]


def fdtd_reflection_1d(wavelengths_um, n_hi: float, n_lo: float, period_um: float, n_periods: int, *,
                       duty: float = 0.5, resolution: float = 200, decay_by: float = 1e-6) -> np.ndarray:
    """Reflectivity of the same stack by 1D meep FDTD (independent check of :func:`tmm_reflection`)."""
    from weiming.sims.fdtd_core import meep_module, stdout_to_stderr

    _check(n_hi, n_lo, period_um, n_periods, duty)
    mp = meep_module()
    wl = np.asarray(wavelengths_um, dtype=float)
    fmin, fmax = 1 / wl.max(), 1 / wl.min()
    fcen, df = 0.5 * (fmin + fmax), 1.2 * (fmax - fmin)
    dpml, gap = 2.0, 2.0
    length = n_periods * period_um
    sz = 2 * dpml + 2 * gap + length
    z0 = -sz / 2 + dpml  # left end of the interior
    bg = mp.Medium(index=n_lo)
    geometry = [mp.Block(size=mp.Vector3(mp.inf, mp.inf, duty * period_um),
                         center=mp.Vector3(0, 0, z0 + gap + (i + duty / 2) * period_um), material=mp.Medium(index=n_hi))
                for i in range(int(n_periods))]
    src = [mp.Source(mp.GaussianSource(fcen, fwidth=df), mp.Ex, center=mp.Vector3(0, 0, z0 + 0.2))]
    freqs = 1 / wl

    def run(geom):
        sim = mp.Simulation(cell_size=mp.Vector3(0, 0, sz), dimensions=1, geometry=geom, sources=src,
                            resolution=resolution, default_material=bg, boundary_layers=[mp.PML(dpml)])
        refl = sim.add_flux(freqs, mp.FluxRegion(center=mp.Vector3(0, 0, z0 + 0.5)))
        return sim, refl

    with stdout_to_stderr():
        sim0, refl0 = run([])
        sim0.run(until_after_sources=mp.stop_when_dft_decayed(tol=decay_by))
        inc = np.array(mp.get_fluxes(refl0))
        data = sim0.get_flux_data(refl0)
        sim0.reset_meep()
        sim, refl = run(geometry)
        sim.load_minus_flux_data(refl, data)
        sim.run(until_after_sources=mp.stop_when_dft_decayed(tol=decay_by))
        r = -np.array(mp.get_fluxes(refl)) / inc
        sim.reset_meep()
    return r


__all__ = ["GratingError", "bragg_wavelength_um", "period_for_um", "kappa_per_um", "peak_reflectivity",
           "tmm_reflection", "fdtd_reflection_1d"]
