"""PNG wafer maps (a value or pass/fail per die site) and metric histograms
(matplotlib, Agg backend, deterministic: no timestamps in the files)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from weiming.sims.wafer.sites import WaferLayout


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "weiming"
    return plt


def _save(fig, path: Path) -> Path:
    import io

    from weiming.sims.cache import atomic_write_bytes

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    path = Path(path)
    atomic_write_bytes(path, buf.getvalue())
    return path


def wafer_map(layout: WaferLayout, values: np.ndarray, path: Path, title: str, *, label: str = "",
              passfail: bool = False) -> Path:
    """Draw each die of ``layout`` coloured by ``values`` (one per site; bool for pass/fail)."""
    plt = _plt()
    from matplotlib.collections import PatchCollection
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Circle, Rectangle

    fig, ax = plt.subplots(figsize=(5.6, 5))
    w, h = layout.die_mm
    rects = [Rectangle((x - w / 2, y - h / 2), w, h) for x, y in layout.xy_mm]
    pc = PatchCollection(rects, edgecolor="k", linewidth=0.2)
    v = np.asarray(values, dtype=float)
    if passfail:
        pc.set_cmap(ListedColormap(["#d62728", "#2ca02c"]))
        pc.set_clim(0, 1)
    pc.set_array(v)
    ax.add_collection(pc)
    ax.add_patch(Circle((0, 0), layout.radius_mm, fill=False, lw=1))
    ax.add_patch(Circle((0, 0), layout.usable_radius_mm, fill=False, lw=0.6, ls="--"))
    r = layout.radius_mm * 1.05
    ax.set_xlim(-r, r)
    ax.set_ylim(-r, r)
    ax.set_aspect("equal")
    ax.set_xlabel("x (mm)")
    ax.set_ylabel("y (mm)")
    ax.set_title(title, fontsize=9)
    if not passfail:
        fig.colorbar(pc, ax=ax, label=label)
    else:
        ax.text(0.02, 0.02, f"pass {int(v.sum())}/{len(v)} (green)", transform=ax.transAxes, fontsize=8)
    fig.tight_layout()
    out = _save(fig, path)
    plt.close(fig)
    return out


def histogram(values: np.ndarray, path: Path, title: str, *, label: str = "", lo: float | None = None,
              hi: float | None = None, bins: int = 60) -> Path:
    """Histogram of ``values`` with the spec bounds as vertical lines."""
    plt = _plt()
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    fig, ax = plt.subplots(figsize=(5.6, 3.6))
    ax.hist(v, bins=bins, color="#3c7be0")
    for b in (lo, hi):
        if b is not None:
            ax.axvline(b, color="#d62728", ls="--", lw=1)
    ax.set_xlabel(label)
    ax.set_ylabel("devices")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    out = _save(fig, path)
    plt.close(fig)
    return out


def variogram(h_mm: np.ndarray, gamma: dict[str, np.ndarray], path: Path, title: str, *,
              model: tuple[np.ndarray, np.ndarray] | None = None) -> Path:
    """Empirical semivariograms (one curve per label) against distance, with the model's curve if given."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.6, 3.8))
    for lab, g in gamma.items():
        ax.plot(h_mm, g, "o-", ms=3, label=lab)
    if model is not None:
        ax.plot(model[0], model[1], "k--", lw=1, label="model (process file)")
    ax.set_xlabel("die separation (mm)")
    ax.set_ylabel("semivariance / variance")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    out = _save(fig, path)
    plt.close(fig)
    return out
