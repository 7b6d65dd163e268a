"""Photonic layout-versus-schematic: extract devices, electrical nets and optical links from a GDS
and compare them with the intended netlist (:mod:`weiming.circuits.schematic`).

>>> from weiming.pdk.lvs import run_lvs
>>> r = run_lvs("chips/C01A.gds", "inp", "chips/C01A.schematic.yaml")   # doctest: +SKIP
>>> r.match, [(m.kind, m.location) for m in r.mismatches]               # doctest: +SKIP

Extraction reads the GDS alone and the PDK's ``connectivity`` data (tech.yaml):

- **devices**: instances of the cells listed in ``connectivity.devices``,
  recognised by cell name (``<pdk>_<cell>`` or ``<pdk>_<cell>_<params>``, as
  the PDK names its cells); wrapper cells are looked into. A device instance
  without shapes on the waveguide or conductor layers is no device. Parameters
  are measured from the device's own geometry (``measure: longest``: the
  longest side of the bounding box of the longest polygon on that layer, in the
  device's frame: e.g. a modulator's p-contact electrode length).
- **electrical nets**: KLayout ``LayoutToNetlist`` (flat) over the conductor and
  via layers. A device is on a net when its own metal touches the net; the
  pads of a net are the pad-layer islands of the pad cells it touches; a net
  holding metal of ``connectivity.ground_layer`` (InP: the n contact) is a
  ground (return) net, as the schematic's ``ground: true`` nets must be.
- **optical links**: the waveguide-layer shapes that belong to no device or pad
  (routing) are merged; a routing region joining two device ports is a link,
  one reaching the die edge (FLOORPLAN outline, else the layout's bounding box)
  links to ``facet``. A routing region touching one port only is a dangling
  (floating) port.

Comparison (:func:`compare`): the device/net/link graphs of both sides (nodes
labelled by device kind, ``facet``, pads per net) are matched by graph
isomorphism (networkx VF2); when they match, the parameters of each matched
device pair are compared (tolerance :data:`PARAM_TOL_UM`). Otherwise each
difference is diagnosed and located: device counts per kind (missing devices
named by matching the layout graph into the schematic's), parameters, optical
links as device-kind pairs (cut waveguides, dangling ports) and electrical nets
by their device kinds and pad count (opens, shorts, floating terminals). Mismatch kinds: open, short, missing_device,
extra_device, parameter, floating_port; each with a location in um.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import klayout.db as kdb
import yaml

__all__ = ["run_lvs", "extract", "compare", "load_schematic", "LvsResult", "Mismatch", "LvsInputError",
           "connectivity", "KINDS"]

#: Mismatch kinds (the ``kind`` of the CLI's JSON).
KINDS = ("open", "short", "missing_device", "extra_device", "parameter", "floating_port")
#: Two measured parameters agree within this (um): the 1 nm database grid plus rounding.
PARAM_TOL_UM = 0.01
#: A waveguide reaching this close to the die outline reaches the facet (um), as the connectivity check.
FACET_TOL_UM = 1.0
FACET = "facet"


class LvsInputError(ValueError):
    """Bad input: missing/unreadable layout or schematic, unknown PDK, PDK without connectivity data."""


@dataclass(frozen=True)
class Mismatch:
    kind: str
    detail: str
    location: tuple[float, float]

    def to_json(self) -> dict:
        return {"kind": self.kind, "detail": self.detail,
                "location": [round(self.location[0], 3), round(self.location[1], 3)]}


@dataclass
class LvsResult:
    devices: dict[str, int]
    nets: dict[str, int]
    mismatches: list[Mismatch]

    @property
    def match(self) -> bool:
        return not self.mismatches

    def to_json(self) -> dict:
        return {"match": self.match, "devices": self.devices, "nets": self.nets,
                "mismatches": [m.to_json() for m in self.mismatches]}

    def summary(self) -> str:
        head = (f"LVS: {'match' if self.match else f'{len(self.mismatches)} mismatch(es)'} "
                f"(devices layout {self.devices['layout']} / schematic {self.devices['schematic']}, "
                f"nets layout {self.nets['layout']} / schematic {self.nets['schematic']})")
        lines = [head] + [f"  {m.kind:<14} ({m.location[0]:.1f}, {m.location[1]:.1f})  {m.detail}"
                          for m in self.mismatches]
        return "\n".join(lines)


# ----------------------------------------------------------------------------- PDK data
@lru_cache(maxsize=None)
def connectivity(pdk: str) -> dict:
    """The ``connectivity`` section of PDK ``pdk``'s tech.yaml."""
    from weiming.pdk import _BUILDERS, UnknownPdkError, get_tech

    try:
        get_tech(pdk)
    except UnknownPdkError as e:
        raise LvsInputError(str(e)) from None
    import importlib

    family = _BUILDERS[pdk][0]
    path = importlib.import_module(f"weiming.pdk.{family}").TECH_YAML
    data = yaml.safe_load(path.read_text(encoding="utf-8")).get("connectivity")
    if not data:
        raise LvsInputError(f"PDK {pdk} declares no connectivity section in {path.name}: LVS needs it")
    return data


# ----------------------------------------------------------------------------- extraction
@dataclass
class Device:
    kind: str
    cell: str
    center: tuple[float, float]
    params: dict[str, float]
    wg: kdb.Region                 # waveguide shapes, top coordinates (dbu)
    metal: dict[str, kdb.Region]   # conductor layer -> shapes, top coordinates (dbu)
    box: kdb.Box


@dataclass
class Net:
    devices: list[int]             # indices into Extracted.devices
    pads: int
    metal: dict[str, kdb.Region]
    foreign: kdb.Region            # metal drawn outside every cell instance (e.g. a stray bridge)
    ground: bool = False           # holds return-contact metal (``connectivity.ground_layer``: the n contact)


@dataclass
class Dangling:
    """A routing waveguide touching fewer than two ports: its device (or None) and its free end (um)."""

    device: int | None
    region: kdb.Region
    free_end: tuple[float, float]


@dataclass
class Extracted:
    dbu: float
    devices: list[Device]
    nets: list[Net]
    links: list[tuple[Any, Any]]          # device index or FACET
    dangling: list[Dangling]
    optical_shorts: list[tuple[list, tuple[float, float]]] = field(default_factory=list)
    die: kdb.Box | None = None


def _load(layout: Any) -> tuple[kdb.Layout, kdb.Cell]:
    """(layout, its one top cell): a chip has exactly one."""
    from weiming.pdk.drc import DrcInputError
    from weiming.pdk.drc import _load as load_layout

    if not isinstance(layout, (str, os.PathLike, kdb.Layout)):
        raise LvsInputError(f"cannot check a {type(layout).__name__}: give a GDS path or a klayout.db.Layout")
    try:
        ly, tops = load_layout(layout)
    except DrcInputError as e:
        raise LvsInputError(str(e)) from None
    if len(tops) != 1:
        raise LvsInputError(f"layout must have exactly one top cell (the chip), found {len(tops)}")
    return ly, tops[0]


def _classify(name: str, pdk: str, kinds: list[str]) -> str | None:
    for k in kinds:
        base = f"{pdk}_{k}"
        if name == base or name.startswith(base + "_"):
            return k
    return None


def _li(ly: kdb.Layout, gds: tuple[int, int]) -> int:
    return ly.layer(gds[0], gds[1])


def _measure(ly: kdb.Layout, cell: kdb.Cell, li: int, how: str) -> float:
    reg = kdb.Region(cell.begin_shapes_rec(li)).merged()
    if how != "longest":
        raise LvsInputError(f"unknown parameter measure {how!r} (known: longest)")
    best = 0
    for poly in reg.each():
        b = poly.bbox()
        best = max(best, b.width(), b.height())
    return round(best * ly.dbu, 3)


def extract(layout: Any, pdk: str) -> Extracted:
    """Devices, electrical nets and optical links of ``layout`` (GDS path or Layout) in PDK ``pdk``."""
    from weiming.pdk import get_tech

    conn = connectivity(pdk)
    tech = get_tech(pdk)
    ly, top = _load(layout)
    dbu = ly.dbu
    dev_specs: dict = conn.get("devices") or {}
    pad_cells = list(conn.get("pads") or [])
    kinds = sorted(list(dev_specs) + pad_cells, key=len, reverse=True)  # longest name first (pad_dc before pad)
    wg_li = [_li(ly, tech.layer(n)) for n in conn["waveguides"]]
    cond = {n: _li(ly, tech.layer(n)) for n in conn["conductors"]}
    pad_li = cond[conn["pad_layer"]]

    # -- walk the hierarchy: devices, pads, routing shapes
    devices: list[Device] = []
    pad_islands = kdb.Region()
    routing = kdb.Region()
    top_metal = {n: kdb.Region(top.shapes(li)) for n, li in cond.items()}
    for li in wg_li:
        routing.insert(kdb.Region(top.shapes(li)))

    def visit(cell: kdb.Cell, trans: kdb.ICplxTrans) -> None:
        for inst in cell.each_inst():
            child = inst.cell
            for t in inst.cell_inst.each_cplx_trans():
                tt = trans * t
                kind = _classify(child.name, pdk, kinds)
                if kind is None:
                    for li in wg_li:
                        routing.insert(kdb.Region(child.shapes(li)).transformed(tt))
                    visit(child, tt)
                elif kind in pad_cells:
                    isl = kdb.Region(child.begin_shapes_rec(pad_li)).merged().transformed(tt)
                    for poly in isl.each():
                        pad_islands.insert(poly)
                else:
                    _device(kind, child, tt)

    def _device(kind: str, child: kdb.Cell, tt: kdb.ICplxTrans) -> None:
        wg = kdb.Region()
        for li in wg_li:
            wg.insert(kdb.Region(child.begin_shapes_rec(li)))
        metal = {n: kdb.Region(child.begin_shapes_rec(li)).merged().transformed(tt) for n, li in cond.items()}
        if wg.is_empty() and all(m.is_empty() for m in metal.values()):
            return  # an instance without shapes is no device
        wg = wg.merged().transformed(tt)
        params = {}
        for pname, m in ((dev_specs.get(kind) or {}).get("params") or {}).items():
            params[pname] = _measure(ly, child, _li(ly, tech.layer(m["layer"])), m.get("measure", "longest"))
        box = wg.bbox()
        for m in metal.values():
            box = box + m.bbox()
        c = box.center()
        devices.append(Device(kind, child.name, (c.x * dbu, c.y * dbu), params, wg, metal, box))

    visit(top, kdb.ICplxTrans())
    routing.merge()
    nets = _nets(ly, top, conn, tech, devices, pad_islands, top_metal, dbu)
    die = _die(ly, top, tech)
    links, dangling, shorts = _optical(devices, routing, die, dbu)
    return Extracted(dbu, devices, nets, links, dangling, shorts, die)


def _nets(ly, top, conn, tech, devices, pad_islands, top_metal, dbu) -> list[Net]:
    """Electrical nets by KLayout LayoutToNetlist over conductors and vias (flat: a hierarchical
    extraction keeps a net that stays inside one device cell, e.g. a terminal whose route is gone,
    in that cell's circuit, where the top circuit does not see it)."""
    l2n = kdb.LayoutToNetlist(top.name, ly.dbu)
    lay = {}
    for n in sorted(set(conn["conductors"]) | {v["layer"] for v in conn.get("vias") or []}):
        lay[n] = kdb.Region(top.begin_shapes_rec(_li(ly, tech.layer(n))))
        l2n.register(lay[n], n)
        l2n.connect(lay[n])
    for v in conn.get("vias") or []:
        for other in v["joins"]:
            l2n.connect(lay[v["layer"]], lay[other])
    l2n.extract_netlist()
    circuit = l2n.netlist().circuit_by_name(top.name)
    out = []
    pad_layer = conn["pad_layer"]
    for net in circuit.each_net() if circuit is not None else []:
        metal = {n: l2n.shapes_of_net(net, lay[n], True) for n in conn["conductors"]}
        box = kdb.Box()
        for m in metal.values():
            box = box + m.bbox()
        on = []
        for i, d in enumerate(devices):
            if not d.box.enlarged(1, 1).overlaps(box):
                continue
            if any(not d.metal[n].is_empty() and not metal[n].is_empty()
                   and not d.metal[n].interacting(metal[n]).is_empty() for n in metal):
                on.append(i)
        pads = pad_islands.interacting(metal[pad_layer]).count() if not metal[pad_layer].is_empty() else 0
        foreign = kdb.Region()
        for n, m in metal.items():
            if not top_metal[n].is_empty():
                foreign += top_metal[n] & m
        gnd = conn.get("ground_layer")
        if on or pads:
            out.append(Net(on, pads, metal, foreign, bool(gnd) and not metal[gnd].is_empty()))
    return out


def _die(ly, top, tech) -> kdb.Box:
    if "FLOORPLAN" in tech.layers:
        li = ly.find_layer(*tech.layer("FLOORPLAN"))
        if li is not None and not top.bbox(li).empty():
            return top.bbox(li)
    return top.bbox()


def _optical(devices: list[Device], routing: kdb.Region, die: kdb.Box, dbu: float):
    tol = int(round(FACET_TOL_UM / dbu))
    edge = kdb.Region(die.enlarged(tol, tol)) - kdb.Region(die.enlarged(-tol, -tol))
    grown = [d.wg.sized(1) for d in devices]
    links, dangling, shorts = [], [], []
    for poly in routing.each():
        rp = kdb.Region(poly)
        bb = poly.bbox().enlarged(2, 2)
        touch = [i for i, d in enumerate(devices)
                 if not d.wg.is_empty() and bb.overlaps(d.wg.bbox()) and not grown[i].interacting(rp).is_empty()]
        ends: list[Any] = list(touch)
        if not edge.interacting(rp).is_empty():
            ends.append(FACET)
        if len(ends) == 2:
            links.append((ends[0], ends[1]))
        elif len(ends) > 2:
            shorts.append((ends, _um(poly.bbox().center(), dbu)))
        elif len(ends) == 1 and ends[0] != FACET:
            i = ends[0]
            contact = (grown[i] & rp).bbox().center()
            far = max(poly.each_point_hull(), key=lambda p: (p.x - contact.x) ** 2 + (p.y - contact.y) ** 2)
            dangling.append(Dangling(i, rp, _um(far, dbu)))
        elif not ends:
            dangling.append(Dangling(None, rp, _um(poly.bbox().center(), dbu)))
    # devices abutting each other or the facet directly
    for i, d in enumerate(devices):
        if d.wg.is_empty():
            continue
        if not edge.interacting(d.wg).is_empty():
            links.append((i, FACET))
        for j in range(i + 1, len(devices)):
            e = devices[j]
            if not e.wg.is_empty() and d.wg.bbox().enlarged(2, 2).overlaps(e.wg.bbox()) \
                    and not grown[i].interacting(e.wg).is_empty():
                links.append((i, j))
    return links, dangling, shorts


def _um(p: kdb.Point, dbu: float) -> tuple[float, float]:
    return (round(p.x * dbu, 3), round(p.y * dbu, 3))


# ----------------------------------------------------------------------------- geometry helpers
def _points(reg: kdb.Region) -> list[tuple[int, int]]:
    return [(p.x, p.y) for poly in reg.each() for p in poly.each_point_hull()]


def _edges(reg: kdb.Region) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    return [((e.p1.x, e.p1.y), (e.p2.x, e.p2.y)) for e in reg.edges().each()]


def _closest_on_segment(p, a, b):
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    L = dx * dx + dy * dy
    t = 0.0 if L == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / L))
    return (ax + t * dx, ay + t * dy)


def gap_center(a: kdb.Region, b: kdb.Region, dbu: float) -> tuple[float, float]:
    """Midpoint (um) of the closest pair of points of regions ``a`` and ``b`` (the centre of the gap)."""
    best = (math.inf, (0.0, 0.0))
    for src, dst in ((a, b), (b, a)):
        edges = _edges(dst)
        for p in _points(src):
            for e in edges:
                q = _closest_on_segment(p, *e)
                d = (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2
                if d < best[0]:
                    best = (d, ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2))
    x, y = best[1]
    return (round(x * dbu, 3), round(y * dbu, 3))


def _mean(points: list[tuple[float, float]], default: tuple[float, float]) -> tuple[float, float]:
    if not points:
        return default
    return (round(sum(p[0] for p in points) / len(points), 3), round(sum(p[1] for p in points) / len(points), 3))


# ----------------------------------------------------------------------------- schematic
def load_schematic(path: str | Path) -> dict:
    """Read and check a schematic YAML (see :mod:`weiming.circuits.schematic`)."""
    from weiming.pdk.datafile import load_data

    p = Path(path)
    data = load_data(p, "schematic", LvsInputError)
    if not isinstance(data, dict):
        raise LvsInputError(f"schematic {p}: expected a mapping with devices, optical_links, nets")
    for key, typ in (("devices", dict), ("optical_links", list), ("nets", list)):
        if not isinstance(data.get(key), typ):
            raise LvsInputError(f"schematic {p}: key {key!r} must be a {typ.__name__}")
    for name, d in data["devices"].items():
        if not isinstance(d, dict) or "kind" not in d:
            raise LvsInputError(f"schematic {p}: device {name!r} needs a kind")
    for link in data["optical_links"]:
        if not (isinstance(link, list) and len(link) == 2 and all(x == FACET or x in data["devices"] for x in link)):
            raise LvsInputError(f"schematic {p}: optical link {link!r} must join two devices (or facet)")
    for n in data["nets"]:
        if not isinstance(n, dict) or not isinstance(n.get("terminals"), list) or "pads" not in n:
            raise LvsInputError(f"schematic {p}: net {n!r} needs terminals and pads")
        for t in n["terminals"]:
            if str(t).split(".")[0] not in data["devices"]:
                raise LvsInputError(f"schematic {p}: net {n.get('name')} terminal {t!r} names no device")
    return data


# ----------------------------------------------------------------------------- comparison
def _pair(a: str, b: str) -> tuple[str, str]:
    return tuple(sorted((a, b)))  # type: ignore[return-value]


def compare(sch: dict, ex: Extracted) -> LvsResult:
    """Mismatches between schematic ``sch`` and extracted layout ``ex``."""
    out: list[Mismatch] = []
    dbu = ex.dbu
    die_c = _um(ex.die.center(), dbu) if ex.die is not None else (0.0, 0.0)
    sdev = sch["devices"]
    skind = {n: d["kind"] for n, d in sdev.items()}
    skind[FACET] = FACET
    lkind = {i: d.kind for i, d in enumerate(ex.devices)}
    lkind[FACET] = FACET  # type: ignore[index]
    gs, gl = _graphs(sch, ex)
    full = _device_map(gs, gl)
    if full is not None:  # same devices, links and nets: only parameters can differ
        return _result(sch, ex, _parameters(sch, ex, full))
    # named missing devices: the layout graph found inside the schematic's (a few devices missing, none extra)
    part = None
    if 0 < len(sdev) - len(ex.devices) <= 3 and Counter(d.kind for d in ex.devices) <= Counter(skind.values()):
        part = _device_map(gs, gl, sub=True)

    # -- devices: counts and parameters per kind
    missing_kinds: set[str] = set()
    free_ends = [g.free_end for g in ex.dangling]
    for kind in sorted(set(skind.values()) | set(lkind.values()) - {FACET}):
        if kind == FACET:
            continue
        names = sorted(n for n, k in skind.items() if k == kind)
        devs = [i for i, k in lkind.items() if k == kind]
        if len(devs) < len(names):
            missing_kinds.add(kind)
            gone = [n for n in names if n not in part] if part is not None else []
            for k in range(len(names) - len(devs)):
                who = f"{kind} {gone[k]}" if k < len(gone) else \
                    f"one of the {len(names)} {kind} devices ({', '.join(names)})"
                out.append(Mismatch("missing_device", f"{who} is not in the layout (location: where the dangling "
                                    f"waveguides end)", _mean(free_ends, die_c)))
        elif len(devs) > len(names):
            for i in devs[len(names):]:
                out.append(Mismatch("extra_device", f"{kind} ({ex.devices[i].cell}) is not in the schematic "
                                    f"({len(names)} {kind})", ex.devices[i].center))
        # parameters: greedy pairing of layout values with schematic values
        for pname in sorted({p for n in names for p in sdev[n].get("params", {})}):
            want = [(sdev[n]["params"][pname], n) for n in names if pname in sdev[n].get("params", {})]
            unmatched = []
            for i in devs:
                v = ex.devices[i].params.get(pname)
                hit = next((w for w in want if v is not None and abs(w[0] - v) <= PARAM_TOL_UM), None)
                if hit is not None:
                    want.remove(hit)
                else:
                    unmatched.append(i)
            for i in unmatched:
                if not want:
                    break
                w = want.pop(0)
                out.append(Mismatch("parameter", f"{kind} {pname} = {ex.devices[i].params.get(pname)} in the layout, "
                                    f"{w[0]} in the schematic ({w[1]})", ex.devices[i].center))

    # -- optical links as kind pairs
    s_links = Counter(_pair(skind[a], skind[b]) for a, b in sch["optical_links"])
    l_links = Counter(_pair(lkind[a], lkind[b]) for a, b in ex.links)
    used: set[int] = set()
    for pair, n in sorted((s_links - l_links).items()):
        if set(pair) & missing_kinds:
            continue  # explained by the missing device
        for _ in range(n):
            out.append(_optical_open(pair, ex, used, die_c))
    for pair, n in sorted((l_links - s_links).items()):
        for (a, b) in [lk for lk in ex.links if _pair(lkind[lk[0]], lkind[lk[1]]) == pair][:n]:
            loc = ex.devices[a].center if a != FACET else ex.devices[b].center
            out.append(Mismatch("short", f"optical link {pair[0]}-{pair[1]} is not in the schematic", loc))
    for ends, loc in ex.optical_shorts:
        out.append(Mismatch("short", "one waveguide joins " + ", ".join(str(lkind[e]) for e in ends), loc))
    if not missing_kinds:
        for k, g in enumerate(ex.dangling):
            if k not in used and g.device is not None:
                out.append(Mismatch("floating_port", f"waveguide from {lkind[g.device]} at "
                                    f"{ex.devices[g.device].center} ends unconnected", g.free_end))

    # -- electrical nets: (device kinds, pads)
    out += _compare_nets(sch, ex, skind, missing_kinds)
    if not out:
        out.append(Mismatch("open", "device, net and link counts agree but the connection graph differs "
                            "from the schematic (devices wired in another order)", die_c))
    return _result(sch, ex, out)


def _result(sch: dict, ex: Extracted, mismatches: list[Mismatch]) -> LvsResult:
    nl = sum(1 for n in ex.nets if n.devices)
    return LvsResult(devices={"layout": len(ex.devices), "schematic": len(sch["devices"])},
                     nets={"layout": nl, "schematic": len(sch["nets"])}, mismatches=mismatches)


def _optical_open(pair, ex: Extracted, used: set[int], die_c) -> Mismatch:
    """A schematic link missing in the layout: find the two dangling waveguides it should have joined."""
    a_kind, b_kind = pair

    def cands(kind):
        return [k for k, g in enumerate(ex.dangling) if k not in used and g.device is not None
                and ex.devices[g.device].kind == kind]

    best = None
    for i in cands(a_kind):
        for j in cands(b_kind):
            if i == j:
                continue
            d = math.dist(ex.dangling[i].free_end, ex.dangling[j].free_end)
            if best is None or d < best[0]:
                best = (d, i, j)
    if best is not None:
        _, i, j = best
        used.update((i, j))
        loc = gap_center(ex.dangling[i].region, ex.dangling[j].region, ex.dbu)
        return Mismatch("open", f"optical link {a_kind}-{b_kind} is cut: the waveguides from "
                        f"{a_kind} at {ex.devices[ex.dangling[i].device].center} and {b_kind} at "
                        f"{ex.devices[ex.dangling[j].device].center} do not meet", loc)
    one = cands(a_kind) + cands(b_kind)
    loc = ex.dangling[one[0]].free_end if one else die_c
    if one:
        used.add(one[0])
    return Mismatch("open", f"optical link {a_kind}-{b_kind} of the schematic is missing in the layout", loc)


def _compare_nets(sch: dict, ex: Extracted, skind: dict, missing_kinds: set[str]) -> list[Mismatch]:
    s_sig = Counter()
    for n in sch["nets"]:
        devs = sorted({str(t).split(".")[0] for t in n["terminals"]})
        s_sig[(tuple(sorted(skind[d] for d in devs)), int(n["pads"]), bool(n.get("ground")))] += 1
    by_kinds: dict[tuple, list[int]] = {}
    for (kinds, pads, _), c in s_sig.items():
        by_kinds.setdefault(kinds, []).extend([pads] * c)
    left = Counter(s_sig)
    out, done = _return_sides(sch, ex, skind, left)
    odd = []
    for net in ex.nets:
        if not net.devices or id(net) in done:
            continue
        sig = (tuple(sorted(ex.devices[i].kind for i in net.devices)), net.pads, net.ground)
        if left[sig] > 0:
            left[sig] -= 1
        else:
            odd.append((net, sig))
    orphans = [n for n in ex.nets if not n.devices]
    used: set[int] = set()
    dbu = ex.dbu
    for net, (kinds, pads, gnd) in odd:
        if set(kinds) & missing_kinds:
            continue
        where = ", ".join(f"{ex.devices[i].kind} at {ex.devices[i].center}" for i in net.devices)
        expect = by_kinds.get(kinds)
        sub = [k for k in by_kinds if Counter(kinds) <= Counter(k)]
        if expect is None and not sub or (expect is not None and pads > max(expect)) \
                or (expect is None and pads > max(p for k in sub for p in by_kinds[k])):
            out.append(Mismatch("short", f"one net joins {len(kinds)} terminal group(s) of {where} and {pads} pads "
                                f"(schematic: separate nets)", _short_location(net, dbu)))
            continue
        if pads == 0 and not orphans:
            out.append(Mismatch("floating_port", f"electrical terminal of {where} is connected to nothing",
                                _um(_net_box(net).center(), dbu)))
            continue
        near = _nearest_orphan(net, orphans, used)
        if near is None:
            out.append(Mismatch("floating_port", f"terminal of {where} reaches {pads} pad(s), schematic "
                                f"{expect}", _um(_net_box(net).center(), dbu)))
            continue
        used.add(id(near))
        loc = gap_center(_all_metal(net), _all_metal(near), dbu)
        out.append(Mismatch("open", f"net of {where} reaches {pads} pad(s), the schematic {expect}: the metal is "
                            f"cut", loc))
    return out


def _return_sides(sch: dict, ex: Extracted, skind: dict, left: Counter) -> tuple[list[Mismatch], set[int]]:
    """Per device: as many return (ground) nets as the schematic gives its kind? A device with the right
    number of nets but fewer returns has a return cut from its n contact (open); more, a signal net on
    the n contact (short). Those nets and the schematic's nets of one such device are taken out of
    ``left``; returns (mismatches, ids of the layout nets explained)."""
    want: dict[str, set] = {}
    sigs: dict[str, Counter] = {}
    for name in sch["devices"]:
        mine = [n for n in sch["nets"] if {str(t).split(".")[0] for t in n["terminals"]} == {name}]
        want.setdefault(skind[name], set()).add((len(mine), sum(bool(n.get("ground")) for n in mine)))
        sigs[skind[name]] = Counter(((skind[name],), int(n["pads"]), bool(n.get("ground"))) for n in mine)
    out, done = [], set()
    for i, d in enumerate(ex.devices):
        mine = [n for n in ex.nets if n.devices == [i]]
        if len(want.get(d.kind, ())) != 1:
            continue
        (count, ground), = want[d.kind]
        got = sum(n.ground for n in mine)
        if len(mine) != count or got == ground:
            continue
        if got < ground:
            out.append(Mismatch("open", f"a return net of {d.kind} at {d.center} does not reach its n contact "
                                f"({got} of {ground} return nets hold n-contact metal)", d.center))
        else:
            out.append(Mismatch("short", f"a signal net of {d.kind} at {d.center} holds n-contact metal "
                                f"({got} return nets, the schematic {ground})", d.center))
        done.update(id(n) for n in mine)
        left.subtract(sigs[d.kind])
    return out, done


def _all_metal(net: Net) -> kdb.Region:
    r = kdb.Region()
    for m in net.metal.values():
        r += m
    return r.merged()


def _net_box(net: Net) -> kdb.Box:
    return _all_metal(net).bbox()


def _nearest_orphan(net: Net, orphans: list[Net], used: set[int]) -> Net | None:
    c = _net_box(net).center()
    best = None
    for o in orphans:
        if id(o) in used:
            continue
        b = _net_box(o)
        d = b.center().distance(c) if not b.empty() else math.inf
        # distance between boxes is a better proxy than centres for long routes
        dx = max(0, b.left - _net_box(net).right, _net_box(net).left - b.right)
        dy = max(0, b.bottom - _net_box(net).top, _net_box(net).bottom - b.top)
        d = math.hypot(dx, dy) * 1e6 + d
        if best is None or d < best[0]:
            best = (d, o)
    return best[1] if best else None


def _short_location(net: Net, dbu: float) -> tuple[float, float]:
    """Metal drawn outside every instance is the likely bridge; else the net's centre."""
    if not net.foreign.is_empty():
        return _um(net.foreign.bbox().center(), dbu)
    return _um(_net_box(net).center(), dbu)


def _graphs(sch: dict, ex: Extracted):
    """Device/net/link multigraphs of the schematic and of the layout, nodes labelled by device kind,
    ``facet`` or ``net/<pads>[/ground]`` (parameters are compared on the matched devices, not in the labels)."""
    import networkx as nx

    def graph(devs, links, nets):
        g = nx.MultiGraph()
        for key, label in devs:
            g.add_node(("d", key), label=label)
        for k, (a, b) in enumerate(links):  # each facet end is its own node
            ends = [("d", x) if x != FACET else ("f", k, j) for j, x in enumerate((a, b))]
            for e in ends:
                if e[0] == "f":
                    g.add_node(e, label=FACET)
            g.add_edge(*ends)
        for k, (members, pads, ground) in enumerate(nets):
            g.add_node(("n", k), label=f"net/{pads}" + ("/ground" if ground else ""))
            for m in members:
                g.add_edge(("n", k), ("d", m))
        return g

    gs = graph([(n, d["kind"]) for n, d in sch["devices"].items()], [tuple(link) for link in sch["optical_links"]],
               [(sorted({str(t).split(".")[0] for t in n["terminals"]}), int(n["pads"]), bool(n.get("ground")))
                for n in sch["nets"]])
    gl = graph([(i, d.kind) for i, d in enumerate(ex.devices)], ex.links,
               [(n.devices, n.pads, n.ground) for n in ex.nets if n.devices])
    return gs, gl


def _device_map(gs, gl, sub: bool = False) -> dict[str, int] | None:
    """{schematic device: layout device index} from a graph isomorphism (``sub``: the layout graph
    matched into a part of the schematic's, e.g. with devices missing), or None."""
    from networkx.algorithms.isomorphism import GraphMatcher

    gm = GraphMatcher(gs, gl, node_match=lambda a, b: a["label"] == b["label"])
    if sub:
        m = next(gm.subgraph_monomorphisms_iter(), None)
    else:
        if gs.number_of_nodes() != gl.number_of_nodes() or gs.number_of_edges() != gl.number_of_edges():
            return None
        m = gm.mapping if gm.is_isomorphic() else None
    if m is None:
        return None
    return {a[1]: b[1] for a, b in m.items() if a[0] == "d"}


def _parameters(sch: dict, ex: Extracted, mapping: dict[str, int]) -> list[Mismatch]:
    """Parameter mismatches of the matched devices, named."""
    out = []
    for name, i in sorted(mapping.items()):
        for pname, want in sorted((sch["devices"][name].get("params") or {}).items()):
            got = ex.devices[i].params.get(pname)
            if got is None or abs(got - float(want)) > PARAM_TOL_UM:
                out.append(Mismatch("parameter", f"{name} ({ex.devices[i].kind}) {pname} = {got} in the layout, "
                                    f"{float(want)} in the schematic", ex.devices[i].center))
    return out


# ----------------------------------------------------------------------------- entry point
def run_lvs(layout: Any, pdk: str, schematic: str | Path | dict) -> LvsResult:
    """Extract ``layout`` (GDS path or Layout) in PDK ``pdk`` and compare it with ``schematic``
    (a YAML path or the schematic mapping)."""
    sch = schematic if isinstance(schematic, dict) else load_schematic(schematic)
    if sch.get("pdk") not in (None, pdk):
        raise LvsInputError(f"schematic is for PDK {sch.get('pdk')!r}, --pdk is {pdk!r}")
    ex = extract(layout, pdk)
    return compare(sch, ex)
