"""Plots of a comb state: bus-output line spectrum with the channel lines marked, intracavity |psi|^2."""

from __future__ import annotations

import math

import numpy as np


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def draw_spectrum(ax, res: dict) -> None:
    """Line powers (dBm) at the bus output vs mode number; channel lines in orange with their powers.

    ``res``: :meth:`weiming.sims.comb.CombResult.to_json` (also every plot below).
    """
    mu = np.array([ln["mu"] for ln in res["lines"]])
    p = np.array([ln["power_w"] for ln in res["lines"]])
    dbm = 10 * np.log10(np.maximum(p, 1e-30) / 1e-3)
    floor = max(float(dbm.max()) - 120, -150)
    ax.vlines(mu, floor, dbm, color="#3c7be0", lw=1.2)
    labels = []
    for c in res["channels"]:
        v = 10 * math.log10(max(c["power_w"], 1e-30) / 1e-3)
        ax.vlines([c["mu"]], floor, [v], color="#e07b3c", lw=2.0)
        labels.append(f"ch{c['channel']:>2} mu{c['mu']:+d}: {v:6.1f} dBm")
    ax.text(1.01, 1.0, "\n".join(labels), transform=ax.transAxes, fontsize=7, va="top", family="monospace",
            color="#b05010")
    ax.set_ylim(floor, float(dbm.max()) + 12)
    ax.set_xlabel("comb line mu (FSRs from the pump)")
    ax.set_ylabel("power at bus output (dBm)")
    ax.set_title(f"{res['regime']}: pump {res['pump_w'] * 1e3:.1f} mW, "
                 f"efficiency {100 * res['conversion_efficiency']:.1f} % (channels orange, dBm)", fontsize=9)
    ax.grid(alpha=0.3)


def draw_intracavity(ax, res: dict) -> None:
    """|psi|^2 (normalised intracavity power) vs angle around the ring."""
    i = np.asarray(res["field_abs2"])
    ang = np.arange(i.size) * 360.0 / i.size
    ax.plot(ang, i, color="#3c7be0")
    ax.set_xlabel("angle around the ring (deg)")
    ax.set_ylabel("|psi|^2 (units of kappa/2g0)")
    ax.set_title(f"intracavity field, f^2 = {res['f2']:.3g}, zeta = {res['zeta']:.3g}", fontsize=9)
    ax.grid(alpha=0.3)


def _save(path, draw, size) -> None:
    plt = _plt()
    fig, axes = plt.subplots(1, len(draw), figsize=size, squeeze=False)
    for ax, fn in zip(axes[0], draw):
        fn(ax)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def save_spectrum(res: dict, path) -> None:
    _save(path, [lambda ax: draw_spectrum(ax, res)], (8.5, 3.8))


def save_intracavity(res: dict, path) -> None:
    _save(path, [lambda ax: draw_intracavity(ax, res)], (5.5, 3.5))


def save_both(res: dict, path) -> None:
    _save(path, [lambda ax: draw_spectrum(ax, res), lambda ax: draw_intracavity(ax, res)], (14, 3.8))
