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
    c = gf.Component()
    x0 = transition_length
    x1 = cm.active_section(c, length, transition_length, "e1", both_ends=False)
    # n contact: NMETAL stripe (NM.W.1) below the ridge, its PAD kept PAD.S.1 from the p pad
    cm.n_contact(c, x0, x1, -cm.n_contact_offset(), "e2", side=-1)
    cm.set_info(c, length=float(length), absorber_length_um=float(length))
    return c
