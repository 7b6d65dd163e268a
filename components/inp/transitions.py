"""Ridge-type transitions: deep <-> shallow and shallow <-> active (butt joint)."""

from __future__ import annotations

import gdsfactory as gf

from weiming.components.inp import _common as cm
from weiming.components.registry import register


def _port(c: gf.Component, name: str, x: float, orientation: float, xs_name: str) -> None:
    xd = cm.tech().xs(xs_name)
    c.add_port(name, center=(x, 0), width=xd.width, orientation=orientation, layer=cm.layer(xd.layer),
               port_type="optical", cross_section=cm.xs(xs_name))


@register("inp")
def transition_deep_shallow(length: float = 50.0, clear_width: float = 8.0) -> gf.Component:
    """Deep ridge (o1, ``deep``) to shallow ridge (o2, ``shallow``) over ``length`` um.

    The deep-etch mask (DEEP) widens linearly from the deep ridge width to
    ``clear_width`` so its edges move away from the guide, while the shallow
    ridge (SHALLOW) widens from the deep width to the shallow width: the mode
    passes adiabatically from the deep to the shallow ridge. At o2 only the
    shallow etch defines the guide.
    """
    cm.length("length", length, lo=1.0, hi=2000.0)
    t = cm.tech()
    wd, ws = t.xs("deep").width, t.xs("shallow").width
    cm.even_width("clear_width", clear_width)
    cm.length("clear_width", clear_width, lo=ws + 2.0, hi=50.0,
              why="the deep etch must clear the shallow ridge by >= 1 um each side")
    cm.taper_angle("length", length, wd, clear_width, "DEEP")
    c = gf.Component()
    c.add_polygon([(0, -wd / 2), (length, -clear_width / 2), (length, clear_width / 2), (0, wd / 2)],
                  layer=cm.layer("DEEP"))
    c.add_polygon([(0, -wd / 2), (length, -ws / 2), (length, ws / 2), (0, wd / 2)], layer=cm.layer("SHALLOW"))
    _port(c, "o1", 0, 180, "deep")
    _port(c, "o2", length, 0, "shallow")
    c.info["length"] = float(length)
    return c


@register("inp")
def transition_shallow_active(length: float = 30.0, active_overlap: float = 10.0) -> gf.Component:
    """Passive shallow ridge (o1, ``shallow``) to MQW active ridge (o2, ``active``).

    The shallow ridge narrows linearly to the active ridge width; the
    butt-joint of the regrown active island (ACTIVE, the active
    cross-section's cladding) starts ``active_overlap`` um before o2, so an
    active section placed at o2 continues the same ACTIVE island.
    """
    cm.length("length", length, lo=5.0, hi=1000.0)
    t = cm.tech()
    ws, wa = t.xs("shallow").width, t.xs("active").width
    lay, off = t.xs("active").cladding[0]
    amin = t.rule("width", "ACTIVE").value
    cm.length("active_overlap", active_overlap, lo=amin, hi=length,
              why=f"ACTIVE island at least {amin:g} um (rule ACT.W.1) and inside the transition")
    c = gf.Component()
    c.add_polygon([(0, -ws / 2), (length, -wa / 2), (length, wa / 2), (0, ws / 2)], layer=cm.layer("SHALLOW"))
    cm.rect(c, length - active_overlap, -wa / 2 - off, length, wa / 2 + off, lay)
    _port(c, "o1", 0, 180, "shallow")
    _port(c, "o2", length, 0, "active")
    c.info["length"] = float(length)
    c.info["butt_joint_x"] = float(length - active_overlap)
    return c
