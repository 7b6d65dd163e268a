"""CLI command: ``weiming drc FILE.gds --pdk NAME [--report OUT.lyrdb] [--json]``.

Exit status: 0 clean, 1 violations, 2 bad input (missing/corrupt file, unknown PDK).
"""

from __future__ import annotations

from pathlib import Path

import typer

from weiming.commands._common import fail, print_json


def drc(file: Path = typer.Argument(..., help="GDS (or OASIS) file to check."),
        pdk: str = typer.Option(..., "--pdk", help="PDK whose rules to check (see `weiming pdk list`)."),
        report: Path | None = typer.Option(None, "--report", help="Write a KLayout report database (.lyrdb)."),
        json_: bool = typer.Option(False, "--json", help='Print {"clean", "violations": [{"rule", "count", "examples"}]}.'),
        flat: bool = typer.Option(False, "--flat", help="Flatten before checking (default: hierarchical).")) -> None:
    """Design-rule check FILE against the PDK's rules: exit 0 clean, 1 violations, 2 bad input."""
    from weiming.pdk.drc import DrcInputError, run_drc

    try:
        result = run_drc(file, pdk, deep=not flat, report=report)
    except DrcInputError as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot write report {report}: {e.strerror or e}")
    if json_:
        print_json(result.to_json())
    else:
        typer.echo(result.summary())
        if report is not None:
            typer.echo(f"report: {report}")
    raise typer.Exit(0 if result.clean else 1)


def register(app: typer.Typer) -> None:
    """Add the ``drc`` command to ``app``."""
    app.command("drc")(drc)
