"""gdsfactory layer maps built from the technology data (one enum per PDK family)."""

from __future__ import annotations

from functools import lru_cache

import gdsfactory as gf
import kfactory as kf

from weiming.pdk.tech import Technology


@lru_cache(maxsize=None)
def _layer_enum(family: str, items: tuple[tuple[str, tuple[int, int]], ...]) -> type[kf.LayerEnum]:
    members: dict = {"layout": kf.layer.constant(gf.kcl.layout)}
    members.update({n: gds for n, gds in items})
    return kf.LayerEnum(f"LAYER_{family.upper()}", members)  # type: ignore[arg-type]


def layer_map(tech: Technology) -> type[kf.LayerEnum]:
    """The LayerEnum of ``tech`` (shared by PDKs of the same family and layers)."""
    items = tuple((n, l.gds) for n, l in tech.layers.items())
    return _layer_enum(tech.extra.get("family", tech.name), items)


def layer_views(tech: Technology) -> gf.technology.LayerViews:
    """KLayout display properties (colours, hatch patterns) of every layer."""
    patterns = {"solid": "solid", "hatch": "hatched", "cross": "coarsely dotted",
                "dotted": "dotted", "hollow": None}
    views = {}
    for n, l in tech.layers.items():
        pattern = patterns.get(l.pattern, "solid")
        views[n] = gf.technology.LayerView(
            name=n, layer=l.gds, color=l.color, hatch_pattern=pattern,
            transparent=l.pattern == "hollow", info=l.description)
    return gf.technology.LayerViews(layer_views=views)
