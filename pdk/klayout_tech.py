"""KLayout technology export: ``NAME.lyp`` (layer properties) and ``NAME.lyt``.

The ``.lyp`` carries each PDK layer's name, GDS number, colour, fill pattern
and description (from the PDK's ``tech.yaml``); the ``.lyt`` technology file names the
PDK, sets the database unit and grid and points to the ``.lyp`` (relative, so
the two files can be moved together). Open a GDS with
``klayout -nn NAME.lyt chip.gds`` or install both under KLayout's ``tech/``
folder.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import klayout.db as kdb

from weiming.sims.cache import atomic_write_text


def technology_xml(name: str) -> str:
    """The ``.lyt`` XML of PDK ``name``."""
    from weiming.pdk import get_tech

    tech = get_tech(name)
    t = kdb.Technology()
    t.name = name
    t.description = f"weiming {name}: {tech.description}"
    t.dbu = 0.001  # 1 nm database unit, the grid of every weiming PDK (rule GRID.1)
    t.default_grids = [tech.grid, 0.01, 0.1, 1.0]
    t.layer_properties_file = f"{name}.lyp"
    t.add_other_layers = True
    return t.to_xml()


#: PDK fill pattern -> KLayout built-in dither pattern (I0 solid, I1 hollow,
#: I2 dotted, I4 left-hatched, I12 cross-hatched).
DITHER = {"solid": "I0", "hollow": "I1", "dotted": "I2", "hatch": "I4", "cross": "I12"}


def layer_properties_xml(name: str) -> str:
    """The ``.lyp`` XML of PDK ``name``: one entry per layer with its name, colour and pattern."""
    from weiming.pdk import get_tech

    tech = get_tech(name)
    out = ['<?xml version="1.0" encoding="utf-8"?>', "<layer-properties>"]
    for n, l in tech.layers.items():
        hollow = l.pattern == "hollow"
        out += [
            " <properties>",
            f"  <frame-color>{escape(l.color)}</frame-color>",
            f"  <fill-color>{escape(l.color)}</fill-color>",
            "  <frame-brightness>0</frame-brightness>",
            "  <fill-brightness>0</fill-brightness>",
            f"  <dither-pattern>{DITHER.get(l.pattern, 'I0')}</dither-pattern>",
            "  <valid>true</valid>",
            "  <visible>true</visible>",
            f"  <transparent>{'true' if hollow else 'false'}</transparent>",
            "  <width>1</width>",
            "  <marked>false</marked>",
            "  <xfill>false</xfill>",
            "  <animation>0</animation>",
            f"  <name>{escape(n)} - {escape(l.description)}</name>",
            f"  <source>{l.gds[0]}/{l.gds[1]}@1</source>",
            " </properties>",
        ]
    out.append("</layer-properties>")
    return "\n".join(out) + "\n"


def export(name: str, directory: str | Path) -> tuple[Path, Path]:
    """Write ``NAME.lyp`` and ``NAME.lyt`` into ``directory`` (created if needed); returns both paths."""
    from weiming.pdk import get_tech

    get_tech(name)  # unknown PDK -> UnknownPdkError before anything is written
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    lyp, lyt = out / f"{name}.lyp", out / f"{name}.lyt"
    atomic_write_text(lyp, layer_properties_xml(name))
    atomic_write_text(lyt, technology_xml(name))
    return lyp, lyt
