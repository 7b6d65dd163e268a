"""Simulations: mode solver, dispersion, FDTD, ring and coupler models, wafer yield, sweeps."""
