"""1D slab modes and the effective-index reduction used for 2D FDTD.

Method (Marcatili/Knox-Toulios effective-index method, e.g. K. Okamoto,
"Fundamentals of Optical Waveguides", 2nd ed., ch. 2.3):

1. vertical: the layer stack under the waveguide core (from the PDK's layer
   stack) is solved as a 1D slab for TE polarisation at the design wavelength;
   its fundamental effective index is the 2D "core" index;
2. the region beside the core (etched region) is solved the same way; if it
   guides nothing (deep etch, or a uniform oxide as in the Si3N4 PDKs) the 2D
   "cladding" index is the index of the material that fills it at core height;
3. in 2D the quasi-TE mode has its electric field in the plane, so meep runs
   with in-plane E (Hz, "TM" in slab language) and the lateral 1D problem for
   supermodes is solved with the TM slab operator.

The 1D slabs are solved by the one slab module, :mod:`weiming.sims.modes.slab`
(finite differences for multilayers and index profiles, checked against the
closed-form slab in ``tests/test_coupler.py`` and ``tests/test_modes.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from weiming.sims.modes.slab import SlabError, fd_modes
from weiming.sims.modes.slab import multilayer_neff as _multilayer_neff


class EimError(ValueError):
    """The layer stack cannot be reduced (e.g. unknown material at this wavelength)."""


def slab_neff(indices: Sequence[float], thicknesses_um: Sequence[float], wavelength_um: float, *,
              pol: str = "TE", num_modes: int = 1, cladding_um: float | None = None,
              dx_um: float | None = None) -> list[float]:
    """Guided effective indices (descending) of a 1D multilayer: :func:`weiming.sims.modes.slab.multilayer_neff`."""
    try:
        return _multilayer_neff(indices, thicknesses_um, wavelength_um, pol=pol, num_modes=num_modes,
                                cladding_um=cladding_um, dx_um=dx_um)
    except SlabError as e:
        raise EimError(str(e)) from None


def slab_ng(index_fn, thicknesses_um: Sequence[float], wavelength_um: float, *, pol: str = "TE",
            dl_um: float = 1e-3, **kw) -> float:
    """Group index ``neff - lambda d neff/d lambda`` of the fundamental mode.

    ``index_fn(wavelength_um) -> indices`` carries the material dispersion.
    """
    # one grid for the three wavelengths: a grid that moves with lambda adds noise to dneff/dlambda
    kw.setdefault("dx_um", min(wavelength_um / 300, min(thicknesses_um) / 20))
    kw.setdefault("cladding_um", 4 * wavelength_um)

    def n_at(wl):
        r = slab_neff(index_fn(wl), thicknesses_um, wl, pol=pol, **kw)
        if not r:
            raise EimError(f"no guided {pol} slab mode at {wl:.4f} um")
        return r[0]

    n0 = n_at(wavelength_um)
    d = (n_at(wavelength_um + dl_um) - n_at(wavelength_um - dl_um)) / (2 * dl_um)
    return n0 - wavelength_um * d


@dataclass(frozen=True)
class Reduction2D:
    """Effective 2D indices of a PDK waveguide layer at one wavelength (see module docstring)."""

    pdk: str
    layer: str
    wavelength_um: float
    n_core: float
    n_clad: float
    method: str

    def to_json(self) -> dict:
        return dict(pdk=self.pdk, layer=self.layer, wavelength_um=self.wavelength_um, n_core=self.n_core,
                    n_clad=self.n_clad, method=self.method)


def _n(material: str, wl: float) -> float:
    from weiming.pdk.materials import MaterialError, get_material

    try:
        return float(get_material(material).n(wl))
    except (MaterialError, ImportError) as e:
        raise EimError(f"cannot reduce the stack: material {material!r} at {wl} um: {e}") from e


def vertical_stack(pdk: str, layer: str, wavelength_um: float, etched: bool = False) -> tuple[list[float], list[float]]:
    """(indices incl. outer claddings, finite thicknesses) of the stack under ``layer`` (or beside it if ``etched``)."""
    from weiming.pdk import get_tech

    tech = get_tech(pdk)
    family = tech.extra.get("family")
    st = tech.layer_stack
    if family == "sin":
        n_ox = _n("sio2", wavelength_um)
        if etched:
            return [n_ox, n_ox, n_ox], [st["core"].thickness]
        return [_n(st["box"].material, wavelength_um), _n(st["core"].material, wavelength_um),
                _n(st["clad"].material, wavelength_um)], [st["core"].thickness]
    if family == "inp":
        sub, core, clad, top = st["substrate"], st["core"], st["cladding"], st["planarisation"]
        n_sub, n_core, n_clad, n_top = (_n(lv.material, wavelength_um) for lv in (sub, core, clad, top))
        if not etched:
            return [n_sub, n_core, n_clad, n_top], [core.thickness, clad.thickness]
        etch_key = "deep" if layer == "DEEP" else "shallow"
        depth = float(tech.extra["etches"][etch_key]["depth"])
        z_bottom = clad.zmin + clad.thickness - depth  # etch floor
        layers, ths = [n_sub], []
        for lv, nv in ((core, n_core), (clad, n_clad)):
            t = min(lv.zmin + lv.thickness, z_bottom) - lv.zmin
            if t > 1e-6:
                layers.append(nv)
                ths.append(t)
        if not ths:  # etched through the guide: substrate then planarisation
            return [n_sub, n_top, n_top], [max(core.thickness, 1e-3)]
        return [*layers, n_top], ths
    raise EimError(f"PDK {pdk!r} has no known layer-stack family for the 2D reduction")


def reduce_2d(pdk: str, layer: str | None = None, wavelength_um: float = 1.55) -> Reduction2D:
    """Core and cladding indices for 2D FDTD of ``layer`` (default: the PDK's waveguide layer)."""
    from weiming.pdk import get_tech

    tech = get_tech(pdk)
    layer = layer or ("WG" if tech.extra.get("family") == "sin" else "DEEP")
    idx, th = vertical_stack(pdk, layer, wavelength_um)
    core = slab_neff(idx, th, wavelength_um, pol="TE")
    if not core:
        raise EimError(f"the {pdk} stack under {layer} guides no TE slab mode at {wavelength_um} um")
    idx_o, th_o = vertical_stack(pdk, layer, wavelength_um, etched=True)
    side = slab_neff(idx_o, th_o, wavelength_um, pol="TE")
    if side:
        n_bg, how = side[0], "slab TE neff of the etched region"
    else:  # no guided mode beside the ridge: the filling material at core height
        n_bg, how = idx_o[-1] if tech.extra.get("family") == "inp" else idx_o[1], "index of the filling material"
    method = (f"effective-index method at {wavelength_um} um: core = slab TE neff of the stack under {layer}; "
              f"cladding = {how}")
    return Reduction2D(pdk, layer, wavelength_um, core[0], float(n_bg), method)


#: Field amplitude of the guided mode at the PML's inner face, relative to its
#: peak, that the default FDTD margins allow (power 1e-4: the PML then absorbs
#: a tail that carries no measurable share of the port power).
PML_FIELD_FRACTION = 1e-2
#: Margin factor for effective-index decay lengths (see :func:`guide_margin_um`).
EIM_DECAY_SAFETY = 1.1
#: Smallest margin accepted from a caller, in field decay lengths (field 5 % at the PML).
MIN_MARGIN_DECAY_LENGTHS = 3.0


def decay_length_um(n_mode: float, n_clad: float, wavelength_um: float) -> float:
    """Evanescent decay length ``1 / (k0 sqrt(n_mode^2 - n_clad^2))`` (um) of a mode's field in a cladding."""
    if not n_mode > n_clad:
        raise EimError(f"mode index {n_mode:.5f} is not above the cladding index {n_clad:.5f}: not guided")
    return wavelength_um / (2 * math.pi * math.sqrt(n_mode * n_mode - n_clad * n_clad))


def pml_margin_um(n_mode: float, n_clad: float, wavelength_um: float,
                  field_fraction: float = PML_FIELD_FRACTION) -> float:
    """Cladding between a guide and the PML so that the mode's field there is ``field_fraction`` of its peak (um)."""
    return math.log(1.0 / field_fraction) * decay_length_um(n_mode, n_clad, wavelength_um)


def check_margin(name: str, margin_um: float, n_mode: float, n_clad: float, wavelength_um: float) -> float:
    """``margin_um`` if it is at least :data:`MIN_MARGIN_DECAY_LENGTHS` decay lengths, else EimError naming it."""
    lg = decay_length_um(n_mode, n_clad, wavelength_um)
    if margin_um < MIN_MARGIN_DECAY_LENGTHS * lg:
        raise EimError(f"{name}={margin_um} um is below {MIN_MARGIN_DECAY_LENGTHS:g} field decay lengths "
                       f"({MIN_MARGIN_DECAY_LENGTHS * lg:.2f} um; the mode decays over {lg:.2f} um): the PML would "
                       f"absorb {math.exp(-margin_um / lg):.0%} of the field amplitude")
    return margin_um


def guide_margin_um(n_core: float, n_clad: float, width_um: float, wavelength_um: float,
                    margin_um: float | None = None, name: str = "margin") -> tuple[float, float]:
    """(margin, decay length) in um for a 2D guide of index ``n_core`` and width ``width_um`` in ``n_clad``.

    ``margin_um=None``: :func:`pml_margin_um` of the guide's TM-slab (quasi-TE)
    mode; a given margin is checked with :func:`check_margin`.
    """
    guided = slab_neff([n_clad, n_core, n_clad], [width_um], wavelength_um, pol="TM")
    if not guided:
        raise EimError(f"a {width_um} um guide of index {n_core} in {n_clad} guides no mode at {wavelength_um} um")
    lg = decay_length_um(guided[0], n_clad, wavelength_um)
    if margin_um is None:
        # the effective index overestimates the full-vector neff a little, so its decay length is
        # short (sin100: 0.78 vs 0.80 um; tests/test_fdtd.py bounds it to 10 %): 10 % more margin
        return EIM_DECAY_SAFETY * pml_margin_um(guided[0], n_clad, wavelength_um), lg
    return check_margin(name, margin_um, guided[0], n_clad, wavelength_um), lg


__all__ = ["EimError", "slab_neff", "slab_ng", "Reduction2D", "vertical_stack", "reduce_2d", "bent_slab_neff",
           "bent_slab_ng", "decay_length_um", "pml_margin_um", "check_margin", "guide_margin_um",
           "PML_FIELD_FRACTION"]


def bent_slab_neff(n_core: float, n_clad: float, width_um: float, radius_um: float, wavelength_um: float, *,
                   pol: str = "TM", outer_um: float | None = None, dx_um: float | None = None) -> float:
    """Effective index of a 2D bend, referred to its centre radius (``beta R = m``).

    Exact conformal transformation of the bend into a straight problem
    (:func:`weiming.sims.modes.slab.fd_modes` with ``radius_um``; core edges
    mapped too), on grids of step ``dx`` and ``dx/2``, Richardson-extrapolated
    (TM converges to first order). Checked against the Bessel-function
    resonances of a 2D ring (tests/test_modes.py). Outside the bend the
    transformed index eventually exceeds the mode index (radiation); the
    window stops short of that turning point (``outer_um`` from the guide
    centre, default 90 % of ``R ln(neff / n_clad)``, at most 3 um past the
    edge), which keeps the guided mode and drops its (here negligible)
    radiation leakage; the inner cladding is as wide.
    """
    n_str = slab_neff([n_clad, n_core, n_clad], [width_um], wavelength_um, pol=pol)
    if not n_str:
        raise EimError(f"a {width_um} um guide of index {n_core} in {n_clad} guides no {pol} mode")
    if outer_um is None:
        outer_um = min(0.9 * radius_um * math.log(n_str[0] / n_clad), width_um / 2 + 3.0)
    if not outer_um > width_um / 2:
        raise EimError(f"outer_um={outer_um} must exceed the half-width {width_um / 2} um: the bend of radius "
                       f"{radius_um} um radiates from the core's edge")
    dx = dx_um or min(wavelength_um / 300, width_um / 40)
    n = [fd_modes([n_clad, n_core, n_clad], [width_um], wavelength_um, pol=pol, num_modes=1,
                  cladding_um=outer_um - width_um / 2, dx_um=h, radius_um=radius_um)[0] for h in (dx, dx / 2)]
    return float(2 * n[1] - n[0]) if pol == "TM" else float(n[1] + (n[1] - n[0]) / 3)


def bent_slab_ng(n_core: float, n_clad: float, width_um: float, radius_um: float, wavelength_um: float,
                 dl_um: float = 2e-3, **kw) -> float:
    """Group index of a 2D bend of non-dispersive materials, ``neff - lambda dneff/dlambda``."""
    if kw.get("outer_um") is None:  # fix the window (and so the grid) at the centre wavelength
        n_str = slab_neff([n_clad, n_core, n_clad], [width_um], wavelength_um, pol=kw.get("pol", "TM"))
        kw["outer_um"] = min(0.9 * radius_um * math.log(n_str[0] / n_clad), width_um / 2 + 3.0)
    kw.setdefault("dx_um", min(wavelength_um / 300, width_um / 40))
    f = [bent_slab_neff(n_core, n_clad, width_um, radius_um, wavelength_um + s * dl_um, **kw) for s in (-1, 0, 1)]
    return f[1] - wavelength_um * (f[2] - f[0]) / (2 * dl_um)
