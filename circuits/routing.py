"""Placement and routing helpers of the chips: optical chains, Manhattan wires, pad fan-out.

- :func:`chain`: instances joined port to port (``o2`` of one to ``o1`` of the
  next) along a row; a cross-section change between neighbours (e.g. a deep
  route into a shallow-ridge laser) inserts the PDK's transition cell.
- :func:`wire`: a Manhattan metal route as its own cell (merged rectangles,
  square-capped so corners are filled) with electrical ports ``e1``/``e2`` at
  its ends, so the connectivity check sees it like any other instance.
- :func:`fanout`: assigns pads along a die edge to north- (or south-) facing
  device ports in x order and routes each with one horizontal track; left-going
  routes take tracks nearest the devices from the left, right-going ones from
  the right, which is the ordering under which no two routes cross.
"""

from __future__ import annotations

from typing import Callable

import gdsfactory as gf
import klayout.db as kdb

from weiming.circuits.cells import BuildError
from weiming.pdk import get_tech


def layer_of(port) -> tuple[int, int]:
    li = port.layer_info
    return (li.layer, li.datatype)


def _polyline(reg: kdb.Region, points, width: float, dbu: float) -> None:
    """Add a Manhattan polyline of ``width`` to ``reg``: corners filled, ends flat at the end points."""
    hw = width / 2
    n = len(points)
    for k, ((x0, y0), (x1, y1)) in enumerate(zip(points[:-1], points[1:])):
        if x0 != x1 and y0 != y1:
            raise BuildError(f"route segment {(x0, y0)} -> {(x1, y1)} is not Manhattan")
        # extend by half the width at inner corners only
        e0 = 0.0 if k == 0 else hw
        e1 = 0.0 if k == n - 2 else hw
        if x0 == x1:
            ya, yb = (y0 - e0, y1 + e1) if y1 > y0 else (y1 - e1, y0 + e0)
            reg.insert(kdb.DBox(x0 - hw, ya, x0 + hw, yb).to_itype(dbu))
        else:
            xa, xb = (x0 - e0, x1 + e1) if x1 > x0 else (x1 - e1, x0 + e0)
            reg.insert(kdb.DBox(xa, y0 - hw, xb, y0 + hw).to_itype(dbu))


@gf.cell
def route_cell(pdk: str, conductors: tuple, ports: tuple, layer_name: str) -> gf.Component:
    """Metal conductors (``((points, width), ...)``, um) as one cell with the given electrical ports
    (``((name, x, y, orientation_deg, width), ...)``)."""
    t = get_tech(pdk)
    c = gf.Component()
    li = c.kcl.layer(*t.layer(layer_name))
    reg = kdb.Region()
    for pts, width in conductors:
        _polyline(reg, pts, width, c.kcl.dbu)
    c.shapes(li).insert(reg.merged())
    for name, x, y, o, w in ports:
        c.add_port(name, center=(x, y), width=w, orientation=o, layer=t.layer(layer_name), port_type="electrical")
    return c


def _clean(points) -> tuple:
    pts = [(round(x, 3), round(y, 3)) for x, y in points]
    out = [pts[0]]
    for p in pts[1:]:
        if p != out[-1]:
            out.append(p)
    # merge collinear points
    merged = [out[0]]
    for i in range(1, len(out) - 1):
        a, b, cc = merged[-1], out[i], out[i + 1]
        if (a[0] == b[0] == cc[0]) or (a[1] == b[1] == cc[1]):
            continue
        merged.append(b)
    merged.append(out[-1])
    return tuple(merged)


def _out(p, q) -> float:
    """Orientation (deg) pointing out of a polyline at end ``p`` whose neighbour is ``q``."""
    (x0, y0), (x1, y1) = p, q
    if x0 == x1:
        return 270.0 if y1 > y0 else 90.0
    return 180.0 if x1 > x0 else 0.0


def add_wire(c: gf.Component, pdk: str, points, width: float, layer_name: str, name: str) -> None:
    """A single-conductor route with ports e1 (start) and e2 (end)."""
    pts = _clean(points)
    ports = (("e1", *pts[0], _out(pts[0], pts[1]), width), ("e2", *pts[-1], _out(pts[-1], pts[-2]), width))
    c.add_ref(route_cell(pdk, ((pts, width),), ports, layer_name), name=name)


def assign_pads(xs: list[float], pitch: float, lo: float, hi: float) -> list[float]:
    """Pad centres as close as possible to ``xs`` (sorted), >= ``pitch`` apart, inside [lo, hi]."""
    out = []
    for x in xs:
        out.append(max(x, lo, out[-1] + pitch if out else lo))
    for i in range(len(out) - 1, -1, -1):
        cap = hi if i == len(out) - 1 else out[i + 1] - pitch
        out[i] = min(out[i], cap)
    if out and (out[0] < lo - 1e-6 or any(b - a < pitch - 1e-6 for a, b in zip(out, out[1:]))):
        raise BuildError(f"{len(xs)} pads at pitch {pitch:g} um do not fit between x={lo:g} and {hi:g} um")
    return [round(x, 3) for x in out]


#: GSG coplanar line of the InP metal_rf cross-section: (lateral offset um, width um) of ground, signal, ground.
PAD_SPACE_UM = 20.0
#: How far beyond a device's end a route led round it turns (um): clears a 50 um
#: deep-shallow transition abutting the device, so the route crosses only DEEP guides.
AROUND_UM = 75.0


def _cpw_sections(pdk: str) -> list[tuple[float, float]]:
    x = get_tech(pdk).xs("metal_rf")
    secs = [(0.0, x.width)] + [(s.offset, s.width) for s in x.sections]
    return sorted(secs)


def place_pads(c: gf.Component, pdk: str, eports: list, side: int, edge_y: float, die_w: float, pitch: float,
               get: Callable[..., gf.Component], prefix: str, flow: int, feed_um: float = 60.0,
               dc_gsg_space_um: float = PAD_SPACE_UM) -> list[dict]:
    """Pads along the die edge at ``edge_y`` (``side`` +1: top edge, -1: bottom) for ``eports``
    [(instance name, port)], and the routes to them. Returns the pad assignments.

    Ports facing the edge get a DC pad; ports facing away (an n contact) are
    led round the end of their device (``flow``: +1 if the row runs towards
    +x; a monitor photodiode ``pd_*`` round its input end) and then treated alike; ports facing along the row are
    travelling-wave electrodes and get a GSG pad straight above a coplanar
    feed. DC pads sit between the GSG pads, each on the same side of every GSG
    feed as its port, so DC tracks never cross a feed. A coplanar route is one
    cell with ports on its signal conductor only (device end and signal pad);
    DC pads keep ``dc_gsg_space_um`` from every GSG pad row (edge to edge);
    an n-contact port (listed in its cell's ``info["n_ports"]``) gets a ground
    pad (``pad_<prefix>_gnd*``, kind ``gnd``);
    its grounds join the device's and the pad row's grounds by abutment.
    """
    dc_pad = get("pad_dc")
    gsg_pad = get("pad_gsg")
    pad_h = dc_pad.dbbox().height()
    gsg_half = max(gsg_pad.dbbox().width(), gsg_pad.dbbox().height()) / 2
    dc_half = dc_pad.dbbox().width() / 2
    gsg_pitch = float(gsg_pad.info.get("pitch", 100.0))
    o_loc = (lambda o: o % 360) if side > 0 else (lambda o: (-o) % 360)
    Ye = side * edge_y
    Yp = Ye - pad_h            # pad edge facing the devices (local)
    yj = Yp - 60.0             # GSG ground fan-out level
    metal = "PAD" if pdk == "inp" else "METAL"
    wdc = get_tech(pdk).xs("metal_dc" if pdk == "inp" else "metal").width
    secs = _cpw_sections(pdk) if pdk == "inp" else []
    y_top = max((side * p.center[1] for _, p in eports), default=0.0)
    t0 = y_top + 40.0
    out: list[dict] = []

    def glob(pts):
        return tuple((x, side * y) for x, y in pts)

    def put_pad(comp, px: float, name: str, gsg: bool) -> None:
        ref = c.add_ref(comp, name=name)
        if gsg:
            ref.drotate(270 if side > 0 else 90)
        ref.dmove((px, side * (Yp + pad_h / 2)))

    # --- GSG feeds
    gsg_cols: list[float] = []
    dc_ports: list[tuple[str, float, float, tuple]] = []  # (name, x, y_local, prefix points)
    for k, (iname, p) in enumerate(sorted(eports, key=lambda ip: (ip[1].center[0], ip[0], ip[1].name))):
        x, y = p.center
        yl = side * y
        o = round(o_loc(p.orientation)) % 360
        if o in (0, 180):
            dx = 1.0 if o == 0 else -1.0
            xc = x + dx * feed_um
            conductors, ports = [], [("e1", x, side * yl, (p.orientation + 180) % 360, p.width)]
            for j, (dy, w) in enumerate(secs):
                vx = xc - dx * dy
                padx = xc + (0.0 if dy == 0 else (gsg_pitch if vx > xc else -gsg_pitch))
                pts = glob([(x, yl + dy), (vx, yl + dy), (vx, yj), (padx, yj), (padx, Yp)])
                conductors.append((_clean(pts), w))
                if dy == 0:  # ports only on the signal conductor: the cell is one net for the checker
                    ports.append(("e2", padx, side * Yp, 90.0 if side > 0 else 270.0, w))
            c.add_ref(route_cell(pdk, tuple(conductors), tuple(ports), metal), name=f"wire_{prefix}_rf{k}")
            put_pad(gsg_pad, xc, f"pad_{prefix}_rf{k}", True)
            gsg_cols.append(xc)
            out.append({"port": f"{iname}.{p.name}", "pad": f"pad_{prefix}_rf{k}", "kind": "gsg", "x_um": xc})
        elif o == 90:
            dc_ports.append((f"{iname}.{p.name}", x, yl, ()))
        else:  # facing away from the edge: go round the end of the device
            inst = next(i for i in c.insts if i.name == iname)
            b = inst.dbbox()
            # past the device end and a deep-shallow transition next to it (metal may cross DEEP only);
            # a monitor photodiode (``pd_*``, at the end of its branch) is led round its input end,
            # over its own deep S-bend, so the next device on the row can follow closely
            ahead = flow if not iname.startswith("pd_") else -flow
            xb = b.right + AROUND_UM if ahead > 0 else b.left - AROUND_UM
            yb = yl - 20.0
            dc_ports.append((f"{iname}.{p.name}", xb, yb, ((x, yl), (x, yb))))
    # n-contact (return) terminals, as their cells mark them (info["n_ports"]): they get ground pads
    insts = {i.name: i for i in c.insts}
    ground = {f"{n}.{q}" for n, _ in eports if n in insts for q in (insts[n].cell.info["n_ports"]
                                                                     if "n_ports" in insts[n].cell.info else [])}
    gsg_cols.sort()
    for a, b in zip(gsg_cols, gsg_cols[1:]):
        if b - a < 2 * gsg_half + PAD_SPACE_UM:
            raise BuildError(f"GSG feeds at x={a:.0f} and {b:.0f} um are closer than a GSG pad row "
                             f"({2 * gsg_half + PAD_SPACE_UM:.0f} um)")
    # --- DC pads per interval between GSG columns
    bounds = [150.0 - 1e9] + gsg_cols + [die_w + 1e9]
    for k in range(len(bounds) - 1):
        lo = max(bounds[k] + gsg_half + dc_gsg_space_um + dc_half, 150.0) if k > 0 else 150.0
        hi = min(bounds[k + 1] - gsg_half - dc_gsg_space_um - dc_half, die_w - 150.0) \
            if k < len(bounds) - 2 else die_w - 150.0
        group = sorted([d for d in dc_ports if bounds[k] < d[1] <= bounds[k + 1]], key=lambda d: d[1])
        if not group:
            continue
        pxs = assign_pads([d[1] for d in group], pitch, lo, hi)
        n = len(group)
        lefts = [i for i in range(n) if pxs[i] < group[i][1] - 1e-6]
        rights = [i for i in range(n) if pxs[i] > group[i][1] + 1e-6]
        track = {i: t0 + kk * 20.0 for kk, i in enumerate(lefts)}
        track.update({i: t0 + kk * 20.0 for kk, i in enumerate(reversed(rights))})
        if track and max(track.values()) > yj - 30.0:
            raise BuildError(f"{n} DC routes need more track room than the {yj - 30 - t0:.0f} um "
                             f"between the devices and the pads")
        for i, (pname, x, yl, pre) in enumerate(group):
            px = pxs[i]
            mid = [(x, yl), (x, track[i]), (px, track[i]), (px, Yp)] if i in track else [(x, yl), (px, Yp)]
            pts = _clean(glob(list(pre) + mid))
            gnd = pname in ground
            name = f"{prefix}_{'gnd' if gnd else 'dc'}{k}_{i}"
            add_wire(c, pdk, pts, wdc, metal, f"wire_{name}")
            put_pad(dc_pad, px, f"pad_{name}", False)
            out.append({"port": pname, "pad": f"pad_{name}", "kind": "gnd" if gnd else "dc", "x_um": px})
    return out
