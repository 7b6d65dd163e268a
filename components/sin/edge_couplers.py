"""Inverse-taper spot-size converter at the chip facet (edge coupler)."""

from __future__ import annotations

import math

import gdsfactory as gf

from weiming.components import _validate as v
from weiming.components.registry import register
from weiming.components.sin import _common as cm
from weiming.components.sin._geom import add_port, add_taper

TARGETS = ("lensed_fibre", "dfb")


@register("sin100", "sin800")
def edge_coupler(tip_width: float | None = None, length: float | None = None, width: float | None = None,
                 target: str = "lensed_fibre", cross_section: str = "strip") -> gf.Component:
    """Inverse taper from ``tip_width`` at the facet (x = 0, port o1) to the waveguide (o2).

    ``target`` picks the default tip: "lensed_fibre" (~2.5 um spot) or "dfb"
    (butt-coupling the hybrid InP DFB of the self-injection-locked comb).
    Default tips and lengths per PDK are assumptions: optimise the tip with the
    mode solver's overlap integral for your fibre/laser mode.
    """
    wg = cm.waveguide(cross_section, width)
    v.choice("target", target, TARGETS)
    tip = cm.default(f"ec_tip_{target}", tip_width)
    v.min_width("tip_width", tip, wg.layer_name)
    v.on_grid("tip_width", tip)
    length = cm.grid_length("length", cm.default("ec_length", length))
    half = math.degrees(math.atan(abs(wg.width - tip) / (2 * length)))
    cm.corner_angle("length", length, half, wg.layer_name)
    c = gf.Component()
    add_taper(c, 0, 0, length, 0, tip, wg.width, wg.layer)
    add_port(c, "o1", (0, 0), 180, gf.get_cross_section(cross_section, width=tip))
    add_port(c, "o2", (length, 0), 0, wg.xs)
    c.info.update({"tip_width_um": tip, "length_um": length, "target": target, "facet_x_um": 0.0})
    return c
