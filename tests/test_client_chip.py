"""Client chip: closed electrical circuits, pads, facets and grid, all read from the built layout."""

from __future__ import annotations

import gdsfactory as gf
import pytest

from weiming.circuits import cells as cl
from weiming.circuits.connectivity import check_chip, check_terminals, off_grid_instances, pad_clearance_um
from weiming.circuits.routing import place_pads


@pytest.fixture(scope="module")
def chip():
    from weiming.circuits.client_chip import client_chip
    from weiming.circuits.design import load_design
    from weiming.circuits.network import clients

    d = load_design()
    return d, client_chip(d, clients(d.network)[0])


def test_every_terminal_reaches_a_pad_and_every_gsg_ground_the_n_contact(chip):
    """From the layout alone: 16 p terminals (laser 4, 6 modulator electrodes, AMZI phase section,
    4 photodiodes, VOA) and 19 n terminals (laser, 12 coplanar ground strips, AMZI, 4 PDs, VOA) all
    on pad-metal nets with a bond pad; all 24 ground pads of the 12 GSG pad rows reach an n contact."""
    d, c = chip
    res = check_chip(c, "inp", tuple(d.client.die_um))
    assert res["errors"] == []
    t = res["terminals"]
    assert (t["p_terminals"], t["n_terminals"]) == (16, 19)
    assert t["terminals_to_pad"] == t["p_terminals"] + t["n_terminals"]
    assert t["gsg_grounds"] == 24 == t["gsg_grounds_to_n_contact"]
    assert t["n_terminals_to_ground_pad"] == 19  # DC returns on ground pads, RF grounds on GSG grounds


def test_facets_on_the_fibre_array_pitch_and_pads_apart(chip):
    """Input and output facet ports exactly io_pitch x n apart (1 nm) on the left die edge; no DC pad
    within client.dc_gsg_pad_space_um of a GSG pad (measured on the pad instances)."""
    d, c = chip
    (x1, y1), (x2, y2) = c.info["facet_ports_um"]
    assert x1 == x2 == 0.0
    assert abs(y1 - y2) == pytest.approx(d.client.io_pitch_um * d.client.io_pitches_apart, abs=1e-3)
    assert pad_clearance_um(c) >= d.client.dc_gsg_pad_space_um - 1e-6


def test_flattened_chip_stays_on_the_grid(chip):
    """No placement in the chip's hierarchy is a complex (non-90-degree or off-dbu) transformation, so
    every vertex is on the 1 nm grid after flattening; checked again on the flattened polygons by
    converting them to float um and back."""
    _, c = chip
    assert off_grid_instances(c) == []
    flat = c.dup()
    flat.flatten()
    n = 0
    for li in flat.kcl.layer_indexes():
        for sh in flat.shapes(li).each():
            if sh.is_polygon() or sh.is_box() or sh.is_path():
                for pt in sh.dpolygon.each_point_hull():
                    n += 1
                    assert abs(pt.x * 1000 - round(pt.x * 1000)) < 1e-6 and abs(pt.y * 1000 - round(pt.y * 1000)) < 1e-6
    assert n > 1000


def test_off_grid_placement_is_caught():
    """A breaking layout: a straight placed at 8 deg (the way an angled SSC must NOT be drawn)."""
    from weiming.pdk import activate

    c = gf.Component()
    r = c.add_ref(activate("inp").get_component("straight", length=20.0, cross_section="deep"), name="wg_x")
    r.drotate(8)
    assert len(off_grid_instances(c)) == 1


# --- breaking layouts for the terminal check ----------------------------------------------------
def _pm(length: float) -> gf.Component:
    from weiming.pdk import activate

    return activate("inp").get_component("phase_modulator", length=length, electrode="gsg")


def _circuit(pm: gf.Component, drop_wire: bool = False, bridge: bool = False) -> gf.Component:
    """A GSG phase modulator with its pads and routes (the chip's fan-out), optionally broken."""
    cl.ensure_active("inp")
    c = gf.Component()
    ref = c.add_ref(pm, name="pm_x")
    ref.dmove((400.0, 300.0))
    eports = [("pm_x", p) for p in ref.ports if p.port_type != "optical"]
    place_pads(c, "inp", eports, side=+1, edge_y=900.0, die_w=2000.0, pitch=150.0,
               get=lambda name, **kw: cl.get("inp", name, **kw), prefix="a", flow=+1)
    if drop_wire or bridge:
        out = gf.Component()
        for i in c.insts:
            if drop_wire and i.name.startswith("wire_a_rf"):
                continue
            out.add_ref(i.cell, name=i.name).dcplx_trans = i.dcplx_trans
        if bridge:  # pad metal from the signal line onto the upper ground strip
            x0 = ref.dbbox().center().x
            out.add_polygon([(x0, 300.0), (x0 + 10, 300.0), (x0 + 10, 340.0), (x0, 340.0)], layer=(109, 0))
        return out
    return c


def test_terminal_check_passes_a_correct_circuit():
    pm = _pm(300.0)
    errors, counts = check_terminals(_circuit(pm), "inp")
    assert errors == []
    assert counts["gsg_grounds"] == 4 == counts["gsg_grounds_to_n_contact"]


def test_terminal_check_catches_floating_grounds(monkeypatch):
    """The same modulator drawn without its ground n contacts: every GSG ground pad is reported."""
    from weiming.components.inp import _common as cm

    real = cm.n_contact

    def no_ground(c, x0, x1, y_near, port_name, side=-1):
        if port_name is None:  # the coplanar line's ground contacts
            return (0.0, 0.0)
        return real(c, x0, x1, y_near, port_name, side)

    monkeypatch.setattr(cm, "n_contact", no_ground)
    pm = _pm(310.0)  # a length no other test uses: not a cached cell
    errors, counts = check_terminals(_circuit(pm), "inp")
    assert counts["gsg_grounds"] == 4 and counts["gsg_grounds_to_n_contact"] == 0
    assert sum("does not reach an n contact" in e for e in errors) == 4


def test_terminal_check_catches_open_and_short():
    pm = _pm(300.0)
    errors, _ = check_terminals(_circuit(pm, drop_wire=True), "inp")
    assert any("does not reach a bond pad" in e for e in errors)
    errors, _ = check_terminals(_circuit(pm, bridge=True), "inp")
    assert any("p-n short" in e for e in errors)


def test_manifest_devices_from_the_layout(chip):
    from weiming.circuits.client_chip import DEVICE_KINDS, devices

    _, c = chip
    devs = devices(c)
    kinds = [x["kind"] for x in devs]
    assert set(kinds) <= set(DEVICE_KINDS.values())
    assert kinds.count("im") == 3 and kinds.count("pm") == 3 and kinds.count("amzi") == 1
    assert kinds.count("voa") == 1 and kinds.count("laser") == 1 and kinds.count("pd") == 4
    assert {x["name"] for x in devs} >= {"im1", "im2", "im3", "pm_rand", "pm_q", "pm_ref", "amzi", "voa", "laser"}


@pytest.mark.parametrize("text,match", [
    ('client:\n  transmitter:\n    - {name: pmx, kind: im, role: "IM I"}\n', "must start with its kind"),
    ('client:\n  transmitter:\n    - {name: im1, kind: im, role: "IM I"}\n    - {name: im1, kind: im, role: "b c"}\n',
     "unique"),
    ("client:\n  ssc_angle_deg: 20\n", "client.ssc_angle_deg"),
    ("client:\n  io_pitch_um: 200\n", "client.io_pitch_um"),
])
def test_transmitter_config_errors_name_the_key(tmp_path, text, match):
    from weiming.circuits.design import DesignError, load_design

    cfg = tmp_path / "bad.yaml"
    cfg.write_text(text)
    with pytest.raises(DesignError, match=match):
        load_design(cfg)
