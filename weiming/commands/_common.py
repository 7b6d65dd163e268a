"""Helpers shared by the CLI commands: clean errors, ``--set key=value`` parsing, JSON output."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
import yaml

#: Exit status for bad input (missing/corrupt file, unknown PDK, bad parameter).
EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print a one-line error to stderr and exit with ``code`` (no traceback)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def parse_set(items: list[str] | None) -> dict[str, Any]:
    """``["gap=0.8", "heater=true"]`` -> ``{"gap": 0.8, "heater": True}`` (values parsed as YAML)."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            fail(f"--set {item!r}: expected key=value")
        key, _, raw = item.partition("=")
        key = key.strip()
        if not key.isidentifier():
            fail(f"--set {item!r}: {key!r} is not a parameter name")
        try:
            out[key] = yaml.safe_load(raw)
        except yaml.YAMLError:
            out[key] = raw
    return out


def print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, indent=2, sort_keys=False, default=_default)
    sys.stdout.write("\n")


def _default(o: Any) -> Any:
    try:
        import numpy as np

        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
    except ImportError:  # pragma: no cover
        pass
    if hasattr(o, "__fspath__"):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")
