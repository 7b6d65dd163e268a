"""Per-die netlist (YAML): instances with placements, optical links, electrode-to-pad map, chip I/O.

Derived from the built geometry (the same port matching as the connectivity
check), so it describes what is in the GDS, not what was intended.
"""

from __future__ import annotations

import yaml

from weiming.circuits.connectivity import _ports


def _links(cell) -> list[list[str]]:
    """Optical port pairs that touch (sorted, each pair once)."""
    at: dict[tuple[float, float], list[str]] = {}
    for p in _ports(cell):
        if p.optical:
            at.setdefault((p.x, p.y), []).append(f"{p.inst}.{p.name}")
    return sorted(sorted(v) for v in at.values() if len(v) == 2)


def netlist(die, check: dict, extra: dict | None = None) -> dict:
    """The netlist of ``die`` (a :class:`weiming.circuits.steps.Die`) as plain data."""
    insts = {}
    for i in sorted(die.cell.insts, key=lambda i: i.name):
        t = i.dcplx_trans
        insts[i.name] = {"cell": i.cell.name, "x_um": round(t.disp.x, 3), "y_um": round(t.disp.y, 3),
                         "rotation_deg": round(t.angle, 3), "mirror": bool(t.is_mirror())}
    out = {"id": die.id, "kind": die.kind, "pdk": die.pdk, "channel": die.channel,
           "wavelength_nm": die.wavelength_nm, "size_um": [float(v) for v in die.size_um],
           "cell": die.cell.name, "description": die.description,
           "io": check["io"], "optical_links": _links(die.cell), "electrodes_to_pads": dict(sorted(check["pads"].items())),
           "errors": check["errors"], "instances": insts}
    if extra:
        out.update(extra)
    return out


def netlist_yaml(die, check: dict, extra: dict | None = None) -> str:
    return yaml.safe_dump(netlist(die, check, extra), sort_keys=False, default_flow_style=None, width=120)
