"""Geometric connectivity check of a chip (independent of how it was assembled).

It reads only the chip's top-level instances and their (transformed) ports:

- **optical**: every optical port must meet a port of another instance at the
  same point (1 nm), facing it (180 deg), with the same width; an unmatched
  port is allowed only on the die edge facing out (a chip I/O facet);
- **electrical**: instances joined by coincident electrical ports form nets;
  every electrical port of a non-pad instance must be joined, and every net
  that holds a device port must hold a pad (instance name ``pad*``);
- **crossings**: routing metal (instances named ``wire*``) must not overlap
  optical waveguide layers, except where the PDK allows it (``CROSSING_RULES``).

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
        if inst.name.startswith("label"):
            continue
        for p in inst.ports:
            x, y = p.center
            out.append(_P(inst.name, p.name, round(x, 3), round(y, 3), float(p.orientation) % 360,
                          round(float(p.width), 3), p.port_type == "optical"))
    return out


def _on_edge_facing_out(p: _P, size_um: tuple[float, float], tol: float = 1.0) -> bool:
    w, h = size_um
    facing = {0.0: abs(p.x - w) <= tol, 180.0: abs(p.x) <= tol, 90.0: abs(p.y - h) <= tol, 270.0: abs(p.y) <= tol}
    return facing.get(round(p.orientation) % 360 * 1.0, False)


def check_optical(c: gf.Component, size_um: tuple[float, float]) -> tuple[list[str], list[str]]:
    """(errors, chip I/O port names) of the optical ports of ``c``."""
    errors, io = [], []
    ports = [p for p in _ports(c) if p.optical]
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


def check_electrical(c: gf.Component) -> tuple[list[str], dict[str, str], dict[tuple[str, str], str]]:
    """(errors, {device_port: pad}, {(inst, port): net id}) of the electrical nets of ``c``."""
    ports = [p for p in _ports(c) if not p.optical]
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


def check_shorts(c: gf.Component, pdk: str) -> list[str]:
    """Routing metal touching metal of an instance it is not connected to by a port (a short)."""
    t = get_tech(pdk)
    metal_layer = t.layer("PAD" if pdk == "inp" else "METAL")
    li = c.kcl.layer(*metal_layer)
    insts = [i for i in c.insts if not i.name.startswith("label")]
    boxes = {i.name: i.dbbox(li) for i in insts}
    insts = [i for i in insts if not boxes[i.name].empty()]
    pts = {i.name: {(round(p.center[0], 3), round(p.center[1], 3)) for p in i.ports if p.port_type != "optical"}
           for i in insts}
    regions: dict[str, kdb.Region] = {}

    def region(i) -> kdb.Region:
        if i.name not in regions:
            regions[i.name] = _region(c, metal_layer, [i])
        return regions[i.name]

    errors = []
    for w in insts:
        if not w.name.startswith("wire"):
            continue
        bw = boxes[w.name].enlarged(0.01, 0.01)
        for o in insts:
            if o.name == w.name or not bw.overlaps(boxes[o.name]) or pts[w.name] & pts[o.name]:
                continue
            if not region(w).interacting(region(o)).is_empty():
                errors.append(f"route {w.name} touches the metal of {o.name} (short)")
    return errors


def check_chip(c: gf.Component, pdk: str, size_um: tuple[float, float]) -> dict:
    """All checks of one chip: ``{"errors": [...], "io": [...], "pads": {port: pad}}``."""
    opt_err, io = check_optical(c, size_um)
    el_err, reach, _ = check_electrical(c)
    cross = check_crossings(c, pdk)
    shorts = check_shorts(c, pdk)
    return {"errors": opt_err + el_err + cross + shorts, "io": io, "pads": reach}

