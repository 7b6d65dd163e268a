"""Wafer-level Monte Carlo yield: hierarchical process model, device metric
models (surrogates of the mode solver plus analytic models), specs,
calibration of the defect density to observed counts, wafer maps.

>>> from weiming.sims.wafer import run_yield
>>> r = run_yield(seed=1)                       # doctest: +SKIP
>>> r["device_yield"]["modulator"]["value"]     # doctest: +SKIP

The default modulator yield is a calibration to the seed network's published
117/120, not an independent prediction (:mod:`weiming.sims.wafer.calibrate`).
"""

from __future__ import annotations

__all__ = ["run_yield"]


def __getattr__(name):
    if name == "run_yield":
        from weiming.sims.wafer.run import run_yield

        return run_yield
    raise AttributeError(name)
