"""Second, independent mode solver (femwell finite elements) for validating MPB.

Validation only (femwell is the optional ``validation`` extra). The same
:class:`weiming.sims.modes.mpb.XsGeometry` rectangles are meshed with gmsh (fine
near the core, coarse far away: a non-uniform mesh, unlike MPB's uniform
grid) and solved with second-order Nedelec x Lagrange elements
(``femwell.maxwell.waveguide.compute_modes``). One mesh serves every
wavelength of a sweep; bends use femwell's own conformal factor
``eps (1 + y/R)^2``.
"""

from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from weiming.sims.modes.mpb import (  # noqa: F401
    NG_STEP_UM,
    XsGeometry,
    default_numerics,
    ng_d_beta2,
    pair_geometry,
    xs_geometry,
)


@dataclass(frozen=True)
class FemSettings:
    """Mesh sizes (um): ``core`` inside and near the core, ``far`` elsewhere."""

    core_um: float = 0.03
    far_um: float = 0.4
    margin_y_um: float | None = None  # default: the MPB defaults of the PDK
    margin_z_um: float | None = None
    order: int = 2


#: femwell meshes of the ``femwell`` cross-check solver of weiming.sims.modes.dispersion, per PDK:
#: benchmarked within the dispersion targets (neff 3e-5, ng 1e-4, D 2 %) of the converged
#: reference (benchmarks/dispersion.py, tests/ref_dispersion.json). sin100: the 0.1-um mesh
#: (neff 6.5e-6 off; the 0.2-um one meets the targets too but at 1.9e-5, near the limit);
#: sin800: the 0.2-um mesh (2.8e-5; 0.3 um misses by 1e-4).
#: The thin sin100 film needs wide walls: at the MPB default 3.0/3.5 um its ng is 1.4e-4 low,
#: at 5 um within 5e-6 of 7 um (femwell 0.05-um mesh, 1.55 um).
FEM_DEFAULTS = {
    "sin100": FemSettings(core_um=0.1, far_um=0.5, margin_y_um=4.0, margin_z_um=5.0),
    "sin800": FemSettings(core_um=0.2, far_um=0.6, margin_y_um=1.5, margin_z_um=1.5),
    "inp": FemSettings(core_um=0.1, far_um=0.5),
}


def default_fem_settings(pdk: str) -> FemSettings:
    """The femwell mesh of the dispersion cross-check for ``pdk`` (FEM_DEFAULTS, else 0.05/0.5 um)."""
    return FEM_DEFAULTS.get(pdk, FemSettings(core_um=0.05, far_um=0.5))


class FemWaveguide:
    """A meshed cross-section; ``neff(wavelength_um)`` on the same mesh every time."""

    def __init__(self, geom: XsGeometry, settings: FemSettings = FemSettings(), radius_um: float | None = None):
        from shapely.geometry import box
        from skfem import Basis, ElementTriP0
        from femwell.mesh import mesh_from_OrderedDict

        self.geom = geom
        self.radius_um = radius_um
        num = default_numerics(geom.pdk)
        my = settings.margin_y_um if settings.margin_y_um is not None else num.margin_y_um
        mz = settings.margin_z_um if settings.margin_z_um is not None else num.margin_z_um
        z0, z1 = geom.core_z
        w = geom.width_um
        win = (-w / 2 - my, w / 2 + my, z0 - mz, z1 + mz)
        self.window = win
        polys: "OrderedDict[str, object]" = OrderedDict()
        self.region_material: dict[str, str] = {}
        # femwell: earlier keys win, so the last-painted rectangle goes first
        for i, r in reversed(list(enumerate(geom.rects))):
            ya, yb = max(r.y0, win[0]), min(r.y1, win[1])
            za, zb = max(r.z0, win[2]), min(r.z1, win[3])
            if yb > ya and zb > za:
                polys[f"r{i}"] = box(ya, za, yb, zb)
                self.region_material[f"r{i}"] = r.material
        polys["top"] = box(win[0], win[2], win[1], win[3])
        self.region_material["top"] = geom.top_material
        # tile (drop what higher-priority shapes cover) and drop empty regions: gmsh fails on them
        tiled: "OrderedDict[str, object]" = OrderedDict()
        covered = None
        for k, shp in polys.items():
            rest = shp if covered is None else shp.difference(covered)
            covered = shp if covered is None else covered.union(shp)
            if rest.area > 1e-9:
                tiled[k] = rest
        polys = tiled
        # every core (two for a coupler's pair of guides) gets the fine mesh
        resolutions = {k: {"resolution": settings.core_um, "distance": 1.0}
                       for k in polys if k != "top" and self._is_core(k)}
        with tempfile.TemporaryDirectory() as d:
            fn = os.path.join(d, "mesh.msh")
            mesh_from_OrderedDict(polys, resolutions, filename=fn, default_resolution_max=settings.far_um)
            from skfem import Mesh

            self.mesh = Mesh.load(fn)
        self.basis0 = Basis(self.mesh, ElementTriP0())
        self.order = settings.order
        self._last_n = None

    def _is_core(self, key: str) -> bool:
        i = int(key[1:])
        r = self.geom.rects[i]
        return abs(r.z0 - self.geom.core_z[0]) < 1e-9 and abs(r.z1 - self.geom.core_z[1]) < 1e-9

    def solve(self, wavelength_um: float, num_modes: int = 1):
        from femwell.maxwell.waveguide import compute_modes

        n = self.geom.n_at(wavelength_um)
        eps = self.basis0.zeros(dtype=complex)
        for key, mat in self.region_material.items():
            try:
                dofs = self.basis0.get_dofs(elements=key)
            except (KeyError, ValueError):
                continue
            eps[dofs] = n[mat] ** 2
        kw = {"radius": self.radius_um} if self.radius_um else {}
        guess = self._last_n or max(n.values())
        modes = compute_modes(self.basis0, eps, wavelength=wavelength_um, num_modes=num_modes, order=self.order,
                              n_guess=guess, **kw)
        modes = sorted(modes, key=lambda m: -np.real(m.n_eff))
        self._last_n = float(np.real(modes[0].n_eff))
        return modes

    def neff(self, wavelength_um: float) -> float:
        return float(np.real(self.solve(wavelength_um)[0].n_eff))


def femwell_neff_ng(pdk: str, xs: str, wavelength_um: float = 1.55, *, settings: FemSettings = FemSettings(),
                    width=None, thickness=None, radius_um=None) -> dict:
    """neff, ng (central difference +-NG_STEP_UM, same as MPB) and TE fraction of the fundamental mode."""
    fem = FemWaveguide(xs_geometry(pdk, xs, width=width, thickness=thickness), settings, radius_um)
    m0 = fem.solve(wavelength_um)[0]
    n0 = float(np.real(m0.n_eff))
    lo, hi = fem.neff(wavelength_um - NG_STEP_UM), fem.neff(wavelength_um + NG_STEP_UM)
    return {"neff": n0, "ng": n0 - wavelength_um * (hi - lo) / (2 * NG_STEP_UM), "te_fraction": float(m0.te_fraction)}


def femwell_neff_sweep(pdk: str, xs: str, wavelengths_um, *, settings: FemSettings = FemSettings(), width=None,
                       thickness=None, radius_um=None) -> np.ndarray:
    """neff of the fundamental mode at each wavelength on ONE mesh."""
    fem = FemWaveguide(xs_geometry(pdk, xs, width=width, thickness=thickness), settings, radius_um)
    return np.array([fem.neff(float(w)) for w in np.atleast_1d(wavelengths_um)])


def femwell_supermode_split(pdk: str, xs: str, gap_um: float, wavelength_um: float = 1.55, *,
                            settings: FemSettings = FemSettings(core_um=0.05, far_um=0.4, margin_y_um=6.0),
                            width=None) -> dict:
    """Even/odd supermode indices of two parallel guides of ``xs`` with femwell (independent of MPB).

    The pair is meshed in one domain with zero-field walls ``margin_y_um``
    beyond the outer guide edges (no periodic images: a different boundary
    treatment than MPB's periodic cell); the two highest-index quasi-TE modes
    are the even and odd supermodes.
    """
    fem = FemWaveguide(pair_geometry(xs_geometry(pdk, xs, width=width), gap_um), settings)
    modes = [m for m in fem.solve(wavelength_um, num_modes=4) if float(m.te_fraction) > 0.5]
    if len(modes) < 2:
        raise RuntimeError(f"femwell found fewer than two quasi-TE supermodes at gap {gap_um} um")
    n_e, n_o = (float(np.real(m.n_eff)) for m in modes[:2])
    return {"n_even": n_e, "n_odd": n_o, "split": n_e - n_o}


@lru_cache(maxsize=64)
def _split_cached(pdk: str, xs: str, gap_um: float, wavelength_um: float, settings: FemSettings) -> float:
    """In-process memo of femwell splits (point and pulley checks of one gap share the solves)."""
    return femwell_supermode_split(pdk, xs, gap_um, wavelength_um, settings=settings)["split"]


def femwell_kappa2(pdk: str, xs: str, gap_um: float, radius_um: float, *, coupler: str = "point",
                   wrap_angle_deg: float | None = None, wavelength_um: float = 1.54978, decay_lengths: float = 2.0,
                   settings: FemSettings | None = None) -> dict:
    """kappa^2 of a ring-bus coupler from femwell supermodes: an independent check of the MPB coupler model.

    femwell gives the split at the design gap and ``decay_lengths`` field decay
    lengths further out (its own single-guide mode sets the decay length); the
    split is exponential through and beyond them. The same coupled-mode
    integration along the curved gap as the production model
    (:func:`weiming.sims.devices.coupler.integrate_coupler`) turns it into kappa^2.
    """
    import math

    from weiming.sims.devices.coupler import integrate_coupler

    geom = xs_geometry(pdk, xs)
    n_cl = geom.n_at(wavelength_um)[geom.material_at(0.0, geom.core_z[1] + 0.5)]
    core = min(0.15, geom.thickness_um)  # at least one element across a thin film
    # the single guide with wide walls gives femwell's own neff and decay length 1/gamma
    n1 = FemWaveguide(geom, FemSettings(core_um=core, far_um=0.8, margin_y_um=6.0, margin_z_um=5.0)).neff(
        wavelength_um)
    gamma = 2 * math.pi / wavelength_um * math.sqrt(n1 * n1 - n_cl * n_cl)
    if settings is None:
        # coarse mesh (the split converges fast: sin100 at 2.5 um, 0.1/0.6-um mesh vs 0.05/0.4: +1.4 %);
        # zero-field walls 5 (lateral) and 4 (vertical) field decay lengths from the cores, where the
        # field is below 2 % (the walls' image coupling to the other guide is then < 1e-4 of the direct one)
        settings = FemSettings(core_um=core, far_um=0.8, margin_y_um=max(1.5, 5 / gamma),
                               margin_z_um=max(1.5, 4 / gamma))
    g2 = gap_um + decay_lengths / gamma
    dn = [_split_cached(pdk, xs, g, wavelength_um, settings) for g in (gap_um, g2)]
    k2, _ = integrate_coupler([gap_um, g2], dn, 2 * math.pi * n1 / wavelength_um, wavelength_um, gap_um, radius_um,
                              geom.width_um, geom.width_um, coupler, wrap_angle_deg)
    return {"kappa2": k2, "gaps_um": [gap_um, g2], "splits": dn, "neff": n1}


def femwell_reference(pdk: str, xs: str, settings: FemSettings, wavelength_um: float = 1.55, step_um: float = 0.02,
                      width=None, thickness=None) -> dict:
    """neff, ng and D (ps/nm/km) at ``wavelength_um`` from femwell on one mesh with 5-point stencils.

    The converged reference of the dispersion benchmark and tests: a fine
    mesh and wide walls (``settings``); 5-point central differences over
    +-2 ``step_um`` (truncation O(step^4): below 1e-7 in ng for these guides).
    """
    h = float(step_um)
    w = wavelength_um + h * np.arange(-2, 3)
    fem = FemWaveguide(xs_geometry(pdk, xs, width=width, thickness=thickness), settings)
    n = np.array([fem.neff(float(x)) for x in w])
    d1 = (n[0] - 8 * n[1] + 8 * n[3] - n[4]) / (12 * h)
    d2 = (-n[0] + 16 * n[1] - 30 * n[2] + 16 * n[3] - n[4]) / (12 * h * h)
    ng, d, _ = ng_d_beta2(wavelength_um, n[2], d1, d2)
    return {"neff": float(n[2]), "ng": float(ng), "d_ps_nm_km": float(d),
            "mesh_nodes": int(fem.mesh.p.shape[1])}
