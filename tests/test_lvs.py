"""Photonic LVS on built chips: a clean chip matches; each mutation of its GDS gives the right
mismatch kind at the right place; the schematic follows the design; CLI contract.

The chips come from one build of a reduced design (one channel: two client chips, one comb
chip); mutations edit a copy of a chip's GDS with KLayout, keeping its hierarchy (a mutated
cell is cloned so only one instance changes). Location tolerances: a cut or a bridge is
located to within its own size (20 um); a missing device to within its footprint.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import klayout.db as kdb
import pytest

from weiming.circuits.design import load_design
from weiming.circuits.schematic import client_schematic, schematic
from weiming.pdk.lvs import LvsInputError, run_lvs

from _chipset import build_small


@pytest.fixture(scope="module")
def chips(tmp_path_factory):
    return build_small(tmp_path_factory)


def _client(chips) -> tuple[Path, Path]:
    out, _ = chips
    return out / "chips" / "C01A.gds", out / "chips" / "C01A.schematic.yaml"


def _mutate(src: Path, dst: Path, fn) -> Path:
    ly = kdb.Layout()
    ly.read(str(src))
    top = ly.top_cell()
    fn(ly, top)
    for t in [c for c in ly.top_cells() if c.cell_index() != top.cell_index()]:
        ly.prune_cell(t.cell_index(), -1)  # a cloned cell's original left without instances
    ly.write(str(dst))
    return dst


def _insts(top, prefix: str):
    return [i for i in top.each_inst() if i.cell.name.startswith(prefix)]


def _clone(ly, inst, suffix: str) -> kdb.Cell:
    """Give ``inst`` its own copy of its cell (same name prefix, so LVS still recognises it)."""
    new = ly.create_cell(inst.cell.name + suffix)
    new.copy_instances(inst.cell)
    new.copy_shapes(inst.cell)
    inst.cell_index = new.cell_index()
    return new


def _cut(cell: kdb.Cell, li: int, box: kdb.Box) -> None:
    reg = kdb.Region(cell.shapes(li)) - kdb.Region(box)
    cell.shapes(li).clear()
    cell.shapes(li).insert(reg)


def _near(loc, xy, tol) -> bool:
    return abs(loc[0] - xy[0]) <= tol and abs(loc[1] - xy[1]) <= tol


def _kinds(r) -> list[str]:
    return [m.kind for m in r.mismatches]


def test_every_built_chip_matches(chips):
    out, m = chips
    lvs = {c["id"]: c["lvs"] for c in m["chips"] if "lvs" in c}
    assert set(lvs) == {"S01", "C01A", "C01B"}
    assert all(v == {"match": True, "mismatches": []} for v in lvs.values()), lvs
    assert m["checks"]["lvs"]["passed"] and m["checks"]["passed"]
    assert (out / "chips" / "S01.schematic.yaml").is_file()


def test_cut_metal_route_is_an_open_at_the_cut(chips, tmp_path):
    gds, sch = _client(chips)
    where = {}

    def fn(ly, top):
        li = ly.layer(109, 0)
        # a single-segment vertical DC route (10 um wide): cut 20 um out of its middle
        inst = next(i for i in _insts(top, "route_cell_") if i.bbox().width() == 10_000 and i.bbox().height() > 200_000)
        b = inst.bbox()
        c = b.center()
        _cut(inst.cell, li, kdb.Box(b.left - 1000, c.y - 10_000, b.right + 1000, c.y + 10_000))
        where["xy"] = (c.x / 1000, c.y / 1000)

    r = run_lvs(_mutate(gds, tmp_path / "m.gds", fn), "inp", sch)
    assert _kinds(r) == ["open"], r.summary()
    assert _near(r.mismatches[0].location, where["xy"], 12.0), (r.mismatches[0], where)


def test_metal_bridge_between_two_pads_is_a_short_at_the_bridge(chips, tmp_path):
    gds, sch = _client(chips)
    where = {}

    def fn(ly, top):
        pads = sorted(_insts(top, "inp_pad_dc"), key=lambda i: (i.bbox().bottom, i.bbox().left))
        a, b = next((p, q) for p, q in zip(pads, pads[1:]) if p.bbox().bottom == q.bbox().bottom)
        ba, bb = a.bbox(), b.bbox()
        y = ba.center().y
        box = kdb.Box(ba.right - 1000, y - 10_000, bb.left + 1000, y + 10_000)
        top.shapes(ly.layer(109, 0)).insert(box)
        where["xy"] = (box.center().x / 1000, box.center().y / 1000)

    r = run_lvs(_mutate(gds, tmp_path / "m.gds", fn), "inp", sch)
    assert _kinds(r) == ["short"], r.summary()
    assert _near(r.mismatches[0].location, where["xy"], 20.0), (r.mismatches[0], where)


@pytest.mark.parametrize("which", [0, 1])
def test_deleted_modulator_is_a_missing_device_where_it_was(chips, tmp_path, which):
    gds, sch = _client(chips)
    where = {}

    def fn(ly, top):
        inst = sorted(_insts(top, "mirrored_Cinp_mzm"), key=lambda i: i.bbox().left)[which]
        b = inst.bbox()
        where["box"] = (b.left / 1000, b.bottom / 1000, b.right / 1000, b.top / 1000)
        inst.delete()

    r = run_lvs(_mutate(gds, tmp_path / "m.gds", fn), "inp", sch)
    assert _kinds(r) == ["missing_device"], r.summary()
    x, y = r.mismatches[0].location
    x0, y0, x1, y1 = where["box"]
    assert x0 - 20 <= x <= x1 + 20 and y0 - 20 <= y <= y1 + 20, (r.mismatches[0], where)
    assert r.mismatches[0].detail.startswith(f"mzm im{which + 1} "), r.mismatches[0].detail


def test_shortened_modulator_is_a_parameter_mismatch_at_it(chips, tmp_path):
    gds, sch = _client(chips)
    where = {}

    def fn(ly, top):
        inst = sorted(_insts(top, "inp_phase_modulator"), key=lambda i: i.bbox().left)[0]
        cell = _clone(ly, inst, "_short")
        li = ly.layer(106, 0)  # p-contact electrode: 100 um shorter at its east end
        b = kdb.Region(cell.shapes(li)).bbox()
        _cut(cell, li, kdb.Box(b.right - 100_000, b.bottom - 1, b.right + 1, b.top + 1))
        c = inst.bbox().center()
        where["xy"] = (c.x / 1000, c.y / 1000)

    r = run_lvs(_mutate(gds, tmp_path / "m.gds", fn), "inp", sch)
    assert _kinds(r) == ["parameter"], r.summary()
    m = r.mismatches[0]
    want = load_design().client.pm_length_um
    # row B runs east to west: the westmost PM is the last one of the transmitter, pm_ref
    assert f"length_um = {want - 100.0}" in m.detail and f"{want}" in m.detail and m.detail.startswith("pm_ref "), m
    assert [t.name for t in load_design().client.transmitter if t.kind == "pm"][-1] == "pm_ref"
    assert _near(m.location, where["xy"], 50.0), (m, where)


def test_cut_waveguide_is_an_optical_open_at_the_cut(chips, tmp_path):
    gds, sch = _client(chips)
    where = {}

    def fn(ly, top):
        inst = max(_insts(top, "inp_straight_"), key=lambda i: max(i.bbox().width(), i.bbox().height()))
        cell = _clone(ly, inst, "_cut")
        li = ly.layer(101, 0)
        b = cell.bbox()
        c = b.center()
        _cut(cell, li, kdb.Box(c.x - 2000, b.bottom - 1, c.x + 2000, b.top + 1))  # a 4 um gap
        p = inst.trans * c
        where["xy"] = (p.x / 1000, p.y / 1000)

    r = run_lvs(_mutate(gds, tmp_path / "m.gds", fn), "inp", sch)
    assert _kinds(r) == ["open"], r.summary()
    assert "optical" in r.mismatches[0].detail
    assert _near(r.mismatches[0].location, where["xy"], 5.0), (r.mismatches[0], where)


def test_schematic_follows_the_design():
    d = load_design()
    s = client_schematic(d, "C01A")
    mods = {n: v for n, v in s["devices"].items() if v["kind"] in ("mzm", "phase_modulator")}
    assert {v["params"]["length_um"] for v in mods.values()} == {d.client.im_length_um, d.client.pm_length_um} or \
        d.client.im_length_um == d.client.pm_length_um
    longer = d.model_copy(update={"client": d.client.model_copy(update={"im_length_um": 700.0,
                                                                        "im_electrode": "dc"})})
    s2 = client_schematic(longer, "C01A")
    ims = [v for v in s2["devices"].values() if v["kind"] == "mzm"]
    assert ims and all(v["params"]["length_um"] == 700.0 and v["terminals"] == ["arm_1", "arm_2", "n"] for v in ims)
    assert schematic(d, "test", "T_X") is None


def test_schematic_is_the_designs_transmitter():
    """Order, names and kinds of the optical path are the design's ``client.transmitter``; every IM and the
    AMZI have a monitor photodiode; every n terminal and GSG ground is a ground net."""
    d = load_design()
    s = client_schematic(d, "C01A")
    names = [t.name for t in d.client.transmitter]
    cells = {"im": "mzm", "pm": "phase_modulator", "amzi": "amzi", "voa": "voa"}
    path = [b for a, b in s["optical_links"] if not b.startswith("pd_")]
    assert path == ["ssc_in", "laser", *names, "ssc_out", "facet"]
    assert all(s["devices"][t.name]["kind"] == cells[t.kind] for t in d.client.transmitter)
    assert sorted(n for n in s["devices"] if n.startswith("pd_")) == \
        sorted(f"pd_{t.name}" for t in d.client.transmitter if t.kind in ("im", "amzi"))
    assert [t.kind for t in d.client.transmitter].count("amzi") == 1 and s["devices"]["amzi"]["terminals"] == ["phase", "n"]
    ground = {n["name"] for n in s["nets"] if n.get("ground")}
    assert {"laser.n", "voa.n", "amzi.n", "pd_im1.n", "im1.ground_1", "im1.ground_2", "pm_q.ground_2"} <= ground
    assert not any(n["name"].endswith((".signal", ".p", ".gain")) for n in s["nets"] if n.get("ground"))
    # a design without the AMZI and with one IM fewer: the schematic follows
    fewer = tuple(t for t in d.client.transmitter if t.kind != "amzi" and t.name != "im3")
    s2 = client_schematic(d.model_copy(update={"client": d.client.model_copy(update={"transmitter": fewer})}), "C")
    assert "amzi" not in s2["devices"] and "pd_amzi" not in s2["devices"] and "im3" not in s2["devices"]
    assert len(s2["devices"]) == len(s["devices"]) - 4


def test_lvs_against_a_changed_design_reports_parameters(chips, tmp_path):
    gds, _ = _client(chips)
    d = load_design()
    longer = d.model_copy(update={"client": d.client.model_copy(update={"pm_length_um": 650.0})})
    r = run_lvs(gds, "inp", client_schematic(longer, "C01A"))
    assert _kinds(r) == ["parameter"] * sum(t.kind == "pm" for t in d.client.transmitter), r.summary()


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "weiming.cli", "lvs", *map(str, args)], capture_output=True, text=True)


def test_cli_contract(chips, tmp_path):
    gds, sch = _client(chips)
    p = _cli(gds, "--pdk", "inp", "--schematic", sch, "--json")
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    assert set(j) == {"match", "devices", "nets", "mismatches"} and j["match"]
    tx = load_design().client.transmitter  # 2 SSCs, the laser, the transmitter, a monitor PD per IM and AMZI
    n_dev = 3 + len(tx) + sum(t.kind in ("im", "amzi") for t in tx)
    assert j["devices"]["layout"] == j["devices"]["schematic"] == n_dev and j["nets"]["layout"] == j["nets"]["schematic"]
    bad = _mutate(gds, tmp_path / "m.gds",
                  lambda ly, top: sorted(_insts(top, "inp_voa"), key=lambda i: i.bbox().left)[0].delete())
    p = _cli(bad, "--pdk", "inp", "--schematic", sch, "--json")
    assert p.returncode == 1
    j = json.loads(p.stdout)
    assert not j["match"] and {m["kind"] for m in j["mismatches"]} == {"missing_device"}
    assert set(j["mismatches"][0]) == {"kind", "detail", "location"} and len(j["mismatches"][0]["location"]) == 2
    for args in ((tmp_path / "none.gds", "--pdk", "inp", "--schematic", sch),
                 (gds, "--pdk", "nope", "--schematic", sch),
                 (gds, "--pdk", "inp", "--schematic", tmp_path / "none.yaml")):
        p = _cli(*args)
        assert p.returncode == 2 and p.stderr.startswith("error: ") and "Traceback" not in p.stderr, p.stderr
    (tmp_path / "bad.yaml").write_text("devices: {a: {kind: x}}\noptical_links: [[a, b]]\nnets: []\n")
    with pytest.raises(LvsInputError, match="optical link"):
        run_lvs(gds, "inp", tmp_path / "bad.yaml")


def test_terminal_without_route_or_pad_is_a_floating_port(chips, tmp_path):
    gds, sch = _client(chips)
    where = {}

    def fn(ly, top):
        route = next(i for i in _insts(top, "route_cell_") if i.bbox().width() == 10_000 and i.bbox().height() > 200_000)
        rb = route.bbox()
        pad = next(i for i in _insts(top, "inp_pad_dc") if i.bbox().overlaps(rb.enlarged(1, 1)))
        pb = pad.bbox()
        dev_end = rb.bottom if abs(pb.center().y - rb.top) < abs(pb.center().y - rb.bottom) else rb.top
        where["xy"] = (rb.center().x / 1000, dev_end / 1000)
        route.delete()
        pad.delete()

    r = run_lvs(_mutate(gds, tmp_path / "m.gds", fn), "inp", sch)
    assert _kinds(r) == ["floating_port"], r.summary()
    assert _near(r.mismatches[0].location, where["xy"], 60.0), (r.mismatches[0], where)


def test_return_without_its_n_contact_is_an_open_and_a_flipped_net_is_named(chips, tmp_path):
    """A photodiode whose n-contact metal is gone: its return net still reaches its ground pad, but no n
    contact: an open, located at that photodiode (not at another of the same kind). The schematic's ``ground`` flags are checked too: the same layout
    against a schematic calling the laser's n terminal a signal net is a short (a signal on a return)."""
    gds, sch = _client(chips)
    where = {}

    def fn(ly, top):
        inst = sorted(_insts(top, "inp_photodiode"), key=lambda i: i.bbox().left)[0]
        cell = _clone(ly, inst, "_non")
        cell.shapes(ly.layer(107, 0)).clear()  # NMETAL: the n contact
        where["box"] = inst.bbox()

    r = run_lvs(_mutate(gds, tmp_path / "m.gds", fn), "inp", sch)
    assert _kinds(r) == ["open"], r.summary()
    assert "n contact" in r.mismatches[0].detail and "photodiode" in r.mismatches[0].detail
    b = where["box"]
    x, y = r.mismatches[0].location
    assert b.left / 1000 <= x <= b.right / 1000 and b.bottom / 1000 <= y <= b.top / 1000, (r.mismatches[0], b)
    s = load_design()
    flipped = client_schematic(s, "C01A")
    for n in flipped["nets"]:
        if n["name"] == "laser.n":
            n.pop("ground")
    r = run_lvs(gds, "inp", flipped)
    assert _kinds(r) == ["short"] and "dbr_laser" in r.mismatches[0].detail, r.summary()
