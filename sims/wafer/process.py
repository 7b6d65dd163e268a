"""Hierarchical process model: wafer-to-wafer, within-wafer (correlated
random field + radial profile), die-to-die and local mismatch, per PDK.

Every parameter is a *deviation* from its nominal (zero mean). Its total
1-sigma comes from the PDK (``get_tech(pdk)``) wherever the PDK defines one --
the layer stack's ``thickness_tol``/``width_tol``, ``extra["etches"]``,
``extra["composition"]`` -- and from ``process_default.yaml`` (with its source)
otherwise. The variance splits over the levels by the ``hierarchy``
fractions:

``x(w, s, d) = a_w + f_w(r_s) + c (rho_s^2 - 1/2) + b_ws + e_wsd``

with ``a_w`` a wafer offset, ``f_w`` a Gaussian random field over the wafer
(:mod:`.field`), the radial term's amplitude ``c = sqrt(12 f_radial) sigma``
(``rho^2`` of a point uniform on the disc has variance 1/12, so the term
carries the fraction ``f_radial`` of the variance), ``b_ws`` a die offset and
``e_wsd`` the local mismatch of device ``d``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from weiming.sims.wafer.field import sample_field
from weiming.sims.wafer.sites import WaferLayout
from weiming.resources import data_path

DEFAULTS = data_path("weiming.sims.wafer", "process_default.yaml")
LEVELS = ("wafer", "field", "radial", "die", "local")


@dataclass(frozen=True)
class ProcessParam:
    name: str
    sigma: float          # total 1-sigma, in the unit of the name (um, nm, or log)
    source: str
    description: str = ""


@dataclass(frozen=True)
class ProcessModel:
    pdk: str
    params: dict[str, ProcessParam]
    fractions: dict[str, float]
    corr_length_mm: float
    kernel: str
    defect_model: str
    d0_per_cm2: float
    alpha: float


def _lookup(tech, path: str) -> float:
    """Resolve ``layer_stack.core.thickness_tol`` / ``extra.etches.shallow.depth_tol`` in a Technology."""
    head, *rest = path.split(".")
    if head == "layer_stack":
        level, attr = rest
        return float(getattr(tech.layer_stack[level], attr))
    if head == "extra":
        return float(reduce(lambda d, k: d[k], rest, tech.extra))
    raise KeyError(f"process parameter source {path!r}: expected layer_stack.* or extra.*")


def deep_merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in (over or {}).items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load_defaults(overrides: dict | None = None) -> dict:
    with open(DEFAULTS, encoding="utf-8") as fh:
        return deep_merge(yaml.safe_load(fh), overrides or {})


def process_model(pdk: str, data: dict | None = None) -> ProcessModel:
    """The process model of ``pdk`` from the (merged) process data and the PDK tolerances."""
    from weiming.pdk import get_tech

    data = data or load_defaults()
    tech = get_tech(pdk)
    fr = {k: float(data["hierarchy"][k]) for k in LEVELS}
    if any(v < 0 for v in fr.values()) or abs(sum(fr.values()) - 1) > 1e-9:
        raise ValueError(f"process.hierarchy fractions {fr} must be >= 0 and sum to 1")
    pd = data["pdks"][pdk]
    params = {}
    for name, spec in pd["params"].items():
        if "from" in spec:
            sigma, source = _lookup(tech, spec["from"]), f"PDK {pdk}: {spec['from']}"
        else:
            sigma, source = float(spec["sigma"]), spec.get("source", "assumption")
        params[name] = ProcessParam(name, sigma, source, spec.get("description", ""))
    d = pd["defects"]
    if d["model"] not in ("poisson", "negbin"):
        raise ValueError(f"process.pdks.{pdk}.defects.model={d['model']!r} must be poisson or negbin")
    return ProcessModel(pdk, params, fr, float(data["field"]["corr_length_mm"]), data["field"]["kernel"],
                        d["model"], float(d["d0_per_cm2"]), float(d["alpha"]))


@dataclass
class ProcessSample:
    """Die-level deviations of every parameter on ``n_wafers`` wafers, plus local mismatch on demand.

    ``die[name]`` has shape (n_wafers, n_sites). ``at_devices(name, key, n)``
    adds the local mismatch of ``n`` devices (drawn once per ``key`` and
    cached, so re-evaluating with a frozen parameter reuses the same numbers).
    Names in ``frozen`` evaluate to zero (nominal) -- used by the sensitivity
    ranking.
    """

    model: ProcessModel
    layout: WaferLayout
    die: dict[str, np.ndarray]
    rng: np.random.Generator
    frozen: set[str] = field(default_factory=set)
    _local: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        return next(iter(self.die.values())).shape

    def at_die(self, name: str) -> np.ndarray:
        return np.zeros(self.shape) if name in self.frozen else self.die[name]

    def at_devices(self, name: str, key: str, n: int) -> np.ndarray:
        """Deviation of ``name`` at ``n`` devices ``key`` of every die: shape (W, S, n)."""
        ck = (name, key)
        if ck not in self._local:
            sl = self.model.params[name].sigma * np.sqrt(self.model.fractions["local"])
            self._local[ck] = sl * self.rng.standard_normal((*self.shape, n))
        if name in self.frozen:
            return np.zeros((*self.shape, n))
        return self.die[name][..., None] + self._local[ck]


def sample_process(model: ProcessModel, layout: WaferLayout, n_wafers: int, rng: np.random.Generator) -> ProcessSample:
    """Draw the wafer, field, radial and die components of every parameter (fixed order: deterministic)."""
    fr = model.fractions
    rho2 = layout.rho**2
    die = {}
    for name in sorted(model.params):
        s = model.params[name].sigma
        x = s * np.sqrt(fr["wafer"]) * rng.standard_normal((n_wafers, 1))
        x = x + sample_field(layout.xy_mm, s * np.sqrt(fr["field"]), model.corr_length_mm, n_wafers, rng,
                             model.kernel)
        # The radial profile's sign and amplitude are systematic (same every wafer).
        x = x + np.sqrt(12 * fr["radial"]) * s * (rho2 - 0.5)[None, :]
        x = x + s * np.sqrt(fr["die"]) * rng.standard_normal((n_wafers, layout.n_sites))
        die[name] = x
    return ProcessSample(model, layout, die, rng)


def describe(model: ProcessModel) -> dict[str, Any]:
    """JSON description of the model (parameters with their sigma and source)."""
    return {"pdk": model.pdk, "hierarchy": model.fractions, "corr_length_mm": model.corr_length_mm,
            "kernel": model.kernel,
            "defects": {"model": model.defect_model, "d0_per_cm2": model.d0_per_cm2, "alpha": model.alpha},
            "params": {n: {"sigma": p.sigma, "source": p.source, "description": p.description}
                       for n, p in model.params.items()}}
