"""CLI commands: ``weiming pdk list | show | export-klayout``."""

from __future__ import annotations

from pathlib import Path

import typer

from weiming.commands._common import check_out_dir, fail, print_json

pdk_app = typer.Typer(help="Inspect the PDKs (layers, cross-sections, layer stack, rules) and export them to KLayout.",
                      no_args_is_help=True)


def _tech(name: str):
    from weiming.pdk import UnknownPdkError, get_tech

    try:
        return get_tech(name)
    except UnknownPdkError as e:
        fail(str(e))


@pdk_app.command("list")
def list_() -> None:
    """Print the names of the PDKs, one per line."""
    from weiming.pdk import names

    for n in names():
        typer.echo(n)


@pdk_app.command("show")
def show(name: str = typer.Argument(..., help="PDK name (see `weiming pdk list`)."),
         json_: bool = typer.Option(False, "--json", help="Print one JSON object instead of tables.")) -> None:
    """Show a PDK's layers, cross-sections, layer stack and design rules (lengths in um)."""
    tech = _tech(name)
    if json_:
        print_json(tech.to_json())
        return
    typer.echo(f"{tech.name}: {tech.description}\n")
    typer.echo("Layers")
    for n, l in tech.layers.items():
        typer.echo(f"  {n:<12} {l.gds[0]:>4}/{l.gds[1]:<3} {l.color}  {l.pattern:<7} {l.description}")
    typer.echo("\nCross-sections (width um, min bend radius um)")
    for n, x in tech.cross_sections.items():
        typer.echo(f"  {n:<10} {x.layer:<10} w={x.width:<7g} r_min={x.radius_min:<7g} {x.port_type:<10} {x.description}")
    typer.echo("\nLayer stack (um)")
    for n, lv in tech.layer_stack.items():
        typer.echo(f"  {n:<14} layer={str(lv.layer):<8} zmin={lv.zmin:<6g} t={lv.thickness:<6g} "
                   f"+-{lv.thickness_tol:g} {lv.material}")
    typer.echo("\nRules")
    for r in tech.rules:
        typer.echo(f"  {r.name:<15} {r.kind:<10} {r.describe()}   [{r.source}]")


@pdk_app.command("export-klayout")
def export_klayout(name: str = typer.Argument(..., help="PDK name."),
                   directory: Path = typer.Argument(..., help="Output folder (created if needed).")) -> None:
    """Write NAME.lyp (layer colours and names) and NAME.lyt (technology) for KLayout."""
    _tech(name)
    check_out_dir(directory, "DIRECTORY")
    from weiming.pdk.klayout_tech import export

    try:
        lyp, lyt = export(name, directory)
    except OSError as e:
        fail(f"cannot write to {directory}: {e.strerror or e}")
    typer.echo(f"wrote {lyp}\nwrote {lyt}")


def register(app: typer.Typer) -> None:
    """Add the ``pdk`` command group to ``app``."""
    app.add_typer(pdk_app, name="pdk")
