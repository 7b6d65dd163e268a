"""Per-pair key rates, networking capability and key-rate yield of a TF-QKD network.

- **Networking capability** (the seed network's figure of merit, seed-network.md):
  ``N L / 2`` with ``N`` the number of clients and ``L`` the largest
  client-to-client distance at which every channel pair's key rate beats the
  absolute PLOB bound (10 pairs, 20 clients, 370 km -> 3,700 km).
- **Key-rate yield**: over Monte Carlo samples of chip pairs drawn from the
  yield model's simulated wafers, the fraction of pairs whose key rate beats the
  absolute PLOB bound at the spec distance, with the Wilson 95 % interval
  (:func:`weiming.sims.wafer.stats.wilson`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from weiming.sims.network import link as lk
from weiming.sims.network.optimise import optimise, space_name
from weiming.sims.network.plob import plob_absolute, plob_conditional


@dataclass(frozen=True)
class RateSetup:
    """Everything but the per-case link arrays: which model and its fixed arguments."""

    protocol: str
    finite_key: bool
    decoy: str
    loss_db_per_km: float
    f_ec: float
    slices: int
    aopp: bool
    pulses: float
    failure: float
    x_probs: tuple[float, float, float]
    mu2_ratio: float

    @property
    def space(self) -> str:
        return space_name(self.protocol, self.decoy, self.finite_key)

    def extra(self) -> dict:
        e = {"slices": self.slices}
        if self.protocol == "sns":
            e["aopp"] = self.aopp
            if self.finite_key:
                e.update(pulses=self.pulses, failure=self.failure, x_probs=self.x_probs)
        return e


def setup_from_network(net: lk.NetworkFile, protocol: str | None = None, finite_key: bool | None = None,
                       decoy: str = "three") -> RateSetup:
    p = net.protocol
    proto = protocol or p.name
    fk = p.finite_key if finite_key is None else finite_key
    if proto == "pm" and fk:
        raise lk.NetworkError("--finite-key: PM-QKD is implemented asymptotically only; use --asymptotic")
    return RateSetup(proto, fk, decoy, lk.fibre_loss_db_per_km(net), p.error_correction_f, net.phase.slices,
                     p.aopp and not fk, p.pulses, p.failure_probability, tuple(p.x_decoy_probabilities),
                     p.decoy_ratio_mu2_over_mu1)


def rates(setup: RateSetup, distance_km, eta_d, pd, e_d, leak=0.0) -> tuple[dict, dict]:
    """Optimised rate per case (arrays broadcast over cases). Returns (params, results)."""
    d = np.atleast_1d(np.asarray(distance_km, dtype=float))
    n = np.broadcast_shapes(d.shape, np.shape(eta_d), np.shape(pd), np.shape(e_d), np.shape(leak))
    eta = np.broadcast_to(np.asarray(eta_d) * 10 ** (-setup.loss_db_per_km * d / 20), n)
    link = {"eta": eta, "pd": np.broadcast_to(pd, n), "e_d": np.broadcast_to(e_d, n), "f_ec": setup.f_ec}
    if setup.protocol == "sns":
        link["leak"] = np.broadcast_to(leak, n)
    return optimise(setup.space, link, extra=setup.extra(), mu2_ratio=setup.mu2_ratio)


def beats_plob(setup: RateSetup, distance_km, eta_d, pd, e_d, leak=0.0) -> np.ndarray:
    r = rates(setup, distance_km, eta_d, pd, e_d, leak)[1]["rate"]
    return r > plob_absolute(distance_km, setup.loss_db_per_km)


def max_distance_beating_plob(setup: RateSetup, eta_d, pd_fn, e_d, leak, anchor_km: float | None = None,
                              lo=1.0, hi=1500.0, coarse=31, iters=8) -> np.ndarray:
    """Largest distance (km) at which each case beats the absolute PLOB bound (0 if never found).

    The distances where a rate beats PLOB form one interval (the ratio grows as eta^-1/2 until noise
    clicks cut the rate off), so: scan a coarse grid -- plus ``anchor_km`` (the spec distance), so a narrow
    window around it is never stepped over -- for the last distance that beats PLOB, then bisect between
    it and the next grid point. ``pd_fn(distance)`` gives the noise-click probability."""
    e_d, leak = np.atleast_1d(e_d), np.broadcast_to(leak, np.shape(np.atleast_1d(e_d)))
    eta_d = np.broadcast_to(eta_d, e_d.shape)
    grid = np.linspace(lo, hi, coarse)
    if anchor_km is not None:
        grid = np.unique(np.append(grid, float(anchor_km)))
    n = grid.size
    # every case x coarse distance in one optimisation (cases flattened)
    shape = (e_d.size, n)
    col = lambda x: np.broadcast_to(np.asarray(x).reshape(-1, 1), shape).ravel()  # noqa: E731
    ok = beats_plob(setup, np.broadcast_to(grid, shape).ravel(), col(eta_d),
                    np.broadcast_to(np.array([pd_fn(L) for L in grid]), shape).ravel(), col(e_d),
                    col(leak)).reshape(shape)
    any_ok = ok.any(axis=-1)
    last = np.where(any_ok, n - 1 - np.argmax(ok[..., ::-1], axis=-1), 0)
    a = grid[last]
    b = np.where(last < n - 1, grid[np.minimum(last + 1, n - 1)], hi)
    for _ in range(iters):
        m = (a + b) / 2
        good = beats_plob(setup, m, eta_d, np.vectorize(pd_fn)(m), e_d, leak)
        a, b = np.where(good, m, a), np.where(good, b, m)
    return np.where(any_ok, a, 0.0)


def common_distance_ok(setup: RateSetup, distance_km: float, eta_d, pd, e_d, leak) -> bool:
    """Whether every case beats PLOB at ``distance_km`` (checks that the cases' intervals overlap there)."""
    return bool(np.all(beats_plob(setup, np.full(np.shape(np.atleast_1d(e_d)), distance_km), eta_d, pd, e_d,
                                  leak)))


def plob_pair(setup: RateSetup, distance_km, eta_d) -> tuple[float, float]:
    return (float(plob_absolute(distance_km, setup.loss_db_per_km)),
            float(plob_conditional(distance_km, setup.loss_db_per_km, eta_d)))
