"""Entry points of the pre-commit hooks (``.pre-commit-hooks.yaml``).

``weiming-lvs-hook [--pdk NAME] FILE.gds...``: LVS of every layout that has its
schematic next to it (``X.gds`` -> ``X.schematic.yaml``, as the build writes
them); layouts without one are skipped. The PDK is the schematic's ``pdk`` key
unless ``--pdk`` is given. Exit 0 when every checked layout matches, 1 on a
mismatch, 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def schematic_of(gds: Path) -> Path:
    """``chips/C01A.gds`` -> ``chips/C01A.schematic.yaml``."""
    return gds.with_name(gds.stem + ".schematic.yaml")


def lvs_main(argv: list[str] | None = None) -> int:
    from weiming.pdk.lvs import LvsInputError, load_schematic, run_lvs

    ap = argparse.ArgumentParser(prog="weiming-lvs-hook", description=__doc__.splitlines()[2])
    ap.add_argument("--pdk", default=None, help="PDK (default: the schematic's pdk key)")
    ap.add_argument("files", nargs="*", type=Path)
    a = ap.parse_args(argv)
    code = 0
    for gds in a.files:
        sch = schematic_of(gds)
        if not sch.is_file():
            continue
        try:
            data = load_schematic(sch)
            pdk = a.pdk or data.get("pdk")
            if not pdk:
                raise LvsInputError(f"{sch}: no pdk key; pass --pdk")
            r = run_lvs(gds, pdk, data)
        except LvsInputError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        print(f"{gds}: {r.summary()}")
        if not r.match:
            code = 1
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(lvs_main())
