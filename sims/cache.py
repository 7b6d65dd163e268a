"""Disk cache for results, keyed by a hash of every input.

Used by the mode solver, FDTD, surrogates, the build and sweeps: a result whose
inputs (and the package version) have not changed is read back, not recomputed.
Values are JSON-serialisable objects (numpy arrays become lists); writes are
atomic (temp file + ``os.replace``), so an interrupted run never leaves a
half-written entry.

The cache lives in ``$WEIMING_CACHE`` if set, else ``.weiming-cache/`` under
the current working directory. ``WEIMING_CACHE=off`` disables it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable

import numpy as np

import weiming
from weiming.fileio import atomic_write_bytes, atomic_write_text  # noqa: F401 (re-exported)


def cache_dir() -> Path | None:
    env = os.environ.get("WEIMING_CACHE")
    if env == "off":
        return None
    return Path(env) if env else Path.cwd() / ".weiming-cache"


def _canonical(o: Any) -> Any:
    if isinstance(o, dict):
        return {str(k): _canonical(v) for k, v in sorted(o.items(), key=lambda kv: str(kv[0]))}
    if isinstance(o, (list, tuple)):
        return [_canonical(v) for v in o]
    if isinstance(o, np.ndarray):
        return _canonical(o.tolist())
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, float):
        return float(repr(o)) if np.isfinite(o) else repr(o)
    if isinstance(o, Path):
        return str(o)
    return o


def key_of(namespace: str, inputs: dict[str, Any]) -> str:
    """SHA-256 of the namespace, the package version and the canonical JSON of ``inputs``."""
    payload = json.dumps({"ns": namespace, "version": weiming.__version__, "inputs": _canonical(inputs)},
                         sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def to_jsonable(o: Any) -> Any:
    if isinstance(o, dict):
        return {k: to_jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [to_jsonable(v) for v in o]
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.generic):
        return o.item()
    return o


def get(namespace: str, inputs: dict[str, Any]) -> Any | None:
    """The cached value for ``inputs`` or None."""
    d = cache_dir()
    if d is None:
        return None
    p = d / namespace / f"{key_of(namespace, inputs)}.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))["value"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return None


def put(namespace: str, inputs: dict[str, Any], value: Any) -> None:
    d = cache_dir()
    if d is None:
        return
    p = d / namespace / f"{key_of(namespace, inputs)}.json"
    atomic_write_text(p, json.dumps({"inputs": _canonical(inputs), "value": to_jsonable(value)}))


def cached(namespace: str, inputs: dict[str, Any], compute: Callable[[], Any]) -> Any:
    """Return the cached value for ``inputs`` or compute, store and return it.

    The stored value is the JSON form of ``compute()`` (arrays become lists), and
    that JSON form is what is returned on both paths, so callers see the same
    types whether the cache hit or not.
    """
    hit = get(namespace, inputs)
    if hit is not None:
        return hit
    value = to_jsonable(compute())
    put(namespace, inputs, value)
    return value
