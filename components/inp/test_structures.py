"""Process-control and test cells of the InP reticle: cutback spirals, TLM/CTLM,
alignment marks with verniers, CD bars, reticle ID and a stand-alone DBR grating.

Mask layers come from the PDK data, never from a list in code
(:func:`mask_layers`): every layer of ``pdk/inp/tech.yaml`` that is printed
by a lithography mask, in the order of the PDK's layer list. The first one
(DEEP in the generic process, the layer of the reticle's corner crosses) is
the reference every later mask aligns to, so :func:`alignment_mark` exists
for each *later* mask layer. A layer added to the PDK (e.g. an n-contact
window) gets its marks, CD bars and ID line without a code change.

Contact metals are looked up by role (:func:`contact_metal`): the PDK's
layer-stack level or layer description that names a p-/n-side contact metal.

Every mask shape here obeys the PDK's rules read from the same data: widths
and spaces from the layer's width/space rules, and for every ``enclosure``
rule of a layer (e.g. PLO.EN.1: BCB opening inside pad metal) a covering
shape on the enclosing layer (:func:`_cover`), so the cells stay DRC-clean
when rules are added.
"""

from __future__ import annotations

import math
from typing import Literal

import gdsfactory as gf

from weiming.components.inp import _common as cm
from weiming.components.inp._common import DesignRuleError, v
from weiming.components.registry import register
from weiming.pdk.drc_checks import NON_MASK_LAYERS
from weiming.pdk.tech import Technology

#: Layers that no lithography mask prints: the DRC's annotation layers and the
#: dicing lane (cut by the saw, not exposed).
NOT_PRINTED = NON_MASK_LAYERS | {"DICING"}
#: The pad (bond/probe) metal: covers on it are drawn as one plate.
PAD_LAYER = "PAD"
#: Smallest drawn feature of the test structures themselves (um), so marks stay
#: visible under a probe-station microscope (assumption).
MIN_FEATURE_UM = 2.0
#: Vernier step: the two combs differ in pitch by this much, so the reading
#: resolution is 0.2 um (assumption: contact/i-line overlay of the generic
#: process is of order +-0.5 um, Smit et al. 2014).
VERNIER_STEP_UM = 0.2
VERNIER_BARS = 11   # reading range +-5 steps = +-1 um
#: Points per semicircle of the cutback spiral: each polygon stays far below GDSII's 8191.
ARC_POINTS = 1001


# --- PDK data lookups ------------------------------------------------------------
def mask_layers(t: Technology | None = None) -> list[str]:
    """Layers printed by a mask, in process (PDK list) order; the first is the alignment reference."""
    t = t or cm.tech()
    return [n for n in t.layers if n not in NOT_PRINTED]


def later_mask_layers(t: Technology | None = None) -> list[str]:
    """Mask layers patterned after the first: each needs its alignment mark and vernier."""
    return mask_layers(t)[1:]


def contact_metal(polarity: Literal["p", "n"], t: Technology | None = None) -> str:
    """The PDK layer of the ``polarity``-side contact metal, found by role.

    First a layer-stack level named ``<p>metal``/``<p>_metal``/``<p>contact``
    (its layer), else a mask layer whose description names a ``<p>-side`` or
    ``<p>-contact`` metal. Raises :class:`DesignRuleError` when the PDK has none.
    """
    t = t or cm.tech()
    for name, lv in t.layer_stack.items():
        if lv.layer and name.lower().replace("_", "").replace("-", "") in (f"{polarity}metal", f"{polarity}contact"):
            return lv.layer
    for n in mask_layers(t):
        d = t.layers[n].description.lower()
        if "metal" in d and (f"{polarity}-side" in d or f"{polarity}-contact" in d or f"{polarity} contact" in d):
            return n
    raise DesignRuleError(f"PDK {t.name} names no {polarity}-contact metal layer (layer-stack level "
                          f"'{polarity}metal' or a layer described as '{polarity}-side contact metal')")


def contact_window(polarity: Literal["p", "n"], t: Technology | None = None) -> str | None:
    """A mask layer described as the ``polarity``-contact window/opening (e.g. a deep-etch window to the
    n-InP), or None when the PDK has no such layer."""
    t = t or cm.tech()
    for n in mask_layers(t):
        d = t.layers[n].description.lower()
        if (f"{polarity}-contact" in d or f"{polarity} contact" in d or f"{polarity}-side" in d) and \
                ("window" in d or "opening" in d) and "metal" not in d:
            return n
    return None


def _rule(t: Technology, kind: str, layer: str) -> float:
    r = t.rule(kind, layer)
    return r.value if r is not None else 0.0


def enclosures(layer: str, t: Technology | None = None) -> list[tuple[list[str], float]]:
    """(enclosing layers, um) of every enclosure rule of ``layer``; ``"A|B"`` means inside A or B."""
    t = t or cm.tech()
    return [(r.other_layer.split("|"), r.value) for r in t.rules
            if r.kind == "enclosure" and r.layer == layer and r.other_layer]


def _min_feature(layer: str, t: Technology, depth: int = 0) -> tuple[float, float]:
    """(width, space) um that a shape on ``layer`` needs, including the covers its enclosure rules put
    around it (a cover of layer E, sized by e, must itself meet E's width and space rules)."""
    w = max(_rule(t, "width", layer), 2 * t.grid)
    s = max(_rule(t, "space", layer), w)
    if depth < 3:
        for alts, e in enclosures(layer, t):
            we, se = _min_feature(alts[0], t, depth + 1)
            w, s = max(w, we - 2 * e), max(s, se + 2 * e)
    return w, s


def feature(layer: str, t: Technology | None = None) -> tuple[float, float]:
    """(width, space) um of test-structure features on ``layer``: its width/space rules and those of its
    covers (:func:`_min_feature`), at least :data:`MIN_FEATURE_UM`, rounded up to whole 0.1 um."""
    t = t or cm.tech()
    w, s = _min_feature(layer, t)
    w = max(MIN_FEATURE_UM, w)
    s = max(MIN_FEATURE_UM, s, w)
    return math.ceil(w * 10 - 1e-9) / 10, math.ceil(s * 10 - 1e-9) / 10


def _keepout(t: Technology, layers: list[str]) -> float:
    """Gap (um) between shapes of different layers: 10 um or more than every separation/enclosure rule."""
    vals = [r.value for r in t.rules if r.kind in ("separation", "enclosure")
            and (r.layer in layers or r.other_layer in layers)]
    return max([10.0] + [x + 10.0 for x in vals])


def _cover_extent(layer: str, t: Technology, depth: int = 0) -> float:
    """How far (um) the covers that :func:`_cover` draws reach beyond a shape on ``layer``."""
    if depth > 3:
        return 0.0
    return max([e + _cover_extent(alts[0], t, depth + 1) for alts, e in enclosures(layer, t)] + [0.0])


def _region(c: gf.Component, lay: str):
    import klayout.db as kdb

    return kdb.Region(c.begin_shapes_rec(c.kcl.layer(*cm.layer(lay)))).merged()


def _cover(c: gf.Component, lay: str, depth: int = 0, boxes: bool = False) -> None:
    """For every enclosure rule of ``lay`` that its shapes in ``c`` do not meet yet, the shapes grown by
    the rule's value on the (first) enclosing layer; then the same for that layer's own rules.
    A cover on the pad metal is one plate over the bounding box: BCB openings (which must sit on
    contact metal and under pad metal) then form one probe-able pad, a via-continuity check.
    ``boxes``: cover each shape by its grown bounding box (a rectangular mesa under round contacts,
    whose curved edges a ridge layer's bend-radius rule would flag)."""
    import klayout.db as kdb

    shapes = _region(c, lay)
    if shapes.is_empty() or depth > 3:
        return
    dbu = c.kcl.dbu
    for alts, e in enclosures(lay):
        ed = int(round(e / dbu))
        have = _region(c, alts[0])
        for a in alts[1:]:
            have += _region(c, a)
        if (shapes - have.merged().sized(-ed)).is_empty():
            continue  # already enclosed (e.g. p-contacts on their mesa)
        if alts[0] == PAD_LAYER:  # one probe-able plate (a single pad-metal net), not a metal copy
            cover = kdb.Region(shapes.bbox()).sized(ed)
        elif boxes:
            cover = kdb.Region([p.bbox() for p in shapes.each()]).sized(ed).merged()
        else:
            cover = shapes.sized(ed)
        c.shapes(c.kcl.layer(*cm.layer(alts[0]))).insert(cover)
        _cover(c, alts[0], depth + 1)


def _check_mask_layer(param: str, value: str, allowed: list[str]) -> str:
    if value not in allowed:
        raise DesignRuleError(f"{param}={value!r} is not one of the mask layers {allowed} of PDK {cm.tech().name}")
    return value


def _caption(c: gf.Component, text: str, x: float, y: float, size: float = 10.0) -> None:
    """Readable caption on TEXT (no mask)."""
    ref = c << gf.components.text(text, size=size, layer=cm.layer("TEXT"))
    ref.dmove((x, y))


# --- waveguide loss ---------------------------------------------------------------
def spiral_path(straight_length: float, turns: int, pitch: float, radius_min: float) -> list[gf.Path]:
    """Centre line of a racetrack double spiral from o1 (origin, heading east) to o2 (heading east),
    as its pieces (straights, semicircles, the centre S-bend) in order, each a path in place.

    Two interleaved arms of ``turns`` loops each, semicircular ends of fixed
    centres (concentric, so neighbouring tracks stay ``pitch`` apart
    everywhere) joined in the middle by a cosine S-bend over the straight
    length. Outer tracks of arm A sit at t_k = t_K + 2 pitch (K - k), arm B
    one pitch inside; the innermost semicircles have radius t_K - pitch/2 =
    ``radius_min``. All bends of arm B turn left, all of arm A right.
    Pieces, not one path: a polygon of the whole spiral would have tens of
    thousands of vertices, beyond the 8191 points a GDSII boundary may hold;
    each semicircle has ARC_POINTS points (chord error below 1 nm up to r = 600 um).
    """
    import numpy as np

    p, L, K = pitch, straight_length, turns - 1
    tk = [radius_min + p / 2 + 2 * p * (K - k) for k in range(K + 1)]
    x = np.linspace(0, L, 241)
    d = 2 * (tk[K] - p)
    s_bend = gf.Path(np.column_stack([x, d / 2 * (1 - np.cos(np.pi * x / L))]))
    # the cosine is flat at both ends: state it, or gdsfactory takes the direction of the end
    # chords (a few mdeg off) and tilts arm A by that much
    s_bend.start_angle, s_bend.end_angle = 0.0, 0.0
    def arc(radius: float, turn: float) -> tuple[gf.Path, float]:
        return gf.path.arc(radius=radius, angle=turn, npoints=ARC_POINTS), turn

    straight = (gf.path.straight(L), 0.0)
    seq: list[tuple[gf.Path, float]] = []  # (piece, turn in deg)
    for k in range(K + 1):  # arm B, inwards
        seq += [straight, arc(tk[k] - p / 2, 180.0)]
        if k < K:
            seq += [straight, arc(tk[k] - 3 * p / 2, 180.0)]
    seq.append((s_bend, 0.0))
    for k in range(K, -1, -1):  # arm A, outwards
        seq += [arc(tk[k] - p / 2, -180.0), straight]
        if k > 0:
            seq += [arc(tk[k - 1] - 3 * p / 2, -180.0), straight]
    whole, heading, pieces = gf.Path(), 0.0, []
    for piece, turn in seq:
        a = len(whole.points) - 1 if len(whole.points) else 0
        whole.append(piece)
        part = gf.Path(np.asarray(whole.points[a:], dtype=float))
        part.start_angle, part.end_angle = heading % 360, (heading + turn) % 360  # exact: multiples of 180
        heading += turn
        pieces.append(part)
    return pieces


@register("inp")
def cutback_spiral(cross_section: str = "deep", straight_length: float = 250.0, turns: int = 4,
                   gap: float = 3.5) -> gf.Component:
    """Racetrack double spiral for cutback loss measurement (o1 west, o2 east).

    A set of these with the same ``turns`` and ``gap`` and different
    ``straight_length`` has identical bends (same number, same radii), so the
    insertion-loss difference between two of them is the propagation loss of
    ``info['length_um']`` difference alone (cutback). ``gap`` is the edge
    spacing between neighbouring tracks (default 3.5 um: deep ridges have
    negligible coupling beyond ~1 um, shallow ones need >= SH.S.1; assumption).
    The innermost semicircles have the cross-section's ``radius_min``; the
    S-bend in the middle spans the straight length, which must therefore be at
    least pi x radius_min for the S-bend to keep that radius.
    """
    v.choice("cross_section", cross_section, ("deep", "shallow"))
    t = cm.tech()
    x = t.xs(cross_section)
    v.in_range("turns", turns, 1, 20, "", "loops per arm")
    if int(turns) != turns:
        raise DesignRuleError(f"turns={turns!r} must be a whole number")
    cm.length("gap", gap, lo=0.001, hi=100.0)
    v.min_space("gap", gap, x.layer)
    if round(gap * 1000) % 2:
        raise DesignRuleError(f"gap={gap!r} um must be a multiple of 2 nm so the tracks stay on the 1 nm grid")
    pitch = gap + x.width
    r = x.radius_min
    s_min = math.pi * math.sqrt(r * (2 * r - pitch) / 2)
    cm.length("straight_length", straight_length, lo=math.ceil(s_min), hi=10_000.0,
              why=f"the centre S-bend of offset {2 * r - pitch:g} um keeps radius_min {r:g} um of {cross_section}")
    pieces = spiral_path(straight_length, int(turns), pitch, r)
    c = gf.Component()
    xs = cm.xs(cross_section)
    for piece in pieces:
        c.absorb(c << gf.path.extrude(piece, xs))
    length = sum(float(piece.length()) for piece in pieces)
    end = pieces[-1].points[-1]
    c.add_port("o1", center=(0, 0), width=x.width, orientation=180, layer=cm.layer(x.layer), port_type="optical",
               cross_section=xs)
    c.add_port("o2", center=(cm.snap(end[0]), cm.snap(end[1])), width=x.width, orientation=0,
               layer=cm.layer(x.layer), port_type="optical", cross_section=xs)
    cm.set_info(c, length_um=round(length, 3), n_bends_180=4 * int(turns) - 2, pitch_um=float(pitch),
                cross_section=cross_section)
    return c


# --- contact resistance -----------------------------------------------------------
def _probe_pad(c: gf.Component, x0: float, y0: float, x1: float, y1: float, metal: str) -> None:
    """Contact metal with a probe pad on it: PAD over the metal, BCB via inside (PLO.EN.1)."""
    en = cm.rule_value("PLO.EN.1")
    cm.rect(c, x0, y0, x1, y1, metal)
    cm.rect(c, x0, y0, x1, y1, "PAD")
    cm.rect(c, x0 + en, y0 + en, x1 - en, y1 - en, "PLANAR_OPEN")


@register("inp")
def tlm(contact: Literal["p"] = "p", pad_size: float = 100.0,
        gaps: tuple[float, ...] = (10.0, 15.0, 20.0, 30.0, 50.0, 80.0), mesa_margin: float = 5.0) -> gf.Component:
    """Linear transfer-length-method (TLM) row: ``len(gaps) + 1`` square contacts of ``pad_size`` um
    on a mesa of width pad_size + 2 x ``mesa_margin``, spaced by ``gaps`` (um).

    R_total(d) = R_sh d / W + 2 R_c fitted over the gaps gives the sheet
    resistance and the contact resistance (Berger, Solid-State Electron. 15,
    145 (1972); Reeves & Harrison, IEEE Electron Device Lett. 3, 111 (1982)).
    The mesa (a SHALLOW-etched island, through the p-InP into the guide)
    confines the current to the width W of the contacts, which a linear TLM
    needs; that holds for the p-side. On the n-side the substrate conducts
    everywhere and cannot be isolated, so use :func:`ctlm` there. Each contact
    is its own probe pad (contact metal, PAD, BCB via). Contact metal by role
    (:func:`contact_metal`).
    """
    if contact == "n":  # the n contact may not sit on the SHALLOW mesa (rule NM.SEP.SH.1)
        raise DesignRuleError("contact='n' is not allowed in a linear TLM: the n-InP substrate cannot be "
                              "mesa-isolated and NM.SEP.SH.1 keeps n-contact metal 5 um off SHALLOW; use ctlm")
    v.choice("contact", contact, ("p",))
    metal = contact_metal(contact)
    lo = max(cm.rule_value("PAD.W.1"), cm.rule_value("PLO.W.1") + 2 * cm.rule_value("PLO.EN.1"), 50.0)
    cm.length("pad_size", pad_size, lo=lo, hi=300.0, why="a probe needle lands on each contact (>= 50 um)")
    gaps = tuple(float(g) for g in gaps)
    if len(gaps) < 3:
        raise DesignRuleError(f"gaps={gaps} needs at least 3 spacings for a straight-line TLM fit")
    smin = max(_rule(cm.tech(), "space", metal), cm.rule_value("PAD.S.1"))
    for g in gaps:
        cm.length("gaps", g, lo=smin, hi=500.0, why=f"space rules of {metal} and PAD")
    cm.length("mesa_margin", mesa_margin, lo=2.0, hi=50.0)
    mesa = "SHALLOW"
    c = gf.Component()
    x = 0.0
    centres = []
    for k in range(len(gaps) + 1):
        _probe_pad(c, x, 0, x + pad_size, pad_size, metal)
        centres.append([cm.snap(x + pad_size / 2), cm.snap(pad_size / 2)])
        if k < len(gaps):
            x += pad_size + gaps[k]
    x_end = x + pad_size
    cm.rect(c, -mesa_margin, -mesa_margin, x_end + mesa_margin, pad_size + mesa_margin, mesa)
    _cover(c, metal)
    cm.set_info(c, contact=contact, metal_layer=metal, mesa_layer=mesa, width_um=float(pad_size),
                gaps_um=list(gaps), pad_centres_um=centres, method="linear TLM (Berger 1972)")
    return c


@register("inp")
def ctlm(contact: Literal["p", "n"] = "n", inner_radius: float = 50.0,
         gaps: tuple[float, ...] = (10.0, 15.0, 20.0, 30.0, 40.0), pitch: float = 280.0) -> gf.Component:
    """Circular TLM (CTLM): per gap, a contact disc of ``inner_radius`` um inside a contact plane with a
    circular hole of radius inner_radius + gap (elements in a row, ``pitch`` um apart).

    Needs no mesa isolation, so it measures contacts on the conducting n-InP
    (Marlow & Das, Solid-State Electron. 25, 91 (1982)):
    R(s) = R_sh / (2 pi) [ln(r1 / r0) + L_T (1/r0 + 1/r1)], r1 = r0 + s.
    The disc and the plane each carry a probe pad (PAD over the contact metal,
    BCB via inside). Contact metal by role (:func:`contact_metal`); if the PDK
    has an n-contact window layer (an opening down to the n-InP), it is drawn
    around the plane, enclosing it by the PDK's enclosure rule.
    """
    v.choice("contact", contact, ("p", "n"))
    t = cm.tech()
    metal = contact_metal(contact)
    en = cm.rule_value("PLO.EN.1")
    pad_s = cm.rule_value("PAD.S.1")
    cm.length("inner_radius", inner_radius, lo=30.0, hi=200.0, why="a probe needle lands on the disc")
    gaps = tuple(float(g) for g in gaps)
    if len(gaps) < 3:
        raise DesignRuleError(f"gaps={gaps} needs at least 3 spacings for a CTLM fit")
    smin = max(_rule(t, "space", metal), pad_s)
    for g in gaps:
        cm.length("gaps", g, lo=smin, hi=200.0, why=f"space rules of {metal} and PAD")
    ring = 40.0  # contact plane width around the hole: room for a probe needle (assumption)
    r_out_max = inner_radius + max(gaps) + ring
    cm.length("pitch", pitch, lo=math.ceil(2 * r_out_max + smin), hi=2000.0,
              why="elements kept apart by the space rules")
    import klayout.db as kdb

    c = gf.Component()
    dbu = c.kcl.dbu
    n = 128  # points per circle (vertices on the 1 nm grid after conversion)

    def disc(xc: float, yc: float, r: float) -> kdb.Region:
        return kdb.Region(kdb.DPolygon.ellipse(kdb.DBox(xc - r, yc - r, xc + r, yc + r), n).to_itype(dbu))

    def sq(xc: float, yc: float, h: float) -> kdb.Region:
        return kdb.Region(kdb.DBox(xc - h, yc - h, xc + h, yc + h).to_itype(dbu))

    regs: dict[str, kdb.Region] = {metal: kdb.Region(), "PAD": kdb.Region(), "PLANAR_OPEN": kdb.Region()}
    window = contact_window(contact)
    per_row = 2  # elements two abreast: a narrow die
    for k, g in enumerate(gaps):
        xc = (k % per_row) * pitch
        yc = -(k // per_row) * pitch
        r1 = inner_radius + g
        half = r1 + ring
        # circles are 128-gons: 0.1 um added on the outside of every gap keeps the chords from eating
        # into the space/enclosure rules (sagitta r (1 - cos(pi/128)) < 0.05 um for r < 150 um)
        m = 0.1
        regs[metal] += disc(xc, yc, inner_radius) + (sq(xc, yc, half) - disc(xc, yc, r1 + m))
        # probe pads: the disc's pad on the disc, the plane's pad PAD.S.1 outside the hole
        regs["PAD"] += disc(xc, yc, inner_radius) + (sq(xc, yc, half) - disc(xc, yc, r1 + pad_s + m))
        regs["PLANAR_OPEN"] += (disc(xc, yc, inner_radius - en - m)
                                + (sq(xc, yc, half - en) - disc(xc, yc, r1 + pad_s + en + 2 * m)))
    for lay, reg in regs.items():
        c.shapes(c.kcl.layer(*cm.layer(lay))).insert(reg.merged())
    mb = c.dbbox(c.kcl.layer(*cm.layer(metal)))
    box = (mb.left, mb.bottom, mb.right, mb.top)
    if window is not None:  # the opening down to the contact layer, around all elements
        r = t.rule("enclosure", metal, window)
        e = r.value if r is not None else 2.0
        cm.rect(c, box[0] - e, box[1] - e, box[2] + e, box[3] + e, window)
    _cover(c, metal, boxes=True)
    cm.set_info(c, contact=contact, metal_layer=metal, window_layer=window, inner_radius_um=float(inner_radius),
                gaps_um=list(gaps), pitch_um=float(pitch), method="circular TLM (Marlow & Das 1982)")
    return c


# --- lithography: alignment, vernier, CD, ID --------------------------------------
def _comb(c: gf.Component, lay: str, pitch: float, w: float, length: float, y0: float, up: bool,
          vertical: bool) -> None:
    """VERNIER_BARS bars of width ``w`` at ``pitch``, centre bar at 0, from ``y0`` away from the other comb."""
    half = VERNIER_BARS // 2
    for i in range(-half, half + 1):
        xc = i * pitch
        a, b = (y0, y0 + length) if up else (y0 - length, y0)
        if vertical:
            cm.rect(c, a, xc - w / 2, b, xc + w / 2, lay)
        else:
            cm.rect(c, xc - w / 2, a, xc + w / 2, b, lay)
    # a longer centre bar marks zero
    a, b = (y0 + length, y0 + length + w * 2) if up else (y0 - length - w * 2, y0 - length)
    if vertical:
        cm.rect(c, a, -w / 2, b, w / 2, lay)
    else:
        cm.rect(c, -w / 2, a, w / 2, b, lay)


@register("inp")
def alignment_mark(layer: str = "SHALLOW") -> gf.Component:
    """Alignment mark and x/y verniers of mask ``layer`` against the first mask (the reference).

    - Cross-in-box: a cross on the first mask, a square frame on ``layer``
      around it; the frame's clearance to the cross (equal on all sides when
      aligned) shows the overlay by eye.
    - Verniers (x and y): a comb on the first mask at pitch P and a facing comb
      on ``layer`` at P + :data:`VERNIER_STEP_UM`; the pair of bars in line
      reads the misalignment in steps of VERNIER_STEP_UM over
      +-(VERNIER_BARS // 2) steps.

    Bar widths and spaces obey the width/space rules of both layers, the two
    layers keep every separation/enclosure rule apart, and enclosure rules of
    ``layer`` are met by covering shapes. ``layer`` must be a mask layer after
    the first (:func:`later_mask_layers`).
    """
    t = cm.tech()
    later = later_mask_layers(t)
    _check_mask_layer("layer", layer, later)
    ref = mask_layers(t)[0]
    (wr, sr), (wl, sl) = feature(ref), feature(layer)
    w = max(wr, wl)
    pitch = w + max(sr, sl)
    gap = _keepout(t, [ref, layer])
    c = gf.Component()
    # cross-in-box at the origin
    arm = 30.0
    cw = max(w, 4.0)
    cm.rect(c, -arm, -cw / 2, arm, cw / 2, ref)
    cm.rect(c, -cw / 2, -arm, cw / 2, -cw / 2, ref)
    cm.rect(c, -cw / 2, cw / 2, cw / 2, arm, ref)
    inner = arm + gap
    fw = max(wl * 2, 10.0)
    outer = inner + fw
    for x0, y0, x1, y1 in ((-outer, inner, outer, outer), (-outer, -outer, outer, -inner),
                           (-outer, -inner, -inner, inner), (inner, -inner, outer, inner)):
        cm.rect(c, x0, y0, x1, y1, layer)
    # verniers: x reads along x (vertical bars), to the right of the box; y below it
    bar = 20.0
    span = (VERNIER_BARS // 2) * (pitch + VERNIER_STEP_UM) + w
    cover_extra = _cover_extent(layer, t)
    x_v = outer + cover_extra + gap + span  # centre of the x vernier
    vx = gf.Component()
    _comb(vx, ref, pitch, w, bar, -gap / 2, up=False, vertical=False)
    _comb(vx, layer, pitch + VERNIER_STEP_UM, w, bar, gap / 2, up=True, vertical=False)
    rx = c << vx
    rx.dmove((x_v, 0))
    vy = gf.Component()
    _comb(vy, ref, pitch, w, bar, -gap / 2, up=False, vertical=True)
    _comb(vy, layer, pitch + VERNIER_STEP_UM, w, bar, gap / 2, up=True, vertical=True)
    ry = c << vy
    ry.dmove((0, -(outer + cover_extra + gap + span)))
    c.flatten()
    _cover(c, layer)
    _caption(c, f"{layer}>{ref}", -outer, outer + cover_extra + 10.0)
    cm.set_info(c, layer=layer, reference_layer=ref, vernier_pitch_um=float(pitch),
                vernier_step_um=VERNIER_STEP_UM, vernier_range_um=round((VERNIER_BARS // 2) * VERNIER_STEP_UM, 3))
    return c


@register("inp")
def cd_bars(layer: str = "DEEP", multiples: tuple[float, ...] = (1.0, 1.5, 2.0, 3.0)) -> gf.Component:
    """Critical-dimension bars of mask ``layer``: for each multiple m of the layer's minimum width,
    an isolated line and a dense group of 5 lines (space = the layer's minimum space x m),
    100 um long (m = 1 is the rule itself: what the process must hold)."""
    t = cm.tech()
    _check_mask_layer("layer", layer, mask_layers(t))
    multiples = tuple(float(m) for m in multiples)
    if not multiples:
        raise DesignRuleError("multiples must name at least one multiple of the minimum width")
    for m in multiples:
        v.in_range("multiples", m, 1.0, 10.0, "", "multiples of the minimum width, at least the rule itself")
    wmin, smin = _min_feature(layer, t)
    length = 100.0
    gap = max(20.0, 4 * smin)
    c = gf.Component()
    x = 0.0
    info = []
    for m in multiples:
        w = math.ceil(wmin * m * 500 - 1e-9) / 500  # even nm
        s = math.ceil(smin * m * 1000 - 1e-9) / 1000
        cm.rect(c, x, 0, x + w, length, layer)  # isolated line
        x += w + gap
        for _ in range(5):
            cm.rect(c, x, 0, x + w, length, layer)
            x += w + s
        info.append({"width_um": w, "space_um": s})
        x += gap - s
    _cover(c, layer)
    _caption(c, layer, 0, length + 10.0 + _cover_extent(layer, t))
    cm.set_info(c, layer=layer, bars=info, length_um=length)
    return c


@register("inp")
def reticle_id(text: str = "INP_R1") -> gf.Component:
    """Reticle ID printed on every mask layer: one line '<text> <GDS layer number>' per mask layer
    (first mask on top), in pixel text whose pixel is that layer's feature size
    (:func:`feature`: its width/space rules, at least MIN_FEATURE_UM), so every line obeys its
    layer's rules; enclosure rules met by covering shapes. ``info['lines']`` maps line -> layer."""
    t = cm.tech()
    if not text or len(text) > 24 or not all(ch.isalnum() or ch in "_-" for ch in text):
        raise DesignRuleError(f"text={text!r} must be 1-24 letters, digits, '_' or '-'")
    layers = mask_layers(t)
    gap = _keepout(t, layers) + max(_cover_extent(lay, t) for lay in layers)
    c = gf.Component()
    y = 0.0
    lines = {}
    for lay in reversed(layers):
        px = max(feature(lay))
        words = f"{text} {t.layers[lay].gds[0]}".upper()
        lines[words] = lay
        r = c << gf.components.text_rectangular(text=words, size=px, layer=cm.layer(lay))
        r.dmove((-r.dbbox().left, y - r.dbbox().bottom))
        b = r.dbbox()
        _cover(c, lay)
        y = b.top + gap
    c.flatten()
    cm.set_info(c, text=text, layers=layers, lines=lines)
    return c


# --- stand-alone DBR grating ------------------------------------------------------
@register("inp")
def dbr_grating(bragg_wavelength_nm: float = 1549.78, length: float | None = None,
                taper_length: float = 20.0) -> gf.Component:
    """The laser's back DBR mirror alone (passive), for its transmission spectrum (o1 west, o2 east).

    Period, ridge width and (default) length are those of the
    ``dbr_laser`` cell at ``bragg_wavelength_nm`` (its ``info['period_nm']``
    and back grating), so the test measures the grating the lasers carry:
    the transmission dip gives lambda_B and the stop-band width gives kappa.
    Shallow ridge, tapered from the shallow to the active-ridge width at both ends.
    """
    from weiming.components.inp.lasers import _grating

    v.in_range("bragg_wavelength_nm", bragg_wavelength_nm, 1400.0, 1700.0, "nm", "InP Q(1.25) guides, C/L band")
    t = cm.tech()
    laser = gf.get_component("dbr_laser", bragg_wavelength_nm=bragg_wavelength_nm)
    period_nm = float(laser.info["period_nm"])
    if length is None:
        length = float(laser.info["back_grating_length_um"])
    cm.length("length", length, lo=5.0, hi=2000.0)
    wa, ws = t.xs("active").width, t.xs("shallow").width
    cm.length("taper_length", taper_length, lo=1.0, hi=500.0)
    cm.taper_angle("taper_length", taper_length, wa, ws, "SHALLOW")
    c = gf.Component()
    x0 = int(round(taper_length * 1000))
    g = _grating(c, x0, period_nm, length, wa)
    x_end = (x0 + g["length_nm"]) / 1000
    total = x_end + taper_length
    c.add_polygon([(0, -ws / 2), (taper_length, -wa / 2), (taper_length, wa / 2), (0, ws / 2)],
                  layer=cm.layer("SHALLOW"))
    cm.straight_path(c, taper_length, x_end, 0, wa, "SHALLOW")
    c.add_polygon([(x_end, -wa / 2), (total, -ws / 2), (total, ws / 2), (x_end, wa / 2)], layer=cm.layer("SHALLOW"))
    xs_sh = cm.xs("shallow")
    c.add_port("o1", center=(0, 0), width=ws, orientation=180, layer=cm.layer("SHALLOW"), port_type="optical",
               cross_section=xs_sh)
    c.add_port("o2", center=(cm.snap(total), 0), width=ws, orientation=0, layer=cm.layer("SHALLOW"),
               port_type="optical", cross_section=xs_sh)
    cm.set_info(c, bragg_wavelength_nm=float(bragg_wavelength_nm), period_nm=round(period_nm, 6),
                n_periods=g["n_periods"], grating_length_um=g["length_nm"] / 1000, length_um=round(total, 3))
    return c
