"""The intended netlist ("schematic") of every chip, written from the design before any layout is drawn.

A schematic is plain data (YAML), read by :mod:`weiming.pdk.lvs`::

    id: C01A            kind: client        pdk: inp
    devices:            {name: {kind: <PDK cell>, params: {length_um: 600.0}, terminals: [signal, ...]}}
    optical_links:      [[facet, ssc_in], [ssc_in, laser], ...]   # device pairs joined by a waveguide
    nets:               [{name: im1.signal, terminals: [im1.signal], pads: 2},
                         {name: im1.ground_1, terminals: [im1.ground_1], pads: 2, ground: true}, ...]

It comes from the design (:class:`weiming.circuits.design.Design`) and a
per-chip-kind description (:func:`client_path`: the design's ``client.transmitter``
read through :data:`TRANSMITTER_PARTS`; :func:`server_schematic`): device counts,
order, kinds, electrode styles and parameters (e.g. modulator lengths) are read from
the design; the terminals of each device kind come from the PDK's
``connectivity.devices`` (tech.yaml); how many pads a terminal gets follows the
electrode style (a travelling-wave electrode has an RF input and a termination
pad per conductor, :data:`PADS_PER_TERMINAL`). ``facet`` is the chip edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from weiming.circuits.design import Design

#: Pads per electrode conductor by electrode style: a travelling-wave (GSG) line
#: has pads at its RF input and at its termination; a lumped (DC) contact one pad.
PADS_PER_TERMINAL = {"gsg": 2, "dc": 1, None: 1}


@dataclass(frozen=True)
class Part:
    """How one kind of device of the client is drawn, by the design's keys.

    ``cell``: its PDK cell; ``params``/``electrode``: literals or dotted design keys
    (``"client.im_length_um"``); ``monitor``: the device kind hung on the device's
    monitor (complementary/second) output, named ``pd_<device name>``.
    """

    cell: str
    params: dict = field(default_factory=dict)
    electrode: Any = None
    monitor: str | None = None


#: The devices of ``client.transmitter`` by ``kind`` (as :mod:`weiming.circuits.client_chip` draws them):
#: every IM's complementary output and the AMZI's second output feed a monitor photodiode; the AMZI is
#: one cell (1x2 MMI splitter, delay arms with its phase section, 2x2 MMI combiner).
TRANSMITTER_PARTS: dict[str, Part] = {
    "im": Part("mzm", {"length_um": "client.im_length_um"}, "client.im_electrode", monitor="photodiode"),
    "pm": Part("phase_modulator", {"length_um": "client.pm_length_um"}, "client.pm_electrode"),
    "amzi": Part("amzi", monitor="photodiode"),
    "voa": Part("voa", {"length_um": "client.voa_length_um"}),
}
#: Before and after the transmitter: the comb line enters through SSC_in into the laser's back mirror;
#: the transmitter's output leaves through SSC_out (instance name, part).
CLIENT_HEAD: tuple[tuple[str, Part], ...] = (("ssc_in", Part("ssc")), ("laser", Part("dbr_laser")))
CLIENT_TAIL: tuple[tuple[str, Part], ...] = (("ssc_out", Part("ssc")),)


def client_path(design: Design) -> list[tuple[str, Part]]:
    """The client's optical path, input facet to output facet: :data:`CLIENT_HEAD`, the design's
    ``client.transmitter`` in its order (:data:`TRANSMITTER_PARTS`), :data:`CLIENT_TAIL`."""
    return [*CLIENT_HEAD, *((d.name, TRANSMITTER_PARTS[d.kind]) for d in design.client.transmitter), *CLIENT_TAIL]


def _value(design: Design, v: Any) -> Any:
    """A literal, or the value of a dotted design key such as ``client.im_length_um``."""
    if not isinstance(v, str) or "." not in v:
        return v
    obj: Any = design
    for part in v.split("."):
        obj = getattr(obj, part)
    return obj


def _by_electrode(terms: Any, electrode: Any) -> list[str]:
    """A terminal list of ``connectivity.devices``: one list, or one per electrode style."""
    if isinstance(terms, dict):
        terms = terms.get(electrode)
    return list(terms or [])


class _Builder:
    def __init__(self, pdk: str):
        from weiming.pdk.lvs import connectivity

        self.pdk = pdk
        self.kinds = connectivity(pdk)["devices"]
        self.devices: dict[str, dict] = {}
        self.links: list[list[str]] = []
        self.nets: list[dict] = []

    def device(self, name: str, kind: str, params: dict | None = None, electrode: Any = None) -> str:
        spec = self.kinds.get(kind)
        if spec is None:
            raise ValueError(f"schematic device {name}: PDK {self.pdk} declares no device {kind!r} "
                             f"in connectivity.devices")
        terms, ground = (_by_electrode(spec.get(key), electrode) for key in ("terminals", "ground"))
        self.devices[name] = {"kind": kind, "params": {k: float(v) for k, v in (params or {}).items()},
                              "terminals": list(terms)}
        for t in terms:
            net = {"name": f"{name}.{t}", "terminals": [f"{name}.{t}"], "pads": PADS_PER_TERMINAL.get(electrode, 1)}
            if t in ground:
                net["ground"] = True  # a return (n contact, GSG ground): its pads are ground pads
            self.nets.append(net)
        return name

    def link(self, a: str, b: str) -> None:
        self.links.append([a, b])

    def data(self, chip_id: str, kind: str) -> dict:
        return {"id": chip_id, "kind": kind, "pdk": self.pdk, "devices": self.devices,
                "optical_links": self.links, "nets": self.nets}


def client_schematic(design: Design, chip_id: str) -> dict:
    """The intended netlist of a client chip: :func:`client_path` read against ``design``."""
    b = _Builder("inp")
    prev = "facet"
    for name, part in client_path(design):
        params = {k: _value(design, v) for k, v in part.params.items()}
        b.device(name, part.cell, params, _value(design, part.electrode))
        b.link(prev, name)
        prev = name
        if part.monitor:
            b.link(name, b.device(f"pd_{name}", part.monitor))
    b.link(prev, "facet")
    return b.data(chip_id, "client")


def server_schematic(design: Design, chip_id: str) -> dict:
    """The comb chip: the ring (heater contacts to two pads if it has a heater), each of its
    bus/drop ports led through an edge coupler to a facet (:mod:`weiming.circuits.server_chip`)."""
    s = design.server
    b = _Builder(s.pdk)
    b.device("ring", "ring_resonator", {}, "heater" if s.ring.heater else "none")
    for port in ("o1", "o2") + (("o3", "o4") if s.ring.drop else ()):
        ec = b.device(f"ec_{port}", "edge_coupler")
        b.link("ring", ec)
        b.link(ec, "facet")
    return b.data(chip_id, "server")


#: Chip kind -> schematic writer. Test dies have no schematic (they are not LVS'd).
SCHEMATICS = {"client": client_schematic, "server": server_schematic}


def schematic(design: Design, kind: str, chip_id: str) -> dict | None:
    """The schematic of chip ``chip_id`` of ``kind`` (None for kinds without one)."""
    fn = SCHEMATICS.get(kind)
    return fn(design, chip_id) if fn else None


def schematic_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=120)


def write_schematic(data: dict, path: Path | str) -> None:
    from weiming.fileio import atomic_write_text

    atomic_write_text(path, schematic_yaml(data))
