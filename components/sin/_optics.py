"""Effective-index estimates and the one group-index rule of the ring cells and the build.

The ring group index rule (:func:`ring_group_index`): the converged vectorial mode solver
(:func:`weiming.sims.modes.dispersion.ng_at`, MPB Richardson-extrapolated, cached) when it is available, else
the effective-index estimate below. The ring cell's radius from an FSR and the
chip build's comb ring use this one rule, so the Python API, ``weiming cells
show ring_resonator --set fsr=...`` and ``weiming build`` draw the same radius
(997.55 um for 30.03 GHz on sin100 with the converged MPB ng; 998.70 um with the EIM fallback on
a machine without meep; the source used is recorded in the cell's and the
manifest's ``ng_source``).

The estimate is a Marcatili/Kumar-style effective-index method (EIM): the vertical
three-layer slab (SiO2 / Si3N4 core / SiO2) solved exactly for its TE0 mode,
then the lateral slab (slab index / width / SiO2) for its TM-like mode, with the
Sellmeier models of :mod:`weiming.pdk.materials` (Si3N4: Luke et al. 2015; SiO2:
Malitson 1965). Group index by a central difference in wavelength (material
dispersion included).

Check against the seed network: on sin100 (2.8 um x 100 nm) the EIM gives
ng = 1.591, hence R = c / (2 pi ng FSR) = 998.7 um for FSR = 30.03 GHz, i.e. the
"~1 mm" ring of the seed comb. ``tests/test_components_sin.py`` compares it with
the vectorial mode solver (``weiming.sims.modes.dispersion.group_index``) where
available. EIM is known to be accurate to a few percent for such wide, thin
cores; treat it as an estimate (documented in each cell's ``info``).
"""

from __future__ import annotations

import math
from functools import lru_cache


from weiming.pdk.materials import get_material
from weiming.sims.modes.slab import slab_neff

C_M_S = 299_792_458.0
LAMBDA_UM = 1.54978  # seed comb centre wavelength (seed-network.md)


def _slab_neff(n_core: float, n_clad: float, thickness_um: float, wavelength_um: float, tm: bool) -> float:
    """Fundamental mode of a symmetric slab (exact transcendental equation, :func:`weiming.sims.modes.slab.slab_neff`)."""
    return slab_neff(n_core, n_clad, thickness_um, wavelength_um, pol="TM" if tm else "TE")


@lru_cache(maxsize=256)
def slab_index(thickness_um: float, wavelength_um: float = LAMBDA_UM) -> float:
    """Effective index of the vertical Si3N4 film (TE0)."""
    nc = float(get_material("si3n4").n(wavelength_um))
    ns = float(get_material("sio2").n(wavelength_um))
    return _slab_neff(nc, ns, thickness_um, wavelength_um, tm=False)


@lru_cache(maxsize=256)
def neff_eim(width_um: float, thickness_um: float, wavelength_um: float = LAMBDA_UM) -> float:
    """Effective index of a Si3N4 channel waveguide in SiO2 (EIM, TE-like mode)."""
    ns = float(get_material("sio2").n(wavelength_um))
    return _slab_neff(slab_index(thickness_um, wavelength_um), ns, width_um, wavelength_um, tm=True)


@lru_cache(maxsize=256)
def ng_eim(width_um: float, thickness_um: float, wavelength_um: float = LAMBDA_UM) -> float:
    """Group index ng = neff - lambda dneff/dlambda (EIM, central difference, 1 nm step)."""
    d = 1e-3
    dn = (neff_eim(width_um, thickness_um, wavelength_um + d)
          - neff_eim(width_um, thickness_um, wavelength_um - d)) / (2 * d)
    return neff_eim(width_um, thickness_um, wavelength_um) - wavelength_um * dn


def ring_group_index(pdk: str, width_um: float, thickness_um: float, wavelength_um: float = LAMBDA_UM,
                     source: str = "auto") -> tuple[float, str]:
    """(ng, where it came from) of a ring's ``resonator`` cross-section: THE rule for ring radii.

    ``source``: "auto" (mode solver when it imports and runs, else EIM), "mode_solver" (error if it
    cannot run) or "eim".
    """
    if source in ("auto", "mode_solver"):
        try:
            return (mode_solver_ng(pdk, width_um, wavelength_um),
                    "mode_solver (weiming.sims.modes.dispersion.ng_at: MPB, Richardson over two grids)")
        except Exception as e:  # noqa: BLE001 - mode solver missing or failing: fall back, say so
            if source == "mode_solver":
                raise RuntimeError(f"ng_source=mode_solver but the mode solver failed: {e}") from None
    return (ng_eim(width_um, thickness_um, wavelength_um),
            f"eim (effective-index method, t={thickness_um} um, w={width_um} um)")


#: digits kept of the solver's ng: the Richardson ng repeats to ~1e-6 between cold and warm-started solves (a 6th digit flipped on a fresh clone), so 5 digits keep the drawn radius reproducible (5e-6 relative, ~1 nm at R = 225 um)
NG_DIGITS = 5


@lru_cache(maxsize=64)
def mode_solver_ng(pdk: str, width_um: float, wavelength_um: float) -> float:
    """Converged group index of the ``resonator`` cross-section, rounded to :data:`NG_DIGITS` digits.

    The dispersion module's default route (:func:`weiming.sims.modes.dispersion.ng_at`: MPB on two
    grids, Richardson-extrapolated; within 1e-5 of a converged femwell reference on sin100, where
    one MPB grid is ~8e-4 high, i.e. a ring 5e-4 off its FSR).

    Computed in a child process and kept in the disk cache: importing meep sets the CPU's
    flush-to-zero mode (it is built with -ffast-math), which would change floating point in the
    calling process (a cell call must not do that). Raises when meep/MPB is not available.
    """
    import json
    import subprocess
    import sys

    from weiming.fileio import source_digest
    from weiming.sims.cache import cached

    def compute() -> float:
        code = ("import json,sys; from weiming.sims.modes.dispersion import ng_at; "
                f"ng = ng_at({pdk!r}, 'resonator', {wavelength_um!r}, width={width_um!r}); "
                "sys.stdout.write('\\nNG=' + json.dumps(float(ng)) + '\\n')")
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
        lines = [ln for ln in r.stdout.splitlines() if ln.startswith("NG=")]
        if r.returncode != 0 or not lines:
            last = (r.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"mode solver failed: {last}")
        return round(json.loads(lines[-1][3:]), NG_DIGITS)

    key = {"pdk": pdk, "width": width_um, "wl": wavelength_um,
           "source": source_digest(("weiming.pdk", "weiming.sims", "weiming.components"))}
    return float(cached("ring_group_index_mpb", key, compute))


def radius_for_fsr(fsr_hz: float, ng: float) -> float:
    """Ring radius (um) with free spectral range ``fsr_hz``: FSR = c / (ng 2 pi R)."""
    return C_M_S / (ng * 2 * math.pi * fsr_hz) * 1e6


def fsr_for_radius(radius_um: float, ng: float) -> float:
    """FSR (Hz) of a ring of ``radius_um``."""
    return C_M_S / (ng * 2 * math.pi * radius_um * 1e-6)
