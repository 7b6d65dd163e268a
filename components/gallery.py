"""Gallery: every registered cell of a PDK at its default parameters, in one GDS and one PNG.

``build_gallery(pdk, out_dir)`` places the cells left to right in rows (shelf
packing, ``SPACING_UM`` apart, which exceeds every space/separation rule of the
PDKs) under a top cell ``<pdk>_gallery``, writes ``<pdk>_gallery.gds`` and a PNG
montage ``<pdk>_gallery.png`` (one panel per cell, PDK colours). Cells of any
PDK appear automatically once registered (:mod:`weiming.components.registry`).
"""

from __future__ import annotations

import math
from pathlib import Path

import gdsfactory as gf

from weiming.components.registry import cells_for
from weiming.fileio import atomic_path
from weiming.pdk import activate

SPACING_UM = 100.0


def save_gds(component: gf.Component, path: Path) -> Path:
    """Write ``component`` to ``path`` atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    with atomic_path(path, suffix=".gds") as tmp:
        component.write_gds(tmp)
    return path


def default_cells(pdk: str, progress: bool = False) -> dict[str, gf.Component]:
    """``name -> component`` of every cell registered for ``pdk``, at default parameters."""
    activate(pdk)
    cells = cells_for(pdk)
    names = sorted(cells)
    if progress:
        from tqdm import tqdm

        names = tqdm(names, desc=f"{pdk} cells", unit="cell")
    return {n: cells[n]() for n in names}


def build_gallery(pdk: str, out_dir: str | Path, *, progress: bool = False, png: bool = True) -> dict:
    """Write ``<pdk>_gallery.gds`` (and ``.png``) in ``out_dir``; returns ``{gds, png, cells}``."""
    out_dir = Path(out_dir)
    comps = default_cells(pdk, progress)
    boxes = {n: c.dbbox() for n, c in comps.items()}
    total = sum((b.width() + SPACING_UM) * (b.height() + SPACING_UM) for b in boxes.values())
    row_width = max(math.sqrt(total) * 1.2, max(b.width() for b in boxes.values()))

    name = f"{pdk}_gallery"
    if gf.kcl.has_cell(name):  # a gallery built earlier in this process: rebuild it from scratch
        gf.kcl.delete_cell(gf.kcl.layout.cell(name).cell_index())
    top = gf.Component(name)
    x = y = row_h = 0.0
    for name, comp in comps.items():
        b = boxes[name]
        if x > 0 and x + b.width() > row_width:
            x, y, row_h = 0.0, y - row_h - SPACING_UM, 0.0
        ref = top.add_ref(comp, name=name)
        # put the cell's bbox corner (left, top) at (x, y), snapped to the grid
        ref.dmove((round(x - b.left, 3), round(y - b.top, 3)))
        x += b.width() + SPACING_UM
        row_h = max(row_h, b.height())
    gds = save_gds(top, out_dir / f"{pdk}_gallery.gds")
    png_path = None
    if png:
        png_path = montage(comps, out_dir / f"{pdk}_gallery.png", pdk)
    return {"gds": gds, "png": png_path, "cells": list(comps)}


def montage(comps: dict[str, gf.Component], path: Path, pdk: str, dpi: int = 110) -> Path:
    """A grid of panels, one per cell, each drawn to its own scale in the PDK colours."""
    import matplotlib.pyplot as plt

    from weiming.components.render import draw, save_png

    n = len(comps)
    cols = max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 3.2 * rows), squeeze=False)
    try:
        for ax, (name, comp) in zip(axes.flat, comps.items()):
            draw(ax, comp, pdk, name)
        for ax in list(axes.flat)[n:]:
            ax.set_axis_off()
        fig.suptitle(f"{pdk}: {n} cells at default parameters", fontsize=10)
        fig.subplots_adjust(left=0.05, right=0.98, bottom=0.04, top=0.93, wspace=0.35, hspace=0.35)
        return save_png(fig, path, dpi)
    finally:
        plt.close(fig)
