"""Fast surrogates of the waveguide solvers: quadratic response surfaces in the
process deviations, fitted by :mod:`.fit_surrogates` and stored with their
held-out error in ``surrogates/<name>.json``.

A surrogate maps the deviations ``d_i`` (scaled by ``x_i = d_i / scale_i``,
scale = the parameter's 1-sigma) to outputs (``neff``, ``ng``, ...) through
``y = c0 + sum c_i x_i + sum_{i<=j} c_ij x_i x_j``. Evaluation is pure numpy
on arrays of any shape (millions of points per second).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from weiming.resources import data_path

HERE = data_path("weiming.sims.wafer", "surrogates")


def quadratic_features(x: np.ndarray) -> np.ndarray:
    """Features [1, x_i, x_i x_j (i <= j)] of ``x`` with shape (..., n_in) -> (..., n_feat)."""
    n = x.shape[-1]
    cols = [np.ones(x.shape[:-1])] + [x[..., i] for i in range(n)]
    cols += [x[..., i] * x[..., j] for i in range(n) for j in range(i, n)]
    return np.stack(cols, axis=-1)


@dataclass(frozen=True)
class Surrogate:
    name: str
    inputs: tuple[str, ...]
    scales: tuple[float, ...]
    outputs: dict[str, np.ndarray]   # output name -> coefficients
    meta: dict

    def __call__(self, **deviations: np.ndarray) -> dict[str, np.ndarray]:
        """Outputs at the given deviations (missing inputs are nominal, i.e. 0)."""
        unknown = set(deviations) - set(self.inputs)
        if unknown:
            raise KeyError(f"surrogate {self.name}: unknown inputs {sorted(unknown)}; inputs: {self.inputs}")
        shape = np.broadcast_shapes(*(np.shape(v) for v in deviations.values())) if deviations else ()
        xs = [np.broadcast_to(np.asarray(deviations.get(n, 0.0), dtype=float) / s, shape)
              for n, s in zip(self.inputs, self.scales)]
        out = {}
        # Horner-free explicit evaluation without building the (N, n_feat) matrix: less memory.
        for oname, c in self.outputs.items():
            y = np.full(shape, c[0])
            k = 1
            for i in range(len(xs)):
                y = y + c[k] * xs[i]
                k += 1
            for i in range(len(xs)):
                for j in range(i, len(xs)):
                    y = y + c[k] * xs[i] * xs[j]
                    k += 1
            out[oname] = y
        return out

    def nominal(self, output: str) -> float:
        return float(self.outputs[output][0])


def fit_quadratic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares coefficients of the quadratic response surface (x scaled, shape (n, n_in))."""
    coef, *_ = np.linalg.lstsq(quadratic_features(x), y, rcond=None)
    return coef


@lru_cache(maxsize=None)
def load(name: str) -> Surrogate:
    """The stored surrogate ``name`` (e.g. ``"inp_deep"``)."""
    path = HERE / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"surrogate {name!r} not found at {path}; "
                                f"run: python -m weiming.sims.wafer.fit_surrogates")
    d = json.loads(path.read_text())
    return Surrogate(d["name"], tuple(i["name"] for i in d["inputs"]), tuple(i["scale"] for i in d["inputs"]),
                     {k: np.asarray(v["coef"]) for k, v in d["outputs"].items()}, d)


def errors(name: str) -> dict:
    """Held-out errors of surrogate ``name``: {output: {rms, max_abs, units}} plus the solver used."""
    d = load(name).meta
    return {"solver": d["solver"], "n_train": d["n_train"], "n_test": d["n_test"],
            **{k: {"heldout_rms": v["heldout_rms"], "heldout_max_abs": v["heldout_max_abs"],
                   "units": v.get("units", "")} for k, v in d["outputs"].items()}}
