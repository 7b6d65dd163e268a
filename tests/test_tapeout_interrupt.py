"""Validate first, write last, never stale: a tape-out killed at any stage boundary never leaves a
summary or report that disagrees with the build in the same folder, and rerunning completes.

The kill is deterministic: ``WEIMING_TAPEOUT_KILL_AFTER=<stage>`` makes the run SIGKILL itself right
after that stage's files are installed (``summary`` / ``report``: after those are moved in). Design A
is the built-in default (build and dispersion only), design B the committed 8-client example with the
build, the dispersion and the yield stages (``--only``: every kind of boundary, a build stage, a
simulation stage, the stage that writes a folder of files, the summary and the report), to keep the
test short.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from weiming.circuits.design import design_hash, load_design

ROOT = Path(__file__).resolve().parents[1]
DESIGN_B = ROOT / "circuits" / "examples" / "custom_8clients.yaml"
ONLY = "build,comb_dispersion,yield"
BOUNDARIES = ["build", "comb_dispersion", "yield", "summary", "report"]


def _tapeout(out: Path, config: Path | None, kill_after: str | None = None,
             only: str = ONLY) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("WEIMING_TAPEOUT_KILL_AFTER", None)
    if kill_after:
        env["WEIMING_TAPEOUT_KILL_AFTER"] = kill_after
    cmd = [sys.executable, "-m", "weiming.cli", "tapeout", "--out", str(out), "--only", only]
    if config is not None:
        cmd += ["--config", str(config)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env, cwd=ROOT)


def _consistent(out: Path) -> str | None:
    """None when OUT's summary and report (if any) belong to the design its manifest was built from."""
    try:
        built = json.loads((out / "manifest.json").read_text())["design_hash"]
    except (OSError, KeyError, json.JSONDecodeError):
        built = None
    summary = out / "summary.json"
    report = out / "report" / "index.html"
    if summary.exists():
        got = json.loads(summary.read_text())["design_hash"]
        if got != built:
            return f"summary.json is of design {got[:12]}, manifest of {str(built)[:12]}"
    if report.exists():
        if built is None or built not in report.read_text():
            return f"report/index.html does not name the manifest's design {str(built)[:12]}"
        if not summary.exists():
            return "a report without a summary"
    return None


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_kill_at_boundary_never_leaves_a_stale_report(tmp_path, boundary):
    out = tmp_path / "OUT"
    a = _tapeout(out, None, only="build,comb_dispersion")  # a completed run of A (short)
    assert a.returncode == 0, a.stderr[-2000:]
    hash_a, hash_b = design_hash(load_design()), design_hash(load_design(DESIGN_B))
    assert json.loads((out / "summary.json").read_text())["design_hash"] == hash_a
    killed = _tapeout(out, DESIGN_B, kill_after=boundary)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert _consistent(out) is None, _consistent(out)
    if boundary in ("summary", "report"):  # B's summary was installed before the kill
        assert json.loads((out / "summary.json").read_text())["design_hash"] == hash_b
    leftovers = list(tmp_path.glob(".OUT.*"))
    assert leftovers, "a SIGKILL leaves its staging folder (cleaned by the next run)"
    again = _tapeout(out, DESIGN_B)
    assert again.returncode == 0, again.stderr[-2000:]
    assert _consistent(out) is None
    s = json.loads((out / "summary.json").read_text())
    assert s["design_hash"] == hash_b and s["passed"]
    assert [st["name"] for st in s["stages"]] == ONLY.split(",")
    assert all(len(st["input_hash"]) == 64 for st in s["stages"])
    assert list(tmp_path.glob(".OUT.*")) == [], "left-over staging folders are cleaned on the next run"
    assert hash_b in (out / "report" / "index.html").read_text()
