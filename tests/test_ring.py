"""Ring model: closed forms checked against the transmission function they summarise."""

from __future__ import annotations

import math

import numpy as np
import pytest

from weiming.sims.devices import ring

WL0 = 1.54978


def _dip(radius_um, kappa2, loss, neff=1.6, ng=1.8, span_fwhm=12, n=4001):
    """Sample one resonance dip of ``all_pass`` over +-span_fwhm linewidths."""
    L = 2 * math.pi * radius_um
    fsr_um = WL0**2 / (ng * L)
    res = ring.resonance_wavelengths_um(radius_um, neff, ng, WL0 - 0.6 * fsr_um, WL0 + 0.6 * fsr_um, center_um=WL0)
    wr = float(res[np.argmin(abs(res - WL0))])
    ql = ring.loaded_q(ring.intrinsic_q(loss, ng, wr), ring.coupling_q(kappa2, ng, L, wr))
    wl = np.linspace(wr - span_fwhm * wr / ql, wr + span_fwhm * wr / ql, n)
    return wr, wl, ring.all_pass(wl, radius_um, kappa2, loss, neff, ng, center_um=WL0)


def test_fit_recovers_qi_qc_of_the_transmission_function():
    # Under-coupled 100-um ring: the Lorentzian fit of the exact Airy function
    # must return the closed-form Qi and Qc. 2 % covers the Lorentzian
    # approximation of the Airy dip at QL ~ 1e5-1e6.
    radius, kappa2, loss, ng = 100.0, 2e-3, 30.0, 1.8
    wr, wl, tr = _dip(radius, kappa2, loss, ng=ng)
    qi, qc = ring.fit_lorentzian(wl, tr, regime="under")
    L = 2 * math.pi * radius
    assert qi == pytest.approx(ring.intrinsic_q(loss, ng, wr), rel=0.02)
    assert qc == pytest.approx(ring.coupling_q(kappa2, ng, L, wr), rel=0.02)
    # extinction of the fit agrees with the closed form
    fit = ring.fit_resonance(wl, tr)
    assert -10 * math.log10(fit.tmin) == pytest.approx(ring.extinction_db(kappa2, loss, L), rel=0.02)


def test_over_coupled_swaps_qi_qc():
    radius, kappa2, loss, ng = 100.0, 2e-2, 30.0, 1.8
    wr, wl, tr = _dip(radius, kappa2, loss, ng=ng)
    qi, qc = ring.fit_lorentzian(wl, tr, regime="over")
    assert qi == pytest.approx(ring.intrinsic_q(loss, ng, wr), rel=0.02)
    assert qc == pytest.approx(ring.coupling_q(kappa2, ng, 2 * math.pi * radius, wr), rel=0.02)


def test_critical_coupling_and_fsr():
    radius, loss, ng, neff = 250.0, 20.0, 1.9, 1.7
    L = 2 * math.pi * radius
    k2c = ring.critical_kappa2(loss, L)
    assert ring.extinction_db(k2c, loss, L) == math.inf
    # Qi == Qc at critical coupling (to first order in the round-trip loss)
    assert ring.coupling_q(k2c, ng, L, WL0) == pytest.approx(ring.intrinsic_q(loss, ng, WL0), rel=1e-3)
    res = ring.resonance_wavelengths_um(radius, neff, ng, 1.53, 1.57, center_um=WL0)
    fsr = np.diff(ring.C_M_PER_S / (res * 1e-6))
    # spacing of the resonances of the phase model == c / (ng L); 1e-9 is numerical
    assert np.allclose(-fsr, ring.fsr_hz(ng, L), rtol=1e-9)


def test_normal_dispersion_shrinks_fsr_to_the_red():
    # D2 < 0 (normal): omega_mu = omega0 + D1 mu + D2 mu^2/2 -> spacing drops with mu
    radius, neff, ng = 800.0, 1.7, 1.9
    L = 2 * math.pi * radius
    fsr = ring.fsr_hz(ng, L)
    d2 = -2.0e5  # Hz
    res = ring.resonance_wavelengths_um(radius, neff, ng, 1.545, 1.555, center_um=WL0, d2_hz=d2)
    nu = np.sort(ring.C_M_PER_S / (res * 1e-6))
    spacing = np.diff(nu)
    slope = np.polyfit(np.arange(spacing.size), spacing, 1)[0]
    assert slope == pytest.approx(d2, rel=0.05)  # second difference of omega_mu / 2pi == D2 / 2pi
    assert np.mean(spacing) == pytest.approx(fsr, rel=1e-3)


def test_add_drop_conserves_power_without_loss():
    res = ring.resonance_wavelengths_um(50.0, 1.7, 1.9, 1.545, 1.555)
    wl = np.sort(np.r_[np.linspace(1.545, 1.555, 2001), res])  # include the exact resonances
    thr, drop = ring.add_drop(wl, 50.0, 0.05, 0.05, 0.0, 1.7, 1.9)
    assert np.allclose(thr + drop, 1.0, atol=1e-12)
    assert drop.max() == pytest.approx(1.0, abs=1e-3)  # symmetric lossless -> full drop on resonance


def test_all_pass_is_bounded_and_unity_without_loss():
    wl = np.linspace(1.549, 1.551, 2001)
    assert np.allclose(ring.all_pass(wl, 50.0, 0.1, 0.0, 1.7, 1.9), 1.0, atol=1e-12)
    t = ring.all_pass(wl, 50.0, 0.1, 100.0, 1.7, 1.9)
    assert t.min() >= 0 and t.max() <= 1


@pytest.mark.parametrize("kwargs", [dict(kappa2=1.5), dict(kappa2=-0.1), dict(loss_db_per_m=-1.0),
                                    dict(radius_um=0.0), dict(ng=float("nan"))])
def test_bad_input_names_the_parameter(kwargs):
    args = dict(wavelength_um=1.55, radius_um=10.0, kappa2=0.1, loss_db_per_m=1.0, neff=1.7, ng=1.9)
    args.update(kwargs)
    with pytest.raises(ring.RingModelError, match=next(iter(kwargs))):
        ring.all_pass(**args)


def test_seed_intrinsic_q_of_the_sin100_ring():
    """1.7 dB/m at 1549.78 nm with the sin100 ring waveguide's ng -> Qi near 20 million (seed paper)."""
    modes = pytest.importorskip("weiming.sims.modes.mpb")
    ng = modes.group_index("sin100", "resonator", WL0)
    qi = ring.intrinsic_q(1.7, ng, WL0)
    print(f"sin100 resonator ng={ng:.4f} -> Qi={qi / 1e6:.2f} million at 1.7 dB/m")
    # The seed reports a mean Qi of 20 million; ng of a 100 nm x 2.8 um core is
    # ~1.5-2, so the closed form must land within +-30 % of it.
    assert 14e6 < qi < 26e6


def _cli(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "weiming.cli", "ring", "spectrum", *args],
                          capture_output=True, text=True, timeout=600)


def test_cli_ring_spectrum_bad_input():
    for args, msg in ((["--pdk", "nope", "--radius", "100", "--gap", "1"], "unknown PDK"),
                      (["--pdk", "sin100", "--radius", "1000", "--gap", "0.1"], "minimum space"),
                      (["--pdk", "sin100", "--radius", "-5", "--gap", "1"], "--radius -5"),
                      (["--pdk", "sin100", "--radius", "1000", "--gap", "1", "--coupler", "pulley"], "wrap_angle")):
        r = _cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert msg in r.stderr and "Traceback" not in r.stderr


@pytest.mark.meep
@pytest.mark.slow
def test_cli_ring_spectrum_json(tmp_path):
    """sin100 comb ring through the CLI: ring-model numbers consistent with the closed forms."""
    import json

    png = tmp_path / "ring.png"
    r = _cli("--pdk", "sin100", "--radius", "1000", "--gap", "2.5", "--json", "--png", str(png))
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    L = 2 * math.pi * 1000
    assert d["loss_db_per_m"] == 1.7  # PDK default (seed paper)
    assert d["qi"] == pytest.approx(ring.intrinsic_q(1.7, d["ng"], WL0))
    assert d["fsr_hz"] == pytest.approx(ring.fsr_hz(d["ng"], L))
    assert 25e9 < d["fsr_hz"] < 35e9  # 1 mm radius sin100 ring: ~30 GHz (seed: 30.03 GHz)
    assert d["regime"] in ("under", "over", "critical")
    assert png.stat().st_size > 1000
    fit = ring.fit_resonance(*_zoom(d), regime=d["regime"] if d["regime"] != "critical" else "under")
    assert fit.ql == pytest.approx(d["ql"], rel=0.02)


def _zoom(d):
    wl = np.array(d["spectrum"]["wavelength_um"])
    tr = np.array(d["spectrum"]["transmission"])
    r0 = min(d["resonances_um"], key=lambda r: abs(r - d["center_um"]))
    sel = np.abs(wl - r0) < 15 * r0 / d["ql"]
    return wl[sel], tr[sel]
