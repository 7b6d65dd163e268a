"""CLI command: ``weiming lvs LAYOUT.gds --pdk NAME --schematic NETLIST.yaml [--json]``.

Exit status: 0 match, 1 mismatches, 2 bad input (missing/corrupt file, unknown PDK, bad schematic).
"""

from __future__ import annotations

from pathlib import Path

import typer

from weiming.commands._common import fail, print_json


def lvs(layout: Path = typer.Argument(..., help="GDS file of one chip (one top cell)."),
        pdk: str = typer.Option(..., "--pdk", help="PDK whose connectivity to extract with (see `weiming pdk list`)."),
        schematic: Path = typer.Option(..., "--schematic", help="Intended netlist (YAML, e.g. chips/<id>.schematic.yaml)."),
        json_: bool = typer.Option(False, "--json", help='Print {"match", "devices", "nets", "mismatches"}.')) -> None:
    """Layout versus schematic: exit 0 on a match, 1 on mismatches, 2 on bad input."""
    from weiming.pdk.lvs import LvsInputError, run_lvs

    try:
        result = run_lvs(layout, pdk, schematic)
    except LvsInputError as e:
        fail(str(e))
    if json_:
        print_json(result.to_json())
    else:
        typer.echo(result.summary())
    raise typer.Exit(0 if result.match else 1)


def register(app: typer.Typer) -> None:
    """Add the ``lvs`` command to ``app``."""
    app.command("lvs")(lvs)
