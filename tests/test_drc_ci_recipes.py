"""The CI recipes, each exercised for real: the pre-commit hooks under the pre-commit tool
(``pre-commit try-repo`` on this checkout), the composite GitHub Action's steps and the GitLab
template's job in a bash subprocess, the pytest plugin on a small sample cell library (pytester).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from _chipset import build_small

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the environment's `weiming`, `weiming-lvs-hook`, `pre-commit`


def _env(**extra) -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update({k: str(v) for k, v in extra.items()})
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_small(tmp_path_factory)


def _bad_copy(src: Path, dst: Path) -> Path:
    """``src`` with a 0.5 um wide METAL wire (M.W.1 is 5 um): one DRC violation."""
    import klayout.db as kdb

    ly = kdb.Layout()
    ly.read(str(src))
    ly.top_cell().shapes(ly.layer(12, 0)).insert(kdb.DBox(600, 1500, 650, 1500.5))
    ly.write(str(dst))
    return dst


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_hooks_run_under_pre_commit(built, tmp_path):
    out, _ = built
    repo = tmp_path / "user"
    repo.mkdir()
    env = _env(PRE_COMMIT_HOME=tmp_path / "pc-home", GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    shutil.copyfile(out / "chips" / "S01.gds", repo / "S01.gds")
    _bad_copy(out / "chips" / "S01.gds", repo / "S01_bad.gds")
    shutil.copyfile(out / "chips" / "C01A.gds", repo / "C01A.gds")
    sch = yaml.safe_load((out / "chips" / "C01A.schematic.yaml").read_text())
    (repo / "C01A.schematic.yaml").write_text(yaml.safe_dump(sch))
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)

    def hook(hook_id: str, *files: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "pre-commit"), "try-repo", str(ROOT), hook_id, "--verbose", "--files", *files],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=600)

    ok = hook("weiming-drc", "S01.gds")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert re.search(r"weiming DRC\.+Passed", ok.stdout), ok.stdout
    bad = hook("weiming-drc", "S01.gds", "S01_bad.gds")
    assert bad.returncode == 1 and "M.W.1" in bad.stdout and "Failed" in bad.stdout, bad.stdout
    lvs = hook("weiming-lvs", "C01A.gds", "S01.gds")  # S01 has no schematic next to it: skipped
    assert lvs.returncode == 0 and "LVS: match" in lvs.stdout, lvs.stdout + lvs.stderr
    sch["devices"]["pm_q"]["params"]["length_um"] = 650.0
    (repo / "C01A.schematic.yaml").write_text(yaml.safe_dump(sch))
    lvs = hook("weiming-lvs", "C01A.gds")
    assert lvs.returncode == 1 and "parameter" in lvs.stdout, lvs.stdout


def _bash(script: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def _action_steps(inputs: dict) -> list[str]:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite" and {"files", "pdk", "waivers"} <= set(action["inputs"])
    values = {k: str(inputs.get(k, v.get("default", ""))) for k, v in action["inputs"].items()}
    steps = []
    for st in action["runs"]["steps"]:
        assert st["shell"] == "bash"
        steps.append(re.sub(r"\$\{\{\s*inputs\.(\w+)\s*\}\}", lambda m: values[m.group(1)], st["run"]))
    assert "${{" not in "".join(steps)
    return steps


def test_action_steps_run_and_output_the_sarif(built, tmp_path):
    from sarif_pydantic import Sarif

    out, _ = built
    shutil.copyfile(out / "chips" / "S01.gds", tmp_path / "S01.gds")
    _bad_copy(out / "chips" / "S01.gds", tmp_path / "S01_bad.gds")
    (tmp_path / "w.yaml").write_text(yaml.safe_dump([{"rule": "M.W.1", "file": "*_bad.gds", "reason": "test"}]))
    for inputs, expect in (({"files": "S01.gds"}, 0), ({"files": "*.gds"}, 1),
                           ({"files": "*.gds", "waivers": "w.yaml"}, 0)):
        gh_out = tmp_path / "gh_output"
        gh_out.write_text("")
        env = _env(GITHUB_OUTPUT=gh_out)
        codes = [_bash(s, env, tmp_path) for s in _action_steps(dict(inputs, pdk="sin100"))]
        assert [c.returncode for c in codes] == [0, expect], [c.stdout + c.stderr for c in codes]
        outputs = dict(line.split("=", 1) for line in gh_out.read_text().splitlines())
        sarif = tmp_path / outputs["sarif"]
        log = Sarif.model_validate(json.loads(sarif.read_text()))
        assert log.version == "2.1.0" and (tmp_path / outputs["junit"]).is_file()
        assert bool(log.runs[0].results) == (inputs["files"] == "*.gds")


def test_gitlab_template_job_runs(built, tmp_path):
    from junitparser import JUnitXml

    out, _ = built
    (tmp_path / "gds").mkdir()
    shutil.copyfile(out / "chips" / "S01.gds", tmp_path / "gds" / "S01.gds")
    job = yaml.safe_load((ROOT / "docs" / "gitlab-ci.yml").read_text())["weiming-drc"]
    assert job["artifacts"]["reports"]["junit"] == "weiming-drc.xml"
    env = _env(**job["variables"])
    r = _bash("\n".join(job["before_script"] + job["script"]), env, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    suites = list(JUnitXml.fromfile(str(tmp_path / "weiming-drc.xml")))
    assert len(suites) == 1 and suites[0].failures == 0 and suites[0].tests > 5
    _bad_copy(out / "chips" / "S01.gds", tmp_path / "gds" / "S01_bad.gds")
    assert _bash("\n".join(job["script"]), env, tmp_path).returncode == 1


SAMPLE_LIB = '''
"""A two-cell sample library on the sin100 PDK, and one chip with a PDK edge coupler."""
import gdsfactory as gf
from weiming.pdk import activate, get_tech

WG = get_tech("sin100").layer("WG")
PDK = activate("sin100")


@gf.cell
def good_wg() -> gf.Component:
    c = gf.Component()
    c.add_polygon([(0, 0), (100, 0), (100, 2.8), (0, 2.8)], layer=WG)
    return c


@gf.cell
def thin_wg() -> gf.Component:
    c = gf.Component()
    c.add_polygon([(0, 0), (100, 0), (100, 0.1), (0, 0.1)], layer=WG)
    return c


CELLS = {"good_wg": good_wg, "thin_wg": thin_wg}


@gf.cell
def chip() -> gf.Component:
    c = gf.Component()
    c << PDK.get_component("edge_coupler")
    return c
'''

SAMPLE_TESTS = '''
import pytest
import mylib

SCH = {"pdk": "sin100", "devices": {"ec": {"kind": "edge_coupler"}}, "optical_links": [["ec", "facet"]], "nets": []}


@pytest.mark.parametrize("name", sorted(mylib.CELLS))
def test_cell_drc(name, drc_clean):
    drc_clean(mylib.CELLS[name]())


def test_chip_lvs(lvs_match):
    lvs_match(mylib.chip(), SCH)


def test_chip_lvs_wrong_schematic(lvs_match):
    sch = dict(SCH, devices={"ec": {"kind": "edge_coupler"}, "ec2": {"kind": "edge_coupler"}},
               optical_links=[["ec", "facet"], ["ec2", "facet"]])
    lvs_match(mylib.chip(), sch)
'''


def test_pytest_plugin_on_a_sample_library(pytester):
    pytester.makepyfile(mylib=SAMPLE_LIB, test_sample=SAMPLE_TESTS)
    pytester.makeini("[pytest]\nweiming_pdk = sin100\n")
    r = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    r.assert_outcomes(passed=2, failed=2)
    text = r.stdout.str()
    assert "test_cell_drc[thin_wg] FAILED" in text or "FAILED test_sample.py::test_cell_drc[thin_wg]" in text
    assert "WG.W.1" in text and "missing_device" in text
