"""Wafer yield model: statistics against known answers, calibration, surrogates, determinism.

Tolerances are statistical: a Monte Carlo fraction from N Bernoulli draws has
standard error sqrt(p (1-p) / N); we accept 5 standard errors (false-alarm
probability ~6e-7 per check) so the tests are not flaky but still fail for a
wrong formula (the alternatives they guard against differ by far more).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from weiming.sims.wafer.calibrate import fit_d0, parse_observed
from weiming.sims.wafer.config import ConfigError, load_config
from weiming.sims.wafer.field import kernel_matrix, sample_field
from weiming.sims.wafer.process import process_model, sample_process
from weiming.sims.wafer.run import run_yield, simulate_chip
from weiming.sims.wafer.sites import die_sites
from weiming.sims.wafer.specs import load_specs
from weiming.sims.wafer.stats import clopper_pearson, negbin_yield, poisson_yield, wilson


@pytest.mark.parametrize("model", ["poisson", "negbin"])
def test_defect_kill_matches_closed_form(model):
    """Fraction of devices without a killer defect = exp(-D0 A) (Poisson) or (1 + D0 A/alpha)^-alpha."""
    alpha = 1.5
    design, process = load_config({"process": {"pdks": {"inp": {"defects": {"model": model, "alpha": alpha}}}}})
    sim = simulate_chip("client", design, process, [], 40, np.random.default_rng(5))
    area = sim.area_cm2["im"]
    d0 = 0.72 / area   # D0 A = 0.72: Poisson 0.487 vs negative binomial 0.555, well separated
    alive = ~sim.killed("im", d0)
    expect = poisson_yield(d0, area) if model == "poisson" else negbin_yield(d0, area, alpha)
    other = negbin_yield(d0, area, alpha) if model == "poisson" else poisson_yield(d0, area)
    # dies are the independent units (the negbin density multiplier is shared by a die's devices)
    die_means = alive.reshape(-1, alive.shape[-1]).mean(axis=1)
    se = die_means.std() / np.sqrt(die_means.size)
    assert abs(alive.mean() - expect) < 5 * se
    assert abs(alive.mean() - other) > 20 * se


def test_random_field_covariance_matches_kernel():
    """Sample covariance of the correlated field vs sigma^2 k(r), for both kernels."""
    rng = np.random.default_rng(11)
    xy = rng.uniform(-30, 30, size=(25, 2))
    n, sigma, ell = 6000, 0.7, 12.0
    for kernel in ("squared_exponential", "exponential"):
        x = sample_field(xy, sigma, ell, n, rng, kernel)
        cov = np.cov(x, rowvar=False)
        target = sigma**2 * kernel_matrix(xy, ell, kernel)
        # s.e. of a sample covariance <= sigma^2 sqrt(2/n) = 0.009; 5 s.e. = 0.045
        assert np.max(np.abs(cov - target)) < 5 * sigma**2 * np.sqrt(2 / n)


def test_process_sigma_comes_from_pdk_and_splits_over_hierarchy():
    from weiming.pdk import get_tech

    tech = get_tech("inp")
    m = process_model("inp")
    assert m.params["core_thickness_um"].sigma == tech.layer_stack["core"].thickness_tol
    assert m.params["shallow_etch_um"].sigma == tech.extra["etches"]["shallow"]["depth_tol"]
    assert m.params["lambda_g_um"].sigma == tech.extra["composition"]["core_lambda_g_tol_um"]
    layout = die_sites(76.2, (4600, 2000))
    ps = sample_process(m, layout, 400, np.random.default_rng(2))
    x = ps.at_devices("core_thickness_um", "t", 2)
    s = m.params["core_thickness_um"].sigma
    # total variance over wafers, sites and devices = sigma^2 (within sampling error of the wafer level:
    # 400 wafer offsets -> relative s.e. of the variance ~ sqrt(2/400) * 0.35 = 2.5 %); the field is
    # sampled at the sites only, which lowers its share slightly, so allow 12 %
    assert x.var() == pytest.approx(s**2, rel=0.12)
    # local mismatch between two devices of a die: var(d1 - d2) = 2 f_local sigma^2
    assert np.var(x[..., 0] - x[..., 1]) == pytest.approx(2 * m.fractions["local"] * s**2, rel=0.05)


def test_die_sites_3inch_client_grid():
    lay = die_sites(76.2, (4600, 2000), edge_exclusion_mm=3, dicing_lane_um=100)
    # every die's corners inside the usable radius; area bound: n * die area <= usable disc area
    w, h = lay.die_mm
    assert lay.n_sites * w * h <= np.pi * lay.usable_radius_mm**2
    assert lay.n_sites > 0.75 * np.pi * lay.usable_radius_mm**2 / (lay.pitch_mm[0] * lay.pitch_mm[1])


def test_calibration_recovers_known_d0_within_ci():
    """Synthetic counts from a known D0: the profile-likelihood 95 % interval covers it ~95 % of the time."""
    d0_true, area, p_par, n = 12.0, 2e-3, 0.995, 120
    p = p_par * np.exp(-d0_true * area)
    rng = np.random.default_rng(123)
    ks = rng.binomial(n, p, size=300)
    fits = [fit_d0(int(k), n, lambda d: p_par * np.exp(-d * area)) for k in ks]
    cover = np.mean([f.ci95[0] <= d0_true <= f.ci95[1] for f in fits])
    # binomial s.e. of a 95 % coverage from 300 trials is 1.3 %; discrete counts make it conservative-ish
    assert 0.88 <= cover <= 1.0
    big = fit_d0(int(rng.binomial(20000, p)), 20000, lambda d: p_par * np.exp(-d * area))
    assert big.ci95[0] <= d0_true <= big.ci95[1]
    assert big.value == pytest.approx(d0_true, rel=0.15)


def test_calibration_edge_cases_and_parse():
    f = fit_d0(120, 120, lambda d: np.exp(-d * 1e-3))
    assert f.value == 0 and f.ci95[0] == 0 and f.ci95[1] > 0
    assert parse_observed("117/120") == (117, 120)
    for bad in ("117-120", "121/120", "a/b", "1/0"):
        with pytest.raises(ValueError, match="--observed"):
            parse_observed(bad)


def test_binomial_intervals():
    lo, hi = wilson(117, 120)
    # Wilson bounds solve (p_hat - p)^2 = z^2 p (1 - p) / n
    for b in (lo, hi):
        assert (117 / 120 - b) ** 2 == pytest.approx(1.959964**2 * b * (1 - b) / 120, rel=1e-5)
    cl, ch = clopper_pearson(117, 120)
    assert cl < lo and ch > hi * 0.999  # exact interval is the wider one here


def test_surrogates_heldout_error_small():
    from weiming.sims.wafer.fit_surrogates import SURROGATES
    from weiming.sims.wafer.surrogates import load

    for name in SURROGATES:
        s = load(name)
        for out, d in s.meta["outputs"].items():
            spread = d["range_heldout"][1] - d["range_heldout"][0]
            assert d["heldout_rms"] < 0.02 * spread, (name, out)


def test_surrogate_matches_direct_eim_at_new_point():
    from weiming.sims.wafer.fit_surrogates import _inp_shallow_eim
    from weiming.sims.wafer.surrogates import load

    s = load("inp_shallow")
    if s.meta["solver"] != "eim":
        pytest.skip("surrogate fitted on another solver")
    inputs, f = _inp_shallow_eim()
    point = {"core_thickness_um": 0.012, "width_bias_um": -0.04, "clad_thickness_um": 0.02,
             "shallow_etch_um": -0.03, "lambda_g_um": 0.004}
    direct = f(point)
    approx = s(**point)
    for k in ("neff", "ng"):
        assert abs(float(approx[k]) - direct[k]) < 10 * s.meta["outputs"][k]["heldout_rms"] + 1e-6


def test_spec_errors_name_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"specs\[0\].*'vpii' is not a metric of device im"):
        load_specs({"specs": [{"device": "im", "metric": "vpii", "max": 4}]})
    with pytest.raises(ConfigError, match=r"specs\[1\].*min 5.0 > max 1.0"):
        load_specs({"specs": [{"device": "im", "metric": "vpi_v", "max": 4},
                              {"device": "pm", "metric": "vpi_v", "min": 5, "max": 1}]})
    with pytest.raises(ConfigError, match=r"specs\[0\]\.bound"):
        load_specs({"specs": [{"device": "im", "metric": "vpi_v", "bound": 4}]})
    with pytest.raises(ConfigError, match=r"design.client.die_um"):
        load_config({"design": {"client": {"die_um": [0, 2000]}}})
    with pytest.raises(ConfigError, match=r"process.hierachy: unknown key"):
        load_config({"process": {"hierachy": {"wafer": 0.5}}})
    with pytest.raises(ConfigError, match=r"process: .*sum to 1"):
        load_config({"process": {"hierarchy": {"wafer": 0.9}}})
    p = tmp_path / "bad.yaml"
    p.write_text("specs: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_specs(p)


def test_default_run_posterior_and_deterministic():
    """Default run: posterior modulator yield with its interval containing the published 97.5 %;
    client and comb chip yields with intervals; same seed -> identical JSON."""
    r1 = run_yield(seed=1, wafers=20, sensitivity=False)
    mod = r1["device_yield"]["modulator"]
    assert mod["ci95"][0] <= mod["value"] <= mod["ci95"][1]
    for chip in ("client", "server"):
        e = r1["chip_yield"][chip]
        assert 0 < e["value"] <= 1 and e["ci95"][0] <= e["value"] <= e["ci95"][1]
    # a client chip needs all its modulators (and more): chip yield below the modulator yield ^ count
    n_mod = sum(r1["design"]["client"]["devices"][k]["count"] for k in ("im", "pm"))
    assert r1["chip_yield"]["client"]["value"] < mod["value"] ** n_mod
    cal = r1["calibration"]["d0_per_cm2"]
    assert cal["ci95"][0] < cal["value"] < cal["ci95"][1]
    pred = r1["predictions"]["client_chip_yield_vs_critical_area_scale"]
    assert pred["1"]["value"] == pytest.approx(r1["chip_yield"]["client"]["value"], rel=1e-5)
    assert pred["0.5"]["value"] >= pred["1"]["value"] >= pred["2"]["value"] >= pred["4"]["value"]
    assert pred["0.5"]["value"] > pred["4"]["value"]
    r2 = run_yield(seed=1, wafers=20, sensitivity=False)
    assert json.dumps(r1, sort_keys=True) == json.dumps(r2, sort_keys=True)
    r3 = run_yield(seed=2, wafers=5, sensitivity=False)
    assert r3["device_yield"]["im"] != r1["device_yield"]["im"]


def test_model_predicts_other_wafers_and_counts(tmp_path):
    """A 100-mm InP wafer in the chips design gives more sites; more modulators per chip (what-if
    override of the inventory) lower the predicted chip yield (same random numbers)."""
    base = run_yield(seed=4, wafers=10, sensitivity=False)
    cfg = tmp_path / "big_wafer.yaml"
    cfg.write_text("wafers: {inp: {diameter_mm: 100.0, edge_exclusion_mm: 3.0}}\n")
    big = run_yield(config=cfg, seed=4, wafers=10, sensitivity=False)
    assert big["design"]["client"]["sites_per_wafer"] > base["design"]["client"]["sites_per_wafer"]
    more = run_yield(config={"design": {"client": {"devices": {"im": {"count": 8}}}}}, seed=4, wafers=10,
                     sensitivity=False)
    assert more["chip_yield"]["client"]["value"] < base["chip_yield"]["client"]["value"]


def test_sensitivity_ranks_thickness_first_for_comb():
    r = run_yield(seed=1, wafers=10)
    top = [row for row in r["sensitivity"]["server"] if row["parameter"] != "defects (D0)"][0]
    # the 100-nm film's thickness drives ng, hence the FSR spec (the dominant server failure)
    assert top["parameter"] == "core_thickness_um"
    assert r["pareto"]["server"][0]["spec"].startswith("comb_ring: -0.3 <= fsr_error_ghz")


def test_amzi_delay_error_spread_matches_linear_propagation():
    """With an AMZI on the chip: std(delay error) ~ tau * std(ng)/ng, std(ng) from the surrogate's linear terms."""
    from weiming.sims.wafer.surrogates import load

    r = run_yield(config={"design": {"client": {"devices": {"amzi": {"count": 1, "delay_ps": 100.0,
                                                                     "critical_area_um2": 1000.0}}}}},
                  seed=3, wafers=20, sensitivity=False)
    assert "amzi" in r["device_yield"]
    s = load("inp_deep")
    c = s.outputs["ng"]
    # linear coefficients per 1-sigma of each input; every input has total variance sigma^2 (hierarchy)
    std_ng = np.sqrt(np.sum(c[1:1 + len(s.inputs)] ** 2))
    expect = 100.0 * std_ng / s.nominal("ng")
    # 20 wafers: the lot + wafer share (35 % of the variance) is estimated from 20 draws -> ~6 % s.e. on the std; the field sampled at the sites carries slightly less than its share, so allow 20 %
    assert r["metrics"]["amzi"]["delay_error_ps"]["std"] == pytest.approx(expect, rel=0.2)


def test_eim_surrogates_agree_with_mode_solver():
    """The stored comparison of each EIM surrogate with the full-vector mode solver (written by
    ``fit_surrogates --validate`` on the same coefficients): nominal neff/ng within 0.1 %, the change
    over +2 sigma of width and thickness within 20 % (EIM is a separable approximation)."""
    from weiming.sims.wafer.fit_surrogates import SURROGATES
    from weiming.sims.wafer.surrogates import load

    checked = 0
    for name in SURROGATES:
        s = load(name)
        v = s.meta.get("validation_vs_mode_solver")
        if s.meta["solver"] != "eim" or not v or "points" not in v:
            continue
        nom = v["points"]["nominal"]
        for k in ("neff", "ng"):
            assert nom["surrogate"][k] == pytest.approx(s.nominal(k), abs=1e-9)  # validated these coefficients
            assert nom["surrogate"][k] == pytest.approx(nom["mpb"][k], rel=1e-3), (name, k)
        # the shallow ridge feeds only the DBR's Bragg wavelength, through neff (ng enters at nominal only),
        # and its width sensitivity of ng is tiny (4e-4 over 2 sigma): compare the sensitivities the model uses
        used = ("neff",) if s.meta["xs"] == "shallow" else ("neff", "ng")
        for label, ch in v["change_from_nominal"].items():
            for k in used:
                assert ch["surrogate"][k] == pytest.approx(ch["mpb"][k], rel=0.2, abs=2e-4), (name, label, k)
        checked += 1
    assert checked >= 1


def test_sin_resonator_surrogate_vs_independent_eim():
    """The sin100 resonator surrogate (fitted on the MPB mode solver) against the analytic EIM of
    :mod:`weiming.sims.wafer.slab` at the nominal point and over +2 sigma of thickness: the thin,
    wide Si3N4 guide is close to a slab, so ng agrees to 0.3 % (EIM's separable-field error for a 2.8 x 0.1 um
    guide, measured 0.15 %) and dng/dt to 15 %."""
    from weiming.sims.wafer.fit_surrogates import _sin_resonator_eim
    from weiming.sims.wafer.surrogates import load

    s = load("sin100_resonator")
    _, eim = _sin_resonator_eim()
    e0 = eim({"core_thickness_um": 0.0, "width_bias_um": 0.0})
    e1 = eim({"core_thickness_um": 0.006, "width_bias_um": 0.0})
    s1 = s(core_thickness_um=0.006)
    assert s.nominal("ng") == pytest.approx(e0["ng"], rel=3e-3)
    assert s.nominal("neff") == pytest.approx(e0["neff"], rel=3e-3)
    assert float(s1["ng"]) - s.nominal("ng") == pytest.approx(e1["ng"] - e0["ng"], rel=0.15)
    assert s.nominal("beta2_ps2_per_km") > 0 and e0["beta2_ps2_per_km"] > 0  # normal dispersion (dark pulse)


@pytest.mark.parametrize("name", ["inp_deep", "inp_shallow", "sin100_resonator"])
def test_surrogate_has_provenance_and_has_not_drifted_from_its_solver(name):
    """Each stored surrogate names its solver, version and resolution, and still reproduces that solver at
    the nominal point within its stated error (held-out max error, or its nominal miss at fitting time if
    larger) plus 10 % (fails when the solver or the PDK changes and the surrogate is not regenerated:
    python -m weiming.sims.wafer.fit_surrogates)."""
    from weiming.sims.wafer.fit_surrogates import solve_at
    from weiming.sims.wafer.surrogates import load

    s = load(name)
    prov = s.meta["provenance"]
    assert prov["solver"] == s.meta["solver"] and "weiming" in prov
    if prov["solver"] == "mpb":
        pytest.importorskip("meep")
        from weiming.sims.modes.mpb import ALGO_VERSION

        assert prov["modes_algo_version"] == ALGO_VERSION and prov["resolution_px_per_um"] >= 10
    got = solve_at(name, prov["solver"], {})
    for k, d in s.meta["outputs"].items():
        assert got[k] == pytest.approx(s.nominal(k), abs=1.1 * d["stated_error"] + 1e-12), (name, k)
