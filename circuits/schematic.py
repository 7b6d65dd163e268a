"""The intended netlist ("schematic") of every chip, written from the design before any layout is drawn.

A schematic is plain data (YAML), read by :mod:`weiming.pdk.lvs`::

    id: C01A            kind: client        pdk: inp
    devices:            {name: {kind: <PDK cell>, params: {length_um: 600.0}, terminals: [signal, ...]}}
    optical_links:      [[facet, ssc_in], [ssc_in, laser], ...]   # device pairs joined by a waveguide
    nets:               [{name: im1.signal, terminals: [im1.signal], pads: 2}, ...]

It comes from the design (:class:`weiming.circuits.design.Design`) and a
per-chip-kind description (:data:`CLIENT_PATH`, :func:`server_schematic`):
device counts, roles and parameters (e.g. modulator lengths) are read from the
design; the terminals of each device kind come from the PDK's
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
class Stage:
    """One role on the client's optical path.

    ``count`` and the values of ``params``/``electrode`` are literals or dotted
    design keys (``"client.im_length_um"``); ``names`` name the instances
    (else ``<role><k>``); ``tap``: a device kind hung on each instance's
    monitor (cross) port, named ``names_tap[k]`` or ``pd_<name>``.
    """

    role: str
    cell: str
    count: Any = 1
    params: dict = field(default_factory=dict)
    electrode: Any = None
    names: tuple[str, ...] = ()
    tap: str | None = None
    names_tap: tuple[str, ...] = ()


#: The client transmitter's optical path, input facet to output facet (see
#: :mod:`weiming.circuits.client_chip`): SSC -> DBR laser -> IM I-III (each with
#: a monitor photodiode on its cross port) -> PM_q -> PM_ref -> VOA -> SSC.
CLIENT_PATH: tuple[Stage, ...] = (
    Stage("ssc_in", "ssc", names=("ssc_in",)),
    Stage("laser", "dbr_laser", names=("laser",)),
    Stage("im", "mzm", count=3, params={"length_um": "client.im_length_um"}, electrode="client.im_electrode",
          tap="photodiode", names_tap=("pd_im1", "pd_im2", "pd_mon")),
    Stage("pm", "phase_modulator", count=2, params={"length_um": "client.pm_length_um"},
          electrode="client.pm_electrode", names=("pm_q", "pm_ref")),
    Stage("voa", "voa", params={"length_um": "client.voa_length_um"}, names=("voa",)),
    Stage("ssc_out", "ssc", names=("ssc_out",)),
)


def _value(design: Design, v: Any) -> Any:
    """A literal, or the value of a dotted design key such as ``client.im_length_um``."""
    if not isinstance(v, str) or "." not in v:
        return v
    obj: Any = design
    for part in v.split("."):
        obj = getattr(obj, part)
    return obj


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
        terms = spec.get("terminals") or []
        if isinstance(terms, dict):
            terms = terms.get(electrode) or []
        self.devices[name] = {"kind": kind, "params": {k: float(v) for k, v in (params or {}).items()},
                              "terminals": list(terms)}
        for t in terms:
            self.nets.append({"name": f"{name}.{t}", "terminals": [f"{name}.{t}"],
                              "pads": PADS_PER_TERMINAL.get(electrode, 1)})
        return name

    def link(self, a: str, b: str) -> None:
        self.links.append([a, b])

    def data(self, chip_id: str, kind: str) -> dict:
        return {"id": chip_id, "kind": kind, "pdk": self.pdk, "devices": self.devices,
                "optical_links": self.links, "nets": self.nets}


def client_schematic(design: Design, chip_id: str) -> dict:
    """The intended netlist of a client chip: :data:`CLIENT_PATH` read against ``design``."""
    b = _Builder("inp")
    prev = "facet"
    for st in CLIENT_PATH:
        n = int(_value(design, st.count))
        electrode = _value(design, st.electrode)
        params = {k: _value(design, v) for k, v in st.params.items()}
        for k in range(n):
            name = st.names[k] if k < len(st.names) else f"{st.role}{k + 1}"
            b.device(name, st.cell, params, electrode)
            b.link(prev, name)
            prev = name
            if st.tap:
                tap = st.names_tap[k] if k < len(st.names_tap) else f"pd_{name}"
                b.device(tap, st.tap)
                b.link(name, tap)
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
