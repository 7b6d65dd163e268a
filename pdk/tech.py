"""The technology of a PDK as plain data: layers, cross-sections, layer stack,
rules. Loaded from each PDK's ``tech.yaml``; the gdsfactory objects
(:mod:`weiming.pdk.layers`, ``cross_sections``, ``layer_stack``), the DRC, the
cell validation, the simulations and ``weiming pdk show`` are all built from a
:class:`Technology`.

Units: micrometres for geometry, degrees for angles, dB/m for loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from weiming.pdk.rules import Rule


@dataclass(frozen=True)
class LayerDef:
    name: str
    gds: tuple[int, int]
    color: str
    pattern: str
    description: str


@dataclass(frozen=True)
class Section:
    """An extra stripe of a cross-section (e.g. a GSG ground), offset from the centre."""

    name: str
    width: float
    offset: float
    layer: str | None = None  # defaults to the cross-section's layer


@dataclass(frozen=True)
class CrossSectionDef:
    name: str
    layer: str
    width: float
    radius_min: float
    port_type: str = "optical"
    cladding: tuple[tuple[str, float], ...] = ()  # (layer, offset um)
    sections: tuple[Section, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Level:
    """One level of the layer stack; tolerances are 1-sigma, in um."""

    name: str
    layer: str | None
    zmin: float
    thickness: float
    material: str
    sidewall_angle: float = 90.0
    thickness_tol: float = 0.0
    width_tol: float = 0.0
    source: str = ""


@dataclass(frozen=True)
class Technology:
    name: str
    description: str
    layers: dict[str, LayerDef]
    cross_sections: dict[str, CrossSectionDef]
    layer_stack: dict[str, Level]
    rules: tuple[Rule, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    # -- queries used by cells, DRC and simulations -------------------------
    def layer(self, name: str) -> tuple[int, int]:
        try:
            return self.layers[name].gds
        except KeyError:
            raise KeyError(f"layer {name!r} is not in PDK {self.name}; layers: {sorted(self.layers)}") from None

    def xs(self, name: str) -> CrossSectionDef:
        try:
            return self.cross_sections[name]
        except KeyError:
            raise KeyError(
                f"cross-section {name!r} is not in PDK {self.name}; cross-sections: {sorted(self.cross_sections)}"
            ) from None

    def rule(self, kind: str, layer: str | None = None, other_layer: str | None = None) -> Rule | None:
        """The rule of ``kind`` on ``layer`` (and ``other_layer``), or None."""
        for r in self.rules:
            if r.kind == kind and r.layer == layer and (other_layer is None or r.other_layer == other_layer):
                return r
        return None

    def rules_of(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]

    def level_of_layer(self, layer: str) -> Level:
        for lv in self.layer_stack.values():
            if lv.layer == layer:
                return lv
        raise KeyError(f"no layer-stack level on layer {layer!r} in PDK {self.name}")

    @property
    def grid(self) -> float:
        r = self.rule("grid")
        return r.value if r else 0.001

    def to_json(self) -> dict:
        """The object printed by ``weiming pdk show NAME --json``."""
        xs = {}
        for n, x in self.cross_sections.items():
            xs[n] = {"width": x.width, "layer": x.layer, "radius_min": x.radius_min, "port_type": x.port_type,
                     "cladding": [{"layer": l, "offset": o} for l, o in x.cladding],
                     "sections": [{"name": s.name, "width": s.width, "offset": s.offset, "layer": s.layer or x.layer}
                                  for s in x.sections],
                     "description": x.description}
        return {
            "name": self.name,
            "description": self.description,
            "layers": {n: list(l.gds) for n, l in self.layers.items()},
            "cross_sections": xs,
            "layer_stack": {n: {"layer": lv.layer, "thickness": lv.thickness, "zmin": lv.zmin, "material": lv.material,
                                "sidewall_angle": lv.sidewall_angle, "thickness_tol": lv.thickness_tol,
                                "width_tol": lv.width_tol, "source": lv.source}
                            for n, lv in self.layer_stack.items()},
            "rules": [r.to_json() for r in self.rules],
        }


# -- loading ---------------------------------------------------------------
def load_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _layers(data: dict) -> dict[str, LayerDef]:
    return {n: LayerDef(n, tuple(d["gds"]), d.get("color", "#808080"), d.get("pattern", "solid"),
                        d.get("description", "")) for n, d in data.items()}


def _cross_sections(data: dict) -> dict[str, CrossSectionDef]:
    out = {}
    for n, d in data.items():
        out[n] = CrossSectionDef(
            name=n, layer=d["layer"], width=float(d["width"]), radius_min=float(d["radius_min"]),
            port_type=d.get("port_type", "optical"),
            cladding=tuple((c["layer"], float(c["offset"])) for c in d.get("cladding", [])),
            sections=tuple(Section(s["name"], float(s["width"]), float(s["offset"]), s.get("layer"))
                           for s in d.get("sections", [])),
            description=d.get("description", ""))
    return out


def _levels(data: dict) -> dict[str, Level]:
    return {n: Level(name=n, **d) for n, d in data.items()}


def _rules(data: list[dict], cross_sections: dict[str, CrossSectionDef]) -> tuple[Rule, ...]:
    rules = [Rule(**d) for d in data]
    # Minimum bend radius: one geometric rule per waveguide layer (the smallest
    # radius_min of the optical cross-sections drawn on it). A larger radius_min
    # of a particular cross-section (e.g. the resonator) is enforced by the
    # cells' parameter validation, since DRC cannot tell cross-sections apart.
    per_layer: dict[str, list[CrossSectionDef]] = {}
    for x in cross_sections.values():
        if x.port_type == "optical":
            per_layer.setdefault(x.layer, []).append(x)
    for layer, xss in per_layer.items():
        value = min(x.radius_min for x in xss)
        rules.append(Rule(name=f"{layer}.R.1", kind="radius", layer=layer, value=value,
                          source="cross-section radius_min",
                          description="min bend radius of cross-sections " + ", ".join(x.name for x in xss)))
    names = [r.name for r in rules]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"duplicate rule names: {sorted(dup)}")
    return tuple(rules)


def technology_from_dict(name: str, data: dict, extra: dict | None = None) -> Technology:
    xs = _cross_sections(data["cross_sections"])
    return Technology(
        name=name, description=" ".join(str(data.get("description", "")).split()),
        layers=_layers(data["layers"]), cross_sections=xs, layer_stack=_levels(data["layer_stack"]),
        rules=_rules(data["rules"], xs), extra=extra or {})
