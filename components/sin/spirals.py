"""Double spiral delay line / cutback structure of a given length.

Geometry: two interleaved Archimedean-like spirals made of semicircles whose
centres alternate between P = (-d/2, 0) and Q = (+d/2, 0) (d = waveguide pitch),
joined in the middle by an S of two semicircles of radius s/2 (s = rho - d/2,
rho the innermost semicircle radius). Every arc has a radius >= ``min_radius``
(the S is the tightest: s/2 >= min_radius), neighbouring turns are exactly
``gap`` apart edge to edge, and the input (o1, west) and output (o2, east) leave
on opposite sides. The total centreline length equals ``length`` exactly: the
number of turns n is the largest for which rho(n) >= 2 min_radius + d/2, and
rho is then solved from the (linear) length formula.

A set of spirals of different ``length`` is the usual cutback structure for
propagation loss; one spiral is a delay line (delay = length ng / c, in info).
"""

from __future__ import annotations

import math

import gdsfactory as gf

from weiming.components import _validate as v
from weiming.components.registry import register
from weiming.components.sin import _common as cm
from weiming.components.sin._geom import Route, add_port, add_route
from weiming.components.sin._optics import C_M_S, ng_eim

LENGTH_MAX_UM = 1.0e6  # 1 m
N_TURNS_MAX = 400


def _coefficients(n: int, d: float) -> tuple[float, float]:
    """length = a * rho + b for n turns per arm and pitch d (see module doc)."""
    a = 2 + 2 * math.pi + 4 * math.pi * n
    b = 4 * n * d + 2 * math.pi * n * d + 2 * math.pi * d * n * (2 * n - 1) - math.pi * d / 2
    return a, b


@register("sin100", "sin800")
def spiral(length: float | None = None, gap: float | None = None, min_radius: float | None = None,
           width: float | None = None, cross_section: str = "strip") -> gf.Component:
    """Double spiral of centreline ``length`` um (o1 west, o2 east); see the module doc.

    ``length`` defaults per PDK (sin100: 30 mm, the shortest sensible with 500 um bends is ~21 mm;
    sin800: 10 mm). ``gap``: edge-to-edge space between turns (default per PDK, assumption);
    ``min_radius``: smallest bend radius (default: the cross-section's radius_min).
    """
    wg = cm.waveguide(cross_section, width)
    gap = cm.default("spiral_gap", gap)
    cm.min_space_curved("gap", gap, wg.layer_name)
    v.on_grid("gap", gap)
    rmin = wg.radius_min if min_radius is None else min_radius
    v.min_radius("min_radius", rmin, cross_section)
    v.on_grid("min_radius", rmin)
    length = cm.default("spiral_length", length)
    d = wg.width + gap
    rho_min = 2 * rmin + d / 2
    a1, b1 = _coefficients(1, d)
    v.in_range("length", length, a1 * rho_min + b1, LENGTH_MAX_UM, "um",
               f"the shortest spiral with min_radius={rmin:g} um and gap={gap:g} um, up to 1 m")
    v.on_grid("length", length)
    n = 1
    while n < N_TURNS_MAX:
        a, b = _coefficients(n + 1, d)
        if (length - b) / a < rho_min:
            break
        n += 1
    a, b = _coefficients(n, d)
    rho = (length - b) / a
    s = rho - d / 2
    outer = rho + 2 * n * d

    r = Route(-(d / 2 + outer), outer, 0)
    r.straight(outer).arc(outer, -90)
    for j in range(2 * n - 1, -1, -1):
        r.arc(rho + j * d, -180)
    r.arc(s / 2, -180).arc(s / 2, 180)
    for j in range(2 * n):
        r.arc(rho + j * d, 180)
    r.arc(outer, 90).straight(outer)
    c = gf.Component()
    add_route(c, r, wg.width, wg.layer)
    add_port(c, "o1", r.pts[0], 180, wg.xs)
    add_port(c, "o2", r.end, 0, wg.xs)
    ng = ng_eim(wg.width, cm.tech().extra["core_thickness"])
    c.info.update({"length_um": round(r.length, 6), "turns_per_arm": n, "min_radius_um": round(s / 2, 6),
                   "pitch_um": d, "delay_ps": round(r.length * 1e-6 * ng / C_M_S * 1e12, 4),
                   "ng": round(ng, 6)})
    return c
