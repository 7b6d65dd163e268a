"""Minimum bend radius of curved polygon edges, estimated from the vertices.

Method (all lengths in database units inside the operator):

1. **De-noise.** Each polygon is smoothed with :meth:`klayout.db.Polygon.smooth`
   (roughness ``smooth_dbu``, default 10 nm). gdsfactory samples arcs every
   20 nm and snaps them to the 1 nm grid, so the direction of a single 20 nm
   segment carries ~1.5 deg of grid noise; after smoothing the remaining
   vertices are original on-arc vertices spaced ~sqrt(8 R d) apart (4.5 um for
   R = 500 um), whose turning angles are far above the noise.
2. **Find arcs.** A vertex is *smooth* when the contour turns there by more
   than 0 and at most ``MAX_TURN_DEG`` (20 deg). An arc is a run of at least
   ``MIN_RUN`` (3) consecutive smooth vertices turning the same way. A
   rectangle's 90 deg corners, a taper's single kinks (which alternate in
   sign) and 45 deg chamfers are therefore never arcs.
3. **Radius.** At every arc vertex i the radius is the circumradius of the
   vertices i-k, i, i+k (k up to ``SPAN`` = 3, limited by the run's ends), which
   is exact for points on a circle; spanning several vertices makes the sagitta
   large compared with the 0.5 nm rounding of the vertices. Measured on
   gdsfactory circular bends of R = 30-500 um (1 nm grid): edge radii within
   0.15 % of R -/+ w/2.
4. **Centre line.** The two edges of a waveguide of width w bent at centre-line
   radius R have radii R - w/2 (inner) and R + w/2 (outer). The rule value is a
   centre-line radius, so an edge is flagged when its radius is below
   ``(value - w_max/2) * (1 - REL_TOL)`` where ``w_max`` is the widest optical
   cross-section on that layer: a waveguide narrower than ``w_max`` is thus
   judged up to (w_max - w)/2 leniently (0.4 um of 30 um in sin800).

Resolution: 1 % (``REL_TOL``) below the limit plus the width leniency above;
arcs shorter than three smoothed vertices (e.g. a bend of a few degrees with a
very large radius) are not evaluated. One marker per offending arc, at the
vertex of smallest radius. Curved non-waveguide features on a checked layer
(e.g. focusing grating-coupler teeth) are judged too: cover them with
DRC_EXCLUDE.
"""

from __future__ import annotations

import math

import klayout.db as kdb
import numpy as np

MAX_TURN_DEG = 20.0
MIN_RUN = 3
SPAN = 6
REL_TOL = 0.01
SMOOTH_UM = 0.01


def contour_radii(points: np.ndarray, *, max_turn_deg: float = MAX_TURN_DEG, min_run: int = MIN_RUN,
                  span: int = SPAN) -> list[tuple[float, int]]:
    """Smallest radius of each arc of a closed contour ``points`` (N x 2).

    Returns ``[(radius, vertex_index), ...]``, one entry per arc (see module
    docstring); straight contours return ``[]``. Units are those of ``points``.
    """
    p = np.asarray(points, dtype=float)
    n = len(p)
    if n < 3:
        return []
    seg = np.roll(p, -1, axis=0) - p  # segment i: p[i] -> p[i+1]
    prev = np.roll(seg, 1, axis=0)  # segment arriving at vertex i
    turn = np.arctan2(prev[:, 0] * seg[:, 1] - prev[:, 1] * seg[:, 0], (prev * seg).sum(axis=1))
    smooth = (np.abs(turn) > 1e-12) & (np.abs(turn) <= math.radians(max_turn_deg))
    sign = np.sign(turn) * smooth
    runs = _runs(sign)
    out = []
    for start, length in runs:
        if length < min_run:
            continue
        cyclic = length >= n
        best = (math.inf, start)
        # the run's end vertices are the arc's tangent points: evaluate the
        # vertices inside, each with the farthest vertices of the run up to
        # ``span`` away on either side (an exact circle through on-arc points)
        if cyclic:
            positions = range(length)
        elif length >= 2 * span + 1:  # long arc: full span on both sides (best accuracy)
            positions = range(span, length - span)
        else:
            positions = range(1, length - 1)
        for pos in positions:
            i = (start + pos) % n
            if cyclic:
                a, c = (i - span) % n, (i + span) % n
            else:
                a, c = (start + max(0, pos - span)) % n, (start + min(length - 1, pos + span)) % n
            r = _circumradius(p[a], p[i], p[c])
            if r < best[0]:
                best = (r, i)
        out.append(best)
    return out


def _runs(sign: np.ndarray) -> list[tuple[int, int]]:
    """Maximal cyclic runs of equal non-zero ``sign``: [(start, length)]."""
    n = len(sign)
    if np.all(sign == sign[0]):
        return [(0, n)] if sign[0] != 0 else []
    # start scanning just after a change so no run wraps across the origin unseen
    first = next(i for i in range(n) if sign[i] != sign[i - 1])
    runs, i = [], 0
    while i < n:
        j = (first + i) % n
        s = sign[j]
        length = 1
        while i + length < n and sign[(first + i + length) % n] == s:
            length += 1
        if s != 0:
            runs.append((j, length))
        i += length
    return runs


def _circumradius(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    ab, bc, ca = np.linalg.norm(b - a), np.linalg.norm(c - b), np.linalg.norm(a - c)
    cross = abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))
    return math.inf if cross == 0 else ab * bc * ca / (2.0 * cross)


class RadiusCheck(kdb.PolygonToEdgePairOperator):
    """KLayout operator: one edge-pair marker per arc whose edge radius < ``limit_dbu``.

    Works in deep mode (called once per cell variant; rotation and mirroring do
    not change radii, hence ``is_isotropic``).
    """

    def __init__(self, limit_dbu: float, smooth_dbu: int) -> None:
        super().__init__()
        self.limit_dbu = limit_dbu
        self.smooth_dbu = smooth_dbu
        self.is_isotropic()

    def process(self, polygon):  # noqa: D401 - KLayout callback
        poly = polygon.smooth(self.smooth_dbu, False) if self.smooth_dbu > 0 else polygon
        out = []
        contours = [list(poly.each_point_hull())] + [list(poly.each_point_hole(h)) for h in range(poly.holes())]
        for pts in contours:
            xy = np.array([(q.x, q.y) for q in pts], dtype=float)
            for r, i in contour_radii(xy):
                if r < self.limit_dbu:
                    n = len(pts)
                    a, b, c = pts[i - 1], pts[i], pts[(i + 1) % n]
                    out.append(kdb.EdgePair(kdb.Edge(a, b), kdb.Edge(b, c)))
        return out


def edge_radius_limit_um(value_um: float, widest_um: float) -> float:
    """Smallest allowed edge radius [um] for centre-line limit ``value_um`` (see module docstring)."""
    return (value_um - widest_um / 2.0) * (1.0 - REL_TOL)
