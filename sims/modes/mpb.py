"""Fully vectorial waveguide modes of a PDK cross-section with MPB.

The cross-section (y lateral, z vertical, propagation along x) is built from
the PDK data: the layer stack levels (zmin, thickness, material), the
cross-section width and, for the InP ridges, the etch depths in
``tech.extra["etches"]`` (:func:`xs_geometry`). MPB (``meep.mpb``) solves it
as a 2D periodic cell in (y, z) with k along x; at a fixed frequency the
wavenumber is found by Newton's method on k using MPB's exact (Hellmann-
Feynman) group velocity, so ``neff = k / omega`` directly at the wavelength.
Materials are dispersive: every wavelength sets n(lambda) from the PDK's
Sellmeier models, on ONE fixed grid (cell and resolution do not depend on the
wavelength: per-wavelength grids corrupt ng and D, gdsfactory issue 1647).

Derived quantities
------------------
- ``ng = neff - lambda dneff/dlambda`` from a central difference (+-5 nm) on
  the same grid, material dispersion included (MPB's own group velocity is at
  fixed epsilon and misses it).
- ``te_fraction = int |Ey|^2 / int (|Ey|^2 + |Ez|^2)`` (y = in-plane).
- ``aeff_um2 = (int |E|^2)^2 / int |E|^4`` (the nonlinear effective area).
- ``gamma_per_w_m = 2 pi n2 / (lambda Aeff)`` with n2(Si3N4) = 2.4e-19 m^2/W
  (Ikeda et al., Opt. Express 16, 12987 (2008)); None for materials without a
  cited n2.
- Bent modes (``radius_um``): conformal transformation, n(y) -> n(y)(1 + y/R)
  with y outward from the waveguide centre (Heiblum & Harris, IEEE JQE 11, 75
  (1975)); neff is then referred to the radius R (beta R = m for a ring).
  Linearised, and the core edges are not moved to ``R ln(1 + y/R)``: both are
  second order in w/R, about ``w^2 / (8 R^2)`` in neff (8e-6 for the sin800
  ring at 225 um, 3e-7 for the sin100 comb ring; 3e-4 at R = 20 um, where the
  2D solver :func:`weiming.sims.modes.slab.fd_modes` with ``radius_um`` is exact).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from weiming.sims.cache import cached

#: Kerr index of LPCVD Si3N4, m^2/W: Ikeda et al., Opt. Express 16, 12987 (2008).
N2_M2_PER_W = {"si3n4": 2.4e-19}

#: ng central-difference half step, um (truncation ~lambda dl^2 n'''/6 < 1e-6).
NG_STEP_UM = 0.005

#: Version of the solver algorithm, part of every cache key: bump it when a
#: change alters results so that stale disk-cache entries are not reused.
ALGO_VERSION = 3

#: Conformal-bend strips: index step between strips <= this fraction of n.
BEND_STRIP_STEP = 5e-4

#: A mode with more than this share of |E|^2 in the outer 5 pixels of the
#: cell is a mode of the periodic cell, not a guided mode (dropped).
GUIDED_EDGE_FRACTION = 0.01

#: Newton tolerance on the frequency mismatch (MPB units, relative ~1e-10).
_FREQ_TOL = 1e-10


class ModeSolverInputError(ValueError):
    """Bad input to the mode solver (unknown cross-section, negative width...)."""


# ---------------------------------------------------------------------------
# Geometry of a cross-section inside its layer stack
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Rect:
    """A rectangle of one material; later rectangles paint over earlier ones (um)."""

    y0: float
    y1: float
    z0: float
    z1: float
    material: str


@dataclass(frozen=True)
class XsGeometry:
    """A cross-section in its stack: painted rectangles plus the guiding core."""

    pdk: str
    xs: str
    width_um: float
    thickness_um: float
    rects: tuple[Rect, ...]
    core_z: tuple[float, float]  # z range of the guiding (core) level, um
    top_material: str  # above every level

    def n_at(self, wavelength_um: float) -> dict[str, float]:
        """Refractive index of every material at ``wavelength_um``."""
        names = {r.material for r in self.rects} | {self.top_material}
        return {m: material_index(m, wavelength_um) for m in sorted(names)}

    def material_at(self, y: float, z: float) -> str:
        m = self.top_material
        for r in self.rects:
            if r.y0 <= y <= r.y1 and r.z0 <= z <= r.z1:
                m = r.material
        return m


_C_M_S = 299_792_458.0


def ng_d_beta2(wl, n, d1, d2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ng, D (ps/nm/km), beta2 (ps^2/km) from neff and its first two wavelength derivatives (1/um, 1/um^2).

    ``ng = n - lambda dn/dlambda``, ``D = -(lambda/c) d2n/dlambda2``, ``beta2 = -lambda^2 D / (2 pi c)``.
    """
    ng = n - wl * d1
    d_s_m2 = -(wl * 1e-6 / _C_M_S) * d2 * 1e12  # n'' in 1/um^2 -> 1/m^2
    beta2 = -(wl * 1e-6) ** 2 * d_s_m2 / (2 * math.pi * _C_M_S)
    return ng, d_s_m2 * 1e6, beta2 / 1e-27


def material_index(name: str, wavelength_um: float) -> float:
    """Real index of PDK material ``name`` at ``wavelength_um`` (InGaAsP via weiming.pdk.quaternary)."""
    from weiming.pdk.materials import get_material

    return float(get_material(name).n(wavelength_um))


def _optical(material: str) -> bool:
    from weiming.pdk.materials import get_material

    return get_material(material).index_model is not None


def xs_geometry(pdk: str, xs: str, *, width: float | None = None, thickness: float | None = None) -> XsGeometry:
    """The cross-section ``xs`` of PDK ``pdk`` as painted rectangles (um).

    Stack model: the levels without a mask layer (oxides, substrate,
    planarisation) are full-width slabs, the lowest extended downwards; for
    etched platforms (``extra["etches"]``, InP) the masked optical levels are the
    epitaxial stack, etched down by the cross-section's etch depth outside
    ``|y| <= width/2`` and refilled with the material above the stack (BCB,
    assumption); otherwise (Si3N4) the masked core level is a ``width`` wide
    rectangle. ``thickness`` overrides the level called ``core`` (levels above
    it move up). Metal levels have no optical model and are left out.
    """
    from weiming.pdk import get_tech

    try:
        tech = get_tech(pdk)
    except KeyError as e:
        raise ModeSolverInputError(e.args[0]) from None
    try:
        xdef = tech.xs(xs)
    except KeyError as e:
        raise ModeSolverInputError(e.args[0]) from None
    if xdef.port_type != "optical":
        optical = sorted(n for n, x in tech.cross_sections.items() if x.port_type == "optical")
        raise ModeSolverInputError(f"cross-section {xs!r} of PDK {pdk} is electrical; optical: {optical}")
    w = float(xdef.width if width is None else width)
    if not (w > 0 and math.isfinite(w)):
        raise ModeSolverInputError(f"width={width} um must be a positive number")
    levels = [lv for lv in tech.layer_stack.values() if _optical(lv.material)]
    core = tech.layer_stack.get("core")
    if core is None:
        raise ModeSolverInputError(f"PDK {pdk} has no layer-stack level called 'core'")
    t = float(core.thickness if thickness is None else thickness)
    if not (t > 0 and math.isfinite(t)):
        raise ModeSolverInputError(f"thickness={thickness} um must be a positive number")
    dt = t - core.thickness
    top_old = core.zmin + core.thickness

    def span(lv) -> tuple[float, float]:
        if lv.name == "core":
            return lv.zmin, lv.zmin + t
        z0 = lv.zmin + (dt if lv.zmin >= top_old - 1e-9 else 0.0)
        return z0, z0 + lv.thickness

    inf = math.inf
    rects: list[Rect] = []
    background = [lv for lv in levels if lv.layer is None]
    zlow = min(span(lv)[0] for lv in levels)
    for lv in background:
        z0, z1 = span(lv)
        rects.append(Rect(-inf, inf, -inf if z0 <= zlow else z0, z1, lv.material))
    masked = [lv for lv in levels if lv.layer is not None]
    etches = tech.extra.get("etches")
    if etches:
        key = xs if xs in etches else xdef.layer.lower()
        if key not in etches:
            raise ModeSolverInputError(f"no etch depth for cross-section {xs!r} in PDK {pdk}; etches: {sorted(etches)}")
        for lv in masked:
            z0, z1 = span(lv)
            rects.append(Rect(-inf, inf, -inf if z0 <= zlow else z0, z1, lv.material))
        ztop = max(span(lv)[1] for lv in masked)
        zbot = ztop - float(etches[key]["depth"])
        above = [lv for lv in background if abs(span(lv)[0] - ztop) < 1e-9]
        fill = above[0].material if above else "air"
        rects += [Rect(-inf, -w / 2, zbot, ztop, fill), Rect(w / 2, inf, zbot, ztop, fill)]
    else:
        for lv in masked:
            if lv.layer == xdef.layer:
                z0, z1 = span(lv)
                rects.append(Rect(-w / 2, w / 2, z0, z1, lv.material))
    zc = span(core)
    return XsGeometry(pdk, xs, w, t, tuple(rects), zc, "air")


def pair_geometry(geom: XsGeometry, gap_um: float) -> XsGeometry:
    """Two copies of the core of ``geom`` side by side, edge gap ``gap_um``, mirror-symmetric about y = 0.

    For the supermodes of a directional (ring-bus) coupler. Only cross-sections
    whose core is one painted rectangle (the Si3N4 strips) can be paired; the
    result's ``width_um`` is the outer width ``2 w + gap``.
    """
    w, (z0, z1) = geom.width_um, geom.core_z
    g = float(gap_um)
    if not (g > 0 and math.isfinite(g)):
        raise ModeSolverInputError(f"gap_um={gap_um} must be a positive number")
    cores = [r for r in geom.rects if abs(r.y0 + w / 2) < 1e-12 and abs(r.y1 - w / 2) < 1e-12
             and abs(r.z0 - z0) < 1e-12 and abs(r.z1 - z1) < 1e-12]
    if len(cores) != 1:
        raise ModeSolverInputError(f"cross-section {geom.xs!r} of PDK {geom.pdk} has no single rectangular core "
                                   "to pair (coupled supermodes need a strip waveguide)")
    c = cores[0]
    rects = [r for r in geom.rects if r is not c]
    rects += [Rect(-g / 2 - w, -g / 2, z0, z1, c.material), Rect(g / 2, g / 2 + w, z0, z1, c.material)]
    return replace(geom, xs=f"{geom.xs}[pair gap {g}]", width_um=2 * w + g, rects=tuple(rects))


# ---------------------------------------------------------------------------
# Numerical settings (chosen with weiming.sims.modes.convergence; see its docstring)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Numerics:
    """Grid of the MPB cell: pixels per um and margins around the core (um)."""

    resolution: int
    margin_y_um: float
    margin_z_um: float
    tolerance: float = 1e-8  # MPB eigensolver tolerance (1e-9 changes neff by 4e-9 and D by 1e-6 relative, 1.8x slower)


#: Defaults per PDK from the convergence study (``python -m weiming.sims.modes.convergence
#: sin100 resonator``, 1.55 um). sin100 resonator, neff (ng) change against the
#: finest run: resolution 20/30/40 vs 60 px/um: +3.3e-4/+1.4e-4/+4.6e-5
#: (ng +1.9e-3/+7.3e-4/+3.0e-4); margins 1.5/2.5/3.5 vs 5 um: +1.9e-3/+1.2e-4/
#: +1.2e-5 (ng -1.2e-2/-1.7e-3/-2.1e-4). The 100-nm SiN mode decays only
#: ~1/1.2 um into the oxide, hence its margins of several um. Resolution 30
#: keeps a 41-wavelength sweep near a minute; its neff is 1.8e-4 above the
#: Richardson-extrapolated value and 2.0e-4 above femwell's. sin800 and InP:
#: tighter modes, 2-um margins; femwell agrees to 2.1e-4 (sin800) and 2.0e-4 (InP).
DEFAULT_NUMERICS = {
    "sin100": Numerics(resolution=30, margin_y_um=3.0, margin_z_um=3.5),
    "sin800": Numerics(resolution=30, margin_y_um=2.0, margin_z_um=2.0),
    "inp": Numerics(resolution=30, margin_y_um=2.0, margin_z_um=2.0),
}


def default_numerics(pdk: str, resolution: int | None = None) -> Numerics:
    num = DEFAULT_NUMERICS.get(pdk, Numerics(30, 2.5, 2.5))
    if resolution is not None:
        if int(resolution) < 4:
            raise ModeSolverInputError(f"resolution={resolution} pixels/um must be >= 4")
        num = replace(num, resolution=int(resolution))
    return num


# ---------------------------------------------------------------------------
# MPB engine
# ---------------------------------------------------------------------------
def _smooth_even(n: int) -> int:
    """Smallest even n' >= n whose only prime factors are 2, 3, 5, 7 (MPB's FFT sizes)."""
    while True:
        m = n
        for p in (2, 3, 5, 7):
            while m % p == 0:
                m //= p
        if m == 1 and n % 2 == 0:
            return n
        n += 1


@dataclass(frozen=True)
class FieldSnapshot:
    """MPB eigenvectors (plane-wave amplitudes, (ny nz, 2, bands)) with their grid, cell and window centre (um)."""

    ev: np.ndarray
    grid: tuple[int, int]
    cell_um: tuple[float, float]
    origin_um: tuple[float, float]


def common_cell(geom: XsGeometry, numerics: list[Numerics]) -> tuple[float, float] | None:
    """The smallest (y, z) cell (um) that covers each grid's own margins in whole pixels of every grid.

    Each grid's pixel is its core width (thickness) over a whole number of
    pixels (:class:`MpbWaveguide`); the cell is a common multiple of all of
    them, with an even, 2-3-5-7-smooth pixel count on each grid (MPB's FFT
    sizes), so fields can move between the grids (:meth:`MpbWaveguide.seed`).
    None when there is no such cell (a grid's core pixel count, over the
    common divisor of all of them, has a prime factor above 7: e.g. 31 pixels
    across the sin100 core at 11 px/um).
    """
    w, (z0, z1) = geom.width_um, geom.core_z
    ly = _common_length(w, [n.resolution for n in numerics], [n.margin_y_um for n in numerics])
    lz = _common_length(z1 - z0, [n.resolution for n in numerics], [n.margin_z_um for n in numerics])
    return None if ly is None or lz is None else (ly, lz)


def _common_length(size: float, resolutions: list[int], margins: list[float]) -> float | None:
    """Smallest j size/g >= size + 2 max(margins), g = gcd of the grids' pixel counts across ``size``,
    with every grid's pixel count j cores_i/g even and 2-3-5-7-smooth (None if no j can make it so)."""
    cores = [max(1, math.ceil(size * r - 1e-9)) for r in resolutions]
    g = math.gcd(*cores)
    if any(_smooth_even(2 * c // g) != 2 * c // g for c in cores):
        return None  # j c/g smooth needs c/g smooth
    unit = size / g  # the longest length that is whole pixels on every grid
    j = max(1, math.ceil(max(size + 2 * m for m in margins) / unit - 1e-9))
    while not all(_smooth_even(j * c // g) == j * c // g for c in cores):
        j += 1
    return j * unit


class MpbWaveguide:
    """One fixed MPB grid for a cross-section; solve at any wavelength on it.

    The cell spans the core +- margins in whole pixels, the core's faces on
    pixel boundaries, so the grid is identical at every wavelength and call.
    """

    def __init__(self, geom: XsGeometry, numerics: Numerics, *, radius_um: float | None = None, num_bands: int = 1,
                 parity: str | None = None, cell_um: tuple[float, float] | None = None):
        from weiming.sims._meep import require_mpb

        self.mpb = require_mpb()
        import meep as mp

        self.mp = mp
        self.geom = geom
        self.num = numerics
        self.radius_um = radius_um
        self.num_bands = int(num_bands)
        # parity "even"/"odd": fields mirror-(anti)symmetric about y = 0 (MPB's
        # EVEN_Y/ODD_Y); the cell is then centred on y = 0 (see below)
        if parity not in (None, "even", "odd"):
            raise ModeSolverInputError(f"parity={parity!r} must be None, 'even' or 'odd'")
        self.parity = parity
        res = numerics.resolution
        w, (zc0, zc1) = geom.width_um, geom.core_z
        # Pixels: the core width (y) and thickness (z) are whole numbers of
        # pixels and the core faces lie on pixel boundaries (per-axis pixel
        # sizes within 1/resolution). A pixel that holds a core face AND a
        # bend-strip edge otherwise gets MPB's subpixel average with the wrong
        # normal or neighbour: measured 5e-4 in neff (horizontal faces) and a
        # 2x error in the bend shift (vertical faces) before this alignment.
        t = zc1 - zc0
        ny_core = max(1, math.ceil(w * res - 1e-9))
        if parity is not None and ny_core % 2 == 0:
            ny_core += 1  # odd: with an even cell count the outer faces +-w/2 lie on boundaries and yc = 0
        hy = w / ny_core
        hz = t / max(1, math.ceil(t * res - 1e-9))
        # whole pixels, even counts; MPB rounds counts up to 2*3*5*7-smooth
        # numbers, so do it here to keep the pixel sizes exact
        ny = _smooth_even(2 * math.ceil((w / 2 + numerics.margin_y_um) / hy))
        nz = _smooth_even(2 * math.ceil((t / 2 + numerics.margin_z_um) / hz))
        if cell_um is not None:  # a given cell (common_cell): whole pixels of this grid
            ny, nz = round(cell_um[0] / hy), round(cell_um[1] / hz)
            if (abs(ny * hy - cell_um[0]) > 1e-9 or abs(nz * hz - cell_um[1]) > 1e-9
                    or _smooth_even(ny) != ny or _smooth_even(nz) != nz):
                raise ModeSolverInputError(f"cell_um={cell_um} is not an even, 2-3-5-7-smooth number of pixels "
                                           f"({hy:.6g} x {hz:.6g} um) of this grid")
        self.ly, self.lz = ny * hy, nz * hz
        self.hy, self.hz = hy, hz
        # MPB's grid count is ceil(resolution * size): ask for a hair less than
        # the exact count so float round-off cannot add a pixel
        self.res_yz = ((ny - 1e-6) / self.ly, (nz - 1e-6) / self.lz)
        # MPB pixel j is centred on c - L/2 + j h, so with even counts the pixel
        # boundaries sit at c + (k + 1/2) h: put the lower core faces on one
        self.yc = 0.0 if parity is not None else -w / 2 + (round((w / 2) / hy - 0.5) + 0.5) * hy
        self.zc = zc0 + (round((t / 2) / hz - 0.5) + 0.5) * hz
        self.window = (self.yc - self.ly / 2, self.yc + self.ly / 2, self.zc - self.lz / 2, self.zc + self.lz / 2)
        self.grid = (ny, nz)
        self._ms = None
        self._wl = None
        self._stale = True  # epsilon not yet set up for self._wl
        self._seed = None  # start vectors to load at the next set-up (seed())
        self.iterations = 0  # eigensolver iterations so far (all solves)

    # -- geometry ------------------------------------------------------------
    def _blocks(self, wavelength_um: float) -> list:
        mp = self.mp
        n = self.geom.n_at(wavelength_um)
        y0w, y1w, z0w, z1w = self.window
        blocks = []
        if self.radius_um:
            # conformal map: strips in y with n (1 + y_mid/R); the index step between
            # strips is <= 5e-4 n (neff error ~ step^2 / 12, negligible), never
            # thinner than a pixel (fewer MPB objects = faster set-up)
            hy = self.hy
            m = max(1, int(min(0.5, BEND_STRIP_STEP * self.radius_um) / hy))  # whole pixels per strip
            # strip edges on pixel boundaries, y = yc + (k + 1/2) hy (see __init__)
            k0 = math.ceil((y0w - self.yc) / hy - 0.5)
            k1 = math.floor((y1w - self.yc) / hy - 0.5)
            inner = [self.yc + (k + 0.5) * hy for k in range(k0, k1 + 1, m)]
            edges = [y0w] + [e for e in inner if y0w + 1e-9 < e < y1w - 1e-9] + [y1w]
            strips = list(zip(edges[:-1], edges[1:]))
        else:
            strips = [(y0w, y1w)]
        top = Rect(-math.inf, math.inf, -math.inf, math.inf, self.geom.top_material)
        for r in (top, *self.geom.rects):
            za, zb = max(r.z0, z0w), min(r.z1, z1w)
            if zb <= za:
                continue
            for sa, sb in strips:
                ya, yb = max(r.y0, sa), min(r.y1, sb)
                if yb <= ya:
                    continue
                idx = n[r.material]
                if self.radius_um:
                    idx *= 1.0 + 0.5 * (sa + sb) / self.radius_um
                blocks.append(mp.Block(center=mp.Vector3(0, (ya + yb) / 2 - self.yc, (za + zb) / 2 - self.zc),
                                       size=mp.Vector3(mp.inf, yb - ya, zb - za),
                                       material=mp.Medium(epsilon=idx * idx)))
        return blocks

    #: The engine whose MPB set-up ran last. MPB keeps part of a solver's set-up in
    #: process globals: a solver used again after another solver's set-up gives
    #: wrong eigenvalues (measured: neff off by 1.4e-7 to 7.3e-7 on the sin100
    #: resonator, growing with the wavelength change), even after its own
    #: ``init_params``. A fresh ModeSolver is right, so an engine that is no
    #: longer the last one rebuilds its solver (keeping its fields as start vectors).
    _last_set_up: MpbWaveguide | None = None

    def _solver(self, wavelength_um: float):
        if self._ms is not None and MpbWaveguide._last_set_up is not self:
            if self._seed is None:
                self.seed(self.snapshot())
            self._ms = None
        MpbWaveguide._last_set_up = self
        if self._ms is None:
            self.mpb.verbosity(0)
            self._ms = self.mpb.ModeSolver(
                geometry_lattice=self.mp.Lattice(size=self.mp.Vector3(0, self.ly, self.lz)),
                geometry=self._blocks(wavelength_um), default_material=self.mp.air,
                resolution=self.mp.Vector3(1, *self.res_yz), num_bands=self.num_bands, tolerance=self.num.tolerance,
                ensure_periodicity=False, deterministic=True)  # fixed random start: the same neff every run
            self._ms.verbose = False
            self._wl = wavelength_um
            self._stale = True
        elif wavelength_um != self._wl:
            self._ms.geometry = self._blocks(wavelength_um)  # same cell and grid, new n(lambda)
            self._wl = wavelength_um
            self._stale = True
        return self._ms

    def _run(self, k: float) -> tuple[np.ndarray, np.ndarray]:
        """Frequencies and group velocities (MPB units) of all bands at wavenumber k (1/um).

        The dielectric function is set up once per wavelength (``init_params``,
        keeping the last fields as start vectors), then each Newton step is one
        ``solve_kpoint``: MPB's own band-structure loop does the same over its k
        points. (``run_parity`` would recompute epsilon at every step: 0.03 s at
        20 px/um, 0.07 s at 30 px/um on the sin100 cell.)
        """
        ms = self._ms
        if self._stale:
            par = {None: self.mp.NO_PARITY, "even": self.mp.EVEN_Y, "odd": self.mp.ODD_Y}[self.parity]
            ms.init_params(par, False)  # False: keep the last fields as the start vectors
            if self._seed is not None:
                ms.set_eigenvectors(self._seed, 1)
                ms.mode_solver.curfield_reset()
                self._seed = None
            self._stale = False
        ms.solve_kpoint(self.mp.Vector3(k))
        self.iterations += ms.mode_solver.get_iterations()
        v = ms.mode_solver.compute_group_velocity_component(self.mp.Vector3(1))
        return np.array(ms.freqs, dtype=float), np.array(v, dtype=float)

    def solve(self, wavelength_um: float, guesses: list[float] | None = None, *, fields: bool = False) -> list[dict]:
        """neff (and, with ``fields``, the E field) of bands 1..num_bands at ``wavelength_um``.

        Newton on k at fixed omega = 1/lambda: k <- k + (omega - f(k)) / v_g(k),
        with MPB's exact group velocity at fixed epsilon; converges in 2-3
        solves from a good guess.
        """
        self._solver(wavelength_um)
        omega = 1.0 / wavelength_um
        nmax = max(self.geom.n_at(wavelength_um).values()) * (1.0 + self._bend_factor())
        out = []
        for b in range(self.num_bands):
            neff = guesses[b] if guesses and b < len(guesses) and math.isfinite(guesses[b]) else nmax * (0.999 - 0.01 * b)
            k = neff * omega
            for _ in range(40):
                f, v = self._run(k)
                df = omega - f[b]
                if abs(df) < _FREQ_TOL * omega:
                    break
                if abs(df) > 1e-3 * omega:
                    # far away: neff(omega) ~ k / f(k) (the phase index varies slowly)
                    k = k * omega / f[b]
                else:
                    step = df / max(v[b], 1e-3)
                    k += step
                    if abs(step) < 1e-5 * k:
                        # Newton's next error ~ step^2 / k < 1e-10 k: accept without
                        # another solve (the fields are from k - step, 1e-5 away)
                        break
            else:  # no root: a band of the periodic cell, not a guided mode (dropped by callers)
                out.append({"neff": math.nan, "k": math.nan, "te_fraction": math.nan, "aeff_um2": math.nan,
                            "edge_fraction": math.nan})
                continue
            rec: dict[str, Any] = {"neff": k / omega, "k": k}
            rec.update(self._field_metrics(b + 1, fields))  # fields of band b are at its own k now
            out.append(rec)
        return out

    def snapshot(self) -> FieldSnapshot:
        """The current fields (all bands) with the grid they live on, for :meth:`seed`."""
        if self._ms is None:
            raise RuntimeError("snapshot() before any solve")
        ev = np.array(self._ms.get_eigenvectors(1, self.num_bands), dtype=complex)
        return FieldSnapshot(ev, self.grid, (self.ly, self.lz), (self.yc, self.zc))

    def seed(self, snap: FieldSnapshot) -> None:
        """Start the next solve from ``snap``'s fields (this grid's, or another grid's of the same cell).

        MPB stores H as plane-wave amplitudes on the FFT grid. On a finer grid of
        the same cell the coarse grid's plane waves are a subset: they are copied
        (the coarse Nyquist row dropped), multiplied by the phase of the shift
        between the two windows (each grid puts its own pixel boundaries on the
        core faces), and the rest set to zero. The transverse basis of each
        plane wave depends only on k + G, so the copy is the same field up to
        the small change of k between the two solves. The eigensolver then only
        corrects the grid error: the sin100 resonator at 30 px/um converges in
        7 iterations from the 20 px/um field instead of 35 from random fields.
        """
        if abs(snap.cell_um[0] - self.ly) > 1e-9 or abs(snap.cell_um[1] - self.lz) > 1e-9:
            raise ValueError(f"seed(): cell {snap.cell_um} differs from this grid's ({self.ly}, {self.lz})")
        (n1y, n1z), (n2y, n2z) = snap.grid, self.grid
        ev = snap.ev.reshape(n1y, n1z, 2, -1)
        if ev.shape[-1] != self.num_bands:
            raise ValueError(f"seed(): {ev.shape[-1]} bands, this solver has {self.num_bands}")
        my = np.rint(np.fft.fftfreq(n1y, 1.0 / n1y)).astype(int)  # signed plane-wave indices
        mz = np.rint(np.fft.fftfreq(n1z, 1.0 / n1z)).astype(int)
        if (n2y, n2z) != (n1y, n1z):
            if n2y < n1y or n2z < n1z:
                raise ValueError("seed(): the target grid must not be coarser than the snapshot's")
            keep_y, keep_z = my != -(n1y // 2), mz != -(n1z // 2)  # Nyquist: no unique finer-grid twin
            ev, my, mz = ev[keep_y][:, keep_z], my[keep_y], mz[keep_z]
        # pixel j of a grid is centred on window_low + j h: moving the origin by d multiplies
        # plane wave m by exp(-2 pi i m d / L)
        dy, dz = (self.yc - snap.origin_um[0]) / self.ly, (self.zc - snap.origin_um[1]) / self.lz
        phase = np.exp(-2j * np.pi * (my[:, None] * dy + mz[None, :] * dz))
        out = np.zeros((n2y, n2z, 2, self.num_bands), dtype=complex)
        out[np.ix_(my % n2y, mz % n2z)] = ev * phase[:, :, None, None]
        self._seed = out.reshape(n2y * n2z, 2, self.num_bands)
        self._stale = True  # loaded at the next set-up

    def _bend_factor(self) -> float:
        if not self.radius_um:
            return 0.0
        return max(abs(self.window[0]), abs(self.window[1])) / self.radius_um

    def _field_metrics(self, band: int, keep: bool) -> dict[str, Any]:
        e = np.squeeze(np.asarray(self._ms.get_efield(band, bloch_phase=False)))  # (ny, nz, 3)
        i2 = np.abs(e) ** 2
        ey2, ez2 = i2[..., 1].sum(), i2[..., 2].sum()
        tot = i2.sum(axis=-1)
        da = (self.ly / e.shape[0]) * (self.lz / e.shape[1])
        aeff = (tot.sum() * da) ** 2 / ((tot ** 2).sum() * da)
        # share of |E|^2 in the outer 5 pixels of the cell: ~0 for a guided mode,
        # large for a mode of the periodic cell (box/slab modes)
        inner = tot[5:-5, 5:-5].sum()
        rec: dict[str, Any] = {"te_fraction": float(ey2 / (ey2 + ez2)), "aeff_um2": float(aeff),
                               "edge_fraction": float(1.0 - inner / tot.sum())}
        if keep:
            rec["field"] = {"abs_e2": tot / tot.max(), "ey": e[..., 1], "ez": e[..., 2],
                            "extent_um": list(self.window)}
        return rec


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------
@dataclass
class Mode:
    """One guided mode at one wavelength (lengths um, gamma in 1/(W m))."""

    neff: float
    ng: float
    te_fraction: float
    aeff_um2: float
    gamma_per_w_m: float | None = None
    wavelength_um: float = 1.55
    radius_um: float | None = None
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The CLI/contract form: {"neff", "ng", "te_fraction", "aeff_um2"}."""
        return {"neff": self.neff, "ng": self.ng, "te_fraction": self.te_fraction, "aeff_um2": self.aeff_um2}

    def to_dict(self) -> dict:
        """Everything, including gamma, wavelength and radius."""
        d = asdict(self)
        d.pop("extra")
        return d


def _check_wavelength(wavelength_um: float) -> float:
    wl = float(wavelength_um)
    if not (0.2 < wl < 20.0):
        raise ModeSolverInputError(f"wavelength={wavelength_um} um is outside 0.2-20 um (wavelengths are in um)")
    return wl


def _check_radius(radius_um: float | None) -> float | None:
    if radius_um is None:
        return None
    r = float(radius_um)
    if not (r > 0 and math.isfinite(r)):
        raise ModeSolverInputError(f"radius_um={radius_um} must be a positive number (um)")
    return r


def _gamma(geom: XsGeometry, wavelength_um: float, aeff_um2: float) -> float | None:
    """2 pi n2 / (lambda Aeff), 1/(W m), with n2 of the core material (None if not cited)."""
    core_mats = [r.material for r in geom.rects if r.z0 <= geom.core_z[0] + 1e-9 and r.z1 >= geom.core_z[1] - 1e-9
                 and r.material in N2_M2_PER_W]
    if not core_mats:
        return None
    n2 = N2_M2_PER_W[core_mats[-1]]
    return 2 * math.pi * n2 / (wavelength_um * 1e-6 * aeff_um2 * 1e-12)


def _solve_raw(pdk, xs, wavelength_um, width, thickness, num_modes, radius_um, resolution) -> list[dict]:
    geom = xs_geometry(pdk, xs, width=width, thickness=thickness)
    eng = MpbWaveguide(geom, default_numerics(pdk, resolution), radius_um=radius_um, num_bands=num_modes)
    mid = eng.solve(wavelength_um)
    guesses = [m["neff"] for m in mid]
    lo = eng.solve(wavelength_um - NG_STEP_UM, guesses)
    hi = eng.solve(wavelength_um + NG_STEP_UM, guesses)
    out = []
    for m, a, b in zip(mid, lo, hi):
        # guided: a root exists and the field has decayed at the cell boundary
        # (the boundary index is no criterion: a shallow ridge's slab reaches it)
        if not (math.isfinite(m["neff"]) and m["edge_fraction"] < GUIDED_EDGE_FRACTION):
            continue
        ng = m["neff"] - wavelength_um * (b["neff"] - a["neff"]) / (2 * NG_STEP_UM)
        out.append({"neff": m["neff"], "ng": ng, "te_fraction": m["te_fraction"], "aeff_um2": m["aeff_um2"],
                    "gamma_per_w_m": _gamma(geom, wavelength_um, m["aeff_um2"])})
    return out


def solve_modes(pdk: str, xs: str, wavelength_um: float, *, width: float | None = None,
                thickness: float | None = None, num_modes: int = 1, radius_um: float | None = None,
                resolution: int | None = None) -> list[Mode]:
    """Guided modes of cross-section ``xs`` of ``pdk`` at ``wavelength_um`` (cached on disk).

    ``width``/``thickness`` override the core (um); ``radius_um`` gives the
    bent mode (conformal transformation, neff referred to R); ``resolution`` in
    pixels/um overrides the PDK default. Sorted by neff, highest first.
    Raises :class:`ModeSolverInputError` on bad input and
    :class:`weiming.sims.MeepMissingError` without meep.
    """
    wl = _check_wavelength(wavelength_um)
    radius_um = _check_radius(radius_um)
    if int(num_modes) < 1 or int(num_modes) > 20:
        raise ModeSolverInputError(f"num_modes={num_modes} must be 1-20")
    geom = xs_geometry(pdk, xs, width=width, thickness=thickness)  # validate before the cache
    num = default_numerics(pdk, resolution)
    inputs = {"pdk": pdk, "xs": xs, "wavelength_um": wl, "geometry": [asdict(r) for r in geom.rects],
              "core_z": geom.core_z, "width": geom.width_um, "thickness": geom.thickness_um,
              "num_modes": int(num_modes), "radius_um": radius_um, "numerics": asdict(num),
              "ng_step_um": NG_STEP_UM, "materials": geom.n_at(wl), "algo": ALGO_VERSION}
    raw = cached("modes", inputs, lambda: _solve_raw(pdk, xs, wl, width, thickness, int(num_modes), radius_um,
                                                     num.resolution))
    modes = [Mode(wavelength_um=wl, radius_um=radius_um, **r) for r in raw]
    return sorted(modes, key=lambda m: -m.neff)


def group_index(pdk: str, xs: str, wavelength_um: float = 1.55, **overrides) -> float:
    """Group index of the fundamental mode (cached); ``overrides`` go to :func:`solve_modes`."""
    return solve_modes(pdk, xs, wavelength_um, num_modes=1, **overrides)[0].ng


def mode_fields(pdk: str, xs: str, wavelength_um: float, *, width: float | None = None,
                thickness: float | None = None, num_modes: int = 1, radius_um: float | None = None,
                resolution: int | None = None) -> tuple[XsGeometry, list[dict]]:
    """The geometry and, per band, the field arrays (not cached: for plots)."""
    geom = xs_geometry(pdk, xs, width=width, thickness=thickness)
    eng = MpbWaveguide(geom, default_numerics(pdk, resolution), radius_um=_check_radius(radius_um),
                       num_bands=num_modes)
    return geom, eng.solve(_check_wavelength(wavelength_um), fields=True)


# ---------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------
def _core_color(pdk: str, xs: str) -> str:
    from weiming.pdk import get_tech

    tech = get_tech(pdk)
    return tech.layers[tech.xs(xs).layer].color


def plot_modes(pdk: str, xs: str, wavelength_um: float, path, *, num_modes: int = 1, **kw):
    """|E|^2 of the modes over the cross-section, core outlined in the PDK layer colour (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    geom, bands = mode_fields(pdk, xs, wavelength_um, num_modes=num_modes, **kw)
    colour = _core_color(pdk, xs)
    fig, axes = plt.subplots(1, len(bands), figsize=(5.0 * len(bands), 4.0), squeeze=False)
    for ax, b in zip(axes[0], bands):
        f = b["field"]
        y0, y1, z0, z1 = f["extent_um"]
        ax.imshow(f["abs_e2"].T, origin="lower", extent=(y0, y1, z0, z1), cmap="magma", aspect="equal")
        for r in geom.rects:  # material boundaries inside the window
            ya, yb = max(r.y0, y0), min(r.y1, y1)
            za, zb = max(r.z0, z0), min(r.z1, z1)
            if yb > ya and zb > za:
                ax.add_patch(plt.Rectangle((ya, za), yb - ya, zb - za, fill=False, lw=1.0,
                                           ec=colour if r.material != "sio2" else "#bbbbbb"))
        ax.set_xlabel("y (um)")
        ax.set_ylabel("z (um)")
        ax.set_title(f"neff={b['neff']:.5f}  TE={b['te_fraction']:.2f}  Aeff={b['aeff_um2']:.2f} um$^2$", fontsize=9)
    fig.suptitle(f"{pdk} / {xs}: |E|$^2$ at {wavelength_um * 1e3:.2f} nm (w={geom.width_um} um, "
                 f"t={geom.thickness_um} um)", fontsize=10)
    fig.tight_layout()
    return save_png(fig, path)


def save_png(fig, path) -> "Path":
    """Write a matplotlib figure as PNG atomically (no timestamp metadata: deterministic) and close it."""
    import io
    from pathlib import Path

    import matplotlib.pyplot as plt

    from weiming.sims.cache import atomic_write_bytes

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, metadata={"Software": None})
    plt.close(fig)
    atomic_write_bytes(Path(path), buf.getvalue())
    return Path(path)
