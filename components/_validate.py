"""Parameter checks against the PDK rules, run by every cell before any geometry.

A bad value raises :class:`DesignRuleError` naming the parameter, the value and
the rule, e.g. ``gap=0.15 um is below the minimum space 0.30 um of layer WG
(rule WG.S.1)``, never a wrong GDS or a traceback from inside gdsfactory.
"""

from __future__ import annotations

import math
from typing import Iterable

from weiming.pdk import active_tech
from weiming.pdk.tech import Technology


class DesignRuleError(ValueError):
    """A cell parameter that breaks a PDK rule or is out of its valid range."""


def _tech(tech: Technology | None) -> Technology:
    return tech or active_tech()


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def finite(param: str, value: float) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise DesignRuleError(f"{param}={value!r} must be a finite number")
    return float(value)


def positive(param: str, value: float, unit: str = "um") -> float:
    value = finite(param, value)
    if value <= 0:
        raise DesignRuleError(f"{param}={_fmt(value)} {unit} must be positive")
    return value


def in_range(param: str, value: float, lo: float, hi: float, unit: str = "", why: str = "") -> float:
    value = finite(param, value)
    if not lo <= value <= hi:
        extra = f" ({why})" if why else ""
        raise DesignRuleError(f"{param}={_fmt(value)}{' ' + unit if unit else ''} is outside "
                              f"[{_fmt(lo)}, {_fmt(hi)}]{extra}")
    return value


def choice(param: str, value, allowed: Iterable) -> object:
    allowed = list(allowed)
    if value not in allowed:
        raise DesignRuleError(f"{param}={value!r} is not one of {allowed}")
    return value


def _min_rule(param: str, value: float, kind: str, layer: str, tech: Technology | None,
              other_layer: str | None = None) -> float:
    value = finite(param, value)
    t = _tech(tech)
    rule = t.rule(kind, layer, other_layer)
    if rule is None:
        return value
    if value < rule.value - 1e-9:
        word = {"width": "width", "space": "space", "separation": "separation", "enclosure": "enclosure",
                "area": "area", "radius": "bend radius"}[kind]
        unit = "um^2" if kind == "area" else "um"
        of = f"between {layer} and {other_layer}" if other_layer and kind == "separation" else \
            f"of {layer} by {other_layer}" if other_layer else f"of layer {layer}"
        raise DesignRuleError(f"{param}={_fmt(value)} {unit} is below the minimum {word} "
                              f"{rule.value:.2f} {unit} {of} (rule {rule.name}, PDK {t.name})")
    return value


def min_width(param: str, value: float, layer: str, tech: Technology | None = None) -> float:
    return _min_rule(param, value, "width", layer, tech)


def min_space(param: str, value: float, layer: str, tech: Technology | None = None) -> float:
    return _min_rule(param, value, "space", layer, tech)


def min_separation(param: str, value: float, layer: str, other_layer: str, tech: Technology | None = None) -> float:
    return _min_rule(param, value, "separation", layer, tech, other_layer)


def min_enclosure(param: str, value: float, layer: str, other_layer: str, tech: Technology | None = None) -> float:
    return _min_rule(param, value, "enclosure", layer, tech, other_layer)


def min_radius(param: str, value: float, cross_section: str, tech: Technology | None = None) -> float:
    """Bend radius against the cross-section's ``radius_min`` (not just its layer's rule)."""
    value = finite(param, value)
    t = _tech(tech)
    x = t.xs(cross_section)
    if value < x.radius_min - 1e-9:
        raise DesignRuleError(f"{param}={_fmt(value)} um is below the minimum bend radius "
                              f"{x.radius_min:.4g} um of cross-section {cross_section} (PDK {t.name})")
    return value


def on_grid(param: str, value: float, tech: Technology | None = None) -> float:
    value = finite(param, value)
    g = _tech(tech).grid
    if abs(round(value / g) * g - value) > 1e-9:
        raise DesignRuleError(f"{param}={value!r} um is not on the {g * 1000:.0f} nm grid")
    return value


def cross_section_name(param: str, value: str, tech: Technology | None = None, port_type: str | None = None) -> str:
    t = _tech(tech)
    if value not in t.cross_sections:
        raise DesignRuleError(f"{param}={value!r} is not a cross-section of PDK {t.name}; "
                              f"known: {sorted(t.cross_sections)}")
    if port_type and t.cross_sections[value].port_type != port_type:
        raise DesignRuleError(f"{param}={value!r} is a {t.cross_sections[value].port_type} cross-section; "
                              f"this parameter needs a {port_type} one")
    return value
