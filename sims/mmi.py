"""MMI splitters: splitting ratio, imbalance and excess loss vs width by FDTD of the PDK cell.

Each point is an S-parameter run (:func:`weiming.sims.fdtd_sparams.sparams`,
2D effective-index reduction by default, ``three_d=True`` for a 3D check on
the Si3N4 PDKs) of the registered ``mmi1x2``/``mmi2x2`` cell with its
``width`` (InP) or ``width_mmi`` (Si3N4) changed and, by default, the length
held at the nominal design: that is how a lithography width error detunes the
self-imaging (Soldano & Pennings, J. Lightwave Technol. 13, 615 (1995)).

``ratio`` is the power fraction into the upper output, ``imbalance_db =
10 log10(P_upper / P_lower)``, ``excess_loss_db = -10 log10(P_upper + P_lower)``.
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


def split(pdk: str, width_um: float, *, cell: str = "mmi2x2", length_um: float | None = None,
          wavelength_um: float = 1.55, resolution: float = 12, input_port: str = "o1",
          settings: dict | None = None, three_d: bool = False, decay_by: float = 1e-6,
          use_symmetry: bool = True) -> MmiPoint:
    """Splitting of ``cell`` at MMI width ``width_um`` (length fixed at ``length_um`` if given)."""
    from weiming.sims.fdtd_sparams import sparams

    kw = dict(settings or {})
    kw[_width_key(pdk)] = width_um
    if length_um is not None:
        kw[_length_key(pdk)] = length_um
    res = sparams(cell, pdk, settings=kw, resolution=resolution, wavelengths_um=[wavelength_um],
                  input_ports=[input_port], three_d=three_d, decay_by=decay_by, use_symmetry=use_symmetry)
    east = [p for p in res.info["ports"] if p["ox"] > 0.5]
    if len(east) != 2:
        raise ValueError(f"{cell} must have two east-facing outputs, found {[p['name'] for p in east]}")
    up, lo = sorted(east, key=lambda p: -p["y"])
    pu, pl = float(res.power(up["name"], input_port)[0]), float(res.power(lo["name"], input_port)[0])
    tot = pu + pl
    length = length_um if length_um is not None else nominal_length_um(pdk, cell, **kw)
    return MmiPoint(width_um=width_um, length_um=length, p_upper=pu, p_lower=pl, ratio=pu / tot,
                    imbalance_db=10 * math.log10(pu / pl), excess_loss_db=-10 * math.log10(tot))


def sweep_width(pdk: str, widths_um, *, cell: str = "mmi2x2", fix_length: bool = True, **kw) -> list[MmiPoint]:
    """:func:`split` over ``widths_um``; the length stays at the nominal design unless ``fix_length=False``."""
    length = nominal_length_um(pdk, cell, **(kw.get("settings") or {})) if fix_length else None
    return [split(pdk, float(w), cell=cell, length_um=length, **kw) for w in np.atleast_1d(widths_um)]


__all__ = ["MmiPoint", "nominal_length_um", "split", "sweep_width"]
