"""The ``weiming`` command line: a thin typer layer over the Python API.

Each command group lives in its own module under :mod:`weiming.commands` and
adds itself to the app through ``register(app)``; heavy imports happen inside
the commands so that ``weiming --help`` stays fast.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="weiming",
    help="Design, check, simulate and predict the yield of the chips of a TF-QKD network.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

COMMAND_MODULES = ("pdk", "drc", "lvs", "cells", "build", "modes", "fdtd", "ring", "yield_", "sweep", "tapeout",
                   "network", "comb")

for _name in COMMAND_MODULES:
    importlib.import_module(f"weiming.commands.{_name}").register(app)


def versions() -> dict[str, str]:
    """weiming's version and those of the tools it drives (``"not installed"`` when absent)."""
    import numpy

    import weiming
    from weiming.sims._meep import MeepMissingError, require_meep, require_mpb

    out = {"weiming": weiming.__version__}
    try:
        import gdsfactory
        out["gdsfactory"] = gdsfactory.__version__
    except ImportError:
        out["gdsfactory"] = "not installed"
    try:
        import klayout.db as kdb
        out["klayout"] = kdb.Application.version().split()[-1] if hasattr(kdb, "Application") else kdb.__version__
    except ImportError:
        out["klayout"] = "not installed"
    out["numpy"] = numpy.__version__
    try:
        out["meep"] = require_meep().__version__
        require_mpb()
        out["mpb"] = "available (meep.mpb)"
    except MeepMissingError:
        out.setdefault("meep", "not installed")
        out["mpb"] = "not installed"
    return out


def _version_callback(value: bool) -> None:
    if value:
        for name, ver in versions().items():
            typer.echo(f"{name} {ver}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                       help="Print the versions of weiming, gdsfactory, klayout, numpy and meep/MPB.")) -> None:
    """Design, check, simulate and predict the yield of the chips of a TF-QKD network."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
