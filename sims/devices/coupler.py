"""Ring-bus coupler model: power coupling kappa^2 vs gap from supermodes and coupled-mode theory.

Method
------
1. Supermodes. At a local edge-to-edge gap ``g`` the two parallel waveguides
   have an even and an odd supermode; their index split gives the local
   coupling coefficient ``K(g) = pi (n_even - n_odd) / lambda`` (1/um)
   (A. Yariv, IEEE JQE 9, 919 (1973); K. Okamoto, "Fundamentals of Optical
   Waveguides", ch. 4). Production (:func:`coupler_model`, the default
   ``method="full-vector"``): the split of the real 2D cross-section, both
   cores in the PDK layer stack, from MPB with one solve per mirror parity
   (:func:`supermodes_xs`, cached on disk), tabulated from the design gap
   outwards and interpolated in ``log(split)`` (:func:`split_table_xs`).
   Checked against femwell supermodes of the same cross-section
   (:func:`weiming.sims.modes.femwell_check.femwell_kappa2`; tests/test_coupler.py).
   ``method="slab"`` / :func:`kappa2_2d`: the 2D effective-index world
   (:func:`weiming.sims.fdtd.eim.reduce_2d`, vertical TE slab, then a lateral
   TM-slab solve of the two-core profile) -- the world the 2D FDTD simulates,
   so it is the model that the 2D FDTD checks, but NOT the chip: at 1.55 um it
   overestimates the split of sin100 at a 2.5-um gap 1.6x (5.0e-4 vs 3.2e-4)
   and kappa^2 of its R = 763 um point coupler 2.6x (3.9e-3 vs 1.5e-3), and
   kappa^2 of a sin800 R = 100 um coupler at 0.6 um 1.9x (6.9e-4 vs 3.6e-4).
   It is therefore not used for any PDK's chip coupling.
2. Gap profile. Ring of centre radius ``R`` and width ``w``; bus centre line
   at ``D = R + w/2 + g0 + w_bus/2`` from the ring centre. Point coupler: a
   straight bus, gap ``g(z) = D - w_bus/2 - sqrt((R + w/2)^2 - z^2)`` at
   distance z from the tangent point. Pulley: the bus is concentric (gap g0)
   over the wrap angle and continues along the two tangents (same tail profile).
3. Coupled-mode integration with the local coupling ``K(g)`` times the mean
   path length of the two guides per step and the local phase mismatch ``beta
   (ds_bus - ds_ring)``. Along a straight bus, points are paired across the bus
   normal (ring partner at arc ``R asin(z/R)``): phase-matched at the tangent
   point. Along the concentric section of a pulley, points are paired along
   radii: the bus runs ``(D - R)/R`` longer per radian, the phase mismatch that
   makes pulley couplers wavelength selective (Hosseini et al., Opt. Express
   18, 2127 (2010); Moille et al., Opt. Lett. 44, 4737 (2019)). Each small
   step is the exact 2x2 transfer matrix of constant K and mismatch.
   ``kappa^2`` is the power that ends in the ring after the whole interaction.

Assumptions: two-mode CMT is lossless, so the model's excess loss is zero; the
excess loss (radiation, mode mismatch) is what the FDTD of
:mod:`weiming.sims.fdtd.coupler` measures in ``1 - |t|^2 - kappa^2``. Bending
changes of the modes are neglected (R >> w); ``beta`` of both guides is that of
the straight guide (full-vector, or of the 2D reduction for ``method="slab"``).
The point pairing and the straight supermodes need R >> h (h: the guides'
centre spacing). Against the 2D overlap model of the exact bent modes
(:mod:`weiming.sims.devices.coupler_2d`), in the same 2D world, this model is
-11 %, -1.8 % and 0.0 % at R = 20, 100 and 400 um (sin800, h = 1.3 um). At the
comb ring's scale (sin100 2D, R = 998 um, gap 2.2 um) it is -4.2 % against 2D
FDTD, where the overlap model is +1.4 % (tests/test_ring_vs_fdtd.py,
benchmarks/ring3d.py). A pulley's tails are taken as tangent lines, not the
S-bends the layout draws.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from functools import lru_cache

import numpy as np

from weiming.sims.fdtd.eim import slab_neff


class CouplerError(ValueError):
    """Bad coupler parameter (message names parameter, value and rule)."""


@lru_cache(maxsize=4096)
def supermode_split(n_core: float, n_clad: float, width_um: float, gap_um: float, wavelength_um: float,
                    width_bus_um: float | None = None) -> float:
    """``n_even - n_odd`` of two parallel 2D guides (lateral TM slab problem); 0 if only one mode guides."""
    wb = width_um if width_bus_um is None else width_bus_um
    n = slab_neff([n_clad, n_core, n_clad, n_core, n_clad], [width_um, gap_um, wb], wavelength_um,
                  pol="TM", num_modes=2)
    return n[0] - n[1] if len(n) == 2 else 0.0


def single_neff(n_core: float, n_clad: float, width_um: float, wavelength_um: float) -> float:
    """Fundamental TM-slab index of one 2D guide (the propagation constant used for phase mismatch)."""
    n = slab_neff([n_clad, n_core, n_clad], [width_um], wavelength_um, pol="TM")
    if not n:
        raise CouplerError(f"a {width_um} um wide guide of index {n_core} in {n_clad} guides no mode")
    return n[0]


def tail_profile(z_um: np.ndarray, radius_um: float, width_um: float, gap_um: float,
                 width_bus_um: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Straight bus section at distance ``z_um`` from its tangent point: (edge gap um, ring path length per um of bus).

    Bus points are paired with ring points on the bus normal (coupling is local
    across the bus): the ring partner is at lateral offset z, arc ``R asin(z/R)``.
    """
    wb = width_um if width_bus_um is None else width_bus_um
    d = radius_um + width_um / 2 + gap_um + wb / 2
    ro = radius_um + width_um / 2
    z = np.minimum(np.abs(z_um), ro * (1 - 1e-12))
    gap = d - wb / 2 - np.sqrt(ro * ro - z * z)
    ds_ring = 1.0 / np.sqrt(1.0 - (np.minimum(z, radius_um * (1 - 1e-12)) / radius_um) ** 2)
    return gap, ds_ring


@dataclass(frozen=True)
class CouplerResult:
    """kappa^2 (power to the ring), through power t^2, excess loss (0 in lossless CMT), inputs."""

    kappa2: float
    t2: float
    excess_loss: float
    gap_um: float
    radius_um: float
    width_um: float
    coupler: str
    wrap_angle_deg: float
    wavelength_um: float
    n_core: float  # 2D-world core index ("slab") or the guide's full-vector neff ("full-vector")
    n_clad: float  # 2D-world cladding index or the cladding material's index
    method: str = "full-vector"  # "full-vector" (real cross-section) or "slab" (2D effective-index world)

    def to_json(self) -> dict:
        return asdict(self)


def kappa2_2d(n_core: float, n_clad: float, width_um: float, gap_um: float, radius_um: float, *,
              coupler: str = "point", wrap_angle_deg: float | None = None, wavelength_um: float = 1.55,
              width_bus_um: float | None = None) -> CouplerResult:
    """Coupled-mode kappa^2 of a ring-bus coupler in a 2D (effective-index) world (slab supermodes)."""
    _validate(gap_um, radius_um, width_um, coupler, wrap_angle_deg)
    wb = width_um if width_bus_um is None else width_bus_um
    beta = 2 * math.pi / wavelength_um * single_neff(n_core, n_clad, width_um, wavelength_um)
    g_tab, dn_tab = split_table(lambda g: supermode_split(n_core, n_clad, width_um, g, wavelength_um, wb), gap_um,
                                floor=1e-5, max_points=200)
    if dn_tab[0] <= 0:
        raise CouplerError(f"gap={gap_um} um: the coupled guides carry no odd supermode (guides too weak)")
    k2, t2 = integrate_coupler(g_tab, dn_tab, beta, wavelength_um, gap_um, radius_um, width_um, wb, coupler,
                               wrap_angle_deg)
    return CouplerResult(kappa2=k2, t2=t2, excess_loss=0.0, gap_um=gap_um, radius_um=radius_um, width_um=width_um,
                         coupler=coupler, wrap_angle_deg=_wrap(coupler, wrap_angle_deg), wavelength_um=wavelength_um,
                         n_core=n_core, n_clad=n_clad, method="slab")


def split_table(split_of_gap, gap_um: float, *, floor: float, max_points: int,
                stop_at_noise: bool = False) -> tuple[list[float], list[float]]:
    """(gaps, splits) of the 2D supermode split from the design gap outwards, for :func:`split_interpolator`.

    Steps of 25 % of the gap (at least 0.05 um) growing 1.15x (the split decays ~exponentially with the gap),
    until it has fallen below ``floor`` times its value at the design gap or the table holds ``max_points``.
    ``stop_at_noise``: also stop where the split stops falling (the solver's noise floor; the interpolator's
    exponential tail takes over), instead of keeping such values (floored at 1e-300).
    """
    g_tab, dn_tab = [gap_um], [split_of_gap(gap_um)]
    step = max(0.05, gap_um * 0.25)
    while dn_tab[-1] > floor * dn_tab[0] and len(g_tab) < max_points:
        dn = split_of_gap(g_tab[-1] + step)
        if stop_at_noise and not 0 < dn < dn_tab[-1]:
            break
        g_tab.append(g_tab[-1] + step)
        dn_tab.append(max(dn, 1e-300))
        step *= 1.15
    return g_tab, dn_tab


def _wrap(coupler: str, wrap_angle_deg: float | None) -> float:
    return float(wrap_angle_deg or 0.0) if coupler == "pulley" else 0.0


def split_interpolator(g_tab, dn_tab):
    """``K(g)`` (1/um per unit wavelength factor left to the caller) from a table of supermode splits.

    Shape-preserving cubic interpolation of ``log(dn)`` between the tabulated
    gaps; beyond the last gap the split continues exponentially with the decay
    rate of the last two points (the evanescent tail), before the first gap it
    is held (the integration never goes below the design gap).
    """
    from scipy.interpolate import PchipInterpolator

    g = np.asarray(g_tab, dtype=float)
    ld = np.log(np.maximum(np.asarray(dn_tab, dtype=float), 1e-300))
    if g.size == 1:
        return lambda x: np.full(np.shape(x), math.exp(ld[0]))
    f = PchipInterpolator(g, ld, extrapolate=False) if g.size > 2 else None
    slope = (ld[-1] - ld[-2]) / (g[-1] - g[-2])

    def dn_of(x):
        x = np.asarray(x, dtype=float)
        inside = np.clip(x, g[0], g[-1])
        v = f(inside) if f is not None else np.interp(inside, g, ld)
        return np.exp(np.where(x > g[-1], ld[-1] + slope * (x - g[-1]), v))

    return dn_of


def integrate_coupler(g_tab, dn_tab, beta: float, wavelength_um: float, gap_um: float, radius_um: float,
                      width_um: float, width_bus_um: float, coupler: str,
                      wrap_angle_deg: float | None, *, beta_bus: float | None = None,
                      beta_bus_wrap: float | None = None) -> tuple[float, float]:
    """(kappa^2, t^2) of a ring-bus coupler from the supermode split table ``dn(g)`` (module docstring, steps 2-3).

    ``beta`` (1/um) is the propagation constant of the single guide (phase mismatch).
    A bus unlike the ring: ``beta_bus`` on its straight tails and ``beta_bus_wrap``
    (referred to its centre radius) along a pulley's wrap; default ``beta``
    (``dn`` must then be the coupling part of the split, see
    :func:`weiming.sims.fdtd.ring.model_kappa2`).
    """
    bb = beta if beta_bus is None else beta_bus
    bw = bb if beta_bus_wrap is None else beta_bus_wrap
    wrap = _wrap(coupler, wrap_angle_deg)
    wb = width_bus_um
    dn_of = split_interpolator(g_tab, dn_tab)

    def k_of(g):
        return math.pi * dn_of(g) / wavelength_um

    # Integrate out to where K has fallen 1e-6 below its value at the design gap.
    g_tab = np.asarray(g_tab, dtype=float)
    ld = np.log(np.maximum(np.asarray(dn_tab, dtype=float), 1e-300))
    slope = (ld[-1] - ld[-2]) / (g_tab[-1] - g_tab[-2]) if g_tab.size > 1 else -1.0
    g_max = max(g_tab[-1], g_tab[-1] + (math.log(1e-6) - (ld[-1] - ld[0])) / min(slope, -1e-3))
    d = radius_um + width_um / 2 + gap_um + wb / 2
    ro = radius_um + width_um / 2
    z_max = math.sqrt(max(ro * ro - (d - wb / 2 - g_max) ** 2, 0.0)) if d - wb / 2 - g_max > 0 else ro
    # Segments as per-step (coupling phase, half mismatch phase): tail in, wrap, tail out.
    dz = min(0.02, wavelength_um / 40)
    z = np.arange(dz / 2, z_max, dz)
    g_t, dsr = tail_profile(z, radius_um, width_um, gap_um, wb)
    tail_k = k_of(g_t) * 0.5 * (1 + dsr) * dz
    tail_d = 0.5 * (bb - beta * dsr) * dz
    if coupler == "pulley":
        # constant K and mismatch along the concentric wrap: one exact transfer matrix
        th_w = math.radians(wrap)
        wrap_k = np.array([float(k_of(np.array([gap_um]))[0]) * 0.5 * (radius_um + d) * th_w])
        wrap_d = np.array([0.5 * (bw * d - beta * radius_um) * th_w])  # concentric: paired along radii
    else:
        wrap_k = wrap_d = np.zeros(0)
    steps_k = np.r_[tail_k[::-1], wrap_k, tail_k]
    steps_d = np.r_[tail_d[::-1], wrap_d, tail_d]
    a = np.array([0.0 + 0j, 1.0 + 0j])  # (ring, bus)
    for kh, dh in zip(steps_k, steps_d):
        s = math.hypot(kh, dh)
        if s == 0:
            continue
        c, sn = math.cos(s), math.sin(s) / s
        a = np.array([[c + 1j * dh * sn, -1j * kh * sn], [-1j * kh * sn, c - 1j * dh * sn]]) @ a
    return float(abs(a[0]) ** 2), float(abs(a[1]) ** 2)


def _validate(gap_um, radius_um, width_um, coupler, wrap_angle_deg) -> None:
    for name, v in (("gap_um", gap_um), ("radius_um", radius_um), ("width_um", width_um)):
        if not (v is not None and float(v) > 0):
            raise CouplerError(f"{name}={v!r} must be > 0")
    if coupler not in ("point", "pulley"):
        raise CouplerError(f"coupler={coupler!r} must be 'point' or 'pulley'")
    if coupler == "pulley" and not (wrap_angle_deg is not None and 0 < float(wrap_angle_deg) < 180):
        raise CouplerError(f"wrap_angle_deg={wrap_angle_deg!r} must be in (0, 180) for a pulley coupler")


#: Supermode-split table of the real cross-section: from the design gap
#: outwards in steps of about this many field decay lengths 1/gamma (rounded
#: to a 0.1-um grid that is the same for every design gap, so that the tables
#: of nearby gaps share solves)...
SPLIT_STEP_DECAY_LENGTHS = 1.25
#: ...until the split has fallen below this fraction of its value at the design
#: gap (3 decay lengths); beyond, the split continues exponentially with the
#: table's last slope (:func:`split_interpolator`). Measured on sin100 at
#: 2.5 um (MPB every 0.5 um out to 7 um): the log-slope runs 1.36, 1.33, 1.31,
#: 1.28, 1.24 /um, so the exponential tail is within 3 % where it matters, and
#: the part of the coupling integral beyond 3 decay lengths is ~1 %.
SPLIT_FLOOR = 5e-2
#: Version of the full-vector coupler algorithm, part of the cache keys.
COUPLER_ALGO = 1


#: Largest share of the MPB supermode split that may come from coupling to the periodic images.
IMAGE_COUPLING = 1e-3


def decay_constant_per_um(pdk: str, xs: str, wavelength_um: float, width_um: float | None = None) -> float:
    """Evanescent decay constant ``gamma = k0 sqrt(neff^2 - n_clad^2)`` (1/um) of the guide's field in the cladding.

    ``neff`` is the full-vector index of the single guide (MPB, cached), ``n_clad``
    the index of the material above the core. The field decays as ``exp(-gamma d)``
    away from the core; 1/gamma is the decay length that sets cladding and PML margins.
    """
    from weiming.sims.modes.mpb import solve_modes, xs_geometry

    geom = xs_geometry(pdk, xs, width=width_um)
    n_cl = geom.n_at(wavelength_um)[geom.material_at(0.0, geom.core_z[1] + 0.5)]
    neff = solve_modes(pdk, xs, float(wavelength_um), width=width_um)[0].neff
    return 2 * math.pi / wavelength_um * math.sqrt(max(neff * neff - n_cl * n_cl, 1e-12))


def supermodes_xs(pdk: str, xs: str, gap_um: float, wavelength_um: float, width_um: float | None = None,
                  resolution: int | None = None) -> dict:
    """Even and odd supermode indices of two parallel guides of cross-section ``xs`` (MPB, cached on disk).

    Full-vector: the real 2D cross-section (both cores in the PDK layer stack,
    :func:`weiming.sims.modes.mpb.pair_geometry`) solved by MPB once per mirror
    parity about the symmetry plane between the guides, on the PDK's default
    grid (:data:`weiming.sims.modes.mpb.DEFAULT_NUMERICS`; the sin100 split at a
    2.5-um gap changes by +1.9 % from 20 to 30 px/um and by +0.3 % from 30 to
    40 px/um). Returns ``{"n_even", "n_odd", "split"}`` (``split = n_even - n_odd > 0``).
    """
    from weiming.sims.cache import cached
    from weiming.sims.modes.mpb import ALGO_VERSION, MpbWaveguide, default_numerics, pair_geometry, xs_geometry

    single = xs_geometry(pdk, xs, width=width_um)
    geom = pair_geometry(single, gap_um)
    wl = float(wavelength_um)
    num = default_numerics(pdk, resolution)
    # MPB's cell is periodic in y, so each guide also couples to the other's image
    # across the cell boundary, 2 margin_y away; that coupling adds to the split.
    # Keep it below IMAGE_COUPLING of the direct one: 2 margin_y >= gap + ln(1/IMAGE_COUPLING) / gamma.
    gam = decay_constant_per_um(pdk, xs, wl, width_um)
    my = max(num.margin_y_um, 0.5 * (float(gap_um) + math.log(1 / IMAGE_COUPLING) / gam))
    num = replace(num, margin_y_um=round(my, 3))
    inputs = {"pdk": pdk, "xs": xs, "gap_um": float(gap_um), "wavelength_um": wl, "width": geom.width_um,
              "geometry": [asdict(r) for r in geom.rects], "numerics": asdict(num), "materials": geom.n_at(wl),
              "algo": [ALGO_VERSION, COUPLER_ALGO]}

    def compute():
        n = {}
        for par in ("even", "odd"):
            band = MpbWaveguide(geom, num, parity=par).solve(wl)[0]
            n[par] = band["neff"]
        hi, lo = max(n.values()), min(n.values())  # the symmetric (higher-index) supermode is "even"
        return {"n_even": hi, "n_odd": lo, "split": hi - lo}

    return cached("coupler_supermodes", inputs, compute)


def split_table_xs(pdk: str, xs: str, gap_um: float, wavelength_um: float, width_um: float | None = None,
                   resolution: int | None = None) -> tuple[list[float], list[float]]:
    """(gaps, splits) of the real cross-section from ``gap_um`` outwards (see :data:`SPLIT_STEP_DECAY_LENGTHS`)."""
    dn0 = supermodes_xs(pdk, xs, gap_um, wavelength_um, width_um, resolution)["split"]
    step = max(0.1, round(SPLIT_STEP_DECAY_LENGTHS / decay_constant_per_um(pdk, xs, wavelength_um, width_um), 1))
    g_tab, dn_tab = [float(gap_um)], [dn0]
    k = math.floor(gap_um / step + 1e-9) + 1
    if k * step - gap_um < 0.25 * step:
        k += 1  # keep table points apart (the interpolation's slopes)
    while dn_tab[-1] > dn0 * SPLIT_FLOOR and len(g_tab) < 12:
        g = round(k * step, 6)
        dn = supermodes_xs(pdk, xs, g, wavelength_um, width_um, resolution)["split"]
        if dn <= 0 or dn >= dn_tab[-1]:
            break  # at the solver's noise floor: the exponential tail takes over
        g_tab.append(g)
        dn_tab.append(dn)
        k += 1
    return g_tab, dn_tab


def coupler_model(pdk: str, gap_um: float, radius_um: float, width_um: float | None = None,
                  coupler: str = "point", wrap_angle_deg: float | None = None,
                  wavelength_um: float = 1.54978, xs: str = "resonator", method: str = "full-vector") -> CouplerResult:
    """kappa^2 of a ring-bus coupler of PDK ``pdk`` (cached).

    ``method="full-vector"`` (default): supermode splits of the real 2D
    cross-section (:func:`supermodes_xs`) and the full-vector single-guide
    index for the phase mismatch. ``method="slab"``: the 2D effective-index
    world (:func:`weiming.sims.fdtd.eim.reduce_2d` + lateral TM slab), i.e. the
    world of the 2D FDTD; it is NOT the chip's coupling (errors in the module docstring).
    """
    from weiming.pdk import get_tech
    from weiming.sims.cache import cached

    if method not in ("full-vector", "slab"):
        raise CouplerError(f"method={method!r} must be 'full-vector' or 'slab'")
    tech = get_tech(pdk)
    x = tech.xs(xs)
    w = x.width if width_um is None else float(width_um)
    _validate(gap_um, radius_um, w, coupler, wrap_angle_deg)
    rule = tech.rule("space", x.layer)
    if rule is not None and gap_um < rule.value:
        raise CouplerError(f"gap={gap_um} um is below the minimum space {rule.value:.2f} um of layer {x.layer} "
                           f"(rule {rule.name}, PDK {pdk})")
    if method == "slab":
        from weiming.sims.fdtd.eim import reduce_2d

        red = reduce_2d(pdk, x.layer, wavelength_um)
        inputs = dict(n_core=red.n_core, n_clad=red.n_clad, width_um=w, gap_um=float(gap_um),
                      radius_um=float(radius_um), coupler=coupler,
                      wrap_angle_deg=float(wrap_angle_deg or 0.0), wavelength_um=float(wavelength_um))
        val = cached("coupler_cmt", inputs, lambda: kappa2_2d(
            red.n_core, red.n_clad, w, gap_um, radius_um, coupler=coupler, wrap_angle_deg=wrap_angle_deg,
            wavelength_um=wavelength_um).to_json())
        return CouplerResult(**val)
    from weiming.sims.modes.mpb import ModeSolverInputError, solve_modes, xs_geometry

    try:
        g_tab, dn_tab = split_table_xs(pdk, xs, float(gap_um), float(wavelength_um), w)
    except ModeSolverInputError as e:
        raise CouplerError(str(e)) from None
    n1 = solve_modes(pdk, xs, float(wavelength_um), width=w)[0].neff
    geom = xs_geometry(pdk, xs, width=w)
    n_ox = geom.n_at(wavelength_um)[geom.material_at(0.0, geom.core_z[1] + 0.5)]
    k2, t2 = integrate_coupler(g_tab, dn_tab, 2 * math.pi * n1 / wavelength_um, wavelength_um, float(gap_um),
                               float(radius_um), w, w, coupler, wrap_angle_deg)
    return CouplerResult(kappa2=k2, t2=t2, excess_loss=0.0, gap_um=float(gap_um), radius_um=float(radius_um),
                         width_um=w, coupler=coupler, wrap_angle_deg=_wrap(coupler, wrap_angle_deg),
                         wavelength_um=float(wavelength_um), n_core=n1, n_clad=float(n_ox), method="full-vector")


def kappa2(pdk: str, gap_um: float, radius_um: float, width_um: float | None = None, coupler: str = "point",
           wrap_angle_deg: float | None = None, wavelength_um: float = 1.54978) -> float:
    """Power coupling of a ring-bus coupler of PDK ``pdk`` (contract 4; full-vector, see :func:`coupler_model`)."""
    return coupler_model(pdk, gap_um, radius_um, width_um, coupler, wrap_angle_deg, wavelength_um).kappa2


def sweep_gap(pdk: str, gaps_um, radius_um: float, **kw) -> list[CouplerResult]:
    """:func:`coupler_model` over ``gaps_um`` (kappa^2 and the model's excess loss vs gap)."""
    return [coupler_model(pdk, float(g), radius_um, **kw) for g in np.atleast_1d(gaps_um)]


__all__ = ["CouplerError", "CouplerResult", "supermode_split", "single_neff", "tail_profile", "kappa2_2d",
           "split_interpolator", "split_table", "integrate_coupler", "supermodes_xs", "split_table_xs", "coupler_model", "kappa2",
           "sweep_gap"]
