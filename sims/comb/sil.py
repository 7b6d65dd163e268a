"""Self-injection locking (SIL) of the pump laser to the comb ring.

Coupled laser-resonator model (structure of Kondratiev et al., Opt. Express 25,
28167 (2017) and arXiv:2011.10310; the same state as PyCORe's SiL resonator,
reference notes A6), normalised time tau = kappa t / 2, resonator fields in units
of sqrt(kappa/(2 g0)), frame at the free-running laser frequency:

  d psi/d tau = -(1 + i zeta0) psi + i(|psi|^2 + 2|b|^2) psi - i F^-1[d_int psi_mu] + i beta b + c E
  d b/d tau   = -(1 + i zeta0) b + i(|b|^2 + 2 P_psi) b + i beta psi_0
  d E/d tau   = (g_L/2)(1 - i alpha_H) N E + k_fb e^{i theta} b
  d N/d tau   = gamma_N [J - N - (1 + N)|E|^2]

- psi: forward multimode field (b and E couple to its mode mu = 0, psi_0 = mean psi);
  P_psi = mean |psi|^2; b: the one backscattered mode; beta = 2 kappa_sc/kappa;
- E: laser field (|E|^2 = J = 1 free running), N: carrier density above
  threshold (normalised class-B rate equations after Lang and Kobayashi, IEEE JQE
  16, 347 (1980)); alpha_H: linewidth-enhancement factor; theta: the feedback
  phase (the DFB-ring gap); c: pump coupling (f = c for J = 1); k_fb: feedback rate.

Linear SIL theory (Kerr off; derived from the model above): a locked state
rotates as e^{-i Omega tau}; with z = zeta0 - Omega (resonance minus laser) the
backward field per laser field is R(z) = i beta c / ((1 + i z)^2 + beta^2) and
  zeta0(z) = z - Im[(1 + i alpha_H) k_fb e^{i theta} R(z)]   (tuning curve),
stable where d zeta0/dz > 0. The pull-in range is the span of zeta0 over which
the laser sits inside the resonance (|z| < 1) in a slow sweep; it grows ~linearly
with beta for beta << 1 (|R| ~ beta c), as in Kondratiev 2017.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import fft as sfft

from weiming.sims.comb.lle import SplitStep


@dataclass(frozen=True)
class SilParams:
    beta: float          # backscatter coupling 2 kappa_sc / kappa
    k_fb: float          # feedback rate of the backward field into the laser (normalised)
    theta: float         # feedback phase (rad)
    alpha_h: float       # linewidth-enhancement factor
    c: float             # pump coupling laser -> forward field (= f for |E|^2 = 1)
    g_l: float = 500.0   # laser gain scale (assumption: reduced time-scale separation; the lock does not depend on it)
    gamma_n: float = 2.0  # carrier rate (assumption, as g_l)
    j: float = 1.0       # pump above threshold: |E|^2 = j free running


def reflection(z, p: SilParams):
    """Backward-mode amplitude per unit laser field, cold cavity."""
    z = np.asarray(z, float)
    return 1j * p.beta * p.c / ((1 + 1j * z) ** 2 + p.beta ** 2)


def tuning_curve(z, p: SilParams) -> np.ndarray:
    """Free-running detuning zeta0 that gives the locked detuning z (linear SIL theory)."""
    x = (1 + 1j * p.alpha_h) * p.k_fb * np.exp(1j * p.theta) * reflection(z, p)
    return np.asarray(z, float) - x.imag


def swept_pull_in(p: SilParams, zeta0, direction: int = 1, z_grid=None) -> np.ndarray:
    """Locked detuning z followed along a slow sweep of ``zeta0`` (linear theory, with hysteresis)."""
    zg = np.linspace(-40, 40, 80001) if z_grid is None else z_grid
    zc = tuning_curve(zg, p)
    slope = np.gradient(zc, zg)
    zeta0 = np.asarray(zeta0, float)[::direction]
    out, prev = [], None
    for s in zeta0:
        cross = np.nonzero((zc[:-1] - s) * (zc[1:] - s) <= 0)[0]
        cross = cross[slope[cross] > 0]
        roots = zg[cross]
        if roots.size == 0:
            out.append(np.nan)
            continue
        z = roots[np.argmin(np.abs(roots - prev))] if prev is not None else roots[0 if direction > 0 else -1]
        if prev is not None and abs(z - prev) > 0.5 and roots.size > 1:
            # stay on the current branch if it still exists, else jump
            near = roots[np.abs(roots - prev) <= 0.5]
            z = near[0] if near.size else z
        out.append(z)
        prev = z
    return np.asarray(out)[::direction]


def pull_in_range(zeta0, z) -> float:
    """Span of the sweep (in zeta0) over which the laser sits inside the resonance, |z| < 1."""
    zeta0, z = np.asarray(zeta0), np.asarray(z)
    inside = np.abs(z) < 1
    return float(zeta0[inside].max() - zeta0[inside].min()) if inside.any() else 0.0


def simulate_sil(p: SilParams, d_int: np.ndarray, zeta0, tau: float, *, dt: float = 0.02, samples: int = 400,
                 psi0=None, rng_seed: int = 1, snapshot_at: float | None = None, progress=None) -> dict:
    """Integrate the coupled model from free-running turn-on (empty ring) over ``tau``.

    ``zeta0``: number or callable zeta0(tau) (a sweep). Splitting: the forward
    field by the Strang step of :mod:`.lle` (pump c E frozen over the step),
    (b, E, N) by RK4 with psi_0 and P_psi frozen over the step.
    Returns samples of tau, zeta0, Omega (laser frequency offset, from the phase
    of E), z = zeta0 - Omega, the final fields and (``snapshot_at``) the forward field at that time.
    """
    zf = zeta0 if callable(zeta0) else (lambda t, z=float(zeta0): z)
    n = np.asarray(d_int).size
    rng = np.random.default_rng(rng_seed)
    psi = (1e-4 * (rng.standard_normal(n) + 1j * rng.standard_normal(n))) if psi0 is None else np.array(psi0, complex)
    b, e, nn = 0j, complex(math.sqrt(p.j)), 0.0
    ss = SplitStep(d_int, 0.0)  # its cached dispersion phase only
    fb = p.k_fb * np.exp(1j * p.theta)
    dt = min(dt, 0.9 * math.pi / max(float(np.max(np.abs(d_int))), 1e-300))  # split-step stability (see lle)
    steps = int(math.ceil(tau / dt))
    every = max(1, steps // samples)
    out_t, out_z0, out_om, out_e = [], [], [], []
    prev_phase, prev_t = np.angle(e), 0.0
    unwrapped = 0.0
    snap = None
    k_snap = None if snapshot_at is None else int(round(snapshot_at / dt))

    def rhs3(y, zeta, p0, pp):
        bb, ee, n_ = y
        db = -(1 + 1j * zeta) * bb + 1j * (abs(bb) ** 2 + 2 * pp) * bb + 1j * p.beta * p0
        de = 0.5 * p.g_l * (1 - 1j * p.alpha_h) * n_ * ee + fb * bb
        dn = p.gamma_n * (p.j - n_ - (1 + n_) * abs(ee) ** 2)
        return np.array([db, de, dn], complex)

    for k in range(steps):
        t = k * dt
        zeta = zf(t + dt / 2)
        # forward field, Strang: Kerr (SPM + XPM of b) half steps around the exact linear step,
        # whose uniform drive (laser + backscatter, frozen over the step) is integrated exactly on mu = 0
        drive = 1j * p.beta * b + p.c * e
        psi = psi * np.exp(0.5j * dt * (np.abs(psi) ** 2 + 2 * abs(b) ** 2))
        a = -(1 + 1j * zeta)
        spec = sfft.fft(psi) * (np.exp(a * dt) * ss._disp_phase(dt))
        spec[0] += n * drive * (np.exp(a * dt) - 1) / a
        psi = sfft.ifft(spec)
        psi = psi * np.exp(0.5j * dt * (np.abs(psi) ** 2 + 2 * abs(b) ** 2))
        p0, pp = complex(psi.mean()), float(np.mean(np.abs(psi) ** 2))
        y = np.array([b, e, nn], complex)
        k1 = rhs3(y, zeta, p0, pp)
        k2 = rhs3(y + dt / 2 * k1, zeta, p0, pp)
        k3 = rhs3(y + dt / 2 * k2, zeta, p0, pp)
        k4 = rhs3(y + dt * k3, zeta, p0, pp)
        y = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        b, e, nn = complex(y[0]), complex(y[1]), float(y[2].real)
        ph = np.angle(e)
        unwrapped += (ph - prev_phase + math.pi) % (2 * math.pi) - math.pi
        prev_phase = ph
        if progress is not None and k % 2000 == 0:
            progress(k / steps)
        if k_snap is not None and k + 1 == k_snap:
            snap = psi.copy()
        if (k + 1) % every == 0:
            tn = (k + 1) * dt
            omega = -unwrapped / (tn - prev_t)  # E ~ exp(-i Omega tau)
            unwrapped, prev_t = 0.0, tn
            out_t.append(tn)
            out_z0.append(zf(tn))
            out_om.append(omega)
            out_e.append(abs(e) ** 2)
    t_arr, z0, om = np.array(out_t), np.array(out_z0), np.array(out_om)
    return {"tau": t_arr, "zeta0": z0, "omega": om, "z": z0 - om, "laser_power": np.array(out_e), "psi": psi,
            "b": b, "e": e, "n": nn, "snapshot": snap}


def lock_state(run: dict, last: int = 8) -> dict:
    """Locked or not from the last ``last`` samples of :func:`simulate_sil`: the laser's offset z from the
    resonance is steady (std < 0.05) and inside the Kerr-broadened resonance (|z| < 1 + 2 mean|psi|^2)."""
    late = np.asarray(run["z"][-last:])
    width = 1 + 2 * float(np.mean(np.abs(run["psi"]) ** 2))
    return {"locked": bool(np.all(np.abs(late) < width) and np.std(late) < 0.05), "z": float(np.mean(late))}


def sil_map(ring, op, d_int: np.ndarray, phases, f2s, *, zeta0: float, tau: float = 200.0, dt: float = 0.01,
            progress=None) -> list[dict]:
    """Free-running turn-on of the full model over feedback phase x pump.

    The laser starts free running with the ring empty, at free-running detuning
    ``zeta0``; after ``tau`` each point reports whether the laser is locked (its
    offset from the resonance steady and inside the Kerr-broadened resonance),
    the locked detuning (Hz) and the state reached (classified from the field:
    stationary over the last 20 time units, then its shape).
    """
    from weiming.sims.comb.regime import STATIONARY_RTOL, is_normal, shape_regime, spectrum_change

    out = []
    hz = ring.kappa / (4 * math.pi)
    for f2 in f2s:
        for th in phases:
            p = SilParams(beta=op.backscatter, k_fb=op.feedback_rate, theta=float(th), alpha_h=op.alpha_h,
                          c=math.sqrt(f2))
            r = simulate_sil(p, d_int, zeta0, tau, dt=dt, samples=40, snapshot_at=tau - 20)
            lock = lock_state(r)
            stat = spectrum_change(r["psi"], r["snapshot"]) < 10 * STATIONARY_RTOL
            out.append({"feedback_phase_rad": float(th), "f2": float(f2), "pump_w": ring.p_in_w(f2),
                        "locked": lock["locked"], "detuning_hz": lock["z"] * hz,
                        "regime": shape_regime(r["psi"], is_normal(d_int)) if stat else "chaotic"})
            if progress is not None:
                progress(len(out) / (len(f2s) * len(phases)))
    return out
