"""Physics and geometry checks of the InP cells (PDK ``inp``).

The registry-wide harness (GDS XOR, settings regression, hypothesis DRC) lives
in tests/test_cells_registry.py; this file checks what the cells must *mean*:
grating periods from the Bragg condition, the AMZI path difference from the
delay, MMI lengths from self-imaging theory, isolation between electrodes,
port conventions and clear errors for invalid parameters.
"""

from __future__ import annotations

import math

import gdsfactory as gf
import numpy as np
import pytest

from weiming.components._validate import DesignRuleError
from weiming.pdk import activate, get_tech

C0 = 299_792_458.0
NAMES = {"straight", "bend_euler", "taper", "dbr_laser", "soa", "phase_modulator", "mzm", "voa", "amzi",
         "mmi1x2", "mmi2x2", "photodiode", "ssc", "transition_deep_shallow", "transition_shallow_active",
         "pad_dc", "pad_gsg",
         # test structures (components/inp/test_structures.py)
         "cutback_spiral", "tlm", "ctlm", "alignment_mark", "cd_bars", "reticle_id", "dbr_grating"}


@pytest.fixture(autouse=True)
def inp():
    """Activate inp for every test: under xdist, other files' tests (e.g. the
    registry harness) may activate another PDK on the same worker in between."""
    activate("inp")
    yield get_tech("inp")


def cell(name: str, **kw) -> gf.Component:
    return gf.get_component(name, **kw)


def polys_um(c: gf.Component, layer_name: str) -> list[np.ndarray]:
    """Flattened polygons of ``layer_name`` as (N, 2) arrays in um."""
    lay = get_tech("inp").layer(layer_name)
    out = []
    for p in c.get_polygons_points(by="tuple").get(lay, []):
        out.append(np.asarray(p, dtype=float))
    return out


def boxes(c: gf.Component, layer_name: str) -> list[tuple[float, float, float, float]]:
    return sorted((p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()) for p in polys_um(c, layer_name))


def test_registered_names_exact():
    from weiming.components.registry import cells_for

    assert set(cells_for("inp")) == NAMES


# --- DBR laser grating -------------------------------------------------------
def tooth_starts_nm(c: gf.Component) -> dict[str, np.ndarray]:
    """Left edges (nm) of the GRATING teeth of each grating section, from the GDS."""
    sec = c.info["section_um"]
    xs = np.array(sorted(b[0] for b in boxes(c, "GRATING")))
    out = {}
    for name in ("back_grating", "front_grating"):
        a, b = sec[name]
        out[name] = np.round(xs[(xs >= a - 1e-6) & (xs < b)] * 1000)
    return out


def test_grating_period_from_bragg_condition():
    """Drawn period = lambda_B / (2 n_eff) within 0.5 pm, measured on the GDS.

    Two measures of the average period: the least-squares slope of the tooth
    positions (what sets the grating's Fourier peak, i.e. the Bragg
    wavelength) and the total length over the number of periods. 0.5 pm of
    period is 2 n_eff x 0.5 pm = 3.3 pm of Bragg wavelength, 1.4 % of the
    0.24 nm channel spacing.
    """
    c = cell("dbr_laser")
    target = 1549.78 / (2 * c.info["n_avg"])
    assert c.info["period_nm"] == pytest.approx(target, abs=1e-6)
    for name, x in tooth_starts_nm(c).items():
        n = len(x)
        assert n == c.info["n_periods"][name] > 100
        slope = np.polyfit(np.arange(n), x, 1)[0]
        assert abs(slope - target) < 0.5e-3, (name, slope, target)
        # end to end: whole-nm length over N periods (the train is placed for the least-squares period)
        mean = c.info["mean_period_nm"][name]
        assert abs(mean - target) < 1.0e-3
        # every edge within 0.5 nm (+1 nm grid rounding of the section origin) of its ideal place
        ideal = x[0] + np.arange(n) * target
        assert np.max(np.abs(x - ideal)) <= 1.0
        # first-order teeth: ~50 % duty cycle, width on the grid
    widths = np.array([b[2] - b[0] for b in boxes(c, "GRATING")]) * 1000
    assert np.all(np.abs(widths - target / 2) <= 1.0 + 1e-6)


def test_lasers_one_fsr_apart_get_different_gratings():
    """Two client lasers one comb FSR (30.03 GHz) apart: with Lambda =
    lambda / (2 n_avg(lambda)) the periods differ by d lambda n_g / (2 n_avg^2)
    (= 0.042 nm; n_g from the dispersion of n_avg) within 1 pm, and the teeth differ."""
    from weiming.components.inp._common import NG_SHALLOW, NG_TOOTH
    lam = 1549.78
    dlam = (lam * 1e-9) ** 2 * 30.03e9 / C0 * 1e9  # nm, ~0.2406
    a = cell("dbr_laser", bragg_wavelength_nm=lam)
    b = cell("dbr_laser", bragg_wavelength_nm=round(lam + dlam, 4))
    ta, tb = tooth_starts_nm(a)["back_grating"], tooth_starts_nm(b)["back_grating"]
    sa = np.polyfit(np.arange(len(ta)), ta, 1)[0]
    sb = np.polyfit(np.arange(len(tb)), tb, 1)[0]
    ng_avg = (NG_SHALLOW + NG_TOOTH) / 2  # group index of the grating's average index
    assert sb - sa == pytest.approx(dlam * ng_avg / (2 * a.info["n_avg"] ** 2), abs=1e-3)
    n = min(len(ta), len(tb))
    assert np.any(ta[:n] != tb[:n])


def test_default_neff_below_slab_bound():
    """Independent check of the default n_eff: the symmetric slab InP / 0.5 um
    Q(1.25) / InP (n_Q = 3.36, Broberg & Lindstrom 1984) bounds it from above
    (no lateral confinement); a 2 um ridge lowers it by less than 0.03."""
    from scipy.optimize import brentq

    from weiming.components.inp._common import NEFF_SHALLOW
    from weiming.pdk.materials import get_material

    wl, d, nq = 1.54978, 0.5, 3.36
    ns = get_material("inp").n(wl)
    k = 2 * math.pi / wl

    def f(n):
        kap, gam = math.sqrt(nq ** 2 - n ** 2), math.sqrt(n ** 2 - ns ** 2)
        return math.tan(k * d / 2 * kap) - gam / kap

    lo = math.sqrt(max(nq ** 2 - (math.pi / (k * d)) ** 2, ns ** 2)) + 1e-9
    n_slab = brentq(f, lo, nq - 1e-9)
    assert 0 < n_slab - NEFF_SHALLOW < 0.03, (n_slab, NEFF_SHALLOW)


@pytest.mark.meep
def test_default_indices_match_mode_solver():
    """The frozen defaults equal the MPB solutions they were taken from (neff
    within 1e-4, i.e. 0.05 nm of Bragg wavelength; ng within 0.1 %, i.e. 0.1 % of
    the AMZI delay, below the solver's own ng accuracy of ~0.1-1 % against
    femwell): guards against silent drift between the solver and the layout."""
    from weiming.components.inp._common import NEFF_SHALLOW, NG_DEEP, NG_SHALLOW
    from weiming.sims.modes.mpb import solve_modes

    assert solve_modes("inp", "deep", 1.54978)[0].ng == pytest.approx(NG_DEEP, rel=1e-3)
    shallow = solve_modes("inp", "shallow", 1.54978, width=2.0)
    assert shallow[0].neff == pytest.approx(NEFF_SHALLOW, abs=1e-4)
    assert shallow[0].ng == pytest.approx(NG_SHALLOW, rel=1e-3)


@pytest.mark.meep
def test_laser_neff_follows_the_bragg_wavelength():
    """The laser's section indices at a comb line 5 FSR away (+-1.2 nm) equal the solver's there
    within 2e-5 (0.01 nm of Bragg wavelength, 1.2 GHz), so every channel's laser is drawn on its
    own line, not on the centre line's index."""
    from weiming.sims.devices.grating import section_modes

    for lam_nm in (1548.58, 1550.98):
        info = cell("dbr_laser", bragg_wavelength_nm=lam_nm).info
        sec = section_modes(lam_nm / 1000)
        assert info["neff_ridge"] == pytest.approx(sec["ridge"]["neff"], abs=2e-5)
        assert info["neff_tooth"] == pytest.approx(sec["tooth"]["neff"], abs=2e-5)
        assert info["n_avg"] == pytest.approx((info["neff_ridge"] + info["neff_tooth"]) / 2, abs=1e-6)


# --- AMZI --------------------------------------------------------------------
@pytest.mark.parametrize("delay_ps", [5.0, 10.0, 12.5])
def test_amzi_length_difference_from_delay(delay_ps):
    """dL = c * delay / n_g within 2 nm (1 nm grid on the rise of each of two
    vertical runs); the GDS height grows by dL/2 per delay step."""
    c = cell("amzi", delay_ps=delay_ps)
    dl = C0 * delay_ps * 1e-12 / c.info["ng"] * 1e6
    assert c.info["dL_um"] == pytest.approx(dl, abs=2e-3)
    ref = cell("amzi", delay_ps=4.0)
    dl_ref = C0 * 4e-12 / ref.info["ng"] * 1e6
    dh = c.dbbox().top - ref.dbbox().top
    assert dh == pytest.approx((dl - dl_ref) / 2, abs=2e-3)


# --- MMIs --------------------------------------------------------------------
@pytest.mark.parametrize("name,factor,width", [("mmi1x2", 3 / 8, 6.0), ("mmi2x2", 1 / 2, 8.0),
                                               ("mmi1x2", 3 / 8, 9.0)])
def test_mmi_length_from_self_imaging(name, factor, width):
    """Body length = factor x L_pi, L_pi = 4 n_r W_e^2 / (3 lambda) (Soldano &
    Pennings 1995), W_e with the Goos-Haenchen term of the lateral TM problem
    (sigma = 1, quasi-TE ridge mode); within 1 nm (grid)."""
    from weiming.components.inp._common import N_BCB, N_SLAB

    lam = 1.54978
    we = width + lam / math.pi * (N_BCB / N_SLAB) ** 2 / math.sqrt(N_SLAB ** 2 - N_BCB ** 2)
    lpi = 4 * N_SLAB * we ** 2 / (3 * lam)
    c = cell(name, width=width)
    body = [b for b in boxes(c, "DEEP") if b[3] - b[1] >= width - 1e-6]
    assert len(body) == 1
    assert body[0][2] - body[0][0] == pytest.approx(factor * lpi, abs=1e-3)
    # outputs at +-W_e/4 (1x2) or +-W_e/6 (2x2)
    ys = sorted(p.dcenter[1] for p in c.ports if p.orientation == 0)
    assert ys[-1] == pytest.approx(we * (0.25 if name == "mmi1x2" else 1 / 6), abs=1e-3)


# --- electrodes and isolation ---------------------------------------------------
@pytest.mark.parametrize("name,kw", [("dbr_laser", {}), ("dbr_laser", {"iso_length": 10.0})])
def test_isolation_between_all_electrodes(name, kw, inp):
    """Consecutive electrodes along the laser are separated by >= ISO.W.1 and
    an ISO section covers the whole gap across the electrode stripes."""
    c = cell(name, **kw)
    pm = boxes(c, "PMETAL")
    iso = boxes(c, "ISO")
    pads = boxes(c, "PAD")
    assert len(pm) == 4 and len(pads) == 5 and len(iso) == 3  # 4 p electrodes + the common n contact
    wmin = inp.rule("width", "ISO").value
    for a, b in zip(pm, pm[1:]):
        gap = (a[2], b[0])
        assert gap[1] - gap[0] >= wmin - 1e-9
        cover = [i for i in iso if i[0] <= gap[0] + 1e-9 and i[2] >= gap[1] - 1e-9]
        assert cover, f"no ISO section between electrodes ending at {gap[0]} and starting at {gap[1]}"
        p_pads = [p for p in pads if p[3] > 0]  # the p electrodes' stripes (the n contact lies below)
        assert cover[0][1] <= min(p[1] for p in p_pads) and cover[0][3] >= max(p[3] for p in p_pads)
    assert len(c.ports.filter(port_type="electrical")) == 5


# --- ports -------------------------------------------------------------------
EXPECTED_PORTS = {
    "straight": {"o1": 180, "o2": 0}, "bend_euler": {"o1": 180, "o2": 90}, "taper": {"o1": 180, "o2": 0},
    "dbr_laser": {"o1": 180, "o2": 0, "e1": 90, "e2": 90, "e3": 90, "e4": 90, "e5": 270},
    "soa": {"o1": 180, "o2": 0, "e1": 90}, "phase_modulator": {"o1": 180, "o2": 0, "e1": 90, "e2": 270},
    "mzm": {"o1": 180, "o2": 0, "o3": 0, "e1": 90, "e2": 270, "e3": 270},
    "voa": {"o1": 180, "o2": 0, "e1": 90, "e2": 270},
    "amzi": {"o1": 180, "o3": 0, "o4": 0, "e1": 270, "e2": 270}, "mmi1x2": {"o1": 180, "o2": 0, "o3": 0},
    "mmi2x2": {"o1": 180, "o2": 180, "o3": 0, "o4": 0}, "photodiode": {"o1": 180, "e1": 90, "e2": 270},
    "ssc": {"o1": 180, "o2": 0}, "transition_deep_shallow": {"o1": 180, "o2": 0},
    "transition_shallow_active": {"o1": 180, "o2": 0},
    "pad_dc": {"e1": 180, "e2": 90, "e3": 0, "e4": 270}, "pad_gsg": {"e1": 0, "e2": 0, "e3": 0},
}


@pytest.mark.parametrize("name", sorted(EXPECTED_PORTS))
def test_ports_named_oriented_on_grid(name):
    c = cell(name)
    got = {p.name: round(p.orientation) % 360 for p in c.ports}
    assert got == EXPECTED_PORTS[name]
    for p in c.ports:
        assert p.port_type == ("optical" if p.name.startswith("o") else "electrical")
        x, y = p.dcenter
        assert abs(round(x * 1000) - x * 1000) < 1e-6 and abs(round(y * 1000) - y * 1000) < 1e-6


def test_gsg_modulators_ports():
    pm = cell("phase_modulator", electrode="gsg")
    assert {p.name: round(p.orientation) for p in pm.ports} == {"o1": 180, "o2": 0, "e1": 180, "e2": 0}
    m = cell("mzm", electrode="gsg")
    assert {p.name: round(p.orientation) % 360 for p in m.ports} == {"o1": 180, "o2": 0, "o3": 0, "e1": 180, "e2": 0}


# --- bends -------------------------------------------------------------------
def _min_radius(points: np.ndarray) -> float:
    a, b, cc = points[:-2], points[1:-1], points[2:]
    ab, bc, ca = (np.linalg.norm(b - a, axis=1), np.linalg.norm(cc - b, axis=1), np.linalg.norm(a - cc, axis=1))
    cross = np.abs((b - a)[:, 0] * (cc - a)[:, 1] - (b - a)[:, 1] * (cc - a)[:, 0])
    with np.errstate(divide="ignore"):
        r = ab * bc * ca / (2 * cross)
    return float(np.min(r))


@pytest.mark.parametrize("xs", ["deep", "shallow"])
def test_euler_bend_respects_radius_min(xs, inp):
    """Tightest curvature of the Euler path (circumradius of consecutive
    points) is not below the cross-section's radius_min (1 % for sampling)."""
    rmin = inp.xs(xs).radius_min
    path = gf.path.euler(radius=rmin, angle=90, p=0.5, use_eff=False)
    assert _min_radius(np.asarray(path.points)) >= 0.99 * rmin
    c = cell("bend_euler", cross_section=xs)
    assert c.info["radius_min"] == rmin


def test_mzm_sbends_respect_radius_min(inp):
    """Cosine S-bend: R_min = 2 L^2 / (pi^2 d) >= radius_min(deep); sampled check."""
    c = cell("mzm")
    ls, h = c.info["sbend_length_um"], c.info["arm_spacing"] / 2
    x = np.linspace(0, ls, 2001)
    d = h - 1.0  # an offset larger than either S-bend's (outputs are >1 um off axis)
    y = d / 2 * (1 - np.cos(np.pi * x / ls))
    assert _min_radius(np.column_stack([x, y])) >= inp.xs("deep").radius_min
    assert c.info["sbend_min_radius_um"] >= inp.xs("deep").radius_min


# --- DRC of representative variants (defaults are in the registry harness) --------
@pytest.mark.parametrize("name,kw", [("mzm", {"electrode": "gsg"}), ("phase_modulator", {"electrode": "gsg"}),
                                     ("dbr_laser", {"bragg_wavelength_nm": 1550.0204}),
                                     ("amzi", {"delay_ps": 5.0}), ("ssc", {"end_width": 3.0}),
                                     ("ssc", {"angle_deg": 8.0}), ("phase_modulator", {}), ("mzm", {})])
def test_variants_drc_clean(name, kw):
    from weiming.pdk.drc import run_drc

    r = run_drc(cell(name, **kw), "inp")
    assert r.clean, r.to_json()


# --- invalid parameters ---------------------------------------------------------
INVALID = [
    ("straight", {"width": 0.5}, "DEEP.W.1"),
    ("straight", {"length": 10.0004}, "grid"),
    ("straight", {"cross_section": "metal_dc"}, "cross_section"),
    ("bend_euler", {"radius": 50.0}, "minimum bend radius 75 um of cross-section deep"),
    ("bend_euler", {"radius": 150.0, "cross_section": "shallow"}, "minimum bend radius 200"),
    ("taper", {"length": 2.0, "width2": 5.0}, "DEEP.AN.1"),
    ("dbr_laser", {"iso_length": 5.0}, "ISO.W.1"),
    ("dbr_laser", {"gain_length": 5.0}, "PLO.W.1"),
    ("dbr_laser", {"n_avg": 2.0}, "n_avg"),
    ("dbr_laser", {"back_reflectivity": 0.03}, "back_reflectivity"),
    ("ssc", {"angle_deg": 20.0}, "angle_deg"),
    ("dbr_laser", {"bragg_wavelength_nm": float("nan")}, "bragg_wavelength_nm"),
    ("mzm", {"arm_spacing": 15.0}, "PAD.S.1"),
    ("mzm", {"arm_spacing": 80.0, "electrode": "gsg"}, "ground"),
    ("phase_modulator", {"electrode": "ac"}, "electrode"),
    ("amzi", {"delay_ps": 0.0}, "delay_ps"),
    ("amzi", {"delay_ps": 2.0}, "delay_ps"),
    ("mmi2x2", {"width": 5.0}, "DEEP.S.1"),
    ("mmi1x2", {"access_width": 0.8}, "DEEP.W.1"),
    ("mmi1x2", {"width": 50.0}, "maximum 20 um"),
    ("straight", {"width": 1.501}, "2 nm"),
    ("transition_shallow_active", {"active_overlap": 2.0}, "ACT.W.1"),
    ("straight", {"length": 3.0, "cross_section": "active"}, "ACT.W.1"),
    ("pad_gsg", {"pitch": 85.0}, "PAD.S.1"),
    ("pad_dc", {"size_x": 4.0}, "PAD.W.1"),
    ("ssc", {"end_width": 2.0}, "end_width"),
]


def test_inp_cells_refuse_another_active_pdk():
    """Called with a SiN PDK active, an InP cell raises instead of drawing on SiN layers."""
    from weiming.components.registry import raw_cells

    activate("sin100")
    try:
        with pytest.raises(DesignRuleError, match="inp PDK active"):
            raw_cells("inp")["mzm"]()
    finally:
        activate("inp")


@pytest.mark.parametrize("name,kw,needle", INVALID)
def test_invalid_parameters_raise_clear_error(name, kw, needle):
    with pytest.raises(DesignRuleError) as e:
        cell(name, **kw)
    msg = str(e.value)
    assert needle in msg
    assert next(iter(kw)) in msg  # names the parameter
