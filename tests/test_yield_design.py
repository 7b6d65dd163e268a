"""Issue 14/17: one design source -- the yield model's inventory and critical areas follow the chips
design and its built layout; the default design's prior/posterior, centring, maps and variogram."""

from __future__ import annotations

import json

import pytest

from weiming.sims.wafer.config import load_config


def test_inventory_and_critical_areas_come_from_the_built_chip():
    """Default chip: 3 IMs, 3 PMs, an AMZI, one laser, ... classified from the built cells; every critical area > 0."""
    design, _ = load_config()
    dev = design.client.devices
    assert dev["im"].count == 3 and dev["pm"].count == 3 and dev["laser"].count == 1 and dev["voa"].count == 1
    assert dev["amzi"].count == 1
    assert dev["im"].mmi_in_width_um == pytest.approx(6.0) and dev["im"].mmi_out_width_um == pytest.approx(8.0)
    for d in list(dev.values()) + list(design.server.devices.values()):
        assert d.area_um2 > 0
    assert "comb_ring" in design.server.devices
    assert "layout" in design.source


def test_modulator_length_and_count_change_inventory_without_yield_files(tmp_path):
    """A longer modulator in the chips design -> larger IM/PM critical areas (opens along the arms and
    junction area scale with L); a manifest listing one more modulator instance -> one more counted."""
    base, _ = load_config()
    cfg = tmp_path / "longer.yaml"
    cfg.write_text("client: {im_length_um: 540.0, pm_length_um: 320.0}\n")   # IM +20 %, PM -20 %: fits the die
    longer, _ = load_config(cfg)            # a chips design file is accepted as the yield config
    a0, a1 = base.client.devices["im"].area_um2, longer.client.devices["im"].area_um2
    assert a1 > a0 * 1.1, (a0, a1)                        # IM critical area grows with its length
    p0, p1 = base.client.devices["pm"].area_um2, longer.client.devices["pm"].area_um2
    assert p1 < p0 * 0.9, (p0, p1)                        # PM critical area shrinks with its length
    assert longer.client.devices["im"].length_um == 540.0
    # the build manifest's devices list decides the kinds (i12a's manifest format)
    names = base.client.devices["im"].instances + base.client.devices["pm"].instances
    devices = [{"name": n, "kind": "im"} for n in names]       # every modulator reported as an IM
    man = {"clients": [{"id": "C01A", "devices": devices}]}
    relabelled, _ = load_config(None, manifest=man)
    assert relabelled.client.devices["im"].count == 6 and "pm" not in relabelled.client.devices


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    from weiming.sims.wafer.run import run_yield

    out = tmp_path_factory.mktemp("yield")
    return run_yield(seed=1, wafers=40, sensitivity=False, out_dir=out,
                     center=[("mmi_width_offset_um", -0.1, 0.1), ("grating_period_offset_nm", -0.05, 0.05)]), out


def test_default_design_prior_posterior_and_contract(default_run):
    r, out = default_run
    pr = r["prediction"]
    for level in ("prior", "posterior"):
        for key in ("modulator", "client_chip"):
            e = pr[level][key]
            assert e["ci95"][0] <= e["value"] <= e["ci95"][1] and e["ci95"][0] < e["ci95"][1]
    lo, hi = pr["posterior"]["modulator"]["ci95"]
    assert lo <= 0.975 <= hi
    assert 0 < pr["ppc_p_value"] <= 1
    assert set(r["critical_area_um2"]) >= {"im", "pm", "laser", "voa", "comb_ring"}
    assert r["spatial"]["correlation_length_mm"] > 0 and r["spatial"]["cluster_alpha"] > 0
    for c in r["centering"]:
        assert c["yield_after"] >= c["yield_before"] and c["evaluations"] > 5
        assert set(c) >= {"param", "from", "to", "yield_before", "yield_after", "evaluations"}
    assert (out / "client_variogram.png").stat().st_size > 1000
    assert (out / "client_chip_passfail.png").exists()
    assert json.loads((out / "yield.json").read_text())["prediction"] == pr


def test_wafer_maps_are_spatially_correlated(default_run):
    """The die-level process deviations of neighbouring dies are more alike than distant ones: the
    empirical semivariogram at the first lag is below half its value at the largest lags."""
    import numpy as np

    from weiming.sims.wafer.field import empirical_variogram
    from weiming.sims.wafer.process import process_model, sample_process
    from weiming.sims.wafer.sites import die_sites

    lay = die_sites(76.2, (4600, 2000))
    ps = sample_process(process_model("inp"), lay, 40, np.random.default_rng(2))
    z = ps.die["core_thickness_um"]
    h, g = empirical_variogram(lay.xy_mm, z - z.mean(axis=1, keepdims=True), np.linspace(0, 60, 13))
    assert g[0] < 0.5 * np.nanmax(g[-4:])


def test_manifest_laser_model_sets_the_lock_inputs():
    """i12a's manifest laser entry (detuning, locking range) replaces the design-spec fallback; a laser
    drawn 2 nm off its line with a +-100 GHz tuning range then fails to lock on most dies."""
    import numpy as np

    from weiming.sims.wafer.run import run_yield

    man = {"clients": {"C01A": {"laser": {"bragg_detuning_ghz": 250.0, "lock_range_ghz": 10.0,
                                          "tuning_range_ghz": 100.0, "locks": False}}}}
    d, _ = load_config(None, manifest=man)
    lock = d.client.devices["laser"].lock
    assert lock["bragg_detuning_ghz"] == 250.0 and lock["lock_range_ghz"] == 10.0 and "manifest" in lock["source"]
    r = run_yield(seed=1, wafers=5, sensitivity=False, manifest=man)
    assert r["device_yield"]["laser"]["value"] < 0.5
    assert np.isfinite(r["metrics"]["laser"]["bragg_detuning_ghz"]["mean"])


def test_manifest_per_channel_bragg_error():
    """Per-client laser entries with channels: each die site's channel takes its lasers' design detuning,
    so a channel whose lasers are 1000 GHz off fails to lock while the others lock."""
    import numpy as np

    from weiming.sims.wafer.run import run_yield

    clients = [{"id": f"C{c:02d}{ab}", "channel": c,
                "laser": {"bragg_detuning_ghz": 1000.0 if c == 3 else 0.0, "lock_range_ghz": 40.0,
                          "tuning_range_ghz": 500.0}} for c in range(1, 11) for ab in "AB"]
    d, _ = load_config(None, manifest={"clients": clients})
    by = d.client.devices["laser"].lock["bragg_detuning_ghz_by_channel"]
    assert by[2] == 1000.0 and by[0] == 0.0 and len(by) == 10
    r = run_yield(seed=1, wafers=5, sensitivity=False, manifest={"clients": clients})
    # one channel in ten cannot lock: laser yield about 90 %
    assert 0.85 < r["device_yield"]["laser"]["value"] < 0.95
    assert np.isfinite(r["prediction"]["posterior"]["client_chip"]["value"])
