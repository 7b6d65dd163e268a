"""Prior prediction and Bayesian update of the defect density from observed pass/fail counts.

The unknown is the defect density ``D0`` of a wafer (defects of all sizes per
cm^2, Stapper's size distribution; :mod:`.critical_area`). Its prior is
log-normal from the process file (median and spread in decades, with their
source). Defects cluster: each die has a Gamma(alpha, 1/alpha) multiplier
``g`` of its density (negative binomial; Stapper, IBM J. Res. Dev. 27, 549
(1983)), so the modulators of one chip fail together more often than
independently. Given ``D0`` and ``g`` a modulator of type ``t`` works with
probability ``p_t exp(-D0 g A_t)`` (``p_t`` its parametric pass probability
from the Monte Carlo, ``A_t`` its critical area from the layout).

- Likelihood of a chip with ``k`` of ``m`` modulators working: the binomial
  in the chip's pooled pass probability, averaged over ``g`` by generalised
  Gauss-Laguerre quadrature (exact for the Gamma mixing up to the quadrature
  order); a wafer total is the convolution over its chips.
- Dies are independent given ``D0`` in the likelihood: the Monte Carlo also
  correlates neighbouring dies' multipliers (Gaussian copula, defect
  correlation length), which the likelihood neglects; that correlation
  widens the spread of per-wafer yields that the predictions report.
- Posterior of ``log10 D0`` on a grid (numerically exact in one dimension;
  checked against the conjugate Beta-binomial update in the tests).
- Posterior-predictive check: the prior-predictive probability of a count at
  least as extreme as the observed one (two-sided, ``2 min(P(K <= k), P(K >= k))``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

N_GRID = 321
N_QUAD = 24


def beta_posterior(a: float, b: float, k: int, n: int) -> tuple[float, float]:
    """Conjugate update of a Beta(a, b) prior on a pass probability with ``k`` passes of ``n``."""
    return a + k, b + n - k


def grid_posterior(log_prior: np.ndarray, log_lik: np.ndarray) -> np.ndarray:
    """Normalised posterior weights on a grid from log prior and log likelihood values (same grid)."""
    lp = np.asarray(log_prior, dtype=float) + np.asarray(log_lik, dtype=float)
    lp = lp - lp.max()
    w = np.exp(lp)
    return w / w.sum()


def gamma_quadrature(alpha: float, n: int = N_QUAD) -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``g`` and weights of E[h(g)] for g ~ Gamma(shape alpha, scale 1/alpha) (mean 1)."""
    x, w = special.roots_genlaguerre(n, alpha - 1.0)
    return x / alpha, w / special.gamma(alpha)


@dataclass(frozen=True)
class ModulatorModel:
    """What the likelihood needs: parametric pass probability and critical area (cm^2) per modulator type,
    each type's share of a chip's modulators, and the clustering."""

    p_par: np.ndarray
    area_cm2: np.ndarray
    share: np.ndarray
    alpha: float | None     # None: Poisson (no clustering)

    def pass_prob(self, d0: np.ndarray, g: np.ndarray) -> np.ndarray:
        """Pooled pass probability of one modulator at densities ``d0`` (grid) and die multipliers ``g``."""
        d0 = np.asarray(d0, dtype=float)[..., None, None]
        g = np.asarray(g, dtype=float)[None, :, None]
        return (self.share * self.p_par * np.exp(-d0 * g * self.area_cm2)).sum(-1)

    def chip_pmf(self, d0: np.ndarray, m: int) -> np.ndarray:
        """P(k of m modulators of one chip work), shape (len(d0), m + 1)."""
        if self.alpha is None:
            g, w = np.ones(1), np.ones(1)
        else:
            g, w = gamma_quadrature(self.alpha)
        p = self.pass_prob(d0, g)                                    # (G, Q)
        k = np.arange(m + 1)
        p = np.clip(p, 0.0, 1.0)[..., None]
        pmf = special.comb(m, k) * p**k * (1 - p) ** (m - k)          # (G, Q, m+1); m is small

        return (pmf * w[None, :, None]).sum(1)

    def total_pmf(self, d0: np.ndarray, chips: list[int]) -> np.ndarray:
        """P(total working modulators = K) over chips with ``chips[i]`` modulators each, (len(d0), sum + 1)."""
        d0 = np.atleast_1d(d0)
        out = np.ones((len(d0), 1))
        cache: dict[int, np.ndarray] = {}
        for m in chips:
            if m not in cache:
                cache[m] = self.chip_pmf(d0, m)
            pm = cache[m]
            out = np.stack([np.convolve(o, q) for o, q in zip(out, pm)])
        return out


def split_chips(total: int, per_chip: int) -> list[int]:
    """``total`` modulators spread over chips of ``per_chip`` (the last chip takes the rest)."""
    n_full, rest = divmod(int(total), max(1, int(per_chip)))
    return [int(per_chip)] * n_full + ([rest] if rest else [])


@dataclass
class D0Posterior:
    grid: np.ndarray            # D0 values, /cm^2
    prior: np.ndarray           # prior weights on the grid
    post: np.ndarray            # posterior weights
    ppc_p_value: float | None
    observed: dict

    def quantile(self, u, which: str = "post") -> np.ndarray:
        """D0 at cumulative probability ``u`` of the prior or posterior (inverse CDF on the grid, log-linear)."""
        w = self.post if which == "post" else self.prior
        cdf = np.cumsum(w)
        cdf = cdf / cdf[-1]
        return 10 ** np.interp(u, cdf, np.log10(self.grid))

    def summary(self, which: str = "post") -> dict:
        q = self.quantile(np.array([0.025, 0.5, 0.975]), which)
        return {"median_per_cm2": float(f"{q[1]:.4g}"), "ci95_per_cm2": [float(f"{q[0]:.4g}"), float(f"{q[2]:.4g}")]}


def d0_grid(median: float, sigma_decades: float, n: int = N_GRID) -> tuple[np.ndarray, np.ndarray]:
    """Log-spaced D0 grid over +-6 sigma of the log-normal prior, and the prior weights on it."""
    z = np.linspace(-6, 6, n)
    grid = 10 ** (np.log10(median) + sigma_decades * z)
    w = stats.norm.pdf(z)
    return grid, w / w.sum()


def update(model: ModulatorModel, median: float, sigma_decades: float,
           chips: list[tuple[int, int]] | None = None, total: tuple[int, int] | None = None,
           per_chip: int = 6) -> D0Posterior:
    """Posterior of D0 from per-chip counts ``chips`` [(working, modulators), ...] or a wafer ``total``
    (working, modulators) spread over chips of ``per_chip``; with the prior-predictive check of the total."""
    grid, prior = d0_grid(median, sigma_decades)
    if chips is not None:
        loglik = np.zeros(len(grid))
        for k, m in chips:
            loglik += np.log(np.maximum(model.chip_pmf(grid, m)[:, k], 1e-300))
        k_obs, n_obs = sum(k for k, _ in chips), sum(m for _, m in chips)
        sizes = [m for _, m in chips]
    elif total is not None:
        k_obs, n_obs = total
        sizes = split_chips(n_obs, per_chip)
        loglik = None
    else:
        return D0Posterior(grid, prior, prior, None, {})
    pmf = model.total_pmf(grid, sizes)                     # (G, n_obs + 1)
    if loglik is None:
        loglik = np.log(np.maximum(pmf[:, k_obs], 1e-300))
    prior_pred = prior @ pmf
    lo, hi = prior_pred[: k_obs + 1].sum(), prior_pred[k_obs:].sum()
    ppc = float(min(1.0, 2 * min(lo, hi)))
    post = grid_posterior(np.log(prior), loglik)
    return D0Posterior(grid, prior, post, ppc, {"pass": int(k_obs), "total": int(n_obs), "chips": len(sizes)})
