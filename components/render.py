"""PNG rendering of a cell with the PDK's layer colours (matplotlib, Agg backend).

``render_png(component, path, pdk)`` draws every polygon of the flattened cell,
layer by layer in the PDK's order, filled with the layer's colour and pattern
(solid / hatch / cross / dotted / hollow from ``tech.yaml``). Output is
deterministic: no timestamps or software metadata in the PNG, fixed figure size.
Polygons go to matplotlib as one compound path per layer, so a 1 mm ring
(a few thousand vertices) renders in well under a second.
"""

from __future__ import annotations

from pathlib import Path

import klayout.db as kdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from weiming.fileio import atomic_path  # noqa: E402
from weiming.pdk import get_tech  # noqa: E402

#: matplotlib hatch per tech.yaml pattern (None = solid fill)
HATCH = {"solid": None, "hatch": "///", "cross": "xx", "dotted": "..", "hollow": None}
#: layers that are annotations: drawn as outlines only
SKIP = {"PORT", "PORTE"}


def layer_paths(cell: kdb.Cell, layer_index: int, dbu: float) -> MplPath | None:
    """All polygons of a layer (flattened, with holes) as one matplotlib compound path."""
    region = kdb.Region(cell.begin_shapes_rec(layer_index))
    if region.is_empty():
        return None
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in region.each():
        loops = [list(poly.each_point_hull())] + [list(poly.each_point_hole(i)) for i in range(poly.holes())]
        for loop in loops:
            pts = np.array([(p.x, p.y) for p in loop] + [(loop[0].x, loop[0].y)], dtype=float) * dbu
            cd = np.full(len(pts), MplPath.LINETO, dtype=np.uint8)
            cd[0], cd[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            verts.append(pts)
            codes.append(cd)
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def draw(ax, component, pdk: str, title: str | None = None) -> None:
    """Draw ``component`` on the matplotlib axes ``ax`` in the colours of ``pdk``."""
    tech = get_tech(pdk)
    kcell = getattr(component, "kdb_cell", component)
    layout = kcell.layout()
    dbu = layout.dbu
    drawn = False
    for z, (name, ld) in enumerate(tech.layers.items()):
        if name in SKIP:
            continue
        li = layout.find_layer(*ld.gds)
        if li is None:
            continue
        path = layer_paths(kcell, li, dbu)
        if path is None:
            continue
        hollow = ld.pattern == "hollow"
        hatch = HATCH.get(ld.pattern)
        patch = PathPatch(path, facecolor="none" if hollow or hatch else ld.color, edgecolor=ld.color,
                          hatch=hatch, linewidth=0.6, alpha=1.0 if hollow else 0.75, zorder=z, label=name)
        ax.add_artist(patch)  # add_patch would re-scan every vertex for the data limits (set below)
        drawn = True
    box = kcell.dbbox()
    if drawn and not box.empty():
        pad = 0.03 * max(box.width(), box.height(), 1e-3)
        ax.set_xlim(box.left - pad, box.right + pad)
        ax.set_ylim(box.bottom - pad, box.top + pad)
    ax.set_aspect("equal")
    ax.tick_params(labelsize=6)
    if title:
        ax.set_title(title, fontsize=8)


def save_png(fig, path: Path, dpi: int) -> Path:
    """Write the figure atomically, without metadata (byte-identical for identical input)."""
    path = Path(path)
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=dpi, format="png", metadata={"Software": None})
    return path


def render_png(component, path: str | Path, pdk: str, *, title: str | None = None, dpi: int = 150) -> Path:
    """Render ``component`` to ``path`` (PNG) with the layer colours of ``pdk``; returns the path."""
    fig, ax = plt.subplots(figsize=(6, 6))
    try:
        draw(ax, component, pdk, title if title is not None else getattr(component, "name", None))
        ax.set_xlabel("x (um)", fontsize=7)
        ax.set_ylabel("y (um)", fontsize=7)
        fig.subplots_adjust(left=0.12, right=0.97, bottom=0.08, top=0.94)
        return save_png(fig, Path(path), dpi)
    finally:
        plt.close(fig)
