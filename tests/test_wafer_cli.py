"""``weiming yield``: the command-line contract (JSON keys, files, exit status 2 on bad input)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from weiming.cli import app

runner = CliRunner()


def test_yield_cli_json_and_files(tmp_path):
    out = tmp_path / "y"
    r = runner.invoke(app, ["yield", "--seed", "1", "--wafers", "3", "--json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    for key in ("modulator", "im", "pm", "dbr_laser", "voa", "comb_ring"):
        assert set(d["device_yield"][key]) >= {"value", "ci95"}
    assert set(d["chip_yield"]) == {"client", "server"}
    assert set(d["calibration"]["d0_per_cm2"]) >= {"value", "ci95"}
    assert (out / "client_chip_passfail.png").stat().st_size > 1000
    assert (out / "server_comb_ring_fsr_error_ghz_map.png").exists()
    assert (out / "client_im_extinction_ratio_db_hist.png").exists()
    assert json.loads((out / "yield.json").read_text()) == d


def test_yield_cli_bad_input(tmp_path):
    r = runner.invoke(app, ["yield", "--observed", "117-120", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "--observed" in r.output
    bad = tmp_path / "specs.yaml"
    bad.write_text("specs:\n  - {device: laser, metric: vpi_v, max: 4}\n")
    r = runner.invoke(app, ["yield", "--specs", str(bad), "--out", str(tmp_path)])
    assert r.exit_code == 2 and "specs[0]" in r.output and "laser" in r.output
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("design: {client: {wafer_diameter_mm: -3}}\n")
    r = runner.invoke(app, ["yield", "--config", str(cfg), "--out", str(tmp_path)])
    assert r.exit_code == 2 and "design.client.wafer_diameter_mm" in r.output
    r = runner.invoke(app, ["yield", "--seed", "1"])
    assert r.exit_code == 2  # --out is required
