"""InP test dies on the client reticle (manifest kind "test"; the id says what each die is).

Device dies are rows between SSCs (facets west and east) with their pads on
the top edge, built with the client chip's row machinery:

- ``T_LASER``: SSC - DBR laser - SSC (LIV and spectrum from both mirrors);
- ``T_MZM_<L>``: SSC - MZM (length L) - SSC, complementary output into a
  monitor photodiode (extinction, V_pi x L);
- ``T_PM_<L>``: SSC - phase modulator (length L) - SSC (V_pi x L in a
  Mach-Zehnder set-up off chip);
- ``T_PD``: SSC - photodiode (responsivity, dark current; p and n pads);
- ``T_VOA``: SSC - VOA - SSC (attenuation vs current);
- ``T_SSC_PAIR``: two SSCs back to back (facet coupling loss);
- ``T_MMI1X2`` / ``T_MMI2X2``: every MMI port fanned out to its own SSC on a
  127 um fibre-array pitch (splitting ratio, excess loss);
- ``T_DBR_GRATING``: the lasers' back mirror alone between SSCs (transmission
  dip: Bragg wavelength and stop band).

Process-control dies:

- ``T_CUTBACK_DEEP`` / ``T_CUTBACK_SHALLOW``: double spirals with equal bends
  and different straight lengths, each between its own SSCs (loss per cm);
- ``T_TLM_P``: linear TLM of the p-contact on a mesa; ``T_TLM_N``: circular
  TLM of the n-contact on the substrate (contacts are their own probe pads);
- ``T_ALIGN``: alignment mark and x/y verniers of every mask layer after the
  first (layer list from the PDK data); ``T_CD_BARS``: CD bars of every mask
  layer; ``T_RETICLE_ID``: the reticle name printed on every mask layer.

The SiN test dies are in :func:`weiming.circuits.server_chip.sin_tests`.
"""

from __future__ import annotations

import math

import gdsfactory as gf

from weiming.circuits import cells as cl
from weiming.circuits.client_chip import PD_OFFSET_UM, PDK, _Row, _sbend_length, mirrored, sbend
from weiming.circuits.design import Design
from weiming.circuits.die import frame, label, named
from weiming.circuits.routing import place_pads
from weiming.circuits.server_chip import _h
from weiming.pdk import get_tech

DIE_H_UM = 1000.0      # assumption: room for one row, its pad row and the label
ROW_Y_UM = 400.0
FEED_UM = 200.0        # straights at both ends of a device die: room for a west-facing GSG feed
FIBRE_PITCH_UM = 127.0  # facet pitch of multi-port dies: a standard fibre array
CONTENT_Y_UM = 150.0   # content of the new dies starts above the label
#: Height of the process-control dies: the test row is as tall as its tallest die (the shallow
#: cutback) anyway, so these use that height to stay narrow.
BLOCK_H_UM = 1300.0
#: Edge gap between neighbouring spiral tracks (assumption): deep ridges are strongly confined
#: laterally (BCB sides), shallow ones leak sideways, so their tracks are kept further apart.
CUTBACK_GAP_UM = {"deep": 3.5, "shallow": 6.0}


def _die(design: Design, did: str, text: str, fill, used: list[str], feed_um: float = FEED_UM) -> gf.Component:
    spec = {"id": did, "c": design.client.model_dump(mode="json"), "f": design.frame.model_dump(mode="json"),
            "st": design.allow_standins, "feed": feed_um, "t": design.inp_tests.model_dump(mode="json"),
            "wl": design.network.center_wavelength_nm}

    def build(c: gf.Component) -> None:
        cl.ensure_active(PDK)

        def get(n, **kw):
            return cl.get(PDK, n, standins=design.allow_standins, used=used, **kw)

        ssc = get("ssc")
        s_in = c.add_ref(ssc, name="ssc_in")
        s_in.drotate(180)
        x2, y2 = s_in.ports["o2"].center
        s_in.dmove((0 - x2, ROW_Y_UM - y2))
        row = _Row(c, s_in.ports["o1"], used, design.allow_standins)
        row.straight(feed_um, "in")
        fill(row, get)
        row.straight(feed_um, "out")
        row._match("deep", "ssc_out")
        s_out = c.add_ref(ssc, name="ssc_out")
        s_out.connect("o1", row.port)
        w = round(s_out.ports["o2"].center[0], 3)  # the east facet is the die edge
        m = design.client.edge_margin_um
        c.info["pads"] = place_pads(c, PDK, row.eports, side=+1, edge_y=DIE_H_UM - m, die_w=w,
                                    pitch=design.client.pad_pitch_um, get=get, prefix="a", flow=+1) \
            if row.eports else []
        frame(c, PDK, (w, DIE_H_UM), design.frame.dicing_lane_um)
        label(c, PDK, text, (100.0, 100.0), design.frame.label_size_um)
        c.info["size_um"] = [w, DIE_H_UM]

    return named(f"test_{did}_{_h(spec)}", build)


def inp_tests(design: Design, used: list[str]) -> list[tuple[str, str, gf.Component]]:
    """(id, description, die) of the InP test dies."""
    cfg, t = design.client, design.inp_tests
    out = []
    if t.laser:
        def laser(row, get):
            row.device(get("dbr_laser"), "laser")
        out.append(("T_LASER", "DBR laser, both facets", _die(design, "T_LASER", "T_LASER DBR", laser, used)))
    for L in t.modulator_lengths_um:
        def mzm(row, get, L=L):
            ref = row.device(mirrored(get("mzm", length=L, electrode=cfg.im_electrode)), "im")
            row.monitor(ref.ports["o3"], "pd_im", get("photodiode"))
            row.straight(_sbend_length(PD_OFFSET_UM) + 200.0, "pd")

        def pm(row, get, L=L):
            row.device(get("phase_modulator", length=L, electrode=cfg.pm_electrode), "pm")

        out.append((f"T_MZM_{L:.0f}", f"MZM {L:.0f} um", _die(design, f"T_MZM_{L:.0f}", f"T_MZM L{L:.0f}", mzm, used)))
        out.append((f"T_PM_{L:.0f}", f"PM {L:.0f} um", _die(design, f"T_PM_{L:.0f}", f"T_PM L{L:.0f}", pm, used)))
    if t.devices:
        out += device_tests(design, used)
    out += process_tests(design, used)
    return out



# ----------------------------------------------------------------------------- new test dies
def _spec_name(design: Design, did: str, extra: dict) -> str:
    spec = {"id": did, "c": design.client.model_dump(mode="json"), "f": design.frame.model_dump(mode="json"),
            "st": design.allow_standins, "t": design.inp_tests.model_dump(mode="json"), **extra}
    return f"test_{did}_{_h(spec)}"


def _getter(design: Design, used: list[str]):
    def get(n, **kw):
        return cl.get(PDK, n, standins=design.allow_standins, used=used, **kw)
    return get


def _west_ssc(c: gf.Component, ssc: gf.Component, y: float, name: str):
    """An SSC with its facet (o2) on the west die edge at height ``y``; returns its o1 (deep, east)."""
    ref = c.add_ref(ssc, name=name)
    ref.drotate(180)
    x2, y2 = ref.ports["o2"].center
    ref.dmove((0 - x2, y - y2))
    return ref.ports["o1"]


def _to_facet(c: gf.Component, row: _Row, ssc: gf.Component, x_facet: float, name: str) -> None:
    """Deep straight from the row's end to an SSC whose facet lies at ``x_facet`` (east or west)."""
    row._match("deep", f"{name}_end")
    x = row.port.center[0]
    ssc_w = ssc.dbbox().width()
    row.straight(round(abs(x_facet - x) - ssc_w, 3), f"{name}_fill")
    ref = c.add_ref(ssc, name=name)
    ref.connect("o1", row.port)


def _finish(c: gf.Component, design: Design, text: str, w: float, h: float) -> None:
    frame(c, PDK, (w, h), design.frame.dicing_lane_um)
    label(c, PDK, text, (50.0, 60.0), design.frame.label_size_um)
    c.info["size_um"] = [w, h]


def _lines_die(design: Design, did: str, text: str, lines: list, used: list[str], extra: dict) -> gf.Component:
    """Optical die of parallel lines, each from its own west SSC to its own east SSC.

    ``lines``: (fill(row, get), below_um, above_um) with the extent of the line's
    content below its start height and above it; lines are stacked upwards with
    50 um clearance, the east facets on the common die edge.
    """
    def build(c: gf.Component) -> None:
        cl.ensure_active(PDK)
        get = _getter(design, used)
        ssc = get("ssc")
        rows, y = [], CONTENT_Y_UM
        for k, (fill, below, above) in enumerate(lines):
            y += below
            row = _Row(c, _west_ssc(c, ssc, y, f"ssc_w{k}"), used, design.allow_standins)
            row.straight(50.0, f"in{k}")
            fill(row, get)
            row._match("deep", f"out{k}")
            rows.append(row)
            y += above + 50.0
        ssc_w = ssc.dbbox().width()
        w = round(max(r.port.center[0] for r in rows) + 50.0 + ssc_w, 3)
        for k, row in enumerate(rows):
            _to_facet(c, row, ssc, w, f"ssc_e{k}")
        _finish(c, design, text, w, max(DIE_H_UM, math.ceil(y / 10) * 10 + 50.0))

    return named(_spec_name(design, did, extra), build)


def _cutback_die(design: Design, did: str, xs: str, straights: tuple[float, ...], used: list[str]) -> gf.Component:
    t = design.inp_tests
    get = _getter(design, used)
    cl.ensure_active(PDK)
    lines = []
    for k, L in enumerate(straights):
        sp = get("cutback_spiral", cross_section=xs, straight_length=L, turns=t.cutback_turns,
                 gap=CUTBACK_GAP_UM[xs])
        b = sp.dbbox()

        # the spiral's semicircles reach ``-b.left`` um beyond its ports: lead-in/-out straights of
        # the spiral's own ridge keep transitions and SSCs out from under them
        lead = float(math.ceil(-b.left + 20.0))

        def fill(row, get, sp=sp, k=k, lead=lead):
            row._match(xs, f"sp{k}")
            straight = get("straight", length=lead, cross_section=xs)
            row.port = row._ref(straight, f"wg_sp{k}_lead_in").ports["o2"]
            row.device(sp, f"spiral{k}")
            row.port = row._ref(straight, f"wg_sp{k}_lead_out").ports["o2"]

        lines.append((fill, -b.bottom, b.top))
    return _lines_die(design, did, did, lines, used, {"xs": xs, "L": list(straights), "n": t.cutback_turns,
                                                      "g": CUTBACK_GAP_UM[xs]})


def _mmi_die(design: Design, did: str, cell: str, used: list[str]) -> gf.Component:
    """Every port of the MMI fanned out by S-bends to its own SSC, facets on a fibre-array pitch."""
    def build(c: gf.Component) -> None:
        cl.ensure_active(PDK)
        get = _getter(design, used)
        ssc, mmi = get("ssc"), get(cell)
        west = sorted([p for p in mmi.ports if p.orientation == 180], key=lambda p: p.center[1])
        east = sorted([p for p in mmi.ports if p.orientation == 0], key=lambda p: p.center[1])
        n = max(len(west), len(east))
        ls = _sbend_length(FIBRE_PITCH_UM * (n - 1) / 2 + 10.0)
        ssc_w = ssc.dbbox().width()
        x_m = ssc_w + 50.0 + ls
        ref = c.add_ref(mmi, name="mmi")
        x0 = min(p.center[0] for p in west)
        ref.dmove((x_m - x0, ROW_Y_UM))
        x_east = max(p.center[0] for p in ref.ports if p.orientation == 0)
        w = round(x_east + ls + 50.0 + ssc_w, 3)
        for side, ports, facet in (("w", west, 0.0), ("e", east, w)):
            m = len(ports)
            for k, p0 in enumerate(ports):
                p = ref.ports[p0.name]
                target = ROW_Y_UM + (k - (m - 1) / 2) * FIBRE_PITCH_UM
                dy = round(target - p.center[1], 3)
                row = _Row(c, p, used, design.allow_standins)
                if abs(dy) > 1e-3:
                    sb = c.add_ref(sbend(dy if p.orientation == 0 else -dy, ls), name=f"wg_{side}{k}_sb")
                    sb.connect("o1", p)
                    row.port = sb.ports["o2"]
                else:
                    row.straight(ls, f"{side}{k}_st")
                _to_facet(c, row, ssc, facet, f"ssc_{side}{k}")
        _finish(c, design, f"{did}", w, DIE_H_UM)

    return named(_spec_name(design, did, {"cell": cell}), build)


def _pd_die(design: Design, did: str, used: list[str]) -> gf.Component:
    """SSC - photodiode (the absorber terminates the guide); p and n contacts on DC pads."""
    def build(c: gf.Component) -> None:
        cl.ensure_active(PDK)
        get = _getter(design, used)
        row = _Row(c, _west_ssc(c, get("ssc"), ROW_Y_UM, "ssc_in"), used, design.allow_standins)
        row.straight(150.0, "in")
        row.device_end(get("photodiode"), "pd")
        x_end = max(i.dbbox().right for i in c.insts)
        w = round(max(x_end + 200.0, 600.0), 3)
        m = design.client.edge_margin_um
        c.info["pads"] = place_pads(c, PDK, row.eports, side=+1, edge_y=DIE_H_UM - m, die_w=w,
                                    pitch=design.client.pad_pitch_um, get=get, prefix="a", flow=+1)
        _finish(c, design, did, w, DIE_H_UM)

    return named(_spec_name(design, did, {}), build)


def _block_die(design: Design, did: str, blocks: list[tuple[str, gf.Component]], extra: dict,
               rotate: bool = False) -> gf.Component:
    """Cells without optical or electrical ports (TLMs are their own probe pads; marks), placed in
    columns of at most the die's content height, 50 um apart; ``rotate``: blocks wider than tall are
    turned by 90 deg (a narrower die). TLM contacts are probe pads themselves: those blocks are
    named ``pad_*`` (the connectivity checks' bond-pad convention)."""
    def build(c: gf.Component) -> None:
        cl.ensure_active(PDK)
        room = BLOCK_H_UM - 60.0 - CONTENT_Y_UM
        refs = []
        plo = get_tech(PDK).layer("PLANAR_OPEN")
        for name, comp in blocks:
            # a block with BCB openings carries them under a pad-metal plate on contact metal (the
            # rules demand both): that plate is a probe pad, so the block is named as one (pad*)
            if not comp.dbbox(comp.kcl.layer(*plo)).empty() and not name.startswith("pad"):
                name = f"pad_{name}"
            ref = c.add_ref(comp, name=name)
            if rotate and comp.dbbox().width() > comp.dbbox().height():
                ref.drotate(90)
            refs.append(ref)
        # first fit, tallest first, into columns of the die's height (deterministic: ties by name)
        cols: list[list] = []  # [used height, width, [refs]]
        for ref in sorted(refs, key=lambda r: (-round(r.dbbox().height(), 3), r.name)):
            h = ref.dbbox().height()
            col = next((k for k in cols if k[0] + h <= room), None)
            if col is None:
                col = [-50.0, 0.0, []]
                cols.append(col)
            col[0] += h + 50.0
            col[1] = max(col[1], ref.dbbox().width())
            col[2].append(ref)
        x = 60.0
        for _, width, members in cols:
            y = CONTENT_Y_UM
            for ref in members:
                b = ref.dbbox()
                ref.dmove((round(x - b.left, 3), round(y - b.bottom, 3)))
                y += b.height() + 50.0
            x += width + 50.0
        text_w = gf.components.text(did, size=design.frame.label_size_um,
                                    layer=get_tech(PDK).layer("TEXT")).dbbox().width()
        w = max(x - 50.0 + 60.0, text_w + 150.0)
        _finish(c, design, did, math.ceil(w), BLOCK_H_UM)

    return named(_spec_name(design, did, {**extra, "rot": rotate}), build)


def device_tests(design: Design, used: list[str]) -> list[tuple[str, str, gf.Component]]:
    """(id, description, die) of the stand-alone device dies."""
    out = []

    def voa_fill(row, get):
        row.device(get("voa", length=design.client.voa_length_um), "voa")

    out.append(("T_PD", "stand-alone photodiode (responsivity, dark current)", _pd_die(design, "T_PD", used)))
    out.append(("T_VOA", f"VOA {design.client.voa_length_um:g} um between SSCs",
                _die(design, "T_VOA", "T_VOA", voa_fill, used, feed_um=50.0)))
    out.append(("T_SSC_PAIR", "two SSCs back to back (facet coupling loss)",
                _die(design, "T_SSC_PAIR", "T_SSC_PAIR", lambda row, get: row.straight(100.0, "mid"), used,
                     feed_um=0.0)))
    out.append(("T_MMI1X2", "MMI 1x2, every port on its own SSC", _mmi_die(design, "T_MMI1X2", "mmi1x2", used)))
    out.append(("T_MMI2X2", "MMI 2x2, every port on its own SSC", _mmi_die(design, "T_MMI2X2", "mmi2x2", used)))
    wl = design.network.center_wavelength_nm
    out.append(("T_DBR_GRATING", f"DBR back mirror alone at {wl:g} nm, in transmission",
                _die(design, "T_DBR_GRATING", "T_DBR_GRATING",
                     lambda row, get: row.device(get("dbr_grating", bragg_wavelength_nm=round(wl, 4)), "grating"),
                     used, feed_um=50.0)))
    return out


def process_tests(design: Design, used: list[str]) -> list[tuple[str, str, gf.Component]]:
    """(id, description, die) of the cutback, contact-resistance and lithography dies."""
    from weiming.components.inp.test_structures import later_mask_layers, mask_layers

    t = design.inp_tests
    get = _getter(design, used)
    cl.ensure_active(PDK)
    out = []
    for xs, straights in (("deep", t.cutback_deep_straight_um), ("shallow", t.cutback_shallow_straight_um)):
        if straights:
            did = f"T_CUTBACK_{xs.upper()}"
            out.append((did, f"cutback spirals, {xs} ridge, straights {list(straights)} um",
                        _cutback_die(design, did, xs, straights, used)))
    if t.tlm_gaps_um:
        out.append(("T_TLM_P", "linear TLM of the p-contact on a mesa",
                    _block_die(design, "T_TLM_P",
                               [("pad_tlm_p", get("tlm", contact="p", pad_size=80.0, gaps=t.tlm_gaps_um))],
                               {"gaps": list(t.tlm_gaps_um)}, rotate=True)))
    if t.ctlm_gaps_um:
        out.append(("T_TLM_N", "circular TLM of the n-contact on the substrate",
                    # every contact of the CTLM is an n contact on the substrate: its probe pads are
                    # ground (return) pads, named pad*gnd* as the connectivity check expects of n terminals
                    _block_die(design, "T_TLM_N",
                               [("pad_gnd_ctlm_n", get("ctlm", contact="n", gaps=t.ctlm_gaps_um))],
                               {"gaps": list(t.ctlm_gaps_um)})))
    if t.process_marks:
        tech = get_tech(PDK)
        later = later_mask_layers(tech)
        out.append(("T_ALIGN", f"alignment marks and verniers of the {len(later)} masks after the first",
                    _block_die(design, "T_ALIGN", [(f"mark_{lay}", get("alignment_mark", layer=lay)) for lay in later],
                               {"layers": later})))
        masks = mask_layers(tech)
        out.append(("T_CD_BARS", f"CD bars of the {len(masks)} masks",
                    _block_die(design, "T_CD_BARS",
                               [(f"cd_{lay}", get("cd_bars", layer=lay, multiples=(1.0, 2.0))) for lay in masks],
                               {"layers": masks}, rotate=True)))
        rid = design.reticles.inp.name
        out.append(("T_RETICLE_ID", f"reticle ID {rid} on every mask",
                    _block_die(design, "T_RETICLE_ID", [("reticle_id", get("reticle_id", text=rid))],
                               {"layers": masks, "id": rid})))
    return out


def inp_test_ids(design: Design) -> list[str]:
    """Ids of the InP test dies :func:`inp_tests` builds for ``design``, in order (without building)."""
    t = design.inp_tests
    ids = ["T_LASER"] if t.laser else []
    for L in t.modulator_lengths_um:
        ids += [f"T_MZM_{L:.0f}", f"T_PM_{L:.0f}"]
    if t.devices:
        ids += ["T_PD", "T_VOA", "T_SSC_PAIR", "T_MMI1X2", "T_MMI2X2", "T_DBR_GRATING"]
    ids += [f"T_CUTBACK_{x}" for x, s in (("DEEP", t.cutback_deep_straight_um),
                                          ("SHALLOW", t.cutback_shallow_straight_um)) if s]
    ids += ["T_TLM_P"] * bool(t.tlm_gaps_um) + ["T_TLM_N"] * bool(t.ctlm_gaps_um)
    if t.process_marks:
        ids += ["T_ALIGN", "T_CD_BARS", "T_RETICLE_ID"]
    return ids
