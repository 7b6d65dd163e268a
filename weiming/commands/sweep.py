"""CLI command: ``weiming sweep SPEC.yaml --out DIR [--workers N] [--scheduler ADDRESS]``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from weiming.commands._common import check_in_file, check_out_dir, fail, interrupt_hint


def sweep(
    spec: Path = typer.Argument(..., help="Sweep spec (YAML): target, parameters, sampling."),
    out: Path = typer.Option(..., "--out", help="Output directory: points/, results.csv, plots/, summary.json."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1,
                                          help="Local worker processes (default: all cores)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="Dask distributed scheduler, e.g. tcp://HOST:PORT."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Recompute points stored as failed."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar with ETA."),
) -> None:
    """Run a parameter sweep: cached per point, resumable after a kill, local processes or Dask.

    Points already computed in DIR (same target, inputs and package version) are
    not recomputed. A bad spec exits 2 naming the YAML key, before any work.
    """
    from weiming.sims.sweep import SchedulerError, SpecError, run_sweep
    from weiming.sims.sweep.run import plan

    import os

    cap = 8 * (os.cpu_count() or 1)
    if workers is not None and workers > cap:
        fail(f"--workers {workers}: at most {cap} local processes (8 per core) on this machine")
    if workers is not None and scheduler:
        fail("--workers and --scheduler exclude each other (the cluster has its own workers)")
    check_in_file(spec, "SPEC")
    check_out_dir(out)
    try:
        plan(spec)  # the whole spec checked before anything is written
    except SpecError as e:
        fail(f"{spec}: {e}")
    interrupt_hint(f"every finished point in {out}/points; rerun the same command to resume")
    try:
        s = run_sweep(spec, out, workers=workers, scheduler=scheduler, progress=progress, retry_failed=retry_failed)
    except SpecError as e:
        fail(f"{spec}: {e}")
    except SchedulerError as e:
        fail(str(e))
    typer.echo(f"{s['points']} points: {s['computed']} computed, {s['cached']} cached, {s['failed']} failed "
               f"-> {s['results'][0]}")
    if s["failed"]:
        for f in s["failures"]:
            inputs = ", ".join(f"{k}={v}" for k, v in f.items() if k not in ("point", "error"))
            typer.echo(f"failed point {f['point']} ({inputs}): {f['error']}", err=True)
        typer.echo(f"error: {s['failed']} of {s['points']} points failed (--retry-failed recomputes them)", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("sweep")(sweep)
