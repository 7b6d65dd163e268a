"""1 mm SiN ring: build + GDS + PNG times, against gdsfactory's own ring in the same process.

    python benchmarks/cells.py [--n 5]

Target (issue 3): a 1 mm radius ``ring_resonator`` on sin100 builds "well
under a second" and renders fast. Baseline: ``gf.components.ring`` (a plain
annulus, no bus) of the same radius and width with its default angular
resolution. Each build uses a new radius (1 nm steps) so no cell cache helps.
Prints wall times, the ratio ours/baseline, vertex counts and GDS sizes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import gdsfactory as gf
import klayout.db as kdb


def vertices(c) -> int:
    n = 0
    for li in c.kcl.layer_indexes():
        for p in kdb.Region(c.kdb_cell.begin_shapes_rec(li)).each():
            n += p.num_points()
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5)
    args = ap.parse_args()
    from weiming.components.registry import cells_for
    from weiming.components.render import render_png
    from weiming.pdk import activate

    activate("sin100")
    ring = cells_for("sin100")["ring_resonator"]
    tmp = Path(tempfile.mkdtemp())
    t_ours = t_base = t_png = 0.0
    for i in range(args.n):
        r = 1000.0 + i * 0.001
        t0 = time.perf_counter()
        c = ring(radius=r)
        c.write_gds(tmp / f"ours{i}.gds")
        t1 = time.perf_counter()
        b = gf.components.ring(radius=r, width=2.8, layer=(1, 0))
        b.write_gds(tmp / f"base{i}.gds")
        t2 = time.perf_counter()
        render_png(c, tmp / f"ours{i}.png", "sin100")
        t3 = time.perf_counter()
        t_ours += t1 - t0
        t_base += t2 - t1
        t_png += t3 - t2
    n = args.n
    print(f"ring_resonator R=1 mm (sin100, bus + ring): {t_ours / n * 1e3:.1f} ms per build+GDS, "
          f"{vertices(c)} vertices, {(tmp / 'ours0.gds').stat().st_size / 1e3:.1f} kB")
    print(f"gf.components.ring R=1 mm (annulus only):  {t_base / n * 1e3:.1f} ms per build+GDS, "
          f"{vertices(b)} vertices, {(tmp / 'base0.gds').stat().st_size / 1e3:.1f} kB")
    print(f"ratio ours/baseline: {t_ours / t_base:.2f}")
    print(f"render_png of the 1 mm ring: {t_png / n * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
