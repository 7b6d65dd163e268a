"""Hypothesis strategies of the InP cells' parameters, for the registry harness.

``VALID[name]``: a strategy drawing keyword arguments that must build a
DRC-clean cell. ``INVALID[name]``: a strategy drawing keyword arguments that
must raise :class:`DesignRuleError` (each breaks exactly one stated rule or
range). Ranges are kept moderate so hypothesis examples stay fast; every
length is drawn on the 1 nm grid (rule GRID.1).
"""

from __future__ import annotations

from hypothesis import strategies as st

from weiming.components.inp.test_structures import mask_layers
from weiming.pdk import get_tech

_MASKS = mask_layers(get_tech("inp"))


def um(lo: float, hi: float) -> st.SearchStrategy[float]:
    """A length in um on the 1 nm grid, in [lo, hi]."""
    return st.integers(round(lo * 1000), round(hi * 1000)).map(lambda i: i / 1000)


def w_um(lo: float, hi: float) -> st.SearchStrategy[float]:
    """A centred width in um: an even number of nm (edges on the 1 nm grid)."""
    return st.integers(round(lo * 500), round(hi * 500)).map(lambda i: i / 500)


def _kw(**fields: st.SearchStrategy) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(fields)


VALID: dict[str, st.SearchStrategy[dict]] = {
    "straight": st.one_of(
        _kw(length=um(1, 2000), cross_section=st.just("deep"), width=w_um(1.0, 5.0)),
        _kw(length=um(4, 2000), cross_section=st.sampled_from(["shallow", "active"]), width=w_um(1.0, 6.0))),
    "bend_euler": st.one_of(
        _kw(radius=um(75, 300), angle=st.sampled_from([90.0, -90.0, 45.0, 180.0]), p=st.sampled_from([0.2, 0.5, 1.0]),
            cross_section=st.just("deep")),
        _kw(radius=um(200, 500), angle=st.sampled_from([90.0, -90.0, 30.0]), cross_section=st.just("shallow"))),
    # length >= |w2 - w1| / (2 tan 10 deg) keeps the DEEP.AN.1 corners; 50 um is enough for |dw| <= 15 um
    "taper": _kw(length=um(50, 500), width1=w_um(1.0, 6.0), width2=w_um(1.0, 6.0),
                 cross_section=st.sampled_from(["deep", "shallow"])),
    "dbr_laser": _kw(bragg_wavelength_nm=st.floats(1500.0, 1600.0, allow_nan=False),
                     n_avg=st.one_of(st.none(), st.floats(3.15, 3.35, allow_nan=False)),
                     back_reflectivity=st.floats(0.2, 0.95), gain_length=um(10, 600), phase_length=um(10, 200),
                     front_reflectivity=st.floats(0.2, 0.95), iso_length=um(10, 50), taper_length=um(10, 50)),
    "soa": _kw(length=um(10, 1000), transition_length=um(10, 100)),
    "phase_modulator": _kw(length=um(10, 2000), electrode=st.sampled_from(["dc", "gsg"]), extension=um(1, 50)),
    "mzm": st.one_of(_kw(length=um(10, 1500), electrode=st.just("dc"), arm_spacing=um(18, 120)),
                     _kw(length=um(10, 1500), electrode=st.just("gsg"), arm_spacing=um(15, 51))),
    "voa": _kw(length=um(10, 1000), transition_length=um(10, 100)),
    # the long arm's four radius_min bends alone add ~280 um: delays from ~3.5 ps
    "amzi": _kw(delay_ps=st.floats(4.0, 30.0, allow_nan=False), ng=st.floats(3.2, 3.8, allow_nan=False),
                top_length=um(32, 200)),
    # outputs at +-W_e/4 must leave DEEP.S.1 between 2 um access guides: W >= 6 um
    "mmi1x2": _kw(width=w_um(6.0, 14.0), access_width=w_um(1.0, 2.0), access_length=um(1, 50)),
    "mmi2x2": _kw(width=w_um(8.0, 14.0), access_width=w_um(1.0, 1.5), access_length=um(1, 50)),
    "photodiode": _kw(length=um(10, 300), transition_length=um(10, 100)),
    "ssc": _kw(transition_length=um(50, 200), taper_length=um(10, 500), end_width=w_um(3.0, 12.0),
               angle_deg=st.sampled_from([0.0, 7.0, 8.0, 10.0])),
    "transition_deep_shallow": _kw(length=um(40, 300), clear_width=w_um(5.0, 12.0)),
    "transition_shallow_active": _kw(length=um(10, 200), active_overlap=um(4, 10)),
    "pad_dc": _kw(size_x=w_um(7, 200), size_y=w_um(7, 200)),
    "pad_gsg": _kw(pitch=um(100, 200), pad_width=w_um(7, 120), pad_height=w_um(7, 92)),
    # test structures (components/inp/test_structures.py); straight_length >= pi x radius_min (centre S-bend)
    "cutback_spiral": st.one_of(
        _kw(cross_section=st.just("deep"), straight_length=um(240, 600), turns=st.integers(1, 3), gap=w_um(1.0, 6.0)),
        _kw(cross_section=st.just("shallow"), straight_length=um(630, 900), turns=st.integers(1, 2),
            gap=w_um(2.0, 10.0))),
    "tlm": _kw(contact=st.just("p"), pad_size=um(50, 150),
               gaps=st.lists(um(10, 100), min_size=3, max_size=6).map(tuple), mesa_margin=um(2, 20)),
    "ctlm": _kw(contact=st.sampled_from(["p", "n"]), inner_radius=um(30, 80),
                gaps=st.lists(um(10, 40), min_size=3, max_size=5).map(tuple), pitch=um(340, 500)),
    "alignment_mark": _kw(layer=st.sampled_from(_MASKS[1:])),
    "cd_bars": _kw(layer=st.sampled_from(_MASKS), multiples=st.lists(st.floats(1.0, 3.0), min_size=1,
                                                                      max_size=3).map(tuple)),
    "reticle_id": _kw(text=st.text(alphabet="ABCXYZ0189_-", min_size=1, max_size=8)),
    "dbr_grating": _kw(bragg_wavelength_nm=st.floats(1530.0, 1570.0, allow_nan=False), length=um(20, 400),
                       taper_length=um(10, 50)),
}

INVALID: dict[str, st.SearchStrategy[dict]] = {
    "straight": st.one_of(_kw(width=um(0.001, 0.999)), _kw(length=um(-100, 0)),
                          _kw(cross_section=st.sampled_from(["metal_dc", "metal_rf", "strip"]))),
    "bend_euler": st.one_of(_kw(radius=um(1, 74.999), cross_section=st.just("deep")),
                            _kw(radius=um(1, 199.999), cross_section=st.just("shallow"))),
    "taper": _kw(length=um(1, 5), width1=st.just(1.5), width2=um(4.0, 8.0), cross_section=st.just("deep")),
    "dbr_laser": st.one_of(_kw(iso_length=um(0.001, 9.999)), _kw(gain_length=um(0.001, 9.999)),
                           _kw(n_avg=st.floats(1.0, 2.9)), _kw(bragg_wavelength_nm=st.floats(100.0, 1300.0)),
                           _kw(back_reflectivity=st.floats(0.995, 1.5))),
    "soa": _kw(length=um(0.001, 9.999)),
    "phase_modulator": st.one_of(_kw(electrode=st.sampled_from(["ac", "GSG", "rf", ""])), _kw(length=um(0.001, 9.999))),
    "mzm": st.one_of(_kw(arm_spacing=um(1, 17.999), electrode=st.just("dc")),
                     _kw(arm_spacing=um(60, 200), electrode=st.just("gsg"))),
    "voa": _kw(length=um(0.001, 9.999)),
    # no subnormals: importing meep in the same test process sets flush-to-zero
    "amzi": st.one_of(_kw(delay_ps=st.floats(-10.0, 0.09, allow_subnormal=False)), _kw(ng=st.floats(1.0, 2.9)),
                      _kw(delay_ps=st.floats(0.1, 3.0))),
    "mmi1x2": _kw(access_width=um(0.001, 0.999)),
    "mmi2x2": _kw(width=um(3.0, 6.5)),
    "photodiode": _kw(length=um(0.001, 9.999)),
    "ssc": _kw(end_width=um(0.5, 2.999)),
    "transition_deep_shallow": _kw(clear_width=um(1.0, 4.999)),
    "transition_shallow_active": _kw(active_overlap=um(0.001, 3.999)),
    "pad_dc": _kw(size_x=um(0.001, 6.999)),
    "pad_gsg": _kw(pitch=um(50, 87.999)),
    "cutback_spiral": st.one_of(_kw(gap=um(0.001, 0.999)), _kw(straight_length=um(1, 200)),
                                _kw(cross_section=st.sampled_from(["active", "metal_dc"]))),
    "tlm": st.one_of(_kw(gaps=st.tuples(um(0.001, 9.999), st.just(20.0), st.just(30.0))), _kw(pad_size=um(1, 49.999)),
                     _kw(gaps=st.just((20.0, 30.0))), _kw(contact=st.just("n"))),
    "ctlm": st.one_of(_kw(inner_radius=um(1, 29.999)), _kw(pitch=um(10, 269.999))),
    "alignment_mark": _kw(layer=st.sampled_from([_MASKS[0], "TEXT", "DICING", "NOPE"])),
    "cd_bars": st.one_of(_kw(layer=st.sampled_from(["TEXT", "FLOORPLAN", "NOPE"])),
                         _kw(multiples=st.tuples(st.floats(0.01, 0.99)))),
    "reticle_id": _kw(text=st.sampled_from(["", "has space", "X" * 30, "a/b"])),
    "dbr_grating": st.one_of(_kw(bragg_wavelength_nm=st.floats(100.0, 1300.0)), _kw(length=um(0.001, 4.999))),
}
