"""Flat geometry helpers for the SiN cells: turtle routes, waveguide polygons, ports.

Every cell draws its own flat polygons (no anonymous sub-cells), so GDS output
is deterministic and the same on every PDK. Curves are discretised so that the
chord error (sagitta) stays below the 1 nm database grid: a 1 mm radius ring
needs ~2200 points per edge, not millions, and every vertex is snapped to the
grid in integer database units.
"""

from __future__ import annotations

import math

import gdsfactory as gf
import klayout.db as kdb
import numpy as np

GRID_UM = 0.001
#: Longest polygon we emit (GDS boundaries hold at most 8191 points).
MAX_POINTS = 4000


def snap(x: float) -> float:
    """``x`` (um) rounded to the 1 nm grid."""
    return round(round(x / GRID_UM) * GRID_UM, 6)


def arc_steps(radius_um: float, angle_rad: float, tol_um: float = GRID_UM) -> int:
    """Number of chords so that the sagitta r(1-cos(dtheta/2)) stays below ``tol_um``."""
    dtheta = math.sqrt(8.0 * tol_um / max(radius_um, tol_um))
    return max(2, int(math.ceil(abs(angle_rad) / dtheta)))


class Route:
    """A waveguide centreline built like a turtle: straight segments and arcs.

    Angles in degrees, positive = counter-clockwise (left turn); lengths in um.
    """

    def __init__(self, x: float = 0.0, y: float = 0.0, heading_deg: float = 0.0) -> None:
        self.pts: list[tuple[float, float]] = [(x, y)]
        self.heading = math.radians(heading_deg)
        self.length = 0.0
        self.start_heading = self.heading

    @property
    def end(self) -> tuple[float, float]:
        return self.pts[-1]

    @property
    def end_heading_deg(self) -> float:
        return math.degrees(self.heading)

    def straight(self, length: float) -> "Route":
        if length <= 0:
            return self
        x, y = self.end
        self.pts.append((x + length * math.cos(self.heading), y + length * math.sin(self.heading)))
        self.length += length
        return self

    def arc(self, radius: float, angle_deg: float) -> "Route":
        """Circular arc of ``radius``; ``angle_deg`` > 0 turns left."""
        a = math.radians(angle_deg)
        x, y = self.end
        sign = 1.0 if a > 0 else -1.0
        # centre is to the left (ccw) or right (cw) of the heading
        cx = x - sign * radius * math.sin(self.heading)
        cy = y + sign * radius * math.cos(self.heading)
        phi0 = math.atan2(y - cy, x - cx)
        n = arc_steps(radius, a)
        for k in range(1, n + 1):
            phi = phi0 + a * k / n
            self.pts.append((cx + radius * math.cos(phi), cy + radius * math.sin(phi)))
        self.heading += a
        self.length += radius * abs(a)
        return self

    def euler(self, radius: float, angle_deg: float, p: float = 0.5) -> "Route":
        """Partial Euler bend (gdsfactory's, minimum radius of curvature ``radius``)."""
        a = math.radians(abs(angle_deg))
        npoints = max(2, int(math.ceil(arc_steps(radius, 2 * math.pi) * 1.0)))
        path = gf.path.euler(radius=radius, angle=abs(angle_deg), p=p, use_eff=False, npoints=npoints)
        pts = np.asarray(path.points, dtype=float)
        if angle_deg < 0:
            pts[:, 1] = -pts[:, 1]
        c, s = math.cos(self.heading), math.sin(self.heading)
        x, y = self.end
        for px, py in pts[1:]:
            self.pts.append((x + c * px - s * py, y + s * px + c * py))
        self.heading += math.copysign(a, angle_deg)
        self.length += float(path.length())
        return self


def offset_polygons(pts: list[tuple[float, float]], width: float,
                    start_heading: float | None = None, end_heading: float | None = None) -> list[np.ndarray]:
    """Polygons (integer nm) of a waveguide of ``width`` around the centreline ``pts``.

    Vertices are offset along the bisector normal (scaled by 1/cos of half the
    turn so the width stays constant); long paths are cut into pieces that share
    their cut edges exactly, so they merge without slivers.
    """
    p = np.asarray(pts, dtype=float)
    keep = np.ones(len(p), bool)
    keep[1:] = np.hypot(*(np.diff(p, axis=0).T)) > 1e-9
    p = p[keep]
    seg = np.diff(p, axis=0)
    ang = np.arctan2(seg[:, 1], seg[:, 0])
    h0 = ang[0] if start_heading is None else start_heading
    h1 = ang[-1] if end_heading is None else end_heading
    a_in = np.concatenate([[h0], ang])
    a_out = np.concatenate([ang, [h1]])
    half = np.angle(np.exp(1j * (a_out - a_in))) / 2.0
    mid = a_in + half
    # end faces perpendicular to the given headings, so abutting paths share their cut edge exactly
    half[0], mid[0], half[-1], mid[-1] = 0.0, h0, 0.0, h1
    scale = (width / 2.0) / np.cos(half)
    nx, ny = -np.sin(mid) * scale, np.cos(mid) * scale
    left = np.round((p + np.stack([nx, ny], 1)) / GRID_UM).astype(np.int64)
    right = np.round((p - np.stack([nx, ny], 1)) / GRID_UM).astype(np.int64)
    out = []
    n = len(p)
    step = MAX_POINTS // 2 - 1
    i = 0
    while i < n - 1:
        j = min(n - 1, i + step)
        out.append(np.concatenate([left[i:j + 1], right[i:j + 1][::-1]]))
        i = j
    return out


def add_polygon_nm(c: gf.Component, pts_nm: np.ndarray, layer: tuple[int, int]) -> None:
    """Insert a polygon given in integer database units (1 nm)."""
    poly = kdb.Polygon([kdb.Point(int(x), int(y)) for x, y in pts_nm])
    c.shapes(c.kcl.layer(*layer)).insert(poly)


def add_route(c: gf.Component, route: Route, width: float, layer: tuple[int, int]) -> None:
    """Draw ``route`` as a waveguide of ``width`` on ``layer``."""
    for poly in offset_polygons(route.pts, width, route.start_heading, route.heading):
        add_polygon_nm(c, poly, layer)


def add_rect(c: gf.Component, x0: float, y0: float, x1: float, y1: float, layer: tuple[int, int]) -> None:
    """Axis-aligned rectangle with corners snapped to the grid."""
    box = kdb.Box(round(min(x0, x1) / GRID_UM), round(min(y0, y1) / GRID_UM),
                  round(max(x0, x1) / GRID_UM), round(max(y0, y1) / GRID_UM))
    c.shapes(c.kcl.layer(*layer)).insert(box)


def add_port(c: gf.Component, name: str, xy: tuple[float, float], orientation: float, cross_section) -> None:
    """Port on the grid with the cross-section (width, layer, port type) attached."""
    c.add_port(name, center=(snap(xy[0]), snap(xy[1])), orientation=round(orientation % 360, 6),
               cross_section=cross_section)


def add_eport(c: gf.Component, name: str, xy: tuple[float, float], orientation: float, width: float,
              layer: tuple[int, int]) -> None:
    """Electrical port on the grid."""
    c.add_port(name, center=(snap(xy[0]), snap(xy[1])), orientation=orientation % 360, width=snap(width),
               layer=layer, port_type="electrical")


def mirror_y(route: Route) -> Route:
    """The mirror image of ``route`` about the x axis (exactly symmetric vertices)."""
    m = Route()
    m.pts = [(x, -y) for x, y in route.pts]
    m.start_heading = -route.start_heading
    m.heading = -route.heading
    m.length = route.length
    return m


def add_taper(c: gf.Component, x0: float, y0: float, x1: float, y1: float, w0: float, w1: float,
              layer: tuple[int, int]) -> None:
    """Straight linear taper from (x0, y0) width ``w0`` to (x1, y1) width ``w1`` (horizontal)."""
    pts = np.array([(x0, y0 - w0 / 2), (x1, y1 - w1 / 2), (x1, y1 + w1 / 2), (x0, y0 + w0 / 2)])
    add_polygon_nm(c, np.round(pts / GRID_UM).astype(np.int64), layer)
