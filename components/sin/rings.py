"""Microring resonator: all-pass or add-drop, point or pulley coupler, optional heater.

Geometry (ring centre at the origin): the through bus runs below the ring
(ports o1 west, o2 east), the drop bus above it (o3 east, o4 west), and the
optional heater covers the right-hand side of the ring between the two
couplers, routed to two bond pads east of the ring (e1 bottom, e2 top).
"""

from __future__ import annotations

import math

import gdsfactory as gf

from weiming.components import _validate as v
from weiming.components.registry import register
from weiming.components.sin import _common as cm
from weiming.components.sin._geom import Route, add_eport, add_port, add_rect, add_route, snap
from weiming.components.sin._optics import fsr_for_radius, radius_for_fsr, ring_group_index
from weiming.components.sin.pads import draw_pad, validate_pad

RADIUS_MAX_UM = 5000.0  # keeps cells and their GDS sane (a 5 mm radius is a 4.8 GHz FSR on sin100)
BUS_MARGIN_UM = 20.0  # straight bus beyond the ring/coupler before the ports
PAD_CLEARANCE_UM = 50.0  # ring edge to heater pads


def _ring_radius(radius: float | None, fsr: float | None, ng: float | None, width: float) -> tuple[float, float, str]:
    """(radius um, ng, where ng came from)."""
    t = cm.tech()
    if ng is None:  # the one rule the chip build uses too (mode solver when available, else EIM)
        ng, source = ring_group_index(t.name, width, t.extra["core_thickness"])
    else:
        ng = v.in_range("ng", ng, 1.0, 4.0)
        source = "given"
    if radius is not None and fsr is not None:
        raise v.DesignRuleError(f"radius={radius!r} and fsr={fsr!r}: give one of them, not both")
    if radius is None:
        fsr = cm.default("ring_fsr_hz", fsr)
        fsr = v.positive("fsr", fsr, "Hz")
        radius = snap(radius_for_fsr(fsr, ng))
        label = f"radius (from fsr={fsr:.4g} Hz, ng={ng:.4g})"
    else:
        label = "radius"
        v.on_grid("radius", radius)
    v.min_radius(label, radius, "resonator")
    v.in_range(label, radius, 0, RADIUS_MAX_UM, "um")
    return radius, ng, source


@register("sin100", "sin800")
def ring_resonator(radius: float | None = None, fsr: float | None = None, ng: float | None = None,
                   width: float | None = None, gap: float | None = None, coupler: str = "point",
                   wrap_angle: float = 30.0, heater: bool = False, drop: bool = False,
                   bus_width: float | None = None, bend_radius: float | None = None,
                   heater_width: float | None = None, pad_size: float = 100.0) -> gf.Component:
    """Microring resonator (all-pass, or add-drop with ``drop=True``).

    Args:
        radius: ring radius (um, centre of the waveguide). Give it or ``fsr``.
        fsr: target free spectral range (Hz); radius = c / (2 pi ng fsr). Default
            when neither is given: the PDK's (sin100: the seed comb's 30.03 GHz).
        ng: group index for ``fsr``; default: effective-index estimate of the ring
            cross-section (:mod:`weiming.components.sin._optics`, recorded in info).
        width: ring waveguide width (default: cross-section ``resonator``).
        gap: bus-ring gap, edge to edge (um; default per PDK, assumption).
        coupler: "point" (straight bus) or "pulley" (bus wrapped ``wrap_angle`` deg).
        heater: Pt heater on the ring, routed to two pads (e1, e2).
        drop: add the drop bus (ports o3, o4).
        bus_width: bus width (default: cross-section ``strip``).
        bend_radius: bends of the pulley bus (default: ``strip`` radius_min).
        heater_width: heater strip width (default: cross-section ``heater``).
        pad_size: heater bond-pad size (um).
    """
    t = cm.tech()
    ring = cm.waveguide("resonator", width)
    bus = cm.waveguide("strip", bus_width, "bus_width")
    radius, ng, ng_source = _ring_radius(radius, fsr, ng, ring.width)
    gap = cm.default("ring_gap", gap)
    v.min_space("gap", gap, ring.layer_name)
    v.on_grid("gap", gap)
    v.choice("coupler", coupler, ("point", "pulley"))
    v.choice("heater", heater, (False, True))
    v.choice("drop", drop, (False, True))
    rb = bus.radius_min if bend_radius is None else bend_radius
    phi = 0.0
    if coupler == "pulley":
        cm.min_space_curved("gap", gap, ring.layer_name)
        wrap_angle = v.in_range("wrap_angle", wrap_angle, 1.0, 120.0, "deg")
        v.min_radius("bend_radius", rb, "strip")
        v.on_grid("bend_radius", rb)
        phi = math.radians(wrap_angle) / 2
    if heater:
        hx = t.xs("heater")
        hw = hx.width if heater_width is None else heater_width
        v.min_width("heater_width", hw, "HEATER")
        v.on_grid("heater_width", hw)
        validate_pad(pad_size, "pad_size")

    c = gf.Component()
    # ring as two half annuli: no polygon holes, exact radial joints
    add_route(c, Route(radius, 0, 90).arc(radius, 180), ring.width, ring.layer)
    add_route(c, Route(-radius, 0, 270).arc(radius, 180), ring.width, ring.layer)

    rp = radius + ring.width / 2 + gap + bus.width / 2  # bus centre radius at the coupler
    if coupler == "point":
        x_t, y_t = 0.0, -rp
    else:
        x_t = (rp + rb) * math.sin(phi)
        y_t = -(rp + rb) * math.cos(phi) + rb
    xport = snap(max(x_t, radius + ring.width / 2) + BUS_MARGIN_UM)
    y_t = snap(y_t)
    for sign, names in ((1, ("o1", "o2")), (-1, ("o4", "o3"))):
        if sign < 0 and not drop:
            continue
        r = Route(-xport, sign * y_t, 0)
        if coupler == "point":
            r.straight(2 * xport)
        else:
            deg = math.degrees(phi)
            r.straight(xport - x_t).arc(rb, -sign * deg).arc(rp, sign * 2 * deg).arc(rb, -sign * deg)
            r.straight(xport - x_t)
        add_route(c, r, bus.width, bus.layer)
        add_port(c, names[0], (-xport, sign * y_t), 180, bus.xs)
        add_port(c, names[1], (xport, sign * y_t), 0, bus.xs)

    if heater:
        psi = max(math.radians(30.0), phi + math.radians(15.0))  # keep the heater off the couplers
        hl = t.layer("HEATER")
        arc_deg = 180.0 - 2 * math.degrees(psi)
        a0 = -math.pi / 2 + psi
        add_route(c, Route(radius * math.cos(a0), radius * math.sin(a0), math.degrees(a0) + 90).arc(radius, arc_deg),
                  hw, hl)
        metal = t.layer("METAL")
        mw = t.xs("metal").width
        cs = max(mw, hw + 4.0)  # contact square over the heater end
        x_pad = radius + ring.width / 2 + PAD_CLEARANCE_UM + pad_size / 2
        for sign, name in ((-1, "e1"), (1, "e2")):
            xe, ye = radius * math.cos(a0), sign * radius * math.sin(-a0)
            # pads close to the ring's axis, clear of the buses for radius >~ pad_size + 15 um
            y_pad = sign * (pad_size / 2 + 10.0)
            add_rect(c, xe - cs / 2, ye - cs / 2, xe + cs / 2, ye + cs / 2, metal)
            add_rect(c, xe, ye - mw / 2, x_pad, ye + mw / 2, metal)
            add_rect(c, x_pad - mw / 2, min(ye, y_pad) - mw / 2, x_pad + mw / 2, max(ye, y_pad) + mw / 2, metal)
            draw_pad(c, x_pad, y_pad, pad_size)
            add_eport(c, name, (x_pad + pad_size / 2, y_pad), 0, pad_size, metal)
        c.info["heater_length_um"] = round(radius * math.radians(arc_deg), 3)

    c.info.update({
        "radius_um": radius,
        "circumference_um": round(2 * math.pi * radius, 6),
        "coupling_length_um": round(radius * 2 * phi, 6),  # along the ring centre; 0 for a point coupler
        "gap_um": gap,
        "ng": round(ng, 6),
        "ng_source": ng_source,
        "fsr_hz": round(fsr_for_radius(radius, ng), 1),
        "coupler": coupler,
    })
    return c
