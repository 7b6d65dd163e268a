"""Cells by name through the active PDK, with labelled stand-ins for tests.

The chips get every cell through the PDK (``gf.get_component`` on the active
PDK resolves ``"ring_resonator"`` to ``sin100_ring_resonator``), never by
importing the cell modules. A cell the PDK does not register is an error,
unless the design sets ``allow_standins`` (tests of the build machinery only):
then a box with the cell's ports is drawn and the build records it.
"""

from __future__ import annotations

import gdsfactory as gf

from weiming.circuits.errors import BuildError

from weiming.pdk import activate, active_name, get_pdk, get_tech

_ACTIVATED: dict[str, bool] = {}


#: name -> (optical ports W/E, electrical ports, length um, height um) of a stand-in.
_STANDIN: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], float, float]] = {
    "dbr_laser": (("o1",), ("o2",), ("e1", "e2", "e3"), 900.0, 40.0),
    "mzm": (("o1",), ("o2",), ("e1",), 1000.0, 40.0),
    "phase_modulator": (("o1",), ("o2",), ("e1",), 1000.0, 40.0),
    "voa": (("o1",), ("o2",), ("e1",), 200.0, 40.0),
    "ssc": (("o1",), ("o2",), (), 300.0, 20.0),
    "photodiode": (("o1",), (), ("e1",), 100.0, 40.0),
    "mmi1x2": (("o1",), ("o2", "o3"), (), 100.0, 20.0),
    "pad_dc": ((), (), ("e1",), 100.0, 100.0),
    "pad_gsg": ((), (), ("e1",), 100.0, 250.0),
    "pad": ((), (), ("e1",), 100.0, 100.0),
    "edge_coupler": (("o1",), ("o2",), (), 300.0, 10.0),
    "ring_resonator": (("o1",), ("o2",), ("e1", "e2"), 2000.0, 2000.0),
    "spiral": (("o1",), ("o2",), (), 1000.0, 1000.0),
}


def _waveguide_xs(pdk: str) -> str:
    return "deep" if pdk == "inp" else "strip"


@gf.cell
def standin(pdk: str, name: str, length: float, height: float) -> gf.Component:
    """A box on the waveguide layer with the ports of cell ``name`` (tests only)."""
    t = get_tech(pdk)
    xs = t.xs(_waveguide_xs(pdk))
    west, east, elec, _, _ = _STANDIN[name]
    c = gf.Component()
    c.add_polygon([(0, -height / 2), (length, -height / 2), (length, height / 2), (0, height / 2)],
                  layer=t.layer(xs.layer))
    for i, p in enumerate(west):
        c.add_port(p, center=(0, 0 + i * 0), width=xs.width, orientation=180, layer=t.layer(xs.layer))
    for i, p in enumerate(east):
        c.add_port(p, center=(length, (i - (len(east) - 1) / 2) * height / 2), width=xs.width, orientation=0,
                   layer=t.layer(xs.layer))
    for i, p in enumerate(elec):
        c.add_port(p, center=((i + 0.5) * length / max(len(elec), 1), height / 2), width=10.0, orientation=90,
                   layer=t.layer(xs.layer), port_type="electrical")
    return c


def ensure_active(pdk: str) -> None:
    """Activate ``pdk`` unless it is already the active gdsfactory PDK (activation costs ~10 ms)."""
    if active_name() == pdk and _ACTIVATED.get(pdk):
        return
    activate(pdk)
    _ACTIVATED.clear()
    _ACTIVATED[pdk] = True


def has_cell(pdk: str, name: str) -> bool:
    return name in get_pdk(pdk).cells


def get(pdk: str, name: str, *, standins: bool = False, used: list[str] | None = None, **kwargs) -> gf.Component:
    """Cell ``name`` of PDK ``pdk`` with ``kwargs`` (activates ``pdk``)."""
    ensure_active(pdk)
    if has_cell(pdk, name):
        try:
            return gf.get_component(name, **kwargs)
        except (ValueError, TypeError) as e:  # DesignRuleError is a ValueError
            raise BuildError(f"cell {name} of PDK {pdk} rejected {kwargs}: {e}") from None
    if standins and name in _STANDIN:
        if used is not None:
            used.append(f"{pdk}:{name}")
        _, _, _, length, height = _STANDIN[name]
        length = float(kwargs.get("length", length))
        return standin(pdk, name, length, height)
    raise BuildError(f"cell {name!r} is not registered in PDK {pdk} "
                     f"(registered: {sorted(get_pdk(pdk).cells)})")
