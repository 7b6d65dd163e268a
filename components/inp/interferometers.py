"""Asymmetric Mach-Zehnder interferometer (time-bin encoder/decoder)."""

from __future__ import annotations

import gdsfactory as gf
from klayout import db as kdb

from weiming.components.inp import _common as cm
from weiming.components.inp._common import DesignRuleError, v
from weiming.components.registry import register


def delay_to_length_um(delay_ps: float, ng: float) -> float:
    """Path-length difference dL = c * delay / n_g, um."""
    return cm.C0 * delay_ps * 1e-12 / ng * 1e6


def _arm(up: int, rise: float, straight_um: float, radius: float, drop: float = 0.0) -> gf.Path:
    """Arm leaving +x: bend towards ``up`` (+1/-1), ``rise`` um away, across, back by ``rise + drop``."""
    b1 = gf.path.euler(radius=radius, angle=90 * up, p=0.5, use_eff=False)
    b2 = gf.path.euler(radius=radius, angle=-90 * up, p=0.5, use_eff=False)
    p = gf.Path()
    for part in (b1, gf.path.straight(rise), b2, gf.path.straight(straight_um), b2,
                 gf.path.straight(rise + drop), b1):
        if part.length() > 0:
            p.append(part)
    return p


@register("inp")
def amzi(delay_ps: float = 10.0, ng: float = cm.NG_DEEP, top_length: float = 100.0,
         phase_section: bool = True) -> gf.Component:
    """AMZI from a deep 1x2 MMI splitter to a 2x2 MMI combiner with a ``delay_ps`` ps differential
    delay (the time-bin encoder/decoder of the client transmitter; one input, so no unused port).

    dL = c * delay / n_g (``ng``: group index of the deep ridge, default
    :data:`_common.NG_DEEP`). The lower (short) arm is a straight deep guide
    between the MMIs (a gentle cosine S-bend absorbs the splitter/combiner port
    offset); the upper (long) arm leaves through four Euler bends
    (radius_min of the deep ridge), rises and runs ``top_length`` um across;
    its rise is solved so that the drawn centre-line difference is dL (the
    bends' extra length over their span is included); the drawn dL is
    ``info['dL_um']`` (1 nm grid).

    ``phase_section``: a current-injection phase section (p-i-n, like the
    laser's) on the long arm's top straight to set the AMZI's phase: p-contact
    electrode on the ridge, its n contact (:func:`_common.n_contact`) inside the
    loop; pad-metal leads run down across the short arm (passive deep guide,
    DC metal on the BCB) to ports e1 (p) and e2 (n) below the cell, facing
    south. Optical ports: o1 west (input), o3/o4 east (top/bottom outputs).
    """
    v.in_range("delay_ps", delay_ps, 0.1, 100.0, "ps", "on-chip delay lines up to ~8 mm")
    v.in_range("ng", ng, 3.0, 4.5, "", "group index of InP ridge guides")
    cm.length("top_length", top_length, lo=0.0, hi=2000.0)
    if phase_section:
        # p lead, PAD.S.1, and an n contact (NM.W.1 long, its BCB opening inside PLO.EN.1) side by side
        lo = 2 * cm.ELECTRODE_PAD_WIDTH + cm.rule_value("PAD.S.1") + 2 * cm.rule_value("PLO.EN.1")
        cm.length("top_length", top_length, lo=lo, hi=2000.0,
                  why="phase section: p lead, PAD.S.1 and an n contact of NM.W.1 with PLO.EN.1 on the top straight")
    t = cm.tech()
    radius = t.xs("deep").radius_min
    dl_target = delay_to_length_um(delay_ps, ng)
    split, comb = gf.get_component("mmi1x2"), gf.get_component("mmi2x2")
    x = cm.xs("deep")
    c = gf.Component()
    r_in = c << split
    a_top, a_bot = r_in.ports["o2"].dcenter, r_in.ports["o3"].dcenter
    if a_top[1] < a_bot[1]:
        a_top, a_bot = a_bot, a_top
    y_top_in, y_bot_in = sorted((p.dcenter[1] for p in (comb.ports["o1"], comb.ports["o2"])), reverse=True)
    drop = a_top[1] - y_top_in          # the long arm comes down this much further than it rose
    p0 = _arm(+1, 0.0, top_length, radius, drop)
    span = float(p0.points[-1][0] - p0.points[0][0])
    wd = t.xs("deep").width
    l_bot = cm.sbend(c, span, y_bot_in - a_bot[1], wd, "DEEP", a_bot, npoints=41) if abs(y_bot_in - a_bot[1]) > 1e-4 \
        else cm.add_path(c, gf.path.straight(span), x, a_bot)
    excess = float(p0.length()) - l_bot
    if excess > dl_target + 1e-9:
        raise DesignRuleError(f"delay_ps={delay_ps:g} needs dL={dl_target:.1f} um, less than the "
                              f"{excess:.1f} um the long arm's four bends (radius_min {radius:g} um) add")
    rise = cm.snap((dl_target - excess) / 2)
    p_top = _arm(+1, rise, top_length, radius, drop)
    l_top = cm.add_path(c, p_top, x, a_top)
    x_out = a_top[0] + span
    r_out = c << comb
    cin = [p for p in comb.ports if p.name in ("o1", "o2")]
    r_out.dcplx_trans = kdb.DCplxTrans(1, 0, False, x_out - cin[0].dcenter[0], 0)
    c.add_port("o1", port=r_in.ports["o1"])
    c.add_port("o3", port=r_out.ports["o3"])
    c.add_port("o4", port=r_out.ports["o4"])
    if phase_section:
        y_peak = a_top[1] + float(max(pt[1] for pt in p_top.points))
        _phase_section(c, a_top[0] + span / 2, y_peak, top_length, a_bot[1])
    cm.set_info(c, delay_ps=float(delay_ps), ng=float(ng), dL_target_um=round(dl_target, 6),
                dL_um=round(l_top - l_bot, 6), fsr_ghz=round(1e3 / delay_ps, 6),
                arm_lengths_um=[round(l_top, 6), round(l_bot, 6)], phase_section=bool(phase_section))
    return c


def _phase_section(c: gf.Component, xc: float, y_top: float, length_um: float, y_bot: float) -> None:
    """p electrode on the long arm's top straight (centred at ``xc``, ridge at ``y_top``), its n contact
    inside the loop, and pad-metal leads down across the short arm (at ``y_bot``) to ports e1/e2."""
    wd = cm.tech().xs("deep").width
    hw = cm.ELECTRODE_PAD_WIDTH / 2
    x0, x1 = cm.snap(xc - length_um / 2), cm.snap(xc + length_um / 2)
    cm.electrode(c, x0, x1, y_top, cm.contact_width(wd), None)
    space = cm.rule_value("PAD.S.1")
    # n contact inside the loop, below the p electrode's pad stripe
    yn_top = y_top - cm.n_contact_offset()
    ya, _ = cm.n_contact(c, x0 + cm.ELECTRODE_PAD_WIDTH + space, x1, yn_top, None, side=-1)
    y_port = cm.snap(y_bot - 30.0)
    # p lead from the p stripe's west end, n lead from the n stripe's west end, both down to y_port
    xp = x0 + hw
    xn = x0 + cm.ELECTRODE_PAD_WIDTH + space + hw
    cm.rect(c, xp - hw, y_port, xp + hw, y_top, "PAD")
    cm.rect(c, xn - hw, y_port, xn + hw, ya + 1.0, "PAD")
    cm.mark_n_port(c, "e2")
    for name, xx in (("e1", xp), ("e2", xn)):
        c.add_port(name, center=(cm.snap(xx), y_port), width=cm.ELECTRODE_PAD_WIDTH, orientation=270,
                   layer=cm.layer("PAD"), port_type="electrical", cross_section=cm.xs("metal_dc"))
