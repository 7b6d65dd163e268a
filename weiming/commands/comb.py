"""CLI: ``weiming comb`` (the server comb at the design's operating point) and ``weiming comb lle``."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from weiming.commands._common import fail, print_json

comb_app = typer.Typer(help="Kerr comb of the server ring (Lugiato-Lefever equation with self-injection locking).",
                       invoke_without_command=True)


def _num(name: str, raw: str | None, kind=float):
    if raw is None:
        return None
    try:
        v = kind(raw)
    except ValueError:
        fail(f"{name}={raw!r} must be {'an integer' if kind is int else 'a number'}")
    if kind is float and not math.isfinite(v):
        fail(f"{name}={raw!r} must be finite")
    return v


@comb_app.callback()
def comb_cmd(
    ctx: typer.Context,
    config: Path = typer.Option(None, "--config", help="Design YAML merged over the default design."),
    pump_mw: str = typer.Option(None, "--pump-mw", help="Bus pump power (mW); default: the design's operating point."),
    detuning_mhz: str = typer.Option(None, "--detuning-mhz", help="Red detuning (omega0 - omega_laser)/2pi (MHz): with SIL (seed sil) the free-running DFB's, "
                                     "else the pump's."),
    feedback_phase: str = typer.Option(None, "--feedback-phase", help="SIL feedback phase (rad)."),
    modes: str = typer.Option(None, "--modes", help="Number of comb modes simulated (even)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    png: Path = typer.Option(None, "--png", help="Write the spectrum and |psi|^2 plot to this PNG."),
) -> None:
    """Simulate the design's server ring at its operating point: regime, line and channel powers, SIL lock."""
    if ctx.invoked_subcommand is not None:
        return
    from weiming.circuits.design import DesignError, load_design
    from weiming.sims._meep import MeepMissingError
    from weiming.sims.comb import CombInputError, simulate
    from weiming.sims.fdtd.core import silence_exit_banner, stdout_to_stderr

    p, d, ph = _num("pump_mw", pump_mw), _num("detuning_mhz", detuning_mhz), _num("feedback_phase", feedback_phase)
    n = _num("modes", modes, int)
    try:
        design = load_design(config)
        with stdout_to_stderr():
            res = simulate(design, pump_mw=p, detuning_mhz=d, feedback_phase=ph, modes=n)
    except (DesignError, CombInputError, MeepMissingError) as e:
        fail(str(e))
    out = res.to_json()
    if png is not None:
        from weiming.sims.comb.plot import save_both

        try:
            save_both(out, png)
        except OSError as e:
            fail(f"png={str(png)!r}: cannot write ({e.strerror})")
    if as_json:
        print_json(out)
    else:
        typer.echo(f"regime: {out['regime']} (stable {out['state']['stable']}); seeding: {out['seeding']}")
        typer.echo(f"pump {out['pump_w'] * 1e3:.2f} mW (f^2 {out['f2']:.3g}), detuning {out['detuning_hz'] / 1e6:.2f} MHz "
                   f"(zeta {out['zeta']:.3g}), kappa/2pi {out['kappa_hz'] / 1e6:.2f} MHz, "
                   f"efficiency {100 * out['conversion_efficiency']:.2f} %")
        for c in out["channels"]:
            typer.echo(f"  channel {c['channel']:>2} (mu {c['mu']:+d}): "
                       f"{10 * math.log10(max(c['power_w'], 1e-30) / 1e-3):7.2f} dBm")
        typer.echo(f"SIL locked: {out['sil']['locked']}")
    silence_exit_banner()


@comb_app.command("lle")
def lle_cmd(
    f2: str = typer.Option(..., "--f2", help="Normalised pump f^2 = P/P_th (> 0)."),
    zeta: str = typer.Option(..., "--zeta", help="Normalised detuning 2 delta omega/kappa."),
    dispersion: str = typer.Option(..., "--dispersion", help="normal or anomalous."),
    modes: str = typer.Option(..., "--modes", help="Number of modes (even)."),
    seed_state: str = typer.Option("hss-upper", "--seed-state", help="hss-upper, hss-lower, noise or sech."),
    tau: str = typer.Option("100", "--tau", help="Normalised time kappa t/2 to integrate."),
    dint_shift: str = typer.Option(None, "--dint-shift", help="MU:VALUE, add VALUE to the normalised Dint of mode MU."),
    length: str = typer.Option("40", "--length", help="Domain length in the normalised angle theta."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Run the normalised LLE directly (Herr normalisation, parabolic dispersion)."""
    from weiming.sims.comb import CombInputError
    from weiming.sims.comb.operating import normalised_run

    shift = None
    if dint_shift is not None:
        mu_s, sep, val_s = dint_shift.partition(":")
        if not sep:
            fail(f"dint_shift={dint_shift!r} must be MU:VALUE (integer mode, number)")
        shift = (_num("dint_shift mode", mu_s, int), _num("dint_shift value", val_s))
    try:
        out = normalised_run(f2=_num("f2", f2), zeta=_num("zeta", zeta), dispersion=dispersion,
                             modes=_num("modes", modes, int), seed_state=seed_state, tau=_num("tau", tau),
                             dint_shift=shift, length=_num("length", length))
    except CombInputError as e:
        fail(str(e))
    if as_json:
        print_json(out)
        return
    for k in ("rho_mean", "rho_min", "rho_max", "stationary", "regime"):
        typer.echo(f"{k:>12}: {out[k]}")


def register(app: typer.Typer) -> None:
    """Add the ``comb`` sub-app to ``app``."""
    app.add_typer(comb_app, name="comb")
