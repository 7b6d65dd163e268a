"""2D FDTD of a ring-bus point coupler: kappa^2, through power and excess loss by mode expansion.

Geometry (meep units, um): straight bus along x centred on y = 0, ring of
centre radius ``R`` centred above it so that the edge gap is ``gap_um``; the
cell keeps only the bottom ``height_um`` of the ring (where the gap has grown
by microns, so no coupling is cut off) and the two ring arms leave through the
top PML. An eigenmode source launches the bus's fundamental in-plane-E mode
(Hz polarisation, the quasi-TE mode of the effective-index reduction) towards
+x; eigenmode monitors measure the forward mode power at the bus input and
output (meep normalises mode coefficients to power), and a flux line under the
top PML over the right half measures the power carried up the ring's right arm.
``kappa2 = P_ring / P_in``, ``t2 = |a_thru|^2 / |a_in|^2``,
``excess_loss = 1 - kappa2 - t2``. Runs until the DFT fields have decayed by
``decay_by`` (default 1e-6).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from weiming.sims.fdtd.core import check_positive, margin_2d, meep_module, stdout_to_stderr


@dataclass(frozen=True)
class CouplerFdtd:
    """FDTD result at ``wavelength_um`` (centre) plus spectra over ``wavelengths_um``."""

    kappa2: float
    t2: float
    excess_loss: float
    wavelength_um: float
    resolution: float
    wavelengths_um: list[float]
    kappa2_spectrum: list[float]
    t2_spectrum: list[float]
    #: power in the ring guide's fundamental mode (mode projection; None: flux only), / input
    kappa2_mode: float | None = None

    def to_json(self) -> dict:
        return asdict(self)


def coupler_fdtd_2d(n_core: float, n_clad: float, width_um: float, gap_um: float, radius_um: float, *,
                    wavelength_um: float = 1.55, resolution: float = 20, dpml: float = 1.0, margin: float | None = None,
                    nfreq: int = 5, bandwidth: float = 0.1, decay_by: float = 1e-6,
                    height_um: float = 4.0) -> CouplerFdtd:
    """kappa^2 of a 2D ring-bus point coupler (index ``n_core`` in ``n_clad``) by FDTD."""
    check_positive(n_core=n_core, n_clad=n_clad, width_um=width_um, gap_um=gap_um, radius_um=radius_um,
                   wavelength_um=wavelength_um, resolution=resolution, dpml=dpml)
    margin = margin_2d(n_core, n_clad, width_um, wavelength_um, margin)
    mp = meep_module()
    w, R = width_um, radius_um
    ro = R + w / 2
    yb = w / 2 + gap_um  # bottom (outer edge) of the ring
    yc = yb + ro  # ring centre
    h = min(height_um, R)
    x_cut = math.sqrt(ro * ro - (ro - h) ** 2)  # outer edge crosses the top of the cell here
    xhalf = x_cut + w + margin + dpml
    ybot = -(w / 2 + margin + dpml)
    ytop = yb + h + dpml
    sy = math.ceil((ytop - ybot) * resolution) / resolution  # whole pixels
    ytop = ybot + sy
    xhalf = math.ceil(xhalf * resolution) / resolution
    sx = 2 * xhalf
    cy = 0.5 * (ytop + ybot)  # cell centre in our coordinates
    core, clad = mp.Medium(index=n_core), mp.Medium(index=n_clad)

    def v(x, y):
        return mp.Vector3(x, y - cy)

    geometry = [
        mp.Block(size=mp.Vector3(mp.inf, w), center=v(0, 0), material=core),
        mp.Cylinder(radius=ro, center=v(0, yc), material=core),
        mp.Cylinder(radius=R - w / 2, center=v(0, yc), material=clad),
    ]
    fcen = 1.0 / wavelength_um
    df = bandwidth * fcen
    x_src = -xhalf + dpml + 0.5
    mon_w = w + 2 * margin
    src = [mp.EigenModeSource(mp.GaussianSource(fcen, fwidth=df), center=v(x_src, 0), size=mp.Vector3(0, mon_w),
                              direction=mp.X, eig_band=1, eig_parity=mp.EVEN_Z, eig_match_freq=True)]
    sim = mp.Simulation(cell_size=mp.Vector3(sx, sy), geometry=geometry, sources=src, resolution=resolution,
                        default_material=clad, boundary_layers=[mp.PML(dpml)])
    mon_in = sim.add_mode_monitor(fcen, df, nfreq, mp.ModeRegion(center=v(x_src + 1.0, 0), size=mp.Vector3(0, mon_w)))
    mon_out = sim.add_mode_monitor(fcen, df, nfreq, mp.ModeRegion(center=v(xhalf - dpml - 0.5, 0),
                                                                  size=mp.Vector3(0, mon_w)))
    y_ring = ytop - dpml - 0.2
    x0 = 0.5 * (xhalf - dpml)  # right half of the cell, clear of the bus and the left arm
    mon_ring = sim.add_flux(fcen, df, nfreq, mp.FluxRegion(center=v(x0, y_ring), size=mp.Vector3(xhalf - dpml, 0)))
    # minimum run: twice the transit across the cell (the decay test is relative to the largest DFT field)
    return measure_coupler(mp, sim, mon_in, mon_out, mon_ring, fcen=fcen, wavelength_um=wavelength_um,
                           resolution=resolution, decay_by=decay_by, minimum_run_time=2 * (sx + sy) * n_core)


def measure_coupler(mp, sim, mon_in, mon_out, mon_ring, *, fcen: float, wavelength_um: float, resolution: float,
                    decay_by: float, minimum_run_time: float, ring_mode_direction=None) -> CouplerFdtd:
    """Run ``sim`` until its DFT fields decay by ``decay_by``, then ``kappa2 = P_ring / P_in`` and
    ``t2 = |a_out|^2 / |a_in|^2`` from the bus's forward fundamental-mode coefficients and the ring-arm flux.

    ``ring_mode_direction`` (meep direction): ``mon_ring`` also crosses the ring
    guide square to it, so the power in its fundamental mode is projected out
    too (``kappa2_mode``: radiation crossing the line is not counted).
    """
    with stdout_to_stderr():
        sim.run(until_after_sources=mp.stop_when_dft_decayed(tol=decay_by, minimum_run_time=minimum_run_time))
        kw = dict(bands=[1], eig_parity=mp.EVEN_Z)
        a_in = sim.get_eigenmode_coefficients(mon_in, direction=mp.X, **kw).alpha[0, :, 0]
        a_out = sim.get_eigenmode_coefficients(mon_out, direction=mp.X, **kw).alpha[0, :, 0]
        a_ring = (None if ring_mode_direction is None else
                  sim.get_eigenmode_coefficients(mon_ring, direction=ring_mode_direction, **kw).alpha[0, :, 0])
        p_ring = np.array(mp.get_fluxes(mon_ring))
        freqs = np.array(mp.get_flux_freqs(mon_in))
        sim.reset_meep()
    p_in = np.abs(a_in) ** 2
    k2 = p_ring / p_in
    t2 = np.abs(a_out) ** 2 / p_in
    i0 = int(np.argmin(abs(freqs - fcen)))
    k2_mode = None if a_ring is None else float(np.abs(a_ring[i0]) ** 2 / p_in[i0])
    return CouplerFdtd(kappa2=float(k2[i0]), t2=float(t2[i0]), excess_loss=float(1 - k2[i0] - t2[i0]),
                       wavelength_um=wavelength_um, resolution=resolution,
                       wavelengths_um=(1 / freqs).tolist(), kappa2_spectrum=k2.tolist(), t2_spectrum=t2.tolist(),
                       kappa2_mode=k2_mode)

__all__ = ["CouplerFdtd", "coupler_fdtd_2d", "measure_coupler"]
