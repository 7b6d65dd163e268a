"""What a sweep point runs: a registry of targets, resolved lazily.

A target is a function whose keyword arguments are the swept parameters; the
spec's ``target`` mapping holds ``kind``, the keys that select the function
(``pdk``/``name`` of a cell, ``function`` of a python target) and any fixed
arguments. Kinds:

- ``cell``: registered cell ``name`` of PDK ``pdk`` -> ``gds`` (file), ``drc_clean``,
  ``drc_violations``, ``drc_rules``, ``xsize_um``, ``ysize_um`` and the cell's ``info.*``;
- ``modes``: :func:`weiming.sims.modes.mpb.solve_modes` -> ``neff, ng, te_fraction, aeff_um2``...
  of mode 0 (``mode1.neff``... for higher modes);
- ``dispersion``: :func:`weiming.sims.modes.dispersion.ring_dispersion` -> its ``to_json()`` fields;
- ``ring_spectrum``: :func:`weiming.sims.sweep.builtin.ring_spectrum` -> ``qi, qc, ql, fsr_hz,
  extinction_db, critical_kappa2, regime``;
- ``fdtd_sparams``: ``weiming.sims.fdtd.sparams`` (or ``function:``) -> its ``to_json()`` fields;
- ``benchmark``: :func:`weiming.sims.sweep.builtin.cpu_benchmark` -> ``pi_estimate, abs_error``;
- ``python``: any importable ``function: "module:attr"`` -> the returned dict (or ``to_json()``).

Imports happen only when a target is checked or run, so the engine works with
whatever simulations exist; a missing one is a spec error naming ``target.kind``.
"""

from __future__ import annotations

import importlib
import inspect
import math
import os
import socket
import tempfile
import time
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from weiming.sims.sweep.spec import ParamSpec, SpecError

#: (outputs, artifacts): artifacts are files, ``column -> (file name, bytes)``, that the store writes
#: next to the results; the column holds the file's path.
Result = tuple[dict[str, Any], dict[str, tuple[str, bytes]]]


@dataclass(frozen=True)
class Target:
    """A kind of sweep target: how to find its function and how to run one point."""

    kind: str
    selectors: tuple[str, ...]  # target keys that pick the function, not passed to it as parameters
    resolve: Callable[[dict], "Callable | list[Callable]"]  # -> the function(s) taking the parameters
    run: Callable[[dict, dict], Result]  # (target mapping, parameters) -> result, in a worker
    hidden: tuple[str, ...] = ()  # arguments the target sets itself (not sweepable)


TARGETS: dict[str, Target] = {}


def register_target(t: Target) -> Target:
    """Add ``t`` to the registry (later registrations replace earlier ones of the same kind)."""
    TARGETS[t.kind] = t
    return t


def get_target(kind: Any) -> Target:
    if kind not in TARGETS:
        raise SpecError("target.kind", f"unknown target kind {kind!r} (known: {', '.join(sorted(TARGETS))})")
    return TARGETS[kind]


# --- outputs -------------------------------------------------------------------------------------

def metrics(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten a result (dict, object with ``to_json()``, scalar) to ``{"a.b": value}``."""
    if hasattr(obj, "to_json") and callable(obj.to_json):
        obj = obj.to_json()
    if hasattr(obj, "tolist"):  # numpy scalar or array
        obj = obj.tolist()
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(metrics(v, f"{prefix}{k}."))
        return out
    if isinstance(obj, (list, tuple)):  # kept whole: one table cell (JSON text)
        return {prefix[:-1] or "value": [v.to_json() if hasattr(v, "to_json") else v for v in obj]}
    return {prefix[:-1] or "value": obj}


def _fixed(cfg: dict, t: Target) -> dict:
    return {k: v for k, v in cfg.items() if k != "kind" and k not in t.selectors}


def _import(spec: str, key: str) -> Callable:
    mod, _, attr = spec.partition(":")
    if not mod or not attr:
        raise SpecError(key, f"expected 'module:function', got {spec!r}")
    try:
        fn = getattr(importlib.import_module(mod), attr)
    except ImportError as e:
        raise SpecError(key, f"cannot import {mod!r}: {e}") from None
    except AttributeError:
        raise SpecError(key, f"module {mod!r} has no {attr!r}") from None
    if not callable(fn):
        raise SpecError(key, f"{spec!r} is not callable")
    return fn


def _simulation(kind: str, where: str) -> Callable[[dict], Callable]:
    def resolve(cfg: dict) -> Callable:
        try:
            return _import(where, "target.kind")
        except SpecError as e:
            raise SpecError("target.kind", f"simulation {kind!r} is not available ({str(e).split(': ', 1)[1]})") \
                from None
    return resolve


def _call(resolve: Callable[[dict], Callable], to_metrics: Callable[[Any], dict] = metrics):
    def run(cfg: dict, params: dict) -> Result:
        t = TARGETS[cfg["kind"]]
        return to_metrics(resolve(cfg)(**_fixed(cfg, t), **params)), {}
    return run


# --- cell ---------------------------------------------------------------------------------------

def _resolve_cell(cfg: dict) -> Callable:
    from weiming.pdk import names

    pdk, name = cfg.get("pdk"), cfg.get("name")
    if pdk is None:
        raise SpecError("target.pdk", f"missing (one of {', '.join(names())})")
    if pdk not in names():
        raise SpecError("target.pdk", f"unknown PDK {pdk!r} (known: {', '.join(names())})")
    if name is None:
        raise SpecError("target.name", "missing (the registered cell to build)")
    from weiming.components.registry import raw_cells

    try:
        cells = raw_cells(pdk)
    except Exception as e:  # noqa: BLE001 - a broken cell library must not end in a traceback
        raise SpecError("target.name", f"cannot load the cells of PDK {pdk}: {type(e).__name__}: {e}") from None
    if name not in cells:
        raise SpecError("target.name", f"unknown cell {name!r} for PDK {pdk} "
                                       f"(known: {', '.join(sorted(cells)) or 'none yet'})")
    return cells[name]


def _run_cell(cfg: dict, params: dict) -> Result:
    from weiming.pdk import activate

    pdk = activate(cfg["pdk"])
    c = pdk.get_component(cfg["name"], **_fixed(cfg, TARGETS["cell"]), **params)
    with tempfile.TemporaryDirectory(prefix="weiming-sweep-") as tmp:
        gds = Path(tmp) / "cell.gds"
        c.write_gds(gds)
        data = gds.read_bytes()
        out: dict[str, Any] = {"xsize_um": float(c.xsize), "ysize_um": float(c.ysize)}
        try:
            from weiming.pdk.drc import run_drc
        except ImportError as e:  # DRC not installed: say so, never pretend clean
            out.update(drc_clean=None, drc_violations=None, drc_rules=f"DRC unavailable: {e}")
        else:
            res = run_drc(gds, cfg["pdk"])
            out.update(drc_clean=bool(res.clean), drc_violations=sum(v.count for v in res.violations),
                       drc_rules=",".join(sorted({v.rule for v in res.violations})))
    out.update({k: v for k, v in metrics(dict(c.info), "info.").items()})
    return out, {"gds": ("cell.gds", data)}


# --- python -------------------------------------------------------------------------------------

def _resolve_python(cfg: dict) -> Callable:
    fn = cfg.get("function")
    if not isinstance(fn, str):
        raise SpecError("target.function", "missing: give 'module:function' (a function returning a dict)")
    return _import(fn, "target.function")


def _mode_metrics(modes: Any) -> dict:
    out: dict[str, Any] = {"num_modes_found": len(modes)}
    for i, m in enumerate(modes):
        out.update(metrics(m, "" if i == 0 else f"mode{i}."))
    return out


def _sparams_function() -> Callable:
    try:
        return _import("weiming.sims.fdtd:sparams", "target.kind")
    except SpecError:
        pass
    try:
        return _import("weiming.sims.fdtd.sparameters:sparams", "target.kind")
    except SpecError as e:
        raise SpecError("target.kind", f"simulation 'fdtd_sparams' is not available ({str(e).split(': ', 1)[1]})") \
            from None


def _resolve_fdtd(cfg: dict) -> list[Callable]:
    """FDTD options of ``sparams`` and the cell's own parameters (they go in ``settings``)."""
    cell_cfg = {"pdk": cfg.get("pdk"), "name": cfg.get("cell")}
    if cell_cfg["name"] is None:
        raise SpecError("target.cell", "missing (the registered cell to simulate)")
    fn = _sparams_function()
    try:
        cell = _resolve_cell(cell_cfg)
    except SpecError as e:
        raise SpecError(e.key.replace("target.name", "target.cell"), str(e).split(": ", 1)[1]) from None
    return [fn, cell]


def _run_fdtd(cfg: dict, params: dict) -> Result:
    import json

    import numpy as np

    fn = _sparams_function()
    options = set(inspect.signature(fn).parameters) - {"cell", "pdk", "settings", "progress"}
    args = {**_fixed(cfg, TARGETS["fdtd_sparams"]), **params}
    sim = {k: v for k, v in args.items() if k in options}
    settings = {k: v for k, v in args.items() if k not in options}
    res = fn(cfg["cell"], cfg["pdk"], settings=settings, **sim)
    wl = np.asarray(res.wavelengths_um, dtype=float)
    mid = int(np.argmin(abs(wl - 0.5 * (wl.min() + wl.max()))))  # centre of the band
    out: dict[str, Any] = {"wavelength_um": float(wl[mid])}
    for i, a in enumerate(res.ports):  # input port
        for j, b in enumerate(res.ports):  # output port
            p = np.abs(np.asarray(res.s)[:, j, i]) ** 2
            if np.all(np.isfinite(p)):  # NaN: port i was not excited
                out[f"T.{b}@{a}"] = float(p[mid])  # power transmission at the band centre
                out[f"T_mean.{b}@{a}"] = float(p.mean())  # averaged over the band
    return out, {"sparams": ("sparams.json", json.dumps(metrics_json(res)).encode())}


def metrics_json(obj: Any) -> Any:
    from weiming.sims.cache import to_jsonable

    return to_jsonable(obj.to_json() if hasattr(obj, "to_json") else obj)


for _t in (
    Target("cell", ("pdk", "name"), _resolve_cell, _run_cell),
    Target("modes", (), _simulation("modes", "weiming.sims.modes.mpb:solve_modes"),
           _call(_simulation("modes", "weiming.sims.modes.mpb:solve_modes"), _mode_metrics)),
    Target("dispersion", (), _simulation("dispersion", "weiming.sims.modes.dispersion:ring_dispersion"),
           _call(_simulation("dispersion", "weiming.sims.modes.dispersion:ring_dispersion"))),
    Target("ring_spectrum", (), _simulation("ring_spectrum", "weiming.sims.sweep.builtin:ring_spectrum"),
           _call(_simulation("ring_spectrum", "weiming.sims.sweep.builtin:ring_spectrum"))),
    Target("fdtd_sparams", ("pdk", "cell"), _resolve_fdtd, _run_fdtd, hidden=("settings", "progress")),
    Target("benchmark", (), _simulation("benchmark", "weiming.sims.sweep.builtin:cpu_benchmark"),
           _call(_simulation("benchmark", "weiming.sims.sweep.builtin:cpu_benchmark"))),
    Target("python", ("function",), _resolve_python, _call(_resolve_python)),
):
    register_target(_t)


# --- checking a spec against the function signature ------------------------------------------------

_SIMPLE = {float: float, int: int, bool: bool, str: str, "float": float, "int": int, "bool": bool, "str": str}


def _expected(fn: Callable, p: inspect.Parameter) -> tuple[type | None, bool]:
    """(simple type or None if unknown, None allowed) of argument ``p``."""
    try:
        ann = typing.get_type_hints(fn).get(p.name, p.annotation)
    except Exception:  # unresolvable forward references: fall back to the raw annotation
        ann = p.annotation
    if isinstance(ann, str):
        parts = [a.strip() for a in ann.split("|")]
        simple = [_SIMPLE[a] for a in parts if a in _SIMPLE]
        return (simple[0] if len(simple) == 1 and len(parts) - ("None" in parts) == 1 else None), "None" in parts
    args = typing.get_args(ann)
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (_SIMPLE.get(rest[0]) if len(rest) == 1 else None), True
    if ann in _SIMPLE:
        return _SIMPLE[ann], False
    if ann is inspect.Parameter.empty and isinstance(p.default, (bool, float, int, str)):
        t = type(p.default)
        return (float if t is int else t), False  # an int default of an unannotated argument may be a float
    return None, p.default is None


def _type_ok(v: Any, t: type | None, none_ok: bool) -> bool:
    if v is None:
        return none_ok or t is None
    if t is None:
        return True
    if t is float:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    if t is int:
        return isinstance(v, int) and not isinstance(v, bool)
    return isinstance(v, t)


def check(cfg: dict, parameters: dict[str, ParamSpec]) -> frozenset[str]:
    """Check the target and the parameters against its function(s); return the ``int`` parameters.

    Raises :class:`SpecError` naming the key: unknown kind/cell/simulation,
    unknown argument, missing required argument, value of the wrong type.
    """
    t = get_target(cfg.get("kind"))
    resolved = t.resolve(cfg)
    fns = resolved if isinstance(resolved, list) else [resolved]
    label = getattr(fns[-1], "__name__", t.kind)
    sigs = [(fn, inspect.signature(fn).parameters) for fn in fns]
    skip = set(t.selectors) | set(t.hidden)

    def owner(key: str) -> tuple[Callable, inspect.Parameter | None] | None:
        for fn, ps in sigs:
            if key in ps and key not in skip and ps[key].kind in (ps[key].POSITIONAL_OR_KEYWORD, ps[key].KEYWORD_ONLY):
                return fn, ps[key]
        for fn, ps in sigs:
            if any(p.kind is p.VAR_KEYWORD for p in ps.values()):
                return fn, None
        return None

    known = [n for _, ps in sigs for n, p in ps.items()
             if n not in skip and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    fixed = _fixed(cfg, t)
    integer = set()
    for key, where in [(k, "target") for k in fixed] + [(k, "parameters") for k in parameters]:
        found = owner(key)
        if found is None:
            raise SpecError(f"{where}.{key}", f"unknown parameter of {label} (known: {', '.join(known)})")
        fn, p = found
        if p is None:
            continue
        typ, none_ok = _expected(fn, p)
        if where == "target":
            if not _type_ok(fixed[key], typ, none_ok):
                raise SpecError(f"target.{key}", f"{fixed[key]!r} is not a valid {typ.__name__} for {label}")
            continue
        ps = parameters[key]
        if typ is int:
            integer.add(key)
        if ps.values is not None:
            for i, v in enumerate(ps.values):
                if not _type_ok(v, typ, none_ok):
                    raise SpecError(f"parameters.{key}.values[{i}]",
                                    f"{v!r} is not a valid {typ.__name__ if typ else 'value'} for {label}")
        elif typ not in (float, int, None):
            raise SpecError(f"parameters.{key}.min", f"a min/max range needs a number, but {key} of {label} "
                                                     f"is {typ.__name__}; give 'values'")
    fn0, ps0 = sigs[0]
    for n, p in ps0.items():
        if (p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                and n not in skip and n not in fixed and n not in parameters):
            raise SpecError("parameters", f"{label} needs {n!r}: give it in target or parameters")
    return frozenset(integer)


# --- running one point (in a worker process or on a Dask worker) -------------------------------------

def run_point(cfg: dict, params: dict) -> dict:
    """Run one point; never raises for a failure of the point itself (it is recorded instead).

    Returns ``status`` ("ok"|"error"), ``error``, ``outputs``, ``artifacts``
    (column -> (file name, bytes)), ``seconds`` (wall time of the point), ``started``/``finished``
    (Unix time), ``host`` and ``pid`` of the worker.
    """
    import json

    from weiming.sims.cache import to_jsonable

    started, t0 = time.time(), time.perf_counter()
    try:
        outputs, artifacts = get_target(cfg["kind"]).run(cfg, dict(params))
        outputs = to_jsonable(outputs)
        json.dumps(outputs, allow_nan=True)  # a non-serialisable output is this point's error
        status, error = "ok", None
    except Exception as e:  # noqa: BLE001 - any failure of one point is recorded, the sweep goes on
        outputs, artifacts = {}, {}
        status, error = "error", f"{type(e).__name__}: {e}".strip()
    return {"status": status, "error": error, "outputs": outputs, "artifacts": artifacts,
            "seconds": time.perf_counter() - t0, "started": started, "finished": time.time(),
            "host": socket.gethostname(), "pid": os.getpid()}
