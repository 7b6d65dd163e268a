"""Thermo-optic phase shifter: a Pt heater strip over a straight Si3N4 waveguide."""

from __future__ import annotations

import gdsfactory as gf

from weiming.components import _validate as v
from weiming.components.registry import register
from weiming.components.sin import _common as cm
from weiming.components.sin._geom import Route, add_eport, add_port, add_rect, add_route
from weiming.components.sin._optics import LAMBDA_UM
from weiming.components.sin.pads import draw_pad, validate_pad
from weiming.pdk.materials import get_material

PAD_CLEARANCE_UM = 50.0  # waveguide to pad edge (assumption)


@register("sin100", "sin800")
def phase_shifter(length: float = 1000.0, width: float | None = None, heater_width: float | None = None,
                  pads: bool = True, pad_size: float = 100.0, cross_section: str = "strip") -> gf.Component:
    """Heater of ``length`` um over a straight waveguide (o1 west, o2 east).

    Metal contacts at both heater ends rise to two bond pads north of the
    waveguide (``pads=True``; e1 west pad, e2 east pad) or end in electrical
    ports e1/e2 for routing (``pads=False``). ``info['dT_pi_K']`` is the
    temperature rise for a pi shift if the whole mode saw the Si3N4 dn/dT
    (Arbabi & Goddard 2013): a lower bound, since the mode is partly in SiO2.
    """
    t = cm.tech()
    wg = cm.waveguide(cross_section, width)
    length = cm.grid_length("length", length)
    hw = t.xs("heater").width if heater_width is None else heater_width
    v.min_width("heater_width", hw, "HEATER")
    v.on_grid("heater_width", hw)
    v.choice("pads", pads, (False, True))
    mw = t.xs("metal").width
    cs = max(mw, hw + 4.0)  # contact square over each heater end
    if pads:
        validate_pad(pad_size, "pad_size")
    need = (pad_size if pads else cs) + cm.rule_value("space", "METAL")
    if length < need - 1e-9:
        what = f"two {pad_size:g} um pads" if pads else "the two heater contacts"
        r = t.rule("space", "METAL")
        raise v.DesignRuleError(f"length={length:.4g} um is too short for {what}: needs >= {need:.4g} um "
                                f"(minimum space of layer METAL, rule {r.name if r else '-'}, PDK {t.name})")
    ext = pad_size / 2 if pads else cs / 2 + 10.0
    c = gf.Component()
    add_route(c, Route(-ext, 0, 0).straight(length + 2 * ext), wg.width, wg.layer)
    add_port(c, "o1", (-ext, 0), 180, wg.xs)
    add_port(c, "o2", (length + ext, 0), 0, wg.xs)
    add_rect(c, 0, -hw / 2, length, hw / 2, t.layer("HEATER"))
    metal = t.layer("METAL")
    y_top = wg.width / 2 + PAD_CLEARANCE_UM
    for name, x in (("e1", 0.0), ("e2", length)):
        add_rect(c, x - cs / 2, -cs / 2, x + cs / 2, cs / 2, metal)
        add_rect(c, x - mw / 2, 0, x + mw / 2, y_top, metal)
        if pads:
            draw_pad(c, x, y_top + pad_size / 2, pad_size)
            add_eport(c, name, (x, y_top + pad_size), 90, pad_size, metal)
        else:
            add_eport(c, name, (x, y_top), 90, mw, metal)
    dndt = get_material("si3n4").thermo_optic_per_k
    c.info.update({"heater_length_um": length, "dT_pi_K": round(LAMBDA_UM / (2 * length * dndt), 3)})
    return c
