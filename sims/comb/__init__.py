"""Kerr microcomb models of the server ring (Lugiato-Lefever equation, self-injection locking).

- :mod:`.lle`: normalised LLE, adaptive Strang split-step, homogeneous states, MI gain, seeds;
- :mod:`.steady`: Newton-Krylov stationary states and their stability;
- :mod:`.regime`: comb-state classification from the field and its stability;
- :mod:`.design`: the design's ring in physical units (Dint, kappa_0, kappa_ex, g0);
- :mod:`.sil`: self-injection locking (laser + forward/backward resonator fields);
- :mod:`.operating`: the comb at the design's operating point and the channel-line powers.
"""

from weiming.sims.comb.operating import CombInputError, CombResult, channel_bus_powers_w, simulate

__all__ = ["CombInputError", "CombResult", "channel_bus_powers_w", "simulate"]
