"""The yield model's device inventory, read from the built chips (one design source).

The client and server chips are built by :mod:`weiming.circuits` from the
design (``weiming.circuits.design.load_design``); every device instance of
the chip cell is classified into a device kind -- from the build manifest's
``devices: [{name, kind}]`` when given, else from its cell name -- and its
critical areas are extracted from its own polygons (:mod:`.critical_area`).
So changing the number of modulators, a modulator's length or its electrode
gap in the design changes the counts and critical areas here without
touching any yield file. Die sizes and wafer sites come from the design too
(:mod:`.config`).

Kinds (the manifest's vocabulary): laser, im, pm, voa, amzi, pd, ssc, mmi on
the InP client chip; comb_ring and ec (edge couplers) on the SiN comb chip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weiming.sims.wafer.critical_area import CriticalArea, component_critical_area

#: cell-name fragment -> kind, first match wins (the manifest's `devices` overrides this)
KIND_BY_CELL = (("amzi", "amzi"), ("mzm", "im"), ("phase_modulator", "pm"), ("voa", "voa"),
                ("laser", "laser"), ("photodiode", "pd"), ("ssc", "ssc"), ("mmi", "mmi"),
                ("ring_resonator", "comb_ring"), ("edge_coupler", "ec"))
KINDS = tuple(dict.fromkeys(k for _, k in KIND_BY_CELL))


@dataclass
class DeviceKind:
    """All instances of one kind on a chip: names, per-instance critical areas, drawn lengths."""

    kind: str
    names: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    areas: list[CriticalArea] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.names)

    @property
    def critical_area_um2(self) -> float:
        """Mean total critical area per instance (um^2)."""
        return sum(a.total_um2 for a in self.areas) / max(1, len(self.areas))

    def to_json(self) -> dict:
        return {"count": self.count, "instances": self.names, "cells": sorted(set(self.cells)),
                "critical_area_um2": float(f"{self.critical_area_um2:.6g}"),
                "per_instance": {n: a.to_json() for n, a in zip(self.names, self.areas)}}


def classify(cell_name: str) -> str | None:
    """Device kind of a cell from its name, or None (waveguides, routes, pads, labels)."""
    low = cell_name.lower()
    for frag, kind in KIND_BY_CELL:
        if frag in low:
            return kind
    return None


def chip_inventory(component, pdk: str, ca_rules: dict, devices: list[dict] | None = None) -> dict[str, DeviceKind]:
    """{kind: DeviceKind} of a built chip cell. ``devices``: the manifest's [{name, kind}] (instance names)."""
    from weiming.pdk import get_tech

    tech = get_tech(pdk)
    layers = {n: tuple(tech.layer(n)) for n in ca_rules["layers"]}
    junction = None
    if ca_rules.get("junction"):
        j = ca_rules["junction"]
        junction = (tuple(tech.layer(j["contact"])), tuple(tuple(tech.layer(g)) for g in j["guides"]))
    by_name = {d["name"]: d["kind"] for d in devices or []}
    out: dict[str, DeviceKind] = {}
    for inst in component.insts:
        name, cell = inst.name, inst.cell
        kind = by_name.get(name) if by_name else classify(cell.name)
        if kind is None:
            continue
        dk = out.setdefault(kind, DeviceKind(kind))
        dk.names.append(name)
        dk.cells.append(cell.name)
        dk.areas.append(component_critical_area(cell, layers, ca_rules["x0_um"], ca_rules["d_max_um"], junction))
    if by_name:
        missing = sorted(set(by_name) - {n for d in out.values() for n in d.names})
        if missing:
            raise ValueError(f"manifest devices {missing} are not instances of chip {component.name}")
    return out


_BUILT: dict[str, Any] = {}


def built_chips(design) -> dict[str, Any]:
    """The client chip of the first client and the first comb chip of ``design`` (cached per design hash)."""
    from weiming.circuits.design import design_hash

    key = design_hash(design)
    if key not in _BUILT:
        from weiming.circuits.client_chip import client_chip
        from weiming.circuits.network import clients
        from weiming.circuits.server_chip import server_chip
        from weiming.circuits.steps import BuildRun

        radius = BuildRun(design, key, Path("."), False).ring()["radius_um"]
        _BUILT[key] = {"client": client_chip(design, clients(design.network)[0]),
                       "server": server_chip(design, radius, 1, []), "ring_radius_um": radius}
    return _BUILT[key]


def manifest_devices(manifest: str | Path | dict | None, chip: str) -> list[dict] | None:
    """The ``devices`` list of the ``chip`` ("client"/"server") from a build manifest, if it has one."""
    if manifest is None:
        return None
    import json

    m = manifest if isinstance(manifest, dict) else json.loads(Path(manifest).read_text(encoding="utf-8"))
    for key in (f"{chip}s", chip, "dies"):
        sect = m.get(key)
        items = sect.values() if isinstance(sect, dict) else (sect or [])
        for it in items:
            if isinstance(it, dict) and isinstance(it.get("devices"), list):
                return it["devices"]
    return None
