"""SiN dies: the server comb chip and the SiN test dies (rings, spirals).

Server comb chip (``sin100``): the microring (FSR 30.03 GHz near 1549.78 nm,
radius from the group index, see :mod:`weiming.circuits.comb`) with its chosen
coupler, Pt heater and heater pads, bus and drop waveguides. Every optical port
of the device leaves through a straight to an edge coupler on the facet it faces:

- west bus (o1): pump input, edge coupler tip for the hybrid InP DFB ("dfb");
- east bus (o2): comb output (lensed-fibre tip ``server.edge_tip_width_um``);
- east drop (o3) / west add (o4): drop output and add port (lensed fibre).

The heater contacts (e1, e2) are wired to two bond pads near the east edge,
between the bus and drop waveguides (routing metal never crosses a SiN
waveguide: the 100-nm core's mode reaches the metal).
"""

from __future__ import annotations

import hashlib
import json
import math

import gdsfactory as gf

from weiming.circuits import cells as cl
from weiming.circuits.cells import BuildError
from weiming.circuits.design import Design
from weiming.circuits.die import frame, label, named
from weiming.circuits.routing import add_wire
from weiming.pdk import get_tech

EC_MARGIN_UM = 100.0   # assumption: device keep-out from the facets besides the edge coupler


def _h(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:8]


def optical_die(c: gf.Component, pdk: str, device: gf.Component, size_um: tuple[float, float], *,
                name: str, lane_um: float, text: str, label_um: float, ec_west: dict, ec_east: dict,
                get) -> None:
    """``device`` centred on a die, each W/E optical port led to an edge coupler on that facet,
    electrical ports wired east to bond pads; frame and label."""
    w, h = size_um
    ref = c.add_ref(device, name=name)
    b = ref.dbbox()
    ref.dmove((w / 2 - (b.left + b.right) / 2, h / 2 - (b.bottom + b.top) / 2))
    for p in sorted(ref.ports, key=lambda p: p.name):
        if p.port_type != "optical":
            continue
        o = round(p.orientation) % 360
        if o not in (0, 180):
            raise BuildError(f"{name}.{p.name} faces {o} deg; SiN dies need W/E facing optical ports")
        ec = get("edge_coupler", **(ec_west if o == 180 else ec_east))
        ec_len = ec.dbbox().width()
        x, y = p.center
        run = (x if o == 180 else w - x) - ec_len
        if run < 0:
            raise BuildError(f"{name}.{p.name}: the die ({w:g} um) is too narrow for the edge coupler")
        prev = p
        if run > 0.001:
            s = c.add_ref(get("straight", length=round(run, 3), width=p.width), name=f"wg_{name}_{p.name}")
            s.connect("o1", p)
            prev = s.ports["o2"]
        e = c.add_ref(ec, name=f"ec_{name}_{p.name}")
        e.connect("o2", prev)
    eports = sorted((p for p in ref.ports if p.port_type != "optical"), key=lambda p: p.center[1])
    pad = get("pad")
    ps = pad.dbbox().width()
    wire_w = get_tech(pdk).xs("metal").width
    for i, p in enumerate(eports):
        o = round(p.orientation) % 360
        if o != 0:
            raise BuildError(f"{name}.{p.name} faces {o} deg; heater contacts are expected to face east")
        x, y = p.center
        px = w - EC_MARGIN_UM - ps / 2 - 100.0
        add_wire(c, pdk, [(x, y), (px - ps / 2, y)], wire_w, "METAL", f"wire_{name}_{p.name}")
        pr = c.add_ref(pad, name=f"pad_{name}_{p.name}")
        pr.dmove((px, y))
    frame(c, pdk, size_um, lane_um)
    label(c, pdk, text, (EC_MARGIN_UM + 50, 60.0), label_um)


def die_size(device: gf.Component, ec_len_um: float, min_um: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
    """Smallest die (100 um steps) holding ``device``, two edge couplers and the margins."""
    b = device.dbbox()
    w = math.ceil((b.width() + 2 * ec_len_um + 2 * EC_MARGIN_UM + 300.0) / 100) * 100
    h = math.ceil((b.height() + 2 * EC_MARGIN_UM + 200.0) / 100) * 100
    return (float(max(w, min_um[0])), float(max(h, min_um[1])))


def ring_kwargs(design: Design, radius_um: float, **over) -> dict:
    r = design.server.ring
    kw = dict(radius=radius_um, width=r.width_um, gap=r.gap_um, coupler=r.coupler, wrap_angle=r.wrap_angle_deg,
              heater=r.heater, drop=r.drop)
    kw.update(over)
    return kw


def server_chip(design: Design, radius_um: float, index: int, used: list[str]) -> gf.Component:
    """Comb chip number ``index`` (1-based) with ring radius ``radius_um``."""
    s = design.server
    spec = {"s": s.model_dump(mode="json"), "r": radius_um, "i": index, "f": design.frame.model_dump(mode="json")}

    def build(c: gf.Component) -> None:
        cl.ensure_active(s.pdk)

        def get(n, **kw):
            return cl.get(s.pdk, n, standins=design.allow_standins, used=used, **kw)

        ring = get("ring_resonator", **ring_kwargs(design, radius_um))
        if tuple(s.die_um) != die_size(ring, 300.0, tuple(s.die_um)):
            need = die_size(ring, 300.0)
            raise BuildError(f"server.die_um={list(s.die_um)} is too small for the ring "
                             f"(radius {radius_um:.1f} um): need at least {list(need)}")
        optical_die(c, s.pdk, ring, tuple(s.die_um), name="ring", lane_um=design.frame.dicing_lane_um,
                    text=f"S{index:02d} COMB FSR{design.network.fsr_ghz:.2f}GHz R{radius_um:.1f}",
                    label_um=design.frame.label_size_um,
                    ec_west={"target": "dfb"}, ec_east={"tip_width": s.edge_tip_width_um}, get=get)

    return named(f"server_S{index:02d}_{_h(spec)}", build)


def sin_tests(design: Design, radius_um: float, used: list[str]) -> list[tuple[str, str, gf.Component]]:
    """(id, description, die) of the SiN test dies: gap-sweep rings, dispersion rings, cutback spirals."""
    s, t = design.server, design.sin_tests
    out = []

    def die(did: str, text: str, device_fn) -> None:
        spec = {"id": did, "s": s.model_dump(mode="json"), "t": t.model_dump(mode="json"), "r": radius_um,
                "f": design.frame.model_dump(mode="json")}

        def build(c: gf.Component) -> None:
            cl.ensure_active(s.pdk)

            def get(n, **kw):
                return cl.get(s.pdk, n, standins=design.allow_standins, used=used, **kw)

            dev = device_fn(get)
            ec = {"tip_width": s.edge_tip_width_um}
            size = die_size(dev, get("edge_coupler", **ec).dbbox().width())
            optical_die(c, s.pdk, dev, size, name="dut", lane_um=design.frame.dicing_lane_um, text=text,
                        label_um=design.frame.label_size_um, ec_west=ec, ec_east=ec, get=get)
            c.info["size_um"] = list(size)

        out.append((did, text, named(f"test_{did}_{_h(spec)}", build)))

    for g in t.gap_sweep_um:
        die(f"T_GAP_{g * 1000:.0f}", f"GAP {g:.2f}um R{radius_um:.0f}",
            lambda get, g=g: get("ring_resonator", **ring_kwargs(design, radius_um, gap=g, heater=False,
                                                                  drop=False)))
    for wd in t.dispersion_widths_um:
        die(f"T_DISP_W{wd * 1000:.0f}", f"DISP W{wd:.2f}um R{radius_um:.0f}",
            lambda get, wd=wd: get("ring_resonator", **ring_kwargs(design, radius_um, width=wd, heater=False,
                                                                   drop=False)))
    for L in t.cutback_lengths_um:
        die(f"T_SPIRAL_{L / 1000:.0f}MM", f"CUTBACK {L / 1000:.1f}mm",
            lambda get, L=L: get("spiral", length=L))
    return out
