"""Injection locking of a client's DBR laser to its comb line.

Injection path (the design choice): the comb line enters the chip through the
input SSC, runs along the deep/shallow guide to the laser's **back mirror**,
a DBR grating of deliberately low designed reflectivity R_b (default 0.5, see
:func:`weiming.components.inp.lasers.dbr_laser`), and a fraction 1 - R_b of the
incident power enters the cavity. So

    injection_db = 10 log10[ eta_facet * eta_guide * (1 - R_b) ]

relative to the comb-line power at the input facet (eta_facet: fibre-to-SSC
coupling, a design assumption; eta_guide: propagation loss of the drawn guide
from the facet to the mirror at the PDK's loss per length).

Locking range: the standard result for a Fabry-Perot-type slave injected
through a mirror of reflectivity R (R. Lang, IEEE JQE 18, 976 (1982);
F. Mogensen, H. Olesen, G. Jacobsen, IEEE JQE 21, 784 (1985), eq. 18; review:
E. K. Lau, L. J. Wong, M. C. Wu, IEEE JSTQE 15, 618 (2009), eq. 9):

    -k_c sqrt(1 + alpha_H^2) sqrt(P_inj / P) <= 2 pi (nu_inj - nu_free) <= k_c sqrt(P_inj / P),
    k_c = (1 - R) / (sqrt(R) tau_rt),

with tau_rt the photon round-trip time of the cavity (1 / mode spacing),
P_inj the injected power incident on the mirror from outside and P the
intracavity power incident on it from inside. The full width is
k_c sqrt(P_inj / P) (1 + sqrt(1 + alpha_H^2)) / (2 pi).

Cavity: gain, phase and isolation sections plus the two mirrors' effective
(penetration) lengths tanh(kappa L) / (2 kappa) (Coldren, Corzine &
Mashanovitch, Diode Lasers and Photonic Integrated Circuits, 2nd ed., Wiley
2012, sec. 3.4), at the group index of the laser ridge. Longitudinal modes:
round-trip phase 4 pi nu n_eff(nu) L_opt / c = 2 pi q (DBR reflection phase
zero at the Bragg wavelength, linear in detuning: included in the penetration
length). The nearest mode on the red side of the comb line is tuned onto it
by the phase section (carrier injection lowers its index and moves every mode
blue): shift = nu dn L_phase / (n_g L_cav). The laser locks when the comb line
can be brought inside (1 - lock_margin) of the locking range, i.e. the
residual detuning after the best available tuning (aimed at the middle of
the shrunk range, the phase section's shift limited to its range) is within it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

C_M_PER_S = 299_792_458.0

#: Linewidth enhancement factor of the MQW gain section: 3 (assumption; InGaAsP
#: MQW lasers measure alpha_H ~ 2-5, M. Osinski, J. Buus, IEEE JQE 23, 9 (1987)).
ALPHA_H = 3.0


class InjectionError(ValueError):
    """Bad injection-locking input (message names parameter, value and rule)."""


@dataclass(frozen=True)
class Cavity:
    """The DBR laser cavity as drawn (lengths um) and its mirrors."""

    gain_um: float
    phase_um: float
    passive_um: float           # isolation sections between the mirrors
    back_eff_um: float          # mirror penetration lengths
    front_eff_um: float
    r_back: float               # peak power reflectivities
    r_front: float
    neff: float                 # phase index of the laser ridge at the comb line
    ng: float                   # group index of the laser ridge

    @property
    def length_um(self) -> float:
        return self.gain_um + self.phase_um + self.passive_um + self.back_eff_um + self.front_eff_um

    @property
    def mode_spacing_ghz(self) -> float:
        return C_M_PER_S / (2 * self.ng * self.length_um * 1e-6) / 1e9

    @property
    def round_trip_s(self) -> float:
        return 2 * self.ng * self.length_um * 1e-6 / C_M_PER_S

    @property
    def mirror_loss_per_cm(self) -> float:
        return math.log(1 / (self.r_back * self.r_front)) / (2 * self.length_um * 1e-4)

    def back_output_fraction(self) -> float:
        """Share of the emitted power leaving through the back mirror (lossless-cavity estimate)."""
        b = (1 - self.r_back) * math.sqrt(self.r_front)
        f = (1 - self.r_front) * math.sqrt(self.r_back)
        return b / (b + f)


def cavity_from_laser(info: dict, kappa_per_cm: float, neff: float, ng: float) -> Cavity:
    """The cavity of a ``dbr_laser`` cell from its ``info`` (section extents, reflectivities)."""
    sec = info["section_um"]
    k = kappa_per_cm * 1e-4

    def eff(name: str) -> float:
        a, b = sec[name]
        return math.tanh(k * (b - a)) / (2 * k)

    gain = sec["gain"][1] - sec["gain"][0]
    phase = sec["phase"][1] - sec["phase"][0]
    inner = sec["front_grating"][0] - sec["back_grating"][1]
    return Cavity(gain, phase, inner - gain - phase, eff("back_grating"), eff("front_grating"),
                  float(info["reflectivity"]["back_grating"]), float(info["reflectivity"]["front_grating"]),
                  neff, ng)


@dataclass(frozen=True)
class Locking:
    """Injection-locking figures of one client laser (frequencies GHz, powers W)."""

    injection_db: float
    injected_power_w: float
    intracavity_power_w: float
    coupling_rate_per_s: float
    lock_range_ghz: float           # full width
    lock_low_ghz: float             # nu_inj - nu_free, lower edge (red)
    lock_high_ghz: float            # upper edge (blue)
    mode_spacing_ghz: float
    round_trip_ps: float
    mirror_loss_per_cm: float
    alpha_h: float
    mode_detuning_ghz: float        # nearest longitudinal mode vs the comb line, before tuning (nu_line - nu_mode)
    red_mode_detuning_ghz: float    # the mode just red of the line (what the phase section tunes), >= 0
    phase_tuning_ghz: float         # largest blue shift of the phase section
    residual_detuning_ghz: float    # line vs tuned mode after the best available tuning
    locks: bool

    def to_json(self) -> dict:
        return asdict(self)


def mode_detuning_ghz(cav: Cavity, line_ghz: float) -> tuple[float, float]:
    """(nearest mode, red-side mode) detunings nu_line - nu_mode (GHz) of the drawn cavity.

    Round-trip phase at the line: phi = 4 pi nu L_opt / c with the phase index
    for the absolute phase; modes are spaced by the group-index spacing around it.
    """
    phi_cycles = 2 * line_ghz * 1e9 * cav.neff * cav.length_um * 1e-6 / C_M_PER_S
    frac = phi_cycles - math.floor(phi_cycles)   # cycles above the mode below the line
    red = frac * cav.mode_spacing_ghz
    nearest = red if frac <= 0.5 else red - cav.mode_spacing_ghz
    return nearest, red


def locking(cav: Cavity, *, line_ghz: float, facet_power_w: float, facet_coupling_db: float,
            guide_loss_db: float, output_power_w: float, phase_dn_max: float, lock_margin: float,
            alpha_h: float = ALPHA_H) -> Locking:
    """Injection-locking figures of ``cav`` injected with ``facet_power_w`` at the input facet.

    ``facet_coupling_db`` (>= 0) fibre-to-chip loss, ``guide_loss_db`` (>= 0)
    facet-to-mirror propagation loss, ``output_power_w`` the laser's total
    emitted power (both mirrors), ``phase_dn_max`` the phase section's largest
    index change (magnitude), ``lock_margin`` the spec's margin on the range.
    """
    for name, val, lo in (("facet_power_w", facet_power_w, 0.0), ("output_power_w", output_power_w, 0.0),
                          ("phase_dn_max", phase_dn_max, -1e-12)):
        if not (math.isfinite(val) and val > lo):
            raise InjectionError(f"{name}={val} must be > {lo:g}")
    for name, val in (("facet_coupling_db", facet_coupling_db), ("guide_loss_db", guide_loss_db)):
        if not (math.isfinite(val) and val >= 0):
            raise InjectionError(f"{name}={val} must be >= 0 dB")
    if not 0 <= lock_margin < 1:
        raise InjectionError(f"lock_margin={lock_margin} must be in [0, 1)")
    rb = cav.r_back
    incident = facet_power_w * 10 ** (-(facet_coupling_db + guide_loss_db) / 10)
    inj_db = 10 * math.log10(incident * (1 - rb) / facet_power_w)
    # intracavity power travelling onto the back mirror: its output (1 - R_b) share of the emission
    p_cav = output_power_w * cav.back_output_fraction() / (1 - rb)
    kc = (1 - rb) / (math.sqrt(rb) * cav.round_trip_s)
    w = kc * math.sqrt(incident / p_cav) / (2 * math.pi) / 1e9   # GHz
    lo, hi = -w * math.sqrt(1 + alpha_h ** 2), w
    nearest, red = mode_detuning_ghz(cav, line_ghz)
    tune = line_ghz * phase_dn_max * cav.phase_um / (cav.ng * cav.length_um)
    # nu_line - nu_mode after a blue shift t in [0, tune]: red - t; the target window is
    # (1 - margin) [lo, hi] of nu_inj - nu_free
    a, b = (1 - lock_margin) * lo, (1 - lock_margin) * hi
    t_best = min(max(red - (a + b) / 2, 0.0), tune)   # aim at the middle of the window, if reachable
    resid = red - t_best
    locks = a <= resid <= b
    return Locking(inj_db, incident * (1 - rb), p_cav, kc, hi - lo, lo, hi, cav.mode_spacing_ghz,
                   cav.round_trip_s * 1e12, cav.mirror_loss_per_cm, alpha_h, nearest, red, tune, resid, locks)


__all__ = ["ALPHA_H", "Cavity", "InjectionError", "Locking", "cavity_from_laser", "locking", "mode_detuning_ghz"]
