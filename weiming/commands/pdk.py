"""CLI commands: pdk (not built yet; see the open issue that owns it)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
