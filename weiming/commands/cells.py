"""CLI commands: ``weiming cells list|show`` and ``weiming gallery``."""

from __future__ import annotations

from pathlib import Path

import typer

from weiming.commands._common import check_out_dir, check_out_file, fail, parse_set, print_json

cells_app = typer.Typer(help="List the parametric cells of a PDK and write one cell to GDS/PNG.",
                        no_args_is_help=True)


def _check_pdk(pdk: str) -> None:
    from weiming.pdk import names

    if pdk not in names():
        fail(f"unknown PDK {pdk!r}; known PDKs: {', '.join(names())}")


def _doc_line(fn) -> str:
    doc = (fn.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


@cells_app.command("list")
def list_cells(pdk: str = typer.Option(..., "--pdk", help="PDK name (sin100, sin800, inp)."),
               as_json: bool = typer.Option(False, "--json", help="Print a JSON list of {name, doc}.")) -> None:
    """List the cells registered for a PDK (name and first line of the docstring)."""
    _check_pdk(pdk)
    from weiming.components.registry import raw_cells

    rows = [{"name": n, "doc": _doc_line(f)} for n, f in sorted(raw_cells(pdk).items())]
    if as_json:
        print_json(rows)
        return
    width = max((len(r["name"]) for r in rows), default=0)
    for r in rows:
        typer.echo(f"{r['name']:<{width}}  {r['doc']}")


def build_cell(name: str, pdk: str, params: dict):
    """Validate and build one cell; any bad input exits 2 with a one-line error (nothing written)."""
    import inspect

    from weiming.components._validate import DesignRuleError
    from weiming.components.registry import cells_for, raw_cells
    from weiming.pdk import activate

    _check_pdk(pdk)
    raw = raw_cells(pdk)
    if name not in raw:
        fail(f"unknown cell {name!r} for PDK {pdk}; cells: {', '.join(sorted(raw))}")
    sig = inspect.signature(raw[name])
    unknown = [k for k in params if k not in sig.parameters]
    if unknown:
        fail(f"unknown parameter(s) {', '.join(unknown)} of cell {name}; parameters: {', '.join(sig.parameters)}")
    activate(pdk)
    try:
        return cells_for(pdk)[name](**params)
    except DesignRuleError as e:
        fail(str(e))
    except (TypeError, ValueError, KeyError) as e:  # e.g. a list where a number was expected
        fail(f"cell {name}: bad parameter: {e}")


@cells_app.command("show")
def show(name: str = typer.Argument(..., help="Cell name (see `weiming cells list`)."),
         pdk: str = typer.Option(..., "--pdk", help="PDK name."),
         set_: list[str] = typer.Option(None, "--set", help="Parameter key=value (repeatable; values parsed as YAML)."),
         gds: Path = typer.Option(..., "--gds", help="Output GDS file."),
         png: Path = typer.Option(None, "--png", help="Also render a PNG in the PDK colours.")) -> None:
    """Build one cell with its parameters checked against the PDK rules; write GDS (and PNG)."""
    params = parse_set(set_)
    check_out_file(gds, "--gds", (".gds", ".oas"))
    check_out_file(png, "--png", (".png",))
    comp = build_cell(name, pdk, params)
    from weiming.components.gallery import save_gds

    if png is not None:
        from weiming.components.render import render_png

        render_png(comp, png, pdk)
    save_gds(comp, gds)
    typer.echo(f"wrote {gds}" + (f" and {png}" if png else "") + f" ({comp.name})")


def gallery(pdk: str = typer.Option(..., "--pdk", help="PDK name."),
            out: Path = typer.Option(..., "--out", help="Output folder."),
            no_png: bool = typer.Option(False, "--no-png", help="Skip the PNG montage.")) -> None:
    """Write every cell of a PDK at default parameters into one GDS plus a PNG montage."""
    _check_pdk(pdk)
    check_out_dir(out)
    from weiming.components._validate import DesignRuleError
    from weiming.components.gallery import build_gallery

    try:
        res = build_gallery(pdk, out, progress=True, png=not no_png)
    except DesignRuleError as e:
        fail(str(e))
    typer.echo(f"wrote {res['gds']}" + (f" and {res['png']}" if res["png"] else "") + f" ({len(res['cells'])} cells)")


def register(app: typer.Typer) -> None:
    """Add ``cells`` (list, show) and ``gallery`` to ``app``."""
    app.add_typer(cells_app, name="cells")
    app.command("gallery")(gallery)
