"""Electro-optic modulators: phase modulator (DC or travelling-wave GSG) and
Mach-Zehnder intensity modulator (MZM).

The EO phase shifter is a reverse-biased p-i-n deep ridge (linear EO and
carrier effects in the Q(1.25) core; Smit et al., Semicond. Sci. Technol. 29,
083001 (2014)). The p-contact (PMETAL) runs along the ridge top, enclosed by
the ridge (rule PM.EN.1); pad metal (PAD) reaches it through a BCB via
(PLANAR_OPEN) that lands on the p-metal (PLO.EN.2), so no sidewall is exposed.
"""

from __future__ import annotations

from typing import Literal

import gdsfactory as gf
from klayout import db as kdb

from weiming.components.inp import _common as cm
from weiming.components.inp._common import DesignRuleError, v
from weiming.components.registry import register

ELECTRODES = ("dc", "gsg")


def _cpw(c: gf.Component, x0: float, length_um: float, contact_w: float) -> None:
    """Travelling-wave GSG line (metal_rf cross-section) over the ridge from x0,
    with the BCB via under the signal line on the p-metal; ports e1 (west), e2 (east).

    Both ground strips are tied to the n side along the whole electrode: an
    n-contact stripe (NMETAL on the deep-etched n-InP field, BCB opening,
    :func:`_common.n_contact`) under the outer part of each ground strip, so
    the diode's return current flows into the grounds (no floating grounds).
    """
    x = cm.xs("metal_rf")
    r = c << gf.path.extrude(gf.path.straight(length_um), x)
    r.dmove((x0, 0))
    en = cm.rule_value("PLO.EN.1")
    cm.rect(c, x0, -contact_w / 2, x0 + length_um, contact_w / 2, "PMETAL")
    cm.via(c, x0 + en, x0 + length_um - en, 0, contact_w)
    for s in cm.tech().xs("metal_rf").sections:
        outer = abs(s.offset) + s.width / 2 - en   # n stripe inside the ground strip by PLO.EN.1
        sgn = 1 if s.offset > 0 else -1
        cm.n_contact(c, x0, x0 + length_um, sgn * outer, None, side=-sgn)
    c.add_port("e1", port=r.ports["e1"])
    c.add_port("e2", port=r.ports["e2"])
    c.absorb(r)


@register("inp")
def phase_modulator(length: float = 500.0, electrode: Literal["dc", "gsg"] = "dc",
                    extension: float = 10.0, n_contact: bool = True) -> gf.Component:
    """EO phase modulator: deep ridge with a ``length`` um p-contact electrode.

    ``electrode="dc"``: lumped electrode, port e1 (north, metal_dc), n contact e2 (south;
    ``n_contact=False`` leaves it to the enclosing circuit, e.g. the MZM's shared one).
    ``electrode="gsg"``: travelling-wave coplanar GSG line (metal_rf
    cross-section) along the ridge, ports e1 (west, RF in) and e2 (east, to the
    termination). The ridge extends ``extension`` um beyond the electrode at
    both ends so the optical ports o1/o2 are clear of the metal.
    """
    v.choice("electrode", electrode, ELECTRODES)
    cm.electrode_length("length", length, hi=5000.0)
    cm.length("extension", extension, lo=1.0, hi=500.0)
    t = cm.tech()
    wd = t.xs("deep").width
    contact = cm.contact_width(wd)  # p-metal on the ridge top, enclosed by PM.EN.1
    c = gf.Component()
    total = length + 2 * extension
    r = c << gf.path.extrude(gf.path.straight(total), cm.xs("deep"))
    c.add_port("o1", port=r.ports["o1"])
    c.add_port("o2", port=r.ports["o2"])
    c.absorb(r)
    if electrode == "dc":
        cm.electrode(c, extension, extension + length, 0, contact, "e1")
        if n_contact:
            cm.n_contact(c, extension, extension + length, -cm.n_contact_offset(), "e2", side=-1)
    else:
        _cpw(c, extension, length, contact)
    cm.set_info(c, length=float(length), electrode=electrode, total_length_um=float(total))
    return c


def _place(c: gf.Component, comp: gf.Component, x: float, y: float, mirror: bool = False):
    r = c << comp
    r.dcplx_trans = kdb.DCplxTrans(1, 0, mirror, x, y)
    return r


@register("inp")
def mzm(length: float = 500.0, electrode: Literal["dc", "gsg"] = "dc", arm_spacing: float = 33.0) -> gf.Component:
    """Mach-Zehnder intensity modulator: mmi1x2 -> two phase-modulator arms -> mmi2x2.

    Arms ``arm_spacing`` um apart, reached by cosine S-bends whose minimum
    radius is at least the deep ridge's radius_min plus its width.
    ``electrode="dc"``: both arms carry DC electrodes (e1 upper arm, north;
    e2 lower arm, south) for push-pull or single-arm drive; e3 their shared n
    contact (south, below e2).
    ``electrode="gsg"``: single-drive travelling wave: the GSG line drives the
    upper arm (e1 RF in, west; e2 out, east); the lower arm is a passive deep
    ridge of the same length running under the lower ground strip, where the
    field is small. Ports: o1 input (west), o2/o3 outputs (east, bar/cross).
    """
    v.choice("electrode", electrode, ELECTRODES)
    cm.electrode_length("length", length, hi=5000.0)
    t = cm.tech()
    cm.length("arm_spacing", arm_spacing, lo=1.0, hi=500.0)
    pad_gap = arm_spacing - cm.ELECTRODE_PAD_WIDTH
    if electrode == "dc" and pad_gap < t.rule("space", "PAD").value - 1e-9:
        raise DesignRuleError(f"arm_spacing={arm_spacing:.4g} um leaves {pad_gap:.4g} um between the arm "
                              f"electrodes, below the minimum space {t.rule('space', 'PAD').value:.2f} um of "
                              f"layer PAD (rule PAD.S.1)")
    if electrode == "gsg":
        g = [s for s in t.xs("metal_rf").sections if s.offset < 0][0]
        lo, hi = -g.offset - g.width / 2 + 2.0, -g.offset + g.width / 2 - 2.0
        v.in_range("arm_spacing", arm_spacing, lo, hi, "um",
                   "with a GSG electrode the lower arm must run under the lower ground strip")
    split = gf.get_component("mmi1x2")
    comb = gf.get_component("mmi2x2")
    pm = gf.get_component("phase_modulator", length=length, electrode=electrode, n_contact=False)
    rd = t.xs("deep").radius_min + t.xs("deep").width
    h = arm_spacing / 2
    y1 = split.ports["o2"].dcenter[1]
    y2 = comb.ports["o2"].dcenter[1]
    ls = max(cm.sbend_length(h - y1, rd), cm.sbend_length(h - y2, rd))
    c = gf.Component()
    r_in = _place(c, split, 0, 0)
    xa = r_in.ports["o2"].dcenter[0]
    wd = t.xs("deep").width
    for sgn in (1, -1):
        cm.sbend(c, ls, sgn * (h - y1), wd, "DEEP", (xa, sgn * y1))
    xb = xa + ls
    top = _place(c, pm, xb - pm.ports["o1"].dcenter[0], h)
    if electrode == "dc":
        bot = _place(c, pm, xb - pm.ports["o1"].dcenter[0], -h, mirror=True)
    else:
        passive = gf.get_component("straight", length=pm.info["total_length_um"], cross_section="deep")
        bot = _place(c, passive, xb, -h)
    xc = top.ports["o2"].dcenter[0]
    for sgn, yy in ((1, y2), (-1, -y2)):
        cm.sbend(c, ls, yy - sgn * h, wd, "DEEP", (xc, sgn * h))
    xd = xc + ls
    r_out = _place(c, comb, xd - comb.ports["o1"].dcenter[0], 0)
    c.add_port("o1", port=r_in.ports["o1"])
    c.add_port("o2", port=r_out.ports["o3"])
    c.add_port("o3", port=r_out.ports["o4"])
    if electrode == "dc":
        c.add_port("e1", port=top.ports["e1"])
        c.add_port("e2", port=bot.ports["e1"])
        # shared n contact of both arms, below the lower arm's electrode
        xe = xb - pm.ports["o1"].dcenter[0] + pm.info["total_length_um"] / 2
        half = length / 2
        cm.n_contact(c, xe - half, xe + half, -h - cm.n_contact_offset(), "e3", side=-1)
    else:
        c.add_port("e1", port=top.ports["e1"])
        c.add_port("e2", port=top.ports["e2"])
    cm.set_info(c, length=float(length), electrode=electrode, arm_spacing=float(arm_spacing),
                  sbend_length_um=ls, sbend_min_radius_um=round(min(cm.sbend_min_radius(ls, h - y1),
                                                                    cm.sbend_min_radius(ls, h - y2)), 3))
    return c
