"""Design-rule check of a layout against a PDK's rule data, on KLayout regions.

>>> from weiming.pdk.drc import run_drc
>>> result = run_drc("chip.gds", "sin100", report="chip.lyrdb")   # doctest: +SKIP
>>> result.clean, [(v.rule, v.count) for v in result.violations]  # doctest: +SKIP

Every rule of the PDK (:attr:`Technology.rules`) is checked by the function of
its kind in :mod:`weiming.pdk.drc_checks`; there is no per-PDK code. In deep
mode (default) KLayout's hierarchical engine (``DeepShapeStore``) checks each
cell once however often it is placed; ``deep=False`` flattens first (same
counts, for comparison and benchmarks). Markers lying entirely inside
DRC_EXCLUDE shapes are dropped. Counts are flat (one per placed marker);
examples are marker centres in um.

Conventions (see :mod:`weiming.pdk.drc_checks`): corners are judged by the
angle rule, not by width (a width marker formed by two edges meeting at a
vertex is dropped; edges at the layer's minimum angle or more, else 80 deg,
are not width-checked against each other); a separation also flags overlaps;
an enclosure also flags inner shapes sticking out; the grid rule checks every
mask layer; the radius rule estimates the curvature of polygon edges from
their vertices (method and resolution in :mod:`weiming.pdk.drc_radius`).
Annotation layers (PORT, PORTE, TEXT, FLOORPLAN, DRC_EXCLUDE) get no
geometric checks; text labels are never checked.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import klayout.db as kdb
import klayout.rdb as rdb_mod

from weiming.fileio import atomic_path
from weiming.pdk.drc_checks import (CHECKS, GEOMETRIC_KINDS, NON_MASK_LAYERS, Context, DrcInputError, Markers,
                                     unknown_layers)

__all__ = ["run_drc", "DrcResult", "Violation", "DrcInputError"]

MAX_EXAMPLES = 5
MAX_MARKERS = 10_000  # marker boxes kept per rule (waivers, SARIF); counts are never capped


@dataclass(frozen=True)
class Violation:
    """All markers of one rule: how many and where (up to five example centres, um).

    ``markers``: the bounding box (x0, y0, x1, y1) um of every marker (up to
    :data:`MAX_MARKERS`; waivers and SARIF read them); ``layers``: for the
    unknown-layer rule, the offending GDS layers ("layer/datatype").
    """

    rule: str
    count: int
    examples: list[tuple[float, float]]
    description: str = ""
    markers: tuple[tuple[float, float, float, float], ...] = ()
    layers: tuple[str, ...] = ()

    def message(self) -> str:
        """One line: count, rule text, offending layers, first locations."""
        ex = " ".join(f"({x:.3f}, {y:.3f})" for x, y in self.examples)
        on = f" on unknown layer(s) {', '.join(self.layers)}" if self.layers else ""
        return f"{self.count} violation(s) of {self.description or self.rule}{on} at {ex}"

    def to_json(self) -> dict:
        return {"rule": self.rule, "count": self.count, "examples": [list(e) for e in self.examples]}


@dataclass
class DrcResult:
    """Outcome of :func:`run_drc`. ``clean`` is True when no rule is violated."""

    pdk: str
    violations: list[Violation]
    deep: bool = True
    top_cells: list[str] = field(default_factory=list)
    report: Path | None = None

    @property
    def clean(self) -> bool:
        return not self.violations

    def to_json(self) -> dict:
        return {"clean": self.clean, "violations": [v.to_json() for v in self.violations]}

    def summary(self) -> str:
        """Human-readable lines: one per violated rule with count and examples."""
        cells = ", ".join(self.top_cells)
        if self.clean:
            return f"DRC {self.pdk} ({cells}): clean"
        lines = [f"DRC {self.pdk} ({cells}): {sum(v.count for v in self.violations)} violation(s)"]
        for v in self.violations:
            ex = " ".join(f"({x:.3f}, {y:.3f})" for x, y in v.examples)
            on = f" on unknown layer(s) {', '.join(v.layers)}" if v.layers else ""
            lines.append(f"  {v.rule:<14} {v.count:>6}  {v.description}{on}  at {ex}")
        return "\n".join(lines)


def run_drc(layout: Any, pdk: str, *, deep: bool = True, report: str | Path | None = None) -> DrcResult:
    """Check ``layout`` against every rule of PDK ``pdk``.

    Args:
        layout: a ``gf.Component`` (its cell and sub-cells), a ``klayout.db.Layout``
            (all its top cells) or the path of a GDS/OASIS file.
        pdk: PDK name (see :func:`weiming.pdk.names`).
        deep: hierarchical checking (True) or flat (False).
        report: if given, write a KLayout report database (``.lyrdb``) there.

    Raises:
        DrcInputError: missing/unreadable file, layout without cells, unknown PDK.
    """
    from weiming.pdk import UnknownPdkError, get_tech

    try:
        tech = get_tech(pdk)
    except UnknownPdkError as e:
        raise DrcInputError(str(e)) from None
    ly, cells = _load(layout)
    rdb = rdb_mod.ReportDatabase(f"weiming DRC ({pdk})") if report is not None else None
    if rdb is not None:
        rdb.generator = "weiming.pdk.drc"
        rdb.top_cell_name = cells[0].name
    totals: dict[str, list] = {}  # rule name -> [count, examples, marker boxes, layers]
    dss = kdb.DeepShapeStore() if deep else None  # freed with the regions when this call returns
    for cell in cells:
        ctx = Context(layout=ly, cell=cell, tech=tech, dss=dss)
        excl = ctx.region("DRC_EXCLUDE") if ctx.present("DRC_EXCLUDE") else None
        rdb_cell = rdb.create_cell(cell.name) if rdb is not None else None
        for rule in tech.rules:
            if rule.kind in GEOMETRIC_KINDS and rule.layer in NON_MASK_LAYERS:
                continue  # annotation layers are not masks
            markers = [_exclude(m, excl) for m in CHECKS[rule.kind](ctx, rule)]
            n = sum(m.count() for m in markers)
            if n == 0:
                continue
            entry = totals.setdefault(rule.name, [0, [], [], set()])
            entry[0] += n
            entry[1].extend(_examples(markers, ly.dbu, MAX_EXAMPLES - len(entry[1])))
            entry[2].extend(_boxes(markers, ly.dbu, MAX_MARKERS - len(entry[2])))
            if rule.kind == "layer":
                entry[3].update(unknown_layers(ctx))
            if rdb is not None:
                cat = rdb.category_by_path(rule.name) or rdb.create_category(rule.name)
                cat.description = rule.describe()
                for m in markers:
                    if m.count():
                        rdb.create_items(rdb_cell.rdb_id(), cat.rdb_id(), kdb.CplxTrans(ly.dbu), m)
    order = {r.name: i for i, r in enumerate(tech.rules)}
    violations = [Violation(rule=name, count=c, examples=ex, description=_describe(tech, name), markers=tuple(bx),
                            layers=tuple(sorted(lay)))
                  for name, (c, ex, bx, lay) in sorted(totals.items(), key=lambda kv: order[kv[0]])]
    out = None
    if rdb is not None:
        out = Path(report)
        _atomic_save(rdb, out)
    return DrcResult(pdk=pdk, violations=violations, deep=deep, top_cells=[c.name for c in cells], report=out)


def _describe(tech, name: str) -> str:
    return next(r.describe() for r in tech.rules if r.name == name)


# -- helpers ----------------------------------------------------------------
def _load(layout: Any) -> tuple[kdb.Layout, list[kdb.Cell]]:
    """(layout, top cells to check) from a Component, a Layout or a file path."""
    if isinstance(layout, (str, os.PathLike)):
        path = Path(layout)
        if not path.is_file():
            raise DrcInputError(f"layout file not found: {path}")
        ly = kdb.Layout()
        try:
            ly.read(str(path))
        except RuntimeError as e:
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise DrcInputError(f"cannot read layout file {path}: {msg}") from None
        cells = list(ly.top_cells())
        if not cells:
            raise DrcInputError(f"layout file {path} contains no cells")
        return ly, cells
    if isinstance(layout, kdb.Layout):
        cells = list(layout.top_cells())
        if not cells:
            raise DrcInputError("layout contains no cells")
        return layout, cells
    if hasattr(layout, "kcl") and hasattr(layout, "cell_index"):  # gf.Component / kfactory KCell
        ly = layout.kcl.layout
        return ly, [ly.cell(layout.cell_index())]
    raise DrcInputError(f"cannot check a {type(layout).__name__}: give a gf.Component, klayout.db.Layout or GDS path")


def _exclude(markers: Markers, excl: kdb.Region | None) -> Markers:
    """Drop markers lying entirely inside the DRC_EXCLUDE region."""
    if excl is None or markers.is_empty():
        return markers
    return markers.not_inside(excl)


def _examples(markers: list[Markers], dbu: float, n: int) -> list[tuple[float, float]]:
    """Centres (um) of the first ``n`` markers, in KLayout's deterministic iteration order."""
    out = []
    for m in markers:
        if len(out) >= n:
            break
        for item in itertools.islice(m.each(), n - len(out)):
            c = item.bbox().center()
            out.append((round(c.x * dbu, 4), round(c.y * dbu, 4)))
    return out


def _boxes(markers: list[Markers], dbu: float, n: int) -> list[tuple[float, float, float, float]]:
    """Bounding boxes (um) of the first ``n`` markers."""
    out = []
    for m in markers:
        if len(out) >= n:
            break
        for item in itertools.islice(m.each(), n - len(out)):
            b = item.bbox()
            out.append((round(b.left * dbu, 4), round(b.bottom * dbu, 4), round(b.right * dbu, 4),
                        round(b.top * dbu, 4)))
    return out


def _atomic_save(rdb: rdb_mod.ReportDatabase, path: Path) -> None:
    with atomic_path(path, suffix=".lyrdb") as tmp:
        rdb.save(tmp)
