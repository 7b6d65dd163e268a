"""meep plumbing shared by the FDTD runs: quiet output, progress, Harminv, the 2D ring.

Units are meep's: lengths in um, frequencies in 1/um (c = 1), so a frequency
``f`` is the vacuum wavelength ``1/f`` um.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from dataclasses import asdict, dataclass

from weiming.sims._meep import require_meep


class FdtdInputError(ValueError):
    """An FDTD parameter out of range (message names parameter, value and rule)."""


def check_positive(**kw: float) -> None:
    for k, v in kw.items():
        if v is None or not (float(v) > 0):
            raise FdtdInputError(f"{k}={v!r} must be > 0")


def meep_module():
    """``meep`` with its console chatter turned off (verbosity 0, no notebook progress widget)."""
    mp = require_meep()
    mp.verbosity(0)
    import meep.simulation as msim

    # meep draws an ipywidgets progress bar when IPython is importable; outside a
    # notebook that prints the widget's repr on stdout, so switch it off.
    msim.do_progress = False
    return mp


@contextlib.contextmanager
def stdout_to_stderr():
    """Send C-level stdout (meep's banners) to stderr while running, keeping JSON on stdout clean."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def silence_exit_banner() -> None:
    """meep prints 'Elapsed run time' on stdout at interpreter exit; route the rest of stdout to stderr."""
    sys.stdout.flush()
    os.dup2(2, 1)


def progress_step(mp, until: float, label: str, enable: bool):
    """A meep step function that advances a tqdm bar (on stderr) to ``until`` meep time units."""
    if not enable:
        return None
    from tqdm import tqdm

    bar = tqdm(total=round(until), desc=label, unit="t", file=sys.stderr, leave=False)

    def _step(sim):
        bar.n = min(round(sim.meep_time()), bar.total)
        bar.refresh()

    return mp.at_every(max(until / 100, 1.0), _step), bar


@dataclass(frozen=True)
class Resonance:
    """One Harminv mode: frequency (1/um), vacuum wavelength (um), Q, |amplitude|, fit error."""

    freq: float
    wavelength_um: float
    q: float
    amp: float
    err: float

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("err")
        return d


def resonances(harminv) -> list[Resonance]:
    """Harminv modes sorted by frequency (decaying modes only: Q > 0)."""
    out = [Resonance(float(m.freq), 1.0 / float(m.freq), float(m.Q), float(abs(m.amp)), float(abs(m.err)))
           for m in harminv.modes if m.freq > 0 and m.Q > 0]
    return sorted(out, key=lambda r: r.freq)


def ring2d(n_core: float, width: float, radius: float, fcen: float, df: float, *, n_clad: float = 1.0,
           pad: float = 4.0, dpml: float = 2.0, resolution: float = 10, run_after_sources: float = 300.0,
           progress: bool = False) -> list[Resonance]:
    """Resonances of an isolated 2D ring (Meep's ring tutorial, ``ring.py``), by Harminv.

    The ring spans inner radius ``radius`` to ``radius + width`` (um, as in the
    tutorial); index ``n_core`` in ``n_clad``. A Gaussian Ez point source at
    ``radius + 0.1`` (fcen, df in 1/um) excites the TM-polarised (out-of-plane E)
    modes; mirror symmetry in y halves the cell (the source sits on the mirror
    plane and Ez is even under it). Harminv analyses Ez at the source point for
    ``run_after_sources`` time units after the source has turned off.
    """
    check_positive(n_core=n_core, n_clad=n_clad, width=width, radius=radius, fcen=fcen, df=df, pad=pad,
                   dpml=dpml, resolution=resolution, run_after_sources=run_after_sources)
    if n_core <= n_clad:
        raise FdtdInputError(f"n_core={n_core} must exceed n_clad={n_clad} for the ring to guide")
    if df >= 2 * fcen:
        raise FdtdInputError(f"df={df} must be below 2*fcen={2 * fcen} (positive frequencies only)")
    mp = meep_module()
    sxy = 2 * (radius + width + pad + dpml)
    clad = mp.Medium(index=n_clad)
    geometry = [mp.Cylinder(radius=radius + width, material=mp.Medium(index=n_core)),
                mp.Cylinder(radius=radius, material=clad)]
    src = [mp.Source(mp.GaussianSource(fcen, fwidth=df), mp.Ez, mp.Vector3(radius + 0.1))]
    sim = mp.Simulation(cell_size=mp.Vector3(sxy, sxy), geometry=geometry, sources=src, resolution=resolution,
                        default_material=clad, symmetries=[mp.Mirror(mp.Y)], boundary_layers=[mp.PML(dpml)])
    h = mp.Harminv(mp.Ez, mp.Vector3(radius + 0.1), fcen, df)
    steps = [mp.after_sources(h)]
    prog = progress_step(mp, 10 / df + run_after_sources, "ring2d", progress)  # Gaussian is on for ~10/df
    if prog:
        steps.append(prog[0])
    with stdout_to_stderr():
        sim.run(*steps, until_after_sources=run_after_sources)
        sim.reset_meep()
    if prog:
        prog[1].close()
    return resonances(h)


__all__ = ["FdtdInputError", "meep_module", "stdout_to_stderr", "silence_exit_banner", "progress_step",
           "Resonance", "resonances", "ring2d", "ring_bus_2d", "check_positive", "margin_2d"]


def margin_2d(n_core: float, n_clad: float, width_um: float, wavelength_um: float, margin: float | None) -> float:
    """Cladding (um) between a 2D guide and the PML: from its decay length, or a given ``margin`` checked against it."""
    from weiming.sims.fdtd.eim import EimError, guide_margin_um

    try:
        return guide_margin_um(n_core, n_clad, width_um, wavelength_um, margin, "margin")[0]
    except EimError as e:
        raise FdtdInputError(str(e)) from None


def ring_bus_2d(n_core: float, n_clad: float, width_um: float, radius_um: float, gap_um: float, *,
                wavelength_um: float = 1.55, bandwidth: float = 0.12, resolution: float = 15, dpml: float = 1.0,
                margin: float | None = None, run_after_sources: float = 400.0) -> list[Resonance]:
    """Loaded resonances of a 2D all-pass ring (centre radius ``radius_um``) next to a straight bus.

    An eigenmode source in the bus (quasi-TE, Hz) excites the ring through the
    coupler; Harminv analyses Hz inside the ring waveguide at its top, for
    ``run_after_sources`` time units after the source. Frequencies in 1/um.
    """
    check_positive(n_core=n_core, n_clad=n_clad, width_um=width_um, radius_um=radius_um, gap_um=gap_um,
                   wavelength_um=wavelength_um, resolution=resolution)
    margin = margin_2d(n_core, n_clad, width_um, wavelength_um, margin)
    mp = meep_module()
    w, R = width_um, radius_um
    yc = w / 2 + gap_um + R + w / 2  # ring centre above the bus centre line (y = 0)
    xhalf = R + w / 2 + margin + dpml
    ybot, ytop = -(w / 2 + margin + dpml), yc + R + w / 2 + margin + dpml
    sx = 2 * math.ceil(xhalf * resolution) / resolution
    sy = math.ceil((ytop - ybot) * resolution) / resolution
    cy = ybot + sy / 2
    core, clad = mp.Medium(index=n_core), mp.Medium(index=n_clad)
    geometry = [mp.Block(size=mp.Vector3(mp.inf, w), center=mp.Vector3(0, -cy), material=core),
                mp.Cylinder(radius=R + w / 2, center=mp.Vector3(0, yc - cy), material=core),
                mp.Cylinder(radius=R - w / 2, center=mp.Vector3(0, yc - cy), material=clad)]
    fcen = 1 / wavelength_um
    df = bandwidth * fcen
    src = [mp.EigenModeSource(mp.GaussianSource(fcen, fwidth=df), center=mp.Vector3(-sx / 2 + dpml + 0.5, -cy),
                              size=mp.Vector3(0, w + 2 * margin), direction=mp.X, eig_band=1,
                              eig_parity=mp.EVEN_Z, eig_match_freq=True)]
    sim = mp.Simulation(cell_size=mp.Vector3(sx, sy), geometry=geometry, sources=src, resolution=resolution,
                        default_material=clad, boundary_layers=[mp.PML(dpml)])
    h = mp.Harminv(mp.Hz, mp.Vector3(0.05, yc + R - cy), fcen, df)
    with stdout_to_stderr():
        sim.run(mp.after_sources(h), until_after_sources=run_after_sources)
        sim.reset_meep()
    return resonances(h)
