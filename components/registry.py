"""One cell registry for all PDKs.

Cell functions are written once, undecorated, and registered for the PDKs they
belong to with :func:`register`. ``cells_for(pdk)`` wraps each in ``gf.cell``
with a PDK-prefixed base name (``sin100_ring_resonator``...). Separate wrappers
give each PDK its own cell cache and unique GDS cell names, so the same cell
with the same arguments on ``sin100`` and ``sin800`` never collides.

Inside a cell, get sub-cells through the active PDK (``gf.get_component`` or
:func:`weiming.components.sub`), so they resolve to the same PDK.
"""

from __future__ import annotations

import importlib
from typing import Callable

import gdsfactory as gf

_RAW: dict[str, dict[str, Callable]] = {}  # pdk -> name -> raw function
_FAMILY_MODULES = (
    # Importing these modules runs their @register decorators.
    "weiming.components.sin",
    "weiming.components.inp",
)


def register(*pdks: str, name: str | None = None) -> Callable[[Callable], Callable]:
    """Register the decorated cell function for ``pdks`` (returns it unchanged)."""

    def deco(fn: Callable) -> Callable:
        for p in pdks:
            _RAW.setdefault(p, {})[name or fn.__name__] = fn
        return fn

    return deco


def _load() -> None:
    for m in _FAMILY_MODULES:
        importlib.import_module(m)


def raw_cells(pdk: str) -> dict[str, Callable]:
    """The undecorated cell functions registered for ``pdk``."""
    _load()
    return dict(_RAW.get(pdk, {}))


_WRAPPED: dict[str, dict[str, Callable]] = {}


def cells_for(pdk: str) -> dict[str, Callable]:
    """``name -> gf.cell`` wrapped functions for ``pdk`` (built once per PDK)."""
    if pdk not in _WRAPPED:
        _WRAPPED[pdk] = {n: gf.cell(fn, basename=f"{pdk}_{n}") for n, fn in sorted(raw_cells(pdk).items())}
    return _WRAPPED[pdk]
