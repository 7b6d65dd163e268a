"""The design config (pydantic): defaults from data, merging, errors naming the key; network plan; ring radius."""

from __future__ import annotations

import math

import pytest
import yaml
from typer.testing import CliRunner

from weiming.circuits.comb import _slab_neff, eim_group_index, radius_for_fsr
from weiming.circuits.design import DEFAULT_PATH, DesignError, design_from_dict, load_design
from weiming.circuits.network import C_M_PER_S, channels, clients


def test_default_design_is_the_seed_network():
    d = load_design()
    assert d.network.center_wavelength_nm == 1549.78 and d.network.fsr_ghz == 30.03  # seed-network.md
    assert d.client.die_um == (4600.0, 2000.0)
    assert d.server.pdk == "sin100" and not d.allow_standins


def test_plan_20_clients_on_10_channels_spaced_by_the_fsr():
    plan = load_design().network
    ch = channels(plan)
    cl = clients(plan)
    assert len(ch) == 10 and len(cl) == 20
    assert all(sum(c.channel == k.index for c in cl) == 2 for k in ch)
    # the frequency grid: neighbours one FSR apart (values stored to 1 kHz)
    f = [c.frequency_ghz for c in ch]
    assert all(abs((b - a) - 30.03) < 2e-6 for a, b in zip(f, f[1:]))
    # wavelengths are c / f (stored to 1 fm; 1e-6 nm is ~1e-4 GHz here)
    assert all(abs(C_M_PER_S / (c.frequency_ghz * 1e9) * 1e9 - c.wavelength_nm) < 2e-6 for c in ch)
    # the centre line 1549.78 nm (m = 0) is one of the channels
    assert any(abs(c.wavelength_nm - 1549.78) < 1e-9 for c in ch)


def test_user_file_merges_over_the_default(tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text("server: {ring: {gap_um: 1.1}}\nnetwork: {channels: 4}\n")
    d = load_design(p)
    assert d.server.ring.gap_um == 1.1 and d.server.ring.width_um == 2.8  # untouched keys keep defaults
    assert len(clients(d.network)) == 8


@pytest.mark.parametrize("patch, key, words", [
    ({"server": {"ring": {"gapp_um": 1.0}}}, "server.ring.gapp_um", "unknown key"),
    ({"client": {"im_length_um": "long"}}, "client.im_length_um", "valid number"),
    ({"network": {"channels": 0}}, "network.channels", "greater than or equal to 1"),
    ({"server": {"ring": {"coupler": "spiral"}}}, "server.ring.coupler", "'point' or 'pulley'"),
    ({"reticles": {"inp": {"field_um": [30000, 10000]}}}, "reticles.inp.field_um.0", "less than or equal"),
])
def test_bad_values_name_the_key(tmp_path, patch, key, words):
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(patch))
    with pytest.raises(DesignError) as e:
        load_design(p)
    assert key in str(e.value) and words in str(e.value)


def test_not_a_mapping_and_bad_yaml(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("- 1\n- 2\n")
    with pytest.raises(DesignError, match="mapping"):
        load_design(p)
    p.write_text("a: [1, 2\n")
    with pytest.raises(DesignError, match="not valid YAML"):
        load_design(p)
    with pytest.raises(DesignError, match="cannot read"):
        load_design(tmp_path / "missing.yaml")


def test_default_yaml_is_complete():
    """The default is data: every model field is set in default.yaml (no hidden code defaults)."""
    data = yaml.safe_load(DEFAULT_PATH.read_text())
    d = design_from_dict(data)
    assert d.model_dump(mode="json")["client"]["die_um"] == [4600.0, 2000.0]


def test_cli_bad_config_exits_2_and_writes_nothing(tmp_path):
    from weiming.cli import app

    cfg = tmp_path / "bad.yaml"
    cfg.write_text("server: {count: 99}\n")
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["build", "--config", str(cfg), "--out", str(out)])
    assert r.exit_code == 2
    assert "server.count" in r.output and "Traceback" not in r.output
    assert not out.exists()


def test_slab_solver_against_the_analytic_normalised_dispersion():
    """Symmetric slab TE0: V sqrt(1-b) = 2 atan(sqrt(b/(1-b))) (Kogelnik normal form), an
    independent form of the relation the solver bisects; checked to 1e-9 in b."""
    n1, n2, d, lam = 2.0, 1.444, 0.3, 1.55
    neff = _slab_neff(n1, n2, d, lam, tm=False)
    b = (neff**2 - n2**2) / (n1**2 - n2**2)
    v = 2 * math.pi / lam * d * math.sqrt(n1**2 - n2**2)
    assert v * math.sqrt(1 - b) == pytest.approx(2 * math.atan(math.sqrt(b / (1 - b))), abs=1e-9)


def test_ring_radius_gives_the_fsr():
    ng = eim_group_index(0.1, 2.8, 1.54978)
    # 100-nm Si3N4 is weakly guiding: ng between the oxide's (1.46) and nitride's (~2.05) group indices
    assert 1.46 < ng < 2.05
    r = radius_for_fsr(30.03, ng)
    fsr = C_M_PER_S / (ng * 2 * math.pi * r * 1e-6) / 1e9
    assert fsr == pytest.approx(30.03, rel=1e-6)  # 1 nm radius grid -> ~1e-6 relative


@pytest.mark.meep
@pytest.mark.slow
def test_eim_group_index_agrees_with_the_mode_solver():
    """EIM vs MPB (second, independent solver) for the sin100 resonator: within 1 %
    (EIM neglects corner fields; measured difference ~2e-4)."""
    from weiming.sims.modes.mpb import group_index

    ng_mpb = group_index("sin100", "resonator", 1.54978, width=2.8)
    assert eim_group_index(0.1, 2.8, 1.54978) == pytest.approx(ng_mpb, rel=0.01)
