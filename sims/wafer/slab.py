"""Slab modes and the effective index method (EIM) for the yield surrogates.

This is the fast, independent solver the yield surrogates are fitted on where
the full-vector mode solver (:mod:`weiming.sims.modes.mpb`) cannot vary a process
parameter (etch depth, guiding-layer composition) or is not available. It is
*not* a replacement for the mode solver: the EIM is accurate for the
sensitivities (derivatives) the yield model needs far more than for absolute
indices, and every surrogate JSON names the solver it was fitted on.

The slab solvers are those of :mod:`weiming.sims.modes.slab` (re-exported here).
Sources: fundamental-mode dispersion relation of the asymmetric slab,
``k d sqrt(n2^2 - N^2) = atan(r1 g1/k) + atan(r3 g3/k)`` with ``r = 1`` (TE) or
``(n2/n_i)^2`` (TM) (D. Marcuse, *Theory of Dielectric Optical Waveguides*,
2nd ed., Academic Press 1991, ch. 1; K. Okamoto, *Fundamentals of Optical
Waveguides*, 2nd ed., 2006, sec. 2.1); EIM: Okamoto sec. 2.2 / Marcatili-type
separation. The guiding-layer (InGaAsP) index as a function of its bandgap
wavelength comes from the PDK's material model :mod:`weiming.pdk.quaternary`.
"""

from __future__ import annotations

from weiming.pdk.quaternary import HC_EV_UM  # noqa: F401  (re-exported for the device models)
# The slab mathematics lives in the one slab module; re-exported here for the surrogates.
from weiming.sims.modes.slab import eim_neff, slab_confinement  # noqa: F401
from weiming.sims.modes.slab import three_layer_neff as slab_neff  # noqa: F401


def quaternary_index(wavelength_um: float, lambda_g_um: float) -> float:
    """Index of InGaAsP lattice-matched to InP with bandgap wavelength ``lambda_g_um``
    (the PDK's model, :mod:`weiming.pdk.quaternary`: Broberg & Lindgren 1984)."""
    from weiming.pdk import quaternary

    return float(quaternary.index(wavelength_um, quaternary.y_from_lambda_g(lambda_g_um)))


def group_index_fd(neff_of_wl, wavelength_um: float, h_um: float = 0.002) -> tuple[float, float, float]:
    """(neff, ng, d2neff/dl2 in 1/um^2) by central differences of ``neff_of_wl``."""
    n0, np_, nm = neff_of_wl(wavelength_um), neff_of_wl(wavelength_um + h_um), neff_of_wl(wavelength_um - h_um)
    d1 = (np_ - nm) / (2 * h_um)
    d2 = (np_ - 2 * n0 + nm) / h_um**2
    return n0, n0 - wavelength_um * d1, d2
