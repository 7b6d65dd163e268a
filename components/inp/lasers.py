"""Active InP sources: DBR laser and semiconductor optical amplifier (SOA)."""

from __future__ import annotations

import math

import gdsfactory as gf
import numpy as np

from weiming.components.inp import _common as cm
from weiming.components.inp._common import DesignRuleError, v
from weiming.components.registry import register

NEFF_SOURCE = ("weiming.sims.devices.grating.section_modes (MPB): TE0 of the 2 um shallow Q(1.25) ridge and of its "
               "grating-tooth section, neff and ng at 1549.78 nm, first-order dispersion to the Bragg wavelength; "
               "n_avg, kappa and period by weiming.sims.devices.grating.dbr_design (see _common.dbr_at)")


def grating_teeth_nm(period_nm: float, target_length_um: float, search: int = 8) -> tuple[np.ndarray, np.ndarray, int]:
    """Tooth start and end positions (integer nm) of a first-order grating.

    The period is generally not a whole number of nm; tooth ``i`` starts at
    round(i Lambda) and ends at round((i + 1/2) Lambda), so the rounding error
    is distributed over the grating and never accumulates: every edge lies
    within 0.5 nm of its ideal place. The number of periods N is chosen within
    +-``search`` of target_length / Lambda, and the train's sub-nm offset, to make
    the least-squares period of the rounded tooth positions (what sets the grating's Fourier peak, i.e. the
    Bragg wavelength) closest to Lambda; ties go to the N nearest the target.
    """
    n0 = max(1, int(round(target_length_um * 1000 / period_nm)))

    def starts_of(k: int, phi: float) -> np.ndarray:
        return np.round(np.arange(k) * period_nm + phi).astype(np.int64)

    def slope_err(k: int, phi: float) -> float:
        if k < 2:
            return math.inf
        return abs(float(np.polyfit(np.arange(k), starts_of(k, phi).astype(float), 1)[0]) - period_nm)

    # also a sub-nm offset phi of the whole tooth train (same edges-within-0.5-nm property)
    cands = [(k, phi) for k in range(max(1, n0 - search), n0 + search + 1) for phi in np.arange(0.0, 1.0, 0.05)]
    n, phi = min(cands, key=lambda kp: (round(slope_err(*kp), 9), abs(kp[0] - n0), kp[1]))
    i = np.arange(n)
    starts = starts_of(n, phi) - int(round(phi))
    ends = np.round((i + 0.5) * period_nm + phi).astype(np.int64) - int(round(phi))
    return starts, ends, n


def _grating(c: gf.Component, x0_nm: int, period_nm: float, target_um: float, ridge_w: float) -> dict:
    # +-4 periods (+-1 um) of length freedom: mean period well inside 0.5 pm, reflectivity within ~0.015
    starts, ends, n = grating_teeth_nm(period_nm, target_um, search=4)
    hy = ridge_w / 2 + 1.0  # teeth overhang the ridge by 1 um so the etch spans it fully
    lay = cm.layer("GRATING")
    for s, e in zip(starts, ends):
        a, b = (x0_nm + int(s)) / 1000, (x0_nm + int(e)) / 1000
        c.add_polygon([(a, -hy), (b, -hy), (b, hy), (a, hy)], layer=lay)
    length_nm = int(round(n * period_nm))
    fit = float(np.polyfit(np.arange(n), starts.astype(float), 1)[0])
    return {"n_periods": n, "length_nm": length_nm, "mean_period_nm": length_nm / n, "fit_period_nm": fit}


@register("inp")
def dbr_laser(bragg_wavelength_nm: float = 1549.78, n_avg: float | None = None,
              back_reflectivity: float = 0.5, front_reflectivity: float = 0.3,
              gain_length: float = 400.0, phase_length: float = 100.0,
              iso_length: float = 20.0, taper_length: float = 20.0) -> gf.Component:
    """Four-section DBR laser: back grating | gain | phase | front grating.

    A shallow ridge of the active width (2 um) runs through all sections; the
    gain section carries the MQW island (ACTIVE); the DBR teeth are drawn on
    GRATING (etched part of each period, duty 0.5) with the first-order period
    that puts the Bragg wavelength of the *average* index of the unetched and
    tooth sections on ``bragg_wavelength_nm``: Lambda = lambda_B / (2 n_avg),
    designed by :func:`weiming.sims.devices.grating.dbr_design` from the MPB indices of
    both sections (:func:`_common.dbr_at`; ``n_avg`` overrides the average
    index, for what-if studies). The grating lengths follow from the designed
    peak reflectivities tanh^2(kappa L) with kappa of the same design:

    - ``back_reflectivity`` (0.5): the comb light is injected through the back
      mirror (o1 faces the input SSC), so it is deliberately weak: half of the
      incident comb power enters the cavity (see
      :mod:`weiming.sims.devices.injection`);
    - ``front_reflectivity`` (0.3): the output mirror (o2, towards the
      modulators); with R_b = 0.5 about 64 % of the emitted power leaves
      through the front, (1 - R_f) sqrt(R_b) / ((1 - R_f) sqrt(R_b) + (1 - R_b) sqrt(R_f)).

    Teeth: see :func:`grating_teeth_nm` (rounding distributed on the 1 nm grid,
    grating lengths rounded to whole periods). Each section has its own
    electrode (e1 back grating, e2 gain, e3 phase, e4 front grating); an
    isolation section (ISO, ``iso_length`` >= ISO.W.1) separates every pair of
    electrodes. Linear tapers (``taper_length``) bring the ridge to the shallow
    width at o1 (back) and o2 (front, output).
    """
    v.in_range("bragg_wavelength_nm", bragg_wavelength_nm, 1400.0, 1700.0, "nm", "InP Q(1.25) guides, C/L band")
    design = cm.dbr_at(bragg_wavelength_nm)
    if n_avg is not None:
        v.in_range("n_avg", n_avg, 3.0, 3.5, "", "between the InP cladding and Q(1.25) core indices")
        period_nm = bragg_wavelength_nm / (2 * n_avg)
    else:
        n_avg, period_nm = design.n_avg, design.period_nm
    v.in_range("back_reflectivity", back_reflectivity, 0.05, 0.99, "", "peak DBR reflectivity tanh^2(kappa L)")
    v.in_range("front_reflectivity", front_reflectivity, 0.05, 0.99, "", "peak DBR reflectivity tanh^2(kappa L)")
    lengths = {}
    for name, r in (("back_grating", back_reflectivity), ("front_grating", front_reflectivity)):
        ln = design.length_for_reflectivity_um(r)
        lo = max(cm.min_electrode_length(), cm.ELECTRODE_PAD_WIDTH)
        if ln < lo:
            raise DesignRuleError(f"{name.split('_')[0]}_reflectivity={r:g} needs a {ln:.1f} um grating at kappa "
                                  f"{design.kappa_per_cm:.0f} /cm, shorter than its {lo:g} um electrode "
                                  f"(PLO.W.1 + 2 x PLO.EN.1, PAD width); use a higher reflectivity")
        lengths[name] = ln
    for name, val in (("gain_length", gain_length), ("phase_length", phase_length)):
        cm.electrode_length(name, val, hi=3000.0)
    cm.iso_length("iso_length", iso_length)
    t = cm.tech()
    wa, ws = t.xs("active").width, t.xs("shallow").width
    cm.length("taper_length", taper_length, lo=1.0, hi=500.0)
    cm.taper_angle("taper_length", taper_length, wa, ws, "SHALLOW")
    if period_nm / 2 < cm.rule_value("GR.W.1") * 1000:
        raise DesignRuleError(f"n_avg={n_avg} gives teeth of {period_nm / 2:.1f} nm, below GR.W.1")

    c = gf.Component()
    lay_clad, off = t.xs("active").cladding[0]
    iso_h = cm.ELECTRODE_PAD_WIDTH + 10.0  # ISO spans the electrode stripes with 5 um margin
    x_nm = int(round(taper_length * 1000))
    sections, gratings = [], {}
    order = (("back_grating", lengths["back_grating"]), ("gain", gain_length), ("phase", phase_length),
             ("front_grating", lengths["front_grating"]))
    for k, (name, ln) in enumerate(order):
        if k:
            a = x_nm
            x_nm += int(round(iso_length * 1000))
            cm.iso(c, a / 1000, x_nm / 1000, 0, iso_h)
        x0 = x_nm
        if name.endswith("grating"):
            g = _grating(c, x0, period_nm, ln, wa)
            gratings[name] = g
            x_nm += g["length_nm"]
        else:
            x_nm += int(round(ln * 1000))
        sections.append((name, x0 / 1000, x_nm / 1000))
        if name == "gain":
            cm.rect(c, x0 / 1000, -wa / 2 - off, x_nm / 1000, wa / 2 + off, lay_clad)
        cm.electrode(c, x0 / 1000, x_nm / 1000, 0, cm.contact_width(wa), f"e{k + 1}")
    x_end = x_nm / 1000
    total = x_end + taper_length
    # common n contact of all four sections (e5, south) on the deep-etched n-InP field
    cm.n_contact(c, taper_length, x_end, -cm.n_contact_offset(), "e5", side=-1)
    # ridge: taper, constant 2 um active-width ridge, taper
    c.add_polygon([(0, -ws / 2), (taper_length, -wa / 2), (taper_length, wa / 2), (0, ws / 2)],
                  layer=cm.layer("SHALLOW"))
    cm.straight_path(c, taper_length, x_end, 0, wa, "SHALLOW")
    c.add_polygon([(x_end, -wa / 2), (total, -ws / 2), (total, ws / 2), (x_end, wa / 2)],
                  layer=cm.layer("SHALLOW"))
    xs_sh = cm.xs("shallow")
    c.add_port("o1", center=(0, 0), width=ws, orientation=180, layer=cm.layer("SHALLOW"), port_type="optical",
               cross_section=xs_sh)
    c.add_port("o2", center=(cm.snap(total), 0), width=ws, orientation=0, layer=cm.layer("SHALLOW"),
               port_type="optical", cross_section=xs_sh)
    refl = {k: round(design.reflectivity(g["length_nm"] / 1000), 6) for k, g in gratings.items()}
    cm.set_info(c,
        bragg_wavelength_nm=float(bragg_wavelength_nm), n_avg=round(float(n_avg), 7),
        neff_ridge=round(design.neff_ridge, 7), neff_tooth=round(design.neff_tooth, 7),
        kappa_per_cm=round(design.kappa_per_cm, 4), stopband_nm=round(design.stopband_nm, 4),
        neff_source=NEFF_SOURCE, period_nm=round(period_nm, 6),
        mean_period_nm={k: round(g["mean_period_nm"], 6) for k, g in gratings.items()},
        fit_period_nm={k: round(g["fit_period_nm"], 6) for k, g in gratings.items()},
        bragg_wavelength_drawn_nm={k: round(2 * n_avg * g["fit_period_nm"], 4) for k, g in gratings.items()},
        n_periods={k: g["n_periods"] for k, g in gratings.items()},
        reflectivity=refl,
        back_grating_length_um=gratings["back_grating"]["length_nm"] / 1000,
        front_grating_length_um=gratings["front_grating"]["length_nm"] / 1000,
        section_um={n: [round(a, 3), round(b, 3)] for n, a, b in sections},
        iso_length_um=float(iso_length), length_um=round(total, 3), kappa_modelled=True)
    return c


@register("inp")
def soa(length: float = 300.0, transition_length: float = 30.0) -> gf.Component:
    """Semiconductor optical amplifier: forward-biased MQW active section of
    ``length`` um between two shallow-to-active butt-joint transitions, one
    electrode (e1, north). Optical ports o1/o2 on the shallow ridge."""
    cm.electrode_length("length", length, hi=3000.0)
    cm.length("transition_length", transition_length, lo=10.0, hi=500.0)
    c = gf.Component()
    cm.active_section(c, length, transition_length, "e1")
    cm.set_info(c, length=float(length), active_length_um=float(length))
    return c
