"""The ``weiming`` command line: a thin typer layer over the Python API.

Each command group lives in its own module under :mod:`weiming.commands` and
adds itself to the app through ``register(app)``; heavy imports happen inside
the commands so that ``weiming --help`` stays fast.

Exit statuses shared by every command: 0 success, 1 the work ran but a check
failed, 2 bad input (one line on stderr, nothing written), 130 Ctrl-C (one
line saying what was kept and how to resume). :func:`main` is the safety net:
an error escaping a command is one line on stderr, never a traceback (set
``WEIMING_DEBUG=1`` to see it).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys

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

EXIT_INTERRUPTED = 130


class Interrupted(BaseException):
    """Ctrl-C seen outside the signal handler (e.g. click's Abort)."""


def _on_sigint(signum, frame):  # noqa: ARG001
    """Ctrl-C: say what was kept, remove staging folders, exit 130 now.

    Exiting from the handler (instead of raising KeyboardInterrupt into whatever
    code runs, where a weakref callback or a C extension may swallow it) is safe
    because every result is written atomically: what is on disk is complete, and
    a staging folder missed here is removed by the next run.
    """
    from weiming.commands._common import interrupted_message
    from weiming.fileio import run_interrupt_cleanups

    run_interrupt_cleanups()
    try:  # worker processes of this command (a sweep's pool) stop with it
        import multiprocessing

        for child in multiprocessing.active_children():
            child.terminate()
    except Exception:  # noqa: BLE001 - best effort on the way out
        pass
    try:
        sys.stdout.flush()
        sys.stderr.write("\n" + interrupted_message() + "\n")
        sys.stderr.flush()
    finally:
        os._exit(EXIT_INTERRUPTED)


def run(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit status (never raises, never prints a traceback)."""
    from weiming.commands._common import interrupted_message

    previous = signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGINT, _on_sigint)
    except ValueError:  # not the main thread: leave Ctrl-C alone
        previous = None
    import click

    try:
        rv = app(args=argv, prog_name="weiming", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except click.exceptions.NoArgsIsHelpError as e:  # `weiming cells`: the group's help
        e.show()
        return e.exit_code
    except click.ClickException as e:  # usage errors: one line, not click's boxed block
        where = f"{e.ctx.command_path}: " if getattr(e, "ctx", None) is not None else ""
        msg = " ".join(e.format_message().split())
        sys.stderr.write(f"error: {where}{msg}\n")
        return e.exit_code
    except click.exceptions.Abort:
        sys.stderr.write(interrupted_message() + "\n")
        return EXIT_INTERRUPTED
    except SystemExit as e:
        code = e.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except (Interrupted, KeyboardInterrupt):
        sys.stderr.write(interrupted_message() + "\n")
        return EXIT_INTERRUPTED
    except OSError as e:  # a file that could not be read or written
        if os.environ.get("WEIMING_DEBUG"):
            raise
        where = f" {e.filename!r}" if getattr(e, "filename", None) else ""
        sys.stderr.write(f"error: cannot access{where}: {e.strerror or e}\n")
        return 2
    except Exception as e:  # noqa: BLE001 - the safety net: one line, not a traceback
        if os.environ.get("WEIMING_DEBUG"):
            raise
        msg = str(e).splitlines()[0] if str(e) else ""
        sys.stderr.write(f"error: internal error {type(e).__name__}: {msg} (WEIMING_DEBUG=1 shows the traceback)\n")
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


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
    sys.exit(run())


if __name__ == "__main__":
    main()
