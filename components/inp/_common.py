"""Shared pieces of the InP cells: physical defaults with sources, layer access,
validation shortcuts, the contact/electrode stack and a cosine S-bend.

Units: um for geometry, nm where the name says so, SI elsewhere.
"""

from __future__ import annotations

import math

import gdsfactory as gf
import klayout.db as kdb
import numpy as np

from weiming.components import _validate as v
from weiming.components._validate import DesignRuleError
from weiming.pdk import active_tech
from weiming.pdk.tech import Technology

# --- physical defaults ------------------------------------------------------
#: Effective index (TE0) at 1549.78 nm of the 2 um shallow Q(1.25) ridge that
#: carries the DBR gratings. Source: weiming.sims.modes.mpb (MPB on the PDK layer
#: stack and shallow etch depth, materials InP (Pettit & Turner 1965) and
#: Q(1.25) from weiming.pdk.quaternary, default numerics: 30 px/um), solved
#: 2026-11-26: 3.25441 (after the solver's pixel-alignment fix; the first
#: value, 3.25398, was 4e-4 low, i.e. a 0.2 nm / 26 GHz Bragg error, caught
#: by the drift test). MPB's default grid sits ~2e-4 above the converged neff
#: (0.1 nm), inside the laser's thermal tuning range. Cross-check: the three-layer slab InP / 0.5 um Q(1.25)
#: / InP (n_Q 3.36, Broberg & Lindstrom, J. Appl. Phys. 55, 3376 (1984))
#: gives 3.266, an upper bound (no lateral confinement). Frozen as a constant
#: so the GDS does not depend on solver versions; tests compare the two.
NEFF_SHALLOW = 3.25441
#: Group index of the same mode at 1549.78 nm (same source): 3.67923. With it
#: the effective index at any wavelength near 1549.78 nm is, to first order,
#: neff(l) = neff0 - (ng - neff0) (l - l0) / l0 (:func:`neff_shallow_at`); the
#: solver gives 3.2540740 at 1551 nm, the formula 3.2540736. Without this the
#: channels +-5 comb lines away would be drawn ~0.17 nm (21 GHz) off.
NG_SHALLOW = 3.67923
LAMBDA0_NM = 1549.78


def neff_shallow_at(wavelength_nm: float) -> float:
    """Effective index of the 2 um shallow ridge at ``wavelength_nm`` (first-order dispersion)."""
    return NEFF_SHALLOW - (NG_SHALLOW - NEFF_SHALLOW) * (wavelength_nm - LAMBDA0_NM) / LAMBDA0_NM
#: TE0 effective index and group index at 1549.78 nm of the *tooth* section of
#: the same 2 um ridge: the top ``etches.grating.depth`` (0.1 um) of the Q(1.25)
#: guide under the ridge replaced by overgrown p-InP. Source: MPB on the PDK
#: layer stack, :func:`weiming.sims.devices.grating.section_modes` (default numerics,
#: 30 px/um), solved 2026-11-30: neff 3.2367517, ng 3.6426916 (the unetched
#: ridge in the same run: 3.2544079 / 3.6792266, equal to NEFF_SHALLOW /
#: NG_SHALLOW). Frozen like NEFF_SHALLOW; tests re-solve both sections.
NEFF_TOOTH = 3.23675
NG_TOOTH = 3.64269


def neff_tooth_at(wavelength_nm: float) -> float:
    """Effective index of the grating tooth section at ``wavelength_nm`` (first-order dispersion)."""
    return NEFF_TOOTH - (NG_TOOTH - NEFF_TOOTH) * (wavelength_nm - LAMBDA0_NM) / LAMBDA0_NM


def dbr_at(wavelength_nm: float, duty: float = 0.5):
    """The DBR grating designed for ``wavelength_nm`` from the two frozen section indices
    (:func:`weiming.sims.devices.grating.dbr_design`: n_avg, kappa, period, stop band)."""
    from weiming.sims.devices.grating import dbr_design

    return dbr_design(wavelength_nm, neff_shallow_at(wavelength_nm), neff_tooth_at(wavelength_nm),
                      (NG_SHALLOW + NG_TOOTH) / 2, duty)


#: Slab effective index of the guiding layer (slab model above), the ``n_r``
#: of the MMI self-imaging length.
N_SLAB = 3.266
#: Group index of the 1.5 um deep ridge at 1549.78 nm, material dispersion
#: included. Source: weiming.sims.modes.mpb (MPB, as above),
#: ``solve_modes("inp", "deep", 1.54978)[0].ng`` = 3.7056 (generic InP deep
#: ridges are commonly quoted at ng ~ 3.6-3.7).
NG_DEEP = 3.7056
#: Index of the BCB planarisation cladding the deep ridge sides (Dow Cyclotene
#: 3000 datasheet, 1.535 at 1550 nm), used for the MMI effective width.
N_BCB = 1.535
#: Speed of light in vacuum, m/s (exact, SI).
C0 = 299_792_458.0
GRID = 0.001  # um (rule GRID.1)

#: Width of the pad-metal stripe of an electrode (= metal_dc width) and the
#: via (BCB opening) inside it, enclosed by PLO.EN.1 on each side.
ELECTRODE_PAD_WIDTH = 10.0


def tech() -> Technology:
    """The active technology, which must be ``inp``."""
    t = active_tech()
    if t.extra.get("family") != "inp":
        raise DesignRuleError(f"InP cells need the inp PDK active (active PDK: {t.name}); "
                              "call weiming.pdk.activate('inp')")
    return t


def layer(name: str) -> tuple[int, int]:
    return tech().layer(name)


def rule_value(name: str) -> float:
    for r in tech().rules:
        if r.name == name:
            return r.value
    raise KeyError(name)


def snap(x: float) -> float:
    """Round to the 1 nm grid."""
    return round(round(x / GRID) * GRID, 3)


def rect(c: gf.Component, x0: float, y0: float, x1: float, y1: float, lay: str) -> None:
    """Axis-aligned rectangle on layer ``lay`` (corners snapped to the grid)."""
    x0, x1 = sorted((snap(x0), snap(x1)))
    y0, y1 = sorted((snap(y0), snap(y1)))
    c.add_polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], layer=layer(lay))


def xs(name: str, width: float | None = None):
    """A cross-section object of the active PDK (never a name: see the preamble pitfall)."""
    return gf.get_cross_section(name, width=width) if width is not None else gf.get_cross_section(name)


# --- validation shortcuts -----------------------------------------------------
def length(param: str, value: float, lo: float = GRID, hi: float = 20_000.0, why: str = "") -> float:
    """A length in um: finite, on the 1 nm grid, within [lo, hi]."""
    v.finite(param, value)
    v.on_grid(param, value)
    if value < lo - 1e-9:
        raise DesignRuleError(f"{param}={value:.4g} um is below the minimum {lo:.4g} um"
                              + (f" ({why})" if why else ""))
    if value > hi + 1e-9:
        raise DesignRuleError(f"{param}={value:.4g} um is above the maximum {hi:.4g} um"
                              + (f" ({why})" if why else ""))
    return float(value)


def even_width(param: str, value: float) -> float:
    """A width drawn symmetric about an axis: an even number of nm, so both
    edges (and the port, in kfactory) lie on the 1 nm grid (rule GRID.1)."""
    v.on_grid(param, value)
    if round(value / GRID) % 2:
        raise DesignRuleError(f"{param}={value!r} um is not a multiple of 2 nm: a centred shape would put "
                              f"its edges off the 1 nm grid (rule GRID.1)")
    return float(value)


def min_electrode_length() -> float:
    """Shortest electrode: a BCB via of PLO.W.1 enclosed by PLO.EN.1 on both ends."""
    return rule_value("PLO.W.1") + 2 * rule_value("PLO.EN.1")


def electrode_length(param: str, value: float, hi: float = 5000.0) -> float:
    lo = max(min_electrode_length(), ELECTRODE_PAD_WIDTH)
    return length(param, value, lo, hi, why=f"electrode of PAD {ELECTRODE_PAD_WIDTH:g} um wide port with a "
                  f"PLANAR_OPEN via, rules PLO.W.1 + 2 x PLO.EN.1")


def iso_length(param: str, value: float) -> float:
    """Isolation section length against ISO.W.1 (and PM.S.1, the electrode gap it leaves)."""
    v.min_width(param, value, "ISO")
    v.min_space(param, value, "PMETAL")
    return length(param, value, hi=500.0)


def taper_angle(param: str, length_um: float, w1: float, w2: float, lay: str) -> None:
    """A linear taper's wide-end corners are 90 deg - atan(|w2 - w1| / 2L): keep
    them above the layer's minimum angle rule (DEEP.AN.1)."""
    r = tech().rule("angle", lay)
    if r is None or w1 == w2:
        return
    corner = 90.0 - math.degrees(math.atan(abs(w2 - w1) / 2 / length_um))
    if corner < r.value:
        need = abs(w2 - w1) / 2 / math.tan(math.radians(90.0 - r.value))
        raise DesignRuleError(f"{param}={length_um:.4g} um makes a {corner:.1f} deg taper corner, below the "
                              f"minimum angle {r.value:g} deg of layer {lay} (rule {r.name}); use >= {need:.1f} um")


# --- electrodes ---------------------------------------------------------------
def electrode(c: gf.Component, x0: float, x1: float, y: float, contact_width: float,
              port_name: str | None, orientation: float = 90) -> None:
    """DC electrode over a ridge centred at ``y`` from ``x0`` to ``x1``.

    Stack: PMETAL contact stripe (``contact_width``) on the ridge, a BCB via
    (PLANAR_OPEN) and a pad-metal stripe (PAD, ``ELECTRODE_PAD_WIDTH`` wide)
    enclosing the via by PLO.EN.1. The electrical port sits on the PAD edge
    facing ``orientation`` (90: north, 270: south), metal_dc cross-section.
    """
    en = rule_value("PLO.EN.1")
    hw = ELECTRODE_PAD_WIDTH / 2
    rect(c, x0, y - contact_width / 2, x1, y + contact_width / 2, "PMETAL")
    rect(c, x0, y - hw, x1, y + hw, "PAD")
    via(c, x0 + en, x1 - en, y, contact_width)
    if port_name:
        yp = y + hw if orientation == 90 else y - hw
        c.add_port(port_name, center=(snap((x0 + x1) / 2), snap(yp)), width=ELECTRODE_PAD_WIDTH,
                   orientation=orientation, layer=layer("PAD"), port_type="electrical",
                   cross_section=xs("metal_dc"))


def via(c: gf.Component, x0: float, x1: float, y: float, metal_width: float) -> None:
    """BCB opening (PLANAR_OPEN) from x0 to x1 on a contact-metal stripe of ``metal_width`` centred at
    ``y``: inside the metal by PLO.EN.2, so the opening lands on metal and never exposes a sidewall."""
    w = metal_width - 2 * rule_value("PLO.EN.2")
    if w < rule_value("PLO.W.1") - 1e-9:
        raise DesignRuleError(f"a {metal_width:g} um contact leaves a {w:g} um BCB opening inside PLO.EN.2, "
                              f"below PLO.W.1 ({rule_value('PLO.W.1'):g} um)")
    rect(c, x0, y - w / 2, x1, y + w / 2, "PLANAR_OPEN")


def n_contact(c: gf.Component, x0: float, x1: float, y_near: float, port_name: str | None,
              side: int = -1) -> tuple[float, float]:
    """Top-side n contact on the deep-etched n-InP field beside a device, from x0 to x1.

    The PDK's n contact (choice documented in pdk/inp/tech.yaml, level
    ``nmetal``): n-metal (NMETAL, NM.W.1 wide) on the n-InP exposed by the deep
    etch, a BCB opening on it (PLO.EN.2) and a pad-metal stripe (PAD, enclosing
    the opening by PLO.EN.1). ``y_near`` is the stripe edge nearest the device,
    ``side`` -1 puts the stripe below it (port facing south), +1 above (north).
    Returns the stripe's (y_low, y_high).
    """
    en = rule_value("PLO.EN.1")
    w = max(tech().rule("width", "NMETAL").value, ELECTRODE_PAD_WIDTH)
    ya, yb = sorted((y_near, y_near + side * w))
    rect(c, x0, ya, x1, yb, "NMETAL")
    rect(c, x0, ya, x1, yb, "PAD")
    via(c, x0 + en, x1 - en, (ya + yb) / 2, w - 2 * en + 2 * rule_value("PLO.EN.2"))
    if port_name:
        mark_n_port(c, port_name)
        yp = ya if side < 0 else yb
        c.add_port(port_name, center=(snap((x0 + x1) / 2), snap(yp)), width=ELECTRODE_PAD_WIDTH,
                   orientation=270 if side < 0 else 90, layer=layer("PAD"), port_type="electrical",
                   cross_section=xs("metal_dc"))
    return ya, yb


def mark_n_port(c: gf.Component, port_name: str) -> None:
    """Record ``port_name`` as an n-contact (ground/return) terminal in ``c.info['n_ports']``: the chip's
    pad fan-out gives it a ground pad."""
    c.info["n_ports"] = sorted(set(c.info["n_ports"] if "n_ports" in c.info else []) | {port_name})


def n_contact_offset() -> float:
    """Distance (um) from a device axis to the near edge of its n contact: beyond the p-electrode's
    PAD stripe by PAD.S.1 plus 5 um (clear of NM.SEP rules to the ridges)."""
    return ELECTRODE_PAD_WIDTH / 2 + rule_value("PAD.S.1") + 5.0


def contact_width(ridge_width: float) -> float:
    """Width of the p-contact stripe (PMETAL) on a ridge of ``ridge_width``: the widest stripe the
    ridge encloses by rule PM.EN.1 on both sides (the metal must not reach the ridge sidewalls),
    and at least PM.W.1."""
    w = ridge_width - 2 * rule_value("PM.EN.1")
    if w < rule_value("PM.W.1") - 1e-9:
        raise DesignRuleError(f"ridge width {ridge_width:g} um leaves a {w:g} um p-contact inside rule PM.EN.1, "
                              f"below PM.W.1 ({rule_value('PM.W.1'):g} um)")
    return snap(w)


def iso(c: gf.Component, x0: float, x1: float, y: float, height: float) -> None:
    """Isolation section (ISO) across the ridge between two electrodes."""
    rect(c, x0, y - height / 2, x1, y + height / 2, "ISO")


# --- waveguide pieces ---------------------------------------------------------
def straight_path(c: gf.Component, x0: float, x1: float, y: float, width: float, lay: str) -> None:
    rect(c, x0, y - width / 2, x1, y + width / 2, lay)


def sbend_length(offset: float, radius_min: float) -> float:
    """Length (um, whole um) of a cosine S-bend with lateral ``offset`` whose
    minimum radius of curvature is at least ``radius_min``.

    y(x) = d/2 (1 - cos(pi x / L)) has max curvature d pi^2 / (2 L^2), so
    R_min = 2 L^2 / (pi^2 d).
    """
    if abs(offset) < GRID:
        return 0.0
    return float(math.ceil(math.pi * math.sqrt(radius_min * abs(offset) / 2)))


def sbend(c: gf.Component, length_um: float, offset: float, width: float, lay: str,
          origin: tuple[float, float], npoints: int = 121) -> float:
    """Cosine S-bend y = d/2 (1 - cos(pi x / L)) from ``origin`` to origin + (L, d).

    Drawn as one polygon offset +-width/2 along the analytic normals, so both
    end faces are exactly vertical (slope 0 at the ends) and butt cleanly onto
    straight guides. Returns the centre-line length (um).
    """
    x = np.linspace(0, length_um, npoints)
    k = np.pi / length_um
    y = offset / 2 * (1 - np.cos(k * x))
    dy = offset / 2 * k * np.sin(k * x)
    nrm = np.hypot(1, dy)
    nx, ny = -dy / nrm, 1 / nrm
    hw = width / 2
    x0, y0 = origin
    upper = np.column_stack([x0 + x + hw * nx, y0 + y + hw * ny])
    lower = np.column_stack([x0 + x - hw * nx, y0 + y - hw * ny])
    pts = np.round(np.vstack([upper, lower[::-1]]), 3)
    c.add_polygon([tuple(p) for p in pts], layer=layer(lay))
    seg = np.hypot(np.diff(x), np.diff(y))
    return float(seg.sum())


def add_path(c: gf.Component, path: gf.Path, x, origin: tuple[float, float] = (0.0, 0.0)) -> float:
    """Extrude ``path`` (shifted by ``origin``) with cross-section ``x`` into ``c``
    as flat polygons (no anonymous sub-cell); return the path length (um)."""
    p = gf.Path(np.asarray(path.points) + np.asarray(origin, dtype=float))
    r = c << gf.path.extrude(p, x)
    c.absorb(r)
    split_long_polygons(c)
    return float(path.length())


#: Most points we let one polygon carry: GDSII boundaries hold at most 8191, and records over
#: 0x8000 bytes (4096 points) are already read with warnings by KLayout and refused by older tools.
MAX_POLYGON_POINTS = 4000


def split_long_polygons(c: gf.Component, max_points: int = MAX_POLYGON_POINTS) -> None:
    """Split every polygon of ``c`` with more than ``max_points`` points into abutting pieces
    (KLayout ``Region.break_``; the union is unchanged, so DRC and extraction see the same shape)."""
    for li in c.kdb_cell.layout().layer_indexes():
        shapes = c.kdb_cell.shapes(li)
        long = [s for s in shapes.each() if s.is_polygon() and s.polygon.num_points() > max_points]
        for s in long:
            pieces = kdb.Region(s.polygon)
            pieces.break_(max_points, 0.0)
            shapes.erase(s)
            shapes.insert(pieces)


def sbend_min_radius(length_um: float, offset: float) -> float:
    return 2 * length_um ** 2 / (math.pi ** 2 * abs(offset)) if offset else math.inf


def active_section(c: gf.Component, length_um: float, transition_um: float, port: str | None,
                   both_ends: bool = True) -> float:
    """MQW active section of ``length_um`` between shallow-to-active transitions.

    Draws o1 (shallow) -> transition -> active ridge with ACTIVE island and a
    DC electrode (port ``port``, north) -> transition -> o2 (shallow) when
    ``both_ends``; otherwise the active ridge ends the cell (absorbing
    termination; the ridge runs on by the p-metal enclosure PM.EN.1 beyond the
    electrode). Returns the x (um) where the electrode ends.
    """
    t = tech()
    wa = t.xs("active").width
    lay, off = t.xs("active").cladding[0]
    tr = gf.get_component("transition_shallow_active", length=transition_um)
    r1 = c << tr
    x0, x1 = transition_um, transition_um + length_um
    tail = 0.0 if both_ends else 2 * rule_value("PM.EN.1")
    straight_path(c, x0, x1 + tail, 0, wa, "SHALLOW")
    rect(c, x0, -wa / 2 - off, x1 + tail, wa / 2 + off, lay)
    electrode(c, x0, x1, 0, contact_width(wa), port)
    c.add_port("o1", port=r1.ports["o1"])
    if both_ends:
        r2 = c << tr
        r2.drotate(180)
        r2.dmove((x1 + transition_um, 0))
        c.add_port("o2", port=r2.ports["o1"])
    return x1


def set_info(c: gf.Component, **values) -> None:
    """Record ``values`` in ``c.info`` (gdsfactory's Info takes no keyword update)."""
    for k, val in values.items():
        c.info[k] = val
