"""CLI: ``weiming tapeout`` — the main job on a design (default: the built-in network)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from weiming.commands._common import fail


def register(app: typer.Typer) -> None:
    @app.command("tapeout")
    def tapeout(
        out: Path = typer.Option(Path("build"), "--out", help="Output folder (GDS, manifest, plots, report)."),
        config: Optional[Path] = typer.Option(None, "--config", help="Design YAML (default: built-in design)."),
        full: bool = typer.Option(False, "--full", help="Full-resolution simulations instead of the quick mode."),
        only: Optional[str] = typer.Option(None, "--only", help="Comma-separated stages to run "
                                           "(build, comb_dispersion, comb_ring, inp_models, yield)."),
        seed: int = typer.Option(1, "--seed", help="Seed of the yield Monte Carlo."),
    ) -> None:
        """Build the chip set with DRC, run the default simulations and the yield Monte Carlo,
        and write build/summary.json and build/report/index.html. Exit 0 when every stage passed."""
        if config is not None and not config.is_file():
            fail(f"--config {config}: no such file")
        from weiming.tapeout import run_tapeout

        stages = [s.strip() for s in only.split(",")] if only else None
        try:
            summary = run_tapeout(out, config=config, quick=not full, only=stages, seed=seed)
        except ValueError as exc:
            fail(str(exc))
        word = "passed" if summary["passed"] else "FAILED"
        typer.echo(f"tapeout {word} in {summary['seconds']:.1f} s; report: {out / 'report' / 'index.html'}")
        raise typer.Exit(0 if summary["passed"] else 1)
