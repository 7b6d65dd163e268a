"""Exit codes beyond bad input: a sweep with failed points exits 1 listing them; Ctrl-C exits 130 with
one line saying what was kept and how to resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "weiming.cli"]


def test_sweep_with_a_failed_point_exits_1_and_lists_it(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("target: {kind: benchmark}\nparameters:\n  n: {values: [1000, 0]}\n")
    r = subprocess.run([*CLI, "sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "1", "--no-progress"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    assert "failed point 1 (n=0): ValueError: n=0 must be at least 1" in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("error: 1 of 2 points failed")
    s = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert s["failed"] == 1 and s["failures"][0]["n"] == 0 and "must be at least 1" in s["failures"][0]["error"]


def _interrupt(cmd: list[str], marker: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Start ``cmd``, wait for ``marker`` on stderr, send SIGINT (Ctrl-C), return the finished process."""
    err = tmp_path / "stderr.txt"
    with open(err, "w") as fh:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=fh, text=True, cwd=ROOT,
                             env=dict(os.environ, COLUMNS="200"))
        deadline = time.time() + 300
        while marker not in err.read_text() and time.time() < deadline and p.poll() is None:
            time.sleep(0.1)
        assert p.poll() is None, "finished before it could be interrupted"
        time.sleep(0.5)
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=120)
    return subprocess.CompletedProcess(cmd, p.returncode, out, err.read_text())


def test_ctrl_c_exits_130_with_one_line_saying_what_was_kept(tmp_path):
    out = tmp_path / "OUT"
    r = _interrupt([*CLI, "tapeout", "--out", str(out), "--only", "comb_dispersion,yield"], "[2/2]", tmp_path)
    assert r.returncode == 130, r.stderr[-2000:]
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("interrupted: kept ") and "rerun the same command to resume" in last, last
    assert "Traceback" not in r.stderr
    assert not (out / "summary.json").exists() and not (out / "report").exists()
    assert list(tmp_path.glob(".OUT.*")) == [], "the staging folder is removed on Ctrl-C"
    assert (out / "plots" / "comb_dint.png").is_file(), "the finished stage's files are kept"
