"""The server comb at the design's operating point (``server.comb`` of the design YAML).

Steps: the ring (:func:`weiming.sims.comb.design.ring_model`) -> normalised pump
f^2 and detuning zeta -> the seed (``server.comb.seed``) -> LLE run -> the
state classified from its field and stability (:mod:`weiming.sims.comb.regime`)
-> line powers at the bus output -> the power on every channel line of the
network plan (channel comb line m <-> mode mu = m: the plan's centre line is the
pumped resonance and the comb spacing is the ring's FSR at the pump).

Seeds:
- "sil": the full self-injection-locked model (:mod:`weiming.sims.comb.sil`)
  from free-running turn-on (ring empty, DFB at detuning ``zeta`` from the cold
  resonance); the feedback locks the laser and the comb forms on its own (SIL
  dark pulses: H. Wang et al., arXiv:2103.10422; Lihachev et al.,
  arXiv:2103.07795). The locked detuning is a result. The state is classified
  on that run (stationary over the last window of the full model = stable).
- "domain": one lower-state domain (two switching waves) placed on the upper CW
  branch at detuning ``zeta`` with a fixed pump (plain LLE; stability from the
  Jacobian of the Newton-Krylov state);
- "amx": noise on the CW state, the local Dint shift ``amx_mu``/``amx_shift_mhz``,
  detuning swept in (Xue et al., Nat. Photon. 9, 594 (2015));
- "noise": the same sweep without a mode crossing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from weiming.sims.comb.design import RingModel, ring_model
from weiming.sims.comb.lle import hss_branch, hss_rho, propagate, seed
from weiming.sims.comb.regime import classify


class CombInputError(ValueError):
    """Bad operating-point input; the message names the parameter, the value and the rule."""


SEEDING = {
    "sil": "SIL: the comb forms from free-running turn-on of the self-injection-locked DFB (backscatter "
           "feedback locks the laser and pins the switching waves); no avoided mode crossing",
    "domain": "given state: a lower-state domain on the upper CW branch (fixed pump, no SIL, no AMX)",
    "amx": "AMX: local Dint shift at the crossing mode, detuning swept in from the blue side (no SIL)",
    "noise": "noise on the CW state, detuning swept in from the blue side (no SIL, no AMX)",
}


@dataclass
class CombResult:
    ring: RingModel
    f2: float
    zeta: float
    pump_w: float
    psi: np.ndarray
    classification: object
    mu: np.ndarray
    line_w: np.ndarray
    channels: list[dict]
    sil: dict
    seed: str
    d_int: np.ndarray

    @property
    def conversion_efficiency(self) -> float:
        """Power in all comb lines except the pump line at the bus output over the bus pump power."""
        return float(self.line_w[self.mu != 0].sum() / self.pump_w)

    def to_json(self) -> dict:
        order = np.argsort(self.mu)
        r = self.ring
        return {"regime": self.classification.regime, "fsr_hz": r.fsr_hz, "d2_hz": r.d2_hz,
                "kappa_hz": r.kappa / (2 * math.pi), "pump_w": self.pump_w,
                "conversion_efficiency": self.conversion_efficiency,
                "lines": [{"mu": int(self.mu[i]), "freq_hz": r.f0_hz + int(self.mu[i]) * r.fsr_hz,
                           "power_w": float(self.line_w[i])} for i in order],
                "channels": self.channels, "sil": self.sil,
                "seed": self.seed, "seeding": SEEDING[self.seed], "f2": self.f2, "zeta": self.zeta,
                "detuning_hz": r.detuning_hz(self.zeta), "p_th_w": r.p_th_w,
                "qi": r.qi, "qc": r.qc, "kappa0_hz": r.kappa0 / (2 * math.pi),
                "kappa_ex_hz": r.kappa_ex / (2 * math.pi), "g0_hz": r.g0 / (2 * math.pi),
                "state": self.classification.to_json(),
                "field_abs2": (np.abs(self.psi) ** 2).tolist()}


def _check(name: str, v, lo: float, hi: float) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise CombInputError(f"{name}={v!r} must be a number in [{lo}, {hi}]") from None
    if not (math.isfinite(x) and lo <= x <= hi):
        raise CombInputError(f"{name}={v!r} must be in [{lo}, {hi}]")
    return x


def simulate(design, *, pump_mw: float | None = None, detuning_mhz: float | None = None,
             feedback_phase: float | None = None, modes: int | None = None, progress=None) -> CombResult:
    """The comb state of ``design``'s server ring at its operating point (overrides in physical units)."""
    from weiming.circuits.network import channels, line_frequency_ghz

    op = design.server.comb
    n = int(_check("modes", op.modes if modes is None else modes, 16, 4096))
    if n % 2:
        raise CombInputError(f"modes={n} must be even (FFT grid)")
    ring = ring_model(design, n)
    f2 = op.pump_f2 if pump_mw is None else ring.f2(_check("pump_mw", pump_mw, 1e-3, 1e5) * 1e-3)
    zeta = op.zeta if detuning_mhz is None else ring.zeta(_check("detuning_mhz", detuning_mhz, -1e5, 1e5) * 1e6)
    phase = op.feedback_phase_rad if feedback_phase is None else _check("feedback_phase", feedback_phase, -100, 100)
    f = math.sqrt(f2)
    amx = (op.amx_mu, op.amx_shift_mhz * 1e6) if op.amx_mu is not None else None
    d_int = ring.d_int_norm(n, amx)
    phi = np.arange(n) * 2 * math.pi / n - math.pi
    tau = float(op.tau)
    window = min(50.0, 0.2 * tau)
    drive_phase, pump_scale, sil = 0.0, 1.0, None
    if op.seed == "sil":
        from weiming.sims.comb.regime import Classification, is_normal, shape_regime, spectrum_change
        from weiming.sims.comb.sil import SilParams, lock_state, simulate_sil

        p = SilParams(beta=op.backscatter, k_fb=op.feedback_rate, theta=phase, alpha_h=op.alpha_h, c=f)
        r = simulate_sil(p, d_int, zeta, tau, dt=0.01, samples=200, snapshot_at=tau - window, progress=progress)
        psi = r["psi"]
        lock = lock_state(r)
        change = spectrum_change(psi, r["snapshot"])
        stationary = change < 1e-3
        i = np.abs(psi) ** 2
        cls = Classification(shape_regime(psi, is_normal(d_int)) if stationary else "chaotic", stationary, change,
                             stationary, None, float(i.mean()), float(i.min()), float(i.max()))
        drive_phase, pump_scale = float(np.angle(r["e"])), abs(r["e"]) ** 2 / p.j
        hz = ring.kappa / (4 * math.pi)
        sil = {"locked": lock["locked"], "detuning_hz": lock["z"] * hz, "free_running_detuning_hz": zeta * hz,
               "feedback_phase_rad": phase, "backscatter": op.backscatter, "feedback_rate": op.feedback_rate,
               "alpha_h": op.alpha_h, "laser_power_ratio": pump_scale,
               "model": "full SIL model from free-running turn-on (weiming.sims.comb.sil)"}
        zeta_state = lock["z"]
    else:
        if op.seed == "domain":
            rho = hss_rho(f2, zeta)
            if rho.size < 3:
                psi0 = seed("hss-upper", n, f=f, zeta=zeta)
            else:
                up, lo = hss_branch(f, zeta, "upper"), hss_branch(f, zeta, "lower")
                wall = 0.5 * (np.tanh((np.abs(phi) - op.seed_width_rad / 2) * n / 16) + 1)
                psi0 = lo + (up - lo) * wall
            zarg = zeta
        else:
            psi0 = seed("noise", n, f=f, zeta=min(zeta, 0.0))
            zarg = (min(zeta, 0.0), zeta, 0.6 * tau)  # sweep in from the blue side, then hold
        run = propagate(psi0, tau, f=f, zeta=zarg, d_int=d_int, rtol=1e-5, snapshot_times=(tau - window, tau),
                        progress=progress)
        psi = run.psi
        cls = classify(psi, run.snapshots[0], f=f, zeta=zeta, d_int=d_int)
        zeta_state = zeta
    pump_w = ring.p_in_w(f2) * pump_scale  # the locked laser's power (feedback changes it slightly)
    mu, line_w = ring.line_powers_w(psi, pump_w, drive_phase)
    power = dict(zip(mu.tolist(), line_w.tolist()))
    chans = []
    for ch in channels(design.network):
        m = round((line_frequency_ghz(design.network, ch.comb_line) * 1e9 - ring.f0_hz) / ring.fsr_hz)
        chans.append({"channel": ch.index, "mu": int(m), "power_w": float(power.get(m, 0.0))})
    if sil is None:
        sil = {"locked": None, "detuning_hz": ring.detuning_hz(zeta),
               "model": f"no SIL: fixed pump, seed {op.seed}"}
    return CombResult(ring, float(f2), float(zeta_state), float(pump_w), psi, cls, mu, line_w, chans, sil,
                      op.seed, d_int)


def channel_bus_powers_w(design, **overrides) -> dict[int, float]:
    """Line power (W) at the comb chip's bus output for every channel of the network plan.

    Pass it as ``bus_powers_w`` to :func:`weiming.circuits.network.comb_line_power_w`.
    ``overrides``: ``pump_mw``, ``detuning_mhz``, ``feedback_phase``, ``modes`` as in :func:`simulate`.
    Cached on disk (:func:`weiming.sims.cache.cached`) on the validated design, the
    overrides and the source of the comb, ring and mode-solver models (deterministic runs).
    """
    from weiming.circuits.design import design_hash
    from weiming.fileio import source_digest
    from weiming.sims.cache import cached

    key = {"design": design_hash(design), "overrides": {k: overrides[k] for k in sorted(overrides)},
           "code": source_digest(("weiming.sims", "weiming.circuits"))}

    def compute():
        res = simulate(design, **overrides)
        return {str(c["channel"]): c["power_w"] for c in res.channels}

    return {int(k): float(v) for k, v in cached("comb_channel_bus_powers", key, compute).items()}


def normalised_run(*, f2: float, zeta: float, dispersion: str, modes: int, seed_state: str = "hss-upper",
                   tau: float = 100.0, dint_shift: tuple[int, float] | None = None, length: float = 40.0,
                   rtol: float = 1e-6) -> dict:
    """The normalised LLE (parabolic dispersion on a domain ``length`` in theta) from a seed.

    Returns {"rho_mean", "rho_min", "rho_max", "stationary", "field_abs2", "regime", "spectrum_change"};
    stationary: the line spectrum changed by < 1e-3 (relative) over the last min(50, tau/4).
    """
    f2 = _check("f2", f2, 1e-9, 1e4)
    zeta = _check("zeta", zeta, -1e3, 1e3)
    tau = _check("tau", tau, 1e-6, 1e5)
    length = _check("length", length, 1e-3, 1e5)
    if dispersion not in ("normal", "anomalous"):
        raise CombInputError(f"dispersion={dispersion!r} must be normal or anomalous")
    n = int(_check("modes", modes, 8, 1 << 16))
    if n % 2:
        raise CombInputError(f"modes={n} must be even (FFT grid)")
    from weiming.sims.comb.lle import parabolic_dint

    d_int = parabolic_dint(n, length, 1 if dispersion == "anomalous" else -1)
    if dint_shift is not None:
        mu, val = dint_shift
        if not -n // 2 <= mu < n // 2:
            raise CombInputError(f"dint_shift mode {mu} must be in [{-n // 2}, {n // 2 - 1}] for modes={n}")
        d_int[mu % n] += _check("dint_shift value", val, -1e4, 1e4)
    f = math.sqrt(f2)
    theta = (np.arange(n) - n / 2) * length / n
    if seed_state in ("hss-upper", "hss-lower", "noise", "sech"):
        psi0 = seed(seed_state, n, f=f, zeta=zeta, theta=theta)
    else:
        raise CombInputError(f"seed_state={seed_state!r} must be one of hss-upper, hss-lower, noise, sech")
    window = min(50.0, tau / 4)
    run = propagate(psi0, tau, f=f, zeta=zeta, d_int=d_int, rtol=rtol, snapshot_times=(tau - window, tau))
    cls = classify(run.psi, run.snapshots[0], f=f, zeta=zeta, d_int=d_int, check_stability=n <= 512)
    i = np.abs(run.psi) ** 2
    return {"rho_mean": float(i.mean()), "rho_min": float(i.min()), "rho_max": float(i.max()),
            "stationary": bool(cls.stationary), "field_abs2": i.tolist(), "regime": cls.regime,
            "spectrum_change": cls.spectrum_change, "stable": cls.stable}
