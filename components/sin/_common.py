"""What the SiN cells share: per-PDK defaults and waveguide/parameter validation.

A parameter left at ``None`` takes the active PDK's default from
:data:`DEFAULTS` (values are engineering assumptions unless a source is given),
so one cell function serves ``sin100`` and ``sin800``.
"""

from __future__ import annotations

from dataclasses import dataclass

import gdsfactory as gf

from weiming.components import _validate as v
from weiming.components._validate import DesignRuleError
from weiming.pdk import active_tech
from weiming.pdk.tech import Technology

#: Per-PDK defaults of parameters left at None. "assumption" = engineering default.
DEFAULTS: dict[str, dict[str, float]] = {
    "sin100": {
        # seed network comb: FSR 30.03 GHz (doi 10.1038/s41586-026-10152-z)
        "ring_fsr_hz": 30.03e9,
        "ring_gap": 2.0,          # assumption: weakly confined 100 nm mode couples over um gaps
        "dc_gap": 1.5, "dc_length": 300.0, "dc_pitch": 30.0,   # assumption
        "mmi_width": 20.0, "mmi_taper_width": 5.0, "mmi_taper_length": 100.0,  # assumption
        "ec_tip_lensed_fibre": 1.0, "ec_tip_dfb": 2.0, "ec_length": 300.0,    # assumption
        "spiral_gap": 12.0, "spiral_length": 30000.0,       # assumption: >> the ~2 um evanescent decay length of the 100 nm mode
    },
    "sin800": {
        # assumption: a 100 GHz bright-soliton ring (Liu et al., Nat. Commun. 12, 2236 (2021) class)
        "ring_fsr_hz": 100e9,
        "ring_gap": 0.5,          # assumption
        "dc_gap": 0.4, "dc_length": 20.0, "dc_pitch": 10.0,    # assumption
        "mmi_width": 6.0, "mmi_taper_width": 1.5, "mmi_taper_length": 20.0,   # assumption
        "ec_tip_lensed_fibre": 0.3, "ec_tip_dfb": 0.5, "ec_length": 200.0,    # assumption
        "spiral_gap": 4.0, "spiral_length": 10000.0,        # assumption
    },
}


def tech() -> Technology:
    return active_tech()


def default(key: str, value):
    """``value`` unless None, else the active PDK's default ``key``."""
    if value is not None:
        return value
    t = tech()
    try:
        return DEFAULTS[t.name][key]
    except KeyError:
        raise DesignRuleError(f"the SiN cells need a SiN PDK (sin100/sin800); active PDK is {t.name}") from None


def grid_length(param: str, value: float, lo: float = 0.0) -> float:
    """A positive length on the 1 nm grid (um)."""
    value = v.positive(param, value)
    v.on_grid(param, value)
    if value < lo - 1e-9:
        raise DesignRuleError(f"{param}={value:.4g} um is below the minimum {lo:.4g} um")
    return value


@dataclass(frozen=True)
class Wg:
    """A validated waveguide: the cross-section name, its width, layer and gdsfactory object."""

    name: str
    width: float
    layer_name: str
    layer: tuple[int, int]
    radius_min: float
    xs: gf.CrossSection


def waveguide(cross_section: str, width: float | None, param: str = "width") -> Wg:
    """Validate an optical cross-section name and width against the PDK rules."""
    t = tech()
    v.cross_section_name("cross_section", cross_section, port_type="optical")
    x = t.xs(cross_section)
    w = x.width if width is None else width
    v.min_width(param, w, x.layer)
    v.on_grid(param, w)
    xs = gf.get_cross_section(cross_section, width=w)
    return Wg(cross_section, w, x.layer, t.layer(x.layer), x.radius_min, xs)


def min_area(param: str, area_um2: float, layer: str) -> None:
    """The drawn polygon area against the layer's minimum-area rule."""
    t = tech()
    r = t.rule("area", layer)
    if r is not None and area_um2 < r.value - 1e-9:
        raise DesignRuleError(f"{param} gives a {layer} polygon of {area_um2:.4g} um^2, below the minimum area "
                              f"{r.value:.2f} um^2 of layer {layer} (rule {r.name}, PDK {t.name})")


def corner_angle(param: str, value: float, half_angle_deg: float, layer: str) -> None:
    """A taper's acute corner (90 - half angle) against the layer's minimum-angle rule."""
    t = tech()
    r = t.rule("angle", layer)
    if r is not None and 90.0 - half_angle_deg < r.value - 1e-9:
        raise DesignRuleError(f"{param}={value:.4g} um makes a {layer} corner of {90 - half_angle_deg:.3g} deg, below the "
                              f"minimum angle {r.value:.3g} deg of layer {layer} (rule {r.name}, PDK {t.name})")


def rule_value(kind: str, layer: str, default_value: float = 0.0) -> float:
    r = tech().rule(kind, layer)
    return r.value if r is not None else default_value


#: Extra space required between two CURVED edges: both are drawn as chords whose
#: vertices snap to the 1 nm grid, so the drawn gap can be ~1 nm below nominal.
CURVED_GAP_ALLOWANCE_UM = 0.002


def min_space_curved(param: str, value: float, layer: str) -> float:
    """Minimum space between two curved edges: the layer's rule plus :data:`CURVED_GAP_ALLOWANCE_UM`."""
    v.min_space(param, value, layer)
    t = tech()
    r = t.rule("space", layer)
    if r is not None and value < r.value + CURVED_GAP_ALLOWANCE_UM - 1e-9:
        raise DesignRuleError(
            f"{param}={value:.4g} um between curved {layer} edges must exceed the minimum space {r.value:.2f} um "
            f"(rule {r.name}, PDK {t.name}) by {CURVED_GAP_ALLOWANCE_UM * 1000:.0f} nm: curves are drawn as "
            f"chords snapped to the 1 nm grid")
    return value
