"""MMI splitters: splitting ratio, imbalance and excess loss vs width by FDTD of the PDK cell.

Each point is an S-parameter run (:func:`weiming.sims.fdtd.sparameters.sparams`,
2D effective-index reduction by default, ``three_d=True`` for a 3D check on
the Si3N4 PDKs) of the registered ``mmi1x2``/``mmi2x2`` cell with its
``width`` (InP) or ``width_mmi`` (Si3N4) changed and, by default, the length
held at the nominal design: that is how a lithography width error detunes the
self-imaging (Soldano & Pennings, J. Lightwave Technol. 13, 615 (1995)).

``ratio`` is the power fraction into the upper output, ``imbalance_db =
10 log10(P_upper / P_lower)``, ``excess_loss_db = -10 log10(P_upper + P_lower)``.

Grid dispersion (why the InP MMIs need it): self-imaging depends on the beat
phases ``(beta_0 - beta_m) L`` of the lateral modes. On meep's Yee grid a mode
with lateral wavenumber ``k_y`` propagates with ``d k_x / d(k_y^2) =
-dx / (2 sin(k_x dx))`` instead of the continuum ``-1 / (2 k)``, so every beat
phase is too large by the same factor ``R = k dx / sin(k_x dx)`` (paraxial,
``k_y dx << 1``; :func:`yee_beat_factor`). For the InP 2D reduction (core
index 3.27 at 1.55 um) R = 1.060 at 20 px/um, 1.026 at 30, 1.014 at 40: the
FDTD images a ~6 % longer MMI, which is 0.9 dB of spurious excess loss on the
1x2 and 2.5 dB on the (longer) 2x2 at 20 px/um. ``compensate_dispersion``
(default) draws the multimode section ``L / R`` long so the grid's beat phases
equal the continuum ones at the drawn length L; the junctions, access guides
and everything else are simulated as drawn. The residual error is O(dx^4) in
the beat phases plus the usual staircase/averaging error of the walls.
Checked against the guided-mode propagation analysis (:mod:`weiming.sims.devices.mmi_mpa`,
``benchmarks/fdtd.py --mmi``, ``tests/test_inp_models.py``): InP 1x2 excess
0.062/0.089 dB at 14/20 px/um compensated vs MPA 0.15-0.17 dB (uncompensated
2.45/0.95/0.41/0.28 dB at 14/20/30/40 px/um, as predicted by the MPA of an
``L R`` long section: 2.63/1.04/0.40/0.28 dB); InP 2x2 excess 0.13/0.31
and 0.41 dB, imbalance 0.02/0.06/0.09 dB at 14/20/30 px/um vs MPA 0.45-0.52 dB and
0.19-0.21 dB (MPA range: its 20 nm to 4 nm lateral grids).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class MmiPoint:
    width_um: float
    length_um: float
    p_upper: float
    p_lower: float
    ratio: float
    imbalance_db: float
    excess_loss_db: float

    def to_json(self) -> dict:
        return asdict(self)


def _width_key(pdk: str) -> str:
    from weiming.pdk import get_tech

    return "width" if get_tech(pdk).extra.get("family") == "inp" else "width_mmi"


def _length_key(pdk: str) -> str:
    from weiming.pdk import get_tech

    return "length" if get_tech(pdk).extra.get("family") == "inp" else "length_mmi"


def nominal_length_um(pdk: str, cell: str = "mmi2x2", **settings) -> float:
    """Length of the PDK cell at its (given) settings, read from the cell's info."""
    from weiming.pdk import activate

    c = activate(pdk).get_component(cell, **settings)
    for k in ("length_mmi_um", "length_um", "length"):
        if k in c.info:
            return float(c.info[k])
    xs = [p.center[0] for p in c.ports]
    return float(max(xs) - min(xs))  # fallback: port-to-port length


def yee_beat_factor(n: float, wavelength_um: float, resolution: float, courant: float = 0.5) -> float:
    """Ratio R of the Yee-grid to the continuum beat constant ``beta_0 - beta_m`` in a medium of index ``n``.

    From the 2D/3D Yee dispersion relation ``sin^2(k_x dx/2) + sin^2(k_y dx/2)
    = (n dx/dt)^2 sin^2(w dt/2)`` (Taflove & Hagness, Computational
    Electrodynamics, 3rd ed., sec. 4.3), differentiated at ``k_y -> 0``:
    ``R = n w dx / sin(k_x0 dx)`` with ``k_x0`` the grid wavenumber of the
    axial plane wave. meep units (c = 1, ``dx = 1/resolution``, ``dt =
    courant dx``; 0.5 is meep's default Courant number).
    """
    dx = 1.0 / resolution
    dt = courant * dx
    w = 2 * math.pi / wavelength_um
    s = n * dx / dt * math.sin(w * dt / 2)
    if not 0 < s < 1:
        raise ValueError(f"resolution={resolution} px/um is below the Yee grid's cut-off for index {n} "
                         f"at {wavelength_um} um")
    return n * w * dx / math.sin(2 * math.asin(s))


def _core_index(pdk: str, wavelength_um: float, three_d: bool) -> float:
    """Index of the medium the multimode section's modes travel in on the FDTD grid."""
    if three_d:
        from weiming.pdk import get_tech
        from weiming.pdk.materials import get_material

        return float(get_material(get_tech(pdk).layer_stack["core"].material).n(wavelength_um))
    from weiming.sims.fdtd.eim import reduce_2d

    return reduce_2d(pdk, None, wavelength_um).n_core


def split(pdk: str, width_um: float, *, cell: str = "mmi2x2", length_um: float | None = None,
          wavelength_um: float = 1.55, resolution: float = 12, input_port: str = "o1",
          settings: dict | None = None, three_d: bool = False, decay_by: float = 1e-6,
          use_symmetry: bool = True, compensate_dispersion: bool = True) -> MmiPoint:
    """Splitting of ``cell`` at MMI width ``width_um`` (length fixed at ``length_um`` if given).

    ``compensate_dispersion``: simulate the multimode section ``L / R`` long
    (:func:`yee_beat_factor`, module docstring) so the result is that of the
    drawn length L without the grid's beat-length error; the returned
    ``length_um`` is always the drawn L.
    """
    from weiming.sims.fdtd.sparameters import sparams

    kw = dict(settings or {})
    kw[_width_key(pdk)] = width_um
    if length_um is not None:
        kw[_length_key(pdk)] = length_um
    length = length_um if length_um is not None else nominal_length_um(pdk, cell, **kw)
    if compensate_dispersion:
        r = yee_beat_factor(_core_index(pdk, wavelength_um, three_d), wavelength_um, resolution)
        kw[_length_key(pdk)] = round(length / r, 3)  # 1 nm: the GDS grid
    res = sparams(cell, pdk, settings=kw, resolution=resolution, wavelengths_um=[wavelength_um],
                  input_ports=[input_port], three_d=three_d, decay_by=decay_by, use_symmetry=use_symmetry)
    east = [p for p in res.info["ports"] if p["ox"] > 0.5]
    if len(east) != 2:
        raise ValueError(f"{cell} must have two east-facing outputs, found {[p['name'] for p in east]}")
    up, lo = sorted(east, key=lambda p: -p["y"])
    pu, pl = float(res.power(up["name"], input_port)[0]), float(res.power(lo["name"], input_port)[0])
    tot = pu + pl
    return MmiPoint(width_um=width_um, length_um=length, p_upper=pu, p_lower=pl, ratio=pu / tot,
                    imbalance_db=10 * math.log10(pu / pl), excess_loss_db=-10 * math.log10(tot))


def sweep_width(pdk: str, widths_um, *, cell: str = "mmi2x2", fix_length: bool = True, **kw) -> list[MmiPoint]:
    """:func:`split` over ``widths_um``; the length stays at the nominal design unless ``fix_length=False``."""
    length = nominal_length_um(pdk, cell, **(kw.get("settings") or {})) if fix_length else None
    return [split(pdk, float(w), cell=cell, length_um=length, **kw) for w in np.atleast_1d(widths_um)]


__all__ = ["MmiPoint", "nominal_length_um", "split", "sweep_width", "yee_beat_factor"]
