"""Waveguide dispersion and ring-resonator dispersion (FSR, D1, D2, Dint).

Method
------
0. Solvers (:func:`solver_neff`). The default, ``richardson``: the
   fundamental mode's neff from MPB on two fixed grids (20 and 30 px/um),
   extrapolated to zero pixel size (MPB with sub-pixel smoothing and
   pixel-aligned core faces converges to second order), material dispersion
   through the Sellmeier models at each wavelength. The grids share one cell,
   so each solve starts from the next coarser grid's field at the same
   wavelength (:func:`richardson_pair`; a half-resolution grid takes the random
   start). ``mpb`` (one grid) and ``femwell`` (finite elements) stay
   available as cross-checks. benchmarks/dispersion.py times all three
   against a converged femwell reference; docs/models/modes.md carries its
   numbers.
1. ``dispersion_curve``: by default neff at a few Chebyshev wavelengths of
   the band and a polynomial through them, differentiated exactly:
   ``ng = n - lambda dn/dlambda``, ``D = -(lambda/c) d2n/dlambda2``,
   ``beta2 = -lambda^2 D / (2 pi c)``; the cross-check solvers solve every
   wavelength and take second-order finite differences.
2. ``ring_dispersion``: the bent mode (conformal transformation at radius R,
   neff referred to R) on a few wavelengths around the centre, a polynomial
   n(lambda) through them, and the resonances from the resonance condition
   ``neff(f) 2 pi R = m c / f`` solved for every m = m0 + mu, |mu| <= N. A cubic
   fit of f(mu) gives D1/2pi (the FSR) and D2/2pi; Dint(mu) = f_mu - f_0 -
   mu D1/2pi. D2 > 0 is anomalous dispersion, D2 < 0 normal.
   For a target FSR, R = c / (2 pi ng FSR) with the straight ng, refined until
   the computed FSR matches the target (the bent neff(lambda) is recomputed if
   R moves by more than 1 %).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from weiming.sims.cache import cached
from weiming.sims.modes.mpb import (
    ALGO_VERSION,
    ModeSolverInputError,
    MpbWaveguide,
    Numerics,
    _check_radius,
    _check_wavelength,
    common_cell,
    default_numerics,
    group_index,
    ng_d_beta2,
    save_png,
    xs_geometry,
)

C_M_S = 299_792_458.0
#: Centre wavelength of the seed network's comb pump (1549.78 nm), um.
CENTER_UM = 1.54978


@dataclass
class DispersionCurve:
    """neff, ng, D (ps/nm/km) and beta2 (ps^2/km) of the fundamental mode vs wavelength (um)."""

    wavelengths_um: list[float]
    neff: list[float]
    ng: list[float]
    d_ps_nm_km: list[float]
    beta2_ps2_km: list[float]
    radius_um: float | None = None

    def to_json(self) -> dict:
        return asdict(self)


def _numerics(pdk: str, resolution, margins_um) -> Numerics:
    """The PDK's MPB grid at ``resolution`` with optional (y, z) margin overrides (um)."""
    num = default_numerics(pdk, resolution)
    if margins_um is not None:
        my, mz = (float(m) for m in margins_um)
        if not (my > 0 and mz > 0):
            raise ModeSolverInputError(f"margins_um={margins_um} must be two positive lengths (um)")
        num = replace(num, margin_y_um=my, margin_z_um=mz)
    return num


def _guess(neff: dict, wl: float, guide: dict | None) -> list[float] | None:
    """Start value of the Newton search at ``wl`` from the wavelengths solved so far.

    With ``guide`` (neff on another grid at the same wavelengths): the guide
    plus the grid offset extrapolated linearly from the two nearest solved
    wavelengths (within ~1e-6, so one eigensolve usually suffices). Otherwise polynomial
    extrapolation through the (up to 3) nearest solved wavelengths.
    """
    known = sorted(neff.items(), key=lambda kv: abs(kv[0] - wl))
    if guide is not None:
        known = known[:2]  # the grid offset, linear in wavelength through the two nearest
        if not known:
            return [guide[wl]]
        w = np.array([k[0] for k in known])
        off = np.array([k[1] - guide[k[0]] for k in known])
    else:
        known = known[:3]
        if not known:
            return None
        w = np.array([k[0] for k in known])
        off = np.array([k[1] for k in known])
    p = np.polynomial.polynomial.polyfit(w - wl, off, len(known) - 1)
    return [float(p[0]) + (guide[wl] if guide is not None else 0.0)]


def _neff_sweep(pdk, xs, wavelengths, width, thickness, radius_um, num, progress) -> list[float]:
    geom = xs_geometry(pdk, xs, width=width, thickness=thickness)
    eng = MpbWaveguide(geom, num, radius_um=radius_um, num_bands=1)
    order = np.argsort(np.abs(np.asarray(wavelengths) - np.mean(wavelengths)))  # from the centre out
    neff = {}
    it = order
    if progress:
        from tqdm import tqdm

        it = tqdm(order, desc=f"MPB {pdk}/{xs} {num.resolution} px/um", unit="wl", leave=False)
    for i in it:
        wl = wavelengths[i]
        neff[wl] = eng.solve(wl, _guess(neff, wl, None))[0]["neff"]
    return [neff[w] for w in wavelengths]


def neff_sweep(pdk: str, xs: str, wavelengths_um, *, width=None, thickness=None, radius_um=None,
               resolution=None, margins_um=None, progress: bool = False) -> np.ndarray:
    """neff of the fundamental mode at each wavelength, one fixed grid (cached as a whole).

    ``margins_um`` = (y, z) overrides the PDK's cell margins around the core
    (um).
    """
    wls = [_check_wavelength(w) for w in np.atleast_1d(wavelengths_um)]
    radius_um = _check_radius(radius_um)
    geom = xs_geometry(pdk, xs, width=width, thickness=thickness)
    num = _numerics(pdk, resolution, margins_um)
    inputs = {"pdk": pdk, "xs": xs, "wavelengths_um": wls, "geometry": [asdict(r) for r in geom.rects],
              "width": geom.width_um, "thickness": geom.thickness_um, "radius_um": radius_um,
              "numerics": asdict(num), "materials": [geom.n_at(w) for w in wls], "algo": ALGO_VERSION}
    out = cached("neff_sweep", inputs,
                 lambda: _neff_sweep(pdk, xs, wls, width, thickness, radius_um, num, progress))
    return np.asarray(out, dtype=float)


# ---------------------------------------------------------------------------
# Solvers: the default (Richardson-extrapolated MPB) and two cross-checks
# ---------------------------------------------------------------------------
#: ``richardson`` (default): MPB on two grids, extrapolated to zero pixel size;
#: ``mpb``: MPB on the PDK's one default grid; ``femwell``: finite elements
#: (the validation extra). Chosen by benchmarks/dispersion.py (numbers below).
SOLVERS = ("richardson", "mpb", "femwell")
DEFAULT_SOLVER = "richardson"
#: Resolutions (px/um) of the two MPB grids that are Richardson-extrapolated
#: (MPB with sub-pixel smoothing and pixel-aligned core faces converges to
#: second order: sin100 neff at 20/30/40 px/um is 3.3/1.4/0.46e-4 above 60 px/um).
FAST_RESOLUTIONS = (20, 30)
#: Chebyshev nodes over the band: neff is solved there and interpolated by a
#: polynomial of degree FAST_NODES - 1. 5 against 9 nodes over 1.45-1.65 um
#: (largest difference over the 41 wavelengths): sin100 resonator neff 1.2e-8,
#: ng 3.4e-6, D 0.33 %; sin800 resonator 3.0e-9, 1.5e-6, 0.67 % (7 nodes:
#: 0.25 % / 0.53 % in D, 1.3x the time). Measured by benchmarks/dispersion.py:
#: see docs/models/modes.md for the table (time and neff/ng/D errors per solver).
FAST_NODES = 5
#: (y, z) cell margins (um) of the Richardson route where the PDK's one-grid
#: defaults truncate the mode too much for its targets (ng within 1e-4). The
#: thin sin100 film's field decays over ~0.8 um: Richardson neff / ng at 1.55 um
#: with margins 3.0/3.5 (the one-grid default), 4/4, 4/5, 5/5 um: -1.3e-5 /
#: -2.5e-4, -2.9e-6 / -7.0e-5, +5e-7 / -1.3e-5, +2e-7 / -5e-6 from 6/6 um
#: (measured in one run; the vertical margin dominates).
RICHARDSON_MARGINS_UM = {"sin100": (4.0, 5.0)}
#: Chebyshev nodes of the Richardson route in a ring's fit window (+-20 nm or
#: the +-modes span): as many as the quartic of :func:`resonances` has
#: coefficients. Default sin100 comb ring (R 997 um, +-30 modes): 5 vs 7 nodes
#: change the FSR by 2e-7 and D2 by 0.1 % (the 2 % D target), 1.3x faster.
RING_NODES = 5


def check_solver(solver: str) -> str:
    """``solver`` if it is one of :data:`SOLVERS`, else a one-line :class:`ModeSolverInputError`."""
    if solver not in SOLVERS:
        raise ModeSolverInputError(f"solver={solver!r} must be one of {', '.join(SOLVERS)}")
    return solver


def richardson_resolutions(resolution: int | None) -> tuple[int, int]:
    """The two grids of the Richardson route: FAST_RESOLUTIONS, or (2/3 r, r) for a given finer grid r.

    The extrapolation assumes both pixel sizes scale by r2/r1. MPB's grid puts
    a whole number of pixels across the core (:class:`MpbWaveguide`), so a thin
    film needs resolutions with an integer number of pixels across it (sin100,
    0.1 um: multiples of 10 px/um) for the extrapolation to remove its error.
    """
    if resolution is None:
        return FAST_RESOLUTIONS
    r2 = int(resolution)
    if r2 < 6:
        raise ModeSolverInputError(f"resolution={resolution} pixels/um must be >= 6 for the Richardson route "
                                   f"(its coarser grid is 2/3 of it)")
    return round(2 * r2 / 3), r2


def solver_neff(pdk: str, xs: str, wavelengths_um, *, solver: str = DEFAULT_SOLVER, width=None, thickness=None,
                radius_um=None, resolution=None, fem_settings=None, progress: bool = False) -> np.ndarray:
    """neff of the fundamental mode at each wavelength with ``solver`` (see :data:`SOLVERS`).

    ``richardson``: MPB on two grids (:func:`richardson_resolutions`), the
    pair extrapolated to zero pixel size assuming second-order convergence
    (n_inf = n2 + (n2 - n1) / ((r2/r1)^2 - 1)). ``mpb``: one grid
    (``resolution`` or the PDK's default). ``femwell``: one mesh
    (``fem_settings`` or :func:`weiming.sims.modes.femwell_check.default_fem_settings`).
    """
    check_solver(solver)
    kw = {"width": width, "thickness": thickness, "radius_um": radius_um}
    if solver == "mpb":
        return neff_sweep(pdk, xs, wavelengths_um, resolution=resolution, progress=progress, **kw)
    if solver == "femwell":
        import importlib.util

        if importlib.util.find_spec("femwell") is None:
            raise ModeSolverInputError("solver='femwell' needs femwell: pip install 'weiming[validation]'")
        from weiming.sims.modes.femwell_check import default_fem_settings, femwell_neff_sweep

        return femwell_neff_sweep(pdk, xs, wavelengths_um, settings=fem_settings or default_fem_settings(pdk), **kw)
    r1, r2 = richardson_resolutions(resolution)
    n1, n2 = richardson_pair(pdk, xs, wavelengths_um, (r1, r2), margins_um=RICHARDSON_MARGINS_UM.get(pdk),
                             progress=progress, **kw)
    return n2 + (n2 - n1) / ((r2 / r1) ** 2 - 1)


def _monotone_order(wavelengths: list[float]) -> tuple[list[int], list[int]]:
    """Indices (up, down): from the one nearest the band centre upwards, then from below it downwards.

    Each solve starts from the fields of the nearest wavelength solved before
    (the centre's fields are restored before going down): fewer eigensolver
    iterations than alternating sides.
    """
    w = np.asarray(wavelengths, float)
    up = np.argsort(w)
    c = int(np.argmin(np.abs(w[up] - np.mean(w))))
    return [int(i) for i in up[c:]], [int(i) for i in up[:c][::-1]]


def _pre_grid(num: Numerics) -> Numerics:
    """Half the resolution of ``num`` (at least 4 px/um): the grid of the first, cold-started solve."""
    return replace(num, resolution=max(4, num.resolution // 2))


def _richardson_pair(geom, wavelengths, radius_um, levels, cell, label, progress) -> tuple[list, list]:
    # The grids of ``levels``, one after the other (an MPB solver must not be used again
    # after another one's set-up: MpbWaveguide._last_set_up). With a common ``cell``,
    # each wavelength's solve is seeded with the previous level's field there
    # (MpbWaveguide.seed), and the first level is the half-resolution grid (_pre_grid, a
    # quarter of the cost per iteration) that takes the random start and the Newton steps
    # from poor guesses. Without one, each grid has its own cell and starts from its
    # previous wavelength's field. Every solve starts from the previous level's neff plus
    # the grid offset extrapolated from the wavelengths done.
    up, down = _monotone_order(wavelengths)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(levels) * len(wavelengths), unit="solve", leave=False, desc=label)
    neff, snaps = [], {}
    for num in levels:
        eng = MpbWaveguide(geom, num, radius_um=radius_um, num_bands=1, cell_um=cell)
        guide = neff[-1] if neff else None
        keep = cell is not None and num is not levels[-1]  # the next level is seeded from this one
        n, new_snaps, centre = {}, {}, None
        for pos, i in enumerate(up + down):
            wl = wavelengths[i]
            if wl in snaps:
                eng.seed(snaps[wl])
            elif pos == len(up):
                eng.seed(centre)  # going down: from the centre's field, not the top end's
            n[wl] = eng.solve(wl, _guess(n, wl, guide))[0]["neff"]
            if keep or pos == 0:
                snap = eng.snapshot()
                if pos == 0:
                    centre = snap
                if keep:
                    new_snaps[wl] = snap
            if bar is not None:
                bar.update()
        neff.append(n)
        snaps = new_snaps
    if bar is not None:
        bar.close()
    n1, n2 = neff[-2], neff[-1]
    return [n1[w] for w in wavelengths], [n2[w] for w in wavelengths]


def richardson_pair(pdk: str, xs: str, wavelengths_um, resolutions: tuple[int, int], *, width=None, thickness=None,
                    radius_um=None, margins_um=None, progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """neff on the two Richardson grids at each wavelength (cached as a whole).

    The grids share one cell where one exists
    (:func:`~weiming.sims.modes.mpb.common_cell`, covering ``margins_um`` or
    the PDK's margins; the default 20/30 px/um always has one), so each
    fine-grid solve starts from the coarse grid's fields at the same
    wavelength (:meth:`~weiming.sims.modes.mpb.MpbWaveguide.seed`); the
    wavelengths are visited monotonically from the centre
    (:func:`_monotone_order`). Start vectors change the iteration count, not
    the converged neff.
    """
    wls = [_check_wavelength(w) for w in np.atleast_1d(wavelengths_um)]
    radius_um = _check_radius(radius_um)
    geom = xs_geometry(pdk, xs, width=width, thickness=thickness)
    nums = [_numerics(pdk, r, margins_um) for r in resolutions]
    levels = [_pre_grid(nums[0]), *nums]
    cell = common_cell(geom, levels)
    if cell is None:
        levels = nums
    inputs = {"pdk": pdk, "xs": xs, "wavelengths_um": wls, "geometry": [asdict(r) for r in geom.rects],
              "width": geom.width_um, "thickness": geom.thickness_um, "radius_um": radius_um,
              "numerics": [asdict(n) for n in nums], "cell_um": cell,
              "materials": [geom.n_at(w) for w in wls], "algo": ALGO_VERSION}
    label = f"MPB {pdk}/{xs} {resolutions[0]}+{resolutions[1]} px/um"
    out = cached("richardson_pair", inputs,
                 lambda: _richardson_pair(geom, wls, radius_um, levels, cell, label, progress))
    return np.asarray(out[0], dtype=float), np.asarray(out[1], dtype=float)


def ng_at(pdk: str, xs: str, wavelength_um: float = CENTER_UM, *, solver: str = DEFAULT_SOLVER, width=None,
          thickness=None, step_um: float = 0.01) -> float:
    """Group index at one wavelength from ``solver``'s neff at wavelength +- ``step_um`` (central difference).

    With the default solver this is the converged ng (the one-grid
    :func:`weiming.sims.modes.mpb.group_index` of the sin100 resonator is ~8e-4
    high: grid and cell-margin errors). Truncation of the 3-point stencil:
    lambda step^2 n^(3) / 6, below 1e-7 here.
    """
    w = float(_check_wavelength(wavelength_um))
    n = solver_neff(pdk, xs, [w - step_um, w, w + step_um], solver=solver, width=width, thickness=thickness)
    return _three_point(w, step_um, n)["ng"]


def dispersion_from_neff(wavelengths_um, neff) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ng, D (ps/nm/km), beta2 (ps^2/km) from neff on a uniform wavelength grid (um)."""
    wl = np.asarray(wavelengths_um, float)
    n = np.asarray(neff, float)
    h = float(wl[1] - wl[0])
    d1 = np.gradient(n, wl, edge_order=2)
    # second derivative: 3-point stencil inside, second-order one-sided stencils at the ends
    d2 = np.empty_like(n)
    d2[1:-1] = (n[2:] - 2 * n[1:-1] + n[:-2]) / h ** 2
    if n.size >= 4:
        d2[0] = (2 * n[0] - 5 * n[1] + 4 * n[2] - n[3]) / h ** 2
        d2[-1] = (2 * n[-1] - 5 * n[-2] + 4 * n[-3] - n[-4]) / h ** 2
    else:
        d2[0], d2[-1] = d2[1], d2[-2]
    return ng_d_beta2(wl, n, d1, d2)


def chebyshev_nodes(lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` Chebyshev points of the first kind on [lo, hi] (increasing)."""
    k = np.arange(n)
    return np.sort(0.5 * (lo + hi) + 0.5 * (hi - lo) * np.cos((2 * k + 1) * np.pi / (2 * n)))


def dispersion_curve(pdk: str, xs: str, wavelengths_um=None, *, width=None, thickness=None, radius_um=None,
                     resolution=None, solver: str = DEFAULT_SOLVER, nodes: int = FAST_NODES, fem_settings=None,
                     progress: bool = False) -> DispersionCurve:
    """Dispersion of the fundamental mode over ``wavelengths_um`` (default 1.45-1.65 um, 41 points).

    ``solver="richardson"`` (default): neff at ``nodes`` Chebyshev wavelengths
    of the band (:func:`solver_neff`), a polynomial through them gives neff at
    every requested wavelength and, by exact differentiation, ng and D (no
    finite-difference noise). The band must be smooth (no mode crossing).
    ``"mpb"`` / ``"femwell"``: a solve at every wavelength, ng and D by
    second-order finite differences (the cross-checks).
    """
    check_solver(solver)
    wls = np.linspace(1.45, 1.65, 41) if wavelengths_um is None else np.asarray(wavelengths_um, float)
    if wls.size < 3 or not np.allclose(np.diff(wls), wls[1] - wls[0], rtol=1e-6, atol=1e-12) or wls[1] <= wls[0]:
        raise ModeSolverInputError("wavelengths_um must be >= 3 uniformly spaced, increasing values (um)")
    kw = {"width": width, "thickness": thickness, "radius_um": radius_um, "resolution": resolution,
          "fem_settings": fem_settings, "progress": progress}
    if solver != "richardson":
        n = solver_neff(pdk, xs, wls, solver=solver, **kw)
        ng, d, b2 = dispersion_from_neff(wls, n)
        return DispersionCurve(wls.tolist(), n.tolist(), ng.tolist(), d.tolist(), b2.tolist(), radius_um)
    if not (3 <= int(nodes) <= 64):
        raise ModeSolverInputError(f"nodes={nodes} must be 3-64 (Chebyshev wavelengths of the fit)")
    lo, hi = float(wls[0]), float(wls[-1])
    x = chebyshev_nodes(lo, hi, int(nodes))
    n_x = solver_neff(pdk, xs, x, solver=solver, **kw)
    t = (2 * x - (lo + hi)) / (hi - lo)  # on [-1, 1]: a well-conditioned fit
    cheb = np.polynomial.chebyshev.Chebyshev.fit(t, n_x, int(nodes) - 1, domain=[-1, 1])
    tw = (2 * wls - (lo + hi)) / (hi - lo)
    n = cheb(tw)
    ng, d, b2 = ng_d_beta2(wls, n, cheb.deriv(1)(tw) * 2 / (hi - lo), cheb.deriv(2)(tw) * (2 / (hi - lo)) ** 2)
    return DispersionCurve(wls.tolist(), n.tolist(), ng.tolist(), d.tolist(), b2.tolist(), radius_um)


# ---------------------------------------------------------------------------
# Ring resonances
# ---------------------------------------------------------------------------
@dataclass
class RingDispersion:
    """Resonances of a ring near a centre wavelength (frequencies in Hz, lengths in um).

    ``d1_hz`` = D1/2pi (= FSR), ``d2_hz`` = D2/2pi, ``dint`` = [(mu, Dint/2pi Hz)].
    """

    radius_um: float
    fsr_hz: float
    d1_hz: float
    d2_hz: float
    neff: float
    ng: float
    regime: str
    dint: list[tuple[int, float]]
    details: dict = field(default_factory=dict)  # m0, f0_hz, D, beta2, fit wavelengths/neff

    def to_json(self) -> dict:
        """{"radius_um", "fsr_hz", "d1_hz", "d2_hz", "neff", "ng", "regime", "dint": [[mu, hz], ...]}."""
        return {"radius_um": self.radius_um, "fsr_hz": self.fsr_hz, "d1_hz": self.d1_hz, "d2_hz": self.d2_hz,
                "neff": self.neff, "ng": self.ng, "regime": self.regime,
                "dint": [[int(m), float(h)] for m, h in self.dint]}


def resonances(wavelengths_um, neff, radius_um: float, center_um: float, modes: int) -> dict:
    """Resonance frequencies f_mu (Hz), mu = -modes..modes, from the fitted neff(lambda).

    Resonance condition neff(f) 2 pi R f / c = m; m0 is the order nearest to
    ``center_um``. Returns m0, mu, f_mu and the fitted D1/2pi, D2/2pi, Dint.
    """
    wl = np.asarray(wavelengths_um, float)
    lc = float(center_um)
    deg = min(4, wl.size - 1)
    coef = np.polynomial.polynomial.polyfit(wl - lc, np.asarray(neff, float), deg)
    dcoef = np.polynomial.polynomial.polyder(coef)
    length_m = 2 * math.pi * radius_um * 1e-6

    def n_of(f):
        return np.polynomial.polynomial.polyval(C_M_S / f * 1e6 - lc, coef)

    def ng_of(f):
        lam = C_M_S / f * 1e6
        return n_of(f) - lam * np.polynomial.polynomial.polyval(lam - lc, dcoef)

    fc = C_M_S / (lc * 1e-6)
    m0 = round(n_of(fc) * length_m * fc / C_M_S)
    mus = np.arange(-modes, modes + 1)
    fs = []
    for mu in mus:
        m = m0 + mu
        f = fc + (m - n_of(fc) * length_m * fc / C_M_S) * C_M_S / (ng_of(fc) * length_m)
        for _ in range(50):  # Newton: dG/df = ng L / c
            g = n_of(f) * length_m * f / C_M_S - m
            df = -g * C_M_S / (ng_of(f) * length_m)
            f += df
            if abs(df) < 1e-3:  # Hz
                break
        fs.append(f)
    fs = np.asarray(fs)
    f0 = fs[modes]
    # cubic fit in mu (relative to f0 for conditioning): f - f0 = D1 mu + D2 mu^2/2 + D3 mu^3/6
    pdeg = min(3, 2 * modes)
    p = np.polynomial.polynomial.polyfit(mus.astype(float), fs - f0, pdeg)
    d1 = float(p[1])
    d2 = float(2 * p[2]) if pdeg >= 2 else 0.0
    dint = fs - f0 - d1 * mus
    lam0 = C_M_S / f0 * 1e6
    return {"m0": int(m0), "mu": mus.tolist(), "f_hz": fs.tolist(), "f0_hz": float(f0), "d1_hz": d1, "d2_hz": d2,
            "dint_hz": dint.tolist(), "neff": float(n_of(f0)), "ng": float(ng_of(f0)), "wavelength0_um": lam0,
            "n2_per_um2": float(2 * coef[2] + 6 * coef[3] * (lam0 - lc) + (12 * coef[4] * (lam0 - lc) ** 2 if deg >= 4 else 0))}


def _fit_wavelengths(center_um: float, fsr_hz: float, modes: int, solver: str = "mpb") -> np.ndarray:
    """Wavelengths spanning the +-modes resonances with margin, at least +-20 nm.

    9 uniformly spaced ones for the one-grid cross-checks (least squares
    smooths their solver noise), RING_NODES Chebyshev nodes for the Richardson
    route (the quartic of :func:`resonances` interpolates them exactly).

    The span keeps the solver noise (~4e-9 in neff at tolerance 1e-8) out of
    the curvature: noise / spacing^2 ~ 1e-4 /um^2 against n'' ~ 0.1 /um^2 for
    the sin100 guide (a +-6 nm window moved D2 by 0.3 % between tolerances).
    """
    dl = center_um ** 2 * fsr_hz / C_M_S * 1e-6  # FSR in um: lambda^2 df / c
    half = max(0.02, 1.3 * (modes + 1) * dl)
    if solver == "richardson":
        return chebyshev_nodes(center_um - half, center_um + half, RING_NODES)
    return center_um + np.linspace(-half, half, 9)


def ring_dispersion(pdk: str, xs: str, *, radius_um: float | None = None, fsr_hz: float | None = None,
                    center_um: float = CENTER_UM, modes: int = 10, width: float | None = None,
                    thickness: float | None = None, resolution: int | None = None,
                    solver: str = DEFAULT_SOLVER, fem_settings=None) -> RingDispersion:
    """Resonances, FSR, D1/2pi, D2/2pi and Dint(mu) of a ring of ``radius_um`` or target ``fsr_hz``.

    The bent neff(lambda) comes from ``solver`` (:func:`solver_neff`: the
    Richardson-extrapolated MPB route by default, ``mpb`` or ``femwell`` as
    cross-checks); ``resolution`` is the MPB grid (the finer one for Richardson).
    """
    check_solver(solver)
    if (radius_um is None) == (fsr_hz is None):
        raise ModeSolverInputError("give exactly one of radius_um and fsr_hz")
    center_um = _check_wavelength(center_um)
    if not (1 <= int(modes) <= 1000):
        raise ModeSolverInputError(f"modes={modes} must be 1-1000 (resonances on each side of the centre)")
    modes = int(modes)
    kw = {"width": width, "thickness": thickness, "resolution": resolution}
    if radius_um is not None:
        r = _check_radius(radius_um)
        # only sizes the fit window: the lowest material index overestimates the FSR (a wider window)
        geom = xs_geometry(pdk, xs, width=width, thickness=thickness)
        n_low = min(geom.n_at(center_um).values())
        fsr_est = C_M_S / (n_low * 2 * math.pi * r * 1e-6)
    else:
        f = float(fsr_hz)
        if not (f > 0 and math.isfinite(f)):
            raise ModeSolverInputError(f"fsr_hz={fsr_hz} must be a positive frequency (Hz)")
        ng0 = group_index(pdk, xs, center_um, **kw)  # straight guide: first estimate of R
        r = C_M_S / (ng0 * 2 * math.pi * f) * 1e6
        fsr_est = f
    r_solve = r
    wls = _fit_wavelengths(center_um, fsr_est, modes, solver)
    kw_n = {**kw, "solver": solver, "fem_settings": fem_settings}
    n = solver_neff(pdk, xs, wls, radius_um=r_solve, **kw_n)
    res = resonances(wls, n, r, center_um, modes)
    if fsr_hz is not None:
        for _ in range(20):  # FSR ~ 1/R: rescale R; re-solve the bend if R moved by > 1 %
            if abs(res["d1_hz"] / fsr_hz - 1) < 1e-9:
                break
            r *= res["d1_hz"] / fsr_hz
            if abs(r / r_solve - 1) > 0.01:
                r_solve = r
                n = solver_neff(pdk, xs, wls, radius_um=r_solve, **kw_n)
            res = resonances(wls, n, r, center_um, modes)
    lam0 = res["wavelength0_um"]
    _, d_ps_nm_km, beta2_ps2_km = ng_d_beta2(lam0, res["neff"], 0.0, res["n2_per_um2"])
    details = {"m0": res["m0"], "f0_hz": res["f0_hz"], "wavelength0_um": lam0, "bend_radius_solved_um": r_solve,
               "d_ps_nm_km": d_ps_nm_km, "beta2_ps2_km": beta2_ps2_km,
               "fit_wavelengths_um": wls.tolist(), "fit_neff": n.tolist(), "f_hz": res["f_hz"], "solver": solver}
    return RingDispersion(radius_um=float(r), fsr_hz=res["d1_hz"], d1_hz=res["d1_hz"], d2_hz=res["d2_hz"],
                          neff=res["neff"], ng=res["ng"], regime="anomalous" if res["d2_hz"] > 0 else "normal",
                          dint=list(zip(res["mu"], res["dint_hz"])), details=details)


# ---------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------
def plot_dispersion_curve(curve: DispersionCurve, pdk: str, xs: str, path) -> Path:
    """neff, ng and D versus wavelength (PNG), in the PDK's waveguide colour."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from weiming.sims.modes.mpb import _core_color

    c = _core_color(pdk, xs)
    wl = np.asarray(curve.wavelengths_um) * 1e3
    fig, ax = plt.subplots(1, 3, figsize=(12, 3.6))
    for a, y, lab in zip(ax, (curve.neff, curve.ng, curve.d_ps_nm_km), ("neff", "ng", "D (ps/nm/km)")):
        a.plot(wl, y, "o-", color=c, ms=3)
        a.set_xlabel("wavelength (nm)")
        a.set_ylabel(lab)
        a.grid(alpha=0.3)
    ax[2].axhline(0, color="k", lw=0.6)
    fig.suptitle(f"{pdk} / {xs}" + (f", R = {curve.radius_um} um" if curve.radius_um else ""), fontsize=10)
    fig.tight_layout()
    return save_png(fig, path)


def plot_ring_dispersion(rd: RingDispersion, pdk: str, xs: str, path, **_) -> Path:
    """neff and ng versus wavelength (fit points and polynomial) and Dint versus mu (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from weiming.sims.modes.mpb import _core_color

    c = _core_color(pdk, xs)
    wl = np.asarray(rd.details["fit_wavelengths_um"])
    n = np.asarray(rd.details["fit_neff"])
    lc = float(np.mean(wl))
    coef = np.polynomial.polynomial.polyfit(wl - lc, n, min(4, wl.size - 1))
    fine = np.linspace(wl[0], wl[-1], 200)
    nf = np.polynomial.polynomial.polyval(fine - lc, coef)
    ngf = nf - fine * np.polynomial.polynomial.polyval(fine - lc, np.polynomial.polynomial.polyder(coef))
    fig, ax = plt.subplots(1, 3, figsize=(12, 3.6))
    ax[0].plot(fine * 1e3, nf, color=c)
    ax[0].plot(wl * 1e3, n, "o", color=c, ms=4)
    ax[0].set_ylabel("neff (bent)")
    ax[1].plot(fine * 1e3, ngf, color=c)
    ax[1].set_ylabel("ng (bent)")
    for a in ax[:2]:
        a.set_xlabel("wavelength (nm)")
        a.grid(alpha=0.3)
    mu = [m for m, _ in rd.dint]
    ax[2].plot(mu, [h / 1e6 for _, h in rd.dint], "o", color=c, ms=4)
    ax[2].axhline(0, color="k", lw=0.6)
    ax[2].set_xlabel("mode number mu")
    ax[2].set_ylabel("Dint/2pi (MHz)")
    ax[2].grid(alpha=0.3)
    fig.suptitle(f"{pdk} / {xs}: R = {rd.radius_um:.2f} um, FSR = {rd.fsr_hz / 1e9:.4f} GHz, "
                 f"D2/2pi = {rd.d2_hz / 1e3:.1f} kHz ({rd.regime})", fontsize=10)
    fig.tight_layout()
    return save_png(fig, path)


def _three_point(wl: float, step: float, n: np.ndarray) -> dict:
    """neff, ng and D (ps/nm/km) from neff at wl - step, wl, wl + step (um)."""
    lo, n0, hi = (float(x) for x in n)
    ng, d, _ = ng_d_beta2(wl, n0, (hi - lo) / (2 * step), (hi - 2 * n0 + lo) / step ** 2)
    return {"neff": n0, "ng": float(ng), "d_ps_nm_km": float(d)}


def compare_solvers(pdk: str, xs: str, wavelength_um: float = 1.55, *, step_um: float = 0.02,
                    settings=None, width=None, thickness=None) -> dict:
    """neff, ng and D of MPB (default grid) and femwell from the same three wavelengths.

    ``settings``: femwell mesh (:class:`~weiming.sims.modes.femwell_check.FemSettings`;
    core 0.1 um, far 0.5 um when None). Both use the same stencil
    (+-``step_um``), so the comparison measures the solvers, not the differencing.
    """
    from weiming.sims.modes.femwell_check import FemSettings, femwell_neff_sweep

    wls = np.array([wavelength_um - step_um, wavelength_um, wavelength_um + step_um])
    mpb = neff_sweep(pdk, xs, wls, width=width, thickness=thickness)
    settings = settings or FemSettings(core_um=0.1, far_um=0.5)
    fem = femwell_neff_sweep(pdk, xs, wls, settings=settings, width=width, thickness=thickness)
    return {"mpb": _three_point(wavelength_um, step_um, mpb), "femwell": _three_point(wavelength_um, step_um, fem)}
