"""Sweep engine: spec validation, sampling, cache, failing points, bad specs through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import weiming.sims.sweep
from weiming.cli import app
from weiming.sims.sweep import SpecError, plan
from weiming.sims.sweep.builtin import cpu_benchmark
from weiming.sims.sweep.sampling import sample
from weiming.sims.sweep.spec import parse_spec

WEIMING = Path(sys.executable).parent / "weiming"


# --- spec and sampling (no worker processes) ------------------------------------------------------

BENCH = {"kind": "benchmark"}


@pytest.mark.parametrize("spec, key", [
    ({"target": BENCH, "parameters": {"n": {"values": []}}}, "parameters.n.values"),
    ({"target": BENCH, "parameters": {"n": {"min": 5, "max": 1, "num": 3}}}, "parameters.n.max"),
    ({"target": BENCH, "parameters": {"n": {"min": 1, "max": 5, "num": 0}}}, "parameters.n.num"),
    ({"target": BENCH, "parameters": {"n": {"min": 1, "max": 5}}}, "parameters.n.num"),
    ({"target": BENCH, "parameters": {"n": {"vals": [1]}}}, "parameters.n.vals"),
    ({"target": BENCH, "parameters": {"n": [1]}, "sampling": {"method": "sobol"}}, "sampling.method"),
    ({"target": BENCH, "parameters": {"n": [1]}, "sampling": {"method": "lhs"}}, "sampling.n"),
    ({"target": BENCH, "parameters": {"n": [1]}, "extra": 1}, "extra"),
    ({"target": BENCH, "parameters": {"n": {"min": 1, "max": 9, "num": 3}}, "sampling": {"method": "lhs", "n": 4}},
     "parameters.n.num"),
    ({"target": BENCH, "parameters": {"width": [1]}}, "parameters.width"),
    ({"target": BENCH, "parameters": {"n": [1000, "many"]}}, "parameters.n.values[1]"),
    ({"target": BENCH, "parameters": {"n": [1.5]}}, "parameters.n.values[0]"),
    ({"target": {"kind": "warp_drive"}, "parameters": {"n": [1]}}, "target.kind"),
    ({"target": {"kind": "cell", "pdk": "sin999", "name": "x"}, "parameters": {"n": [1]}}, "target.pdk"),
    ({"target": {"kind": "python", "function": "os.path:nope"}, "parameters": {"n": [1]}}, "target.function"),
    ({"target": {"kind": "ring_spectrum"}, "parameters": {"radius_um": [100]}}, "parameters"),
    ({"target": {"kind": "benchmark", "n": 5}, "parameters": {"n": [1]}}, "parameters.n"),
    ({"target": BENCH, "parameters": {"n": [1, 2], "seed": [1]}, "sampling": {"method": "list"}}, "parameters.seed"),
])
def test_bad_spec_names_the_key(spec, key):
    with pytest.raises(SpecError) as e:
        plan(spec)
    assert e.value.key == key
    assert str(e.value).startswith(f"{key}: ")


def test_grid_list_random_lhs_are_seeded_and_in_bounds():
    grid = parse_spec({"target": BENCH, "parameters": {"n": [1, 2, 3], "seed": {"min": 0.0, "max": 1.0, "num": 3}}})
    pts = sample(grid)
    assert len(pts) == 9 and pts[0] == {"n": 1, "seed": 0.0} and pts[-1] == {"n": 3, "seed": 1.0}
    assert sample(parse_spec({"target": BENCH, "parameters": {"n": [1, 2], "seed": [5, 6]},
                              "sampling": {"method": "list"}})) == [{"n": 1, "seed": 5}, {"n": 2, "seed": 6}]
    # linspace noise must not leak into values (they enter cache keys)
    assert [p["w"] for p in sample(parse_spec({"target": BENCH, "parameters": {
        "w": {"min": 0.6, "max": 1.1, "num": 6}}}))] == [0.6, 0.7, 0.8, 0.9, 1.0, 1.1]
    for method in ("random", "lhs"):
        d = {"target": BENCH, "parameters": {"a": {"min": 2.0, "max": 3.0}, "b": {"min": 1e-3, "max": 1.0, "log": True},
                                             "c": {"values": ["x", "y"]}},
             "sampling": {"method": method, "n": 40, "seed": 7}}
        p1, p2 = sample(parse_spec(d)), sample(parse_spec(d))
        d["sampling"]["seed"] = 8
        assert p1 == p2 and p1 != sample(parse_spec(d)) and len(p1) == 40
        assert all(2 <= p["a"] <= 3 and 1e-3 <= p["b"] <= 1 and p["c"] in "xy" for p in p1)


def test_lhs_puts_one_point_in_each_stratum():
    n = 25
    pts = sample(parse_spec({"target": BENCH, "parameters": {"a": {"min": 0.0, "max": 10.0},
                                                             "b": {"min": -1.0, "max": 1.0}},
                             "sampling": {"method": "lhs", "n": n, "seed": 3}}))
    for name, lo, hi in (("a", 0.0, 10.0), ("b", -1.0, 1.0)):
        strata = sorted(int((p[name] - lo) / (hi - lo) * n) for p in pts)
        assert strata == list(range(n))  # the defining property of a Latin hypercube


def test_int_parameters_are_sampled_as_int_and_duplicates_dropped():
    _, pts = plan({"target": BENCH, "parameters": {"n": {"min": 1, "max": 3, "num": 7}}})
    assert pts == [{"n": 1}, {"n": 2}, {"n": 3}] and all(type(p["n"]) is int for p in pts)


def test_cpu_benchmark_is_deterministic_and_converges():
    a, b = cpu_benchmark(50_000, seed=3), cpu_benchmark(50_000, seed=3)
    assert a == b
    # binomial standard error of 4*p is 4*sqrt(p(1-p)/n) = 0.0073 at n=50000; 5 sigma
    assert a["abs_error"] < 5 * 4 * np.sqrt(np.pi / 4 * (1 - np.pi / 4) / 50_000)


# --- running (spawned worker processes) -----------------------------------------------------------

@pytest.mark.parametrize("yaml_text, key", [
    ("target: {kind: benchmark}\nparameters:\n  m: {values: [1, 2]}\n", "parameters.m"),
    ("target: {kind: benchmark}\nparameters:\n  n: {values: [1, x]}\n", "parameters.n.values[1]"),
    ("target: {kind: benchmark}\nparameters:\n  n: {min: 9, max: 1, num: 2}\n", "parameters.n.max"),
    ("target: {kind: nosuch}\nparameters:\n  n: {values: [1]}\n", "target.kind"),
    ("target: {kind: benchmark}\nparameter:\n  n: {values: [1]}\n", "parameter"),
    ("target: {kind: cell, pdk: sin100, name: no_such_cell}\nparameters:\n  gap: {values: [1]}\n", "target.name"),
    ("target: {kind: cell, pdk: sin100, name: ring_resonator}\nparameters:\n  gapp: {values: [1]}\n",
     "parameters.gapp"),
    ("target: {kind: cell, pdk: sin100, name: ring_resonator}\nparameters:\n  gap: {values: [0.8, wide]}\n",
     "parameters.gap.values[1]"),
])
def test_cli_bad_spec_exits_2_naming_the_key_before_any_work(tmp_path, yaml_text, key):
    spec = tmp_path / "bad.yaml"
    spec.write_text(yaml_text)
    r = CliRunner().invoke(app, ["sweep", str(spec), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2, r.output
    assert f"{key}:" in r.stderr and "Traceback" not in r.output + r.stderr
    assert not (tmp_path / "out").exists()


def test_cli_subprocess_exit_codes_and_summary_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("target: {kind: benchmark}\nparameters:\n  n: {values: []}\n")
    r = subprocess.run([str(WEIMING), "sweep", str(bad), "--out", str(tmp_path / "o")], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.strip() == f"error: {bad}: parameters.n.values: empty list: give at " \
                                                      f"least one value"
    good = tmp_path / "good.yaml"
    good.write_text("target: {kind: benchmark}\nparameters:\n  n: {values: [1000, 2000]}\n  seed: [1]\n")
    r = subprocess.run([str(WEIMING), "sweep", str(good), "--out", str(tmp_path / "o"), "--workers", "1"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith("2 points: 2 computed, 0 cached, 0 failed")
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["points"] == 2 and summary["failed"] == 0
    df = pd.read_csv(tmp_path / "o" / "results.csv")
    assert list(df["pi_estimate"]) == [cpu_benchmark(1000, 1)["pi_estimate"], cpu_benchmark(2000, 1)["pi_estimate"]]


def test_ring_spectrum_target_matches_textbook_formulas():
    """Qi = 2 pi ng / (lambda alpha), alpha = ln(10)/10 * dB/m; FSR = c / (ng 2 pi R); 1/QL = 1/Qi + 1/Qc.

    Tolerance 1e-9 relative: the same closed forms, evaluated independently here.
    """
    from weiming.sims.sweep.targets import run_point

    r = run_point({"kind": "ring_spectrum", "loss_db_per_m": 1.7, "ng": 1.6, "wavelength_um": 1.54978},
                  {"radius_um": 760.0, "kappa2": 0.002})
    assert r["status"] == "ok", r["error"]
    o = r["outputs"]
    alpha = 1.7 * np.log(10) / 10
    qi = 2 * np.pi * 1.6 / (1.54978e-6 * alpha)
    assert o["qi"] == pytest.approx(qi, rel=1e-9)
    assert o["fsr_hz"] == pytest.approx(299_792_458 / (1.6 * 2 * np.pi * 760e-6), rel=1e-9)
    assert 1 / o["ql"] == pytest.approx(1 / o["qi"] + 1 / o["qc"], rel=1e-9)
    a2 = np.exp(-alpha * 2 * np.pi * 760e-6)  # round-trip power transmission
    assert o["critical_kappa2"] == pytest.approx(1 - a2, rel=1e-9)
    assert o["regime"] == ("over" if 0.002 > 1 - a2 else "under")
    bad = run_point({"kind": "ring_spectrum", "loss_db_per_m": 1.7, "ng": 1.6}, {"radius_um": 760.0})
    assert bad["status"] == "error" and "exactly one of kappa2 and gap_um" in bad["error"]


@pytest.mark.parametrize("example", sorted((Path(weiming.sims.sweep.__file__).parent / "examples").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_shipped_examples_are_valid_specs(example):
    spec, points = plan(example)
    n = {"ring_gap.yaml": 6, "strip_width_lhs.yaml": 12, "ring_coupling.yaml": 13}[example.name]
    assert len(points) == n


def test_yaml_exponent_floats_are_numbers(tmp_path):
    """PyYAML alone reads ``30.03e9`` as a string (YAML 1.1); a spec must read it as 3.003e10."""
    p = tmp_path / "s.yaml"
    p.write_text("target: {kind: ring_spectrum, loss_db_per_m: 1.7, ng: 1.6}\n"
                 "parameters:\n  radius_um: [1e3, 2.5e+2]\n  kappa2: [1e-3]\n")
    _, points = plan(p)
    assert points == [{"radius_um": 1000.0, "kappa2": 0.001}, {"radius_um": 250.0, "kappa2": 0.001}]


def test_cli_workers_and_scheduler_exclude_each_other(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("target: {kind: benchmark}\nparameters:\n  n: [1000]\n")
    r = CliRunner().invoke(app, ["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "2",
                                 "--scheduler", "tcp://127.0.0.1:8786"])
    assert r.exit_code == 2 and "--workers and --scheduler" in r.stderr and not (tmp_path / "o").exists()
