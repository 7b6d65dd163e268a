"""Wafer maps: reticle fields stepped on a wafer, kept where fully inside the usable disc.

The field grid is centred on the wafer (one field centred if that fits more,
else a grid corner at the centre: both are tried, the one with more whole
fields wins, ties -> centred). Usable disc = diameter - 2 x edge exclusion.
Output: a JSON-able map and a PNG (matplotlib, Agg, deterministic metadata).
"""

from __future__ import annotations

import math
from pathlib import Path

from weiming.circuits.design import Wafer


def _fields(diameter_mm: float, excl_mm: float, fw_mm: float, fh_mm: float, ox: float, oy: float):
    r = diameter_mm / 2 - excl_mm
    n = int(math.ceil(diameter_mm / min(fw_mm, fh_mm))) + 2
    out = []
    for j in range(-n, n + 1):
        for i in range(-n, n + 1):
            x0, y0 = ox + i * fw_mm, oy + j * fh_mm
            corners = ((x0, y0), (x0 + fw_mm, y0), (x0, y0 + fh_mm), (x0 + fw_mm, y0 + fh_mm))
            if all(math.hypot(x, y) <= r for x, y in corners):
                out.append((round(x0, 4), round(y0, 4)))
    return sorted(out, key=lambda p: (p[1], p[0]))


def wafer_map(wafer: Wafer, field_um: tuple[float, float], name: str, chips_per_field: int) -> dict:
    """Fields (lower-left corners, mm, wafer centre at 0) of ``field_um`` on ``wafer``."""
    fw, fh = field_um[0] / 1000, field_um[1] / 1000
    centred = _fields(wafer.diameter_mm, wafer.edge_exclusion_mm, fw, fh, -fw / 2, -fh / 2)
    corner = _fields(wafer.diameter_mm, wafer.edge_exclusion_mm, fw, fh, 0.0, 0.0)
    fields = centred if len(centred) >= len(corner) else corner
    return {"reticle": name, "diameter_mm": wafer.diameter_mm, "edge_exclusion_mm": wafer.edge_exclusion_mm,
            "field_mm": [fw, fh], "fields": [list(p) for p in fields], "n_fields": len(fields),
            "n_chips": len(fields) * chips_per_field}


def render_wafer(m: dict, path: Path, title: str) -> Path:
    """PNG of the wafer map ``m`` (written atomically)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, Rectangle

    from weiming.sims.cache import atomic_write_bytes

    fig, ax = plt.subplots(figsize=(5, 5))
    r = m["diameter_mm"] / 2
    ax.add_patch(Circle((0, 0), r, fill=False, lw=1.5))
    ax.add_patch(Circle((0, 0), r - m["edge_exclusion_mm"], fill=False, ls="--", lw=0.8, color="grey"))
    fw, fh = m["field_mm"]
    for k, (x, y) in enumerate(m["fields"]):
        ax.add_patch(Rectangle((x, y), fw, fh, fill=True, alpha=0.3, ec="k"))
        ax.text(x + fw / 2, y + fh / 2, str(k + 1), ha="center", va="center", fontsize=8)
    ax.set_xlim(-r * 1.05, r * 1.05)
    ax.set_ylim(-r * 1.05, r * 1.05)
    ax.set_aspect("equal")
    ax.set_xlabel("x (mm)")
    ax.set_ylabel("y (mm)")
    ax.set_title(f"{title}: {m['n_fields']} fields, {m['n_chips']} chips")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())
    return path
