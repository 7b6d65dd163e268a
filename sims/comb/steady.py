"""Stationary states of the normalised LLE and their linear stability.

- Newton-Krylov (scipy ``newton_krylov``) on the real 2N-vector of the field
  for the root of the LLE right-hand side, started from a converged time
  solution (continuation: the previous root seeds the next parameter).
- Stability: eigenvalues of the dense Jacobian J dpsi = A dpsi + B conj(dpsi),
  A = -(1 + i zeta) - i D + 2 i |psi|^2, B = i psi^2 (D the dispersion
  operator F^-1 d_int F), written as a real 2N x 2N matrix. Translation
  invariance of a localised state gives one neutral (zero) eigenvalue, which is
  excluded by a tolerance.
"""

from __future__ import annotations

import numpy as np
from scipy import fft as sfft
from scipy.optimize import NoConvergence, newton_krylov
from scipy.sparse.linalg import LinearOperator

from weiming.sims.comb.lle import rhs


def _pack(psi: np.ndarray) -> np.ndarray:
    return np.concatenate([psi.real, psi.imag])


def _unpack(x: np.ndarray) -> np.ndarray:
    n = x.size // 2
    return x[:n] + 1j * x[n:]


def _deriv(psi: np.ndarray) -> np.ndarray:
    """d psi / d(grid angle), angle 2 pi over the grid (spectral)."""
    n = psi.size
    mu = np.fft.fftfreq(n) * n
    return sfft.ifft(1j * mu * sfft.fft(psi))


def newton_stationary(psi0: np.ndarray, *, f: float, zeta: float, d_int: np.ndarray, tol: float = 1e-9,
                      maxiter: int = 80) -> tuple[np.ndarray, float, bool]:
    """(psi, v, converged): a stationary state in a frame moving at angular velocity ``v``.

    Unknowns: the field and v (an odd Dint makes localised states drift);
    residual: the LLE right-hand side + v d psi/d phi, plus the phase condition
    <d psi0/d phi, psi - psi0> = 0 that removes the translation freedom.
    Newton-Krylov (LGMRES) from ``psi0`` (a converged time solution).
    """
    d = np.asarray(d_int, float)
    p0 = np.asarray(psi0, complex)
    dp0 = _deriv(p0)
    # initial velocity: least-squares fit of -rhs = v dpsi
    v0 = float(np.real(np.vdot(dp0, -rhs(p0, zeta, f, d))) / max(np.vdot(dp0, dp0).real, 1e-300))

    def resid(x):
        psi, v = _unpack(x[:-1]), x[-1]
        r = rhs(psi, zeta, f, d) + v * _deriv(psi)
        return np.concatenate([_pack(r), [np.real(np.vdot(dp0, psi - p0))]])

    # preconditioner: inverse of the linear part (loss, detuning, dispersion), diagonal in mode space
    lin = -(1 + 1j * zeta) - 1j * d
    n = p0.size

    def precond(x):
        y = np.asarray(x).ravel()
        z = sfft.ifft(sfft.fft(_unpack(y[:-1])) / lin)
        return np.concatenate([_pack(z), y[-1:]])

    m_op = LinearOperator((2 * n + 1, 2 * n + 1), matvec=precond, dtype=float)
    x0 = np.concatenate([_pack(p0), [v0]])
    for inner in (m_op, None):  # preconditioned first (stiff dispersion); plain LGMRES if that stalls
        try:
            x = newton_krylov(resid, x0, f_tol=tol, maxiter=maxiter, method="lgmres", inner_M=inner)
            ok = True
            break
        except NoConvergence as e:
            x, ok = e.args[0], False
    x = np.asarray(x)
    psi, v = _unpack(x[:-1]), float(x[-1])
    return psi, v, ok


def jacobian(psi: np.ndarray, zeta: float, d_int: np.ndarray, v: float = 0.0) -> np.ndarray:
    """Real 2N x 2N Jacobian of the LLE right-hand side (+ v d/dphi, the moving frame) at ``psi``."""
    n = psi.size
    eye = np.eye(n)
    mu = np.fft.fftfreq(n) * n
    op = -1j * np.asarray(d_int, float) + 1j * v * mu
    dmat = sfft.ifft(op[:, None] * sfft.fft(eye, axis=0), axis=0)
    a = -(1 + 1j * zeta) * eye + dmat + np.diag(2j * np.abs(psi) ** 2)
    b = np.diag(1j * psi ** 2)
    return np.block([[a.real + b.real, -a.imag + b.imag], [a.imag + b.imag, a.real - b.real]])


def leading_eigenvalue(psi: np.ndarray, zeta: float, d_int: np.ndarray, v: float = 0.0,
                       neutral_tol: float = 1e-3) -> float:
    """Largest real part of the Jacobian spectrum without the neutral translation mode.

    The eigenvalue nearest zero is dropped when |lambda| < ``neutral_tol`` (a localised
    state has exactly one, numerically ~1e-6 off zero; a CW state has none there).
    """
    ev = np.linalg.eigvals(jacobian(psi, zeta, d_int, v))
    k = int(np.argmin(np.abs(ev)))
    if abs(ev[k]) < neutral_tol:
        ev = np.delete(ev, k)
    return float(ev.real.max())


def continuation(psi0: np.ndarray, *, f: float, zetas, d_int: np.ndarray, tol: float = 1e-9) -> list[dict]:
    """Follow a stationary state over the detunings ``zetas`` (natural-parameter continuation).

    Each Newton-Krylov solve starts from the previous root (the first from ``psi0``,
    a converged time solution); stops at the first detuning where Newton fails (the
    branch ends, e.g. a soliton's existence edge). Returns [{"zeta", "psi", "v",
    "leading_eigenvalue"}] of the converged points.
    """
    out, psi = [], np.asarray(psi0, complex)
    for z in zetas:
        root, v, ok = newton_stationary(psi, f=f, zeta=float(z), d_int=d_int, tol=tol)
        if not ok:
            break
        out.append({"zeta": float(z), "psi": root, "v": v, "leading_eigenvalue": leading_eigenvalue(root, z, d_int, v)})
        psi = root
    return out
