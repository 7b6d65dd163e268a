"""Spot-size converter (SSC) to a lensed fibre at the chip facet."""

from __future__ import annotations

import gdsfactory as gf

from weiming.components.inp import _common as cm
from weiming.components.registry import register


@register("inp")
def ssc(transition_length: float = 50.0, taper_length: float = 150.0, end_width: float = 5.0) -> gf.Component:
    """Deep ridge (o1) -> shallow ridge -> shallow ridge widened to ``end_width``
    um at the facet (o2).

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
    c = gf.Component()
    r1 = c << tr
    r2 = c << tp
    r2.dmove((r1.ports["o2"].dcenter[0], 0))
    c.add_port("o1", port=r1.ports["o1"])
    c.add_port("o2", port=r2.ports["o2"])
    cm.set_info(c, length_um=float(transition_length + taper_length), end_width=float(end_width))
    return c
