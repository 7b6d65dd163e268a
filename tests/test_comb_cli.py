"""``weiming comb`` and ``weiming comb lle``: the command-line contract of issue 15."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from weiming.cli import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, ["comb", *args])


def test_lle_json_contract_and_bright_soliton():
    r = _run("lle", "--f2", "6", "--zeta", "5", "--dispersion", "anomalous", "--modes", "128", "--seed-state", "sech",
             "--tau", "20", "--length", "20", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert {"rho_mean", "rho_min", "rho_max", "stationary", "field_abs2"} <= set(out)
    assert len(out["field_abs2"]) == 128 and out["stationary"] is True
    assert out["regime"] == "bright_soliton" and out["rho_max"] == pytest.approx(11.46, rel=0.02)


def test_lle_cw_upper_branch_with_normal_dispersion_is_stationary():
    r = _run("lle", "--f2", "4", "--zeta", "2", "--dispersion", "normal", "--modes", "16", "--tau", "30", "--json")
    out = json.loads(r.stdout)
    assert out["stationary"] and out["regime"] == "cw" and out["rho_min"] == pytest.approx(out["rho_max"])


@pytest.mark.parametrize("args, name", [
    (["--f2", "abc"], "f2"), (["--f2", "-1"], "f2"), (["--zeta", "nan"], "zeta"),
    (["--dispersion", "flat"], "dispersion"), (["--modes", "15"], "modes"), (["--modes", "2.5"], "modes"),
    (["--seed-state", "gauss"], "seed_state"), (["--tau", "0"], "tau"), (["--dint-shift", "3"], "dint_shift"),
    (["--dint-shift", "99:1"], "dint_shift"), (["--dint-shift", "3:x"], "dint_shift value"),
])
def test_lle_bad_input_exits_2_naming_the_parameter(args, name):
    base = {"--f2": "2", "--zeta": "1", "--dispersion": "normal", "--modes": "16"}
    for k, v in zip(args[::2], args[1::2]):
        base[k] = v
    r = _run("lle", *[x for kv in base.items() for x in kv], "--tau", base.get("--tau", "1"))
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], r.output


@pytest.mark.parametrize("args, name", [(["--pump-mw", "-5"], "pump_mw"), (["--modes", "7"], "modes"),
                                        (["--detuning-mhz", "x"], "detuning_mhz"),
                                        (["--feedback-phase", "inf"], "feedback_phase")])
def test_comb_bad_input_exits_2(args, name):
    r = _run(*args)
    assert r.exit_code == 2 and name in r.output and len(r.output.strip().splitlines()) == 1


@pytest.mark.meep
def test_default_design_is_a_dark_pulse_comb_with_power_on_every_channel():
    """The contract keys, regime dark_pulse, every channel line above the design's spec floor."""
    from weiming.circuits.design import load_design

    r = _run("--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    for k in ("regime", "fsr_hz", "d2_hz", "kappa_hz", "pump_w", "conversion_efficiency", "lines", "channels", "sil"):
        assert k in out
    assert out["regime"] == "dark_pulse" and out["state"]["stable"] is True
    assert out["seed"] == "sil" and "SIL" in out["seeding"] and out["sil"]["locked"] is True
    assert out["d2_hz"] < 0 and out["fsr_hz"] == pytest.approx(30.03e9, rel=1e-3)
    assert set(out["sil"]) >= {"locked", "detuning_hz"} and isinstance(out["sil"]["locked"], bool)
    floor = load_design().spec.comb.min_channel_line_power_dbm
    assert len(out["channels"]) == 10
    for c in out["channels"]:
        assert c["power_w"] > 0 and 10 * math.log10(c["power_w"] / 1e-3) > floor
    assert {"mu", "freq_hz", "power_w"} <= set(out["lines"][0])
    assert 0 < out["conversion_efficiency"] < 1


@pytest.mark.meep
def test_channel_bus_powers_feed_the_network_line_power():
    """The comb model's channel powers are what comb_line_power_w hands to the client lasers."""
    from weiming.circuits.design import load_design
    from weiming.circuits.network import comb_line_power_w
    from weiming.sims.comb import channel_bus_powers_w

    d = load_design()
    bus = channel_bus_powers_w(d, modes=64)
    assert sorted(bus) == list(range(1, 11)) and all(p > 0 for p in bus.values())
    for ch, p in bus.items():
        assert comb_line_power_w(d, ch, bus) == pytest.approx(p * 10 ** (-d.network.distribution_loss_db / 10))
