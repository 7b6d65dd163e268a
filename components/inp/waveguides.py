"""InP waveguides: straight, Euler bend, linear taper (deep, shallow or active ridge)."""

from __future__ import annotations

import gdsfactory as gf

from weiming.components.inp import _common as cm
from weiming.components.inp._common import DesignRuleError, v
from weiming.components.registry import register

OPTICAL_XS = ("deep", "shallow", "active")


def check_xs(param: str, name: str, width: float | None, wparam: str = "width") -> float:
    """Validate an optical cross-section name and width; return the width (um)."""
    v.choice(param, name, OPTICAL_XS)
    x = cm.tech().xs(name)
    w = x.width if width is None else width
    cm.even_width(wparam, w)
    v.min_width(wparam, w, x.layer)
    v.in_range(wparam, w, 0, 20.0, "um", "ridge waveguides wider than 20 um are not guides")
    return float(w)


def check_clad_length(param: str, value: float, cross_section: str) -> None:
    """A cross-section's cladding (ACTIVE island of ``active``) is as long as the
    guide: keep it at least its layer's minimum width (ACT.W.1)."""
    for lay, _ in cm.tech().xs(cross_section).cladding:
        r = cm.tech().rule("width", lay)
        if r is not None and value < r.value - 1e-9:
            raise DesignRuleError(f"{param}={value:.4g} um makes the {lay} island of cross-section {cross_section} "
                                  f"shorter than the minimum width {r.value:.2f} um of layer {lay} (rule {r.name})")


@register("inp")
def straight(length: float = 10.0, cross_section: str = "deep", width: float | None = None) -> gf.Component:
    """Straight ridge waveguide ``length`` um on ``cross_section`` (deep/shallow/active)."""
    cm.length("length", length, hi=20_000.0)
    w = check_xs("cross_section", cross_section, width)
    check_clad_length("length", length, cross_section)
    c = gf.path.extrude(gf.path.straight(length), cm.xs(cross_section, w))
    c.info["length"] = float(length)
    c.info["width"] = w
    return c


@register("inp")
def bend_euler(radius: float | None = None, angle: float = 90.0, p: float = 0.5,
               cross_section: str = "deep", width: float | None = None) -> gf.Component:
    """Euler bend whose *minimum* radius of curvature is ``radius`` (um).

    ``radius`` defaults to, and may not be below, the cross-section's
    ``radius_min`` (deep 75 um, shallow/active 200 um, Smit et al. 2014);
    ``use_eff=False`` makes the Euler spiral's tightest curvature equal to
    ``radius``, so the whole bend respects it. ``p`` is the Euler fraction.
    """
    w = check_xs("cross_section", cross_section, width)
    r = cm.tech().xs(cross_section).radius_min if radius is None else radius
    v.min_radius("radius", r, cross_section)
    v.in_range("radius", r, 0, 5000.0, "um")
    v.in_range("angle", angle, -180.0, 180.0, "deg")
    if abs(angle) < 1.0:
        raise DesignRuleError(f"angle={angle:.4g} deg must be at least 1 deg in magnitude")
    v.in_range("p", p, 0.0, 1.0)
    path = gf.path.euler(radius=r, angle=angle, p=p, use_eff=False)
    c = gf.path.extrude(path, cm.xs(cross_section, w))
    c.info["radius_min"] = float(r)
    c.info["length"] = round(float(path.length()), 6)
    c.info["width"] = w
    return c


@register("inp")
def taper(length: float = 50.0, width1: float = 1.5, width2: float = 3.0,
          cross_section: str = "deep") -> gf.Component:
    """Linear width taper on one ridge type from ``width1`` (o1) to ``width2`` (o2), um."""
    cm.length("length", length, lo=1.0, hi=5000.0)
    check_xs("cross_section", cross_section, width1, "width1")
    check_xs("cross_section", cross_section, width2, "width2")
    check_clad_length("length", length, cross_section)
    x = cm.tech().xs(cross_section)
    cm.taper_angle("length", length, width1, width2, x.layer)
    c = gf.Component()
    w1, w2 = width1 / 2, width2 / 2
    c.add_polygon([(0, -w1), (length, -w2), (length, w2), (0, w1)], layer=cm.layer(x.layer))
    for lay, off in x.cladding:  # e.g. ACTIVE around the active ridge
        c.add_polygon([(0, -w1 - off), (length, -w2 - off), (length, w2 + off), (0, w1 + off)],
                      layer=cm.layer(lay))
    c.add_port("o1", center=(0, 0), width=width1, orientation=180, layer=cm.layer(x.layer),
               port_type="optical", cross_section=cm.xs(cross_section, width1))
    c.add_port("o2", center=(length, 0), width=width2, orientation=0, layer=cm.layer(x.layer),
               port_type="optical", cross_section=cm.xs(cross_section, width2))
    c.info["length"] = float(length)
    return c
