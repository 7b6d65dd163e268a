"""``weiming modes`` and ``weiming dispersion``: JSON contracts and bad input (exit 2)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from weiming.cli import app

runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()


def _run(args, env=None):
    return runner.invoke(app, args, env=env)


@pytest.mark.parametrize("args, msg", [
    (["modes", "--pdk", "nope", "--xs", "resonator", "--wavelength", "1.55"], "unknown PDK 'nope'"),
    (["modes", "--pdk", "sin100", "--xs", "nope", "--wavelength", "1.55"], "cross-section 'nope'"),
    (["modes", "--pdk", "sin100", "--xs", "resonator", "--wavelength", "1.55", "--width", "-1"], "--width -1"),
    (["modes", "--pdk", "sin100", "--xs", "resonator", "--wavelength", "1550"], "--wavelength 1550"),
    (["dispersion", "--pdk", "sin100", "--xs", "resonator"], "exactly one of --radius"),
    (["dispersion", "--pdk", "sin100", "--xs", "resonator", "--radius", "100", "--fsr", "1e11"], "exactly one"),
    (["dispersion", "--pdk", "sin100", "--xs", "resonator", "--radius", "-5"], "--radius -5"),
    (["dispersion", "--pdk", "inp", "--xs", "metal_rf", "--radius", "100"], "electrical"),
    (["dispersion", "--pdk", "sin100", "--xs", "resonator", "--fsr", "3e10", "--thickness", "-0.1"], "--thickness"),
    (["dispersion", "--pdk", "sin100", "--xs", "resonator", "--radius", "100", "--solver", "fdtd"], "--solver fdtd"),
])
def test_bad_input_exits_2_with_message(args, msg):
    r = _run(args)
    assert r.exit_code == 2, r.output
    err = r.stderr if hasattr(r, "stderr") and r.stderr else r.output
    assert err.startswith("error: ") and msg in err
    assert "Traceback" not in err


@pytest.mark.meep
def test_modes_json(tmp_path):
    png = tmp_path / "m.png"
    r = _run(["modes", "--pdk", "sin800", "--xs", "resonator", "--wavelength", "1.55", "--json", "--png", str(png)],
             env={"WEIMING_CACHE": str(tmp_path / "cache")})
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert list(data) == ["modes"] and len(data["modes"]) == 1
    m = data["modes"][0]
    assert set(m) == {"neff", "ng", "te_fraction", "aeff_um2"}
    assert 1.8 < m["neff"] < 1.9 and m["te_fraction"] > 0.99
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.meep
def test_dispersion_json_radius(tmp_path):
    png = tmp_path / "d.png"
    r = _run(["dispersion", "--pdk", "sin800", "--xs", "resonator", "--radius", "100", "--modes", "3", "--json",
              "--png", str(png)], env={"WEIMING_CACHE": str(tmp_path / "cache")})
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d) == {"radius_um", "fsr_hz", "d1_hz", "d2_hz", "neff", "ng", "regime", "dint"}
    assert d["radius_um"] == 100 and d["regime"] == "anomalous"
    # FSR of a 100-um ring with ng ~ 2.1: c / (2 pi R ng) ~ 227 GHz
    assert d["fsr_hz"] == pytest.approx(299792458 / (2 * 3.141592653589793 * 100e-6 * d["ng"]), rel=1e-3)
    assert [mu for mu, _ in d["dint"]] == [-3, -2, -1, 0, 1, 2, 3]
    assert png.stat().st_size > 1000
