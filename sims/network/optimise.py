"""Parameter optimisation per distance (or per pair): vectorised grid search with local refinement.

Every link quantity is an array with one entry per case (distance or chip
pair); the free parameters (intensities, probabilities) get a log-spaced grid
evaluated for all cases at once, then four refinements around each case's own
optimum (three points per parameter, step halved each time). Grid search is
robust here: the rate is smooth but clipped at zero and often flat far from the
optimum, where gradient methods stall.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Callable

import numpy as np

from weiming.sims.network import pm, sns


@dataclass(frozen=True)
class Param:
    lo: float
    hi: float
    n: int           # coarse grid points (log-spaced)


#: Free parameters of each model and their search ranges (ranges: assumption, wide around the
#: optima published for these protocols: mu_z ~ 0.2-0.6, eps ~ 0.01-0.3, mu1 ~ 0.05-0.2). The weak decoy
#: is kept >= 0.01 (assumption: a practical decoy; asymptotically mu1 -> 0 is optimal but its X-window
#: error rate is then dark-count dominated and says nothing about the link).
SPACES: dict[str, dict[str, Param]] = {
    "sns_infinite": {"mu_z": Param(0.02, 1.5, 14), "eps": Param(0.002, 0.5, 14)},
    "sns_three": {"mu_z": Param(0.02, 1.5, 12), "eps": Param(0.002, 0.5, 12), "mu1": Param(0.01, 0.4, 6)},
    "sns_three_finite": {"mu_z": Param(0.02, 1.5, 8), "eps": Param(0.002, 0.5, 8), "mu1": Param(0.01, 0.4, 4),
                         "p_z": Param(0.3, 0.97, 4)},
    "pm": {"mu": Param(1e-3, 2.0, 40)},
}


def _model(name: str) -> Callable:
    return {"sns_infinite": sns.rate_infinite_decoy, "sns_three": sns.rate_three_intensity,
            "sns_three_finite": sns.rate_three_intensity, "pm": pm.rate}[name]


def space_name(protocol: str, decoy: str = "three", finite_key: bool = False) -> str:
    if protocol == "pm":
        return "pm"
    if decoy == "infinite":
        if finite_key:
            raise ValueError("finite key needs the three-intensity decoy analysis (decoy='three')")
        return "sns_infinite"
    return "sns_three_finite" if finite_key else "sns_three"


def _evaluate(fn, link: dict, params: dict, extra: dict, mu2_ratio: float) -> dict:
    p = dict(params)
    if "mu1" in p:
        p["mu2"] = p["mu1"] * mu2_ratio
    return fn(**link, **p, **extra)


def optimise(space: str, link: dict, *, extra: dict | None = None, mu2_ratio: float = 4.0,
             refine: int = 4) -> tuple[dict, dict]:
    """Maximise the rate of model ``space`` for every case.

    ``link``: arrays (one entry per case) or scalars for ``eta, pd, e_d, f_ec`` and optional ``leak``;
    ``extra``: fixed keyword arguments (``slices``, ``aopp``, ``pulses``, ...). Returns
    ``(best_params, result)``: each a dict of arrays of shape ``(cases,)``.
    """
    fn = _model(space)
    spec = SPACES[space]
    extra = dict(extra or {})
    names = list(spec)
    arrs = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in link.items() if k != "f_ec"}
    n_cases = max(a.size for a in arrs.values())
    col = {k: np.broadcast_to(a, (n_cases,))[:, None] for k, a in arrs.items()}
    col["f_ec"] = link["f_ec"]
    logs = {k: np.linspace(np.log(p.lo), np.log(p.hi), p.n) for k, p in spec.items()}
    grid = np.array(list(product(*logs.values())))                           # (G, P) in log space
    params = {k: np.exp(grid[None, :, i]) for i, k in enumerate(names)}      # (1, G)
    steps = {k: (logs[k][1] - logs[k][0]) if spec[k].n > 1 else 0.0 for k in names}
    best = _best(fn, col, params, extra, mu2_ratio)
    fine = np.array([-1.0, 0.0, 1.0])          # each refinement: the neighbours at the current step, then halve
    for _ in range(refine):
        local = np.array(list(product(*[fine] * len(names))))                # (G2, P)
        params = {}
        for i, k in enumerate(names):
            centre = np.log(best[k])[:, None]
            v = centre + steps[k] * local[None, :, i]
            params[k] = np.exp(np.clip(v, np.log(spec[k].lo), np.log(spec[k].hi)))
        best = _best(fn, col, params, extra, mu2_ratio)
        steps = {k: s / 2 for k, s in steps.items()}
    res = _evaluate(fn, {k: (v[:, 0] if isinstance(v, np.ndarray) else v) for k, v in col.items()},
                    best, extra, mu2_ratio)
    if "mu1" in best:
        best = {**best, "mu2": best["mu1"] * mu2_ratio}
    return best, {k: np.broadcast_to(np.asarray(v, dtype=float), (n_cases,)) for k, v in res.items()}


def _best(fn, col, params, extra, mu2_ratio) -> dict:
    with np.errstate(all="ignore"):
        r = np.nan_to_num(_evaluate(fn, col, params, extra, mu2_ratio)["rate"], nan=-1.0)
    r = np.broadcast_to(r, np.broadcast_shapes(r.shape, *(p.shape for p in params.values())))
    idx = np.argmax(r, axis=1)
    rows = np.arange(r.shape[0])
    return {k: np.broadcast_to(p, r.shape)[rows, idx] for k, p in params.items()}
