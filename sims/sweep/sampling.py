"""Points of a sweep: grid, list, random and Latin hypercube sampling, all seeded.

``grid`` is the Cartesian product of every parameter's values (a range gives
``num`` points, linear or geometric with ``log``); ``list`` zips the value
lists; ``random`` draws ``n`` independent points (uniform in a range,
log-uniform with ``log``, uniform choice among ``values``); ``lhs`` draws ``n``
points of a Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`): every
parameter's range is cut in ``n`` equal strata and each stratum holds exactly
one point. The same spec and seed give the same points.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np

from weiming.sims.sweep.spec import ParamSpec, SweepSpec


def _clean(x: float, integer: bool) -> float | int:
    # 12 significant digits: linspace noise (0.6000000000000001) must not leak
    # into cache keys or table columns.
    return int(round(x)) if integer else float(f"{float(x):.12g}")


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _axis(p: ParamSpec, integer: bool) -> list[Any]:
    """The values of one parameter for grid / list sampling."""
    if p.values is not None:
        return [_plain(v) for v in p.values]
    assert p.min is not None and p.max is not None and p.num is not None
    xs = np.geomspace(p.min, p.max, p.num) if p.log else np.linspace(p.min, p.max, p.num)
    out = [_clean(x, integer) for x in xs]
    return list(dict.fromkeys(out))  # integer rounding can merge neighbours


def _from_unit(p: ParamSpec, u: np.ndarray, integer: bool) -> list[Any]:
    """Map ``u`` in [0, 1) to the parameter: a stratum of ``values`` or a point of the range."""
    if p.values is not None:
        idx = np.minimum((u * len(p.values)).astype(int), len(p.values) - 1)
        return [_plain(p.values[i]) for i in idx]
    assert p.min is not None and p.max is not None
    if p.log:
        lo, hi = np.log(p.min), np.log(p.max)
        xs = np.exp(lo + u * (hi - lo))
    else:
        xs = p.min + u * (p.max - p.min)
    return [_clean(x, integer) for x in xs]


def sample(spec: SweepSpec, integer: frozenset[str] | set[str] = frozenset()) -> list[dict[str, Any]]:
    """The points of ``spec`` (dicts parameter -> value) in a deterministic order, duplicates removed.

    ``integer`` names parameters whose values are rounded to ``int`` (the
    target declares them as ``int``).
    """
    names = list(spec.parameters)
    s = spec.sampling
    if s.method in ("grid", "list"):
        axes = [_axis(spec.parameters[n], n in integer) for n in names]
        rows = itertools.product(*axes) if s.method == "grid" else zip(*axes)
        points = [dict(zip(names, r)) for r in rows]
    else:
        assert s.n is not None
        if s.method == "random":
            u = np.random.default_rng(s.seed).random((s.n, len(names)))
        else:
            from scipy.stats import qmc

            u = qmc.LatinHypercube(d=len(names), seed=s.seed).random(s.n)
        cols = [_from_unit(spec.parameters[n], u[:, j], n in integer) for j, n in enumerate(names)]
        points = [dict(zip(names, r)) for r in zip(*cols)]
    return dedupe(points)


def dedupe(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``points`` without repeats (first occurrence kept): each point is computed and listed once."""
    seen: set[str] = set()
    out = []
    for p in points:
        k = json.dumps(p, sort_keys=True, default=str)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out
