"""Asymmetric Mach-Zehnder interferometer (time-bin encoder/decoder)."""

from __future__ import annotations

import gdsfactory as gf
from klayout import db as kdb

from weiming.components.inp import _common as cm
from weiming.components.inp._common import v
from weiming.components.registry import register


def delay_to_length_um(delay_ps: float, ng: float) -> float:
    """Path-length difference dL = c * delay / n_g, um."""
    return cm.C0 * delay_ps * 1e-12 / ng * 1e6


def _arm(up: int, rise: float, straight_um: float, radius: float) -> gf.Path:
    """Arm leaving +x: bend towards ``up`` (+1/-1), ``rise`` um away, across, back."""
    b1 = gf.path.euler(radius=radius, angle=90 * up, p=0.5, use_eff=False)
    b2 = gf.path.euler(radius=radius, angle=-90 * up, p=0.5, use_eff=False)
    p = gf.Path()
    for part in (b1, gf.path.straight(rise), b2, gf.path.straight(straight_um), b2,
                 gf.path.straight(rise), b1):
        if part.length() > 0:
            p.append(part)
    return p


@register("inp")
def amzi(delay_ps: float = 10.0, ng: float = cm.NG_DEEP, top_length: float = 10.0) -> gf.Component:
    """AMZI between two deep 2x2 MMIs with a ``delay_ps`` ps differential delay.

    dL = c * delay / n_g (``ng``: group index of the deep ridge, default
    :data:`_common.NG_DEEP`, an assumption documented there). Both arms have
    the same four Euler bends (radius_min of the deep ridge), so bends cancel
    in the difference: the upper arm rises dL/2 further than the lower arm
    falls, and the drawn dL is recorded in ``info['dL_um']`` (1 nm grid).
    Default 10 ps (100 GHz FSR; assumption, compact on the 4.6 x 2 mm die).
    Ports: o1/o2 west (bottom/top), o3/o4 east (top/bottom).
    """
    v.in_range("delay_ps", delay_ps, 0.1, 100.0, "ps", "on-chip delay lines up to ~8 mm")
    v.in_range("ng", ng, 3.0, 4.5, "", "group index of InP ridge guides")
    cm.length("top_length", top_length, lo=0.0, hi=2000.0)
    t = cm.tech()
    radius = t.xs("deep").radius_min
    dl_target = delay_to_length_um(delay_ps, ng)
    rise = cm.snap(dl_target / 2)
    mmi = gf.get_component("mmi2x2")
    x = cm.xs("deep")
    c = gf.Component()
    r_in = c << mmi
    p_top = _arm(+1, rise, top_length, radius)
    p_bot = _arm(-1, 0.0, top_length, radius)
    l_top = cm.add_path(c, p_top, x, r_in.ports["o3"].dcenter)
    l_bot = cm.add_path(c, p_bot, x, r_in.ports["o4"].dcenter)
    x_out = r_in.ports["o3"].dcenter[0] + p_top.points[-1][0]
    r_out = c << mmi
    r_out.dcplx_trans = kdb.DCplxTrans(1, 0, False, x_out - mmi.ports["o1"].dcenter[0], 0)
    c.add_port("o1", port=r_in.ports["o1"])
    c.add_port("o2", port=r_in.ports["o2"])
    c.add_port("o3", port=r_out.ports["o3"])
    c.add_port("o4", port=r_out.ports["o4"])
    cm.set_info(c, delay_ps=float(delay_ps), ng=float(ng), dL_target_um=round(dl_target, 6),
                  dL_um=round(l_top - l_bot, 6), fsr_ghz=round(1e3 / delay_ps, 6),
                  arm_lengths_um=[round(l_top, 6), round(l_bot, 6)])
    return c
