"""1D slab modes and the effective-index reduction used for 2D FDTD.

Method (Marcatili/Knox-Toulios effective-index method, e.g. K. Okamoto,
"Fundamentals of Optical Waveguides", 2nd ed., ch. 2.3):

1. vertical: the layer stack under the waveguide core (from the PDK's layer
   stack) is solved as a 1D slab for TE polarisation at the design wavelength;
   its fundamental effective index is the 2D "core" index;
2. the region beside the core (etched region) is solved the same way; if it
   guides nothing (deep etch, or a uniform oxide as in the Si3N4 PDKs) the 2D
   "cladding" index is the index of the material that fills it at core height;
3. in 2D the quasi-TE mode has its electric field in the plane, so meep runs
   with in-plane E (Hz, "TM" in slab language) and the lateral 1D problem for
   supermodes is solved with the TM slab operator.

The 1D solver is a second-order finite-difference eigenproblem on a uniform
grid with zero-field walls far from the core; TM uses the ``1/n^2``-weighted
operator. Checked against the analytic symmetric-slab dispersion relation in
``tests/test_coupler.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.linalg import eigh_tridiagonal


class EimError(ValueError):
    """The layer stack cannot be reduced (e.g. unknown material at this wavelength)."""


def slab_neff(indices: Sequence[float], thicknesses_um: Sequence[float], wavelength_um: float, *,
              pol: str = "TE", num_modes: int = 1, cladding_um: float | None = None,
              dx_um: float | None = None) -> list[float]:
    """Guided effective indices (descending) of a 1D multilayer.

    ``indices``/``thicknesses_um`` list the finite layers; the first and last
    index also fill ``cladding_um`` of semi-infinite cladding on each side
    (default: 4 wavelengths, enough for the modes this package simulates).
    Modes below the larger outer index are not guided and are dropped.
    """
    if pol not in ("TE", "TM"):
        raise EimError(f"pol={pol!r} must be 'TE' or 'TM'")
    if len(indices) != len(thicknesses_um) + 2:
        raise EimError("indices must have two more entries (outer claddings) than thicknesses_um")
    clad = 4 * wavelength_um if cladding_um is None else cladding_um
    thin = min(thicknesses_um) if len(thicknesses_um) else wavelength_um
    dx = dx_um or min(wavelength_um / 300, thin / 20)
    if pol == "TE":
        neffs = _fd_slab(indices, thicknesses_um, wavelength_um, pol, num_modes, clad, dx)
    else:  # the TM scheme converges to first order in dx: Richardson-extrapolate two grids
        coarse = _fd_slab(indices, thicknesses_um, wavelength_um, pol, num_modes, clad, dx)
        fine = _fd_slab(indices, thicknesses_um, wavelength_um, pol, num_modes, clad, dx / 2)
        neffs = 2 * fine - coarse
    floor = max(indices[0], indices[-1])
    return [float(v) for v in neffs[:num_modes] if v > floor + 1e-9]


def _fd_slab(indices, thicknesses_um, wavelength_um, pol, num_modes, clad, dx) -> np.ndarray:
    edges = np.cumsum([0.0, clad, *thicknesses_um, clad])
    eps_l = np.asarray(indices, dtype=float) ** 2

    def cell_mean(values, a, b):
        """Exact average of a piecewise-constant profile over [a, b] (sub-pixel smoothing)."""
        cum = np.r_[0.0, np.cumsum(values * np.diff(edges))]
        return (np.interp(b, edges, cum) - np.interp(a, edges, cum)) / (b - a)

    # cell faces; a whole number of cells so the grid is mirror-symmetric like the (symmetric) structures
    xf = np.linspace(0.0, edges[-1], int(math.ceil(edges[-1] / dx)) + 1)
    dx = xf[1] - xf[0]
    k0 = 2 * math.pi / wavelength_um
    if pol == "TE":  # E'' + k0^2 n^2 E = beta^2 E, eps averaged over each cell (E tangential)
        eps = cell_mean(eps_l, xf[:-1], xf[1:])
        diag = -2.0 / dx**2 + k0 * k0 * eps
        off = np.full(eps.size - 1, 1.0 / dx**2)
    else:  # (H'/eps)' + k0^2 H = beta^2 H / eps: symmetric-definite, solved as b^-1/2 A b^-1/2
        # Interface-normal E_x carries the beta^2 term, so cells and faces both
        # use the average of 1/eps (harmonic averaging of eps).
        binv = cell_mean(1.0 / eps_l, xf[:-1], xf[1:])
        xc = 0.5 * (xf[:-1] + xf[1:])
        p = cell_mean(1.0 / eps_l, xc[:-1], xc[1:])
        pl, pr = np.r_[binv[0], p], np.r_[p, binv[-1]]
        s = 1.0 / np.sqrt(binv)
        diag = (-(pl + pr) / dx**2 + k0 * k0) * s * s
        off = p / dx**2 * s[:-1] * s[1:]
        eps = binv
    vals = eigh_tridiagonal(diag, off, eigvals_only=True, select="i",
                            select_range=(max(0, eps.size - num_modes - 2), eps.size - 1))
    return np.sqrt(np.clip(np.sort(vals)[::-1], 0, None))[:num_modes] / k0


def slab_ng(index_fn, thicknesses_um: Sequence[float], wavelength_um: float, *, pol: str = "TE",
            dl_um: float = 1e-3, **kw) -> float:
    """Group index ``neff - lambda d neff/d lambda`` of the fundamental mode.

    ``index_fn(wavelength_um) -> indices`` carries the material dispersion.
    """
    # one grid for the three wavelengths: a grid that moves with lambda adds noise to dneff/dlambda
    kw.setdefault("dx_um", min(wavelength_um / 300, min(thicknesses_um) / 20))
    kw.setdefault("cladding_um", 4 * wavelength_um)

    def n_at(wl):
        r = slab_neff(index_fn(wl), thicknesses_um, wl, pol=pol, **kw)
        if not r:
            raise EimError(f"no guided {pol} slab mode at {wl:.4f} um")
        return r[0]

    n0 = n_at(wavelength_um)
    d = (n_at(wavelength_um + dl_um) - n_at(wavelength_um - dl_um)) / (2 * dl_um)
    return n0 - wavelength_um * d


@dataclass(frozen=True)
class Reduction2D:
    """Effective 2D indices of a PDK waveguide layer at one wavelength (see module docstring)."""

    pdk: str
    layer: str
    wavelength_um: float
    n_core: float
    n_clad: float
    method: str

    def to_json(self) -> dict:
        return dict(pdk=self.pdk, layer=self.layer, wavelength_um=self.wavelength_um, n_core=self.n_core,
                    n_clad=self.n_clad, method=self.method)


def _n(material: str, wl: float) -> float:
    from weiming.pdk.materials import MaterialError, get_material

    try:
        return float(get_material(material).n(wl))
    except (MaterialError, ImportError) as e:
        raise EimError(f"cannot reduce the stack: material {material!r} at {wl} um: {e}") from e


def vertical_stack(pdk: str, layer: str, wavelength_um: float, etched: bool = False) -> tuple[list[float], list[float]]:
    """(indices incl. outer claddings, finite thicknesses) of the stack under ``layer`` (or beside it if ``etched``)."""
    from weiming.pdk import get_tech

    tech = get_tech(pdk)
    family = tech.extra.get("family")
    st = tech.layer_stack
    if family == "sin":
        n_ox = _n("sio2", wavelength_um)
        if etched:
            return [n_ox, n_ox, n_ox], [st["core"].thickness]
        return [_n(st["box"].material, wavelength_um), _n(st["core"].material, wavelength_um),
                _n(st["clad"].material, wavelength_um)], [st["core"].thickness]
    if family == "inp":
        sub, core, clad, top = st["substrate"], st["core"], st["cladding"], st["planarisation"]
        n_sub, n_core, n_clad, n_top = (_n(lv.material, wavelength_um) for lv in (sub, core, clad, top))
        if not etched:
            return [n_sub, n_core, n_clad, n_top], [core.thickness, clad.thickness]
        etch_key = "deep" if layer == "DEEP" else "shallow"
        depth = float(tech.extra["etches"][etch_key]["depth"])
        z_bottom = clad.zmin + clad.thickness - depth  # etch floor
        layers, ths = [n_sub], []
        for lv, nv in ((core, n_core), (clad, n_clad)):
            t = min(lv.zmin + lv.thickness, z_bottom) - lv.zmin
            if t > 1e-6:
                layers.append(nv)
                ths.append(t)
        if not ths:  # etched through the guide: substrate then planarisation
            return [n_sub, n_top, n_top], [max(core.thickness, 1e-3)]
        return [*layers, n_top], ths
    raise EimError(f"PDK {pdk!r} has no known layer-stack family for the 2D reduction")


def reduce_2d(pdk: str, layer: str | None = None, wavelength_um: float = 1.55) -> Reduction2D:
    """Core and cladding indices for 2D FDTD of ``layer`` (default: the PDK's waveguide layer)."""
    from weiming.pdk import get_tech

    tech = get_tech(pdk)
    layer = layer or ("WG" if tech.extra.get("family") == "sin" else "DEEP")
    idx, th = vertical_stack(pdk, layer, wavelength_um)
    core = slab_neff(idx, th, wavelength_um, pol="TE")
    if not core:
        raise EimError(f"the {pdk} stack under {layer} guides no TE slab mode at {wavelength_um} um")
    idx_o, th_o = vertical_stack(pdk, layer, wavelength_um, etched=True)
    side = slab_neff(idx_o, th_o, wavelength_um, pol="TE")
    if side:
        n_bg, how = side[0], "slab TE neff of the etched region"
    else:  # no guided mode beside the ridge: the filling material at core height
        n_bg, how = idx_o[-1] if tech.extra.get("family") == "inp" else idx_o[1], "index of the filling material"
    method = (f"effective-index method at {wavelength_um} um: core = slab TE neff of the stack under {layer}; "
              f"cladding = {how}")
    return Reduction2D(pdk, layer, wavelength_um, core[0], float(n_bg), method)


__all__ = ["EimError", "slab_neff", "slab_ng", "Reduction2D", "vertical_stack", "reduce_2d", "bent_slab_neff",
           "bent_slab_ng"]


def bent_slab_neff(n_core: float, n_clad: float, width_um: float, radius_um: float, wavelength_um: float, *,
                   pol: str = "TM", outer_um: float | None = None, dx_um: float | None = None) -> float:
    """Effective index of a 2D bend, referred to its centre radius (``beta R = m``).

    Conformal transformation (M. Heiblum, J. H. Harris, IEEE JQE 11, 75 (1975)):
    the bend becomes a straight guide with index ``n(x) exp(x / R)``, x outward
    from the guide centre, staircased on a fine grid. Outside the bend the
    transformed index eventually exceeds the mode index (radiation); the
    window stops short of that turning point (``outer_um``, default 90 % of
    ``R ln(neff / n_clad)``, at most 3 um past the edge), which keeps the
    guided mode and drops its (here negligible) radiation leakage.
    """
    if outer_um is None:
        n_str = slab_neff([n_clad, n_core, n_clad], [width_um], wavelength_um, pol=pol)
        if not n_str:
            raise EimError(f"a {width_um} um guide of index {n_core} in {n_clad} guides no {pol} mode")
        outer_um = min(0.9 * radius_um * math.log(n_str[0] / n_clad), width_um / 2 + 3.0)
    outer = outer_um
    inner = width_um / 2 + 3.0
    dx = dx_um or min(wavelength_um / 300, width_um / 40)
    x = np.arange(-inner, outer, dx) + dx / 2
    n = np.where(np.abs(x) < width_um / 2, n_core, n_clad) * np.exp(x / radius_um)
    vals = _fd_slab([n[0], *n, n[-1]], [dx] * x.size, wavelength_um, pol, 1, dx, dx)
    return float(vals[0])


def bent_slab_ng(n_core: float, n_clad: float, width_um: float, radius_um: float, wavelength_um: float,
                 dl_um: float = 2e-3, **kw) -> float:
    """Group index of a 2D bend of non-dispersive materials, ``neff - lambda dneff/dlambda``."""
    if kw.get("outer_um") is None:  # fix the window (and so the grid) at the centre wavelength
        n_str = slab_neff([n_clad, n_core, n_clad], [width_um], wavelength_um, pol=kw.get("pol", "TM"))
        kw["outer_um"] = min(0.9 * radius_um * math.log(n_str[0] / n_clad), width_um / 2 + 3.0)
    kw.setdefault("dx_um", min(wavelength_um / 300, width_um / 40))
    f = [bent_slab_neff(n_core, n_clad, width_um, radius_um, wavelength_um + s * dl_um, **kw) for s in (-1, 0, 1)]
    return f[1] - wavelength_um * (f[2] - f[0]) / (2 * dl_um)
