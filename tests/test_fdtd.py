"""FDTD through weiming's API, checked against Meep's published ring tutorial."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Meep tutorial "Resonant Modes and Transmission in a Waveguide Ring"
# (meep.readthedocs.io, Python tutorial, ring.py): Harminv output at resolution 10.
TUTORIAL = [(0.11810, 80.7), (0.14716, 316.0), (0.17525, 1678.0)]


@pytest.mark.meep
def test_ring2d_reproduces_meep_tutorial():
    from weiming.sims.fdtd import ring2d

    modes = ring2d(3.4, 1.0, 1.0, 0.15, 0.1, pad=4, dpml=2, resolution=10, run_after_sources=300)
    assert len(modes) == 3
    for m, (f, q) in zip(modes, TUTORIAL):
        # Published values have 5 digits (freq) / 3-4 digits (Q): the same
        # discretisation must agree to 2e-4 relative in frequency; Harminv's Q
        # of the lossy low-Q modes is fit-sensitive, so 3 %.
        assert m.freq == pytest.approx(f, rel=2e-4)
        assert m.q == pytest.approx(q, rel=0.03)
        assert m.wavelength_um == pytest.approx(1 / m.freq)


@pytest.mark.meep
def test_cli_ring2d_json_and_bad_input():
    cmd = [sys.executable, "-m", "weiming.cli", "fdtd", "ring2d", "--n-core", "3.4", "--width", "1", "--radius", "1",
           "--resolution", "8", "--fcen", "0.15", "--df", "0.1", "--json"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)  # stdout must hold only the JSON (meep's banners go to stderr)
    assert set(out["modes"][0]) == {"freq", "wavelength_um", "q", "amp"}
    assert any(abs(m["freq"] - 0.147) < 0.003 for m in out["modes"])
    bad = subprocess.run(cmd[:6] + ["1.0"] + cmd[7:], capture_output=True, text=True, timeout=60)  # n_core = n_clad
    assert bad.returncode == 2
    assert "n_core" in bad.stderr and "Traceback" not in bad.stderr
