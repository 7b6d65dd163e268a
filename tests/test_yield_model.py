"""Issue 17: layout critical areas, structured process variation, clustered defects, Bayesian update,
design centring -- each against a closed form or a known answer (tolerances stated per test)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from weiming.sims.wafer import bayes
from weiming.sims.wafer.centering import parse_center, saa_maximize
from weiming.sims.wafer.critical_area import mean_pair_area_um2, region_critical_area
from weiming.sims.wafer.field import kernel_matrix, sample_field
from weiming.sims.wafer.run import wafer_interval


def _stapper(x, x0):
    return np.where(x <= x0, x / x0**2, x0**2 / x**3)


@pytest.mark.parametrize("s_um", [0.6, 4.0])
def test_rectangle_pair_critical_area_matches_closed_form(s_um):
    """Two L x w rectangles s apart: shorts = L x0^2/(2 s) (s >= x0) -- the Stapper-averaged L (x - s);
    opens of each rectangle = L x0^2/(2 w). KLayout extraction vs closed form to 1e-6 (exact geometry),
    and the closed form vs direct quadrature of the size distribution to 1e-6."""
    import klayout.db as kdb

    L, w, x0 = 200.0, 2.0, 1.0
    r = kdb.Region()
    r.insert(kdb.Box(0, 0, int(L * 1000), int(w * 1000)))
    r.insert(kdb.Box(0, int((w + s_um) * 1000), int(L * 1000), int((2 * w + s_um) * 1000)))
    shorts, opens = region_critical_area(r, x0, d_max_um=50.0)
    f = lambda x: L * (x - s_um) * _stapper(x, x0)  # noqa: E731
    mid = max(x0, s_um)
    quad = (integrate.quad(f, s_um, mid)[0] if mid > s_um else 0.0) + integrate.quad(f, mid, np.inf, limit=200)[0]
    assert float(mean_pair_area_um2(L, s_um, x0)) == pytest.approx(quad, rel=1e-6)
    assert shorts == pytest.approx(quad, rel=1e-6)
    assert opens == pytest.approx(2 * L * x0**2 / (2 * w), rel=1e-6)


def test_random_field_empirical_covariance_matches_kernel():
    """Cholesky sampling at die sites: empirical covariance of 4000 realisations vs sigma^2 k(r).
    Tolerance 0.1 sigma^2 absolute: the s.e. of a covariance estimate from n draws is <= sigma^2 sqrt(2/n) = 0.022."""
    xy = np.array([[0, 0], [5, 0], [10, 0], [0, 15], [20, 20], [-30, 5]], dtype=float)
    rng = np.random.default_rng(3)
    z = sample_field(xy, 2.0, 15.0, 4000, rng)
    emp = np.cov(z.T)
    assert np.abs(emp - 4.0 * kernel_matrix(xy, 15.0)).max() < 0.1 * 4.0


def test_negative_binomial_clustering_against_closed_form():
    """At equal device yield Yd, n devices per chip: independent defects give Yd^n, die-level Gamma
    clustering gives (1 + n (Yd^(-1/alpha) - 1))^(-alpha) -- higher. The clustered likelihood's chip pmf
    reproduces the closed form (quadrature, 1e-6) and a direct Monte Carlo (5 s.e.)."""
    alpha, area, d0, n = 0.8, 1e-3, 40.0, 6
    mm = bayes.ModulatorModel(np.array([1.0]), np.array([area]), np.array([1.0]), alpha)
    pmf = mm.chip_pmf(np.array([d0]), n)[0]
    closed = (1 + n * d0 * area / alpha) ** (-alpha)
    yd = (1 + d0 * area / alpha) ** (-alpha)
    assert pmf[n] == pytest.approx(closed, rel=1e-6)
    assert closed > yd**n
    rng = np.random.default_rng(1)
    g = rng.gamma(alpha, 1 / alpha, size=200_000)
    killed = rng.poisson(d0 * area * g[:, None] * np.ones(n)) > 0
    mc = float((~killed).all(axis=1).mean())
    assert mc == pytest.approx(closed, abs=5 * np.sqrt(closed * (1 - closed) / 200_000))


def test_grid_posterior_matches_conjugate_beta():
    """The grid posterior machinery on a Beta(4, 1.5) prior with 117/120 vs the analytic Beta(121, 4.5):
    mean and 95 % interval to 1e-4 (grid of 20001 points)."""
    p = np.linspace(1e-6, 1 - 1e-6, 20001)
    a, b = bayes.beta_posterior(4, 1.5, 117, 120)
    w = bayes.grid_posterior(stats.beta.logpdf(p, 4, 1.5), stats.binom.logpmf(117, 120, p))
    cdf = np.cumsum(w)
    assert (a, b) == (121, 4.5)
    assert float((w * p).sum()) == pytest.approx(stats.beta.mean(a, b), abs=1e-4)
    for q in (0.025, 0.975):
        assert float(np.interp(q, cdf, p)) == pytest.approx(stats.beta.ppf(q, a, b), abs=1e-4)


def test_d0_posterior_moves_towards_data_and_ppc():
    """More failures -> higher posterior D0; the prior-predictive p-value is small when the observation
    is far in the prior's tail (0/120 working) and not small for a typical one."""
    mm = bayes.ModulatorModel(np.array([0.995]), np.array([2e-5]), np.array([1.0]), 2.0)
    lo = bayes.update(mm, 10.0, 1.0, total=(120, 120), per_chip=6)
    hi = bayes.update(mm, 10.0, 1.0, total=(100, 120), per_chip=6)
    assert hi.summary()["median_per_cm2"] > lo.summary()["median_per_cm2"]
    assert bayes.update(mm, 10.0, 0.3, total=(0, 120), per_chip=6).ppc_p_value < 1e-3
    assert lo.ppc_p_value > 0.05


def test_centering_recovers_known_optimum():
    """A synthetic yield 0.9 exp(-(x - 0.37)^2 / 0.02): the coarse + fine grid finds 0.37 within the fine
    step ((hi - lo)/(n_coarse - 1) * 2 / (n_fine + 1) = 0.028), never below the start value."""
    f = lambda x: 0.9 * np.exp(-((x - 0.37) ** 2) / 0.02)  # noqa: E731
    r = saa_maximize(f, -1.0, 1.0, x0=-0.5)
    assert abs(r["x"] - 0.37) < 0.028
    assert r["y"] >= f(-0.5)
    assert r["evaluations"] <= 20


def test_center_option_parsing():
    assert parse_center("mmi_width_offset_um=-0.1:0.1") == ("mmi_width_offset_um", -0.1, 0.1)
    for bad in ("ring_gap=1:2", "mmi_width_offset_um=0.1:-0.1", "mmi_width_offset_um=nan:1",
                "grating_period_offset_nm=-5:5", "modulator_length_um"):
        with pytest.raises(ValueError, match="--center"):
            parse_center(bad)


def test_wafer_level_interval_coverage_by_repeated_simulation():
    """Chips on one wafer share its draw (here a wafer effect with design effect ~ 8): the wafer-level
    mean interval covers the true mean in ~95 % of 400 repeated experiments (accept 90-99 %), where a
    chip-level binomial interval would badly under-cover (checked: < 70 %)."""
    rng = np.random.default_rng(7)
    true_p, n_wafers, chips = 0.9, 12, 60
    cover_w = cover_chip = 0
    for _ in range(400):
        p_w = np.clip(true_p + 0.1 * rng.standard_normal(n_wafers), 0, 1)   # wafer-to-wafer spread
        good = rng.random((n_wafers, chips)) < p_w[:, None]
        e = wafer_interval(good.mean(axis=1))
        cover_w += e["mean_ci95"][0] <= true_p <= e["mean_ci95"][1]
        k, n = good.sum(), good.size
        ph = k / n
        half = 1.96 * np.sqrt(ph * (1 - ph) / n)
        cover_chip += ph - half <= true_p <= ph + half
    assert 0.90 <= cover_w / 400 <= 0.99
    assert cover_chip / 400 < 0.7


def test_importance_sampling_pair_failure_matches_closed_form():
    """Poisson defects, no parametric loss: P(both chips fail) = (1 - exp(-L))^2 with L = sum lambda.
    At L = 0.01 (p = 1e-4) the tilted estimate is within 5 relative s.e. of the truth with 20,000 pairs,
    a relative s.e. below 5 % and an effective sample size reported; plain MC has a far larger error."""
    from weiming.sims.wafer.tail import tilted_pair_failure

    lam = np.full(5, 0.002)
    truth = (1 - np.exp(-lam.sum())) ** 2
    ok = np.ones(1000, dtype=bool)
    r = tilted_pair_failure(ok, lam, None, 20_000, np.random.default_rng(3))
    assert abs(r["value"] - truth) < 5 * r["rel_se"] * r["value"]
    assert r["rel_se"] < 0.05 and 0 < r["ess"] <= 20_000
    plain = tilted_pair_failure(ok, lam, None, 20_000, np.random.default_rng(3), theta=1.0, beta=0.0)
    assert plain["rel_se"] is None or plain["rel_se"] > 3 * r["rel_se"]
    # with parametric failures too (2 % of chips): P = (q + (1 - q)(1 - exp(-L)))^2, q = parametric fail share
    ok = np.ones(1000, dtype=bool)
    ok[:20] = False
    q = 0.02
    truth = (q + (1 - q) * (1 - np.exp(-lam.sum()))) ** 2
    r = tilted_pair_failure(ok, lam, None, 20_000, np.random.default_rng(4))
    assert abs(r["value"] - truth) < 5 * r["rel_se"] * r["value"] and r["rel_se"] < 0.05


def test_defect_multipliers_gamma_marginal_and_spatially_clustered():
    """Copula-correlated die multipliers: marginal Gamma(alpha, 1/alpha) (mean 1, variance 1/alpha, to
    5 s.e.), and neighbouring dies more alike than distant ones (correlation > 0.5 at one pitch vs < 0.2
    beyond 4 correlation lengths)."""
    from weiming.sims.wafer.process import process_model
    from weiming.sims.wafer.run import defect_multipliers
    from weiming.sims.wafer.sites import die_sites

    m = process_model("inp")
    lay = die_sites(76.2, (4600, 2000))
    g = defect_multipliers(m, lay, 400, np.random.default_rng(5))
    assert g.mean() == pytest.approx(1.0, abs=0.05) and g.var() == pytest.approx(1 / m.alpha, rel=0.15)
    assert stats.kstest(g[:, 0], stats.gamma(m.alpha, scale=1 / m.alpha).cdf).pvalue > 1e-3
    d = np.hypot(*(lay.xy_mm[:, None, :] - lay.xy_mm[None, :, :]).transpose(2, 0, 1))
    i, j = np.argwhere((d > 1) & (d < 2.5))[0]
    k, l = np.argwhere(d > 4 * m.defect_corr_length_mm)[0]
    assert np.corrcoef(g[:, i], g[:, j])[0, 1] > 0.5
    assert abs(np.corrcoef(g[:, k], g[:, l])[0, 1]) < 0.2
