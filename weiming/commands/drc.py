"""CLI command: ``weiming drc FILE|DIR|GLOB... --pdk NAME [--junit OUT.xml] [--sarif OUT.sarif]
[--waivers W.yaml] [--baseline OLD.json] [--report OUT.lyrdb] [--json]``.

Exit status: 0 when every file is clean after waivers (and baseline), 1 on violations, 2 bad input
(missing/corrupt file, empty glob or directory, unknown PDK, malformed waivers or baseline).
"""

from __future__ import annotations

from pathlib import Path

import typer

from weiming.commands._common import fail, print_json


def drc(files: list[str] = typer.Argument(..., help="GDS/OASIS files, directories (every layout file below) "
                                                     "and globs."),
        pdk: str = typer.Option(..., "--pdk", help="PDK whose rules to check (see `weiming pdk list`)."),
        junit: Path | None = typer.Option(None, "--junit", help="Write JUnit XML (a test case per rule per file)."),
        sarif: Path | None = typer.Option(None, "--sarif", help="Write SARIF 2.1.0 (a result per violation)."),
        waivers: Path | None = typer.Option(None, "--waivers", help="YAML list of {rule, file, cell, box, reason}."),
        baseline: Path | None = typer.Option(None, "--baseline",
                                             help="Earlier --json output: fail only on violations not in it."),
        report: Path | None = typer.Option(None, "--report", help="Write a KLayout report database (.lyrdb); "
                                           "with several files, a folder of <name>.lyrdb."),
        json_: bool = typer.Option(False, "--json", help='Print {"clean", "files": [{"file", "clean", "violations": '
                                   '[{"rule", "count", "examples", "waived"}]}]}.'),
        flat: bool = typer.Option(False, "--flat", help="Flatten before checking (default: hierarchical).")) -> None:
    """Design-rule check layout files against the PDK's rules: exit 0 clean, 1 violations, 2 bad input."""
    from weiming.pdk.drc import DrcInputError
    from weiming.pdk.drc_ci import check_files, expand, write_junit, write_sarif

    try:
        paths = expand(files)
        run = check_files(paths, pdk, waivers=waivers, baseline=baseline, report=report, deep=not flat)
        if junit is not None:
            write_junit(run, junit)
        if sarif is not None:
            write_sarif(run, sarif)
    except DrcInputError as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot write {e.filename or 'output'}: {e.strerror or e}")
    if json_:
        print_json(run.to_json())
    else:
        typer.echo(run.summary())
        for what, p in (("report", report), ("junit", junit), ("sarif", sarif)):
            if p is not None:
                typer.echo(f"{what}: {p}")
    raise typer.Exit(0 if run.clean else 1)


def register(app: typer.Typer) -> None:
    """Add the ``drc`` command to ``app``."""
    app.command("drc")(drc)
