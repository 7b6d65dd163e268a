"""CLI commands: ``weiming ring spectrum`` (all-pass ring from the coupler model and the mode solver)."""

from __future__ import annotations

from pathlib import Path

import typer

from weiming.commands._common import check_number, check_out_file, fail, print_json

ring_app = typer.Typer(help="Ring resonator models: spectrum, Q, coupling.", no_args_is_help=True)


@ring_app.command("spectrum")
def spectrum_cmd(
    pdk: str = typer.Option(..., "--pdk", help="PDK name (sin100, sin800, inp)."),
    radius: float = typer.Option(..., "--radius", help="Ring centre radius (um)."),
    gap: float = typer.Option(..., "--gap", help="Ring-bus edge gap (um)."),
    loss_db_per_m: float = typer.Option(None, "--loss-db-per-m", help="Propagation loss (dB/m); default: the PDK's."),
    coupler: str = typer.Option("point", "--coupler", help="point or pulley."),
    wrap_angle: float = typer.Option(None, "--wrap-angle", help="Pulley wrap angle (degrees)."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result (incl. spectrum) as JSON."),
    png: Path = typer.Option(None, "--png", help="Write a plot of the spectrum to this PNG."),
) -> None:
    """All-pass transmission, Qi/Qc/QL, extinction and FSR of a PDK ring (coupler model + mode solver)."""
    check_number("--radius", radius, lo=0, lo_open=True, hi=1e6, unit="um", what="ring radius")
    check_number("--gap", gap, lo=0, lo_open=True, hi=100, unit="um", what="ring-bus gap")
    check_number("--loss-db-per-m", loss_db_per_m, lo=0, hi=1e6, unit="dB/m", what="propagation loss")
    check_number("--wrap-angle", wrap_angle, lo=0, hi=180, unit="deg", what="pulley wrap angle")
    if coupler not in ("point", "pulley"):
        fail(f"--coupler {coupler!r}: must be point or pulley")
    check_out_file(png, "--png", (".png",))
    from weiming.pdk import UnknownPdkError
    from weiming.sims._meep import MeepMissingError
    from weiming.sims.devices.coupler import CouplerError
    from weiming.sims.fdtd.core import silence_exit_banner, stdout_to_stderr
    from weiming.sims.devices.ring import RingModelError, plot_spectrum, spectrum

    try:
        with stdout_to_stderr():  # MPB/meep print on C stdout; keep stdout for the result
            data = spectrum(pdk, radius, gap, loss_db_per_m=loss_db_per_m, coupler=coupler,
                            wrap_angle_deg=wrap_angle)
    except (UnknownPdkError, MeepMissingError, CouplerError, RingModelError) as e:
        fail(str(e))
    except (KeyError, ValueError) as e:  # mode-solver input errors (e.g. radius below the bend minimum)
        fail(str(e).strip("'\""))
    if png is not None:
        plot_spectrum(data, png)
    if as_json:
        print_json(data)
        silence_exit_banner()
        return
    for k in ("kappa2", "critical_kappa2", "regime", "neff", "ng", "fsr_hz", "qi", "qc", "ql", "linewidth_hz",
              "extinction_db", "d2_hz"):
        v = data[k]
        typer.echo(f"{k:>16}: {v:.6g}" if isinstance(v, float) else f"{k:>16}: {v}")
    if png is not None:
        typer.echo(f"{'png':>16}: {png}")
    silence_exit_banner()


def register(app: typer.Typer) -> None:
    """Add the ``ring`` sub-app to ``app``."""
    app.add_typer(ring_app, name="ring")
