"""Spot-size converter (SSC) to a lensed fibre at the chip facet."""

from __future__ import annotations

import math

import gdsfactory as gf

from weiming.components.inp import _common as cm
from weiming.components.inp._common import v
from weiming.components.registry import register


@register("inp")
def ssc(transition_length: float = 50.0, taper_length: float = 150.0, end_width: float = 5.0,
        angle_deg: float = 0.0) -> gf.Component:
    """Deep ridge (o1) -> shallow ridge -> shallow ridge widened to ``end_width``
    um at the facet (o2).

    ``angle_deg`` > 0: a deep Euler bend (radius_min) first turns the guide by
    that angle, so the SSC meets a cleaved facet (normal to o1's axis) at
    ``angle_deg``: the facet reflection then misses the guided mode (an
    injection-locked laser must not see it; 7-10 deg is the usual choice). The
    tilted part is drawn as polygons whose vertices are rotated and snapped to
    the 1 nm grid in this cell (never as a rotated reference, which would leave
    the grid when flattened); o2 faces ``angle_deg`` (its centre on the grid).

    The shallow ridge confines the mode weakly laterally, so widening it
    adiabatically over ``taper_length`` expands the lateral spot towards that
    of a lensed fibre (~2.5-3 um); the vertical size stays that of the
    guiding layer (no regrowth taper in the generic process: assumption).
    """
    cm.length("transition_length", transition_length, lo=1.0, hi=2000.0)
    cm.length("taper_length", taper_length, lo=1.0, hi=2000.0)
    t = cm.tech()
    ws = t.xs("shallow").width
    cm.even_width("end_width", end_width)
    cm.length("end_width", end_width, lo=ws, hi=12.0, why="from the shallow ridge width up to a 12 um facet")
    tr = gf.get_component("transition_deep_shallow", length=transition_length)
    tp = gf.get_component("taper", length=taper_length, width1=ws, width2=end_width, cross_section="shallow")
    v.in_range("angle_deg", angle_deg, 0.0, 12.0, "deg", "angled facet of an SSC")
    c = gf.Component()
    r1 = c << tr
    r2 = c << tp
    r2.dmove((r1.ports["o2"].dcenter[0], 0))
    c.add_port("o1", port=r1.ports["o1"])
    c.add_port("o2", port=r2.ports["o2"])
    cm.set_info(c, length_um=float(transition_length + taper_length), end_width=float(end_width),
                angle_deg=float(angle_deg))
    if angle_deg == 0:
        return c
    return _angled(c, angle_deg)


def _angled(straight_ssc: gf.Component, angle_deg: float) -> gf.Component:
    """``straight_ssc`` behind a deep Euler bend of ``angle_deg``, its polygons rotated onto the grid."""
    t = cm.tech()
    path = gf.path.euler(radius=t.xs("deep").radius_min, angle=angle_deg, p=0.5, use_eff=False)
    c = gf.Component()
    bend_len = cm.add_path(c, path, cm.xs("deep"))
    (ex, ey), a = path.points[-1], math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    x0 = straight_ssc.ports["o1"].dcenter[0]

    def place(x: float, y: float) -> tuple[float, float]:
        x -= x0
        return cm.snap(ex + ca * x - sa * y), cm.snap(ey + sa * x + ca * y)

    for lay, polys in straight_ssc.get_polygons_points(by="tuple").items():
        for pts in polys:
            c.add_polygon([place(float(px), float(py)) for px, py in pts], layer=lay)
    o2 = straight_ssc.ports["o2"]
    c.add_port("o1", port=straight_ssc.ports["o1"])
    c.add_port("o2", center=place(*o2.dcenter), width=o2.dwidth, orientation=angle_deg, layer=cm.layer("SHALLOW"),
               port_type="optical", cross_section=cm.xs("shallow", o2.dwidth))
    cm.set_info(c, **straight_ssc.info.model_dump())
    c.info["bend_length_um"] = round(bend_len, 6)
    return c
