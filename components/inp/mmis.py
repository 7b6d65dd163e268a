"""Deep-etched multimode interference couplers (1x2 symmetric, 2x2 paired).

Self-imaging (Soldano & Pennings, J. Lightwave Technol. 13, 615 (1995)):
beat length L_pi = 4 n_r W_e^2 / (3 lambda), with the effective width
W_e = W + (lambda / pi) (n_c / n_r)^(2 sigma) (n_r^2 - n_c^2)^(-1/2)
with sigma = 1: the quasi-TE mode of a ridge has its electric field normal to
the MMI sidewalls, so the lateral problem of the effective-index method is the
TM one (Okamoto, "Fundamentals of Optical Waveguides", 2nd ed., ch. 2.3).
Using sigma = 0 here made the drawn 2x2 ~5 % too long: the guided-mode
propagation analysis (:mod:`weiming.sims.devices.mmi_mpa`) gave 1.8 dB excess loss at
the old length and 0.25 dB at this one. Symmetric interference (1x2, centre-fed): two-fold
images at 3 L_pi / 8, outputs at +-W_e/4. Paired interference (2x2, inputs
at +-W_e/6): two-fold images (3 dB) at L_pi / 2.
n_r is the slab index of the guide (:data:`_common.N_SLAB`), n_c the BCB
planarisation index (:data:`_common.N_BCB`).
"""

from __future__ import annotations

import math

import gdsfactory as gf

from weiming.components.inp import _common as cm
from weiming.components.inp._common import DesignRuleError, v
from weiming.components.registry import register

WAVELENGTH_UM = 1.54978  # design wavelength: the comb line of the network


def effective_width(width: float, wavelength_um: float = WAVELENGTH_UM, n_r: float = cm.N_SLAB,
                    n_c: float = cm.N_BCB) -> float:
    """Effective width W_e (um) of a deep-etched MMI of width ``width`` for the quasi-TE mode (sigma = 1)."""
    return width + wavelength_um / math.pi * (n_c / n_r) ** 2 / math.sqrt(n_r ** 2 - n_c ** 2)


def beat_length(width: float, wavelength_um: float = WAVELENGTH_UM, n_r: float = cm.N_SLAB) -> float:
    """L_pi = 4 n_r W_e^2 / (3 lambda), um."""
    we = effective_width(width, wavelength_um, n_r)
    return 4 * n_r * we ** 2 / (3 * wavelength_um)


def _access(c: gf.Component, x0: float, x1: float, y: float, w: float) -> None:
    cm.straight_path(c, x0, x1, y, w, "DEEP")


def _mmi(width: float, length: float | None, n_in: int, n_out: int, access_width: float,
         access_length: float, positions: tuple[float, ...], l_factor: float) -> gf.Component:
    t = cm.tech()
    cm.even_width("width", width)
    v.min_width("width", width, "DEEP")
    cm.length("width", width, lo=2 * access_width, hi=20.0,
              why="room for two access guides; L_pi grows as W^2 (W = 20 um: L_pi ~ 1.1 mm)")
    v.min_width("access_width", access_width, "DEEP")
    cm.even_width("access_width", access_width)
    v.in_range("access_width", access_width, 0, 5.0, "um")
    cm.length("access_length", access_length, lo=1.0, hi=200.0)
    lp = beat_length(width)
    l_mmi = cm.snap(l_factor * lp) if length is None else length
    cm.length("length", l_mmi, lo=1.0, hi=2000.0)
    we = effective_width(width)
    ys = [cm.snap(p * we) for p in positions]
    if len(ys) == 2:
        gap = abs(ys[0] - ys[1]) - access_width
        s = t.rule("space", "DEEP")
        if gap < s.value - 1e-9:
            raise DesignRuleError(f"width={width:.4g} um puts the access guides {gap:.3g} um apart, below the "
                                  f"minimum space {s.value:.2f} um of layer DEEP (rule {s.name})")
    c = gf.Component()
    cm.rect(c, 0, -width / 2, l_mmi, width / 2, "DEEP")
    x = cm.xs("deep", access_width)
    ins = [0.0] if n_in == 1 else ys
    outs = [0.0] if n_out == 1 else ys
    names = iter(f"o{i}" for i in range(1, 5))
    # gdsfactory numbering: west ports bottom->top, then east ports top->bottom
    for y in sorted(ins):
        _access(c, -access_length, 0, y, access_width)
        c.add_port(next(names), center=(-access_length, y), width=access_width, orientation=180,
                   layer=cm.layer("DEEP"), port_type="optical", cross_section=x)
    for y in sorted(outs, reverse=True):
        _access(c, l_mmi, l_mmi + access_length, y, access_width)
        c.add_port(next(names), center=(cm.snap(l_mmi + access_length), y), width=access_width, orientation=0,
                   layer=cm.layer("DEEP"), port_type="optical", cross_section=x)
    cm.set_info(c, width=float(width), length=float(l_mmi), L_pi_um=round(lp, 4), W_e_um=round(we, 4),
                  n_r=cm.N_SLAB, port_offset_um=float(max(abs(y) for y in ys)))
    return c


@register("inp")
def mmi1x2(width: float = 6.0, length: float | None = None, access_width: float = 1.5,
           access_length: float = 10.0) -> gf.Component:
    """Deep-etched 1x2 MMI splitter, symmetric interference.

    ``length`` defaults to 3 L_pi / 8 (two-fold image, 50/50) for ``width``
    (default 6 um: outputs at +-W_e/4 = +-1.54 um, 1.6 um apart at the
    1.5 um access guides, above DEEP.S.1). Ports: o1 west, o2 east top, o3 east bottom.
    """
    return _mmi(width, length, 1, 2, access_width, access_length, (-0.25, 0.25), 3 / 8)


@register("inp")
def mmi2x2(width: float = 8.0, length: float | None = None, access_width: float = 1.5,
           access_length: float = 10.0) -> gf.Component:
    """Deep-etched 2x2 MMI 3-dB coupler, paired interference (guides at +-W_e/6).

    ``length`` defaults to L_pi / 2 for ``width`` (default 8 um: guides
    2.7 um apart). Ports: o1 west bottom, o2 west top, o3 east top, o4 east bottom.
    """
    return _mmi(width, length, 2, 2, access_width, access_length, (-1 / 6, 1 / 6), 1 / 2)
