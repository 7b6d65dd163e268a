"""Directional coupler and multimode-interference (MMI) couplers.

MMI lengths default to the self-imaging estimate of Soldano & Pennings,
J. Lightwave Technol. 13, 615 (1995): beat length L_pi = 4 n_r W_e^2 / (3 lambda)
with the effective width W_e = W + (lambda/pi) (n_r/n_c)^(2 sigma) (n_r^2 - n_c^2)^(-1/2)
(sigma = 1: the lateral problem of the TE-like mode is TM-like), n_r the film's
slab index (:mod:`weiming.components.sin._optics`), n_c the SiO2 cladding.
1x2: symmetric interference, L = 3 L_pi / 8, outputs at +-W/4.
2x2: paired interference, 3 dB at L = L_pi / 2, ports at +-W/6.
These are first-order estimates: verify with FDTD/EME before tape-out.
"""

from __future__ import annotations

import math

import gdsfactory as gf

from weiming.components import _validate as v
from weiming.components.registry import register
from weiming.components.sin import _common as cm
from weiming.components.sin._geom import Route, add_port, add_rect, add_route, add_taper, mirror_y, snap
from weiming.components.sin._optics import LAMBDA_UM, slab_index
from weiming.pdk.materials import get_material


@register("sin100", "sin800")
def directional_coupler(gap: float | None = None, length: float | None = None, width: float | None = None,
                        pitch: float | None = None, radius: float | None = None,
                        cross_section: str = "strip") -> gf.Component:
    """Two parallel waveguides ``gap`` um apart over ``length`` um, with circular S-bends.

    Ports (gdsfactory convention): o1 west-bottom, o2 west-top, o3 east-top,
    o4 east-bottom, ``pitch`` um apart (centre to centre). ``radius`` of the
    S-bend arcs defaults to the cross-section's radius_min. Default gap/length
    per PDK are assumptions (set them from the coupler model for a target ratio).
    """
    wg = cm.waveguide(cross_section, width)
    gap = cm.default("dc_gap", gap)
    v.min_space("gap", gap, wg.layer_name)
    v.on_grid("gap", gap)
    length = cm.grid_length("length", cm.default("dc_length", length))
    pitch = cm.default("dc_pitch", pitch)
    radius = wg.radius_min if radius is None else radius
    v.min_radius("radius", radius, cross_section)
    v.on_grid("radius", radius)
    core_pitch = gap + wg.width
    v.in_range("pitch", pitch, core_pitch, core_pitch + 4 * radius, "um",
               "between gap + width and gap + width + 4 radius (two S-bends of at most 90 deg)")
    v.on_grid("pitch", pitch)
    h = (pitch - core_pitch) / 2  # lateral offset of each S-bend
    theta = math.degrees(math.acos(1 - h / (2 * radius))) if h > 0 else 0.0

    c = gf.Component()
    r = Route(0, -pitch / 2, 0)
    if theta > 0:
        r.arc(radius, theta).arc(radius, -theta)
    r.straight(length)
    if theta > 0:
        r.arc(radius, -theta).arc(radius, theta)
    add_route(c, r, wg.width, wg.layer)
    add_route(c, mirror_y(r), wg.width, wg.layer)
    x_end = snap(r.end[0])
    add_port(c, "o1", (0, -pitch / 2), 180, wg.xs)
    add_port(c, "o2", (0, pitch / 2), 180, wg.xs)
    add_port(c, "o3", (x_end, pitch / 2), 0, wg.xs)
    add_port(c, "o4", (x_end, -pitch / 2), 0, wg.xs)
    c.info.update({"gap_um": gap, "coupling_length_um": length, "sbend_angle_deg": round(theta, 6)})
    return c


def self_imaging_length(width_mmi: float) -> float:
    """Beat length L_pi (um) of an MMI of ``width_mmi`` on the active film (see module doc)."""
    t = cm.tech()
    nr = slab_index(t.extra["core_thickness"], LAMBDA_UM)
    nc = float(get_material("sio2").n(LAMBDA_UM))
    we = width_mmi + (LAMBDA_UM / math.pi) * (nr / nc) ** 2 / math.sqrt(nr**2 - nc**2)
    return 4 * nr * we**2 / (3 * LAMBDA_UM)


def _mmi(n_in: int, width: float | None, width_mmi: float | None, length_mmi: float | None,
         width_taper: float | None, length_taper: float | None, cross_section: str) -> gf.Component:
    wg = cm.waveguide(cross_section, width)
    wm = cm.grid_length("width_mmi", cm.default("mmi_width", width_mmi))
    wt = cm.default("mmi_taper_width", width_taper)
    v.min_width("width_taper", wt, wg.layer_name)
    v.on_grid("width_taper", wt)
    if wt < wg.width - 1e-9:
        raise v.DesignRuleError(f"width_taper={wt:.4g} um is below the waveguide width {wg.width:.4g} um: access tapers "
                                f"must widen toward the MMI (a narrowing one leaves an acute notch at the MMI face, "
                                f"rule {cm.tech().rule('space', wg.layer_name).name})")
    lt = cm.grid_length("length_taper", cm.default("mmi_taper_length", length_taper))
    lpi = self_imaging_length(wm)
    if length_mmi is None:
        length_mmi = snap(3 * lpi / 8 if n_in == 1 else lpi / 2)
        source = "self-imaging estimate (Soldano & Pennings 1995)"
    else:
        source = "given"
    lm = cm.grid_length("length_mmi", length_mmi)
    # port centres: 1x2 outputs at +-W/4, 2x2 ports at +-W/6 (snapped to 2 nm so edges stay on grid)
    off = 2 * snap(wm / (4 if n_in == 1 else 6) / 2)
    space = 2 * off - max(wt, wg.width)  # the access tapers run from wt to the waveguide width
    r = cm.tech().rule("space", wg.layer_name)
    if r is not None and space < r.value - 1e-9:
        raise v.DesignRuleError(f"width_mmi={wm:.4g} um with width_taper={wt:.4g} um and width={wg.width:.4g} um "
                                f"leaves {space:.4g} um between the MMI ports, below the "
                                f"minimum space {r.value:.2f} um of layer {wg.layer_name} (rule {r.name}, PDK {cm.tech().name})")
    half = math.degrees(math.atan(abs(wt - wg.width) / (2 * lt)))
    cm.corner_angle("length_taper", lt, half, wg.layer_name)

    c = gf.Component()
    add_rect(c, 0, -wm / 2, lm, wm / 2, wg.layer)
    ins = [0.0] if n_in == 1 else [-off, off]
    outs = [-off, off]
    for y in ins:
        add_taper(c, -lt, y, 0, y, wg.width, wt, wg.layer)
    for y in outs:
        add_taper(c, lm, y, lm + lt, y, wt, wg.width, wg.layer)
    if n_in == 1:
        add_port(c, "o1", (-lt, 0), 180, wg.xs)
        add_port(c, "o2", (lm + lt, off), 0, wg.xs)
        add_port(c, "o3", (lm + lt, -off), 0, wg.xs)
    else:
        add_port(c, "o1", (-lt, -off), 180, wg.xs)
        add_port(c, "o2", (-lt, off), 180, wg.xs)
        add_port(c, "o3", (lm + lt, off), 0, wg.xs)
        add_port(c, "o4", (lm + lt, -off), 0, wg.xs)
    c.info.update({"length_mmi_um": lm, "width_mmi_um": wm, "beat_length_um": round(lpi, 3),
                   "length_source": source})
    return c


@register("sin100", "sin800")
def mmi1x2(width: float | None = None, width_mmi: float | None = None, length_mmi: float | None = None,
           width_taper: float | None = None, length_taper: float | None = None,
           cross_section: str = "strip") -> gf.Component:
    """1x2 MMI splitter: o1 west; o2 east-top, o3 east-bottom. ``length_mmi`` None = self-imaging estimate."""
    return _mmi(1, width, width_mmi, length_mmi, width_taper, length_taper, cross_section)


@register("sin100", "sin800")
def mmi2x2(width: float | None = None, width_mmi: float | None = None, length_mmi: float | None = None,
           width_taper: float | None = None, length_taper: float | None = None,
           cross_section: str = "strip") -> gf.Component:
    """2x2 MMI 3 dB coupler (paired interference): o1/o2 west, o3/o4 east. ``length_mmi`` None = estimate."""
    return _mmi(2, width, width_mmi, length_mmi, width_taper, length_taper, cross_section)
