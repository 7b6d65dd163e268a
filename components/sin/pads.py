"""Wire-bond pad: routing metal with a cladding opening inside it."""

from __future__ import annotations

import gdsfactory as gf

from weiming.components import _validate as v
from weiming.components.registry import register
from weiming.components.sin import _common as cm
from weiming.components.sin._geom import add_eport, add_rect


def validate_pad(size: float, param: str = "size") -> float:
    """The pad metal must hold an opening of the minimum width with the minimum enclosure."""
    size = cm.grid_length(param, size)
    if round(size * 1000) % 2:
        raise v.DesignRuleError(f"{param}={size!r} um must be a multiple of 2 nm, so that the pad's centre and "
                                f"edges are on the 1 nm grid")
    v.min_width(param, size, "METAL")
    enc = cm.rule_value("enclosure", "PAD_OPEN")
    r = cm.tech().rule("width", "PAD_OPEN")
    if r is not None and size - 2 * enc < r.value - 1e-9:
        raise v.DesignRuleError(
            f"{param}={size:.4g} um leaves a {size - 2 * enc:.4g} um pad opening (after the {enc:.3g} um "
            f"enclosure), below the minimum width {r.value:.2f} um of layer PAD_OPEN (rule {r.name}, PDK {cm.tech().name})")
    return size


def draw_pad(c: gf.Component, x: float, y: float, size: float) -> None:
    """A square pad of ``size`` centred on (x, y): METAL plus PAD_OPEN inset by the enclosure rule."""
    t = cm.tech()
    h = size / 2
    enc = cm.rule_value("enclosure", "PAD_OPEN")
    add_rect(c, x - h, y - h, x + h, y + h, t.layer("METAL"))
    add_rect(c, x - h + enc, y - h + enc, x + h - enc, y + h - enc, t.layer("PAD_OPEN"))


@register("sin100", "sin800")
def pad(size: float = 100.0) -> gf.Component:
    """Square bond pad of ``size`` um (assumption: 100 um for wedge/ball bonding).

    Ports e1 (west), e2 (north), e3 (east), e4 (south) on the pad edges, as in gdsfactory.
    """
    validate_pad(size)
    c = gf.Component()
    draw_pad(c, 0, 0, size)
    metal = cm.tech().layer("METAL")
    h = size / 2
    for name, xy, o in (("e1", (-h, 0), 180), ("e2", (0, h), 90), ("e3", (h, 0), 0), ("e4", (0, -h), 270)):
        add_eport(c, name, xy, o, size, metal)
    c.info["size_um"] = size
    return c
