"""Key rate vs distance per channel pair with both PLOB lines (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def plot_curves(res: dict, path: str | Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from weiming.sims.network.plob import plob_absolute, plob_conditional

    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    if "curves" in res:
        d = np.array(res["curves"]["distance_km"], dtype=float)
        for p, c in zip(res["pairs"], res["curves"]["pairs"]):
            ax.semilogy(d, np.array([np.nan if v in (None, 0) else v for v in c], dtype=float), lw=1,
                        label=f"ch {p['channel']}")
        pa, pc = res["curves"]["plob_absolute"], res["curves"]["plob_conditional"]
    else:
        d = np.array([c["distance_km"] for c in res["curve"]], dtype=float)
        ax.semilogy(d, [c["key_rate_per_pulse"] or np.nan for c in res["curve"]], label=res["protocol"])
        loss = res["link"]["loss_db_per_km"]
        pa, pc = plob_absolute(d, loss), plob_conditional(d, loss, res["link"]["eta_d"])
    ax.semilogy(d, np.array([np.nan if v is None else v for v in pa], dtype=float), "k--", label="PLOB absolute")
    ax.semilogy(d, np.array([np.nan if v is None else v for v in pc], dtype=float), "k:", label="PLOB conditional")
    ax.axvline(res["distance_km"], color="grey", lw=0.8)
    ax.set_xlabel("client-to-client fibre (km)")
    ax.set_ylabel("key rate (bits per pulse)")
    ax.set_ylim(1e-12, 1e-1)
    ax.set_title(f"{res['protocol'].upper()} key rate per channel pair")
    ax.legend(fontsize=6, ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)
