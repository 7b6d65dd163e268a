"""Normalised Lugiato-Lefever equation: mode-space split-step solver.

Equation (Herr et al., Nat. Photon. 8, 145 (2014); Kippenberg, Gaeta, Lipson,
Gorodetsky, Science 361, eaan8083 (2018)), time tau = kappa t / 2:

    d psi/d tau = -(1 + i zeta) psi + i |psi|^2 psi - i F^-1[ d_int(mu) psi_mu ] + f

- ``d_int(mu)`` is the normalised integrated dispersion 2 Dint(mu)/kappa
  (> 0 anomalous, < 0 normal). For the textbook form with a rescaled angle,
  ``i (d/2) d^2/dtheta^2`` on a domain of length L_theta, d_int = d k^2 / 2 with
  k = 2 pi mu / L_theta (:func:`parabolic_dint`).
- ``zeta`` = 2 (omega_0 - omega_p)/kappa (red detuning > 0), ``f`` the pump
  (f^2 = P_in/P_th), on the mode mu = 0.

Integrator: symmetric (Strang) splitting N(h/2) L(h) N(h/2):
- N: the Kerr step, exact, psi -> psi exp(i |psi|^2 h) (|psi| is invariant);
- L: linear loss, detuning and dispersion exact per mode, and the pump integrated
  exactly on mu = 0: psi_0(h) = e^{a h} psi_0 + f (e^{a h} - 1)/a, a = -(1 + i zeta).
Step control: the local-error method of Sinkin, Holzloehner, Zweck, Menyuk,
J. Lightwave Technol. 21, 61 (2003): one step of 2h against two steps of h, the
relative difference is the error estimate, the accepted field is the Richardson
combination (4 u_fine - u_coarse)/3 (third order), h grows/shrinks by 2^(1/3).
The step is capped at h <= 0.9 pi / max|d_int|: beyond it the split-step Fourier
method is unstable on a CW background (Weideman and Herbst, SIAM J. Numer.
Anal. 23, 485 (1986)); seen here as a 1e-3 final-state error at rtol 1e-6 on
512 modes of the design ring without the cap (benchmarks/comb.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy import fft as sfft


class LLEInputError(ValueError):
    """Bad LLE parameter; the message names the parameter, its value and the rule."""


def mode_numbers(n: int) -> np.ndarray:
    """Mode numbers mu in FFT order for an ``n``-point grid (0, 1, ..., -1)."""
    return np.rint(np.fft.fftfreq(n) * n).astype(int)


def parabolic_dint(n: int, length_theta: float, d: int) -> np.ndarray:
    """d_int = d k^2 / 2, k = 2 pi mu / L_theta (FFT order): the textbook i (d/2) d2/dtheta2 term."""
    k = 2 * math.pi * mode_numbers(n) / length_theta
    return d * k ** 2 / 2


def rhs(psi: np.ndarray, zeta: float, f: float, d_int: np.ndarray) -> np.ndarray:
    """Right-hand side of the normalised LLE (the same equation the split-step solves)."""
    disp = sfft.ifft(d_int * sfft.fft(psi))
    return -(1 + 1j * zeta) * psi + 1j * np.abs(psi) ** 2 * psi - 1j * disp + f


@dataclass
class Run:
    """Result of :func:`propagate`: final field, sampled times, detunings and mean powers."""

    psi: np.ndarray
    tau: float
    steps: int
    rejected: int
    t: list[float] = field(default_factory=list)
    zeta: list[float] = field(default_factory=list)
    power: list[float] = field(default_factory=list)
    snapshots: list[np.ndarray] = field(default_factory=list)


class SplitStep:
    """Strang split-step stepper for fixed ``d_int`` and ``f`` (caches the dispersion phase per h)."""

    def __init__(self, d_int: np.ndarray, f: float):
        self.d_int = np.asarray(d_int, float)
        self.n = self.d_int.size
        self.f = float(f)
        self._disp: dict[float, np.ndarray] = {}

    def _disp_phase(self, h: float) -> np.ndarray:
        ph = self._disp.get(h)
        if ph is None:
            if len(self._disp) > 8:  # the controller uses a few step sizes at a time (h and 2h)
                self._disp.clear()
            ph = self._disp[h] = np.exp(-1j * self.d_int * h)
        return ph

    def linear(self, psi: np.ndarray, h: float, zeta: float) -> np.ndarray:
        """Exact linear step: loss, detuning and dispersion per mode, the pump integrated on mu = 0."""
        a = -(1 + 1j * zeta)
        ea = np.exp(a * h)
        spec = sfft.fft(psi)
        spec *= ea * self._disp_phase(h)
        spec[0] += self.f * self.n * (ea - 1) / a
        return sfft.ifft(spec)

    @staticmethod
    def kerr(psi: np.ndarray, h: float) -> np.ndarray:
        """Exact Kerr step psi exp(i |psi|^2 h) (|psi| is invariant under it)."""
        return psi * np.exp(1j * h * (psi.real ** 2 + psi.imag ** 2))

    def step(self, psi: np.ndarray, h: float, zeta: float) -> np.ndarray:
        """One Strang step of length ``h`` at detuning ``zeta`` (the mid-step value for a sweep)."""
        return self.kerr(self.linear(self.kerr(psi, h / 2), h, zeta), h / 2)

    def two_steps(self, psi: np.ndarray, h: float, zeta1: float, zeta2: float) -> np.ndarray:
        """Two Strang steps of ``h``; the inner Kerr half steps merge into one (they commute, |psi| fixed)."""
        psi = self.linear(self.kerr(psi, h / 2), h, zeta1)
        return self.kerr(self.linear(self.kerr(psi, h), h, zeta2), h / 2)


def _zeta_of(zeta) -> Callable[[float], float]:
    if callable(zeta):
        return zeta
    if isinstance(zeta, (tuple, list)):
        z0, z1, t_end = (float(v) for v in zeta)
        return lambda t: z0 + (z1 - z0) * min(max(t / t_end, 0.0), 1.0)
    z = float(zeta)
    return lambda t: z


def propagate(psi0: np.ndarray, tau: float, *, f: float, zeta, d_int: np.ndarray, rtol: float = 1e-6,
              h0: float = 1e-3, h_max: float = 0.05, fixed_step: float | None = None,
              samples: int = 0, snapshot_times: tuple[float, ...] = (), progress=None) -> Run:
    """Integrate the LLE from ``psi0`` over normalised time ``tau``.

    ``zeta``: a number, a callable zeta(t), or ``(zeta_start, zeta_end, t_end)``
    for a linear sweep. ``rtol``: local relative error per step (local-error
    method); ``fixed_step``: constant h instead (no control). ``samples``: number
    of (t, zeta, mean |psi|^2) records; ``snapshot_times``: fields stored at
    these times. ``progress``: callable(fraction) for a progress bar.
    """
    _check_positive("tau", tau)
    zf = _zeta_of(zeta)
    ss = SplitStep(d_int, f)
    psi = np.asarray(psi0, complex).copy()
    if psi.shape != ss.d_int.shape:
        raise LLEInputError(f"psi0 has {psi.size} points but d_int has {ss.d_int.size}")
    run = Run(psi, 0.0, 0, 0)
    marks = sorted(set(list(np.linspace(0, tau, samples)) if samples else []) | set(snapshot_times))
    snaps = set(snapshot_times)
    h_stab = 0.9 * math.pi / max(float(np.max(np.abs(ss.d_int))), 1e-300)
    h_max = min(h_max, h_stab)
    t, h = 0.0, min(h0, h_max)
    mi = 0

    def record(t_now):
        nonlocal mi
        while mi < len(marks) and marks[mi] <= t_now + 1e-12:
            m = marks[mi]
            if samples:
                run.t.append(m)
                run.zeta.append(zf(m))
                run.power.append(float(np.mean(np.abs(psi) ** 2)))
            if m in snaps:
                run.snapshots.append(psi.copy())
            mi += 1

    record(0.0)
    while t < tau - 1e-12:
        nxt = marks[mi] if mi < len(marks) else tau
        if fixed_step is not None:
            hh = min(fixed_step, nxt - t) if nxt > t else min(fixed_step, tau - t)
            psi = ss.step(psi, hh, zf(t + hh / 2))
            t += hh
            run.steps += 1
        else:
            span = max(min(2 * h, nxt - t if nxt > t + 1e-12 else tau - t), 1e-12)  # h <= h_max: stable
            hh = span / 2
            coarse = ss.step(psi, span, zf(t + hh))
            fine = ss.two_steps(psi, hh, zf(t + hh / 2), zf(t + 1.5 * hh))
            err = float(np.linalg.norm(fine - coarse) / max(np.linalg.norm(fine), 1e-300))
            if err > 2 * rtol and hh > 1e-9:
                h = hh / 2
                run.rejected += 1
                continue
            psi = (4 * fine - coarse) / 3
            t += span
            run.steps += 1
            if err > rtol:
                h = hh / 2 ** (1 / 3)
            elif err < rtol / 2:
                h = min(hh * 2 ** (1 / 3), h_max)
            else:
                h = hh
        record(t)
        if progress is not None and run.steps % 200 == 0:
            progress(t / tau)
    run.psi, run.tau = psi, t
    return run


def _check_positive(name: str, v: float) -> None:
    if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
        raise LLEInputError(f"{name}={v!r} must be a positive finite number")


# --------------------------------------------------------------------------- homogeneous state
def hss_rho(f2: float, zeta: float) -> np.ndarray:
    """Intracavity powers rho of the homogeneous steady states: f^2 = rho [1 + (zeta - rho)^2], ascending."""
    r = np.roots([1.0, -2 * zeta, 1 + zeta ** 2, -f2])
    real = np.sort(r[np.abs(r.imag) < 1e-9 * max(1.0, abs(zeta) ** 2)].real)
    return real[real >= 0]


def hss_field(f: float, zeta: float, rho: float) -> complex:
    """psi_s = f / (1 + i (zeta - rho))."""
    return f / (1 + 1j * (zeta - rho))


def hss_branch(f: float, zeta: float, branch: str) -> complex:
    """The homogeneous field on branch "upper" (highest rho) or "lower" (lowest rho)."""
    rho = hss_rho(f * f, zeta)
    r = rho[-1] if branch == "upper" else rho[0]
    return hss_field(f, zeta, r)


def mi_gain(rho: float, zeta: float, d_int_plus: np.ndarray, d_int_minus: np.ndarray | None = None) -> np.ndarray:
    """Growth rate Re lambda of sideband pairs (mu, -mu) on a homogeneous state of power rho.

    lambda = -1 - i (D+ - D-)/2 + sqrt(rho^2 - (zeta - 2 rho + (D+ + D-)/2)^2) with D+- = d_int(+-mu)
    (Herr 2014 supplement; reduces to -1 + sqrt(rho^2 - (zeta - 2 rho + d k^2/2)^2) for parabolic d_int).
    """
    dp = np.asarray(d_int_plus, float)
    dm = dp if d_int_minus is None else np.asarray(d_int_minus, float)
    disc = rho ** 2 - (zeta - 2 * rho + (dp + dm) / 2) ** 2
    return -1 + np.sqrt(np.maximum(disc, 0.0))


# --------------------------------------------------------------------------- seeds
def seed(kind: str, n: int, *, f: float, zeta: float, theta: np.ndarray | None = None,
         rng_seed: int = 1, noise: float = 1e-4) -> np.ndarray:
    """Initial field: "hss-upper", "hss-lower", "noise" (small complex noise), "sech" (bright soliton ansatz).

    The sech ansatz (Herr 2014): psi_bg + sqrt(2 zeta) sech(sqrt(2 zeta) theta) e^{i phi0},
    cos phi0 = sqrt(8 zeta)/(pi f), psi_bg the lower homogeneous state.
    Every seed carries the same small noise (fixed ``rng_seed``: deterministic).
    """
    rng = np.random.default_rng(rng_seed)
    jitter = noise * (rng.standard_normal(n) + 1j * rng.standard_normal(n))
    if kind == "noise":
        return jitter
    if kind in ("hss-upper", "hss-lower"):
        return hss_branch(f, zeta, kind[4:]) + jitter
    if kind == "sech":
        if theta is None:
            raise LLEInputError("seed 'sech' needs the angle grid theta")
        c = min(math.sqrt(8 * max(zeta, 0)) / (math.pi * f), 1.0)
        a = math.sqrt(2 * max(zeta, 1e-9))
        bg = hss_branch(f, zeta, "lower")
        return bg + a / np.cosh(a * theta) * np.exp(1j * math.acos(c)) + jitter
    raise LLEInputError(f"seed_state={kind!r} must be one of hss-upper, hss-lower, noise, sech")
