"""2D ring-bus coupler: kappa^2 from the overlap of the exact bent-guide modes (first-order reciprocity).

Why a second coupler model
--------------------------
:mod:`weiming.sims.devices.coupler` pairs each bus point with a ring point
and integrates coupled-mode equations with the straight guides' supermode
split. That is exact for R >> the centre-to-centre spacing ``h``; on a small
ring it is not: the bent ring mode leans out towards the bus, and which points
"pair" changes the phase mismatch by ``beta h / R`` per um. On the 2D sin800
world of the FDTD tests (R = 20 um, h = 1.3 um) that made the point coupler
12 % low and pulleys off by factors. This model has neither approximation:

    kappa = (omega eps0 / 4) Int_bus core (n_core^2 - n_clad^2) E_ring^* . E_bus dA / sqrt(P_ring P_bus)

the amplitude that the bus core's polarisation, driven by the bus mode,
radiates into the ring mode (Lorentz reciprocity; A. W. Snyder, J. D. Love,
*Optical Waveguide Theory*, 1983, ch. 22 and 29 -- the volume-current form of
coupled-mode theory; H. A. Haus, *Waves and Fields in Optoelectronics*,
1984, ch. 7). ``E_ring`` is the ring's bent mode (exact, conformal frame,
:func:`weiming.sims.modes.slab.fd_modes` with ``radius_um``) evaluated in the
bus core with the cladding's permittivity (the ring alone); ``E_bus`` is the
bus's own mode inside its core, piece by piece along the drawn path: the
pulley's wrap (a bend concentric with the ring), its two S-bends (bends of
the other hand) and the straight tails, with the phase carried from piece to
piece. The phases ``nu_ring theta`` and ``int beta_bus ds`` are exact, so there
is no pairing of points and no separate phase-mismatch term.

Polarisation: in-plane E (``H_z``), the 2D world of :mod:`weiming.sims.fdtd`;
``E = (i / (k0 eps)) (d_y H, -d_x H)``; power per unit height ``P = (beta / 2 k0)
Int |h|^2 / eps dx`` (straight) or ``(nu / 2 k0) Int |h|^2 / (eps r) dr`` (bent,
through a radial line); units c = eps0 = mu0 = 1.

Accuracy: first order in kappa. ``kappa^2 = sin^2 |kappa_1|`` is exact for a
uniform phase-matched coupler and otherwise leaves an error of order
``kappa^4``: 0.5 % of kappa^2 at kappa^2 = 0.07. Mode mismatch where the bus's
curvature jumps (the pulley's wrap to its S-bends) scatters bus light into
radiation (about 9 % of the bus power at 40 deg in the FDTD); the model keeps
each piece's own mode and so leaves that loss out, as it leaves out the
ring's field being pulled by the bus (second order).
Checked against 2D FDTD with the ring power projected on its mode
(tests/test_ring_vs_fdtd.py) and, for R >> h, against the coupled-mode model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from weiming.sims.modes.slab import fd_modes


class Coupler2DError(ValueError):
    """Bad input to the 2D overlap coupler model (message names parameter, value and rule)."""


@dataclass(frozen=True)
class GuideMode2D:
    """Power-normalised ``H_z`` mode of a straight or bent 2D guide.

    ``r``: transverse coordinate (um) -- across the guide from its centre line
    (straight) or the radius from the bend's centre (bent); ``h``, ``dh``: the
    field and its derivative along ``r``; ``nu``: propagation constant (1/um,
    straight) or angular order (bent: the field goes as ``exp(i nu phi)``).
    """

    r: np.ndarray
    h: np.ndarray
    dh: np.ndarray
    nu: float
    radius_um: float | None

    def at(self, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(h, dh/dr) at ``r`` (zero outside the solved window)."""
        return (np.interp(r, self.r, self.h, left=0.0, right=0.0),
                np.interp(r, self.r, self.dh, left=0.0, right=0.0))


def guide_mode(n_core: float, n_clad: float, width_um: float, wavelength_um: float, *,
               radius_um: float | None = None, dx_um: float = 0.002, window_um: float = 3.0) -> GuideMode2D:
    """Fundamental ``H_z`` (slab TM) mode of a 2D guide, straight or bent at centre radius ``radius_um``.

    The window reaches ``window_um`` beyond each core edge, or for a bend 90 %
    of the way to the outer turning point (beyond it the bend radiates, see
    :func:`weiming.sims.fdtd.eim.bent_slab_neff`), whichever is nearer.
    """
    clad = float(window_um)
    if radius_um is not None:
        turning = radius_um * math.log(n_core / n_clad)  # upper bound: the mode index is below n_core
        clad = min(clad, 0.9 * turning - width_um / 2)
        if clad <= 0:
            raise Coupler2DError(f"radius_um={radius_um}: a bend this tight radiates from the core edge "
                                 f"(width {width_um} um, index {n_core} in {n_clad})")
    x, beta, f, _ = fd_modes([n_clad, n_core, n_clad], [width_um], wavelength_um, pol="TM", num_modes=1,
                             cladding_um=clad, dx_um=dx_um, fields=True, radius_um=radius_um)
    if beta[0] <= 2 * math.pi / wavelength_um * n_clad * (1 + 1e-9):
        raise Coupler2DError(f"width_um={width_um}: the guide (index {n_core} in {n_clad}) guides no mode")
    f = f[0] * np.sign(f[0][np.argmin(np.abs(x))])
    r = x if radius_um is None else radius_um * np.exp(x / radius_um)
    centre = 0.0 if radius_um is None else radius_um
    eps = np.where(np.abs(r - centre) < width_um / 2, n_core**2, n_clad**2)
    k0 = 2 * math.pi / wavelength_um
    dr = np.gradient(r)
    if radius_um is None:
        nu = float(beta[0])
        power = nu / (2 * k0) * np.sum(f * f / eps * dr)
    else:
        nu = float(beta[0] * radius_um)
        power = nu / (2 * k0) * np.sum(f * f / (eps * r) * dr)
    h = f / math.sqrt(power)
    return GuideMode2D(r=r, h=h, dh=np.gradient(h, r), nu=nu, radius_um=radius_um)


@dataclass(frozen=True)
class PulleyPath:
    """Right half of the bus centre line (ring centre at the origin, bus below, travelling +x).

    Wrap: radius ``rp`` about the origin from the bottom to polar angle ``phi``
    off it; S-bend: radius ``rb`` about ``(cx, cy)`` back to the horizontal;
    then straight at height ``y_exit`` from ``x_exit``. ``phi = 0``: a straight bus.
    """

    rp: float
    rb: float
    phi: float

    @property
    def centre(self) -> tuple[float, float]:
        """Centre of the right S-bend."""
        return (self.rp + self.rb) * math.sin(self.phi), -(self.rp + self.rb) * math.cos(self.phi)

    @property
    def exit(self) -> tuple[float, float]:
        """(x, y) where the bus becomes straight and horizontal again."""
        if self.phi == 0:
            return 0.0, -self.rp
        cx, cy = self.centre
        return cx, cy + self.rb


def pulley_path(radius_um: float, width_um: float, gap_um: float, bus_width_um: float, wrap_angle_deg: float,
                bend_radius_um: float) -> PulleyPath:
    """The bus path of :func:`weiming.components.sin.rings.ring_resonator` (``wrap_angle_deg`` 0: point coupler)."""
    rp = radius_um + width_um / 2 + gap_um + bus_width_um / 2
    return PulleyPath(rp, float(bend_radius_um), math.radians(wrap_angle_deg) / 2)


def _bus_field(path: PulleyPath, X, Y, wrap: GuideMode2D | None, sbend: GuideMode2D | None,
               straight: GuideMode2D, half_width: float):
    """(H, dH/dx, dH/dy, inside-core mask, normal x, normal y) of the bus mode on the grid (right half).

    Phase 0 at x = 0; the normal is the unit vector across the bus (its local radial direction).
    """
    H = np.zeros(X.shape, complex)
    gx, gy = np.zeros_like(H), np.zeros_like(H)
    nx, ny = np.zeros(X.shape), np.zeros(X.shape)
    inside = np.zeros(X.shape, bool)

    def put(mask, h, grad_x, grad_y, norm_x, norm_y):
        H[mask], gx[mask], gy[mask] = h[mask], grad_x[mask], grad_y[mask]
        nx[mask], ny[mask] = norm_x[mask], norm_y[mask]
        inside[mask] = True

    phase0 = 0.0
    if path.phi > 0:
        r, th = np.hypot(X, Y), np.arctan2(Y, X)
        a = th + math.pi / 2  # polar angle from the bottom
        m = (np.abs(r - path.rp) < half_width) & (a <= path.phi)
        h, dh = wrap.at(r)
        e = np.exp(1j * wrap.nu * a)
        g_r, g_t = dh * e, 1j * wrap.nu / r * h * e  # radial, azimuthal (ccw) gradient
        put(m, h * e, g_r * np.cos(th) - g_t * np.sin(th), g_r * np.sin(th) + g_t * np.cos(th), np.cos(th),
            np.sin(th))
        cx, cy = path.centre
        rho, al = np.hypot(X - cx, Y - cy), np.arctan2(Y - cy, X - cx)
        m = (np.abs(rho - path.rb) < half_width) & (al >= math.pi / 2) & (al <= math.pi / 2 + path.phi) & ~inside
        h, dh = sbend.at(rho)
        e = np.exp(1j * (wrap.nu * path.phi + sbend.nu * (math.pi / 2 + path.phi - al)))  # clockwise about C
        g_r, g_a = dh * e, -1j * sbend.nu / rho * h * e
        put(m, h * e, g_r * np.cos(al) - g_a * np.sin(al), g_r * np.sin(al) + g_a * np.cos(al), np.cos(al),
            np.sin(al))
        phase0 = (wrap.nu + sbend.nu) * path.phi
    x_t, y_t = path.exit
    m = (np.abs(Y - y_t) < half_width) & (X >= x_t) & ~inside
    h, dh = straight.at(Y - y_t)
    e = np.exp(1j * (phase0 + straight.nu * (X - x_t)))
    put(m, h * e, 1j * straight.nu * h * e, dh * e, np.zeros(X.shape), np.ones(X.shape))
    return H, gx, gy, inside, nx, ny


@dataclass(frozen=True)
class Overlap2D:
    """kappa^2 (``sin^2 |kappa_1|``), the first-order amplitude ``kappa_1``, the ring's phase at the coupler,
    and the integration extent.

    ``ring_phase_rad``: extra phase the ring mode picks up passing the coupler
    because the bus core sits in its tail (first-order self-coupling,
    ``(omega eps0 / 4) Int Delta eps (|E_t|^2 + (eps_clad / eps_core) |E_n|^2) dA``,
    the normal component reduced inside the bus core by the boundary
    condition on D); it moves every resonance by ``-ring_phase_rad / (2 pi)``
    of a line spacing.
    """

    kappa2: float
    kappa1: float
    ring_phase_rad: float
    x_max_um: float
    step_um: float


def kappa2_overlap_2d(n_core: float, n_clad: float, radius_um: float, width_um: float, gap_um: float,
                      bus_width_um: float, wavelength_um: float, *, wrap_angle_deg: float = 0.0,
                      bend_radius_um: float | None = None, step_um: float = 0.01,
                      decay_lengths: float = 12.0) -> Overlap2D:
    """kappa^2 of a 2D point (``wrap_angle_deg = 0``) or pulley coupler by the overlap integral (module docstring).

    Integrates over the bus core out to where the edge-to-edge gap has grown by
    ``decay_lengths`` field decay lengths of the ring mode (the integrand is
    down by ``e^-12`` there), on a square grid of ``step_um``. Symmetric
    coupler: the left half is the mirror image, so ``kappa_1 = 2 Re`` (right half).
    """
    for name, v in (("n_core", n_core), ("n_clad", n_clad), ("radius_um", radius_um), ("width_um", width_um),
                    ("gap_um", gap_um), ("bus_width_um", bus_width_um), ("wavelength_um", wavelength_um),
                    ("step_um", step_um), ("decay_lengths", decay_lengths)):
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            raise Coupler2DError(f"{name}={v!r} must be a positive number")
    if not 0 <= wrap_angle_deg < 180:
        raise Coupler2DError(f"wrap_angle_deg={wrap_angle_deg!r} must be in [0, 180)")
    if wrap_angle_deg > 0 and not (bend_radius_um and bend_radius_um > 0):
        raise Coupler2DError(f"bend_radius_um={bend_radius_um!r}: a pulley needs its S-bend radius (> 0)")
    k0 = 2 * math.pi / wavelength_um
    # the ring's tail is needed across the gap and the whole bus core, and a few microns on
    ring = guide_mode(n_core, n_clad, width_um, wavelength_um, radius_um=radius_um,
                      window_um=gap_um + bus_width_um + 3.0)
    straight = guide_mode(n_core, n_clad, bus_width_um, wavelength_um)
    path = pulley_path(radius_um, width_um, gap_um, bus_width_um, wrap_angle_deg, bend_radius_um or 1.0)
    wrap = sbend = None
    if path.phi > 0:
        wrap = guide_mode(n_core, n_clad, bus_width_um, wavelength_um, radius_um=path.rp)
        sbend = guide_mode(n_core, n_clad, bus_width_um, wavelength_um, radius_um=path.rb)
    # extent: the straight tail's gap grows at least as fast as a tangent line's, x^2 / (2 R_out)
    n_ring = ring.nu / (k0 * radius_um)
    gamma = k0 * math.sqrt(max(n_ring**2 - n_clad**2, 1e-12))
    dg = decay_lengths / gamma
    r_out = radius_um + width_um / 2
    x_t, y_t = path.exit
    x_max = max(x_t, 0.0) + math.sqrt(2 * r_out * dg + dg * dg) + bus_width_um
    y_lo = -(path.rp + bus_width_um / 2) - step_um
    y_hi = y_t + bus_width_um / 2 + step_um
    x = np.arange(0.0, x_max, step_um) + step_um / 2
    y = np.arange(y_lo, y_hi, step_um) + step_um / 2
    X, Y = np.meshgrid(x, y, indexing="ij")
    _, bgx, bgy, inside, nx, ny = _bus_field(path, X, Y, wrap, sbend, straight, bus_width_um / 2)
    e_bus = (1j / (k0 * n_core**2)) * np.stack([bgy, -bgx])  # the bus's own field, inside its core
    r, th = np.hypot(X, Y), np.arctan2(Y, X)
    h, dh = ring.at(r)
    e = np.exp(1j * ring.nu * (th + math.pi / 2))
    g_r, g_t = dh * e, 1j * ring.nu / r * h * e
    rgx, rgy = g_r * np.cos(th) - g_t * np.sin(th), g_r * np.sin(th) + g_t * np.cos(th)
    e_ring = (1j / (k0 * n_clad**2)) * np.stack([rgy, -rgx])  # the ring mode's tail, in cladding
    integrand = (n_core**2 - n_clad**2) * np.sum(np.conj(e_ring) * e_bus, axis=0) * inside
    kappa1 = k0 / 4 * 2 * float(np.real(integrand.sum())) * step_um * step_um
    e_n = e_ring[0] * nx + e_ring[1] * ny
    e_t2 = np.abs(e_ring[0]) ** 2 + np.abs(e_ring[1]) ** 2 - np.abs(e_n) ** 2
    self_density = (n_core**2 - n_clad**2) * (e_t2 + (n_clad / n_core) ** 2 * np.abs(e_n) ** 2) * inside
    ring_phase = k0 / 4 * 2 * float(self_density.sum()) * step_um * step_um
    return Overlap2D(kappa2=math.sin(min(abs(kappa1), math.pi / 2)) ** 2, kappa1=kappa1,
                     ring_phase_rad=ring_phase, x_max_um=x_max, step_um=step_um)


__all__ = ["Coupler2DError", "GuideMode2D", "guide_mode", "PulleyPath", "pulley_path", "Overlap2D",
           "kappa2_overlap_2d"]
