"""``weiming pdk list | show | export-klayout``: output contract of issue 2."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from weiming.cli import app
from weiming.pdk import get_tech, names
from weiming.pdk.rules import RULE_KINDS

runner = CliRunner()


def test_list() -> None:
    r = runner.invoke(app, ["pdk", "list"])
    assert r.exit_code == 0
    assert r.stdout.split() == names() == ["sin100", "sin800", "inp"]


@pytest.mark.parametrize("name", names())
def test_show_json_contract(name: str) -> None:
    r = runner.invoke(app, ["pdk", "show", name, "--json"])
    assert r.exit_code == 0, r.output
    j = json.loads(r.stdout)
    tech = get_tech(name)
    assert j["layers"] == {n: list(l.gds) for n, l in tech.layers.items()}
    for xs in j["cross_sections"].values():
        assert {"width", "layer", "radius_min"} <= set(xs)
    for lv in j["layer_stack"].values():
        assert {"layer", "thickness", "zmin", "material"} <= set(lv)
    assert len(j["rules"]) == len(tech.rules)
    for rule in j["rules"]:
        assert {"name", "kind", "layer", "other_layer", "value"} <= set(rule)
        assert rule["kind"] in RULE_KINDS


def test_show_human_table() -> None:
    r = runner.invoke(app, ["pdk", "show", "sin100"])
    assert r.exit_code == 0
    assert "WG.S.1" in r.stdout and "resonator" in r.stdout and "Layer stack" in r.stdout


def test_unknown_pdk_exits_2() -> None:
    for args in (["pdk", "show", "nope"], ["pdk", "export-klayout", "nope", "/tmp"]):
        r = runner.invoke(app, args)
        assert r.exit_code == 2 and r.stderr.startswith("error: unknown PDK") and "Traceback" not in r.output


@pytest.mark.parametrize("name", names())
def test_export_klayout(tmp_path, name: str) -> None:
    r = runner.invoke(app, ["pdk", "export-klayout", name, str(tmp_path / "kl")])
    assert r.exit_code == 0, r.output
    lyp, lyt = tmp_path / "kl" / f"{name}.lyp", tmp_path / "kl" / f"{name}.lyt"
    tech = get_tech(name)
    props = ET.parse(lyp).getroot().findall("properties")
    got = {p.findtext("source"): (p.findtext("name"), p.findtext("fill-color")) for p in props}
    assert got == {f"{l.gds[0]}/{l.gds[1]}@1": (f"{n} - {l.description}", l.color) for n, l in tech.layers.items()}
    t = ET.parse(lyt).getroot()
    assert t.findtext("name") == name and t.findtext("layer-properties_file") == f"{name}.lyp"
    # KLayout itself can read both files
    import klayout.db as kdb
    import klayout.lay as lay

    assert kdb.Technology.technology_from_xml(lyt.read_text()).layer_properties_file == f"{name}.lyp"
    view = lay.LayoutView()
    view.load_layer_props(str(lyp))
    assert sum(1 for _ in view.each_layer()) == len(tech.layers)
