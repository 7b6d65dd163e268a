"""InP cells (inp): importing the family modules runs their ``@register("inp")``."""

from weiming.components.inp import (  # noqa: F401
    attenuators,
    detectors,
    interferometers,
    lasers,
    mmis,
    modulators,
    pads,
    ssc,
    test_structures,
    transitions,
    waveguides,
)
