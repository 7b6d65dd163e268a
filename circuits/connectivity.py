"""Geometric connectivity check of a chip (independent of how it was assembled).

It reads only the chip's top-level instances and their (transformed) ports:

- **optical**: every optical port must meet a port of another instance at the
  same point (1 nm), facing it (180 deg), with the same width; an unmatched
  port is allowed only on the die edge facing out (a chip I/O facet);
- **electrical**: instances joined by coincident electrical ports form nets;
  every electrical port of a non-pad instance must be joined, and every net
  that holds a device port must hold a pad (instance name ``pad*``);
- **contacts**: every conductor of a route (also the grounds of a coplanar
  line, which have no ports) touches pad metal and device metal;
- **crossings**: routing metal (instances named ``wire*``) must not overlap
  optical waveguide layers, except where the PDK allows it (``CROSSING_RULES``);
- **terminals** (InP, :func:`check_terminals`): from the layout alone, every
  device terminal (BCB opening on p- or n-contact metal) is on a pad-metal net
  that holds a bond pad, every GSG ground pad reaches an n contact, no net
  joins p and n;
- **grid**: no placement in the hierarchy leaves the 1 nm grid when flattened.

Instance naming convention used by the chip builders: ``pad*`` bond pads,
``wire*`` electrical routes, ``wg*`` optical routes, ``label*`` die labels
(ignored), anything else a device.
"""

from __future__ import annotations

from dataclasses import dataclass

import gdsfactory as gf
import klayout.db as kdb

from weiming.pdk import get_tech

#: Waveguide layers that routing metal may cross, per PDK, and why.
#: InP: DC metal on the BCB planarisation (>= 3 um) may cross *passive deep*
#: waveguides (generic InP platforms allow it, Smit et al., Semicond. Sci.
#: Technol. 29, 083001 (2014)); never shallow/active ridges (electrode
#: contact/loading). SiN: none (the 100-nm core's mode reaches the metal).
CROSSING_RULES: dict[str, dict[str, tuple[str, ...]]] = {
    "inp": {"waveguides": ("DEEP", "SHALLOW"), "allowed": ("DEEP",)},
    "sin100": {"waveguides": ("WG",), "allowed": ()},
    "sin800": {"waveguides": ("WG",), "allowed": ()},
}
CROSSING_RULE_TEXT = ("routing metal may cross passive DEEP waveguides only (InP, over the BCB planarisation); "
                      "never SHALLOW/ACTIVE ridges, never SiN waveguides")


@dataclass(frozen=True)
class _P:
    inst: str
    name: str
    x: float
    y: float
    orientation: float
    width: float
    optical: bool


def _ports(c: gf.Component) -> list[_P]:
    out = []
    for inst in c.insts:
        name = inst.name
        if name.startswith("label"):
            continue
        for p in inst.ports:
            x, y = p.center
            out.append(_P(name, p.name, round(x, 3), round(y, 3), float(p.orientation) % 360,
                          round(float(p.width), 3), p.port_type == "optical"))
    return out


#: Largest angle (deg) between a facet port's direction and the die edge's outward normal: an angled
#: SSC meets the cleaved facet at up to ~10 deg (issue 12: 7-10 deg against facet reflections).
FACET_ANGLE_MAX_DEG = 15.0


def _on_edge_facing_out(p: _P, size_um: tuple[float, float], tol: float = 1.0) -> bool:
    import math

    w, h = size_um
    for normal, on in ((0.0, abs(p.x - w) <= tol), (180.0, abs(p.x) <= tol), (90.0, abs(p.y - h) <= tol),
                       (270.0, abs(p.y) <= tol)):
        off = abs((p.orientation - normal + 180.0) % 360.0 - 180.0)
        if on and off <= FACET_ANGLE_MAX_DEG:
            return True
    return False


def check_optical(c: gf.Component, size_um: tuple[float, float], ports: list[_P] | None = None
                  ) -> tuple[list[str], list[str]]:
    """(errors, chip I/O port names) of the optical ports of ``c``."""
    errors, io = [], []
    ports = [p for p in (ports if ports is not None else _ports(c)) if p.optical]
    at: dict[tuple[float, float], list[_P]] = {}
    for p in ports:
        at.setdefault((p.x, p.y), []).append(p)
    for p in ports:
        mates = [q for q in at[(p.x, p.y)] if q.inst != p.inst]
        if not mates:
            if _on_edge_facing_out(p, size_um):
                io.append(f"{p.inst}.{p.name}")
            else:
                errors.append(f"unconnected optical port {p.inst}.{p.name} at ({p.x:.3f}, {p.y:.3f}) um")
            continue
        q = mates[0]
        if len(mates) > 1:
            errors.append(f"optical port {p.inst}.{p.name} meets {len(mates)} ports at ({p.x}, {p.y})")
        if abs(((p.orientation - q.orientation) % 360) - 180) > 0.01:
            errors.append(f"optical ports {p.inst}.{p.name} and {q.inst}.{q.name} touch but do not face each other")
        if abs(p.width - q.width) > 0.001:
            errors.append(f"optical width mismatch {p.inst}.{p.name} ({p.width} um) / {q.inst}.{q.name} ({q.width} um)")
    return errors, sorted(io)


def _is_conductor(inst_name: str) -> bool:
    """Routes and pads connect all their ports together; device ports are separate electrodes."""
    return inst_name.startswith(("wire", "pad"))


def check_electrical(c: gf.Component, ports: list[_P] | None = None
                     ) -> tuple[list[str], dict[str, str], dict[tuple[str, str], str]]:
    """(errors, {device_port: pad}, {(inst, port): net id}) of the electrical nets of ``c``."""
    ports = [p for p in (ports if ports is not None else _ports(c)) if not p.optical]
    nodes = [(p.inst, p.name) for p in ports]
    parent = {n: n for n in nodes}

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a, b) -> None:
        parent[find(a)] = find(b)

    first: dict[str, tuple[str, str]] = {}
    for p in ports:
        if _is_conductor(p.inst):
            if p.inst in first:
                union((p.inst, p.name), first[p.inst])
            else:
                first[p.inst] = (p.inst, p.name)
    at: dict[tuple[float, float], list[_P]] = {}
    for p in ports:
        at.setdefault((p.x, p.y), []).append(p)
    joined: set[tuple[str, str]] = set()
    for group in at.values():
        for p in group:
            for q in group:
                if q.inst != p.inst:
                    union((p.inst, p.name), (q.inst, q.name))
                    joined.add((p.inst, p.name))
    pads_of: dict[tuple[str, str], set[str]] = {}
    devs_of: dict[tuple[str, str], list[str]] = {}
    for p in ports:
        if p.inst.startswith("pad"):
            pads_of.setdefault(find((p.inst, p.name)), set()).add(p.inst)
        elif not p.inst.startswith("wire"):
            devs_of.setdefault(find((p.inst, p.name)), []).append(f"{p.inst}.{p.name}")
    errors, reach = [], {}
    for p in ports:
        if p.inst.startswith("pad"):
            continue
        if (p.inst, p.name) not in joined:
            errors.append(f"electrical port {p.inst}.{p.name} at ({p.x:.1f}, {p.y:.1f}) um is not connected")
            continue
        net = find((p.inst, p.name))
        pads = pads_of.get(net)
        if not pads:
            errors.append(f"electrical port {p.inst}.{p.name} does not reach a pad")
        elif not p.inst.startswith("wire"):
            reach[f"{p.inst}.{p.name}"] = sorted(pads)[0]
    for net, devs in devs_of.items():
        if len(devs) > 1:
            errors.append(f"electrical ports {', '.join(sorted(devs))} are shorted on one net")
    nets = {n: str(find(n)) for n in nodes}
    return errors, reach, nets


def _region(c: gf.Component, layer: tuple[int, int], insts) -> kdb.Region:
    li = c.kcl.layer(*layer)
    r = kdb.Region()
    for inst in insts:
        r.insert(kdb.Region(inst.cell.begin_shapes_rec(li)).transformed(inst.trans))
    return r.merged()


def check_crossings(c: gf.Component, pdk: str) -> list[str]:
    """Routing metal over waveguides that the PDK does not allow."""
    t = get_tech(pdk)
    rules = CROSSING_RULES[pdk]
    metal_layer = t.layer("PAD" if pdk == "inp" else "METAL")
    wires = [i for i in c.insts if i.name.startswith("wire")]
    if not wires:
        return []
    metal = _region(c, metal_layer, wires)
    others = [i for i in c.insts if not i.name.startswith(("wire", "label", "pad"))]
    errors = []
    for lay in rules["waveguides"]:
        if lay in rules["allowed"]:
            continue
        hit = metal & _region(c, t.layer(lay), others)
        if not hit.is_empty():
            b = hit.bbox()
            dbu = c.kcl.dbu
            errors.append(f"routing metal crosses {lay} waveguide at ({b.center().x * dbu:.1f}, "
                          f"{b.center().y * dbu:.1f}) um ({hit.count()} places; rule: {CROSSING_RULE_TEXT})")
    return errors


def check_shorts(c: gf.Component, pdk: str, ports: list[_P] | None = None) -> list[str]:
    """Routing metal touching metal of an instance it is not connected to by a port (a short)."""
    t = get_tech(pdk)
    metal_layer = t.layer("PAD" if pdk == "inp" else "METAL")
    li = c.kcl.layer(*metal_layer)
    named = [(i.name, i) for i in c.insts]
    named = [(n, i) for n, i in named if not n.startswith("label")]
    boxes = {n: i.dbbox(li) for n, i in named}
    named = [(n, i) for n, i in named if not boxes[n].empty()]
    pts: dict[str, set] = {}
    for p in (ports if ports is not None else _ports(c)):
        if not p.optical:
            pts.setdefault(p.inst, set()).add((p.x, p.y))
    regions: dict[str, kdb.Region] = {}

    def region(n: str, i) -> kdb.Region:
        if n not in regions:
            regions[n] = _region(c, metal_layer, [i])
        return regions[n]

    errors = []
    for wn, w in named:
        if not wn.startswith("wire"):
            continue
        bw = boxes[wn].enlarged(0.01, 0.01)
        for on, o in named:
            if on == wn or not bw.overlaps(boxes[on]) or pts.get(wn, set()) & pts.get(on, set()):
                continue
            if not region(wn, w).interacting(region(on, o)).is_empty():
                errors.append(f"route {wn} touches the metal of {on} (short)")
    return errors


def check_contacts(c: gf.Component, pdk: str) -> list[str]:
    """Every conductor of every route touches pad metal at one end and device metal at the other
    (geometric, so the grounds of a coplanar route are checked too, not only its signal ports)."""
    t = get_tech(pdk)
    metal_layer = t.layer("PAD" if pdk == "inp" else "METAL")
    li = c.kcl.layer(*metal_layer)
    named = [(i.name, i) for i in c.insts]
    pads = [i for n, i in named if n.startswith("pad")]
    devs = [i for n, i in named if not n.startswith(("pad", "wire", "label")) and not i.dbbox(li).empty()]
    pad_r = _region(c, metal_layer, pads) if pads else kdb.Region()
    dev_r = _region(c, metal_layer, devs) if devs else kdb.Region()
    errors = []
    for n, w in named:
        if not n.startswith("wire"):
            continue
        for k, poly in enumerate(_region(c, metal_layer, [w]).each_merged()):
            one = kdb.Region(poly)
            if one.interacting(pad_r).is_empty():
                errors.append(f"route {n} conductor {k} does not touch a pad")
            if one.interacting(dev_r).is_empty():
                errors.append(f"route {n} conductor {k} does not touch a device electrode")
    return errors


def _flat(c: gf.Component, layer: tuple[int, int], insts=None) -> kdb.Region:
    """Merged shapes of ``layer`` of the whole chip (or of ``insts`` only), flattened, in dbu."""
    if insts is None:
        return kdb.Region(c.begin_shapes_rec(c.kcl.layer(*layer))).merged()
    return _region(c, layer, insts)


def check_terminals(c: gf.Component, pdk: str) -> tuple[list[str], dict]:
    """Device terminals and GSG grounds from the layout alone (InP), not from ports or a netlist.

    - a **terminal** is a BCB opening on contact metal: PLANAR_OPEN over PMETAL (p side) or over
      NMETAL (n side, the top-side n contact on the deep-etched n-InP field);
    - a **net** is one merged polygon of pad metal (PAD) of the whole chip;
    - every terminal's net must hold a bond pad (the PAD of an instance named ``pad*``), and an n
      terminal's a ground pad (a DC pad ``pad*gnd*`` or a GSG row's ground pad);
    - every ground pad of a GSG pad row (the two outer pads; the signal pad is the one at the
      row's middle port) must be on a net that holds an n terminal (the n contact);
    - no net may hold both a p and an n terminal (a p-n short).

    Returns (errors, summary counts).
    """
    if pdk != "inp":
        return [], {}
    t = get_tech(pdk)
    dbu = c.kcl.dbu
    metal = _flat(c, t.layer("PAD"))
    opening = _flat(c, t.layer("PLANAR_OPEN"))
    p_term = opening & _flat(c, t.layer("PMETAL"))
    n_term = opening & _flat(c, t.layer("NMETAL"))
    pads = [i for i in c.insts if i.name.startswith("pad")]
    pad_r = _flat(c, t.layer("PAD"), pads) if pads else kdb.Region()
    nets = [kdb.Region(poly) for poly in metal.each()]
    net_pad = [not n.interacting(pad_r).is_empty() for n in nets]
    net_p = [not n.interacting(p_term).is_empty() for n in nets]
    net_n = [not n.interacting(n_term).is_empty() for n in nets]
    errors = []

    def net_of(poly) -> int | None:
        one = kdb.Region(poly)
        for k, n in enumerate(nets):
            if not n.interacting(one).is_empty():
                return k
        return None

    counts = {"p_terminals": 0, "n_terminals": 0, "terminals_to_pad": 0, "gsg_grounds": 0,
              "gsg_grounds_to_n_contact": 0, "n_terminals_to_ground_pad": 0}
    li = c.kcl.layer(*t.layer("PAD"))
    ground_pads = kdb.Region()  # DC ground pads (pad_*gnd*) and the ground pads of GSG rows
    gsg_grounds: list[tuple[str, kdb.Polygon]] = []
    for inst in pads:
        own = kdb.Region(inst.cell.begin_shapes_rec(li)).transformed(inst.trans).merged()
        if len(inst.ports) == 3:  # a GSG pad row: the signal pad's port e2 sits on the middle of its edge
            sx, sy = next(p for p in inst.ports if p.name == "e2").center
            for poly in own.each():
                cb = poly.bbox().center()
                if abs(cb.x * dbu - sx) > 1e-3 and abs(cb.y * dbu - sy) > 1e-3:
                    gsg_grounds.append((inst.name, poly))
                    ground_pads.insert(poly)
        elif "gnd" in inst.name:
            ground_pads += own
    net_gnd = [not n.interacting(ground_pads).is_empty() for n in nets]
    for kind, reg in (("p", p_term), ("n", n_term)):
        for poly in reg.each():
            counts[f"{kind}_terminals"] += 1
            k = net_of(poly)
            b = poly.bbox()
            where = f"({b.center().x * dbu:.1f}, {b.center().y * dbu:.1f}) um"
            if k is None:
                errors.append(f"{kind} terminal at {where} has no pad metal on it")
            elif not net_pad[k]:
                errors.append(f"{kind} terminal at {where} does not reach a bond pad")
            else:
                counts["terminals_to_pad"] += 1
                if kind == "n" and not net_gnd[k]:
                    errors.append(f"n terminal at {where} reaches a pad that is not a ground pad")
                elif kind == "n":
                    counts["n_terminals_to_ground_pad"] += 1
    for k in range(len(nets)):
        if net_p[k] and net_n[k]:
            b = nets[k].bbox()
            errors.append(f"pad-metal net at ({b.center().x * dbu:.1f}, {b.center().y * dbu:.1f}) um joins a p "
                          "and an n terminal (p-n short)")
    for name, poly in gsg_grounds:
        counts["gsg_grounds"] += 1
        k = net_of(poly)
        b = poly.bbox()
        if k is None or not net_n[k]:
            errors.append(f"GSG ground pad of {name} at ({b.center().x * dbu:.1f}, {b.center().y * dbu:.1f}) um "
                          "does not reach an n contact")
        else:
            counts["gsg_grounds_to_n_contact"] += 1
    return errors, counts


def pad_clearance_um(c: gf.Component) -> float | None:
    """Smallest edge-to-edge distance (um) between a DC pad and a GSG pad row of the chip (instances
    named ``pad*``; a GSG row is a pad cell with three ports), or None without both kinds."""
    import math

    pads = [i for i in c.insts if i.name.startswith("pad")]
    gsg = [i.dbbox() for i in pads if len(i.ports) == 3]
    dc = [i.dbbox() for i in pads if len(i.ports) != 3]
    if not gsg or not dc:
        return None
    best = math.inf
    for a in dc:
        for b in gsg:
            dx = max(b.left - a.right, a.left - b.right, 0.0)
            dy = max(b.bottom - a.top, a.bottom - b.top, 0.0)
            best = min(best, math.hypot(dx, dy))
    return best


def off_grid_instances(c: gf.Component) -> list[str]:
    """Instances anywhere in the hierarchy whose placement is not a pure 90-degree rotation/mirror
    with a whole-dbu displacement (a complex transformation): their vertices leave the database grid
    when the layout is flattened. Empty means every flattened vertex stays on the grid."""
    ly = c.kcl.layout
    top = ly.cell(c.name)
    out = []
    for ci in [top.cell_index(), *top.called_cells()]:
        cell = ly.cell(ci)
        for inst in cell.each_inst():
            if inst.is_complex():
                out.append(f"{cell.name}/{inst.cell.name} at {inst.dcplx_trans}")
    return out


def optical_path_um(c: gf.Component, start_inst: str, start_port: str, end_inst: str, end_port: str) -> float:
    """Length (um) of the optical chain from port ``start_port`` of ``start_inst`` (entered there)
    to ``end_port`` of ``end_inst``, following coincident optical ports of the top-level instances.

    Each instance contributes the straight distance between the port it is entered
    at and the port it is left at (exact for straight guides and the SSC, a lower
    bound for bends); an instance with more than two optical ports is left at the
    port nearest the end. Raises ``ValueError`` when the chain does not reach the end.
    """
    import math

    ports = [p for p in _ports(c) if p.optical]
    by_inst: dict[str, list[_P]] = {}
    at: dict[tuple[float, float], list[_P]] = {}
    for p in ports:
        by_inst.setdefault(p.inst, []).append(p)
        at.setdefault((p.x, p.y), []).append(p)
    end = next((p for p in by_inst.get(end_inst, []) if p.name == end_port), None)
    cur = next((p for p in by_inst.get(start_inst, []) if p.name == start_port), None)
    if end is None or cur is None:
        raise ValueError(f"no optical port {start_inst}.{start_port} or {end_inst}.{end_port}")
    total, seen = 0.0, set()
    while True:
        if cur.inst == end_inst:
            return total + math.hypot(end.x - cur.x, end.y - cur.y)
        if cur.inst in seen:
            raise ValueError(f"optical chain from {start_inst} loops at {cur.inst}")
        seen.add(cur.inst)
        others = [q for q in by_inst[cur.inst] if q.name != cur.name]
        if not others:
            raise ValueError(f"optical chain from {start_inst} ends at {cur.inst} before {end_inst}")
        out = min(others, key=lambda q: math.hypot(end.x - q.x, end.y - q.y))
        total += math.hypot(out.x - cur.x, out.y - cur.y)
        nxt = [q for q in at[(out.x, out.y)] if q.inst != out.inst]
        if not nxt:
            raise ValueError(f"optical chain from {start_inst} is open at {out.inst}.{out.name}")
        cur = nxt[0]


def check_chip(c: gf.Component, pdk: str, size_um: tuple[float, float]) -> dict:
    """All checks of one chip: ``{"errors": [...], "io": [...], "pads": {port: pad}}``."""
    ports = _ports(c)
    opt_err, io = check_optical(c, size_um, ports)
    el_err, reach, _ = check_electrical(c, ports)
    cross = check_crossings(c, pdk)
    shorts = check_shorts(c, pdk, ports)
    contacts = check_contacts(c, pdk)
    term_err, terms = check_terminals(c, pdk)
    grid = [f"off-grid placement {x} (vertices leave the 1 nm grid when flattened)" for x in off_grid_instances(c)]
    return {"errors": opt_err + el_err + cross + shorts + contacts + term_err + grid, "io": io, "pads": reach,
            "terminals": terms}

