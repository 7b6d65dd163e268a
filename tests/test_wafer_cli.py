"""``weiming yield``: the command-line contract (JSON keys, files, exit status 2 on bad input)."""

from __future__ import annotations

import json

import pytest

from typer.testing import CliRunner

from weiming.cli import app

runner = CliRunner()


def test_yield_cli_json_and_files(tmp_path):
    out = tmp_path / "y"
    r = runner.invoke(app, ["yield", "--seed", "1", "--wafers", "3", "--json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    for key in ("modulator", "im", "pm", "laser", "voa", "comb_ring"):
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


def test_yield_cli_prediction_keys_center_and_measured(tmp_path):
    """The issue-17 keys, --center output, --measured updating from a user's CSV."""
    csv = tmp_path / "m.csv"
    rows = ["die,x,y,device,pass"]
    for die in range(10):
        for j, dev in enumerate(("im1", "im2", "im3", "pm_q", "pm_ref")):
            rows.append(f"D{die},{die * 5.0},0,{dev},{0 if (die < 5 and j == 0) else 1}")
    csv.write_text("\n".join(rows) + "\n")
    r = runner.invoke(app, ["yield", "--seed", "1", "--wafers", "4", "--json", "--out", str(tmp_path / "a"),
                            "--center", "grating_period_offset_nm=-0.05:0.05", "--measured", str(csv)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    p = d["prediction"]
    assert set(p) >= {"prior", "posterior", "ppc_p_value"}
    assert set(p["prior"]["modulator"]) >= {"value", "ci95"} and set(p["posterior"]["client_chip"]) >= {"value", "ci95"}
    assert p["observed"] == {"pass": 45, "total": 50, "chips": 10}
    # 5 failed of 50 is worse than the prior expects: the posterior D0 is above the prior median
    assert p["posterior"]["d0_per_cm2"]["median_per_cm2"] > p["prior"]["d0_per_cm2"]["median_per_cm2"]
    assert set(d["spatial"]) >= {"correlation_length_mm", "cluster_alpha"}
    assert d["critical_area_um2"]["im"] > 0
    c = d["centering"][0]
    assert c["param"] == "grating_period_offset_nm" and c["yield_after"] >= c["yield_before"]


@pytest.mark.parametrize("args,word", [
    (["--center", "ring_gap=1:2"], "--center"),
    (["--center", "mmi_width_offset_um=0.2:0.1"], "--center"),
    (["--center", "mmi_width_offset_um=nan:0.1"], "--center"),
    (["--center", "mmi_width_offset_um=-0.1:0.1", "--center", "mmi_width_offset_um=-0.2:0.1"], "--center"),
    (["--measured", "/nonexistent/x.csv"], "--measured"),
])
def test_yield_cli_new_options_bad_input(tmp_path, args, word):
    out = tmp_path / "o"
    r = runner.invoke(app, ["yield", "--out", str(out), *args])
    assert r.exit_code == 2 and word in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert not out.exists()


def test_yield_cli_bad_measured_rows(tmp_path):
    csv = tmp_path / "m.csv"
    csv.write_text("die,x,y,device,pass\nD1,0,0,im1,maybe\n")
    r = runner.invoke(app, ["yield", "--out", str(tmp_path / "o"), "--wafers", "2", "--measured", str(csv)])
    assert r.exit_code == 2 and "pass='maybe'" in r.output


def test_yield_cli_binary_measured_file(tmp_path):
    csv = tmp_path / "m.csv"
    csv.write_bytes(b"\xff\xfe\x00binary")
    r = runner.invoke(app, ["yield", "--out", str(tmp_path / "o"), "--wafers", "2", "--measured", str(csv)])
    assert r.exit_code == 2 and "--measured" in r.output and len(r.output.strip().splitlines()) == 1
