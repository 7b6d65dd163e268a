"""gdsfactory LayerStack from the technology data (for 3D views and exports).

The simulations read :class:`weiming.pdk.tech.Level` directly; this object is
for gdsfactory tools. Levels without a mask layer (substrate, oxide claddings)
are attached to the die outline (FLOORPLAN).
"""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.technology import LayerLevel, LayerStack
from gdsfactory.technology.layer_stack import LogicalLayer

from weiming.pdk.tech import Technology


def layer_stack(tech: Technology) -> LayerStack:
    levels = {}
    for i, (name, lv) in enumerate(tech.layer_stack.items()):
        layer = tech.layer(lv.layer or "FLOORPLAN")
        levels[name] = LayerLevel(
            layer=LogicalLayer(layer=layer), thickness=lv.thickness, zmin=lv.zmin, material=lv.material,
            sidewall_angle=lv.sidewall_angle, thickness_tolerance=lv.thickness_tol,
            width_tolerance=lv.width_tol, mesh_order=i + 1, info={"source": lv.source})
    return LayerStack(layers=levels)


__all__ = ["layer_stack", "gf"]
