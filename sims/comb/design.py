"""Dimensional front end: the design's server ring -> the normalised LLE and back.

Everything comes from the design and the PDK at run time:
- FSR (D1), D2 and Dint(mu): :func:`weiming.sims.modes.dispersion.ring_dispersion`
  (MPB bent-mode solver, resonance condition) for the design's FSR and width;
  Dint beyond the computed modes from the same fitted neff(lambda) (polynomial
  extrapolation outside the +-20 nm fit window, where the comb has no power);
- kappa_0 = omega_0 / Q_i with Q_i from the PDK loss (``loss_db_per_m``,
  :func:`weiming.sims.devices.ring.intrinsic_q`);
- kappa_ex = omega_0 / Q_c with the coupler's kappa^2 from
  :func:`weiming.sims.devices.coupler.kappa2` at the design's gap (read at run time, so a
  corrected coupler model flows in); a drop bus at the same gap adds a second
  kappa_ex to the loss;
- g0 = hbar omega_0 gamma v_g^2 / L (Herr 2014 / Kippenberg 2018 written with the
  waveguide gamma = 2 pi n2/(lambda A_eff); reference notes A1), gamma from the
  mode solver's A_eff and the core's n2 (Ikeda et al., Opt. Express 16, 12987 (2008)).

Normalisation (Herr et al., Nat. Photon. 8, 145 (2014)): tau = kappa t/2,
zeta = 2 delta omega/kappa, d_int = 2 Dint/kappa, psi = sqrt(2 g0/kappa) A,
f^2 = 8 g0 kappa_ex P_in/(kappa^3 hbar omega_0) = P_in/P_th.
Bus output (input-output relation, through port): s_out,mu = s_in delta_mu0 - sqrt(kappa_ex) A_mu,
line power hbar omega_mu |s_out,mu|^2.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from weiming.sims.comb.lle import mode_numbers

HBAR = 1.054_571_817e-34  # J s (CODATA 2018, exact in SI 2019)
C_M_S = 299_792_458.0


def anticrossing_dint(mu: np.ndarray, dint_hz: np.ndarray, mu_x: float, coupling_hz: float,
                      fsr_offset_hz: float) -> np.ndarray:
    """Dint of the pumped family with a two-family avoided mode crossing (reference notes A5; Xue 2015).

    Family B crosses the pumped family A at mode ``mu_x`` with relative FSR
    ``fsr_offset_hz``: Dint_B(mu) = Dint_A(mu_x) + fsr_offset (mu - mu_x). The coupled
    modes are (A + B)/2 +- sqrt(((A - B)/2)^2 + G^2); the branch kept on each side is
    the one that tends to family A far from the crossing (on a mode exactly at the
    crossing, the upper one). All in Hz (/2pi).
    """
    mu = np.asarray(mu, float)
    a = np.asarray(dint_hz, float)
    b = np.interp(mu_x, mu, a) + fsr_offset_hz * (mu - mu_x)
    mean, half = (a + b) / 2, (a - b) / 2
    split = np.sqrt(half ** 2 + coupling_hz ** 2)
    return mean + np.where(half >= 0, 1.0, -1.0) * split  # exactly at the crossing: the upper mode


def kerr_g0(omega0: float, gamma_per_w_m: float, ng: float, length_m: float) -> float:
    """Single-photon Kerr frequency shift g0 = hbar omega_0 gamma v_g^2 / L (rad/s; reference notes A1)."""
    return HBAR * omega0 * gamma_per_w_m * (C_M_S / ng) ** 2 / length_m


@dataclass(frozen=True)
class RingModel:
    """Physical parameters of the pumped ring (angular rates in rad/s, frequencies in Hz)."""

    f0_hz: float
    fsr_hz: float
    d2_hz: float
    kappa0: float
    kappa_ex: float
    kappa_drop: float
    g0: float
    gamma_per_w_m: float
    aeff_um2: float
    n2_m2_per_w: float
    ng: float
    radius_um: float
    kappa2: float
    qi: float
    qc: float
    dint_mu: tuple[int, ...]
    dint_hz: tuple[float, ...]
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def kappa(self) -> float:
        return self.kappa0 + self.kappa_ex + self.kappa_drop

    @property
    def omega0(self) -> float:
        return 2 * math.pi * self.f0_hz

    @property
    def p_th_w(self) -> float:
        """Parametric threshold P_th = kappa^3 hbar omega_0 / (8 g0 kappa_ex) (f^2 = 1; Herr 2014)."""
        return self.kappa ** 3 * HBAR * self.omega0 / (8 * self.g0 * self.kappa_ex)

    def f2(self, p_in_w: float) -> float:
        """f^2 = P_in / P_th."""
        return 8 * self.g0 * self.kappa_ex * p_in_w / (self.kappa ** 3 * HBAR * self.omega0)

    def p_in_w(self, f2: float) -> float:
        """Bus pump power (W) for a normalised pump f^2."""
        return f2 * self.kappa ** 3 * HBAR * self.omega0 / (8 * self.g0 * self.kappa_ex)

    def zeta(self, detuning_hz: float) -> float:
        """zeta = 2 delta omega / kappa for delta omega / 2 pi = ``detuning_hz`` (> 0: red)."""
        return 2 * 2 * math.pi * detuning_hz / self.kappa

    def detuning_hz(self, zeta: float) -> float:
        return zeta * self.kappa / (4 * math.pi)

    def dint_hz_of(self, mu: np.ndarray) -> np.ndarray:
        """Dint/2pi (Hz) on the mode numbers ``mu`` (must lie in the computed range)."""
        table = dict(zip(self.dint_mu, self.dint_hz))
        try:
            return np.array([table[int(m)] for m in np.atleast_1d(mu)])
        except KeyError as e:
            raise ValueError(f"mode {e.args[0]} outside the computed Dint range") from None

    def d_int_norm(self, n: int, amx: tuple[int, float] | None = None) -> np.ndarray:
        """Normalised 2 Dint/kappa on an ``n``-mode grid (FFT order), with an optional local AMX shift (mu, Hz)."""
        mu = mode_numbers(n)
        dint = self.dint_hz_of(mu)
        if amx is not None:
            dint = dint + np.where(mu == amx[0], amx[1], 0.0)
        return 2 * 2 * math.pi * dint / self.kappa

    def line_powers_w(self, psi: np.ndarray, p_in_w: float, drive_phase: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """(mu, power W) of every comb line at the through-bus output for the normalised field ``psi``.

        ``drive_phase``: phase of the pump in the frame of ``psi`` (0 for the real pump f of the LLE).
        """
        n = psi.size
        mu = mode_numbers(n)
        a_mu = np.fft.fft(psi) / n * math.sqrt(self.kappa / (2 * self.g0))  # photon-number amplitudes
        s_in = math.sqrt(p_in_w / (HBAR * self.omega0)) * np.exp(1j * drive_phase)
        s_out = -math.sqrt(self.kappa_ex) * a_mu
        s_out[mu == 0] += s_in
        freq = self.f0_hz + mu * self.fsr_hz
        return mu, HBAR * 2 * math.pi * freq * np.abs(s_out) ** 2

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("dint_mu"), d.pop("dint_hz")
        d["sources"] = dict(self.sources)
        d.update(kappa=self.kappa, p_th_w=self.p_th_w,
                 kappa_hz=self.kappa / (2 * math.pi), kappa0_hz=self.kappa0 / (2 * math.pi),
                 kappa_ex_hz=self.kappa_ex / (2 * math.pi))
        return d


def ring_model(design, modes: int = 64) -> RingModel:
    """The server ring of ``design`` as a :class:`RingModel` with Dint on +-``modes``//2 (+1).

    Needs the mode solver (MPB); raises :class:`weiming.sims.MeepMissingError` without it.
    """
    from weiming.pdk import get_tech
    from weiming.sims.devices import coupler, ring
    from weiming.sims.modes.dispersion import resonances, ring_dispersion
    from weiming.sims.modes.mpb import N2_M2_PER_W, solve_modes

    pdk = design.server.pdk
    rc = design.server.ring
    lam = design.network.center_wavelength_nm / 1000
    rd = ring_dispersion(pdk, "resonator", fsr_hz=design.network.fsr_ghz * 1e9, center_um=lam, modes=10,
                         width=rc.width_um)
    half = modes // 2 + 1
    res = resonances(rd.details["fit_wavelengths_um"], rd.details["fit_neff"], rd.radius_um, lam, half)
    mu = np.asarray(res["mu"])
    fs = np.asarray(res["f_hz"])
    f0 = fs[half]
    d1 = (fs[half + 1] - fs[half - 1]) / 2  # local FSR at the pump: Dint independent of the mode range
    dint = fs - f0 - d1 * mu
    mode = solve_modes(pdk, "resonator", lam, width=rc.width_um)[0]
    n2 = N2_M2_PER_W["si3n4"]
    gamma = mode.gamma_per_w_m if mode.gamma_per_w_m else 2 * math.pi * n2 / (lam * 1e-6 * mode.aeff_um2 * 1e-12)
    loss = float(get_tech(pdk).extra["loss_db_per_m"])
    qi = ring.intrinsic_q(loss, rd.ng, lam)
    k2 = coupler.kappa2(pdk, gap_um=rc.gap_um, radius_um=rd.radius_um, width_um=rc.width_um, coupler=rc.coupler,
                        wrap_angle_deg=rc.wrap_angle_deg if rc.coupler == "pulley" else None, wavelength_um=lam)
    circ = 2 * math.pi * rd.radius_um
    qc = ring.coupling_q(k2, rd.ng, circ, lam)
    w0 = 2 * math.pi * f0
    g0 = kerr_g0(w0, gamma, rd.ng, circ * 1e-6)
    srcs = (("dint", "weiming.sims.modes.dispersion.ring_dispersion (MPB bent mode, Richardson over two grids)"),
            ("kappa0", f"PDK {pdk} loss_db_per_m = {loss} via weiming.sims.devices.ring.intrinsic_q"),
            ("kappa_ex", f"weiming.sims.devices.coupler.kappa2 at gap {rc.gap_um} um ({rc.coupler})"),
            ("g0", "hbar w0 gamma vg^2 / L; gamma from the mode solver A_eff and n2 = "
                   f"{n2:g} m^2/W (Ikeda et al., Opt. Express 16, 12987 (2008))"))
    return RingModel(f0_hz=float(f0), fsr_hz=float(d1), d2_hz=float(rd.d2_hz), kappa0=w0 / qi, kappa_ex=w0 / qc,
                     kappa_drop=w0 / qc if rc.drop else 0.0, g0=float(g0), gamma_per_w_m=float(gamma),
                     aeff_um2=float(mode.aeff_um2), n2_m2_per_w=n2, ng=float(rd.ng), radius_um=float(rd.radius_um),
                     kappa2=float(k2), qi=float(qi), qc=float(qc), dint_mu=tuple(int(m) for m in mu),
                     dint_hz=tuple(float(x) for x in dint), sources=srcs)
