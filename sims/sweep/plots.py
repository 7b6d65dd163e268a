"""PNG plots of every numeric output against every numeric input of a sweep."""

from __future__ import annotations

import io
import re
from pathlib import Path

from weiming.sims.cache import atomic_write_bytes
from weiming.sims.sweep.store import is_number


def _numeric(series) -> bool:
    vals = [v for v in series.tolist() if v is not None and v == v]
    return bool(vals) and all(is_number(v) for v in vals)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def plot_results(df, inputs: list[str], outputs: list[str], out_dir: Path, title: str = "") -> list[Path]:
    """``plots/<output>_vs_<input>.png`` for numeric pairs over the points with status ok."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = df[df["status"] == "ok"]
    if ok.empty:
        return []
    xs = [c for c in inputs if _numeric(ok[c])]
    ys = [c for c in outputs if c in ok and _numeric(ok[c])]
    folder = Path(out_dir) / "plots"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for y in ys:
        for x in xs:
            d = ok[[x, y]].dropna().sort_values(x)
            fig, ax = plt.subplots(figsize=(5, 3.6), dpi=100)
            # one input: a curve; several: each point is one sample of the others too, so scatter only
            ax.plot(d[x], d[y], "o-" if len(inputs) == 1 else "o", ms=4)
            ax.set_xlabel(x)
            ax.set_ylabel(y)
            ax.set_title(f"{title}{y} vs {x}" if title else f"{y} vs {x}", fontsize=9)
            ax.grid(alpha=0.3)
            fig.tight_layout()
            p = folder / f"{_safe(y)}_vs_{_safe(x)}.png"
            buf = io.BytesIO()
            fig.savefig(buf, format="png", metadata={"Software": None})  # no version stamp: deterministic
            plt.close(fig)
            atomic_write_bytes(p, buf.getvalue())
            paths.append(p)
    return paths
