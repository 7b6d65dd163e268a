"""The build's built-in checks catch what they claim: open optical ports, width mismatches,
electrodes without a pad, shorts, forbidden crossings, overlapping or oversized dies."""

from __future__ import annotations

import itertools

import gdsfactory as gf
import pytest

from weiming.circuits.connectivity import check_chip
from weiming.circuits.errors import PlacementError
from weiming.circuits.reticle import Placement, check_fit, pack
from weiming.circuits.routing import add_wire, assign_pads
from weiming.pdk import activate

_n = itertools.count()


def _comp() -> gf.Component:
    return gf.Component(name=f"test_checks_{next(_n)}")


@pytest.fixture(autouse=True)
def inp():
    activate("inp")


def test_open_port_inside_the_die_is_an_error_but_a_facet_port_is_io():
    c = _comp()
    s = c.add_ref(gf.get_component("straight", length=100.0), name="wg_a")
    s.dmove((0, 500))  # o1 on the west edge (x = 0) facing out, o2 at x = 100 inside
    r = check_chip(c, "inp", (1000, 1000))
    assert r["io"] == ["wg_a.o1"]
    assert len(r["errors"]) == 1 and "unconnected optical port wg_a.o2" in r["errors"][0]


def test_width_mismatch_is_reported():
    c = _comp()
    a = c.add_ref(gf.get_component("straight", length=100.0), name="wg_a")
    b = c.add_ref(gf.get_component("straight", length=100.0, width=2.0), name="wg_b")
    a.dmove((0, 500))
    b.connect("o1", a.ports["o2"], allow_width_mismatch=True)
    c2 = c.add_ref(gf.get_component("straight", length=800.0, width=2.0), name="wg_c")
    c2.connect("o1", b.ports["o2"])
    errs = check_chip(c, "inp", (1000, 1000))["errors"]
    assert any("width mismatch wg_a.o2" in e for e in errs)


def _pm_with_pads(route_e1: bool, second_to_same_pad: bool = False) -> gf.Component:
    c = _comp()
    # the p electrode only (its n contact is another port; the routing mechanics are tested on e1)
    pm = gf.get_component("phase_modulator", length=300.0, electrode="dc", n_contact=False)
    r = c.add_ref(pm, name="pm")
    r.dmove((100, 500))
    x, y = r.ports["e1"].center
    pad = c.add_ref(gf.get_component("pad_dc"), name="pad_1")
    pad.dmove((x, 900))
    if route_e1:
        add_wire(c, "inp", [(x, y), (x, 860)], 10.0, "PAD", "wire_1")
    if second_to_same_pad:
        r2 = c.add_ref(pm, name="pm2")
        r2.dmove((100, 200))
        x2, y2 = r2.ports["e1"].center
        add_wire(c, "inp", [(x2, y2), (x2 + 300, y2), (x2 + 300, 880), (x + 40, 880)], 10.0, "PAD", "wire_2")
    return c


def test_electrode_without_route_is_an_error():
    errs = check_chip(_pm_with_pads(False), "inp", (1000, 1000))["errors"]
    assert any("electrical port pm.e1" in e and "not connected" in e for e in errs)


def test_electrode_routed_to_a_pad_is_ok():
    c = _pm_with_pads(True)
    r = check_chip(c, "inp", (1000, 1000))
    assert not [e for e in r["errors"] if "electrical" in e or "short" in e]
    assert r["pads"] == {"pm.e1": "pad_1"}


def test_wire_touching_another_pad_is_a_short():
    errs = check_chip(_pm_with_pads(True, second_to_same_pad=True), "inp", (1000, 1000))["errors"]
    assert any("wire_2 touches the metal of pad_1" in e for e in errs)


def test_metal_over_a_shallow_ridge_is_a_forbidden_crossing_but_over_deep_allowed():
    c = _comp()
    sh = c.add_ref(gf.get_component("straight", length=1000.0, cross_section="shallow"), name="wg_s")
    sh.dmove((0, 300))
    dp = c.add_ref(gf.get_component("straight", length=1000.0), name="wg_d")
    dp.dmove((0, 700))
    pad = c.add_ref(gf.get_component("pad_dc"), name="pad_a")
    pad.dmove((500, 100))
    pad2 = c.add_ref(gf.get_component("pad_dc"), name="pad_b")
    pad2.dmove((500, 900))
    add_wire(c, "inp", [(500, 140), (500, 860)], 10.0, "PAD", "wire_x")
    errs = check_chip(c, "inp", (1000, 1000))["errors"]
    cross = [e for e in errs if "crosses" in e]
    assert len(cross) == 1 and "SHALLOW" in cross[0]


def test_placement_overlap_and_fit():
    with pytest.raises(PlacementError, match="does not fit"):
        pack([("a", 30000.0, 100.0)], (26000.0, 33000.0), 100.0)
    with pytest.raises(PlacementError, match="overlap"):
        check_fit([Placement("a", 100, 100, 1000, 1000), Placement("b", 1050, 100, 1000, 1000)],
                  (26000.0, 33000.0), 100.0)
    pl = pack([(f"d{i}", 4600.0, 2000.0) for i in range(20)], (24500.0, 10500.0), 100.0, 300.0)
    check_fit(pl, (24500.0, 10500.0), 100.0)  # 20 clients fit the default InP field


def test_pad_assignment_keeps_pitch_and_order():
    xs = [100.0, 110.0, 120.0, 1000.0]
    px = assign_pads(xs, 150.0, 100.0, 2000.0)
    assert px == sorted(px) and all(b - a >= 150.0 for a, b in zip(px, px[1:]))


def test_cli_exits_1_when_a_check_fails(tmp_path, monkeypatch):
    """DRC/connectivity failures do not raise: the CLI reports them and exits 1."""
    from typer.testing import CliRunner

    import weiming.circuits.build as b
    from weiming.cli import app

    failing = {"reticles": [{"name": "R", "pdk": "inp", "gds": "reticles/R.gds", "sha256": "0",
                             "drc": {"clean": False, "violations": [{"rule": "PAD.S.1", "count": 2, "examples": []}]}}],
               "chips": [], "checks": {"passed": False, "connectivity": {"passed": False,
                                                                         "errors": {"C01A": ["open port x"]}}}}
    monkeypatch.setattr(b, "build", lambda *a, **k: failing)
    r = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "o"), "-q"])
    assert r.exit_code == 1
    assert "PAD.S.1 x2" in r.output and "open port x" in r.output


def test_missing_cell_is_an_error_unless_standins_are_allowed(monkeypatch):
    from weiming.circuits import cells
    from weiming.circuits.errors import BuildError

    monkeypatch.setattr(cells, "has_cell", lambda pdk, name: name != "voa")
    with pytest.raises(BuildError, match="'voa' is not registered in PDK inp"):
        cells.get("inp", "voa", length=200.0)
    used: list[str] = []
    box = cells.get("inp", "voa", standins=True, used=used, length=200.0)
    assert used == ["inp:voa"] and {p.name for p in box.ports} == {"o1", "o2", "e1"}
    assert box.dbbox().width() == pytest.approx(200.0)


def test_route_ending_short_of_its_pad_is_caught_geometrically():
    c = _comp()
    r = c.add_ref(gf.get_component("phase_modulator", length=300.0, electrode="dc"), name="pm")
    r.dmove((100, 500))
    x, y = r.ports["e1"].center
    c.add_ref(gf.get_component("pad_dc"), name="pad_1").dmove((x, 900))
    add_wire(c, "inp", [(x, y), (x, 800)], 10.0, "PAD", "wire_1")  # pad edge is at y = 860
    errs = check_chip(c, "inp", (1000, 1000))["errors"]
    assert "route wire_1 conductor 0 does not touch a pad" in errs
    assert any("wire_1.e2" in e and "not connected" in e for e in errs)
