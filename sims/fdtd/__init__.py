"""FDTD with meep: resonances (Harminv), S-parameters of PDK cells, 2D effective-index reduction.

Public API (meep units inside: um and 1/um, c = 1):

- :func:`ring2d` - resonances of an isolated 2D ring (Meep's ring tutorial);
- :func:`ring_bus_2d` - loaded resonances of a 2D ring next to a bus (Harminv);
- :func:`coupler_fdtd_2d` - kappa^2 / excess loss of a 2D ring-bus coupler;
- :func:`sparams` - S-parameters of any registered cell of a PDK over a band,
  written by :func:`write_outputs` as Touchstone (.sNp, scikit-rf), JSON and PNG;
- :func:`reduce_2d` - the effective-index reduction used for 2D runs.

Modules: :mod:`.core` (meep plumbing, Harminv, 2D rings), :mod:`.coupler` (2D
point-coupler world), :mod:`.eim` (effective-index reduction to 2D),
:mod:`.sparameters` (S-parameters of a PDK cell). This package's ``__init__``
re-exports their public API and nothing else.

2D method (effective-index method, see :mod:`weiming.sims.fdtd.eim`): the 2D
core index is the fundamental TE slab effective index of the PDK's vertical
layer stack under the waveguide layer at the centre wavelength (1D finite
differences on the materials' Sellmeier indices); the background is the slab
index of the etched region, or the filling material's index where that region
guides nothing (oxide for the Si3N4 PDKs, BCB beside deep InP ridges). The
quasi-TE mode then has its E field in the plane (meep Hz polarisation, mirror
symmetry odd in E across a horizontal axis of symmetric cells). 3D runs extrude
the cell's polygons through the layer stack (``three_d=True``).

Runs stop when the DFT fields have decayed by 1e-6 (``decay_by``; 1e-3 leaves
ripples in the spectra, gdsfactory issue 779).

Large simulations: the default install is Debian's serial ``python3-meep``,
which includes MPB (needed for eigenmode sources and the mode solver). For a
single simulation larger than one core can run, use meep's MPI build
(Debian ``python3-meep-openmpi``; it ships no MPB and conflicts with
``python3-meep``, so install it in a separate machine/container) and launch the
same script with ``mpirun -np N python script.py``; everything here calls meep
through its Python API only and runs unchanged under MPI. Parameter sweeps are
better parallelised across processes with the serial build (``weiming sweep``).
"""

from __future__ import annotations

from weiming.sims.fdtd.core import FdtdInputError, Resonance, ring2d, ring_bus_2d
from weiming.sims.fdtd.coupler import CouplerFdtd, coupler_fdtd_2d
from weiming.sims.fdtd.eim import Reduction2D, bent_slab_ng, reduce_2d
from weiming.sims.fdtd.sparameters import SParams, parse_wavelengths, sparams, write_outputs

__all__ = ["FdtdInputError", "Resonance", "ring2d", "ring_bus_2d", "CouplerFdtd", "coupler_fdtd_2d", "Reduction2D",
           "bent_slab_ng", "reduce_2d", "SParams", "parse_wavelengths", "sparams", "write_outputs"]
