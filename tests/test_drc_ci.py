"""DRC in CI: several files, directories and globs in one call; JUnit XML (parsed by junitparser)
and SARIF 2.1.0 (loaded into the sarif-pydantic object model); waivers; baseline; the extent rule;
the unknown-layer rule naming the layer.

Inputs: the InP reticle of a reduced build, a copy of it with two metal pads bridged 4 um apart
(PAD.S.1 violated at a known place) and a folder with the build's two client chips.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import klayout.db as kdb
import pytest
import yaml
from typer.testing import CliRunner

from weiming.cli import app

from _chipset import build_small

runner = CliRunner()
BAD_XY = (5000.0, 5000.0)  # centre of the too-narrow PAD gap drawn in the bad reticle (um)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    out, _ = build_small(tmp_path_factory)
    d = tmp_path_factory.mktemp("drc_ci")
    good = d / "INP_R1.gds"
    shutil.copyfile(out / "reticles" / "INP_R1.gds", good)
    ly = kdb.Layout()
    ly.read(str(good))
    li = ly.layer(109, 0)
    x, y = BAD_XY
    for x0 in (x - 52.0, x + 2.0):  # two 50 um PAD boxes 4 um apart: PAD.S.1 (8 um) violated
        ly.top_cell().shapes(li).insert(kdb.DBox(x0, y - 25, x0 + 50, y + 25))
    bad = d / "INP_R1_bad.gds"
    ly.write(str(bad))
    chips = d / "chips"
    chips.mkdir()
    for cid in ("C01A", "C01B"):
        shutil.copyfile(out / "chips" / f"{cid}.gds", chips / f"{cid}.gds")
    return d, good, bad, chips


def _drc(*args):
    return runner.invoke(app, ["drc", *map(str, args)])


def test_two_reticles_and_a_directory_give_valid_junit_and_sarif(files, tmp_path):
    from junitparser import Failure, JUnitXml, Skipped
    from sarif_pydantic import Sarif

    d, good, bad, chips = files
    xml, sar = tmp_path / "drc.xml", tmp_path / "drc.sarif"
    r = _drc(good, bad, chips, "--pdk", "inp", "--junit", xml, "--sarif", sar, "--json")
    assert r.exit_code == 1, r.output
    j = json.loads(r.stdout)
    names = [Path(f["file"]).name for f in j["files"]]
    assert names == ["INP_R1.gds", "INP_R1_bad.gds", "C01A.gds", "C01B.gds"] and "violations" not in j
    assert [f["clean"] for f in j["files"]] == [True, False, True, True] and j["clean"] is False
    v = j["files"][1]["violations"]
    assert [x["rule"] for x in v] == ["PAD.S.1"] and set(v[0]) == {"rule", "count", "examples", "waived"}
    assert v[0]["waived"] is False and v[0]["count"] >= 1

    from weiming.pdk import get_tech

    n_rules = len(get_tech("inp").rules)
    suites = list(JUnitXml.fromfile(str(xml)))
    assert [Path(s.name).name for s in suites] == names
    for s in suites:
        cases = list(s)
        assert len(cases) == n_rules and {c.name for c in cases} == {r.name for r in get_tech("inp").rules}
        failed = [c for c in cases if any(isinstance(x, Failure) for x in c.result)]
        if Path(s.name).name == "INP_R1_bad.gds":
            assert [c.name for c in failed] == ["PAD.S.1"] and s.failures == 1
            msg = failed[0].result[0].message
            assert msg.startswith(f"{v[0]['count']} violation(s)") and "5000.000" in msg
        else:
            assert not failed and s.failures == 0
        assert not any(isinstance(x, Skipped) for c in cases for x in c.result)

    log = Sarif.model_validate(json.loads(sar.read_text()))
    assert log.version == "2.1.0" and len(log.runs) == 1
    run = log.runs[0]
    assert {r.id for r in run.tool.driver.rules} == {r.name for r in get_tech("inp").rules}
    assert len(run.results) == v[0]["count"]
    res = run.results[0]
    assert res.rule_id == "PAD.S.1"
    loc = res.locations[0].physical_location
    assert loc.artifact_location.uri.endswith("INP_R1_bad.gds")
    assert abs(loc.region.properties["x_um"] - BAD_XY[0]) < 5 and abs(loc.region.properties["y_um"] - BAD_XY[1]) < 30


def _waivers(path: Path, **w) -> Path:
    entry = {"rule": "PAD.S.1", "file": "*_bad.gds", "reason": "test pads, reviewed"}
    entry.update(w)
    path.write_text(yaml.safe_dump([entry]))
    return path


def test_a_waiver_turns_the_failure_into_exit_0_shown_as_waived(files, tmp_path):
    from junitparser import JUnitXml, Skipped

    _, good, bad, _ = files
    xml = tmp_path / "w.xml"
    r = _drc(good, bad, "--pdk", "inp", "--waivers", _waivers(tmp_path / "w.yaml"), "--junit", xml, "--json")
    assert r.exit_code == 0, r.output
    j = json.loads(r.stdout)
    assert j["clean"] and [x["waived"] for x in j["files"][1]["violations"]] == [True]
    case = next(c for s in JUnitXml.fromfile(str(xml)) if s.name.endswith("_bad.gds") for c in s if c.name == "PAD.S.1")
    assert isinstance(case.result[0], Skipped) and "test pads, reviewed" in case.result[0].message
    text = _drc(bad, "--pdk", "inp", "--waivers", tmp_path / "w.yaml")
    assert text.exit_code == 0 and "waived: test pads, reviewed" in text.output
    # a box around the violation waives it; a box elsewhere does not; SARIF marks the suppression
    x, y = BAD_XY
    sar = tmp_path / "w.sarif"
    r = _drc(bad, "--pdk", "inp", "--waivers", _waivers(tmp_path / "b.yaml", box=[x - 100, y - 100, x + 100, y + 100]),
             "--sarif", sar)
    assert r.exit_code == 0, r.output
    assert all(res["suppressions"][0]["justification"] == "test pads, reviewed"
               for res in json.loads(sar.read_text())["runs"][0]["results"])
    r = _drc(bad, "--pdk", "inp", "--waivers", _waivers(tmp_path / "c.yaml", box=[0, 0, 100, 100]))
    assert r.exit_code == 1
    r = _drc(bad, "--pdk", "inp", "--waivers", _waivers(tmp_path / "d.yaml", cell="inp_pad_dc"))
    assert r.exit_code == 1  # the bridge is not inside a pad cell
    r = _drc(bad, "--pdk", "inp", "--waivers", _waivers(tmp_path / "e.yaml", file="other*.gds"))
    assert r.exit_code == 1
    (tmp_path / "bad.yaml").write_text("- {rule: PAD.S.1, file: '*'}\n")
    r = _drc(bad, "--pdk", "inp", "--waivers", tmp_path / "bad.yaml")
    assert r.exit_code == 2 and "reason is required" in r.output


def test_baseline_fails_only_on_new_violations(files, tmp_path):
    _, good, bad, _ = files
    r = _drc(good, bad, "--pdk", "inp", "--json")
    old = tmp_path / "old.json"
    old.write_text(r.stdout)
    r = _drc(good, bad, "--pdk", "inp", "--baseline", old, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["files"][1]["violations"][0]["baseline"] is True
    # a new violation (an unknown layer) in the same file fails, and names the layer
    ly = kdb.Layout()
    ly.read(str(bad))
    ly.top_cell().shapes(ly.layer(250, 3)).insert(kdb.DBox(0, 0, 10, 10))
    worse = tmp_path / "INP_R1_bad.gds"
    ly.write(str(worse))
    r = _drc(good, worse, "--pdk", "inp", "--baseline", old)
    assert r.exit_code == 1 and "LAYER.1" in r.output and "250/3" in r.output
    assert "[in baseline]" in r.output


def test_shapes_far_from_the_origin_break_the_extent_rule(tmp_path):
    ly = kdb.Layout()
    ly.dbu = 0.001
    top = ly.create_cell("TOP")
    top.shapes(ly.layer(101, 0)).insert(kdb.DBox(0, 0, 10, 20))
    top.shapes(ly.layer(101, 0)).insert(kdb.DBox(2e6, 0, 2e6 + 10, 20))  # 2 m from the origin
    ly.write(str(tmp_path / "far.gds"))
    r = _drc(tmp_path / "far.gds", "--pdk", "inp", "--json")
    assert r.exit_code == 1
    v = json.loads(r.stdout)["violations"]
    assert [x["rule"] for x in v] == ["EXTENT.1"] and v[0]["examples"] == [[2000005.0, 10.0]]


def test_bad_inputs_exit_2(files, tmp_path):
    _, good, _, _ = files
    for args in ((tmp_path / "none.gds",), (str(tmp_path / "*.gds"),), (tmp_path,)):
        r = _drc(*args, "--pdk", "inp")
        assert r.exit_code == 2 and r.output.startswith("error: "), r.output
    (tmp_path / "b.json").write_text("[1, 2]")
    r = _drc(good, "--pdk", "inp", "--baseline", tmp_path / "b.json")
    assert r.exit_code == 2 and "baseline" in r.output


def test_glob_and_report_folder(files, tmp_path):
    d, _, _, chips = files
    rep = tmp_path / "lyrdb"
    r = _drc(str(chips / "*.gds"), "--pdk", "inp", "--report", rep, "--json")
    assert r.exit_code == 0, r.output
    assert [Path(f["file"]).name for f in json.loads(r.stdout)["files"]] == ["C01A.gds", "C01B.gds"]
    assert sorted(p.name for p in rep.iterdir()) == ["C01A.lyrdb", "C01B.lyrdb"]
