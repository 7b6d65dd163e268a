"""CLI commands: ``weiming fdtd ring2d`` (Harminv resonances of a 2D ring) and ``fdtd sparams``."""

from __future__ import annotations

from pathlib import Path

import typer

from weiming.commands._common import check_number, check_out_dir, fail, parse_set, print_json

#: frequency points of one S-parameter run (each is a DFT monitor frequency; more is never useful)
MAX_WAVELENGTHS = 2001

fdtd_app = typer.Typer(help="FDTD with meep: 2D ring resonances (Harminv) and S-parameters of PDK cells.",
                       no_args_is_help=True)


@fdtd_app.command("ring2d")
def ring2d_cmd(
    n_core: float = typer.Option(..., "--n-core", help="Ring index."),
    width: float = typer.Option(..., "--width", help="Ring width (um)."),
    radius: float = typer.Option(..., "--radius", help="Inner ring radius (um), as in Meep's tutorial."),
    fcen: float = typer.Option(..., "--fcen", help="Source centre frequency (1/um, meep units)."),
    df: float = typer.Option(..., "--df", help="Source bandwidth (1/um)."),
    n_clad: float = typer.Option(1.0, "--n-clad", help="Background index."),
    pad: float = typer.Option(4.0, "--pad", help="Space between ring and PML (um)."),
    dpml: float = typer.Option(2.0, "--dpml", help="PML thickness (um)."),
    resolution: float = typer.Option(10, "--resolution", help="Pixels per um."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON {modes: [{freq, wavelength_um, q, amp}]}."),
) -> None:
    """Resonances (frequency, Q, amplitude) of a 2D ring by Harminv (Meep's ring tutorial set-up)."""
    for opt, v, lo, hi, unit in (("--n-core", n_core, 1.0, 10.0, ""), ("--width", width, 0.0, 100.0, "um"),
                                 ("--radius", radius, 0.0, 1000.0, "um"), ("--fcen", fcen, 0.0, 100.0, "1/um"),
                                 ("--df", df, 0.0, 100.0, "1/um"), ("--n-clad", n_clad, 1.0, 10.0, ""),
                                 ("--pad", pad, 0.0, 1000.0, "um"), ("--dpml", dpml, 0.0, 1000.0, "um"),
                                 ("--resolution", resolution, 0.0, 1000.0, "px/um")):
        check_number(opt, v, lo=lo, hi=hi, unit=unit, lo_open=lo == 0.0)
    from weiming.sims._meep import MeepMissingError
    from weiming.sims.fdtd.core import FdtdInputError, ring2d, silence_exit_banner

    try:
        modes = ring2d(n_core, width, radius, fcen, df, n_clad=n_clad, pad=pad, dpml=dpml, resolution=resolution,
                       progress=not as_json)
    except (MeepMissingError, FdtdInputError) as e:
        fail(str(e))
    out = {"modes": [m.to_json() for m in modes]}
    if as_json:
        print_json(out)
    else:
        typer.echo(f"{'freq (1/um)':>12} {'wavelength (um)':>16} {'Q':>10} {'|amp|':>10}")
        for m in modes:
            typer.echo(f"{m.freq:12.6f} {m.wavelength_um:16.5f} {m.q:10.1f} {m.amp:10.3g}")
    silence_exit_banner()


@fdtd_app.command("sparams")
def sparams_cmd(
    cell: str = typer.Argument(..., help="Registered cell name (see `weiming cells list`)."),
    pdk: str = typer.Option(..., "--pdk", help="PDK name (sin100, sin800, inp)."),
    settings: list[str] = typer.Option(None, "--set", help="Cell parameter key=value (repeatable)."),
    resolution: float = typer.Option(20, "--resolution", help="Pixels per um."),
    wavelengths: str = typer.Option("1.50:1.60:21", "--wavelengths", help="START:STOP:N in um."),
    out: Path = typer.Option(..., "--out", help="Output directory (.sNp, sparams.json, sparams.png)."),
    three_d: bool = typer.Option(False, "--3d", help="Full 3D from the layer stack (default: 2D effective index)."),
    mpi: str = typer.Option(None, "--mpi", metavar="N",
                            help="Run on N MPI ranks (mpirun -np N) with meep's MPI build (tools/setup.sh)."),
    oversubscribe: bool = typer.Option(False, "--oversubscribe",
                                       help="With --mpi: allow more ranks than CPUs (they share CPUs)."),
) -> None:
    """S-parameters of a PDK cell by FDTD (2D effective-index reduction by default): Touchstone + JSON + PNG."""
    import numpy as np

    from weiming.sims._meep import MeepMissingError
    from weiming.sims.fdtd.core import FdtdInputError, silence_exit_banner
    from weiming.sims.fdtd.sparameters import parse_wavelengths, sparams, write_outputs

    kw = parse_set(settings)
    check_number("--resolution", resolution, lo=0, lo_open=True, hi=1000, unit="px/um")
    check_out_dir(out)
    nproc, build = _mpi_ranks(mpi, oversubscribe)
    try:
        with np.errstate(all="ignore"):  # inf/nan ends are refused below, without numpy's warnings
            wl = parse_wavelengths(wavelengths)
    except FdtdInputError as e:
        fail(str(e))
    if not (np.isfinite(wl).all() and 0.2 <= wl.min() and wl.max() <= 20 and len(wl) <= MAX_WAVELENGTHS):
        fail(f"--wavelengths {wavelengths!r}: need finite wavelengths in 0.2 .. 20 um and N <= {MAX_WAVELENGTHS}")
    try:
        if nproc is None:
            res = sparams(cell, pdk, settings=kw, resolution=resolution, wavelengths_um=wl,
                          three_d=three_d, progress=True)
        else:
            from weiming.sims.fdtd.mpi import MpiRunError, sparams_mpi

            try:
                res = sparams_mpi(cell, pdk, nproc, oversubscribe=oversubscribe, build=build, settings=kw,
                                  resolution=resolution, wavelengths_um=wl, three_d=three_d)
            except MpiRunError as e:
                fail(str(e), code=1)
    except (MeepMissingError, FdtdInputError) as e:
        fail(str(e))
    except (KeyError, ValueError, TypeError) as e:  # unknown PDK/cell, bad cell parameter
        fail(str(e).strip("'\""))
    files = write_outputs(res, out)
    for f in files:
        typer.echo(str(f))
    silence_exit_banner()


def _mpi_ranks(mpi: str | None, oversubscribe: bool):
    """``--mpi N`` checked (integer >= 1, at most the CPUs unless ``--oversubscribe``) and the MPI build to run
    it; ``(None, None)`` without ``--mpi``."""
    if mpi is None:
        if oversubscribe:
            fail("--oversubscribe: only with --mpi N")
        return None, None
    from weiming.sims.fdtd.core import FdtdInputError
    from weiming.sims.fdtd.mpi import MpiUnavailableError, check_ranks, find_mpi_build

    try:
        nproc = check_ranks(mpi.strip(), oversubscribe=oversubscribe)
        build = find_mpi_build()
    except (FdtdInputError, MpiUnavailableError) as e:
        fail(str(e))
    return nproc, build


def register(app: typer.Typer) -> None:
    """Add the ``fdtd`` sub-app to ``app``."""
    app.add_typer(fdtd_app, name="fdtd")
