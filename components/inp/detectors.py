"""Waveguide monitor photodiode: a reverse-biased MQW absorbing section."""

from __future__ import annotations

import gdsfactory as gf

from weiming.components.inp import _common as cm
from weiming.components.registry import register


@register("inp")
def photodiode(length: float = 50.0, transition_length: float = 30.0) -> gf.Component:
    """Monitor photodiode: o1 (shallow) -> transition -> MQW absorber of ``length`` um
    that terminates the guide. Contacts: p on the ridge (e1, north; PMETAL +
    PAD through a BCB via) and a top-side n contact (NMETAL + PAD, e2, south)
    beside the ridge, so the diode can be read out independently of the
    common substrate."""
    cm.electrode_length("length", length, hi=1000.0)
    cm.length("transition_length", transition_length, lo=10.0, hi=500.0)
    t = cm.tech()
    c = gf.Component()
    x0 = transition_length
    x1 = cm.active_section(c, length, transition_length, "e1", both_ends=False)
    # n contact: NMETAL stripe (NM.W.1) below the ridge, its PAD kept PAD.S.1 from the p pad
    en = cm.rule_value("PLO.EN.1")
    nm_w = max(t.rule("width", "NMETAL").value, cm.ELECTRODE_PAD_WIDTH)
    y_top = -cm.ELECTRODE_PAD_WIDTH / 2 - t.rule("space", "PAD").value - 5.0
    y_bot = y_top - nm_w
    cm.rect(c, x0, y_bot, x1, y_top, "NMETAL")
    cm.rect(c, x0, y_bot, x1, y_top, "PAD")
    cm.rect(c, x0 + en, y_bot + en, x1 - en, y_top - en, "PLANAR_OPEN")
    c.add_port("e2", center=(cm.snap((x0 + x1) / 2), cm.snap(y_bot)), width=cm.ELECTRODE_PAD_WIDTH,
               orientation=270, layer=cm.layer("PAD"), port_type="electrical", cross_section=cm.xs("metal_dc"))
    cm.set_info(c, length=float(length), absorber_length_um=float(length))
    return c
