"""TF-QKD network model: from chip metrics to secret keys.

Modules (one concern each):

- :mod:`.plob`: the repeaterless PLOB bound, absolute (fibre only) and
  conditional (fibre x detector efficiency).
- :mod:`.link`: fibre, detectors, noise counts and the misalignment error built
  from its physical sources; presets and the network YAML (``default_network.yaml``).
- :mod:`.sns`: sending-or-not-sending TF-QKD (Wang, Yu, Hu, PRA 98, 062323 (2018)):
  asymptotic, three-intensity decoy, finite key, AOPP.
- :mod:`.pm`: phase-matching QKD (Ma, Zeng, Zhou, PRX 8, 031043 (2018)), asymptotic.
- :mod:`.optimise`: intensity/probability optimisation per distance (vectorised grids).
- :mod:`.chips`: chip metrics (yield Monte Carlo, build manifest, comb model) -> link parameters.
- :mod:`.capability`: per-pair rates, networking capability, key-rate yield.
"""

from weiming.sims.network.plob import plob_absolute, plob_bound, plob_conditional

__all__ = ["plob_absolute", "plob_bound", "plob_conditional"]
