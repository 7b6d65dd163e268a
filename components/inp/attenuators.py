"""Variable optical attenuator (VOA).

Type: reverse-biased MQW absorber section (electro-absorption). Why this and
not an MZI: the client transmitter only needs to set the mean photon number
(attenuation, not phase), and an absorber is short (~150 um versus two
modulator arms plus MMIs), has a single electrode and no interferometric bias
point to stabilise, and reaches >20 dB at a few volts through the
quantum-confined Stark effect in the same MQW used by the laser and SOA
(Smit et al., Semicond. Sci. Technol. 29, 083001 (2014)). Its price, a
photocurrent and a wavelength-dependent absorption, is acceptable at the
~1 mW levels of a QKD transmitter operating at one fixed comb line.
"""

from __future__ import annotations

import gdsfactory as gf

from weiming.components.inp import _common as cm
from weiming.components.registry import register


@register("inp")
def voa(length: float = 150.0, transition_length: float = 30.0) -> gf.Component:
    """Electro-absorption VOA: reverse-biased MQW active section of ``length`` um
    between shallow-to-active transitions; electrode e1 (p, north), n contact e2 (south, on the
    deep-etched n-InP field, :func:`_common.n_contact`); o1/o2 shallow."""
    cm.electrode_length("length", length, hi=2000.0)
    cm.length("transition_length", transition_length, lo=10.0, hi=500.0)
    c = gf.Component()
    x1 = cm.active_section(c, length, transition_length, "e1")
    cm.n_contact(c, transition_length, x1, -cm.n_contact_offset(), "e2", side=-1)
    cm.set_info(c, length=float(length), type="reverse-biased MQW absorber")
    return c
