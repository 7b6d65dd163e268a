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


#: what an interrupted command keeps and how to resume (set by the command before its work)
_INTERRUPT_HINT: list[str] = []


def interrupt_hint(text: str) -> None:
    """Say what Ctrl-C keeps and how to resume (printed by :func:`weiming.cli.main` on exit 130)."""
    _INTERRUPT_HINT[:] = [text]


def interrupted_message() -> str:
    kept = _INTERRUPT_HINT[0] if _INTERRUPT_HINT else "nothing half-written (results are written atomically)"
    return f"interrupted: kept {kept}"


def parse_value(raw: str) -> Any:
    """A ``--set`` value as people write it: numbers by ``int()``/``float()`` (``30.03e9``, ``1e-3``),
    ``true``/``false``, ``null``, ``[...]``/``{...}`` as YAML flow, anything else a string.

    Non-finite numbers (``nan``, ``inf``) are refused: no parameter takes them.
    """
    import math

    text = raw.strip()
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("null", "none", "~"):
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        v = float(text)
    except ValueError:
        v = None
    if v is not None:
        if not math.isfinite(v):
            raise ValueError(f"{raw!r} is not a finite number")
        return v
    if text[:1] in "[{":
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            raise ValueError(f"{raw!r} is not a valid list or mapping") from None
    return text


def parse_set(items: list[str] | None) -> dict[str, Any]:
    """``["gap=0.8", "fsr=30.03e9", "heater=true"]`` -> ``{"gap": 0.8, "fsr": 3.003e10, "heater": True}``."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            fail(f"--set {item!r}: expected key=value")
        key, _, raw = item.partition("=")
        key = key.strip()
        if not key.isidentifier():
            fail(f"--set {item!r}: {key!r} is not a parameter name")
        if key in out:
            fail(f"--set {item!r}: {key} is given twice")
        try:
            out[key] = parse_value(raw)
        except ValueError as e:
            fail(f"--set {key}: {e}")
    return out


def check_out_dir(path, option: str = "--out") -> None:
    """Exit 2 before any work when ``path`` cannot be an output folder."""
    from weiming.fileio import OutputPathError, check_output_dir

    try:
        check_output_dir(path, option)
    except OutputPathError as e:
        fail(str(e))


def check_out_file(path, option: str, suffixes: tuple[str, ...] = ()) -> None:
    """Exit 2 before any work when ``path`` cannot be written as an output file."""
    from weiming.fileio import OutputPathError, check_output_file

    if path is None:
        return
    try:
        check_output_file(path, option, suffixes)
    except OutputPathError as e:
        fail(str(e))


def check_in_file(path, option: str) -> None:
    """Exit 2 unless ``path`` is an existing, readable file."""
    from pathlib import Path

    if path is None:
        return
    p = Path(path)
    if not p.exists():
        fail(f"{option} {str(p)!r}: no such file")
    if not p.is_file():
        fail(f"{option} {str(p)!r}: is not a file")
    try:
        with open(p, "rb"):
            pass
    except OSError as e:
        fail(f"{option} {str(p)!r}: cannot read ({e.strerror})")


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


def check_number(option: str, value: float | None, *, lo: float | None = None, hi: float | None = None,
                 unit: str = "", what: str = "", lo_open: bool = False) -> None:
    """Exit 2 unless ``value`` is finite and inside [lo, hi] (``lo_open``: > lo); the message names
    the option, the value and the rule in the user's terms (``what``, ``unit``)."""
    import math

    if value is None:
        return
    u = f" {unit}" if unit else ""
    name = f" ({what})" if what else ""
    if not math.isfinite(value):
        fail(f"{option} {value}{name}: must be a finite number" + (f" in {unit}" if unit else ""))
    if lo is not None and (value <= lo if lo_open else value < lo):
        fail(f"{option} {value}{name}: must be {'>' if lo_open else '>='} {lo:g}{u}")
    if hi is not None and value > hi:
        fail(f"{option} {value}{name}: must be <= {hi:g}{u}")
