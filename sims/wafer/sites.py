"""Die sites on a round wafer: a centred rectangular grid of dies that lie
entirely inside the usable radius (wafer radius minus edge exclusion)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class WaferLayout:
    """Die centres ``xy_mm`` (n, 2) relative to the wafer centre, and the geometry that made them."""

    xy_mm: np.ndarray
    die_mm: tuple[float, float]
    pitch_mm: tuple[float, float]
    radius_mm: float
    usable_radius_mm: float

    @property
    def n_sites(self) -> int:
        return len(self.xy_mm)

    @property
    def rho(self) -> np.ndarray:
        """Normalised radius of each die centre (0 at the centre, 1 at the usable edge)."""
        return np.hypot(self.xy_mm[:, 0], self.xy_mm[:, 1]) / self.usable_radius_mm


def die_sites(wafer_diameter_mm: float, die_um: tuple[float, float], *, edge_exclusion_mm: float = 3.0,
              dicing_lane_um: float = 100.0) -> WaferLayout:
    """Dies of size ``die_um`` (w, h) on a wafer of ``wafer_diameter_mm``, on a grid of pitch die + lane.

    A die counts when its four corners are inside the usable radius. The grid
    is centred on the wafer (a die corner at the centre when the count per row
    is even); the layout is deterministic.
    """
    w, h = die_um[0] / 1000.0, die_um[1] / 1000.0
    if w <= 0 or h <= 0:
        raise ValueError(f"die size {die_um} um must be positive")
    px, py = w + dicing_lane_um / 1000.0, h + dicing_lane_um / 1000.0
    r_use = wafer_diameter_mm / 2.0 - edge_exclusion_mm
    if r_use <= 0:
        raise ValueError(f"edge exclusion {edge_exclusion_mm} mm leaves no usable area on a "
                         f"{wafer_diameter_mm} mm wafer")
    nx, ny = int(np.ceil(2 * r_use / px)) + 1, int(np.ceil(2 * r_use / py)) + 1
    cx = (np.arange(nx) - (nx - 1) / 2.0) * px
    cy = (np.arange(ny) - (ny - 1) / 2.0) * py
    X, Y = np.meshgrid(cx, cy, indexing="xy")
    xy = np.column_stack([X.ravel(), Y.ravel()])
    corners = np.stack([xy + np.array([sx * w / 2, sy * h / 2]) for sx in (-1, 1) for sy in (-1, 1)])
    inside = (np.hypot(corners[..., 0], corners[..., 1]) <= r_use).all(axis=0)
    if not inside.any():
        raise ValueError(f"no {die_um[0]} x {die_um[1]} um die fits on a {wafer_diameter_mm} mm wafer "
                         f"with {edge_exclusion_mm} mm edge exclusion")
    return WaferLayout(xy[inside], (w, h), (px, py), wafer_diameter_mm / 2.0, r_use)
