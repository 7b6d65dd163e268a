"""Helpers shared by the tape-out stages (:mod:`weiming.tapeout.stages` and the stage modules beside it).

Kept apart from ``stages.py`` so that a stage module (e.g.
:mod:`weiming.tapeout.inp_models`) can use them without importing the stage
list that imports it.
"""

from __future__ import annotations

from pathlib import Path

from weiming.tapeout.runner import Context


def design(ctx: Context):
    """The run's validated design (loaded once by the tape-out; loaded here when a stage runs alone)."""
    if ctx.design is None:
        from weiming.circuits.design import load_design

        ctx.design = load_design(ctx.config)
    return ctx.design


def plot_path(ctx: Context, stage: str, name: str) -> Path:
    p = ctx.out / "plots" / f"{name}.png"
    p.parent.mkdir(parents=True, exist_ok=True)
    ctx.add_artifact(stage, p)
    return p


def line_plot(ctx: Context, stage: str, name: str, x, y, *, xlabel: str, ylabel: str, title: str,
              style: str = "-") -> None:
    """One curve in the report's style, saved as ``plots/<name>.png`` and registered for ``stage``."""
    plt = mpl()
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    ax.plot(x, y, style, color="#3c7be0")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(plot_path(ctx, stage, name), dpi=120)
    plt.close(fig)


def mpl():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
