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

COMMAND_MODULES = ("pdk", "drc", "cells", "build", "modes", "fdtd", "ring", "yield_", "sweep", "tapeout", "network")

for _name in COMMAND_MODULES:
    importlib.import_module(f"weiming.commands.{_name}").register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
