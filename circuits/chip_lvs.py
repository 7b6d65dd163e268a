"""LVS of the built chips: every client and server chip's schematic written, then its GDS checked against it.

Used by the build's steps (:mod:`weiming.circuits.steps`); separate from
:mod:`weiming.circuits.build`, which runs those steps, so that the two do not
import each other.
"""

from __future__ import annotations

from pathlib import Path

from weiming.circuits.design import Design


def chip_ids(design: Design) -> list[tuple[str, str, str]]:
    """(id, kind, pdk) of every chip that has a schematic (client and server chips), from the design alone."""
    from weiming.circuits.network import clients

    out = [(f"S{i:02d}", "server", design.server.pdk) for i in range(1, design.server.count + 1)]
    return out + [(c.id, "client", "inp") for c in clients(design.network)]


def write_schematics(design: Design, root: Path) -> dict[str, str]:
    """Write ``chips/<id>.schematic.yaml`` of every client and server chip below ``root``; {id: rel path}."""
    from weiming.circuits.schematic import schematic, write_schematic

    out = {}
    for cid, kind, _ in chip_ids(design):
        rel = f"chips/{cid}.schematic.yaml"
        write_schematic(schematic(design, kind, cid), root / rel)
        out[cid] = rel
    return out


def lvs_chips(design: Design, root: Path, schematics: dict[str, str]) -> dict[str, dict]:
    """LVS of every chip's GDS (``chips/<id>.gds``) against its schematic: {id: {"match", "mismatches"}}."""
    from weiming.pdk.lvs import run_lvs

    out = {}
    for cid, _, pdk in chip_ids(design):
        r = run_lvs(root / f"chips/{cid}.gds", pdk, root / schematics[cid]).to_json()
        out[cid] = {"match": r["match"], "mismatches": r["mismatches"]}
    return out
