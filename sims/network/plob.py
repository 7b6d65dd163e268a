"""The repeaterless secret-key capacity (PLOB bound).

Pirandola, Laurenza, Ottaviani, Banchi, "Fundamental limits of repeaterless
quantum communications", Nat. Commun. 8, 15043 (2017), Eq. (4): for a pure-loss
channel of transmittance ``eta`` the two-way assisted secret-key capacity is
``-log2(1 - eta)`` bits per channel use.

Which transmittance is used decides the bound's name (both are reported):

- **absolute**: the fibre alone, ``eta = 10^(-alpha L / 10)`` over the whole
  client-to-client length ``L``: the bound for perfect detectors;
- **conditional**: fibre times the detector efficiency ``eta_d`` -- the bound
  "assuming the same detection loss" (Chen et al., PRL 124, 070501 (2020),
  arXiv:1910.07823).
"""

from __future__ import annotations

import numpy as np


def plob_bound(eta) -> np.ndarray:
    """``-log2(1 - eta)`` (bits per channel use), accurate for tiny ``eta`` (log1p)."""
    eta = np.asarray(eta, dtype=float)
    if np.any((eta < 0) | (eta > 1)):
        raise ValueError(f"eta={eta}: a transmittance must be in [0, 1]")
    with np.errstate(divide="ignore"):
        return -np.log1p(-eta) / np.log(2.0)        # +inf at eta = 1 (no loss: no bound)


def fibre_transmittance(distance_km, loss_db_per_km: float) -> np.ndarray:
    """Transmittance of ``distance_km`` of fibre with ``loss_db_per_km`` attenuation."""
    return 10.0 ** (-np.asarray(distance_km, dtype=float) * loss_db_per_km / 10.0)


def plob_absolute(distance_km, loss_db_per_km: float) -> np.ndarray:
    """PLOB on the fibre transmittance alone (client to client)."""
    return plob_bound(fibre_transmittance(distance_km, loss_db_per_km))


def plob_conditional(distance_km, loss_db_per_km: float, eta_d: float) -> np.ndarray:
    """PLOB with the detector efficiency counted as channel loss."""
    return plob_bound(eta_d * fibre_transmittance(distance_km, loss_db_per_km))
