"""The Dask path: ``weiming sweep --scheduler`` against a LocalCluster on loopback started here."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from typer.testing import CliRunner

from weiming.cli import app
from weiming.sims.sweep import run_sweep
from weiming.sims.sweep.builtin import cpu_benchmark

distributed = pytest.importorskip("dask.distributed")
import dask  # noqa: E402


def test_sweep_on_dask_local_cluster(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("target: {kind: benchmark}\nparameters:\n  n: {values: [1000, 2000, 3000]}\n  seed: [1, 2]\n")
    # threads in this process (processes=False): light, and lets us see where points ran
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                  host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        addr = cluster.scheduler_address
        assert addr.startswith("tcp://127.0.0.1:")
        r = CliRunner().invoke(app, ["sweep", str(spec), "--out", str(tmp_path / "out"), "--scheduler", addr,
                                     "--no-progress"])
        assert r.exit_code == 0, r.output
        assert r.stdout.strip().startswith("6 points: 6 computed, 0 cached, 0 failed")
        again = run_sweep(spec, tmp_path / "out", scheduler=addr)
        assert (again["computed"], again["cached"]) == (0, 6)
    df = pd.read_csv(tmp_path / "out" / "results.csv")
    assert len(df) == 6 and (df["status"] == "ok").all()
    assert list(df["pi_estimate"]) == [cpu_benchmark(n, s)["pi_estimate"] for n in (1000, 2000, 3000) for s in (1, 2)]
    import json

    pids = {json.loads(p.read_text())["pid"] for p in (tmp_path / "out" / "points").glob("*.json")}
    assert pids == {os.getpid()}  # computed by the cluster's in-process workers, not by a local pool


def test_unreachable_scheduler_exits_2(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("target: {kind: benchmark}\nparameters:\n  n: {values: [1000]}\n")
    # port 9 (discard) on loopback: nothing listens there; Dask retries until its connect timeout
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        r = CliRunner().invoke(app, ["sweep", str(spec), "--out", str(tmp_path / "out"),
                                     "--scheduler", "tcp://127.0.0.1:9"])
    assert r.exit_code == 2 and "cannot connect to Dask scheduler" in r.stderr
