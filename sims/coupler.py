"""Ring-bus coupler model: power coupling kappa^2 vs gap from supermodes and coupled-mode theory.

Method
------
1. Supermodes. At a local edge-to-edge gap ``g`` the two parallel waveguides
   have an even and an odd supermode; their index split gives the local
   coupling coefficient ``K(g) = pi (n_even - n_odd) / lambda`` (1/um)
   (A. Yariv, IEEE JQE 9, 919 (1973); K. Okamoto, "Fundamentals of Optical
   Waveguides", ch. 4). The supermodes come from the 2D effective-index
   reduction of the PDK stack (:func:`weiming.sims.fdtd_eim.reduce_2d`, vertical
   TE slab) and a lateral 1D TM-slab solve of the two-core profile
   (:func:`weiming.sims.fdtd_eim.slab_neff`, two modes).
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
:mod:`weiming.sims.fdtd_coupler` measures in ``1 - |t|^2 - kappa^2``. Bending
changes of the modes are neglected (R >> w); ``neff`` and ``beta`` of both guides
are those of the straight guide of the 2D reduction.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from weiming.sims.fdtd_eim import slab_neff


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
    n_core: float
    n_clad: float

    def to_json(self) -> dict:
        return asdict(self)


def kappa2_2d(n_core: float, n_clad: float, width_um: float, gap_um: float, radius_um: float, *,
              coupler: str = "point", wrap_angle_deg: float | None = None, wavelength_um: float = 1.55,
              width_bus_um: float | None = None) -> CouplerResult:
    """Coupled-mode kappa^2 of a ring-bus coupler in a 2D (effective-index) world."""
    _validate(gap_um, radius_um, width_um, coupler, wrap_angle_deg)
    wrap = float(wrap_angle_deg or 0.0) if coupler == "pulley" else 0.0
    wb = width_um if width_bus_um is None else width_bus_um
    k0 = 2 * math.pi / wavelength_um
    beta = k0 * single_neff(n_core, n_clad, width_um, wavelength_um)
    # Tabulate K(g) on a log-spaced set and interpolate log K (K decays ~exponentially with g).
    dn0 = supermode_split(n_core, n_clad, width_um, gap_um, wavelength_um, wb)
    if dn0 <= 0:
        raise CouplerError(f"gap={gap_um} um: the coupled guides carry no odd supermode (guides too weak)")
    g_tab = [gap_um]
    dn_tab = [dn0]
    step = max(0.05, gap_um * 0.25)
    while dn_tab[-1] > dn0 * 1e-5 and len(g_tab) < 200:
        g_tab.append(g_tab[-1] + step)
        dn_tab.append(max(supermode_split(n_core, n_clad, width_um, g_tab[-1], wavelength_um, wb), 1e-300))
        step *= 1.15
    g_tab_a, log_k = np.array(g_tab), np.log(math.pi * np.array(dn_tab) / wavelength_um)
    g_max = g_tab_a[-1]

    def k_of(g):
        return np.exp(np.interp(g, g_tab_a, log_k, right=-np.inf))

    d = radius_um + width_um / 2 + gap_um + wb / 2
    ro = radius_um + width_um / 2
    z_max = math.sqrt(max(ro * ro - (d - wb / 2 - g_max) ** 2, 0.0)) if d - wb / 2 - g_max > 0 else ro
    # Segments as per-step (coupling phase, half mismatch phase): tail in, wrap, tail out.
    dz = min(0.02, wavelength_um / 40)
    z = np.arange(dz / 2, z_max, dz)
    g_t, dsr = tail_profile(z, radius_um, width_um, gap_um, wb)
    tail_k = k_of(g_t) * 0.5 * (1 + dsr) * dz
    tail_d = 0.5 * beta * (1 - dsr) * dz
    if coupler == "pulley":
        th_w = math.radians(wrap)
        n_w = max(1, int(math.ceil(th_w * d / dz)))
        h = th_w / n_w
        wrap_k = np.full(n_w, k_of(np.array([gap_um]))[0] * 0.5 * (radius_um + d) * h)
        wrap_d = np.full(n_w, 0.5 * beta * (d - radius_um) * h)  # concentric: paired along radii
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
    k2 = float(abs(a[0]) ** 2)
    return CouplerResult(kappa2=k2, t2=float(abs(a[1]) ** 2), excess_loss=0.0, gap_um=gap_um, radius_um=radius_um,
                         width_um=width_um, coupler=coupler, wrap_angle_deg=wrap, wavelength_um=wavelength_um,
                         n_core=n_core, n_clad=n_clad)


def _validate(gap_um, radius_um, width_um, coupler, wrap_angle_deg) -> None:
    for name, v in (("gap_um", gap_um), ("radius_um", radius_um), ("width_um", width_um)):
        if not (v is not None and float(v) > 0):
            raise CouplerError(f"{name}={v!r} must be > 0")
    if coupler not in ("point", "pulley"):
        raise CouplerError(f"coupler={coupler!r} must be 'point' or 'pulley'")
    if coupler == "pulley" and not (wrap_angle_deg is not None and 0 < float(wrap_angle_deg) < 180):
        raise CouplerError(f"wrap_angle_deg={wrap_angle_deg!r} must be in (0, 180) for a pulley coupler")


def coupler_model(pdk: str, gap_um: float, radius_um: float, width_um: float | None = None,
                  coupler: str = "point", wrap_angle_deg: float | None = None,
                  wavelength_um: float = 1.54978, xs: str = "resonator") -> CouplerResult:
    """kappa^2 of a ring-bus coupler of PDK ``pdk`` (effective-index 2D reduction + CMT; cached)."""
    from weiming.pdk import get_tech
    from weiming.sims.cache import cached
    from weiming.sims.fdtd_eim import reduce_2d

    tech = get_tech(pdk)
    x = tech.xs(xs)
    w = x.width if width_um is None else float(width_um)
    _validate(gap_um, radius_um, w, coupler, wrap_angle_deg)
    rule = tech.rule("space", x.layer)
    if rule is not None and gap_um < rule.value:
        raise CouplerError(f"gap={gap_um} um is below the minimum space {rule.value:.2f} um of layer {x.layer} "
                           f"(rule {rule.name}, PDK {pdk})")
    red = reduce_2d(pdk, x.layer, wavelength_um)
    inputs = dict(n_core=red.n_core, n_clad=red.n_clad, width_um=w, gap_um=float(gap_um),
                  radius_um=float(radius_um), coupler=coupler,
                  wrap_angle_deg=float(wrap_angle_deg or 0.0), wavelength_um=float(wavelength_um))
    val = cached("coupler_cmt", inputs, lambda: kappa2_2d(
        red.n_core, red.n_clad, w, gap_um, radius_um, coupler=coupler, wrap_angle_deg=wrap_angle_deg,
        wavelength_um=wavelength_um).to_json())
    return CouplerResult(**val)


def kappa2(pdk: str, gap_um: float, radius_um: float, width_um: float | None = None, coupler: str = "point",
           wrap_angle_deg: float | None = None, wavelength_um: float = 1.54978) -> float:
    """Power coupling of a ring-bus coupler of PDK ``pdk`` (contract 4); see :func:`coupler_model`."""
    return coupler_model(pdk, gap_um, radius_um, width_um, coupler, wrap_angle_deg, wavelength_um).kappa2


def sweep_gap(pdk: str, gaps_um, radius_um: float, **kw) -> list[CouplerResult]:
    """:func:`coupler_model` over ``gaps_um`` (kappa^2 and the model's excess loss vs gap)."""
    return [coupler_model(pdk, float(g), radius_um, **kw) for g in np.atleast_1d(gaps_um)]


__all__ = ["CouplerError", "CouplerResult", "supermode_split", "single_neff", "tail_profile", "kappa2_2d",
           "coupler_model", "kappa2", "sweep_gap"]
