"""The material model types (no data): :class:`Material`, :class:`Sellmeier`, :class:`MaterialError`.

Split from :mod:`weiming.pdk.materials` (the registry and the published models)
so that :mod:`weiming.pdk.quaternary` can build InGaAsP materials without
importing the registry that looks them up: no import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

ArrayLike = float | np.ndarray


class MaterialError(ValueError):
    """Unknown material or wavelength outside a model's validity range."""


@dataclass(frozen=True)
class Sellmeier:
    """n^2 = a0 + sum_i B_i l^2 / (l^2 - C_i^2), l in um (C_i in um, not um^2)."""

    a0: float
    b: tuple[float, ...]
    c_um: tuple[float, ...]

    def n(self, wavelength_um: ArrayLike) -> ArrayLike:
        l2 = np.asarray(wavelength_um, dtype=float) ** 2
        n2 = self.a0 + sum(b * l2 / (l2 - c * c) for b, c in zip(self.b, self.c_um))
        return np.sqrt(n2)


@dataclass(frozen=True)
class Material:
    """A named optical material with an index model and its validity range."""

    name: str
    index_model: Callable[[ArrayLike], ArrayLike] | None
    range_um: tuple[float, float]
    source: str
    thermo_optic_per_k: float | None = None
    thermo_optic_source: str = ""
    extra: dict = field(default_factory=dict)

    def n(self, wavelength_um: ArrayLike) -> ArrayLike:
        """Real refractive index at ``wavelength_um`` (scalar or array)."""
        if self.index_model is None:
            raise MaterialError(f"{self.name} has no optical index model (electrical material only)")
        wl = np.asarray(wavelength_um, dtype=float)
        lo, hi = self.range_um
        if np.any(wl < lo) or np.any(wl > hi):
            raise MaterialError(
                f"wavelength {float(np.min(wl)):.4g}-{float(np.max(wl)):.4g} um is outside "
                f"the validity range {lo}-{hi} um of the {self.name} model ({self.source})"
            )
        out = self.index_model(wl)
        return float(out) if np.ndim(out) == 0 else out

    def eps(self, wavelength_um: ArrayLike) -> ArrayLike:
        """Relative permittivity n^2."""
        return np.asarray(self.n(wavelength_um)) ** 2
