"""CLI command: ``weiming build [--config FILE] --out DIR`` (the tape-out GDS of the chip set)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from weiming.commands._common import check_in_file, check_out_dir, fail, interrupt_hint


def register(app: typer.Typer) -> None:
    """Add ``build`` to ``app``."""

    @app.command("build")
    def build_cmd(
        config: Optional[Path] = typer.Option(None, "--config", "-c",
                                              help="Design YAML merged over the built-in default design."),
        out: Path = typer.Option(..., "--out", "-o", help="Output folder (GDS, netlists, renders, manifest.json)."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
    ) -> None:
        """Build every chip, test die and reticle of the design, DRC and connectivity-check them.

        Writes one GDS per reticle and per die, per-die netlist YAML, PNG renders,
        wafer maps and manifest.json into OUT. Exit status: 0 when every reticle is
        DRC-clean and every die passes the connectivity check, 1 when a check
        fails, 2 for a bad config (nothing is written then).
        """
        from weiming.circuits.build import build, main_exit_code
        from weiming.circuits.design import DesignError
        from weiming.circuits.errors import BuildError, PlacementError

        from weiming.circuits.design import load_design

        check_in_file(config, "--config")
        check_out_dir(out)
        try:
            load_design(config)  # the whole design checked before any work
        except DesignError as e:
            fail(str(e))
        interrupt_hint(f"the previous build in {out} untouched (the build is staged and installed at the end); "
                       "rerun the same command")
        try:
            manifest = build(config, out, progress=not quiet)
        except (DesignError, BuildError, PlacementError) as e:
            fail(str(e))
        chips = manifest["chips"]
        checks = manifest["checks"]
        n = {k: sum(c["kind"] == k for c in chips) for k in ("client", "server", "test")}
        typer.echo(f"{out}: {len(manifest['reticles'])} reticles, {n['client']} client, {n['server']} server, "
                   f"{n['test']} test dies")
        for r in manifest["reticles"]:
            v = ", ".join(f"{x['rule']} x{x['count']}" for x in r["drc"]["violations"]) or "clean"
            typer.echo(f"  {r['name']} ({r['pdk']}): {r['gds']}  DRC {v}")
        for die, errs in checks["connectivity"]["errors"].items():
            for e in errs:
                typer.echo(f"  connectivity {die}: {e}", err=True)
        for c in chips:
            for m in (c.get("lvs") or {}).get("mismatches", []):
                typer.echo(f"  LVS {c['id']}: {m['kind']} at ({m['location'][0]:.1f}, {m['location'][1]:.1f}) "
                           f"um: {m['detail']}", err=True)
        if not checks["passed"]:
            typer.echo("error: checks failed (see above and manifest.json)", err=True)
        raise typer.Exit(main_exit_code(manifest))
