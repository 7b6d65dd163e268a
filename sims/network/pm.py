"""Phase-matching QKD (PM-QKD), asymptotic.

X. Ma, P. Zeng, H. Zhou, "Phase-matching quantum key distribution", PRX 8,
031043 (2018), arXiv:1805.05538. Each client sends a coherent state of
intensity ``mu/2`` with key phase {0, pi} plus a random phase from ``M``
slices; rounds whose slices match are kept (sifting ``2/M``). Rate
(reference notes B3, [UNVERIFIED exact form]):

    R = (2/M) Q_mu [1 - f H(E_Z) - H(E_X)]

- ``Q_mu`` and ``E_Z`` from the two-detector click model with the relative
  phase uniform in a slice (``|delta| <= pi/M``) and misalignment ``e_d``;
- the phase error ``E_X`` is the fraction of effective events caused by even
  photon numbers (the key is the parity of the photon number in the
  symmetric mode): with yields ``Y_k = 1 - (1 - pd)^2 (1 - eta)^k``,
  ``sum_even P_mu(k) Y_k = exp(-mu)[cosh mu - (1 - pd)^2 cosh((1 - eta) mu)]``
  over the total ``Q_Y = sum_k P_mu(k) Y_k = 1 - (1 - pd)^2 exp(-eta mu)``.
"""

from __future__ import annotations

import numpy as np

from weiming.sims.network.common import h2, matched_clicks


def rate(eta, pd, e_d, f_ec, mu, *, slices=16, **_):
    """PM-QKD asymptotic rate per pulse; ``eta`` per-arm transmittance incl. the detector, ``mu`` the
    total intensity (``mu/2`` per client)."""
    err, q = matched_clicks(eta * mu / 2, pd, e_d, slices)
    e_z = err / q
    even = np.exp(-mu) * (np.cosh(mu) - (1 - pd) ** 2 * np.cosh((1 - eta) * mu))
    q_y = -np.expm1(-eta * mu) + (1 - (1 - pd) ** 2) * np.exp(-eta * mu)
    e_x = np.clip(even / q_y, 0, 0.5)
    r = 2 / slices * q * (1 - f_ec * h2(e_z) - h2(e_x))
    return {"rate": np.maximum(r, 0.0), "qber_z": e_z, "qber_x": e_x}
