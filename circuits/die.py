"""Die frame, dicing lane and label shared by every chip and test die.

A die of size (w, h) occupies [0, w] x [0, h]: its outline is drawn on
FLOORPLAN, the dicing lane (half the lane width, outside the die, so two
neighbouring dies share one full lane) on DICING. The label (chip id, channel)
is drawn in the pad/routing metal so it is readable on the diced chip; it is a
logo-like shape, so it is covered by DRC_EXCLUDE (contract 1: excluded areas are
not checked) rather than made to obey the routing-metal space rules.

Named components are cached per (name) in this process, so building twice
returns the same cells (kfactory refuses duplicate cell names) and the GDS cell
names are deterministic.
"""

from __future__ import annotations

from typing import Callable

import gdsfactory as gf

from weiming.pdk import get_tech

_NAMED: dict[str, gf.Component] = {}

#: Metal used for labels, per PDK family.
LABEL_LAYER = {"sin100": "METAL", "sin800": "METAL", "inp": "PAD"}


def named(name: str, build: Callable[[gf.Component], None]) -> gf.Component:
    """The component called ``name``, built once by ``build(c)`` (then reused)."""
    c = _NAMED.get(name)
    if c is None:
        c = gf.Component(name=name)
        try:
            build(c)
        except BaseException:
            c.delete()  # free the name: a failed build leaves no half-made cell behind
            raise
        _NAMED[name] = c
    return c


def rect(c: gf.Component, x0: float, y0: float, x1: float, y1: float, layer: tuple[int, int]) -> None:
    c.add_polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], layer=layer)


def frame(c: gf.Component, pdk: str, size_um: tuple[float, float], lane_um: float) -> None:
    """Die outline on FLOORPLAN and half a dicing lane around it on DICING."""
    t = get_tech(pdk)
    w, h = size_um
    rect(c, 0, 0, w, h, t.layer("FLOORPLAN"))
    d = lane_um / 2
    dic = t.layer("DICING")
    rect(c, -d, -d, w + d, 0, dic)
    rect(c, -d, h, w + d, h + d, dic)
    rect(c, -d, 0, 0, h, dic)
    rect(c, w, 0, w + d, h, dic)


def label(c: gf.Component, pdk: str, text: str, xy_um: tuple[float, float], size_um: float) -> None:
    """Metal text with its lower-left corner at ``xy_um``, covered by DRC_EXCLUDE."""
    t = get_tech(pdk)
    txt = gf.components.text(text, size=size_um, layer=t.layer(LABEL_LAYER[pdk]))
    ref = c.add_ref(txt, name=f"label_{len(c.insts)}")
    ref.move((xy_um[0], xy_um[1]))
    b = ref.dbbox()
    m = 2.0
    rect(c, b.left - m, b.bottom - m, b.right + m, b.top + m, t.layer("DRC_EXCLUDE"))
