"""Time of a 200-point key-rate curve with parameter optimisation, vs a per-distance scipy baseline.

The curve: SNS-TF-QKD, three-intensity decoy, finite key (the default network
model) and asymptotic, 200 distances from 0 to 600 km, every distance
optimised over its intensities and probabilities by the vectorised grid search
(:mod:`weiming.sims.network.optimise`). Baseline, in the same process: the same
rate function optimised one distance at a time with scipy's Nelder-Mead from
a fixed start (the "straightforward" implementation), on 20 of the
distances and scaled to 200. Target: the vectorised curve < 2 s on 2 cores.

    python benchmarks/network.py
"""

from __future__ import annotations

import time

import numpy as np
from scipy.optimize import minimize

from weiming.sims.network import sns
from weiming.sims.network.optimise import optimise

LINK = {"pd": 1e-8, "e_d": 0.03, "f_ec": 1.16}
EXTRA = {"slices": 16, "pulses": 1e13, "failure": 1e-10, "x_probs": (0.2, 0.6, 0.2)}


def vectorised(dist, finite):
    eta = 0.6 * 10 ** (-0.2 * dist / 20)
    space = "sns_three_finite" if finite else "sns_three"
    extra = EXTRA if finite else {"slices": 16}
    return optimise(space, {"eta": eta, **LINK}, extra=extra)[1]["rate"]


def baseline(dist, finite):
    out = []
    for L in dist:
        eta = 0.6 * 10 ** (-0.2 * L / 20)

        def neg(x):
            mu_z, eps, mu1, p_z = np.exp(x)
            mu1 = max(mu1, 0.01)                      # the same practical floor as the grid
            kw = dict(EXTRA, p_z=min(p_z, 0.99)) if finite else {"slices": 16}
            with np.errstate(all="ignore"):
                r = sns.rate_three_intensity(eta, mu_z=mu_z, eps=eps, mu1=mu1, mu2=4 * mu1, **LINK, **kw)["rate"]
            return -float(np.nan_to_num(r)) * 1e6 / max(eta, 1e-30)

        res = minimize(neg, np.log([0.4, 0.05, 0.05, 0.8]), method="Nelder-Mead",
                       options={"maxiter": 400, "xatol": 1e-3, "fatol": 1e-9})
        out.append(-res.fun * max(eta, 1e-30) / 1e6)
    return np.array(out)


def main() -> None:
    dist = np.linspace(0.0, 600.0, 200)
    for finite in (True, False):
        name = "finite key" if finite else "asymptotic"
        t0 = time.perf_counter()
        r = vectorised(dist, finite)
        t_vec = time.perf_counter() - t0
        sub = dist[::10]
        t0 = time.perf_counter()
        rb = baseline(sub, finite)
        t_base = (time.perf_counter() - t0) * len(dist) / len(sub)
        agree = np.nanmax(np.where(rb > 0, r[::10] / np.maximum(rb, 1e-300), np.nan))
        print(f"SNS {name}: 200-point optimised curve {t_vec:.2f} s (target < 2 s); per-distance Nelder-Mead "
              f"baseline {t_base:.2f} s (scaled from 20 points) -> speed-up x{t_base / t_vec:.1f}; "
              f"grid/NM rate ratio max {agree:.3f}, min "
              f"{np.nanmin(np.where(rb > 0, r[::10] / np.maximum(rb, 1e-300), np.nan)):.3f}")


if __name__ == "__main__":
    main()
