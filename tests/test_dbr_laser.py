"""DBR laser of the client chip: grating designed from both sections, injection locking, manifest figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from weiming.sims.devices import grating as g
from weiming.sims.devices import injection as inj

C0 = 299_792_458.0


def _cell(**kw):
    from weiming.pdk import activate

    return activate("inp").get_component("dbr_laser", **kw)


def _teeth_fit_period_nm(c, name: str) -> float:
    """Least-squares period (nm) of the GRATING teeth of section ``name``, read from the layout."""
    from weiming.pdk import get_tech

    li = c.kcl.layer(*get_tech("inp").layer("GRATING"))
    a, b = c.info["section_um"][name]
    xs = sorted(p.bbox().left * c.kcl.dbu for p in c.shapes(li).each())
    x = np.array([v for v in xs if a - 1e-6 <= v < b]) * 1000
    return float(np.polyfit(np.arange(len(x)), x, 1)[0])


# ---------------------------------------------------------------- design from both sections
def test_dbr_design_closed_forms_against_tmm():
    """n_avg is the duty-weighted mean; the period puts lambda_B (TMM peak) on the target within 2 pm;
    tanh^2(kappa L) matches the TMM peak within 1 % (coupled-mode theory is O(dn/n) ~ 0.5 %
    accurate here); the stop band (band edges of the infinite grating) matches the TMM's long-grating
    band edges within 5 %."""
    d = g.dbr_design(1550.0, 3.2544, 3.2368, 3.66, duty=0.5)
    assert d.n_avg == pytest.approx(0.5 * (3.2544 + 3.2368))
    assert d.bragg_nm() == pytest.approx(1550.0, abs=1e-9)
    n = int(round(d.length_for_reflectivity_um(0.5) * 1000 / d.period_nm))
    wl = np.linspace(1.545, 1.555, 20001)
    r = g.tmm_reflection(wl, d.neff_ridge, d.neff_tooth, d.period_nm / 1000, n)
    assert wl[np.argmax(r)] * 1000 == pytest.approx(1550.0, abs=2e-3)
    assert r.max() == pytest.approx(d.reflectivity(n * d.period_nm / 1000), rel=1e-2)
    # long grating: the flat top (R > 0.99) spans the stop band
    long = g.tmm_reflection(wl, d.neff_ridge, d.neff_tooth, d.period_nm / 1000, 20000)
    top = wl[long > 0.99]
    # the TMM uses phase indices only (no material dispersion), so compare with n_avg in place of n_g
    stop_phase = (1.55 ** 2) * d.kappa_per_cm * 1e-4 / (math.pi * d.n_avg) * 1000
    assert (top.max() - top.min()) * 1000 == pytest.approx(stop_phase, rel=0.05)


@pytest.mark.parametrize("kw,match", [({"neff_ridge": 3.2, "neff_tooth": 3.25}, "neff_ridge"),
                                      ({"duty": 1.2}, "duty")])
def test_dbr_design_rejects_bad_input(kw, match):
    args = {"target_nm": 1550.0, "neff_ridge": 3.25, "neff_tooth": 3.23, "ng": 3.66, **kw}
    with pytest.raises(g.GratingError, match=match):
        g.dbr_design(**args)


def test_laser_cell_draws_the_designed_period_and_reflectivities():
    """The cell's teeth (read from the layout) have the designed period within 0.5 pm and the two
    mirrors the designed reflectivities within 0.02 (whole periods)."""
    from weiming.components.inp._common import dbr_at

    c = _cell(bragg_wavelength_nm=1549.78, back_reflectivity=0.5, front_reflectivity=0.3)
    d = dbr_at(1549.78)
    for name, r in (("back_grating", 0.5), ("front_grating", 0.3)):
        assert _teeth_fit_period_nm(c, name) == pytest.approx(d.period_nm, abs=5e-4)
        assert c.info["reflectivity"][name] == pytest.approx(r, abs=0.02)
    assert c.info["n_avg"] == pytest.approx(d.n_avg, abs=1e-6)


@pytest.mark.meep
@pytest.mark.parametrize("line", [0, -5])
def test_bragg_wavelength_from_two_mode_solves_matches_the_drawn_period(line):
    """lambda_B = 2 n_avg Lambda with n_avg from two MPB solves (unetched ridge, tooth section) at the
    comb line, and Lambda the period fitted to the drawn teeth: within 3 GHz of the comb line.
    Budget: drawn period within 0.5 pm (0.4 GHz), frozen indices vs solver within 1e-5 at the centre
    line and first-order dispersion within 2e-5 at 5 lines away (2.4 GHz)."""
    f0 = C0 / 1549.78e-9
    f = f0 + line * 30.03e9
    lam_nm = C0 / f * 1e9
    c = _cell(bragg_wavelength_nm=round(lam_nm, 4))
    sec = g.section_modes(lam_nm / 1000)
    assert sec["ridge"]["neff"] > sec["tooth"]["neff"]
    n_avg = 0.5 * (sec["ridge"]["neff"] + sec["tooth"]["neff"])
    for name in ("back_grating", "front_grating"):
        lb = 2 * n_avg * _teeth_fit_period_nm(c, name)
        assert abs(C0 / (lb * 1e-9) - f) / 1e9 < 3.0, (name, lb, lam_nm)


@pytest.mark.meep
def test_tooth_index_step_against_slab_model():
    """Independent estimate of the index step: the slab (1D) effective indices of the stack with and
    without the 0.1 um tooth (weiming.sims.fdtd.eim.slab_neff) differ by within 25 % of the MPB
    ridge-section difference (the 2 um ridge confines laterally, changing the overlap by ~10-20 %),
    so kappa is the right magnitude (Coldren et al. quote 100-300 /cm for such gratings)."""
    from weiming.pdk import get_tech
    from weiming.pdk.materials import get_material
    from weiming.sims.fdtd.eim import slab_neff

    wl = 1.54978
    t = get_tech("inp")
    st = t.layer_stack
    n = {k: float(get_material(st[k].material).n(wl)) for k in ("substrate", "core", "cladding")}
    n_top = float(get_material(st["planarisation"].material).n(wl))
    core, clad, dep = st["core"].thickness, st["cladding"].thickness, t.extra["etches"]["grating"]["depth"]
    hi = slab_neff([n["substrate"], n["core"], n["cladding"], n_top], [core, clad], wl)[0]
    lo = slab_neff([n["substrate"], n["core"], n["cladding"], n["cladding"], n_top], [core - dep, dep, clad], wl)[0]
    sec = g.section_modes(wl)
    dn = sec["ridge"]["neff"] - sec["tooth"]["neff"]
    assert dn == pytest.approx(hi - lo, rel=0.25)
    kappa = g.dbr_design(1549.78, sec["ridge"]["neff"], sec["tooth"]["neff"], sec["ridge"]["ng"]).kappa_per_cm
    assert 100 < kappa < 300


# ---------------------------------------------------------------- injection locking
def _cav(**kw):
    base = dict(gain_um=400.0, phase_um=100.0, passive_um=60.0, back_eff_um=15.0, front_eff_um=12.0,
                r_back=0.5, r_front=0.3, neff=3.25, ng=3.68)
    base.update(kw)
    return inj.Cavity(**base)


def _lock(cav, **kw):
    base = dict(line_ghz=193_440.0, facet_power_w=1e-5, facet_coupling_db=3.0, guide_loss_db=0.5,
                output_power_w=5e-3, phase_dn_max=0.01, lock_margin=0.2)
    base.update(kw)
    return inj.locking(cav, **base)


def test_locking_range_is_the_mogensen_form_by_hand():
    """Full width k_c sqrt(P_inj/P) (1 + sqrt(1 + alpha^2)) / 2 pi with k_c = (1 - R) / (sqrt(R) tau_rt),
    computed here by hand from the cavity data (relative 1e-12)."""
    cav = _cav()
    lk = _lock(cav)
    L = 400 + 100 + 60 + 15 + 12
    tau = 2 * 3.68 * L * 1e-6 / C0
    p_inc = 1e-5 * 10 ** (-3.5 / 10)
    b, f = 0.5 * math.sqrt(0.3), 0.7 * math.sqrt(0.5)
    p_cav = 5e-3 * b / (b + f) / 0.5
    kc = 0.5 / (math.sqrt(0.5) * tau)
    full = kc * math.sqrt(p_inc / p_cav) * (1 + math.sqrt(1 + inj.ALPHA_H ** 2)) / (2 * math.pi) / 1e9
    assert lk.lock_range_ghz == pytest.approx(full, rel=1e-12)
    assert lk.mode_spacing_ghz == pytest.approx(1 / tau / 1e9, rel=1e-12)
    assert lk.injection_db == pytest.approx(10 * math.log10(10 ** (-0.35) * 0.5), rel=1e-12)
    assert lk.lock_low_ghz < 0 < lk.lock_high_ghz  # asymmetric, wider on the red side
    assert -lk.lock_low_ghz / lk.lock_high_ghz == pytest.approx(math.sqrt(1 + inj.ALPHA_H ** 2))


def test_locking_range_scales_with_sqrt_injected_power():
    a = _lock(_cav(), facet_power_w=1e-6).lock_range_ghz
    b = _lock(_cav(), facet_power_w=1e-4).lock_range_ghz
    assert b / a == pytest.approx(10.0, rel=1e-9)


def test_phase_section_decides_locking():
    """With a phase section that covers a mode spacing every line locks; with none, only a line that
    happens to sit inside the range of the nearest red mode does."""
    cav = _cav()
    assert _lock(cav).phase_tuning_ghz > cav.mode_spacing_ghz
    for line in np.linspace(193_400.0, 193_480.0, 17):
        assert _lock(cav, line_ghz=line).locks
    no_tune = [_lock(cav, line_ghz=line, phase_dn_max=1e-9) for line in np.linspace(193_400.0, 193_480.0, 17)]
    assert not all(x.locks for x in no_tune)
    for x in no_tune:
        assert x.locks == (x.red_mode_detuning_ghz <= 0.8 * x.lock_high_ghz)
        assert abs(x.mode_detuning_ghz) <= x.mode_spacing_ghz / 2 + 1e-9


def test_injection_rejects_bad_input():
    with pytest.raises(inj.InjectionError, match="facet_power_w"):
        _lock(_cav(), facet_power_w=0.0)
    with pytest.raises(inj.InjectionError, match="lock_margin"):
        _lock(_cav(), lock_margin=1.0)


# ---------------------------------------------------------------- client chips
def test_default_clients_meet_the_laser_spec_and_carry_the_transmitter():
    """On the default design (first and last channel): |bragg_detuning| <= spec, injection >= spec,
    locks; 6 modulators (im/pm), >= 1 AMZI and >= 1 VOA in the chip's own instances."""
    from weiming.circuits.client_chip import client_chip, client_entry
    from weiming.circuits.client_laser import MANIFEST_KEYS
    from weiming.circuits.design import load_design
    from weiming.circuits.network import clients

    d = load_design()
    spec = d.spec.laser
    cls = clients(d.network)
    for cl in (cls[0], cls[-1]):
        e = client_entry(d, cl, client_chip(d, cl))
        las = e["laser"]
        assert tuple(las) == MANIFEST_KEYS
        assert abs(las["bragg_detuning_ghz"]) <= spec.bragg_detuning_ghz_max
        assert las["injection_db"] >= spec.injection_db_min
        assert las["locks"] is True
        kinds = [x["kind"] for x in e["devices"]]
        assert sum(k in ("im", "pm") for k in kinds) == 6
        assert kinds.count("amzi") >= 1 and kinds.count("voa") >= 1


def test_client_that_cannot_lock_is_a_build_error(tmp_path):
    """A design whose comb line is too weak and whose phase section cannot tune is refused."""
    from weiming.circuits.cells import BuildError
    from weiming.circuits.client_chip import client_chip, client_entry
    from weiming.circuits.design import load_design
    from weiming.circuits.network import clients

    cfg = tmp_path / "weak.yaml"
    cfg.write_text("network: {comb_line_power_dbm: -80.0}\nclient: {phase_dn_max: 1.0e-6}\n")
    d = load_design(cfg)
    bad = []
    for cl in clients(d.network)[::2]:
        try:
            client_entry(d, cl, client_chip(d, cl))
        except BuildError as e:
            bad.append(str(e))
    assert bad and all("cannot lock" in m for m in bad)


def test_report_section_shows_the_per_client_laser_table(tmp_path):
    """The InP stage's report hook renders one row per client with the issue's columns, and the
    tape-out report places it under the stage (weiming.tapeout.main._sections)."""
    from weiming.tapeout import inp_models
    from weiming.tapeout.main import _sections
    from weiming.tapeout.runner import Context, StageResult
    from weiming.tapeout.stages import STAGES

    row = {"id": "C01A", "channel": 1, "comb_line_nm": 1550.98, "period_nm": 238.93, "bragg_nm": 1550.981,
           "bragg_detuning_ghz": -0.4, "kappa_per_cm": 228.0, "injection_db": -6.1, "lock_range_ghz": 1.2,
           "mode_detuning_ghz": 4.3, "locks": True}
    ctx = Context(out=tmp_path)
    figures = {"lasers": [row, {**row, "id": "C01B", "locks": False}]}
    secs = _sections(ctx, STAGES, [StageResult("inp_models", "InP", True, 0.0, figures)])
    assert len(secs) == 1
    html = secs[0][1]
    assert html == inp_models.report(ctx, {"lasers": [row, {**row, "id": "C01B", "locks": False}]})
    for text in ("Client lasers", "comb line (nm)", "grating period (nm)", "lambda_B (nm)", "detuning (GHz)",
                 "kappa (1/cm)", "injected (dB)", "locking range (GHz)", "locks", "1550.9800", "238.9300",
                 "-0.40", "228", "-6.1", "1.20", ">yes<", ">no<"):
        assert text in html, text
    assert html.count("<tr>") == 3
