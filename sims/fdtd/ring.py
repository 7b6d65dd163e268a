"""2D FDTD worlds of a ring with a point or pulley bus, for checking the ring and coupler models.

Geometry (um, ring centre at the origin, as in
:func:`weiming.components.sin.rings.ring_resonator`): ring of centre radius
``R`` and width ``w``; the bus (width ``wb``) runs below it. Point coupler: a
straight bus at centre height ``-rp``, ``rp = R + w/2 + gap + wb/2``. Pulley:
the bus is concentric with the ring (radius ``rp``) over the wrap angle
``theta`` centred on the bottom of the ring and leaves through two S-bends of
radius ``rb`` back to the horizontal, exactly as the layout cell draws it
(``Route.arc(rb, -theta/2).arc(rp, theta).arc(rb, -theta/2)``).

Two worlds share that geometry:

- :func:`ring_modes_2d`: the whole ring and bus; a point source (in-plane E,
  Hz) at the top of the ring on the mirror plane x = 0 rings up the ring's
  standing-wave resonances; Harminv gives their frequencies and loaded Q
  (coupling to the bus + radiation + the optional material loss). Mirror
  symmetry in x halves the cell.
- :func:`coupler_kappa2_2d`: only the bottom of the ring (the coupling region
  plus a few um of tail): an eigenmode source in the bus, mode monitors at the
  bus ends and a flux line across the ring's right arm under the top PML give
  ``kappa2 = P_ring / P_in`` and ``t2`` (as :mod:`weiming.sims.fdtd.coupler`,
  which has only the straight bus). ``equator=True`` keeps the lower half
  ring instead and projects the ring's power on its guide mode where the arm
  runs vertically: a pulley's bus radiates 2-10 % of its power at its
  curvature jumps, and a flux line counts what crosses it.
- :func:`grid_limit`: resonances of three grids followed line by line through
  the ``h^2`` law and extrapolated to zero step.

Propagation loss is modelled by one uniform conductivity in every material
(``q_material``): with ``eps(omega) = eps (1 + i sigma / omega)`` everywhere,
every mode's energy decays at ``sigma``, so its intrinsic Q is exactly
``omega / sigma`` whatever its shape (meep's conductivity,
``D_conductivity``; meep docs, "Materials: conductivity").

Units: meep's (um, frequency in 1/um, c = 1).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from weiming.sims.fdtd.core import (FdtdInputError, Resonance, check_positive, margin_2d, meep_module,
                                    resonances, stdout_to_stderr)
from weiming.sims.fdtd.coupler import CouplerFdtd, measure_coupler


@dataclass(frozen=True)
class RingWorld2D:
    """A 2D all-pass ring and its bus (effective indices, um)."""

    n_core: float
    n_clad: float
    radius_um: float
    width_um: float
    gap_um: float
    bus_width_um: float
    coupler: str = "point"  # "point" or "pulley"
    wrap_angle_deg: float = 0.0  # pulley only
    bend_radius_um: float = 30.0  # pulley S-bends
    wavelength_um: float = 1.55

    def __post_init__(self):
        check_positive(n_core=self.n_core, n_clad=self.n_clad, radius_um=self.radius_um, width_um=self.width_um,
                       gap_um=self.gap_um, bus_width_um=self.bus_width_um, bend_radius_um=self.bend_radius_um,
                       wavelength_um=self.wavelength_um)
        if self.n_core <= self.n_clad:
            raise FdtdInputError(f"n_core={self.n_core} must exceed n_clad={self.n_clad} for the ring to guide")
        if self.coupler not in ("point", "pulley"):
            raise FdtdInputError(f"coupler={self.coupler!r} must be 'point' or 'pulley'")
        if self.coupler == "pulley" and not 0 < self.wrap_angle_deg < 180:
            raise FdtdInputError(f"wrap_angle_deg={self.wrap_angle_deg!r} must be in (0, 180) for a pulley")
        if self.width_um >= self.radius_um:
            raise FdtdInputError(f"width_um={self.width_um} must be below radius_um={self.radius_um}")

    @classmethod
    def from_pdk(cls, pdk: str, radius_um: float, gap_um: float, *, coupler: str = "point",
                 wrap_angle_deg: float = 0.0, wavelength_um: float = 1.55, width_um: float | None = None,
                 bus_width_um: float | None = None, bend_radius_um: float | None = None) -> RingWorld2D:
        """The 2D effective-index world of a PDK ring cell: indices from :func:`weiming.sims.fdtd.eim.reduce_2d`,
        widths and bend radius from the cross-sections the layout cell uses (ring ``resonator``, bus ``strip``)."""
        from weiming.pdk import get_tech
        from weiming.sims.fdtd.eim import reduce_2d

        tech = get_tech(pdk)
        ring, bus = tech.xs("resonator"), tech.xs("strip")
        red = reduce_2d(pdk, ring.layer, wavelength_um)
        return cls(red.n_core, red.n_clad, float(radius_um), ring.width if width_um is None else float(width_um),
                   float(gap_um), bus.width if bus_width_um is None else float(bus_width_um), coupler,
                   float(wrap_angle_deg), bus.radius_min if bend_radius_um is None else float(bend_radius_um),
                   float(wavelength_um))

    @property
    def bus_radius_um(self) -> float:
        """Centre radius ``rp`` of the bus at the coupler."""
        return self.bus_path().rp

    @property
    def half_wrap_rad(self) -> float:
        return self.bus_path().phi

    def bus_path(self):
        """The bus centre line's pieces (:class:`weiming.sims.devices.coupler_2d.PulleyPath`)."""
        from weiming.sims.devices.coupler_2d import pulley_path

        return pulley_path(self.radius_um, self.width_um, self.gap_um, self.bus_width_um,
                           self.wrap_angle_deg if self.coupler == "pulley" else 0.0, self.bend_radius_um)

    def bus_exit(self) -> tuple[float, float]:
        """(x, y) where the bus becomes straight and horizontal again (right-hand side)."""
        return self.bus_path().exit

    def margin_um(self) -> float:
        """Cladding between guides and the PML (from the ring guide's decay length)."""
        return margin_2d(self.n_core, self.n_clad, min(self.width_um, self.bus_width_um), self.wavelength_um, None)

    def to_json(self) -> dict:
        return asdict(self)


def bus_centreline(world: RingWorld2D, x_end: float, step_um: float = 0.25) -> np.ndarray:
    """(N, 2) points of the bus centre line from x = -x_end to +x_end (see module docstring).

    Arcs as chords of ``step_um`` (sagitta ``step^2 / 8 r``: 0.4 nm on a 20-um
    ring, far below the FDTD cell); fewer vertices keep meep's subpixel
    averaging of the bus prism fast.
    """
    path = world.bus_path()
    rp, rb, phi = path.rp, path.rb, path.phi
    x_t, y_t = path.exit
    if x_end <= x_t:
        raise FdtdInputError(f"x_end={x_end} must exceed the bus exit x={x_t:.3f}")
    right = []
    if phi > 0:
        n_w = max(2, math.ceil(rp * phi / step_um))
        a = np.linspace(0, phi, n_w)
        right.append(np.c_[rp * np.sin(a), -rp * np.cos(a)])
        n_b = max(2, math.ceil(rb * phi / step_um))
        psi = np.linspace(phi, 0, n_b)[1:]
        cx, cy = path.centre
        right.append(np.c_[cx - rb * np.sin(psi), cy + rb * np.cos(psi)])
    else:
        right.append(np.array([[0.0, -rp]]))
    right.append(np.array([[x_end, y_t]]))
    r = np.vstack(right)
    left = r[:0:-1] * np.array([-1.0, 1.0])
    return np.vstack([left, r])


def bus_polygon(world: RingWorld2D, x_end: float) -> np.ndarray:
    """Outline (M, 2) of the bus: its centre line offset by +-wb/2 along the local normals."""
    c = bus_centreline(world, x_end)
    t = np.gradient(c, axis=0)
    t /= np.hypot(t[:, 0], t[:, 1])[:, None]
    nrm = np.c_[-t[:, 1], t[:, 0]] * (world.bus_width_um / 2)
    return np.vstack([c + nrm, (c - nrm)[::-1]])


def _geometry(mp, world: RingWorld2D, x_end: float, dy: float, sigma: float, slab: Slab3D | None = None):
    """meep objects of the ring and the bus, shifted by ``dy`` in y (cell centre at the origin).

    ``slab``: 3D, cores of the film's thickness and material index centred on z = 0.
    """
    cond = {"D_conductivity": sigma} if sigma > 0 else {}
    n_core, n_clad = (world.n_core, world.n_clad) if slab is None else (slab.n_core, slab.n_clad)
    core = mp.Medium(index=n_core, **cond)
    clad = mp.Medium(index=n_clad, **cond)
    h = mp.inf if slab is None else slab.thickness_um
    z0 = 0.0 if slab is None else -h / 2
    R, w = world.radius_um, world.width_um
    pts = bus_polygon(world, x_end)
    bus = mp.Prism([mp.Vector3(x, y + dy, z0) for x, y in pts], height=h, material=core)
    return [bus, mp.Cylinder(radius=R + w / 2, height=h, center=mp.Vector3(0, dy), material=core),
            mp.Cylinder(radius=R - w / 2, height=h, center=mp.Vector3(0, dy), material=clad)], clad


@dataclass(frozen=True)
class Slab3D:
    """The film for a 3D run of a world's geometry: core material index, cladding index, thickness, z margin."""

    n_core: float
    n_clad: float
    thickness_um: float
    margin_z_um: float

    @classmethod
    def from_pdk(cls, pdk: str, wavelength_um: float = 1.55, margin_z_um: float = 1.5) -> Slab3D:
        """Core and cladding materials of the PDK stack (z-symmetric Si3N4 films: SiO2 box and cladding)."""
        from weiming.pdk import get_tech
        from weiming.pdk.materials import get_material

        st = get_tech(pdk).layer_stack
        n = {k: float(get_material(st[k].material).n(wavelength_um)) for k in ("core", "box", "clad")}
        if abs(n["box"] - n["clad"]) > 1e-9:
            raise FdtdInputError(f"pdk={pdk!r}: box and cladding differ; the 3D run assumes a z-symmetric stack")
        return cls(n["core"], n["clad"], float(st["core"].thickness), float(margin_z_um))


@dataclass(frozen=True)
class RingModes:
    """Harminv resonances of :func:`ring_modes_2d` and the run's settings."""

    modes: list[Resonance]
    resolution: float
    run_after_sources: float
    q_material: float

    def to_json(self) -> dict:
        return {"modes": [m.to_json() for m in self.modes], "resolution": self.resolution,
                "run_after_sources": self.run_after_sources, "q_material": self.q_material}


def ring_modes_2d(world: RingWorld2D, *, resolution: float = 12, bandwidth: float = 0.04,
                  run_after_sources: float = 1500.0, q_material: float = math.inf, dpml: float = 1.0,
                  radial_offset_um: float = 0.0) -> RingModes:
    """Loaded resonances (frequency 1/um, Q) of the ring with its bus, by Harminv (module docstring).

    ``q_material``: intrinsic Q of a uniform material loss (inf: lossless).
    ``radial_offset_um``: source and probe offset from the ring's centre radius
    (0 puts them on the fundamental mode's peak and the second radial mode's node).
    """
    check_positive(resolution=resolution, bandwidth=bandwidth, run_after_sources=run_after_sources,
                   q_material=q_material, dpml=dpml)
    mp = meep_module()
    fcen = 1 / world.wavelength_um
    sigma = 0.0 if math.isinf(q_material) else 2 * math.pi * fcen / q_material
    m = world.margin_um()
    R, w = world.radius_um, world.width_um
    x_t, y_t = world.bus_exit()
    ybot = -(world.bus_radius_um + world.bus_width_um / 2 + m + dpml)
    ytop = R + w / 2 + m + dpml
    xhalf = max(R + w / 2 + m, x_t + 1.0) + dpml
    sx = 2 * math.ceil(xhalf * resolution) / resolution
    sy = math.ceil((ytop - ybot) * resolution) / resolution
    dy = -(ybot + sy / 2)
    geometry, clad = _geometry(mp, world, sx, dy, sigma)
    p = mp.Vector3(0, R + radial_offset_um + dy)
    df = bandwidth * fcen
    src = [mp.Source(mp.GaussianSource(fcen, fwidth=df), mp.Hz, p)]
    # Hz even about x = 0 (the source sits on the plane): E odd, meep's phase -1
    sim = mp.Simulation(cell_size=mp.Vector3(sx, sy), geometry=geometry, sources=src, resolution=resolution,
                        default_material=clad, boundary_layers=[mp.PML(dpml)],
                        symmetries=[mp.Mirror(mp.X, phase=-1)])
    h = mp.Harminv(mp.Hz, p, fcen, df)
    with stdout_to_stderr():
        sim.run(mp.after_sources(h), until_after_sources=run_after_sources)
        sim.reset_meep()
    return RingModes(resonances(h), resolution, run_after_sources, q_material)


def coupler_kappa2_2d(world: RingWorld2D, *, resolution: float = 15, tail_um: float = 4.0, dpml: float = 1.0,
                      nfreq: int = 5, bandwidth: float = 0.06, decay_by: float = 1e-6,
                      slab: Slab3D | None = None, equator: bool = False) -> CouplerFdtd:
    """kappa^2 of the world's coupler (point or pulley) by FDTD of the coupling region (module docstring).

    The cell keeps the ring up to ``tail_um`` above the end of the wrap (the
    tangent point for a point coupler) -- far enough for the gap to have grown
    by microns -- and above the bus's return to the horizontal. ``slab``: the
    same geometry in 3D (cores of the film, quasi-TE source, mirror symmetry in z).
    ``equator``: the cell instead keeps the whole lower half of the ring, and the
    ring's power is taken where its right arm runs vertically (the ring
    centre's height), over the guide and its margins only, as flux and as the
    guide's mode coefficient (``kappa2_mode``): light the bus's bends radiate
    upwards can cross the default monitor and is then counted as coupled.
    """
    check_positive(resolution=resolution, tail_um=tail_um, dpml=dpml, bandwidth=bandwidth, decay_by=decay_by)
    mp = meep_module()
    R, w, wb = world.radius_um, world.width_um, world.bus_width_um
    ro = R + w / 2
    m = world.margin_um()
    phi = world.half_wrap_rad
    x_t, y_t = world.bus_exit()
    if equator and slab is not None:
        raise FdtdInputError("equator=True is 2D only (the 3D run keeps the short cell)")
    if equator:  # both arms run on a margin past the monitor at the ring centre's height, then into the PML
        ytop = m + dpml
        xhalf = max(R + w / 2 + m, x_t + 2.0 + m) + dpml
    else:
        y_top = max(-ro * math.cos(phi) + tail_um, y_t + wb / 2 + m + 0.5)
        if y_top > -0.3 * R:
            raise FdtdInputError(f"tail_um={tail_um}: the coupling region reaches above the ring's lower half "
                                 f"(y = {y_top:.2f} um for R = {R} um); use the whole-ring world")
        x_arm = math.sqrt(ro * ro - y_top * y_top)  # where the ring's outer edge leaves through the top
        ytop = y_top + dpml
        xhalf = max(x_arm + w + m, x_t + 2.0 + m) + dpml
    ybot = -(world.bus_radius_um + wb / 2 + m + dpml)
    xhalf = math.ceil(xhalf * resolution) / resolution
    sx = 2 * xhalf
    sy = math.ceil((ytop - ybot) * resolution) / resolution
    dy = -(ybot + sy / 2)
    geometry, clad = _geometry(mp, world, sx, dy, 0.0, slab)
    fcen = 1 / world.wavelength_um
    df = bandwidth * fcen
    mon_w = wb + 2 * m
    sz = 0.0 if slab is None else slab.thickness_um + 2 * (slab.margin_z_um + dpml)
    mz = 0.0 if slab is None else slab.thickness_um + 2 * slab.margin_z_um  # monitor/source height
    x_src = -xhalf + dpml + 0.5
    src = [mp.EigenModeSource(mp.GaussianSource(fcen, fwidth=df), center=mp.Vector3(x_src, y_t + dy),
                              size=mp.Vector3(0, mon_w, mz), direction=mp.X, eig_band=1, eig_parity=mp.EVEN_Z,
                              eig_match_freq=True)]
    # 3D: quasi-TE (E in plane) is even under z -> -z, meep's Mirror(Z) with phase +1
    sym = [] if slab is None else [mp.Mirror(mp.Z)]
    sim = mp.Simulation(cell_size=mp.Vector3(sx, sy, sz), geometry=geometry, sources=src, resolution=resolution,
                        default_material=clad, boundary_layers=[mp.PML(dpml)], symmetries=sym)
    mon_in = sim.add_mode_monitor(fcen, df, nfreq, mp.ModeRegion(center=mp.Vector3(x_src + 0.5, y_t + dy),
                                                                 size=mp.Vector3(0, mon_w, mz)))
    mon_out = sim.add_mode_monitor(fcen, df, nfreq, mp.ModeRegion(center=mp.Vector3(xhalf - dpml - 0.5, y_t + dy),
                                                                  size=mp.Vector3(0, mon_w, mz)))
    if equator:  # the right arm crosses y = 0 (ring centre) square to the line: flux and mode projection
        mon_ring = sim.add_mode_monitor(fcen, df, nfreq, mp.ModeRegion(center=mp.Vector3(R, dy),
                                                                       size=mp.Vector3(w + 2 * m, 0)))
    else:  # the ring's right arm crosses y_ring between x = 0 and x_arm + margin; the bus stays below it
        y_ring = y_top - 0.2 + dy
        x1 = min(x_arm + w + m, xhalf - dpml)
        mon_ring = sim.add_flux(fcen, df, nfreq, mp.FluxRegion(center=mp.Vector3(x1 / 2, y_ring),
                                                               size=mp.Vector3(x1, 0, mz)))
    return measure_coupler(mp, sim, mon_in, mon_out, mon_ring, fcen=fcen, wavelength_um=world.wavelength_um,
                           resolution=resolution, decay_by=decay_by, minimum_run_time=2 * (sx + sy) * world.n_core,
                           ring_mode_direction=mp.Y if equator else None)


def strong_lines(modes: list[Resonance], *, rel_amp: float = 0.1, max_err: float = 1e-5) -> list[Resonance]:
    """The Harminv lines of one radial family: amplitude within ``rel_amp`` of the strongest, small fit error."""
    amax = max(m.amp for m in modes)
    return [m for m in modes if m.amp > rel_amp * amax and m.err < max_err]


@dataclass(frozen=True)
class GridLimit:
    """Resonances followed through three grids and extrapolated to zero step (meep units, 1/um).

    Loaded Q is not extrapolated per line (Harminv's scatter would be amplified): :func:`loaded_q_limit`.
    """

    resolutions: tuple[float, float, float]
    freqs: list[list[float]]  # per line: its frequency on each grid, coarse to fine
    freq_limit: list[float]  # Richardson from the two finest grids
    check: list[float]  # |coarsest-grid frequency - its h^2 prediction from the two finer| / line spacing


def grid_limit(runs: dict[float, list[Resonance]], *, match: float = 0.02) -> GridLimit:
    """Follow each line of the finest run through the two coarser ones, then take the zero-step limit.

    Meep's subpixel-averaged Yee scheme errs as ``h^2`` (space and time; the
    Courant number is fixed), so a line at mode number ``m`` sits at ``f_m(h)
    = f_m + c_m h^2``. The grids shift lines by about a line spacing, so lines
    are not matched by nearness: for each pairing of the two finest grids the
    ``h^2`` law predicts the line on the coarsest, and only the right pairing
    finds a line there (within ``match`` line spacings; measured on the
    sin800 world: at most 0.004 on 12/14/16 px/um and 0.01 on 10/12/14; a
    wrong pairing misses by a sizeable fraction of a spacing). No model is
    consulted. Lines without a partner on every grid (band edges) are dropped.
    """
    if len(runs) != 3:
        raise FdtdInputError(f"runs: {len(runs)} grids given, the tracking needs exactly three")
    r0, r1, r2 = sorted(runs)
    lines = {r: strong_lines(runs[r]) for r in (r0, r1, r2)}
    f = {r: np.array([m.freq for m in lines[r]]) for r in lines}
    spacing = float(np.median(np.diff(f[r2])))
    h2 = {r: 1.0 / r**2 for r in (r0, r1, r2)}
    freqs, fl, check = [], [], []
    for i2, f2 in enumerate(f[r2]):
        best = None
        for i1, f1 in enumerate(f[r1]):
            slope = (f1 - f2) / (h2[r1] - h2[r2])
            pred = f2 + slope * (h2[r0] - h2[r2])
            i0 = int(np.argmin(np.abs(f[r0] - pred)))
            miss = abs(f[r0][i0] - pred) / spacing
            if best is None or miss < best[0]:
                best = (miss, i0, i1)
        miss, i0, i1 = best
        if miss > match:
            continue
        trio = [lines[r0][i0], lines[r1][i1], lines[r2][i2]]
        c = 1.0 / ((r2 / r1) ** 2 - 1)
        freqs.append([m.freq for m in trio])
        fl.append(trio[2].freq + (trio[2].freq - trio[1].freq) * c)
        check.append(float(miss))
    return GridLimit((r0, r1, r2), freqs, fl, check)


def loaded_q_limit(runs: dict[float, list[Resonance]], freq: float) -> float:
    """Loaded Q at ``freq`` (1/um) and zero grid step from the Harminv lines of several grids.

    One least-squares fit ``Q = a + b (f - freq) + c h^2`` over every strong
    line of every grid: Harminv's Q scatters by a few % from line to line
    after ~800 time units (a fraction of the photon lifetime), which the joint
    fit averages instead of amplifying it as a two-grid Richardson step would.
    """
    rows, qs = [], []
    for res, modes in runs.items():
        for m in strong_lines(modes):
            rows.append([1.0, m.freq - freq, 1.0 / res**2])
            qs.append(m.q)
    if len(qs) < 4:
        raise FdtdInputError(f"runs: {len(qs)} lines in all, the fit needs at least 4")
    return float(np.linalg.lstsq(np.array(rows), np.array(qs), rcond=None)[0][0])


# ---------------------------------------------------------------- the models of the same 2D world


def model_overlap(world: RingWorld2D, *, wavelength_um: float | None = None):
    """The overlap model of the world's coupler (:func:`weiming.sims.devices.coupler_2d.kappa2_overlap_2d`):
    kappa^2 and the ring's phase at the coupler, from the world's indices and drawn bus path."""
    from weiming.sims.devices.coupler_2d import kappa2_overlap_2d

    path = world.bus_path()
    return kappa2_overlap_2d(world.n_core, world.n_clad, world.radius_um, world.width_um, world.gap_um,
                             world.bus_width_um, world.wavelength_um if wavelength_um is None else wavelength_um,
                             wrap_angle_deg=math.degrees(2 * path.phi), bend_radius_um=path.rb)


def model_kappa2(world: RingWorld2D, *, method: str = "overlap", bend: bool = True,
                 wavelength_um: float | None = None) -> float:
    """kappa^2 of the world's coupler from a model fed the world's own 2D indices and drawn bus path.

    ``method="overlap"`` (default): the first-order overlap of the exact bent
    modes along the drawn path (:func:`weiming.sims.devices.coupler_2d.kappa2_overlap_2d`).
    ``method="cmt"``: the coupled-mode model of the chip's couplers
    (:func:`weiming.sims.devices.coupler.integrate_coupler`), whose R >> h
    approximations fail on this small ring (tests/test_ring_vs_fdtd.py); it
    takes the pulley's tails as tangent lines, not the drawn S-bends.

    CMT: local coupling ``K = pi (n_even - n_odd) /
    lambda`` from the lateral supermodes of two like guides. ``bend=True``:
    phase mismatch from the bent 2D modes (conformal slab,
    :func:`weiming.sims.fdtd.eim.bent_slab_neff`): the ring at ``R``, the bus
    at ``rp`` along a pulley's wrap, the straight bus on its tails; ``False``:
    straight guides (the coupler model's approximation for R >> w).

    Like guides only: for a bus narrower than the ring the supermode split
    mixes coupling with detuning *and* with each core's pull on the other's
    mode (sin800 2D, ring 1.8 / bus 1.0 um at a 0.3-um gap: split 0.0611
    below the detuning 0.0636 of the isolated guides), so ``K`` cannot be read
    from it; that needs overlap integrals, which the model does not have.
    """
    from weiming.sims.devices.coupler import integrate_coupler, single_neff, split_table, supermode_split
    from weiming.sims.fdtd.eim import bent_slab_neff

    wl = world.wavelength_um if wavelength_um is None else wavelength_um
    nc, ncl, w, wb, R = world.n_core, world.n_clad, world.width_um, world.bus_width_um, world.radius_um
    if method == "overlap":
        return model_overlap(world, wavelength_um=wl).kappa2
    if method != "cmt":
        raise FdtdInputError(f"method={method!r} must be 'overlap' or 'cmt'")
    if abs(wb - w) > 1e-9:
        raise FdtdInputError(f"bus_width_um={wb} must equal width_um={w}: the coupler model takes like guides")
    k0 = 2 * math.pi / wl
    n_b = single_neff(nc, ncl, wb, wl)
    if bend:
        n_r = bent_slab_neff(nc, ncl, w, R, wl)
        n_bw = bent_slab_neff(nc, ncl, wb, world.bus_radius_um, wl)
    else:
        n_r, n_bw = n_b, n_b
    g_tab, c_tab = split_table(lambda g: supermode_split(nc, ncl, w, g, wl, wb), world.gap_um, floor=1e-4,
                               max_points=60, stop_at_noise=True)
    if c_tab[0] <= 0:
        raise FdtdInputError(f"gap_um={world.gap_um}: the coupled guides carry no odd supermode")
    k2, _ = integrate_coupler(g_tab, c_tab, k0 * n_r, wl, world.gap_um, R, w, wb, world.coupler,
                              world.wrap_angle_deg if world.coupler == "pulley" else None,
                              beta_bus=k0 * n_b, beta_bus_wrap=k0 * n_bw)
    return k2


@dataclass(frozen=True)
class RingModel2D:
    """The ring model (:mod:`weiming.sims.devices.ring`) of a 2D world: neff/ng of the bent 2D guide, kappa^2, loss."""

    neff: float
    ng: float
    kappa2: float
    loss_db_per_m: float
    qi: float
    qc: float
    ql: float
    extinction_db: float
    resonances_um: list[float]

    def to_json(self) -> dict:
        return asdict(self)


def ring_model_2d(world: RingWorld2D, kappa2: float, *, q_material: float = math.inf,
                  coupler_phase_rad: float = 0.0, span_um: float = 0.02) -> RingModel2D:
    """Ring-model resonances (within ``+-span_um/2`` of the world's wavelength), Qs and extinction.

    ``q_material`` becomes the model's propagation loss through ``Qi = 2 pi ng / (lambda alpha)``.
    ``coupler_phase_rad``: the ring's extra phase at the coupler
    (:attr:`weiming.sims.devices.coupler_2d.Overlap2D.ring_phase_rad`), added to
    the round trip as ``neff + phase lambda / (2 pi L)`` (taken as the same at every line).
    """
    from weiming.sims.devices import ring
    from weiming.sims.fdtd.eim import bent_slab_neff, bent_slab_ng

    wl, R = world.wavelength_um, world.radius_um
    neff = bent_slab_neff(world.n_core, world.n_clad, world.width_um, R, wl, dx_um=wl / 1500)
    ng = bent_slab_ng(world.n_core, world.n_clad, world.width_um, R, wl, dx_um=wl / 1500)
    alpha = 0.0 if math.isinf(q_material) else 2 * math.pi * ng / (wl * 1e-6 * q_material)
    loss = alpha * 10 / math.log(10)
    L = 2 * math.pi * R
    qi, qc = ring.intrinsic_q(loss, ng, wl), ring.coupling_q(kappa2, ng, L, wl)
    n_round = neff + coupler_phase_rad * wl / (2 * math.pi * L)
    res = ring.resonance_wavelengths_um(R, n_round, ng, wl - span_um / 2, wl + span_um / 2, center_um=wl)
    return RingModel2D(neff, ng, kappa2, loss, qi, qc, ring.loaded_q(qi, qc), ring.extinction_db(kappa2, loss, L),
                       res.tolist())


__all__ = ["RingWorld2D", "bus_centreline", "bus_polygon", "RingModes", "ring_modes_2d", "strong_lines",
           "GridLimit", "grid_limit", "loaded_q_limit",
           "coupler_kappa2_2d", "Slab3D", "model_overlap", "model_kappa2", "RingModel2D", "ring_model_2d"]
