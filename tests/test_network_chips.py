"""The network model on the default design: chip metrics from the yield Monte Carlo and the manifest."""

from __future__ import annotations

import pytest

from weiming.sims.network.evaluate import evaluate_network


@pytest.fixture(scope="module")
def default_net():
    return evaluate_network(quick=True)


def test_default_network_reports_every_pair(default_net):
    r = default_net
    assert r["distance_km"] == 370.0                                  # spec.network.distance_km
    assert len(r["pairs"]) == 10
    for p in r["pairs"]:
        assert p["ratio_to_plob"] == pytest.approx(p["key_rate_per_pulse"] / r["plob_absolute"], rel=1e-4)
        # a pair either beats PLOB or the output names what limits it
        assert p["beats_plob"] or p["limited_by"]
    y = r["key_rate_yield"]
    assert y["ci95"][0] <= y["value"] <= y["ci95"][1]
    assert r["networking_capability_km"] is not None
    # without a manifest the output must say laser locking was not evaluated
    assert any("NOT evaluated" in n for n in r["notes"])
    assert any("comb-line power" in n for n in r["notes"])


def test_manifest_laser_that_does_not_lock_kills_its_pair(default_net, tmp_path):
    import json

    from weiming.circuits.design import load_design
    from weiming.circuits.network import clients

    chips = [{"id": c.id, "kind": "client", "channel": c.channel,
              "laser": {"locks": c.id != "C02B", "lock_range_ghz": 1.0}} for c in clients(load_design().network)]
    m = tmp_path / "manifest.json"
    m.write_text(json.dumps({"chips": chips}))
    r = evaluate_network(quick=True, manifest=m)
    p2 = r["pairs"][1]
    assert p2["key_rate_per_pulse"] == 0.0 and "C02B" in p2["limited_by"] and "lock" in p2["limited_by"]
    assert not any("NOT evaluated" in n for n in r["notes"])
    assert r["networking_capability_km"] == 0.0


def test_cli_default_design_json_and_png(tmp_path):
    """``weiming network --json`` on the default design: the contract keys, every pair at the spec distance."""
    import json

    from typer.testing import CliRunner

    from weiming.cli import app

    png = tmp_path / "rate.png"
    r = CliRunner().invoke(app, ["network", "--quick", "--json", "--png", str(png)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert {"protocol", "distance_km", "plob_absolute", "plob_conditional", "pairs", "networking_capability_km",
            "key_rate_yield", "curve"} <= set(d)
    assert set(d["key_rate_yield"]) >= {"value", "ci95"}
    assert all(len(p["clients"]) == 2 and p["channel"] for p in d["pairs"])
    assert png.stat().st_size > 1000


def test_cli_pm_finite_key_is_bad_input():
    from typer.testing import CliRunner

    from weiming.cli import app

    r = CliRunner().invoke(app, ["network", "--protocol", "pm", "--finite-key", "--eta-d", "0.5", "--pd", "1e-8",
                                 "--ed", "0.01", "--loss-db-km", "0.2", "--distance-km", "100"])
    assert r.exit_code == 2 and "--finite-key" in r.output


def test_capability_consistent_with_pairs_at_spec_distance(tmp_path):
    """If every pair beats PLOB at L, the networking capability is at least N L / 2 -- also when the
    PLOB-beating window is narrow (a worse phase reference: 0.5 rad residual), which a coarse distance
    scan alone would step over."""
    f = tmp_path / "net.yaml"
    f.write_text("phase: {reference_residual_rad: 0.5}\n")
    r = evaluate_network(network=f, quick=True)
    assert all(p["beats_plob"] for p in r["pairs"])
    assert r["networking_capability_km"] >= 2 * len(r["pairs"]) * r["distance_km"] / 2
