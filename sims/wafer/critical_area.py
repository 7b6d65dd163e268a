"""Critical areas for random defects, extracted from a cell's own polygons with KLayout region operations.

Defect sizes follow Stapper's distribution (C. H. Stapper, "Modeling of
integrated circuit defect sensitivities", IBM J. Res. Dev. 27, 549 (1983),
with q = 1, p = 3)::

    f(x) = x / x0^2      for x <= x0
    f(x) = x0^2 / x^3    for x >  x0          (integrates to 1)

so ``D0`` counts defects of all sizes and the mean critical area
``A = integral A(x) f(x) dx`` gives the Poisson yield ``exp(-D0 A)``.

For two parallel edges a distance ``d`` apart facing each other over a
length ``l``, a square defect of size ``x > d`` centred in the band of width
``x - d`` between them bridges them (long-line limit, end effects neglected;
Stapper 1983, Maly's "critical area" of a line pair):

``A(x) = l (x - d)``  ->  ``A = l x0^2 / (2 d)`` for ``d >= x0`` and
``A = l [(x0^3 - d^3)/(3 x0^2) - d (x0^2 - d^2)/(2 x0^2) + x0 - d/2]`` for ``d < x0``.

- **shorts** (extra material): edge pairs between *different* polygons of a
  layer (``Region.isolated_check``, projection metrics): conductors or
  waveguides bridged (electrode gaps, MMI/coupler gaps, ring-bus gap);
- **opens** (missing material): edge pairs across one polygon
  (``Region.width_check``): a line or waveguide cut through;
- **junction**: point defects in a p-i-n junction (p-contact metal over a
  ridge) short it whatever their size (area critical area; assumption: every
  epitaxial or particle defect there is a killer).

Pairs farther apart than ``d_max_um`` are ignored (their share is
``l x0^2 / (2 d)`` per pair, < 1 % of a pair at ``x0``). Results are cached
per (cell name, layers, x0) because cells are named by their parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

DBU_UM = 0.001


def mean_pair_area_um2(length_um, distance_um, x0_um: float):
    """Mean critical area (um^2) of a facing edge pair under Stapper's size distribution."""
    l, d = np.asarray(length_um, dtype=float), np.asarray(distance_um, dtype=float)
    x0 = float(x0_um)
    far = l * x0**2 / (2 * np.maximum(d, 1e-12))
    dn = np.minimum(d, x0)
    near = l * ((x0**3 - dn**3) / (3 * x0**2) - dn * (x0**2 - dn**2) / (2 * x0**2) + x0 - dn / 2)
    return np.where(d >= x0, far, near)


@dataclass(frozen=True)
class CriticalArea:
    """Mean critical areas (um^2) of one cell: per layer, for shorts, opens and junction defects."""

    shorts: dict[str, float]
    opens: dict[str, float]
    junction_um2: float = 0.0

    @property
    def total_um2(self) -> float:
        return float(sum(self.shorts.values()) + sum(self.opens.values()) + self.junction_um2)

    def to_json(self) -> dict:
        r = lambda v: float(f"{v:.6g}")  # noqa: E731
        return {"total_um2": r(self.total_um2), "shorts_um2": {k: r(v) for k, v in self.shorts.items()},
                "opens_um2": {k: r(v) for k, v in self.opens.items()}, "junction_um2": r(self.junction_um2)}


def _pairs_area(edge_pairs, x0_um: float) -> float:
    if edge_pairs.is_empty():
        return 0.0
    ls, ds = [], []
    for ep in edge_pairs.each():
        ls.append(min(ep.first.length(), ep.second.length()) * DBU_UM)
        ds.append(ep.distance() * DBU_UM)
    return float(mean_pair_area_um2(np.array(ls), np.array(ds), x0_um).sum())


def region_critical_area(region, x0_um: float, d_max_um: float) -> tuple[float, float]:
    """(shorts, opens) mean critical area (um^2) of one merged KLayout Region."""
    import klayout.db as kdb

    r = region.merged()
    dmax = int(round(d_max_um / DBU_UM))
    shorts = r.isolated_check(dmax, False, kdb.Metrics.Projection)
    opens = r.width_check(dmax, False, kdb.Metrics.Projection)
    return _pairs_area(shorts, x0_um), _pairs_area(opens, x0_um)


def component_critical_area(component, layers: dict[str, tuple[int, int]], x0_um: float, d_max_um: float = 50.0,
                            junction: tuple[tuple[int, int], tuple[tuple[int, int], ...]] | None = None
                            ) -> CriticalArea:
    """Critical areas of a gdsfactory component (flattened) on ``layers`` {name: (layer, datatype)}.

    ``junction``: (contact layer, waveguide layers): their overlap area is the
    junction critical area.
    """
    key = (component.name, tuple(sorted(layers.items())), float(x0_um), float(d_max_um), junction)
    if key not in _CACHE:
        _CACHE[key] = _extract(component, *key[1:])
    return _CACHE[key]


_CACHE: dict[tuple, CriticalArea] = {}


def _extract(component, layers, x0_um, d_max_um, junction) -> CriticalArea:
    import klayout.db as kdb

    kc = component.kcl
    top = component.kdb_cell if hasattr(component, "kdb_cell") else component._kdb_cell

    def region(ld: tuple[int, int]):
        li = kc.layout.find_layer(kdb.LayerInfo(int(ld[0]), int(ld[1])))
        if li is None or li < 0:
            return kdb.Region()
        return kdb.Region(top.begin_shapes_rec(li))

    shorts, opens = {}, {}
    for lname, ld in layers:
        s, o = region_critical_area(region(ld), x0_um, d_max_um)
        shorts[lname], opens[lname] = s, o
    jarea = 0.0
    if junction is not None:
        contact, guides = junction
        g = kdb.Region()
        for ld in guides:
            g += region(ld)
        jarea = float((region(contact).merged() & g.merged()).area() * DBU_UM**2)
    return CriticalArea(shorts, opens, jarea)
