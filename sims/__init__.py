"""Simulations: mode solver, dispersion, FDTD, ring and coupler models, wafer yield, sweeps."""

from weiming.sims._meep import MeepMissingError, require_meep, require_mpb  # noqa: E402,F401  (light: imports meep lazily)
