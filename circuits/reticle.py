"""Reticle assembly: dies packed in rows on the reticle field, with overlap/fit checks.

Dies are placed row by row (shelf packing, in the given order, deterministic)
on a pitch of die size + one dicing lane, starting at the lower-left corner of
the field inset by half a lane. The reticle cell has the field outline on
FLOORPLAN; optional alignment marks (crosses on the waveguide layer) sit in the
field corners outside every die.
"""

from __future__ import annotations

from dataclasses import dataclass

import gdsfactory as gf

from weiming.circuits.die import named, rect
from weiming.circuits.errors import PlacementError
from weiming.pdk import get_tech


@dataclass(frozen=True)
class Placement:
    id: str
    x_um: float      # lower-left corner of the die
    y_um: float
    w_um: float
    h_um: float


def pack(dies: list[tuple[str, float, float]], field_um: tuple[float, float], lane_um: float,
         reserve_um: float = 0.0) -> list[Placement]:
    """Shelf-pack ``dies`` (id, w, h) into the field; raise :class:`PlacementError` if they do not fit.

    ``reserve_um`` keeps a margin at the field edge (for alignment marks).
    """
    fw, fh = field_um
    x0 = y0 = lane_um / 2 + reserve_um
    x, y, row_h = x0, y0, 0.0
    out = []
    for did, w, h in dies:
        if x + w + lane_um / 2 > fw - reserve_um and x > x0:
            x, y, row_h = x0, y + row_h + lane_um, 0.0
        out.append(Placement(did, round(x, 3), round(y, 3), w, h))
        x += w + lane_um
        row_h = max(row_h, h)
    check_fit(out, field_um, lane_um)
    return out


def check_fit(placements: list[Placement], field_um: tuple[float, float], lane_um: float) -> None:
    """Every die (with half a lane around it) inside the field and no two dies overlapping."""
    fw, fh = field_um
    d = lane_um / 2 - 1e-6
    errors = []
    for p in placements:
        if p.x_um - d < 0 or p.y_um - d < 0 or p.x_um + p.w_um + d > fw or p.y_um + p.h_um + d > fh:
            errors.append(f"die {p.id} ({p.w_um:g} x {p.h_um:g} um at {p.x_um:g}, {p.y_um:g}) "
                          f"does not fit the {fw:g} x {fh:g} um reticle field")
    for i, a in enumerate(placements):
        for b in placements[i + 1:]:
            if (a.x_um < b.x_um + b.w_um + 2 * d and b.x_um < a.x_um + a.w_um + 2 * d
                    and a.y_um < b.y_um + b.h_um + 2 * d and b.y_um < a.y_um + a.h_um + 2 * d):
                errors.append(f"dies {a.id} and {b.id} overlap (including the {lane_um:g} um dicing lane)")
    if errors:
        raise PlacementError("; ".join(errors))


def _mark(c: gf.Component, x: float, y: float, layer: tuple[int, int], arm: float = 100.0, w: float = 10.0) -> None:
    rect(c, x - arm, y - w / 2, x + arm, y + w / 2, layer)
    rect(c, x - w / 2, y - arm, x - w / 2 + w, y - w / 2, layer)
    rect(c, x - w / 2, y + w / 2, x - w / 2 + w, y + arm, layer)


MARK_RESERVE_UM = 300.0


def reticle(name: str, pdk: str, field_um: tuple[float, float], dies: dict[str, gf.Component],
            placements: list[Placement], marks: bool) -> gf.Component:
    """The reticle cell ``name`` with ``dies`` (id -> die cell, origin at its lower-left) placed."""
    t = get_tech(pdk)

    def build(c: gf.Component) -> None:
        fw, fh = field_um
        rect(c, 0, 0, fw, fh, t.layer("FLOORPLAN"))
        for p in placements:
            ref = c.add_ref(dies[p.id], name=p.id)
            ref.move((p.x_um, p.y_um))
        if marks:
            wg = t.layer("DEEP" if pdk == "inp" else "WG")
            m = MARK_RESERVE_UM / 2
            for x, y in ((m, m), (fw - m, m), (m, fh - m), (fw - m, fh - m)):
                _mark(c, x, y, wg)

    return named(name, build)
