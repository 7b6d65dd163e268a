"""One function per rule kind: rule data in, KLayout markers out.

Every function takes a :class:`Context` (the layout, the top cell, the region
factory in deep or flat mode) and a :class:`~weiming.pdk.rules.Rule`, and
returns a list of ``klayout.db.EdgePairs`` / ``klayout.db.Region`` markers in
database units. Nothing here is specific to one PDK: values, layers and kinds
come from the rule data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union

import klayout.db as kdb

from weiming.pdk.drc_radius import SMOOTH_UM, RadiusCheck, edge_radius_limit_um
from weiming.pdk.rules import Rule
from weiming.pdk.tech import Technology

Markers = Union[kdb.EdgePairs, kdb.Region]

#: Layers that are annotations, not masks: no geometric checks on them.
NON_MASK_LAYERS = frozenset({"PORT", "PORTE", "TEXT", "FLOORPLAN", "DRC_EXCLUDE"})


class DrcInputError(ValueError):
    """The layout cannot be checked: missing or unreadable file, empty layout, unknown PDK, bad database unit."""


@dataclass
class Context:
    """What the checks need: layout, top cell, technology and deep/flat mode."""

    layout: kdb.Layout
    cell: kdb.Cell
    tech: Technology
    dss: kdb.DeepShapeStore | None  # None = flat mode
    _cache: dict = field(default_factory=dict)

    @property
    def dbu(self) -> float:
        return self.layout.dbu

    def dbu_len(self, um: float) -> int:
        """A length in um as an integer number of database units (rounded)."""
        return int(round(um / self.dbu))

    def region_of(self, gds: tuple[int, int], merged: bool = True) -> kdb.Region:
        """All polygons of GDS layer ``gds`` under the top cell (hierarchical in deep mode).

        Merged once here and cached: every check needs merged polygons, and
        KLayout would otherwise merge again in each check (4x slower on a
        gdsfactory spiral). ``merged=False`` gives the shapes as drawn.
        """
        key = (gds, merged)
        if key not in self._cache:
            li = self.layout.find_layer(*gds)
            it = self.layout.begin_shapes(self.cell, li)
            reg = kdb.Region(it) if self.dss is None else kdb.Region(it, self.dss)
            if merged:
                reg.merge()
            self._cache[key] = reg
        return self._cache[key]

    def present(self, *layers: str) -> bool:
        """True when every named layer has shapes under the top cell (else the check has nothing to do)."""
        for name in layers:
            li = self.layout.find_layer(*self.tech.layer(name))
            if li is None or self.cell.bbox(li).empty():
                return False
        return True

    def region(self, layer: str) -> kdb.Region:
        return self.region_of(self.tech.layer(layer))


class _NotCorner(kdb.EdgePairFilter):
    """Drops width markers formed by two edges meeting at a vertex.

    KLayout's Euclidian width check flags every corner below its
    ``ignore_angle``; acute corners are judged by the layer's angle rule
    instead, so one defect is reported once.
    """

    def __init__(self) -> None:
        super().__init__()
        self.is_isotropic_and_scale_invariant()

    def selected(self, ep) -> bool:  # noqa: D401 - KLayout callback
        a, b = ep.first, ep.second
        return not ({(a.p1.x, a.p1.y), (a.p2.x, a.p2.y)} & {(b.p1.x, b.p1.y), (b.p2.x, b.p2.y)})


def check_width(ctx: Context, rule: Rule) -> list[Markers]:
    if not ctx.present(rule.layer):
        return []
    ep = ctx.region(rule.layer).width_check(ctx.dbu_len(rule.value), False, kdb.Metrics.Euclidian,
                                            corner_angle(ctx, rule.layer))
    return [ep.filtered(_NotCorner())]


#: Edges meeting at this angle [deg] or more form a corner, not a width, when
#: the layer has no angle rule (assumption). KLayout's default (90) flags the
#: ends of sampled bends, whose outer corner is 90 deg minus half a step.
DEFAULT_CORNER_DEG = 80.0


def corner_angle(ctx: Context, layer: str) -> float:
    """``ignore_angle`` of the width check: the layer's angle rule (corners are its job), else 80 deg."""
    r = ctx.tech.rule("angle", layer)
    return r.value if r else DEFAULT_CORNER_DEG


def check_space(ctx: Context, rule: Rule) -> list[Markers]:
    if not ctx.present(rule.layer):
        return []
    return [ctx.region(rule.layer).space_check(ctx.dbu_len(rule.value))]


def check_separation(ctx: Context, rule: Rule) -> list[Markers]:
    """Too close, or overlapping (an overlap is a separation of zero)."""
    if not ctx.present(rule.layer, rule.other_layer):
        return []
    a, b = ctx.region(rule.layer), ctx.region(rule.other_layer)
    return [a.separation_check(b, ctx.dbu_len(rule.value)), a & b]


def check_enclosure(ctx: Context, rule: Rule) -> list[Markers]:
    """``layer`` inside ``other_layer`` by ``value``; parts outside altogether are markers too."""
    if not ctx.present(rule.layer):
        return []
    if not ctx.present(rule.other_layer):
        return [ctx.region(rule.layer)]
    inner, outer = ctx.region(rule.layer), ctx.region(rule.other_layer)
    return [outer.enclosing_check(inner, ctx.dbu_len(rule.value)), inner - outer]


def check_area(ctx: Context, rule: Rule) -> list[Markers]:
    if not ctx.present(rule.layer):
        return []
    min_area_dbu2 = int(round(rule.value / ctx.dbu**2))
    return [ctx.region(rule.layer).with_area(None, min_area_dbu2, False)]


def check_grid(ctx: Context, rule: Rule) -> list[Markers]:
    """Off-grid vertices on every mask layer of the PDK (and on unknown layers)."""
    ratio = rule.value / ctx.dbu
    if ratio < 1.0:  # database unit coarser than the grid: on grid if it is a multiple of it
        if abs(1 / ratio - round(1 / ratio)) > 1e-6:
            raise DrcInputError(f"database unit {ctx.dbu} um is not a multiple of the {rule.value} um grid (rule {rule.name})")
        return []
    if abs(ratio - round(ratio)) > 1e-6:
        raise DrcInputError(f"grid {rule.value} um (rule {rule.name}) is not a multiple of the database unit {ctx.dbu} um")
    g = int(round(ratio))
    if g == 1:
        return []  # every vertex lies on a 1-dbu grid by construction
    out = []
    for gds in _mask_layers(ctx):
        out.append(ctx.region_of(gds).grid_check(g, g))
    return out


def check_angle(ctx: Context, rule: Rule) -> list[Markers]:
    """Convex corners whose interior angle is below ``value`` degrees.

    KLayout reports a convex corner of interior angle a as -(180 - a).
    """
    if not ctx.present(rule.layer):
        return []
    hi = -(180.0 - rule.value)
    return [ctx.region(rule.layer).corners(-180.0, hi, 1, True, False)]


def check_radius(ctx: Context, rule: Rule) -> list[Markers]:
    if not ctx.present(rule.layer):
        return []
    widest = max((x.width for x in ctx.tech.cross_sections.values()
                  if x.layer == rule.layer and x.port_type == "optical"), default=0.0)
    limit = edge_radius_limit_um(rule.value, widest) / ctx.dbu
    op = RadiusCheck(limit, max(1, ctx.dbu_len(SMOOTH_UM)))
    return [ctx.region(rule.layer).processed(op)]


def check_layer(ctx: Context, rule: Rule) -> list[Markers]:
    """Shapes (polygons, paths, boxes) on GDS layers that the PDK does not define."""
    known = {l.gds for l in ctx.tech.layers.values()}
    out = []
    for li in ctx.layout.layer_indexes():
        info = ctx.layout.get_info(li)
        if (info.layer, info.datatype) in known or ctx.cell.bbox(li).empty():
            continue
        out.append(ctx.region_of((info.layer, info.datatype), merged=False))  # count shapes as drawn
    return out


def unknown_layers(ctx: Context) -> list[str]:
    """``"layer/datatype"`` of the GDS layers with shapes under the top cell that the PDK does not define."""
    known = {l.gds for l in ctx.tech.layers.values()}
    out = []
    for li in ctx.layout.layer_indexes():
        info = ctx.layout.get_info(li)
        if (info.layer, info.datatype) not in known and not ctx.cell.bbox(li).empty():
            out.append(f"{info.layer}/{info.datatype}")
    return sorted(out)


def check_extent(ctx: Context, rule: Rule) -> list[Markers]:
    """Shapes (on any layer, PDK or not) not inside the square of half-side ``value`` um around the origin."""
    h = ctx.dbu_len(rule.value)
    box = kdb.Box(-h, -h, h, h)
    out = []
    for li in ctx.layout.layer_indexes():
        b = ctx.cell.bbox(li)
        if b.empty() or box.contains(b.p1) and box.contains(b.p2):
            continue  # the layer's bounding box is inside: nothing to flag (fast path)
        info = ctx.layout.get_info(li)
        out.append(ctx.region_of((info.layer, info.datatype), merged=False).not_inside(kdb.Region(box)))
    return out


def _mask_layers(ctx: Context) -> list[tuple[int, int]]:
    """GDS layers carrying mask shapes: every layer present except the PDK's annotation layers."""
    skip = {ctx.tech.layers[n].gds for n in NON_MASK_LAYERS if n in ctx.tech.layers}
    out = []
    for li in ctx.layout.layer_indexes():
        info = ctx.layout.get_info(li)
        gds = (info.layer, info.datatype)
        if gds not in skip and not ctx.cell.bbox(li).empty():
            out.append(gds)
    return sorted(out)


CHECKS: dict[str, Callable[[Context, Rule], list[Markers]]] = {
    "width": check_width,
    "space": check_space,
    "separation": check_separation,
    "enclosure": check_enclosure,
    "area": check_area,
    "grid": check_grid,
    "angle": check_angle,
    "radius": check_radius,
    "layer": check_layer,
    "extent": check_extent,
}

#: Kinds that measure geometry on one named layer (skipped on annotation layers).
GEOMETRIC_KINDS = frozenset({"width", "space", "area", "angle", "radius"})
