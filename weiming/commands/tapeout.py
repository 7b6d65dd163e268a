"""CLI: ``weiming tapeout`` — the main job on a design (default: the built-in network).

Exit status: 0 the run worked and the design's spec is met; 1 the run worked
but a spec row or a stage failed; 2 bad input (nothing written); 130 Ctrl-C
(finished stages are kept; rerunning resumes from the caches).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from weiming.commands._common import fail, interrupt_hint


def register(app: typer.Typer) -> None:
    @app.command("tapeout")
    def tapeout(
        out: Path = typer.Option(Path("build"), "--out", help="Output folder (GDS, manifest, plots, report)."),
        config: Optional[Path] = typer.Option(None, "--config", help="Design YAML (default: built-in design)."),
        full: bool = typer.Option(False, "--full", help="Full-resolution simulations instead of the quick mode."),
        only: Optional[str] = typer.Option(None, "--only", help="Comma-separated stages to run "
                                           "(build, comb_dispersion, comb_ring, inp_models, yield)."),
        seed: int = typer.Option(1, "--seed", min=0, max=2**32 - 1, help="Seed of the yield Monte Carlo."),
    ) -> None:
        """Build the chip set with DRC, run the default simulations and the yield Monte Carlo,
        and write OUT/summary.json and OUT/report/index.html. Exit 0 when the design's spec is met,
        1 when the run worked but the spec is not met, 2 for bad input."""
        from weiming.tapeout.main import TapeoutInputError, prepare, run_tapeout

        stages = [s.strip() for s in only.split(",") if s.strip()] if only is not None else None
        try:
            prepare(out, config, stages)
        except TapeoutInputError as e:
            fail(str(e))
        interrupt_hint(f"the finished stages' files in {out} and the simulation caches; "
                       "rerun the same command to resume")
        summary = run_tapeout(out, config=config, quick=not full, only=stages, seed=seed)
        word = "passed" if summary["passed"] else "FAILED (spec not met or a stage failed)"
        typer.echo(f"tapeout {word} in {summary['seconds']:.1f} s; report: {out / 'report' / 'index.html'}")
        raise typer.Exit(0 if summary["passed"] else 1)
