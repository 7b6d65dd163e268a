"""CLI command ``weiming yield``: wafer-level Monte Carlo yield, prior prediction and Bayesian update.

(The module is ``yield_`` because ``yield`` is a Python keyword; the command is registered as ``yield``.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from weiming.commands._common import fail, print_json


def register(app: typer.Typer) -> None:
    """Add ``weiming yield`` to ``app``."""

    @app.command(name="yield")
    def yield_cmd(
        out: Path = typer.Option(..., "--out", help="Directory for the wafer maps, histograms and yield.json."),
        config: Optional[Path] = typer.Option(None, "--config", help="YAML with design/process overrides."),
        specs: Optional[Path] = typer.Option(None, "--specs", help="YAML spec list (default: built-in specs)."),
        wafers: int = typer.Option(50, "--wafers", help="Simulated wafers per chip type."),
        seed: int = typer.Option(1, "--seed", help="Random seed (same seed -> identical JSON)."),
        observed: str = typer.Option("117/120", "--observed",
                                     help="Observed working/total modulators of one wafer for the Bayesian update of D0 "
                                          "('none': prior only)."),
        measured: Optional[Path] = typer.Option(None, "--measured",
                                                help="CSV (die, x, y, device, pass) of measured modulators: "
                                                     "Bayesian update from your own data instead of --observed."),
        center: Optional[list[str]] = typer.Option(None, "--center",
                                                   help="PARAM=LO:HI design centring (repeatable): "
                                                        "grating_period_offset_nm, mmi_width_offset_um, "
                                                        "modulator_length_um."),
        as_json: bool = typer.Option(False, "--json", help="Print the result JSON on stdout."),
    ) -> None:
        """Predict device, chip and wafer yield: prior prediction from the process and the layout,
        Bayesian update with --observed (default: the published 117/120) or --measured, 95 % intervals
        over wafers; --center moves design parameters to maximise the predicted yield.
        """
        from weiming.sims.wafer.calibrate import parse_observed
        from weiming.sims.wafer.config import ConfigError

        if wafers < 1:
            fail(f"--wafers {wafers}: need at least 1 wafer")
        obs = None
        if observed.strip().lower() != "none":
            try:
                obs = parse_observed(observed)
            except ValueError as e:
                fail(str(e))
        centers = []
        from weiming.sims.wafer.centering import parse_center

        for c in center or []:
            try:
                centers.append(parse_center(c))
            except ValueError as e:
                fail(str(e))
        if len({c[0] for c in centers}) != len(centers):
            fail(f"--center: each parameter at most once (got {[c[0] for c in centers]})")
        if measured is not None and not measured.is_file():
            fail(f"--measured {str(measured)!r}: file does not exist")
        from weiming.sims.wafer import run_yield

        try:
            result = run_yield(config=config, specs=specs, wafers=wafers, seed=seed, observed=obs, out_dir=out,
                               measured=measured, center=centers or None, progress=not as_json)
        except ConfigError as e:
            fail(str(e))
        except ValueError as e:
            if str(e).startswith(("--measured", "--center")):
                fail(str(e))
            raise
        if as_json:
            print_json(result)
            return
        dy, cy = result["device_yield"], result["chip_yield"]
        cal = result["calibration"]["d0_per_cm2"]

        def pc(e):
            return f"{100 * e['value']:.2f} % [{100 * e['ci95'][0]:.2f}, {100 * e['ci95'][1]:.2f}]"

        pr = result["prediction"]
        if "modulator" in pr["prior"]:
            typer.echo(f"modulator yield: prior {pc(pr['prior']['modulator'])}, posterior "
                       f"{pc(pr['posterior']['modulator'])} (next wafer), ppc p = {pr['ppc_p_value']}")
        typer.echo(f"modulator yield {pc(dy['modulator'])} (posterior D0 = {cal['value']:.3g} /cm2, "
                   f"ci95 {cal['ci95']})")
        typer.echo(f"client chip yield {pc(cy['client'])}; server (comb) chip yield {pc(cy['server'])}")
        typer.echo(f"wrote {len(result.get('files', []))} files to {out}")
