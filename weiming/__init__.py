"""weiming: design automation for the chips of an integrated TF-QKD network.

Sub-packages: :mod:`weiming.pdk` (process design kits as data),
:mod:`weiming.components` (parametric cells), :mod:`weiming.circuits` (chips,
reticles, the network plan), :mod:`weiming.sims` (mode solver, FDTD, ring and
yield models, sweeps).
"""

__version__ = "0.1.0"
