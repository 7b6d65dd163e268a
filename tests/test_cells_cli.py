"""CLI contract: ``weiming cells list|show`` and ``weiming gallery`` (in-process, typer's CliRunner)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from weiming.cli import app

runner = CliRunner()  # click >= 8.2: result.stderr separate, result.output both


def run(*args: str):
    return runner.invoke(app, list(args))


def err(r) -> str:
    return getattr(r, "stderr", "") or r.output


def test_bad_gap_exits_2_names_rule_writes_nothing(tmp_path):
    out = tmp_path / "x.gds"
    r = run("cells", "show", "ring_resonator", "--pdk", "sin100", "--set", "gap=0.01", "--gds", str(out))
    assert r.exit_code == 2
    assert "WG.S.1" in err(r) and "gap=0.01" in err(r)
    assert "Traceback" not in err(r)
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args,needle", [
    (("cells", "show", "no_such_cell", "--pdk", "sin100"), "unknown cell"),
    (("cells", "show", "ring_resonator", "--pdk", "nope"), "unknown PDK"),
    (("cells", "show", "ring_resonator", "--pdk", "sin100", "--set", "colour=red"), "unknown parameter"),
    (("cells", "show", "ring_resonator", "--pdk", "sin100", "--set", "radius=100"), "minimum bend radius"),
    (("cells", "show", "ring_resonator", "--pdk", "sin100", "--set", "gap"), "key=value"),
])
def test_bad_input_exits_2(tmp_path, args, needle):
    out = tmp_path / "x.gds"
    r = run(*args, "--gds", str(out))
    assert r.exit_code == 2, r.output
    assert needle in err(r)
    assert len(err(r).strip().splitlines()) == 1
    assert not out.exists()


def test_list_json():
    r = run("cells", "list", "--pdk", "sin800", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert {"ring_resonator", "spiral", "pad"} <= {x["name"] for x in rows}
    assert all(set(x) == {"name", "doc"} and x["doc"] for x in rows)


def test_list_unknown_pdk():
    assert run("cells", "list", "--pdk", "nope").exit_code == 2


def test_show_writes_gds_and_png_drc_clean(tmp_path):
    gds, png = tmp_path / "ring.gds", tmp_path / "ring.png"
    r = run("cells", "show", "ring_resonator", "--pdk", "sin800", "--set", "heater=true", "--set", "drop=true",
            "--set", "coupler=pulley", "--gds", str(gds), "--png", str(png))
    assert r.exit_code == 0, err(r)
    assert gds.stat().st_size > 0 and png.stat().st_size > 0
    d = run("drc", str(gds), "--pdk", "sin800")
    assert d.exit_code == 0, d.output


def test_gallery_command(tmp_path):
    r = run("gallery", "--pdk", "sin800", "--out", str(tmp_path), "--no-png")
    assert r.exit_code == 0, err(r)
    assert (tmp_path / "sin800_gallery.gds").exists()
    assert run("drc", str(tmp_path / "sin800_gallery.gds"), "--pdk", "sin800").exit_code == 0
