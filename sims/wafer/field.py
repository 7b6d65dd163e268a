"""Gaussian random fields on a wafer: the spatially correlated part of the
within-wafer variation.

A field with zero mean, variance ``sigma**2`` and a stationary isotropic
kernel ``k(r)`` is sampled at the die sites exactly (no grid interpolation):
``x = L z`` with ``L`` the Cholesky factor of the site covariance matrix and
``z`` standard normal. Die sites number a few hundred per wafer, so the
factorisation is cheap and is done once per (sites, kernel) and reused for
every wafer and parameter.

Kernels (``r`` distance, ``l`` correlation length, both in mm):

- ``squared_exponential``: ``exp(-r^2 / (2 l^2))`` (smooth maps, e.g. film
  thickness from deposition; Rasmussen & Williams, *Gaussian Processes for
  Machine Learning*, MIT Press 2006, eq. 4.9)
- ``exponential``: ``exp(-r / l)`` (Ornstein-Uhlenbeck, rougher maps; ibid. eq. 4.15)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

KERNELS = ("squared_exponential", "exponential")


def kernel_matrix(xy_mm: np.ndarray, corr_length_mm: float, kernel: str = "squared_exponential") -> np.ndarray:
    """Correlation matrix (unit variance) between the points ``xy_mm`` (shape (n, 2), mm)."""
    if corr_length_mm <= 0:
        raise ValueError(f"corr_length_mm={corr_length_mm} must be > 0")
    xy = np.asarray(xy_mm, dtype=float)
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    if kernel == "squared_exponential":
        return np.exp(-0.5 * (d / corr_length_mm) ** 2)
    if kernel == "exponential":
        return np.exp(-d / corr_length_mm)
    raise ValueError(f"kernel={kernel!r} is not one of {KERNELS}")


@lru_cache(maxsize=32)
def _cholesky(xy_key: bytes, n: int, corr_length_mm: float, kernel: str) -> np.ndarray:
    xy = np.frombuffer(xy_key, dtype=float).reshape(n, 2)
    k = kernel_matrix(xy, corr_length_mm, kernel)
    # Smooth kernels give nearly singular matrices; a tiny nugget (1e-8 of the
    # variance, far below any tolerance) keeps the factorisation stable.
    jitter = 1e-10
    while True:
        try:
            return np.linalg.cholesky(k + jitter * np.eye(n))
        except np.linalg.LinAlgError:
            jitter *= 10
            if jitter > 1e-4:
                raise


def cholesky_factor(xy_mm: np.ndarray, corr_length_mm: float, kernel: str = "squared_exponential") -> np.ndarray:
    """Lower Cholesky factor of the correlation matrix at ``xy_mm`` (cached)."""
    xy = np.ascontiguousarray(xy_mm, dtype=float)
    return _cholesky(xy.tobytes(), len(xy), float(corr_length_mm), kernel)


def sample_field(xy_mm: np.ndarray, sigma: float, corr_length_mm: float, n_samples: int,
                 rng: np.random.Generator, kernel: str = "squared_exponential") -> np.ndarray:
    """``n_samples`` independent field realisations at ``xy_mm``: array (n_samples, n_sites)."""
    if sigma == 0:
        return np.zeros((n_samples, len(xy_mm)))
    chol = cholesky_factor(xy_mm, corr_length_mm, kernel)
    z = rng.standard_normal((n_samples, len(xy_mm)))
    return sigma * z @ chol.T


def empirical_variogram(xy_mm: np.ndarray, values: np.ndarray, bins_mm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Empirical semivariogram ``gamma(h) = mean (z_i - z_j)^2 / 2`` over site pairs in each distance bin
    (Matheron's estimator; Cressie, *Statistics for Spatial Data*, Wiley 1993, eq. 2.4.2). ``values``:
    (n_realisations, n_sites); returns (bin centres, gamma) with NaN for empty bins."""
    xy = np.asarray(xy_mm, dtype=float)
    z = np.atleast_2d(values)
    i, j = np.triu_indices(len(xy), k=1)
    d = np.hypot(*(xy[i] - xy[j]).T)
    sq = 0.5 * ((z[:, i] - z[:, j]) ** 2).mean(axis=0)
    idx = np.digitize(d, bins_mm) - 1
    g = np.array([sq[idx == b].mean() if np.any(idx == b) else np.nan for b in range(len(bins_mm) - 1)])
    return 0.5 * (bins_mm[1:] + bins_mm[:-1]), g
