"""DBR gratings: transfer-matrix reflection spectrum, coupled-mode closed forms, 1D FDTD check.

A first-order grating is a stack of ``n_periods`` periods, each a section of
index ``n_hi`` (length ``duty * period``) and one of ``n_lo``; the indices are
the effective indices of the unetched and etched waveguide sections (e.g. from
the effective-index reduction of the InP stack, :func:`weiming.sims.fdtd.eim.reduce_2d`).

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

DBR design from both sections (:func:`dbr_design`, the one function the laser
cell, the TMM model of the tape-out stage and the build's per-client laser
figures use): the two indices are the TE0 effective indices of the unetched
ridge and of the tooth section (teeth etched ``etches.grating.depth`` into the
top of the guide and overgrown with the cladding), each solved by MPB on the
PDK layer stack (:func:`section_modes`, cached on disk). From them: ``n_avg``
for the duty cycle, ``kappa`` (first Fourier harmonic of the index step, as
above), the period that puts lambda_B on the target (comb) line, the stop band
``lambda_B^2 kappa / (pi n_g)`` (band-edge to band-edge of the infinite
grating, Coldren, Corzine & Mashanovitch, Diode Lasers and Photonic Integrated
Circuits, 2nd ed., Wiley 2012, sec. 3.5) and the peak reflectivity
``tanh^2(kappa L)`` of a given length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    from weiming.sims.fdtd.core import meep_module, stdout_to_stderr

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


# ----------------------------------------------------------------------------- design from both sections
@dataclass(frozen=True)
class DbrDesign:
    """First-order DBR grating designed from its two sections (lengths nm, kappa 1/cm)."""

    target_nm: float
    neff_ridge: float
    neff_tooth: float
    ng: float
    duty: float
    n_avg: float
    delta_n: float
    period_nm: float
    kappa_per_cm: float
    stopband_nm: float

    def bragg_nm(self, period_nm: float | None = None) -> float:
        """Bragg wavelength of a grating of ``period_nm`` (default: the designed period)."""
        return 2 * self.n_avg * (self.period_nm if period_nm is None else period_nm)

    def reflectivity(self, length_um: float) -> float:
        """Peak power reflectivity tanh^2(kappa L) of a grating ``length_um`` long."""
        return math.tanh(self.kappa_per_cm * 1e-4 * length_um) ** 2

    def length_for_reflectivity_um(self, r: float) -> float:
        """Grating length (um) with peak reflectivity ``r`` (0 < r < 1)."""
        if not 0 < r < 1:
            raise GratingError(f"reflectivity={r} must be in (0, 1)")
        return math.atanh(math.sqrt(r)) / (self.kappa_per_cm * 1e-4)

    def effective_length_um(self, length_um: float) -> float:
        """Penetration (effective mirror) length tanh(kappa L) / (2 kappa) at the Bragg wavelength, um
        (Coldren et al. 2012, sec. 3.4)."""
        k = self.kappa_per_cm * 1e-4
        return math.tanh(k * length_um) / (2 * k)

    def to_json(self) -> dict:
        return {k: float(getattr(self, k)) for k in self.__dataclass_fields__}


def dbr_design(target_nm: float, neff_ridge: float, neff_tooth: float, ng: float, duty: float = 0.5) -> DbrDesign:
    """Grating that puts lambda_B on ``target_nm`` from the two section indices at that wavelength."""
    if not neff_ridge > neff_tooth > 0:
        raise GratingError(f"neff_ridge={neff_ridge} must exceed neff_tooth={neff_tooth} > 0 "
                           "(the teeth replace guide material by lower-index cladding)")
    if not 0 < duty < 1:
        raise GratingError(f"duty={duty} must be in (0, 1)")
    # duty: the unetched (ridge) fraction of the period; teeth are the etched part
    n_avg = duty * neff_ridge + (1 - duty) * neff_tooth
    period_um = period_for_um(target_nm / 1000, neff_ridge, neff_tooth, duty)
    kap = kappa_per_um(neff_ridge, neff_tooth, period_um, duty)
    stop = (target_nm / 1000) ** 2 * kap / (math.pi * ng) * 1000
    return DbrDesign(float(target_nm), float(neff_ridge), float(neff_tooth), float(ng), float(duty), n_avg,
                     neff_ridge - neff_tooth, period_um * 1000, kap * 1e4, stop)


def tooth_geometry(pdk: str = "inp", width: float | None = None, depth_um: float | None = None):
    """The tooth section of a shallow ridge: the top ``depth_um`` of the guiding layer under the ridge
    replaced by the cladding material (overgrown teeth; default depth ``etches.grating.depth``)."""
    from dataclasses import replace

    from weiming.pdk import get_tech
    from weiming.sims.modes.mpb import Rect, xs_geometry

    t = get_tech(pdk)
    d = float(t.extra["etches"]["grating"]["depth"] if depth_um is None else depth_um)
    g = xs_geometry(pdk, "shallow", width=width)
    z0, z1 = g.core_z
    if not 0 < d < z1 - z0:
        raise GratingError(f"grating depth_um={d} must be inside the {z1 - z0:g} um guiding layer")
    clad = t.layer_stack["cladding"].material
    w = g.width_um
    return replace(g, xs="shallow_tooth", rects=g.rects + (Rect(-w / 2, w / 2, z1 - d, z1, clad),))


def section_modes(wavelength_um: float, *, pdk: str = "inp", width: float | None = None,
                  resolution: int | None = None) -> dict:
    """TE0 neff and ng of the unetched ridge and of the tooth section at ``wavelength_um`` (MPB,
    cached on disk): ``{"ridge": {"neff", "ng"}, "tooth": {"neff", "ng"}}``; ``width`` default: the
    ``active`` cross-section width (the DBR laser ridge)."""
    from dataclasses import asdict

    from weiming.sims.cache import cached
    from weiming.sims.modes.mpb import NG_STEP_UM, MpbWaveguide, default_numerics, xs_geometry

    from weiming.pdk import get_tech

    width = get_tech(pdk).xs("active").width if width is None else width  # the laser ridge runs at the active width
    geoms = {"ridge": xs_geometry(pdk, "shallow", width=width), "tooth": tooth_geometry(pdk, width)}
    num = default_numerics(pdk, resolution)

    def solve(g):
        eng = MpbWaveguide(g, num)
        mid = eng.solve(wavelength_um)[0]["neff"]
        lo = eng.solve(wavelength_um - NG_STEP_UM, [mid])[0]["neff"]
        hi = eng.solve(wavelength_um + NG_STEP_UM, [mid])[0]["neff"]
        return {"neff": mid, "ng": mid - wavelength_um * (hi - lo) / (2 * NG_STEP_UM)}

    out = {}
    for name, g in geoms.items():
        inputs = {"wavelength_um": float(wavelength_um), "rects": [asdict(r) for r in g.rects],
                  "core_z": g.core_z, "width": g.width_um, "numerics": asdict(num),
                  "materials": g.n_at(wavelength_um), "ng_step_um": NG_STEP_UM}
        out[name] = cached("dbr-section-mode", inputs, lambda g=g: solve(g))
    return out


__all__ = ["GratingError", "DbrDesign", "dbr_design", "tooth_geometry", "section_modes", "bragg_wavelength_um", "period_for_um", "kappa_per_um", "peak_reflectivity",
           "tmm_reflection", "fdtd_reflection_1d"]
