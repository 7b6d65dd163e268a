"""InP test structures and the InP reticle's test row (issue 12).

The cells are also covered by the registry-wide tests (DRC clean at defaults,
random valid/invalid parameters, GDS regression). Here: what they measure,
read back from the drawn geometry (not from the parameters the builder used),
and the test row of the default build: every test die in the manifest by name,
facets and pads where they must be, an alignment mark for every mask layer
after the first (the layer list derived from the PDK data).
"""

from __future__ import annotations

import dataclasses
import math

import klayout.db as kdb
import numpy as np
import pytest
import yaml
from scipy.integrate import quad

from weiming.components.inp import test_structures as ts
from weiming.components.registry import cells_for
from weiming.pdk import activate, get_tech
from weiming.pdk.drc_checks import NON_MASK_LAYERS
from weiming.pdk.tech import Level, LayerDef

from test_build import built, cache_env  # noqa: F401  (the default design, built once per session)

#: The test dies issue 12 asks for on the InP reticle, by the names that say what they are.
EXPECTED_TEST_DIES = {
    "T_LASER", "T_MZM_500", "T_PM_500", "T_MZM_1000", "T_PM_1000",        # existed before
    "T_CUTBACK_DEEP", "T_CUTBACK_SHALLOW", "T_TLM_P", "T_TLM_N", "T_PD", "T_VOA", "T_SSC_PAIR",
    "T_MMI1X2", "T_MMI2X2", "T_DBR_GRATING", "T_ALIGN", "T_CD_BARS", "T_RETICLE_ID",
}


def cell(name: str, **kw):
    activate("inp")
    return cells_for("inp")[name](**kw)


def region(c_or_path, layer: str) -> kdb.Region:
    """Flat region of ``layer`` of a component or of the top cell of a GDS file."""
    gds = get_tech("inp").layer(layer)
    if isinstance(c_or_path, str):
        ly = kdb.Layout()
        ly.read(c_or_path)
        top = ly.top_cells()[0]
        li = ly.find_layer(*gds)
        return kdb.Region() if li is None else kdb.Region(top.begin_shapes_rec(li)).merged()
    li = c_or_path.kcl.layer(*gds)
    return kdb.Region(c_or_path.begin_shapes_rec(li)).merged()


UM = 1e-3  # dbu


# --------------------------------------------------------------------------- PDK data
def test_mask_layers_come_from_the_pdk_layer_list():
    t = get_tech("inp")
    masks = ts.mask_layers(t)
    assert masks == [n for n in t.layers if n in masks]                 # PDK order
    assert not set(masks) & (set(NON_MASK_LAYERS) | {"DICING"})
    assert ts.later_mask_layers(t) == masks[1:]
    assert len(masks) - 1 >= 8  # the issue: "alignment marks for the 8 later masks"
    # a layer added to the PDK data becomes a later mask with no code change
    t2 = dataclasses.replace(t, layers={**t.layers, "NWIN": LayerDef("NWIN", (110, 0), "#000000", "solid",
                                                                        "n-contact window: deep etch to the n-InP")})
    assert ts.later_mask_layers(t2) == masks[1:] + ["NWIN"]


def test_contact_metals_are_found_by_role():
    t = get_tech("inp")
    assert ts.contact_metal("p", t) == "PMETAL" and ts.contact_metal("n", t) == "NMETAL"
    assert ts.contact_window("n", t) in (None, *ts.mask_layers(t))
    # what the n-contact work may add: a layer-stack level "nmetal" on a new layer, and a window layer
    layers = {**t.layers, "NCON": LayerDef("NCON", (111, 0), "#000000", "solid", "n-contact metal"),
              "NWIN": LayerDef("NWIN", (110, 0), "#000000", "solid", "n-contact window: deep etch to the n-InP")}
    stack = {**t.layer_stack, "nmetal": Level("nmetal", "NCON", -1.5, 0.3, "gold")}
    t2 = dataclasses.replace(t, layers=layers, layer_stack=stack)
    assert ts.contact_metal("n", t2) == "NCON" and ts.contact_window("n", t2) == "NWIN"


# --------------------------------------------------------------------------- cells, read back
def test_cutback_spiral_length_matches_its_geometry():
    """Drawn waveguide area / width = centre-line length (constant-width guide) within 0.1 % (the
    polygonal arcs), and the length equals the closed form of the spiral within 0.01 %."""
    for xs, L, turns, gap in (("deep", 400.0, 3, 3.5), ("shallow", 700.0, 2, 6.0)):
        c = cell("cutback_spiral", cross_section=xs, straight_length=L, turns=turns, gap=gap)
        x = get_tech("inp").xs(xs)
        area = region(c, x.layer).area() * UM ** 2
        assert area / x.width == pytest.approx(c.info["length_um"], rel=1e-3)
        p, r, K = x.width + gap, x.radius_min, turns - 1
        tk = [r + p / 2 + 2 * p * (K - k) for k in range(K + 1)]
        arcs = 2 * sum(t - p / 2 for t in tk) + 2 * sum(t - 3 * p / 2 for t in tk[:-1])
        d = 2 * (tk[K] - p)
        s_len = quad(lambda u: math.hypot(1, d / 2 * math.pi / L * math.sin(math.pi * u / L)), 0, L)[0]
        closed = (4 * K + 2) * L + math.pi * arcs + s_len
        assert c.info["length_um"] == pytest.approx(closed, rel=1e-4)


def test_cutback_spirals_of_one_die_have_equal_bends():
    """Same turns and gap, different straights: the bend count and every radius are the same, so the
    loss difference is propagation loss only; the lengths grow with the straight length."""
    a = cell("cutback_spiral", straight_length=300.0)
    b = cell("cutback_spiral", straight_length=600.0)
    assert a.info["n_bends_180"] == b.info["n_bends_180"]
    # one straight per semicircle grows by the 300 um, the centre S-bend by a little less
    n = a.info["n_bends_180"]
    assert n * 300.0 < b.info["length_um"] - a.info["length_um"] < (n + 1) * 300.0


def test_tlm_gaps_from_layout():
    gaps = (10.0, 15.0, 20.0, 30.0)
    c = cell("tlm", contact="p", pad_size=80.0, gaps=gaps)
    boxes = sorted((p.bbox() for p in region(c, c.info["metal_layer"]).each()), key=lambda b: b.left)
    drawn = [round((b2.left - b1.right) * UM, 3) for b1, b2 in zip(boxes, boxes[1:])]
    assert drawn == list(gaps)
    assert all(round(b.width() * UM, 3) == 80.0 for b in boxes)
    # each contact is a probe pad of its own: a pad-metal square of the contact's size over it
    pads = list(region(c, "PAD").each())
    assert len(pads) == len(gaps) + 1 and all(p.bbox().width() * UM >= 50 for p in pads)
    # the mesa (current confinement of a linear TLM) holds every contact
    assert (region(c, c.info["metal_layer"]) - region(c, c.info["mesa_layer"])).is_empty()


def test_ctlm_gaps_from_layout():
    """Hole radius - disc radius of every element is the requested gap (0.15 um: 128-gon chords + margin)."""
    gaps = (10.0, 20.0, 40.0)
    c = cell("ctlm", contact="n", gaps=gaps)
    metal = region(c, c.info["metal_layer"])
    def order(p):
        return -p.bbox().center().y, p.bbox().center().x

    discs = sorted([p for p in metal.each() if p.holes() == 0], key=order)
    planes = sorted([p for p in metal.each() if p.holes() == 1], key=order)
    assert len(discs) == len(planes) == len(gaps)
    for g, disc, plane in zip(gaps, discs, planes):
        r0 = disc.bbox().width() * UM / 2
        hole = kdb.Polygon(list(plane.each_point_hole(0)))
        r1 = hole.bbox().width() * UM / 2
        assert r0 == pytest.approx(50.0, abs=0.01)
        assert g <= r1 - r0 <= g + 0.15


def test_alignment_mark_vernier_reads_the_step():
    """The later-mask comb's pitch exceeds the reference comb's by VERNIER_STEP_UM; centre bars in line."""
    t = get_tech("inp")
    ref = ts.mask_layers(t)[0]
    for lay in ("SHALLOW", "NMETAL"):
        c = cell("alignment_mark", layer=lay)
        out = []
        for name in (ref, lay):  # the x vernier: upright bars right of the (square) box, on y = 0
            xs = sorted(p.bbox().center().x * UM for p in region(c, name).each()
                        if p.bbox().width() < p.bbox().height() and p.bbox().center().x > 0
                        and abs(p.bbox().center().y * UM) < 100)
            out.append(np.array(xs))
        a, b = out
        assert len(a) == len(b) == ts.VERNIER_BARS
        assert np.diff(b).mean() - np.diff(a).mean() == pytest.approx(ts.VERNIER_STEP_UM, abs=1e-6)
        mid = ts.VERNIER_BARS // 2
        assert a[mid] == pytest.approx(b[mid], abs=1e-6)


def test_dbr_grating_is_the_lasers_mirror():
    """Same period as the laser cell at the same wavelength; the drawn teeth (GDS) fit that period."""
    g = cell("dbr_grating", bragg_wavelength_nm=1549.78)
    laser = cell("dbr_laser", bragg_wavelength_nm=1549.78)
    assert g.info["period_nm"] == laser.info["period_nm"]
    starts = sorted(p.bbox().left for p in region(g, "GRATING").each())
    slope = np.polyfit(np.arange(len(starts)), np.array(starts, dtype=float), 1)[0]  # nm (dbu = 1 nm)
    assert slope == pytest.approx(g.info["period_nm"], abs=1e-3)  # rounding to 1 nm, spread over N teeth


def test_reticle_id_and_cd_bars_on_every_mask():
    t = get_tech("inp")
    rid = cell("reticle_id", text="INP_R1")
    assert all(not region(rid, lay).is_empty() for lay in ts.mask_layers(t))
    for lay in ts.mask_layers(t):
        cd = cell("cd_bars", layer=lay, multiples=(1.0, 2.0))
        wmin = t.rule("width", lay).value if t.rule("width", lay) else 0.002
        widths = sorted({round(p.bbox().width() * UM, 3) for p in region(cd, lay).each()
                         if p.bbox().height() * UM == 100.0})
        assert widths[0] >= wmin - 1e-9, lay
        if not ts.enclosures(lay, t):  # nothing drawn around it: the rule itself is printed
            assert widths[0] == pytest.approx(wmin, abs=0.002), lay


# --------------------------------------------------------------------------- the default build
def test_manifest_lists_every_inp_test_die(built):  # noqa: F811
    out, m, _ = built
    inp = next(r for r in m["reticles"] if r["pdk"] == "inp")
    tests = {c["id"]: c for c in m["chips"] if c["kind"] == "test" and c["pdk"] == "inp"}
    assert EXPECTED_TEST_DIES <= set(tests), sorted(EXPECTED_TEST_DIES - set(tests))
    assert all(c["reticle"] == inp["name"] for c in tests.values())
    assert inp["drc"]["clean"], inp["drc"]["violations"]
    # each test die's cell is placed on the reticle GDS
    ly = kdb.Layout()
    ly.read(str(out / inp["gds"]))
    placed = {ly.cell(i.cell_index).name for i in ly.top_cells()[0].each_inst()}
    for did in EXPECTED_TEST_DIES:
        net = yaml.safe_load((out / "netlists" / f"{did}.yaml").read_text())
        assert net["cell"] in placed and net["errors"] == [], did


def test_optical_test_dies_reach_the_facets_and_electrical_ones_have_pads(built):  # noqa: F811
    from weiming.circuits.design import load_design

    out, m, _ = built
    t = load_design().inp_tests

    def net(did):
        return yaml.safe_load((out / "netlists" / f"{did}.yaml").read_text())

    facets = {"T_SSC_PAIR": 2, "T_VOA": 2, "T_DBR_GRATING": 2, "T_MMI1X2": 3, "T_MMI2X2": 4, "T_PD": 1,
              "T_CUTBACK_DEEP": 2 * len(t.cutback_deep_straight_um),
              "T_CUTBACK_SHALLOW": 2 * len(t.cutback_shallow_straight_um)}
    for did, n in facets.items():
        assert len(net(did)["io"]) == n, (did, net(did)["io"])
    assert len(net("T_PD")["electrodes_to_pads"]) >= 2      # p and n contact each on a pad
    assert len(net("T_VOA")["electrodes_to_pads"]) >= 1
    assert all(net(did)["errors"] == [] for did in ("T_PD", "T_VOA"))
    # TLM contacts are probe pads themselves (pad metal >= 50 um across on every contact)
    tlm = region(str(out / "chips" / "T_TLM_P.gds"), "PAD")
    assert sum(p.bbox().width() * UM >= 50 and p.bbox().height() * UM >= 50 for p in tlm.each()) \
        == len(t.tlm_gaps_um) + 1
    ctlm = region(str(out / "chips" / "T_TLM_N.gds"), "PAD")
    assert sum(p.bbox().width() * UM >= 50 for p in ctlm.each()) == 2 * len(t.ctlm_gaps_um)


def test_every_later_mask_has_an_alignment_mark_on_the_reticle(built):  # noqa: F811
    """From the T_ALIGN die's GDS: for every mask layer after the first (PDK data), a closed frame on that
    layer with a first-mask cross inside it (cross-in-box)."""
    out, _, _ = built
    path = str(out / "chips" / "T_ALIGN.gds")
    t = get_tech("inp")
    ref = region(path, ts.mask_layers(t)[0])
    missing = []
    for lay in ts.later_mask_layers(t):
        frames = [p for p in region(path, lay).each() if p.holes() >= 1]
        inside = [f for f in frames if not (ref & kdb.Region(kdb.Polygon(list(f.each_point_hole(0))))).is_empty()]
        if not inside:
            missing.append(lay)
    assert not missing, f"no cross-in-box alignment mark for {missing}"


def test_test_die_gds_is_deterministic(tmp_path):
    from weiming.circuits.design import load_design
    from weiming.circuits.steps import write_gds
    from weiming.circuits.test_structures import inp_tests

    dies = {did: c for did, _, c in inp_tests(load_design(), [])}
    for did in ("T_CUTBACK_SHALLOW", "T_TLM_N", "T_ALIGN", "T_MMI2X2"):
        write_gds(dies[did], tmp_path / "a.gds")
        write_gds(dies[did], tmp_path / "b.gds")
        assert (tmp_path / "a.gds").read_bytes() == (tmp_path / "b.gds").read_bytes(), did


def test_test_die_polygons_fit_a_gdsii_boundary(built):  # noqa: F811
    """A GDSII boundary holds at most 8191 points (8190 vertices + closing point); mask shops and many
    readers reject longer records, so no polygon of a test die may exceed it."""
    out, _, _ = built
    for did in sorted(EXPECTED_TEST_DIES):
        ly = kdb.Layout()
        ly.read(str(out / "chips" / f"{did}.gds"))
        worst = max((s.polygon.num_points() for ci in range(ly.cells()) for li in ly.layer_indexes()
                     for s in ly.cell(ci).shapes(li).each() if s.is_polygon()), default=0)
        assert worst <= 8190, (did, worst)
