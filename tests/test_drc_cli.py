"""``weiming drc``: exit 0 clean, 1 violations, 2 bad input with a one-line message and no traceback."""

from __future__ import annotations

import json

import klayout.db as kdb
import pytest
from typer.testing import CliRunner

from weiming.cli import app
from weiming.pdk import get_tech

runner = CliRunner()


def _gds(path, width_um: float) -> None:
    """A GDS with one 20 um-long WG line of ``width_um`` (sin100: legal above 0.25 um)."""
    ly = kdb.Layout()
    ly.dbu = 0.001
    top = ly.create_cell("TOP")
    top.shapes(ly.layer(*get_tech("sin100").layer("WG"))).insert(kdb.DBox(0, 0, width_um, 20))
    ly.write(str(path))


def _bad_input(result) -> None:
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert err.startswith("error: ") and len(err.splitlines()) == 1, err
    assert "Traceback" not in result.output + result.stderr


def test_clean_exits_0(tmp_path) -> None:
    _gds(tmp_path / "ok.gds", 2.8)
    r = runner.invoke(app, ["drc", str(tmp_path / "ok.gds"), "--pdk", "sin100", "--json"])
    assert r.exit_code == 0, r.output
    f = str(tmp_path / "ok.gds")  # issue 13: per-file list; one file keeps the top-level "violations"
    assert json.loads(r.stdout) == {"clean": True, "violations": [],
                                    "files": [{"file": f, "clean": True, "violations": []}]}


def test_violation_exits_1_with_json_and_report(tmp_path) -> None:
    _gds(tmp_path / "bad.gds", 0.1)
    rep = tmp_path / "out" / "bad.lyrdb"
    r = runner.invoke(app, ["drc", str(tmp_path / "bad.gds"), "--pdk", "sin100", "--json", "--report", str(rep)])
    assert r.exit_code == 1, r.output
    j = json.loads(r.stdout)
    assert j["clean"] is False
    assert [v["rule"] for v in j["violations"]] == ["WG.W.1"]
    x, y = j["violations"][0]["examples"][0]
    assert abs(x - 0.05) < 0.01 and abs(y - 10) < 0.01
    assert rep.is_file() and b"WG.W.1" in rep.read_bytes()


def test_human_summary(tmp_path) -> None:
    _gds(tmp_path / "bad.gds", 0.1)
    r = runner.invoke(app, ["drc", str(tmp_path / "bad.gds"), "--pdk", "sin100"])
    assert r.exit_code == 1 and "WG.W.1" in r.stdout


def test_missing_file_exits_2(tmp_path) -> None:
    r = runner.invoke(app, ["drc", str(tmp_path / "nope.gds"), "--pdk", "sin100"])
    _bad_input(r)
    assert "not found" in r.stderr


@pytest.mark.parametrize("cut", ["half", "last_record"])
def test_truncated_gds_exits_2(tmp_path, cut: str) -> None:
    _gds(tmp_path / "ok.gds", 2.8)
    data = (tmp_path / "ok.gds").read_bytes()
    (tmp_path / "t.gds").write_bytes(data[: len(data) // 2] if cut == "half" else data[:-4])
    r = runner.invoke(app, ["drc", str(tmp_path / "t.gds"), "--pdk", "sin100"])
    _bad_input(r)
    assert "cannot read" in r.stderr


def test_garbage_file_exits_2(tmp_path) -> None:
    (tmp_path / "g.gds").write_text("this is not a layout\n")
    _bad_input(runner.invoke(app, ["drc", str(tmp_path / "g.gds"), "--pdk", "sin100"]))


def test_unknown_pdk_exits_2(tmp_path) -> None:
    _gds(tmp_path / "ok.gds", 2.8)
    r = runner.invoke(app, ["drc", str(tmp_path / "ok.gds"), "--pdk", "nope"])
    _bad_input(r)
    assert "unknown PDK 'nope'" in r.stderr
