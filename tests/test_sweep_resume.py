"""A ``weiming sweep`` killed with SIGKILL mid-sweep and run again: every point once, none recomputed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

WEIMING = Path(sys.executable).parent / "weiming"
GAPS = [0.6, 0.7, 0.8, 0.9, 1.0, 1.1]


def gated(gap: float, log_dir: str, gate: str) -> dict:
    """Test-only target: logs each computation; points with gap > 0.85 wait until ``gate`` exists.

    This makes the kill deterministic: the first three points finish, the fourth
    blocks, and the test kills the sweep while it is blocked (no timing guess).
    """
    Path(log_dir, f"{gap}-{os.getpid()}-{time.time_ns()}").touch()
    if gap > 0.85:
        deadline = time.monotonic() + 60
        while not Path(gate).exists():
            if time.monotonic() > deadline:
                raise TimeoutError("gate never opened")
            time.sleep(0.02)
    return {"double_gap": 2 * gap}


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


def _computations(log_dir: Path) -> dict[float, int]:
    out: dict[float, int] = {}
    for p in log_dir.iterdir():
        g = float(p.name.split("-")[0])
        out[g] = out.get(g, 0) + 1
    return out


def test_sigkill_mid_sweep_then_rerun_completes_each_point_once(tmp_path):
    import pandas as pd  # here, not at import: every worker of the sweep imports this module

    log_dir, gate, out = tmp_path / "log", tmp_path / "gate", tmp_path / "out"
    log_dir.mkdir()
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"target: {{kind: python, function: 'test_sweep_resume:gated', log_dir: '{log_dir}', "
                    f"gate: '{gate}'}}\nparameters:\n  gap: {{values: {GAPS}}}\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    cmd = [str(WEIMING), "sweep", str(spec), "--out", str(out), "--workers", "1", "--no-progress"]

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(list((out / "points").glob("*.json"))) < 3 or 0.9 not in _computations(log_dir):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "sweep made no progress"
            time.sleep(0.05)
        before = {p.name: p.read_bytes() for p in (out / "points").glob("*.json")}
        os.kill(proc.pid, signal.SIGKILL)  # the sweep process itself, mid-sweep
        assert proc.wait(timeout=10) == -signal.SIGKILL
        # its worker, blocked in point 0.9, must not live on computing for nobody
        worker = int(next(p for p in log_dir.iterdir() if p.name.startswith("0.9-")).name.split("-")[1])
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker), "orphaned worker still running"
    finally:
        try:  # clean up whatever is left if an assertion above failed
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert len(before) == 3 and not (out / "results.csv").exists()

    gate.touch()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=90)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith("6 points: 3 computed, 3 cached, 0 failed"), r.stdout

    df = pd.read_csv(out / "results.csv")
    assert sorted(df["gap"]) == GAPS and df["gap"].is_unique and len(df) == 6
    assert (df["status"] == "ok").all() and list(df["double_gap"]) == [2 * g for g in GAPS]
    assert list(df["cached"]) == [True] * 3 + [False] * 3
    records = list((out / "points").glob("*.json"))
    assert len(records) == 6 and df["key"].is_unique
    # finished points untouched and computed exactly once; the killed one computed again
    assert all((out / "points" / name).read_bytes() == data for name, data in before.items())
    n = _computations(log_dir)
    assert [n[g] for g in GAPS[:3]] == [1, 1, 1] and n[0.9] == 2 and n[1.0] == n[1.1] == 1
