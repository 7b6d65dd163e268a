"""The link model: fibre, detectors, noise counts and misalignment from its physical sources.

Geometry (reference notes B1): a symmetric star, each client ``L/2`` of fibre
from the server's beam splitter; per-arm transmittance including the detector
``eta = eta_d 10^(-alpha L / 20)``. The client-to-client transmittance is
``10^(-alpha L / 10)`` (what PLOB is evaluated on).

Misalignment is not a typed number: :func:`misalignment` builds the X-basis
error ``e_d = (1 - V) / 2`` from the fringe visibility ``V`` of the
interference at the server, a product of independent factors:

- **fibre phase drift** left between two phase estimates: a linear drift of
  ``r`` rad/s reset every tracking period ``T`` gives ``delta`` uniform on
  ``[0, rT]``, so ``<cos delta> = sin(rT)/(rT)``;
- **laser phase noise**: two lasers with relative (summed) Lorentzian
  linewidth ``dnu`` accumulate a Wiener phase of variance ``2 pi dnu t``
  (Henry, IEEE JQE 18, 259 (1982)); averaged over ``t`` in ``[0, T]``,
  ``<cos> = (1 - exp(-a))/a`` with ``a = pi dnu T``;
- **residual error of the phase-reference scheme**: Gaussian phase error of
  standard deviation ``sigma_ref``: ``exp(-sigma_ref^2 / 2)``;
- **intensity mismatch** between the two clients' pulses (power ratio ``r``):
  ``2 sqrt(r)/(1 + r)`` (two-beam interference visibility);
- **polarisation** mismatch by angle ``theta`` at the beam splitter: the
  interfering projection ``cos theta``;
- **injection-locking residual** (when the build manifest gives each laser's
  locking range): :func:`locking_phase_variance`, ``exp(-sigma^2/2)``.

The modulators' finite extinction ratio does not enter ``e_d``: it makes the
"vacuum" (not-sending and vacuum-decoy) states weak coherent states of
intensity ``mu * 10^(-ER/10)``, which the rate models take as ``leak``.

Noise counts per gate added to the detectors' dark counts (:func:`noise_per_gate`):

- **WDM crosstalk**: the classical (reference) light of the other channels
  leaking through the server's demultiplexer, attenuated by its isolation;
- **spontaneous Raman scattering** of that light into the quantum channel's
  band: ``P_R = P rho L_eff dlambda`` (forward, co-propagating; Eraerds et al.,
  NJP 12, 063027 (2010), Eq. (1); Chapuran et al., NJP 11, 105001 (2009)),
  with ``L_eff = (1 - exp(-a L))/a``.
Both only count while the classical light overlaps the detector gates
(``duty_in_gate``; time-multiplexed references make it small).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from weiming.resources import data_path
from weiming.circuits.design import _merge  # the one recursive YAML merge (design files merge the same way)

H_J_S = 6.62607015e-34   # exact (SI)
C_M_S = 299_792_458.0    # exact (SI)
DEFAULT_NETWORK = data_path("weiming.sims.network", "default_network.yaml")


class NetworkError(ValueError):
    """Bad network file or parameter; the message names the key, the value and the rule."""


# ----------------------------------------------------------------- file model
class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FibrePreset(_M):
    loss_db_per_km: float = Field(gt=0, le=10)
    source: str


class Fibre(_M):
    preset: str
    presets: dict[str, FibrePreset]
    loss_db_per_km: float | None = Field(default=None, gt=0, le=10)  # overrides the preset


class Detector(_M):
    efficiency: float = Field(gt=0, le=1)
    dark_count_rate_hz: float = Field(ge=0, le=1e7)
    gate_ns: float = Field(gt=0, le=1000)


class Noise(_M):
    reference_power_dbm_per_channel: float = Field(ge=-100, le=30)
    demux_isolation_db: float = Field(ge=0, le=120)
    raman_coefficient_per_km_nm: float = Field(ge=0, le=1e-6)
    filter_bandwidth_nm: float = Field(gt=0, le=10)
    duty_in_gate: float = Field(ge=0, le=1)
    simultaneous_channels: bool


class Phase(_M):
    drift_rate_rad_per_s: float = Field(ge=0, le=1e6)
    tracking_period_s: float = Field(gt=0, le=10)
    relative_linewidth_hz: float = Field(ge=0, le=1e9)
    reference_residual_rad: float = Field(ge=0, le=3.2)
    free_running_linewidth_hz: float = Field(ge=0, le=1e10)
    slices: int = Field(ge=2, le=1024)


class Optics(_M):
    polarisation_mismatch_deg: float = Field(ge=0, le=90)
    intensity_setting_accuracy_db: float = Field(ge=0, le=10)


class Protocol(_M):
    name: Literal["sns", "pm"]
    error_correction_f: float = Field(ge=1, le=2)
    repetition_rate_hz: float = Field(gt=0, le=1e11)
    decoy_ratio_mu2_over_mu1: float = Field(gt=1, le=100)
    x_decoy_probabilities: tuple[float, float, float]  # vacuum, mu1, mu2 within X windows
    aopp: bool
    finite_key: bool
    pulses: float = Field(ge=1e6, le=1e18)
    failure_probability: float = Field(gt=0, lt=1e-2)


class Chips(_M):
    selection: Literal["known_good", "as_diced"]
    vacuum_ims: tuple[str, ...]
    voa_range_db: float = Field(ge=0, le=100)
    monte_carlo_pairs: int = Field(ge=1, le=100000)
    wafers: int = Field(ge=1, le=1000)
    seed: int = Field(ge=0)


class NetworkFile(_M):
    fibre: Fibre
    detector: Detector
    noise: Noise
    phase: Phase
    optics: Optics
    protocol: Protocol
    chips: Chips
    curve_km: tuple[float, float, int]


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise NetworkError(f"cannot read network file {str(path)!r}: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise NetworkError(f"network file {str(path)!r} is not valid YAML: {str(e).splitlines()[0]}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise NetworkError(f"network file {str(path)!r} must hold a mapping, got {type(data).__name__}")
    return data


def load_network(path: str | Path | None = None, overrides: dict | None = None) -> NetworkFile:
    """The default network file with ``path`` (YAML) and ``overrides`` merged over it, validated."""
    data = _read(DEFAULT_NETWORK)
    if path is not None:
        data = _merge(data, _read(Path(path)))
    if overrides:
        data = _merge(data, overrides)
    try:
        net = NetworkFile.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        got = err.get("input")
        shown = "" if isinstance(got, (dict, list)) or err["type"] == "missing" else f" (got {got!r})"
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise NetworkError(f"network.{key}: {msg}{shown}") from None
    if net.fibre.preset not in net.fibre.presets:
        raise NetworkError(f"network.fibre.preset: {net.fibre.preset!r} is not one of {sorted(net.fibre.presets)}")
    p = net.protocol.x_decoy_probabilities
    if min(p) <= 0 or abs(sum(p) - 1) > 1e-9:
        raise NetworkError(f"network.protocol.x_decoy_probabilities: {list(p)} must be positive and sum to 1")
    lo, hi, n = net.curve_km
    if not (0 <= lo < hi <= 5000 and 2 <= n <= 10000):
        raise NetworkError(f"network.curve_km: {list(net.curve_km)} must be [start, stop, points] with "
                           "0 <= start < stop <= 5000 and 2 <= points <= 10000")
    return net


def fibre_loss_db_per_km(net: NetworkFile) -> float:
    return float(net.fibre.loss_db_per_km or net.fibre.presets[net.fibre.preset].loss_db_per_km)


# ---------------------------------------------------------------- physics
def locking_phase_variance(lock_range_ghz, free_running_linewidth_hz: float) -> np.ndarray:
    """Residual phase variance (rad^2) of an injection-locked laser against its master.

    The locked phase follows the master like a first-order loop whose bandwidth is the locking half-range
    ``f_L`` (assumption: the Adler locking bandwidth); the free-running laser's Wiener phase noise
    (one-sided PSD ``dnu / (pi f^2)``, Lorentzian linewidth ``dnu``) filtered by the loop's error
    response ``f^2 / (f^2 + f_L^2)`` integrates to ``dnu / (2 f_L)``."""
    f_l = np.asarray(lock_range_ghz, dtype=float) * 1e9 / 2
    return np.where(f_l > 0, free_running_linewidth_hz / (2 * np.maximum(f_l, 1e-30)), np.inf)


def visibility_factors(phase: Phase, optics: Optics, intensity_mismatch_db=None,
                       locking_phase_var=None) -> dict[str, np.ndarray]:
    """Fringe-visibility factor of each misalignment source (see the module docstring); with
    ``locking_phase_var`` (rad^2, both lasers of the pair) also the injection-locking residual."""
    a = phase.drift_rate_rad_per_s * phase.tracking_period_s
    drift = np.sinc(a / np.pi)                      # numpy sinc(x) = sin(pi x)/(pi x)
    b = np.pi * phase.relative_linewidth_hz * phase.tracking_period_s
    laser = 1.0 if b == 0 else -np.expm1(-b) / b
    ref = np.exp(-phase.reference_residual_rad ** 2 / 2)
    pol = np.cos(np.radians(optics.polarisation_mismatch_deg))
    mm = optics.intensity_setting_accuracy_db if intensity_mismatch_db is None else intensity_mismatch_db
    r = 10 ** (np.asarray(mm, dtype=float) / 10)
    inten = 2 * np.sqrt(r) / (1 + r)
    out = {"fibre_phase_drift": np.asarray(drift), "laser_phase_noise": np.asarray(laser),
           "phase_reference_residual": np.asarray(ref), "intensity_mismatch": inten,
           "polarisation": np.asarray(pol)}
    if locking_phase_var is not None:
        out["injection_locking_residual"] = np.exp(-np.asarray(locking_phase_var, dtype=float) / 2)
    return out


def misalignment(phase: Phase, optics: Optics, intensity_mismatch_db=None,
                 locking_phase_var=None) -> tuple[np.ndarray, dict]:
    """Total X-basis misalignment error ``e_d = (1 - prod V_i)/2`` and each source's own ``(1 - V_i)/2``."""
    f = visibility_factors(phase, optics, intensity_mismatch_db, locking_phase_var)
    v = np.prod(np.broadcast_arrays(*f.values()), axis=0)
    return (1 - v) / 2, {k: (1 - x) / 2 for k, x in f.items()}


def noise_per_gate(net: NetworkFile, distance_km: float, channels: int) -> dict[str, float]:
    """Noise counts per detector gate from classical reference light at other wavelengths: the other
    ``channels - 1`` channels when they run simultaneously, else only the pair's own reference at the
    pump line (dual-wavelength phase tracking, seed network)."""
    n = net.noise
    lam = 1550e-9
    e_ph = H_J_S * C_M_S / lam
    lit = max(channels - 1, 0) if n.simultaneous_channels else 1
    p_other_w = 1e-3 * 10 ** (n.reference_power_dbm_per_channel / 10) * lit
    alpha = fibre_loss_db_per_km(net) * np.log(10) / 10         # 1/km
    arm = distance_km / 2
    l_eff = -np.expm1(-alpha * arm) / alpha                       # km
    t_arm = np.exp(-alpha * arm)
    gate_s = net.detector.gate_ns * 1e-9
    eta_d = net.detector.efficiency
    xtalk_w = p_other_w * t_arm * 10 ** (-n.demux_isolation_db / 10)
    raman_w = p_other_w * n.raman_coefficient_per_km_nm * l_eff * n.filter_bandwidth_nm * t_arm
    per = lambda w: float(w / e_ph * gate_s * eta_d * n.duty_in_gate)  # noqa: E731
    return {"wdm_crosstalk": per(xtalk_w), "raman": per(raman_w)}


@dataclass(frozen=True)
class LinkParams:
    """What the rate models need (arrays broadcast: one entry per pair or per distance)."""

    loss_db_per_km: float
    eta_d: np.ndarray        # detector efficiency
    pd: np.ndarray           # noise click probability per detector per gate (dark + noise)
    e_d: np.ndarray          # X-basis misalignment error
    f_ec: float              # error-correction inefficiency
    leak: np.ndarray         # off-state / on-state intensity (from the IM extinction ratio); 0 = ideal
    slices: int = 16         # phase slices (matched-phase windows keep |delta| <= pi/slices)

    def eta_arm(self, distance_km) -> np.ndarray:
        """Per-arm transmittance including the detector."""
        return np.asarray(self.eta_d) * 10 ** (-self.loss_db_per_km * np.asarray(distance_km, dtype=float) / 20)


def ideal_link(eta_d: float, pd: float, e_d: float, loss_db_per_km: float, f_ec: float = 1.1,
               slices: int = 16) -> LinkParams:
    """A link with explicit parameters and no chips (no leakage)."""
    for name, v, lo, hi in (("eta-d", eta_d, 0.0, 1.0), ("pd", pd, 0.0, 0.5), ("ed", e_d, 0.0, 0.5),
                            ("loss-db-km", loss_db_per_km, 0.0, 10.0), ("f", f_ec, 1.0, 2.0)):
        if not (np.isfinite(v) and lo <= v <= hi) or (name in ("eta-d", "loss-db-km") and v == 0):
            raise NetworkError(f"--{name} {v!r}: must be in {'(' if name in ('eta-d', 'loss-db-km') else '['}"
                               f"{lo:g}, {hi:g}]")
    return LinkParams(loss_db_per_km, np.asarray(eta_d), np.asarray(pd), np.asarray(e_d), f_ec, np.asarray(0.0),
                      slices)
