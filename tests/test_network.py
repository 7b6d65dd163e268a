"""TF-QKD network model: PLOB, SNS/PM-QKD physics limits, decoy tightening, published points, CLI contract."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from weiming.cli import app
from weiming.sims.network import pm, sns
from weiming.sims.network.common import one_click
from weiming.sims.network.optimise import optimise
from weiming.sims.network.plob import plob_absolute, plob_bound, plob_conditional


# ------------------------------------------------------------------ PLOB
def test_plob_exact():
    """Pirandola et al., Nat. Commun. 8, 15043 (2017): -log2(1 - eta). Exact values (rel 1e-12)."""
    assert plob_bound(0.5) == pytest.approx(1.0, rel=1e-12)
    assert plob_bound(0.75) == pytest.approx(2.0, rel=1e-12)
    # small eta: -log2(1-eta) = eta/ln2 (1 + eta/2 + ...), 1e-9 relative accuracy through log1p
    eta = 1e-10
    assert plob_bound(eta) == pytest.approx(eta / np.log(2) * (1 + eta / 2), rel=1e-12)
    # absolute: fibre only over the whole length; 370 km at 0.2 dB/km = 74 dB
    assert plob_absolute(370, 0.2) == pytest.approx(-np.log2(1 - 10 ** -7.4), rel=1e-12)
    # conditional: detector efficiency counted as loss
    assert plob_conditional(370, 0.2, 0.6) == pytest.approx(-np.log2(1 - 0.6 * 10 ** -7.4), rel=1e-12)
    with pytest.raises(ValueError):
        plob_bound(1.5)


# ------------------------------------------------------------- click model
def test_one_click_limits():
    """The phase-averaged click model reduces to the single-party and both-send forms of notes B2."""
    pd, m = 1e-6, 0.3
    single = 2 * (1 - pd) * np.exp(-m / 2) * (1 - (1 - pd) * np.exp(-m / 2))
    assert one_click(m, 0.0, pd) == pytest.approx(single, rel=1e-12)
    assert one_click(0.0, 0.0, pd) == pytest.approx(2 * pd * (1 - pd), rel=1e-12)
    # both send: brute-force average over the relative phase (rel 1e-9)
    phi = np.linspace(0, 2 * np.pi, 20001)[:-1]
    ml, mr = m * (1 + np.cos(phi)), m * (1 - np.cos(phi))
    brute = np.mean((1 - pd) * (np.exp(-ml) + np.exp(-mr)) - 2 * (1 - pd) ** 2 * np.exp(-ml - mr))
    assert one_click(m, m, pd) == pytest.approx(brute, rel=1e-9)


# ---------------------------------------------------------- sqrt(eta) scaling
def test_sns_sqrt_eta_scaling():
    """At long distance the optimised SNS rate scales as sqrt(eta_total) = eta_arm: slope of log R vs the
    per-arm loss (in the same log units) is -1 within 2 %, i.e. -1/2 against the total loss. No dark counts
    or misalignment so the asymptotic slope is reached (Lucamarini et al., Nature 557, 400 (2018))."""
    loss_db = np.array([30.0, 35.0])   # per-arm loss
    eta = 10 ** (-loss_db / 10)
    _, res = optimise("sns_infinite", {"eta": eta, "pd": 0.0, "e_d": 0.0, "f_ec": 1.0})
    slope_total = np.diff(np.log10(res["rate"]))[0] / np.diff(2 * loss_db / 10)[0]
    assert slope_total == pytest.approx(-0.5, rel=0.02)


def test_pm_sqrt_eta_scaling():
    loss_db = np.array([30.0, 35.0])
    _, res = optimise("pm", {"eta": 10 ** (-loss_db / 10), "pd": 0.0, "e_d": 0.0, "f_ec": 1.0},
                      extra={"slices": 16})
    slope_total = np.diff(np.log10(res["rate"]))[0] / np.diff(2 * loss_db / 10)[0]
    assert slope_total == pytest.approx(-0.5, rel=0.02)


# --------------------------------------------------------- decoy tightening
def test_sns_decoy_bounds_tighten_to_infinite_decoy():
    """As mu1, mu2 -> 0 the three-intensity bounds approach the exact single-photon yield and phase error
    (the decoy-state limit, Yu et al. Sci. Rep. 9, 3080 (2019)); the gap shrinks monotonically."""
    eta, pd, ed, m = 1e-3, 1e-7, 0.03, 16
    s1, e1 = sns.single_photon_exact(eta, pd, ed, m)
    gaps = []
    for mu1 in (0.2, 0.05, 0.01, 0.002):
        x = sns.x_window(eta, pd, ed, mu1, 2 * mu1, 0.0, m)
        s1_l, e1_u = sns.decoy_bounds(x["s_mu1"], x["s_mu2"], x["s00"], x["t_x"], mu1, 2 * mu1)
        assert s1_l <= s1 * (1 + 1e-9) and e1_u >= e1 * (1 - 1e-6)   # valid bounds
        gaps.append((s1 - s1_l) / s1 + (e1_u - e1) / e1)
    assert all(a > b for a, b in zip(gaps, gaps[1:]))
    assert gaps[-1] < 0.01                                           # within 1 % at mu1 = 0.002


def test_finite_key_below_asymptotic_and_converges():
    """Finite-key rates lie below the asymptotic ones and approach them as the block grows."""
    kw = dict(eta=10 ** -3.5, pd=1e-8, e_d=0.03, f_ec=1.16, mu_z=0.4, eps=0.05, mu1=0.05, mu2=0.2, slices=16)
    r_inf = sns.rate_three_intensity(**kw)["rate"]
    r = [sns.rate_three_intensity(**kw, pulses=n, p_z=0.9)["rate"] for n in (1e11, 1e13, 1e16)]
    assert r[0] < r[1] < r[2] < r_inf
    assert r[2] > 0.8 * r_inf


def test_aopp_helps_at_large_eps():
    """AOPP lowers the bit-flip error of SNS so a larger sending probability pays (Xu et al. PRA 101, 042330)."""
    kw = dict(eta=10 ** -3.5, pd=1e-8, e_d=0.03, f_ec=1.16, mu_z=0.4, eps=0.2, slices=16)
    plain = sns.rate_infinite_decoy(**kw)
    aopp = sns.rate_infinite_decoy(**kw, aopp=True)
    assert aopp["qber_z_after"] < plain["qber_z"]
    assert aopp["rate"] > plain["rate"]


# ------------------------------------------------------------ published claims
def test_pm_qkd_exceeds_linear_bound_with_ma_zeng_zhou_parameters():
    """Ma, Zeng, Zhou, PRX 8, 031043 (2018), abstract: with practical parameters the PM-QKD key rate "can
    even exceed the transmission probability eta between two communication parties". Parameter set of
    their simulation table as recorded in the reference notes B3 (p_d = 8e-8, eta_d = 14.5 %, e_d = 1.5 %,
    f = 1.15, 0.2 dB/km, M = 16; marked UNVERIFIED there: the table itself could not be read).
    This checks the published claim, not a digitised curve point."""
    dist = np.arange(200.0, 451.0, 25.0)
    eta_arm = 0.145 * 10 ** (-0.2 * dist / 20)
    _, res = optimise("pm", {"eta": eta_arm, "pd": 8e-8, "e_d": 0.015, "f_ec": 1.15}, extra={"slices": 16})
    eta_fibre = 10 ** (-0.2 * dist / 10)
    assert np.max(res["rate"] / eta_fibre) > 1.0
    # and the rate falls to zero beyond some distance (dark counts), before 450 km
    assert res["rate"][-1] == 0.0


# ------------------------------------------------------------------- CLI
runner = CliRunner()
IDEAL = ["network", "--protocol", "sns", "--asymptotic", "--eta-d", "0.6", "--pd", "1e-8", "--ed", "0.03",
         "--loss-db-km", "0.2", "--distance-km", "370", "--json"]


def test_cli_ideal_json_contract():
    r = runner.invoke(app, IDEAL)
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    for k in ("protocol", "distance_km", "plob_absolute", "plob_conditional", "pairs", "networking_capability_km",
              "key_rate_yield", "curve"):
        assert k in d
    p = d["pairs"][0]
    for k in ("channel", "clients", "key_rate_per_pulse", "ratio_to_plob", "qber_x", "qber_z"):
        assert k in p
    assert p["key_rate_per_pulse"] > d["plob_absolute"]                 # SNS beats PLOB at 370 km here
    assert p["ratio_to_plob"] == pytest.approx(p["key_rate_per_pulse"] / d["plob_absolute"], rel=1e-4)
    assert {"distance_km", "key_rate_per_pulse"} <= set(d["curve"][0])


@pytest.mark.parametrize("args,word", [
    (["--eta-d", "1.5"], "--eta-d"),
    (["--pd", "-1"], "--pd"),
    (["--ed", "0.7"], "--ed"),
    (["--loss-db-km", "0"], "--loss-db-km"),
    (["--distance-km", "-5"], "--distance-km"),
    (["--protocol", "bb84"], "--protocol"),
])
def test_cli_bad_input_exit_2(args, word):
    base = list(IDEAL)
    for i in range(0, len(args), 2):
        if args[i] in base:
            base[base.index(args[i]) + 1] = args[i + 1]
        else:
            base += args[i:i + 2]
    r = runner.invoke(app, base)
    assert r.exit_code == 2
    assert word in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_cli_missing_link_option_names_it():
    r = runner.invoke(app, ["network", "--eta-d", "0.5", "--json"])
    assert r.exit_code == 2 and "--pd" in r.output


def test_bad_network_file_names_key(tmp_path):
    f = tmp_path / "net.yaml"
    f.write_text("detector: {efficiency: 2.0}\n")
    r = runner.invoke(app, ["network", "--network", str(f), "--json"])
    assert r.exit_code == 2 and "network.detector.efficiency" in r.output


# ------------------------------------------------------------ link model
def _net(**over):
    from weiming.sims.network.link import load_network

    return load_network(overrides=over)


def test_misalignment_from_sources():
    """e_d = (1 - prod V_i)/2; each factor against its definition (tolerances: quadrature 1e-6)."""
    from weiming.sims.network.link import misalignment

    zero = {"phase": {"drift_rate_rad_per_s": 0.0, "relative_linewidth_hz": 0.0, "reference_residual_rad": 0.0},
            "optics": {"polarisation_mismatch_deg": 0.0, "intensity_setting_accuracy_db": 0.0}}
    net = _net(**zero)
    e, parts = misalignment(net.phase, net.optics)
    assert e == pytest.approx(0.0, abs=1e-15)
    # orthogonal polarisations: no interference, e_d = 1/2
    net = _net(phase=zero["phase"], optics={"polarisation_mismatch_deg": 90.0, "intensity_setting_accuracy_db": 0.0})
    assert misalignment(net.phase, net.optics)[0] == pytest.approx(0.5, abs=1e-12)
    # linear drift over a tracking period: <cos> over delta uniform in [0, rT], brute force
    net = _net(phase={**zero["phase"], "drift_rate_rad_per_s": 5000.0, "tracking_period_s": 1e-4},
               optics=zero["optics"])
    delta = np.linspace(0, 0.5, 200001)
    assert misalignment(net.phase, net.optics)[0] == pytest.approx((1 - np.mean(np.cos(delta))) / 2, rel=1e-5)
    # Wiener laser phase noise: <exp(-pi dnu t)> over t in [0, T]
    net = _net(phase={**zero["phase"], "relative_linewidth_hz": 1000.0, "tracking_period_s": 1e-4},
               optics=zero["optics"])
    t = np.linspace(0, 1e-4, 200001)
    assert misalignment(net.phase, net.optics)[0] == pytest.approx((1 - np.mean(np.exp(-np.pi * 1000 * t))) / 2,
                                                                   rel=1e-5)


def test_noise_counts_scale_with_overlap_and_channels():
    from weiming.sims.network.link import noise_per_gate

    base = noise_per_gate(_net(), 370.0, 10)
    double = noise_per_gate(_net(noise={"duty_in_gate": 2e-6}), 370.0, 10)
    assert double["raman"] == pytest.approx(2 * base["raman"], rel=1e-12)
    sim = noise_per_gate(_net(noise={"simultaneous_channels": True}), 370.0, 10)
    assert sim["wdm_crosstalk"] == pytest.approx(9 * base["wdm_crosstalk"], rel=1e-12)
    assert noise_per_gate(_net(noise={"duty_in_gate": 0.0}), 370.0, 10)["raman"] == 0.0


def test_locking_phase_variance_against_numerical_integral():
    """dnu/(2 f_L): the Wiener phase-noise PSD dnu/(pi f^2) through a first-order loop's error response
    f^2/(f^2 + f_L^2), integrated numerically over f in [0, inf) (scipy quad; rel 1e-6)."""
    from scipy.integrate import quad

    from weiming.sims.network.link import locking_phase_variance

    dnu, f_l = 2e6, 1.5e9
    def integrand(f):                                           # rad^2 per Hz
        return dnu / (np.pi * f ** 2) * f ** 2 / (f ** 2 + f_l ** 2)

    # integrate in units of f_L (f = f_L x) so quad sees an O(1) scale
    num = quad(lambda x: integrand(f_l * x) * f_l, 1e-12, np.inf, epsrel=1e-10)[0]
    assert locking_phase_variance(2 * f_l / 1e9, dnu) == pytest.approx(num, rel=1e-6)
    assert np.isinf(locking_phase_variance(0.0, dnu))
