"""Simulations, one sub-package per concern.

- :mod:`.modes`: mode solvers of cross-sections (MPB, the femwell check), 1D slabs, dispersion;
- :mod:`.fdtd`: meep FDTD (effective-index reduction, rings, couplers, S-parameters);
- :mod:`.devices`: compact device models (ring, coupler, MMI, grating, AMZI, injection locking);
- :mod:`.comb`, :mod:`.network`: the comb and network models;
- :mod:`.wafer`, :mod:`.sweep`: wafer-level yield and parameter sweeps;
- :mod:`.cache` and :mod:`._meep` (shared by all): the disk cache and the meep/MPB import guard.

Module-level dependencies point one way: devices -> fdtd -> modes -> cache/_meep (devices also use
modes); the only way back is a deferred call (the femwell coupler check integrates with the device
model's :func:`~weiming.sims.devices.coupler.integrate_coupler`);
nothing here imports the tape-out flow or the CLI (``tests/test_architecture.py``).
"""

from weiming.sims._meep import MeepMissingError, require_meep, require_mpb  # noqa: E402,F401  (light: imports meep lazily)
