"""Eigenmode sources and mode coefficients for a meep build compiled without MPB.

Debian's parallel meep (``libmeep-openmpi30`` 1.25) is configured without MPB:
``EigenModeSource`` and ``get_eigenmode_coefficients`` raise "Meep must be
configured/compiled with MPB". The serial Debian package ships MPB's Python
module (``meep.mpb``, linked against the same libmeep ABI), which loads in the
MPI ranks. :func:`install` puts back the two calls the S-parameter runs use,
built from public meep/MPB calls:

- the port mode: MPB ``find_k`` on the port plane (the simulation's own
  geometry, resolution and parity, wave vector along the port normal) at each
  frequency, solved on rank 0 and broadcast, so every rank uses bit-identical
  mode fields whatever the domain split;
- the source: the equivalence principle on the plane, electric current
  ``J = n x H`` and magnetic current ``K = -n x E`` of the mode launched along
  ``n`` (a one-way source, as meep's eigenmode source), at the centre frequency;
- the coefficients: with the mode (E_m, H_m) travelling along +axis and the
  DFT fields (E, H) on the monitor, ``X1 = ∫(E_m* x H)·n``, ``X2 = ∫(E x H_m*)·n``,
  ``N = ∫(E_m* x H_m)·n`` (meep's cubature weights): forward amplitude
  ``(X1 + X2) / (2 sqrt N)``, backward ``(X2 - X1) / (2 sqrt N)``, so ``|alpha|^2``
  is the mode's power in meep's flux units (power orthogonality of the modes of
  a lossless guide).

Each mode's phase is fixed (its largest transverse E sample real and positive),
so S-parameter phases are reproducible; they follow this convention, not
meep's. Mirror symmetries are not supported here (run without them).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import numpy as np

def build_has_mpb(mp) -> bool:
    """Whether this meep was compiled with MPB, so that its own eigenmode sources work.

    meep's SWIG interface defines the eigenmode-data helpers (``_get_eigenmode_Gk``) only when built with
    MPB (checked on Debian's serial and OpenMPI 1.25 builds). A trial eigenmode source would not do: without
    MPB meep aborts the whole MPI job instead of raising.
    """
    return hasattr(mp, "_get_eigenmode_Gk")


def import_serial_mpb(mp):
    """``meep.mpb`` of a serial meep install found on ``sys.path`` behind the MPI build (Debian: the same
    package version, so the same libmeep ABI)."""
    try:
        from meep import mpb
        mpb.verbosity(0)
        return mpb
    except ImportError:
        pass
    own = os.path.dirname(mp.__spec__.origin)  # the MPI build's meep package folder
    for entry in sys.path:
        cand = os.path.join(entry or ".", "meep")
        if os.path.isfile(os.path.join(cand, "mpb", "__init__.py")) and os.path.realpath(cand) != os.path.realpath(own):
            mp.__path__.append(cand)
            from meep import mpb
            break
    else:
        raise ImportError("meep.mpb (MPB) is needed for the port modes of this meep build: install python3-meep "
                          "(Debian) beside the MPI build")
    mpb.verbosity(0)  # MPB's iteration log would flood the console at every port and frequency
    return mpb


def _bcast(obj):
    """``obj`` from rank 0 on every rank (mpi4py, which meep's MPI build imports anyway)."""
    try:
        from mpi4py import MPI
    except ImportError:
        return obj
    return MPI.COMM_WORLD.bcast(obj, root=0)


def _axis_index(mp, axis) -> int:
    return {mp.X: 0, mp.Y: 1, mp.Z: 2}[axis]


@dataclass
class PortMode:
    """A port mode travelling along +axis: transverse-plane grid and the E, H fields (..., 3) on it."""

    axis: int                 # 0 (x) or 1 (y): the plane normal
    center: np.ndarray        # plane centre (3,)
    dims: list[int]           # physical dims spanned by the grid axes, in order
    coords: list[np.ndarray]  # periodic grid coordinates (absolute) along each of dims
    periods: list[float]
    e: np.ndarray             # (n1[, n2], 3) complex
    h: np.ndarray
    k: float

    def fields_at(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mode E, H (npts, 3) at absolute points ``pts`` (npts, 3), periodic linear interpolation."""
        if not hasattr(self, "_interp"):
            self._interp = self._interpolators()
        grids = self._interp[0]
        q = np.stack([g[0] + np.mod(pts[:, d] - g[0], p) for g, d, p in zip(grids, self.dims, self.periods)],
                     axis=-1)
        return tuple(np.stack([re(q) + 1j * im(q) for re, im in parts], axis=-1) for parts in self._interp[1:])

    def _interpolators(self):
        from scipy.interpolate import RegularGridInterpolator

        grids = [np.r_[g, g[0] + p] for g, p in zip(self.coords, self.periods)]
        out = [grids]
        for f in (self.e, self.h):
            for ax in range(len(grids)):  # periodic wrap: repeat the first sample at the end
                f = np.concatenate([f, np.take(f, [0], axis=ax)], axis=ax)
            out.append([(RegularGridInterpolator(grids, f[..., c].real), RegularGridInterpolator(grids, f[..., c].imag))
                        for c in range(3)])
        return out


def _shifted_geometry(mp, geometry, c, two_d: bool):
    """The geometry in plane coordinates (MPB's lattice is centred at the origin)."""
    out = []
    for g in geometry:
        if isinstance(g, mp.Prism):
            verts = [v - c for v in g.vertices]
            height = g.height
            if two_d:  # 2D prisms start at z = 0 with infinite height: centre a finite slab on z = 0
                height = 1e6
                verts = [mp.Vector3(v.x, v.y, -height / 2) for v in verts]
            out.append(mp.Prism(verts, height, axis=g.axis, sidewall_angle=g.sidewall_angle, material=g.material))
        else:
            out.append(g.shift(mp.Vector3(-c.x, -c.y, -c.z)))
    return out


def _index_range(mp, sim) -> tuple[float, float]:
    ns = [np.sqrt(float(m.epsilon_diag.x) * float(m.mu_diag.x))
          for m in [sim.default_material] + [g.material for g in sim.geometry]]
    return min(ns), max(ns)


def solve_port_mode(mp, mpb, sim, center, size, freq: float, axis, parity, band: int = 1) -> PortMode:
    """The ``band``-th mode of the port plane (``center``, ``size``) travelling along +axis at ``freq``."""
    a = _axis_index(mp, axis)
    c = np.array([center.x, center.y, center.z], float)
    s = np.array([size.x, size.y, size.z], float)
    s[a] = 0.0
    two_d = sim.dimensions == 2
    if two_d:
        s[2] = 0.0
    ms = mpb.ModeSolver(geometry_lattice=mp.Lattice(size=mp.Vector3(*s)),
                        geometry=_shifted_geometry(mp, sim.geometry, mp.Vector3(*c), two_d),
                        default_material=sim.default_material, resolution=sim.resolution, num_bands=band,
                        ensure_periodicity=False, tolerance=1e-12)
    ms.verbose = False
    n_lo, n_hi = _index_range(mp, sim)
    kdir = mp.Vector3(*np.eye(3)[a])
    k = ms.find_k(parity, freq, band, band, kdir, 1e-10, freq * 0.5 * (n_lo + n_hi), freq * n_lo, freq * n_hi)[0]
    e = np.asarray(ms.get_efield(band, bloch_phase=False))
    h = np.asarray(ms.get_hfield(band, bloch_phase=False))
    dims = [d for d in range(3) if s[d] > 0]
    shape = e.shape[:len(dims)]
    e, h = e.reshape(*shape, 3), h.reshape(*shape, 3)
    coords = [c[d] - s[d] / 2 + np.arange(n) * s[d] / n for d, n in zip(dims, shape)]
    # fix the phase (largest transverse E sample real positive) and the sign (power along +axis)
    tang = [d for d in range(3) if d != a]
    et = e[..., tang]
    idx = np.unravel_index(np.argmax(np.abs(et)), et.shape)
    ph = np.exp(-1j * np.angle(et[idx]))
    e, h = e * ph, h * ph
    if np.sum(_cross_n(a, e.conj(), h)).real < 0:  # MPB's H sign: make the mode carry power along +axis
        h = -h
    mode = PortMode(a, c, dims, coords, [float(s[d]) for d in dims], e, h, float(k))
    return mode


def _cross_n(a: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(u x v) . e_a for fields (..., 3)."""
    i, j = (a + 1) % 3, (a + 2) % 3
    return u[..., i] * v[..., j] - u[..., j] * v[..., i]


class _ModeCache:
    def __init__(self, mp, mpb):
        self.mp, self.mpb, self.cache = mp, mpb, {}

    def get(self, sim, center, size, freq, axis, parity) -> PortMode:
        key = (tuple(center), tuple(size), round(float(freq), 12), _axis_index(self.mp, axis), int(parity),
               sim.dimensions)
        if key not in self.cache:
            mode = None
            if self.mp.am_master():
                mode = solve_port_mode(self.mp, self.mpb, sim, center, size, freq, axis, parity)
            self.cache[key] = _bcast(mode)
        return self.cache[key]


def _mode_flux_parts(mode: PortMode, e: np.ndarray, h: np.ndarray, w: np.ndarray, em, hm):
    a = mode.axis
    x1 = np.sum(w * _cross_n(a, em.conj(), h))
    x2 = np.sum(w * _cross_n(a, e, hm.conj()))
    nn = np.sum(w * _cross_n(a, em.conj(), hm)).real
    return x1, x2, nn


def install(mp) -> None:
    """Replace ``mp.EigenModeSource`` and ``Simulation.get_eigenmode_coefficients`` in this process by the
    MPB-based versions above (only for a build without MPB: see :func:`build_has_mpb`)."""
    mpb = import_serial_mpb(mp)
    modes = _ModeCache(mp, mpb)
    orig_add_source = mp.Simulation.add_source

    class PortModeSource(mp.Source):
        """Stand-in for ``mp.EigenModeSource``: one-way launch of the port mode (see the module doc)."""

        def __init__(self, src, center=None, volume=None, eig_lattice_size=None, eig_lattice_center=None,
                     component=mp.ALL_COMPONENTS, direction=mp.AUTOMATIC, eig_band=1, eig_kpoint=None,
                     eig_match_freq=True, eig_parity=mp.NO_PARITY, eig_resolution=0, eig_tolerance=1e-12,
                     size=None, amplitude=1.0, **kwargs):
            super().__init__(src, component=mp.Ey, center=center, volume=volume, size=size or mp.Vector3(),
                             amplitude=amplitude)
            if eig_band != 1 or not eig_match_freq:
                raise ValueError("MPI port-mode source: only eig_band=1 with eig_match_freq=True")
            kp = eig_kpoint if eig_kpoint is not None else mp.Vector3(*np.eye(3)[direction])
            comps = [kp.x, kp.y, kp.z]
            self.port_axis = int(np.argmax(np.abs(comps)))
            self.port_sign = 1.0 if comps[self.port_axis] > 0 else -1.0
            self.eig_parity = eig_parity

    def add_source(self, src):
        if not isinstance(src, PortModeSource):
            return orig_add_source(self, src)
        if self.fields is None:
            self.init_sim()
        a = src.port_axis
        axis = (mp.X, mp.Y, mp.Z)[a]
        mode = modes.get(self, src.center, src.size, src.src.frequency, axis, src.eig_parity)
        # a wave along s*axis has the +axis mode's transverse E and s times its transverse H
        s = src.port_sign
        n = np.eye(3)[a] * s
        ecomp = (mp.Ex, mp.Ey, mp.Ez)
        hcomp = (mp.Hx, mp.Hy, mp.Hz)
        scale = float(np.max(np.abs(mode.e))) or 1.0
        for kind in ("J", "K"):
            for c in range(3):
                if c == a:
                    continue
                def amp(p, c=c, kind=kind):  # meep passes p relative to the source centre
                    e, h = mode.fields_at(np.array([[p.x + src.center.x, p.y + src.center.y, p.z + src.center.z]]))
                    v = np.cross(n, s * h[0]) if kind == "J" else -np.cross(n, e[0])
                    return complex(v[c])
                # skip components the mode does not have (e.g. Ez, Hx, Hy of a 2D TE mode)
                probe = mode.h if kind == "J" else mode.e
                other = [d for d in range(3) if d not in (a, c)][0]
                if np.max(np.abs(probe[..., other])) < 1e-9 * scale:
                    continue
                comp = ecomp[c] if kind == "J" else hcomp[c]
                orig_add_source(self, mp.Source(src.src, component=comp, center=src.center, size=src.size,
                                                amp_func=amp, amplitude=src.amplitude))

    def get_eigenmode_coefficients(self, flux, bands, eig_parity=mp.NO_PARITY, eig_vol=None, eig_resolution=0,
                                   eig_tolerance=1e-12, kpoint_func=None, direction=mp.AUTOMATIC):
        if list(bands) != [1] or kpoint_func is not None or eig_vol is not None or direction == mp.AUTOMATIC:
            raise ValueError("MPI port-mode coefficients: only bands=[1] with an explicit direction")
        xs, ys, zs, w = self.get_array_metadata(dft_cell=flux)
        pts = np.stack([g.ravel() for g in np.meshgrid(xs, ys, zs, indexing="ij")], axis=-1)
        w = np.asarray(w)
        freqs = mp.get_flux_freqs(flux)
        a = _axis_index(mp, direction)
        center, size = flux.regions[0].center, flux.regions[0].size
        alpha = np.zeros((1, len(freqs), 2), complex)
        ecomp, hcomp = (mp.Ex, mp.Ey, mp.Ez), (mp.Hx, mp.Hy, mp.Hz)
        for i, f in enumerate(freqs):
            mode = modes.get(self, center, size, f, direction, eig_parity)
            em, hm = mode.fields_at(pts)
            e = np.zeros((len(pts), 3), complex)
            hh = np.zeros((len(pts), 3), complex)
            for c in range(3):
                if c == a:
                    continue
                if np.any(em[:, c]):
                    e[:, c] = np.asarray(self.get_dft_array(flux, ecomp[c], i)).reshape(-1)
                if np.any(hm[:, c]):
                    hh[:, c] = np.asarray(self.get_dft_array(flux, hcomp[c], i)).reshape(-1)
            em[:, a] = hm[:, a] = 0.0
            x1, x2, nn = _mode_flux_parts(mode, e, hh, w.reshape(-1), em, hm)
            alpha[0, i, 0] = (x1 + x2) / (2 * np.sqrt(nn))
            alpha[0, i, 1] = (x2 - x1) / (2 * np.sqrt(nn))
        return mp.simulation.EigCoeffsResult(alpha, None, None, None, None)

    mp.EigenModeSource = PortModeSource
    mp.Simulation.add_source = add_source
    mp.Simulation.get_eigenmode_coefficients = get_eigenmode_coefficients


__all__ = ["PortMode", "build_has_mpb", "import_serial_mpb", "install", "solve_port_mode"]
