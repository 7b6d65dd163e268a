"""Radius of the server comb ring for a target FSR: R = c / (2 pi ng FSR).

The group index comes from the mode solver (``weiming.sims.modes.group_index``,
MPB, cached) when it is importable, else from an effective-index-method (EIM)
estimate computed here from the PDK's film thickness and the Sellmeier models
of :mod:`weiming.pdk.materials` (Si3N4: Luke et al. 2015; SiO2: Malitson 1965):

1. vertical slab (core thickness t, SiO2 above and below), TE: even-mode
   dispersion relation  kx tan(kx t/2) = gamma;
2. lateral slab (width w, index = slab neff, SiO2 sides), TM-like polarisation
   (field across the lateral interfaces): n_s^2 / n_c^2 weighted relation;
3. ng = neff - lambda dneff/dlambda by a central difference (+-1 nm), which
   includes the material dispersion.

The EIM is an approximation (it neglects the corner fields; for a 100 nm x
2.8 um core it is expected within a few 1e-3 of a full 2D solve). The source
used is recorded in the manifest and the netlist (``ng_source``).
"""

from __future__ import annotations

import math

from weiming.circuits.network import C_M_PER_S


def _slab_neff(n_core: float, n_clad: float, thickness_um: float, wavelength_um: float, tm: bool) -> float:
    """Fundamental even mode of a symmetric slab (bisection on the dispersion relation)."""
    k0 = 2 * math.pi / wavelength_um
    r = (n_core / n_clad) ** 2 if tm else 1.0

    def f(neff: float) -> float:
        kx = k0 * math.sqrt(max(n_core**2 - neff**2, 0.0))
        g = k0 * math.sqrt(max(neff**2 - n_clad**2, 0.0))
        return kx * math.tan(kx * thickness_um / 2) - r * g

    lo, hi = n_clad + 1e-12, n_core - 1e-12
    # The even fundamental mode lies where kx t/2 < pi/2: restrict the bracket.
    kx_max = math.pi / thickness_um * 0.999999
    lo = max(lo, math.sqrt(max(n_core**2 - (kx_max / k0) ** 2, n_clad**2)) + 1e-12)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if f(mid) > 0:  # kx too large -> neff too small
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def eim_neff(thickness_um: float, width_um: float, wavelength_um: float) -> float:
    """EIM effective index of the TE0 mode of a Si3N4 strip buried in SiO2."""
    from weiming.pdk.materials import get_material

    n_si3n4 = float(get_material("si3n4").n(wavelength_um))
    n_sio2 = float(get_material("sio2").n(wavelength_um))
    n_slab = _slab_neff(n_si3n4, n_sio2, thickness_um, wavelength_um, tm=False)
    return _slab_neff(n_slab, n_sio2, width_um, wavelength_um, tm=True)


def eim_group_index(thickness_um: float, width_um: float, wavelength_um: float, dl_um: float = 0.001) -> float:
    """ng = neff - lambda dneff/dlambda of :func:`eim_neff` (central difference)."""
    n0 = eim_neff(thickness_um, width_um, wavelength_um)
    dn = (eim_neff(thickness_um, width_um, wavelength_um + dl_um)
          - eim_neff(thickness_um, width_um, wavelength_um - dl_um)) / (2 * dl_um)
    return n0 - wavelength_um * dn


def _mode_solver_ng(pdk: str, width_um: float, wavelength_um: float) -> float:
    from weiming.sims.modes import group_index  # contract 3 (cached)

    return float(group_index(pdk, "resonator", wavelength_um, width=width_um))


def group_index(pdk: str, width_um: float, wavelength_um: float, source: str = "auto") -> tuple[float, str]:
    """(ng, source) of the resonator cross-section; ``source`` "auto" | "mode_solver" | "eim".

    "auto" uses the mode solver when ``weiming.sims.modes`` imports and runs
    (its own cache makes repeats fast), otherwise the EIM estimate.
    """
    from weiming.pdk import get_tech

    if source in ("auto", "mode_solver"):
        try:
            return _mode_solver_ng(pdk, width_um, wavelength_um), "mode_solver (weiming.sims.modes.group_index, MPB)"
        except Exception as e:  # noqa: BLE001 - mode solver missing or failing: fall back, say so
            if source == "mode_solver":
                raise RuntimeError(f"server.ring.ng_source=mode_solver but the mode solver failed: {e}") from None
    t = float(get_tech(pdk).extra.get("core_thickness", 0.1))
    return eim_group_index(t, width_um, wavelength_um), f"eim (effective-index method, t={t} um, w={width_um} um)"


def radius_for_fsr(fsr_ghz: float, ng: float) -> float:
    """Ring radius (um) with FSR = c / (ng 2 pi R), rounded to the 1 nm grid."""
    return round(C_M_PER_S / (ng * fsr_ghz * 1e9) / (2 * math.pi) * 1e6, 3)
