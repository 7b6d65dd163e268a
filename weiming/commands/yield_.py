"""CLI command ``weiming yield``: wafer-level Monte Carlo yield, prior prediction and Bayesian update.

(The module is ``yield_`` because ``yield`` is a Python keyword; the command is registered as ``yield``.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from weiming.commands._common import check_in_file, check_out_dir, fail, interrupt_hint, print_json

#: at most this share of the available memory may go to the Monte Carlo arrays
MEMORY_SHARE = 0.5
#: the largest seed numpy's SeedSequence takes as one 64-bit word (larger would be accepted, but
#: a seed the user cannot have meant is refused rather than silently used)
SEED_MAX = 2**63 - 1


def available_memory_bytes() -> int:
    """MemAvailable of /proc/meminfo (Linux), else the physical memory; 0 if unknown."""
    import os

    try:
        for line in open("/proc/meminfo", encoding="ascii"):
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0


def estimate_bytes(config, specs, wafers: int) -> int:
    """Memory the Monte Carlo needs for ``wafers`` (estimate, before any allocation).

    Per chip type the run holds float64 arrays of shape (wafers, die sites): one
    per process parameter (plus one temporary while it is drawn), one per
    metric and spec pass, and per device a pass array, a random draw and the
    defect-gamma factors. Counted generously (x2 for numpy temporaries).
    """
    from weiming.sims.wafer.config import load_config
    from weiming.sims.wafer.process import process_model
    from weiming.sims.wafer.sites import die_sites
    from weiming.sims.wafer.specs import load_specs

    design, process = load_config(config)
    n_specs = len(load_specs(specs))
    total = 0
    for kind in ("client", "server"):
        cd = getattr(design, kind)
        sites = die_sites(cd.wafer_diameter_mm, tuple(cd.die_um), edge_exclusion_mm=cd.edge_exclusion_mm,
                          dicing_lane_um=cd.dicing_lane_um).n_sites
        arrays = 2 * len(process_model(cd.pdk, process).params) + 2 * n_specs + 4 * len(cd.devices) + 4
        total += int(wafers) * max(sites, 1) * arrays * 8
    return 2 * total


def register(app: typer.Typer) -> None:
    """Add ``weiming yield`` to ``app``."""

    @app.command(name="yield")
    def yield_cmd(
        out: Path = typer.Option(..., "--out", help="Directory for the wafer maps, histograms and yield.json."),
        config: Optional[Path] = typer.Option(None, "--config", help="YAML with design/process overrides."),
        specs: Optional[Path] = typer.Option(None, "--specs", help="YAML spec list (default: built-in specs)."),
        wafers: int = typer.Option(50, "--wafers", min=1, help="Simulated wafers per chip type (>= 1; "
                                   "refused when the arrays would not fit in half the available memory)."),
        seed: int = typer.Option(1, "--seed", min=0, max=SEED_MAX,
                                 help="Random seed, 0 .. 2^63-1 (same seed -> identical JSON)."),
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

        check_in_file(config, "--config")
        check_in_file(specs, "--specs")
        check_out_dir(out)
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
            need = estimate_bytes(config, specs, wafers)
        except ConfigError as e:
            fail(str(e))
        have = available_memory_bytes()
        if have and need > MEMORY_SHARE * have:
            fit = max(1, int(wafers * MEMORY_SHARE * have / need))
            fail(f"--wafers {wafers}: needs about {need / 2**30:.1f} GiB, more than half of the "
                 f"{have / 2**30:.1f} GiB available; use at most --wafers {fit}")
        interrupt_hint("nothing new (yield.json and the maps are written at the end); rerun the command")
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
