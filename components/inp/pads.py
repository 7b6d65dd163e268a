"""Bond/probe pads: DC pad and GSG pad row (pad metal with a BCB via inside)."""

from __future__ import annotations

import gdsfactory as gf

from weiming.components.inp import _common as cm
from weiming.components.inp._common import DesignRuleError
from weiming.components.registry import register


def _pad(c: gf.Component, x0: float, y0: float, sx: float, sy: float) -> None:
    """PAD rectangle on the BCB (no opening under a bond pad: every BCB opening lands on contact
    metal, rule PLO.EN.2, and a pad on BCB keeps the RF pad capacitance low)."""
    cm.rect(c, x0, y0, x0 + sx, y0 + sy, "PAD")


def _size(param: str, value: float) -> float:
    cm.even_width(param, value)
    return cm.length(param, value, lo=cm.rule_value("PAD.W.1"), hi=500.0, why="PAD.W.1")


@register("inp")
def pad_dc(size_x: float = 80.0, size_y: float = 80.0) -> gf.Component:
    """DC bond pad centred at the origin: plated-Au PAD on the BCB. Ports e1 (west), e2 (north), e3 (east), e4 (south)."""
    _size("size_x", size_x)
    _size("size_y", size_y)
    c = gf.Component()
    _pad(c, -size_x / 2, -size_y / 2, size_x, size_y)
    lay = cm.layer("PAD")
    for name, (x, y), w, o in (("e1", (-size_x / 2, 0), size_y, 180), ("e2", (0, size_y / 2), size_x, 90),
                               ("e3", (size_x / 2, 0), size_y, 0), ("e4", (0, -size_y / 2), size_x, 270)):
        c.add_port(name, center=(cm.snap(x), cm.snap(y)), width=w, orientation=o, layer=lay,
                   port_type="electrical")
    c.info["size"] = [float(size_x), float(size_y)]
    return c


@register("inp")
def pad_gsg(pitch: float = 100.0, pad_width: float = 80.0, pad_height: float = 80.0) -> gf.Component:
    """Ground-signal-ground pad row for a GSG probe (``pitch`` um, default 100 um).

    Pads stacked along y, centres at -pitch, 0, +pitch; ports face east
    (towards the device): e1 ground (south), e2 signal, e3 ground (north).
    """
    _size("pad_width", pad_width)
    _size("pad_height", pad_height)
    cm.length("pitch", pitch, lo=1.0, hi=500.0)
    gap = pitch - pad_height
    if gap < cm.rule_value("PAD.S.1") - 1e-9:
        raise DesignRuleError(f"pitch={pitch:.4g} um leaves {gap:.4g} um between pads of height "
                              f"{pad_height:.4g} um, below the minimum space {cm.rule_value('PAD.S.1'):.2f} um "
                              f"of layer PAD (rule PAD.S.1)")
    c = gf.Component()
    lay = cm.layer("PAD")
    for i, name in enumerate(("e1", "e2", "e3")):
        yc = (i - 1) * pitch
        _pad(c, -pad_width / 2, yc - pad_height / 2, pad_width, pad_height)
        c.add_port(name, center=(cm.snap(pad_width / 2), cm.snap(yc)), width=pad_height, orientation=0,
                   layer=lay, port_type="electrical")
    c.info["pitch"] = float(pitch)
    return c
