"""CLI commands ``weiming modes`` and ``weiming dispersion`` (MPB mode solver)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from weiming.commands._common import check_number, check_out_file, fail, print_json


def _common_checks(pdk: str, xs: str, width: float | None, thickness: float | None) -> None:
    from weiming.pdk import names

    if pdk not in names():
        fail(f"unknown PDK {pdk!r}; known PDKs: {', '.join(names())}")
    check_number("--width", width, lo=0, lo_open=True, hi=1000, unit="um", what="core width")
    check_number("--thickness", thickness, lo=0, lo_open=True, hi=1000, unit="um", what="core thickness")


def _run(fn):
    """Call ``fn`` and turn input and meep errors into one-line exits."""
    from weiming.pdk.materials import MaterialError
    from weiming.sims._meep import MeepMissingError
    from weiming.sims.modes.mpb import ModeSolverInputError

    try:
        return fn()
    except (ModeSolverInputError, MaterialError) as e:
        fail(str(e))
    except MeepMissingError as e:
        fail(str(e), code=3)


# options shared by both commands
_PDK = typer.Option(..., "--pdk", help="PDK name (sin100, sin800, inp).")
_XS = typer.Option(..., "--xs", help="Cross-section name of the PDK (e.g. resonator, strip, deep).")
_WIDTH = typer.Option(None, "--width", help="Core width override, um.")
_THICKNESS = typer.Option(None, "--thickness", help="Core thickness override, um.")


def register(app: typer.Typer) -> None:
    """Add ``modes`` and ``dispersion`` to ``app``."""

    @app.command("modes")
    def modes_cmd(
        pdk: str = _PDK,
        xs: str = _XS,
        wavelength: float = typer.Option(..., "--wavelength", help="Wavelength in um (e.g. 1.55)."),
        width: Optional[float] = _WIDTH,
        thickness: Optional[float] = _THICKNESS,
        num_modes: int = typer.Option(1, "--num-modes", help="Number of modes to find (guided ones are kept)."),
        radius: Optional[float] = typer.Option(None, "--radius", help="Bend radius in um (conformal map)."),
        resolution: Optional[int] = typer.Option(None, "--resolution", help="MPB pixels per um (default: PDK's)."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON: {\"modes\": [{neff, ng, te_fraction, aeff_um2}]}."),
        png: Optional[Path] = typer.Option(None, "--png", help="Write the mode field plot(s) to this PNG."),
    ) -> None:
        """Fully vectorial modes (MPB) of a PDK cross-section: neff, ng, TE fraction, Aeff, gamma."""
        _common_checks(pdk, xs, width, thickness)
        if not 1 <= num_modes <= 50:
            fail(f"--num-modes {num_modes}: must be 1 .. 50")
        check_number("--wavelength", wavelength, lo=0.2, hi=20, unit="um", what="wavelength")
        check_number("--radius", radius, lo=0, lo_open=True, hi=1e6, unit="um", what="bend radius")
        if resolution is not None and not 4 <= resolution <= 1000:
            fail(f"--resolution {resolution}: must be 4 .. 1000 pixels per um")
        check_out_file(png, "--png", (".png",))
        from weiming.sims.modes.mpb import solve_modes

        kw = dict(width=width, thickness=thickness, radius_um=radius, resolution=resolution)
        modes = _run(lambda: solve_modes(pdk, xs, wavelength, num_modes=num_modes, **kw))
        if png is not None:
            from weiming.sims.modes.mpb import plot_modes

            _run(lambda: plot_modes(pdk, xs, wavelength, png, num_modes=num_modes, **kw))
        if json_out:
            print_json({"modes": [m.to_json() for m in modes]})
            return
        typer.echo(f"{pdk}/{xs} at {wavelength} um" + (f", R = {radius} um" if radius else ""))
        for i, m in enumerate(modes):
            g = f"  gamma={m.gamma_per_w_m:.3g} /W/m" if m.gamma_per_w_m is not None else ""
            typer.echo(f"  mode {i}: neff={m.neff:.6f} ng={m.ng:.5f} TE={m.te_fraction:.3f} "
                       f"Aeff={m.aeff_um2:.3f} um^2{g}")
        if png is not None:
            typer.echo(f"wrote {png}")

    @app.command("dispersion")
    def dispersion_cmd(
        pdk: str = _PDK,
        xs: str = _XS,
        radius: Optional[float] = typer.Option(None, "--radius", help="Ring radius, um (or give --fsr)."),
        fsr: Optional[float] = typer.Option(None, "--fsr", help="Target free spectral range, Hz (or give --radius)."),
        center: float = typer.Option(1.54978, "--center", help="Centre wavelength, um (default 1549.78 nm)."),
        modes: int = typer.Option(10, "--modes", help="Resonances on each side of the centre for Dint(mu)."),
        width: Optional[float] = _WIDTH,
        thickness: Optional[float] = _THICKNESS,
        json_out: bool = typer.Option(False, "--json", help="Print JSON: radius_um, fsr_hz, d1_hz, d2_hz, neff, ng, regime, dint."),
        png: Optional[Path] = typer.Option(None, "--png", help="Write neff/ng vs wavelength and Dint vs mu to this PNG."),
        solver: str = typer.Option("richardson", "--solver", help="Mode solver: richardson (default: MPB on two "
                                   "grids, extrapolated), mpb (one grid) or femwell (cross-checks)."),
    ) -> None:
        """Ring resonances near the centre: FSR, D1/2pi, D2/2pi, Dint(mu) and the dispersion regime."""
        _common_checks(pdk, xs, width, thickness)
        if (radius is None) == (fsr is None):
            fail("give exactly one of --radius (um) and --fsr (Hz)")
        check_number("--radius", radius, lo=0, lo_open=True, hi=1e6, unit="um", what="ring radius")
        check_number("--fsr", fsr, lo=0, lo_open=True, hi=1e15, unit="Hz", what="free spectral range")
        check_number("--center", center, lo=0.2, hi=20, unit="um", what="centre wavelength")
        if not 1 <= modes <= 1000:
            fail(f"--modes {modes}: must be 1 .. 1000")
        check_out_file(png, "--png", (".png",))
        from weiming.sims.modes.dispersion import SOLVERS, ring_dispersion

        if solver not in SOLVERS:
            fail(f"--solver {solver}: must be one of {', '.join(SOLVERS)}")
        rd = _run(lambda: ring_dispersion(pdk, xs, radius_um=radius, fsr_hz=fsr, center_um=center, modes=modes,
                                          width=width, thickness=thickness, solver=solver))
        if png is not None:
            from weiming.sims.modes.dispersion import plot_ring_dispersion

            _run(lambda: plot_ring_dispersion(rd, pdk, xs, png, width=width, thickness=thickness))
        if json_out:
            print_json(rd.to_json())
            return
        d = rd.details
        typer.echo(f"{pdk}/{xs}: R = {rd.radius_um:.3f} um, FSR = D1/2pi = {rd.d1_hz / 1e9:.6f} GHz, "
                   f"D2/2pi = {rd.d2_hz / 1e3:.2f} kHz ({rd.regime})")
        typer.echo(f"  neff = {rd.neff:.6f}, ng = {rd.ng:.5f} at {d['wavelength0_um'] * 1e3:.3f} nm (m = {d['m0']}), "
                   f"D = {d['d_ps_nm_km']:.1f} ps/nm/km, beta2 = {d['beta2_ps2_km']:.1f} ps^2/km")
        if png is not None:
            typer.echo(f"wrote {png}")
