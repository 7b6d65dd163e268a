"""Design rules as data: one :class:`Rule` per check, loaded from the PDK YAML.

The DRC engine, the cells' parameter validation, ``weiming pdk show`` and the
tests all read the same list. Lengths are in micrometres, areas in um^2,
angles in degrees.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: What each kind checks (value semantics in brackets).
RULE_KINDS: dict[str, str] = {
    "width": "minimum width of shapes on `layer` [um]",
    "space": "minimum space between shapes on `layer` [um]",
    "separation": "minimum distance between `layer` and `other_layer` [um]",
    "enclosure": "`layer` must lie inside `other_layer` with this margin [um]",
    "area": "minimum area of a polygon on `layer` [um^2]",
    "grid": "every vertex on this grid [um]",
    "angle": "minimum interior angle of polygons on `layer` [degrees]",
    "radius": "minimum bend radius of the curved edges of waveguides of a cross-section on `layer` [um]",
    "layer": "shapes only on layers the PDK defines",
    "extent": "every shape within +-value of the origin in x and y [um]",
}


class RuleError(ValueError):
    """A malformed rule in PDK data."""


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    layer: str | None
    value: float
    other_layer: str | None = None
    source: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in RULE_KINDS:
            raise RuleError(f"rule {self.name}: kind {self.kind!r} is not one of {sorted(RULE_KINDS)}")
        if self.kind in ("separation", "enclosure") and not self.other_layer:
            raise RuleError(f"rule {self.name}: kind {self.kind} needs other_layer")

    def to_json(self) -> dict:
        d = asdict(self)
        return {k: d[k] for k in ("name", "kind", "layer", "other_layer", "value", "source", "description")}

    def describe(self) -> str:
        """Human text such as 'minimum space 0.30 um of layer WG'."""
        unit = {"area": " um^2", "angle": " deg", "grid": " um"}.get(self.kind, " um")
        what = {
            "width": f"minimum width {self.value:.3g}{unit} of layer {self.layer}",
            "space": f"minimum space {self.value:.3g}{unit} of layer {self.layer}",
            "separation": f"minimum separation {self.value:.3g}{unit} between {self.layer} and {self.other_layer}",
            "enclosure": f"minimum enclosure {self.value:.3g}{unit} of {self.layer} by {self.other_layer}",
            "area": f"minimum area {self.value:.3g}{unit} of layer {self.layer}",
            "grid": f"grid {self.value:.3g}{unit}",
            "angle": f"minimum angle {self.value:.3g}{unit} of layer {self.layer}",
            "radius": f"minimum bend radius {self.value:.4g}{unit} of layer {self.layer}",
            "layer": "shapes only on PDK layers",
            "extent": f"all shapes within +-{self.value:.6g}{unit} of the origin",
        }[self.kind]
        return f"{what} (rule {self.name})"
