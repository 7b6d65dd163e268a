"""gdsfactory cross-sections built from the technology data.

Each cross-section carries its width, layer, minimum bend radius (used as the
default bend radius, so a default bend is always legal) and cladding/extra
sections (GSG grounds).
"""

from __future__ import annotations

from functools import partial
from typing import Callable

import gdsfactory as gf
from gdsfactory.cross_section import CrossSection, Section

from weiming.pdk.tech import CrossSectionDef, Technology


def _make(tech: Technology, x: CrossSectionDef, width: float | None = None,
          radius: float | None = None, **kwargs) -> CrossSection:
    w = x.width if width is None else width
    sections = [Section(width=s.width, offset=s.offset, layer=tech.layer(s.layer or x.layer), name=s.name,
                        port_names=(None, None)) for s in x.sections]
    sections += [Section(width=w + 2 * off, offset=0, layer=tech.layer(lay), name=f"clad_{lay}_{i}",
                         port_names=(None, None), simplify=0.005)
                 for i, (lay, off) in enumerate(x.cladding)]
    port_types = ("electrical", "electrical") if x.port_type == "electrical" else ("optical", "optical")
    port_names = ("e1", "e2") if x.port_type == "electrical" else ("o1", "o2")
    return gf.cross_section.cross_section(
        width=w, layer=tech.layer(x.layer), sections=tuple(sections) or None,
        port_names=port_names, port_types=port_types,
        radius=x.radius_min if radius is None else radius, radius_min=x.radius_min, **kwargs)


def cross_sections(tech: Technology) -> dict[str, Callable[..., CrossSection]]:
    """Factories ``name -> f(width=None, radius=None) -> CrossSection`` of ``tech``."""
    out = {}
    for name, x in tech.cross_sections.items():
        f = partial(_make, tech, x)
        f.__name__ = name  # type: ignore[attr-defined]
        out[name] = f
    return out
