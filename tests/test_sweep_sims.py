"""Simulation targets of the sweep: the engine passes the point to the solver and tabulates its metrics."""

from __future__ import annotations

import json

import pytest

from weiming.sims.sweep import plan
from weiming.sims.sweep.targets import run_point


@pytest.mark.meep
def test_modes_target_reports_the_solver_modes(tmp_path, monkeypatch):
    monkeypatch.setenv("WEIMING_CACHE", str(tmp_path / "cache"))
    from weiming.sims.modes.mpb import solve_modes

    cfg = {"kind": "modes", "pdk": "sin100", "xs": "strip", "wavelength_um": 1.55, "resolution": 10}
    _, points = plan({"target": cfg, "parameters": {"width": [2.8], "num_modes": [2]}})
    r = run_point(cfg, points[0])
    assert r["status"] == "ok", r["error"]
    modes = solve_modes("sin100", "strip", 1.55, width=2.8, num_modes=2, resolution=10)  # cached: same run
    assert r["outputs"]["num_modes_found"] == len(modes)
    assert r["outputs"]["neff"] == modes[0].neff and r["outputs"]["ng"] == modes[0].ng
    if len(modes) > 1:
        assert r["outputs"]["mode1.neff"] == modes[1].neff


@pytest.mark.meep
def test_fdtd_target_straight_transmits_everything():
    """A straight waveguide is lossless and reflection-free: |S21|^2 ~ 1, |S11|^2 ~ 0.

    Tolerance 3 %: 2D FDTD at a coarse 8 px/um (chosen for test time) loses a
    little to discretisation and the mode monitors.
    """
    cfg = {"kind": "fdtd_sparams", "pdk": "sin100", "cell": "straight", "resolution": 8,
           "wavelengths_um": [1.54, 1.55, 1.56], "input_ports": ["o1"]}
    _, points = plan({"target": cfg, "parameters": {"length": [5.0]}})
    r = run_point(cfg, points[0])
    assert r["status"] == "ok", r["error"]
    o = r["outputs"]
    assert o["T.o2@o1"] == pytest.approx(1.0, abs=0.03) and o["T.o1@o1"] < 0.01
    assert "T.o1@o2" not in o  # o2 was not excited: no made-up numbers
    name, data = r["artifacts"]["sparams"]
    sp = json.loads(data)
    assert name == "sparams.json" and sp["ports"] == ["o1", "o2"] and sp["settings"] == {"length": 5.0}


def test_fdtd_target_spec_errors_name_the_key():
    from weiming.sims.sweep import SpecError

    base = {"kind": "fdtd_sparams", "pdk": "sin100", "cell": "straight"}
    for params, key in (({"lenght": [5.0]}, "parameters.lenght"), ({"resolution": ["fine"]},
                                                                   "parameters.resolution.values[0]")):
        with pytest.raises(SpecError) as e:
            plan({"target": base, "parameters": params})
        assert e.value.key == key
    with pytest.raises(SpecError) as e:
        plan({"target": {**base, "cell": "warp_core"}, "parameters": {"length": [1.0]}})
    assert e.value.key == "target.cell"
