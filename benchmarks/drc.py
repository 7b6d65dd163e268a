"""Hierarchical vs flat DRC on a synthetic array of 10,000 repeated cells.

    python benchmarks/drc.py [--n 10000] [--pdk inp]

Builds one unit cell (a deep-etched bend sampled every 0.25 um like gdsfactory,
a taper, straight waveguides, a p-contact and a pad with its via) that is
DRC-clean, places it N times as individual instances on a square grid, runs
:func:`weiming.pdk.drc.run_drc` in deep (hierarchical) and flat mode in the
same process and prints both wall times and their ratio (target: >= 5x).
Both runs must find the same violation counts.
"""

from __future__ import annotations

import argparse
import math
import time

import klayout.db as kdb

from weiming.pdk import get_tech
from weiming.pdk.drc import run_drc


def unit_cell(ly: kdb.Layout, pdk: str) -> kdb.Cell:
    tech = get_tech(pdk)
    cell = ly.create_cell("UNIT")

    def li(name: str) -> int:
        return ly.layer(*tech.layer(name))

    deep = tech.xs("deep")
    r, w = deep.radius_min, deep.width
    n = int(r * math.pi / 2 / 0.25)  # 0.25 um steps, as gdsfactory samples its default bends
    th = [i * (math.pi / 2) / n for i in range(n + 1)]
    pts = [kdb.DPoint((r + w / 2) * math.cos(t), (r + w / 2) * math.sin(t)) for t in th]
    pts += [kdb.DPoint((r - w / 2) * math.cos(t), (r - w / 2) * math.sin(t)) for t in reversed(th)]
    cell.shapes(li("DEEP")).insert(kdb.DPolygon(pts))
    cell.shapes(li("DEEP")).insert(kdb.DBox(r - w / 2, -100, r + w / 2, 0))  # straight into the bend
    cell.shapes(li("DEEP")).insert(kdb.DPolygon([kdb.DPoint(-100, r - w / 2), kdb.DPoint(0, r - w / 2),
                                                 kdb.DPoint(0, r + w / 2), kdb.DPoint(-100, r + w / 2)]))
    cell.shapes(li("DEEP")).insert(kdb.DPolygon([kdb.DPoint(-120, r - 1.5), kdb.DPoint(-100, r - w / 2),
                                                 kdb.DPoint(-100, r + w / 2), kdb.DPoint(-120, r + 1.5)]))  # taper
    cell.shapes(li("SHALLOW")).insert(kdb.DBox(-220, r - 1.5, -120, r + 1.5))
    cell.shapes(li("PMETAL")).insert(kdb.DBox(-200, r - 10, -140, r + 10))
    cell.shapes(li("PAD")).insert(kdb.DBox(-200, r + 40, -120, r + 120))
    cell.shapes(li("PLANAR_OPEN")).insert(kdb.DBox(-190, r + 50, -130, r + 110))
    return cell


def build(n_cells: int, pdk: str) -> kdb.Layout:
    ly = kdb.Layout()
    ly.dbu = 0.001
    unit = unit_cell(ly, pdk)
    top = ly.create_cell("TOP")
    side = math.ceil(math.sqrt(n_cells))
    pitch = 400.0
    for i in range(n_cells):
        top.insert(kdb.DCellInstArray(unit.cell_index(), kdb.DTrans(kdb.DVector((i % side) * pitch, (i // side) * pitch))))
    return ly


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="number of placed cells")
    ap.add_argument("--pdk", default="inp")
    args = ap.parse_args()
    print(f"building {args.n} placements of one unit cell ({args.pdk}) ...", flush=True)
    ly = build(args.n, args.pdk)
    times, counts = {}, {}
    for mode, deep in (("hierarchical", True), ("flat", False)):
        print(f"running {mode} DRC ...", flush=True)
        t0 = time.perf_counter()
        res = run_drc(ly, args.pdk, deep=deep)
        times[mode] = time.perf_counter() - t0
        counts[mode] = {v.rule: v.count for v in res.violations}
        print(f"  {mode:<12} {times[mode]:8.2f} s   violations: {counts[mode] or 'none'}", flush=True)
    assert counts["hierarchical"] == counts["flat"], "hierarchical and flat DRC disagree"
    ratio = times["flat"] / times["hierarchical"]
    print(f"cells={args.n}  hierarchical={times['hierarchical']:.2f} s  flat={times['flat']:.2f} s  "
          f"ratio flat/hierarchical={ratio:.1f}x  (target >= 5x: {'met' if ratio >= 5 else 'NOT met'})")


if __name__ == "__main__":
    main()
