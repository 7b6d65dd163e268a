"""Straight waveguides, Euler bends and linear tapers between cross-sections."""

from __future__ import annotations

import math

import gdsfactory as gf

from weiming.components import _validate as v
from weiming.components.registry import register
from weiming.components.sin import _common as cm
from weiming.components.sin._geom import Route, add_polygon_nm, add_port, add_route, snap

import numpy as np


@register("sin100", "sin800")
def straight(length: float = 100.0, width: float | None = None, cross_section: str = "strip") -> gf.Component:
    """Straight waveguide of ``length`` um along +x; ports o1 (west), o2 (east)."""
    wg = cm.waveguide(cross_section, width)
    cm.grid_length("length", length)
    cm.min_area("length", length * wg.width, wg.layer_name)
    c = gf.Component()
    add_route(c, Route().straight(length), wg.width, wg.layer)
    add_port(c, "o1", (0, 0), 180, wg.xs)
    add_port(c, "o2", (length, 0), 0, wg.xs)
    c.info["length_um"] = length
    return c


@register("sin100", "sin800")
def bend_euler(radius: float | None = None, angle: float = 90.0, p: float = 0.5, width: float | None = None,
               cross_section: str = "strip") -> gf.Component:
    """Partial Euler bend (Vogelbacher et al., Opt. Express 27, 31394 (2019)).

    ``radius`` is the MINIMUM radius of curvature (defaults to, and must not be
    below, the cross-section's ``radius_min``); ``angle`` in degrees (+ = left);
    ``p`` the Euler fraction (0.05..1).
    """
    wg = cm.waveguide(cross_section, width)
    radius = wg.radius_min if radius is None else radius
    v.min_radius("radius", radius, cross_section)
    v.on_grid("radius", radius)
    angle = v.in_range("angle", angle, -180, 180, "deg")
    if abs(angle) < 1:
        raise v.DesignRuleError(f"angle={angle:.4g} deg: a bend must turn by at least 1 deg")
    p = v.in_range("p", p, 0.05, 1.0)
    c = gf.Component()
    r = Route().euler(radius, angle, p)
    add_route(c, r, wg.width, wg.layer)
    add_port(c, "o1", (0, 0), 180, wg.xs)
    add_port(c, "o2", r.end, angle, wg.xs)
    c.info["length_um"] = round(r.length, 6)
    c.info["min_radius_um"] = radius
    return c


@register("sin100", "sin800")
def taper(length: float = 100.0, width1: float | None = None, width2: float | None = None,
          cross_section1: str = "strip", cross_section2: str = "resonator") -> gf.Component:
    """Linear taper from ``cross_section1`` (o1, west) to ``cross_section2`` (o2, east).

    Widths default to the cross-sections' widths (on sin100 strip and resonator are
    both 2.8 um, so the default there is a plain 100 um section: set ``width2``).
    The half angle is limited by the layer's minimum-angle rule (the taper's acute
    corners are 90 deg minus it).
    """
    wg1 = cm.waveguide(cross_section1, width1, "width1")
    wg2 = cm.waveguide(cross_section2, width2, "width2")
    if wg1.layer != wg2.layer:
        raise v.DesignRuleError(f"cross_section1={cross_section1!r} and cross_section2={cross_section2!r} "
                                f"are on different layers ({wg1.layer_name}, {wg2.layer_name})")
    cm.grid_length("length", length)
    half = math.degrees(math.atan(abs(wg2.width - wg1.width) / (2 * length)))
    cm.corner_angle("length", length, half, wg1.layer_name)
    cm.min_area("length", length * (wg1.width + wg2.width) / 2, wg1.layer_name)
    c = gf.Component()
    pts = np.round(np.array([(0, -wg1.width / 2), (length, -wg2.width / 2), (length, wg2.width / 2),
                             (0, wg1.width / 2)]) / 0.001).astype(np.int64)
    add_polygon_nm(c, pts, wg1.layer)
    add_port(c, "o1", (0, 0), 180, wg1.xs)
    add_port(c, "o2", (snap(length), 0), 0, wg2.xs)
    c.info["length_um"] = length
    return c
