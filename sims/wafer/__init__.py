"""Wafer-level Monte Carlo yield: device inventory and critical areas from the
built chips, hierarchical spatially correlated process model, clustered
defects, device metric models (surrogates of the mode solver plus analytic
models), specs, prior prediction and Bayesian update of the defect density
from observed counts, design centring, importance sampling, wafer maps.

>>> from weiming.sims.wafer import run_yield
>>> r = run_yield(seed=1)                       # doctest: +SKIP
>>> r["device_yield"]["modulator"]["value"]     # doctest: +SKIP

``r["prediction"]["prior"]`` is the independent prediction from the process
file; ``r["prediction"]["posterior"]`` adds the observed 117/120 (:mod:`.bayes`).
"""

from __future__ import annotations

__all__ = ["run_yield"]


def __getattr__(name):
    if name == "run_yield":
        from weiming.sims.wafer.run import run_yield

        return run_yield
    raise AttributeError(name)
