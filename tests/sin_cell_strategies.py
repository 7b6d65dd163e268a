"""Hypothesis strategies of the SiN cells' parameters, for the registry harness.

Same convention as ``inp_cell_strategies.py``: a strategy draws a dict of
keyword arguments. Because sin100 and sin800 have different rules (bend radius
500 um vs 30-50 um, widths), the tables are per PDK: ``VALID_BY_PDK[pdk][name]``
must build a DRC-clean cell, ``INVALID_BY_PDK[pdk][name]`` must raise
DesignRuleError (each breaks exactly one stated rule or range). Lengths are
drawn on the 1 nm grid, centred widths on a 2 nm grid (edges on GRID.1).
Ranges stay moderate so that each example builds and DRC-checks in ~1 s.
"""

from __future__ import annotations

from hypothesis import strategies as st

# the grid-aware draws (um: 1 nm grid, w_um: centred widths on 2 nm) are shared with the InP table
from inp_cell_strategies import _kw, um, w_um


def _valid(r_strip: float, r_res: float, w_strip: tuple[float, float], w_res: tuple[float, float],
           spiral_len: tuple[float, float], fsr: tuple[float, float], w0: float) -> dict[str, st.SearchStrategy[dict]]:
    """Valid draws; r_* = cross-section radius_min (um), w_* = width ranges (um), w0 = strip width."""
    wmax = w_strip[1]
    return {
        "straight": _kw(length=um(1, 3000), width=w_um(*w_strip)),
        "bend_euler": _kw(radius=um(r_strip, 2 * r_strip), angle=st.sampled_from([90.0, -90.0, 45.0, 180.0, -30.0]),
                          p=st.sampled_from([0.2, 0.5, 1.0]), width=w_um(*w_strip)),
        # |dw| <= wmax - 0.25 over >= 20 um keeps the corner far above WG.AN.1 (80 deg)
        "taper": _kw(length=um(20, 500), width1=w_um(0.3, wmax), width2=w_um(0.3, wmax),
                     cross_section2=st.sampled_from(["strip", "resonator"])),
        "ring_resonator": st.one_of(
            _kw(radius=um(r_res, 2.5 * r_res), gap=um(0.3, 3.0), width=w_um(*w_res),
                coupler=st.just("point"), heater=st.booleans(), drop=st.booleans()),
            # curved gaps need WG.S.1 + 2 nm (chords snapped to the grid; see _common.min_space_curved)
            _kw(fsr=st.floats(*fsr), gap=um(0.302, 3.0), coupler=st.just("pulley"),
                wrap_angle=st.floats(5.0, 90.0), heater=st.booleans(), drop=st.booleans()),
            _kw(radius=um(r_res, 2 * r_res), ng=st.floats(1.4, 2.3), heater=st.just(True), heater_width=w_um(2, 10),
                pad_size=w_um(50, 150))),
        "edge_coupler": _kw(tip_width=w_um(0.25, 1.0), length=um(100, 800),
                            target=st.sampled_from(["lensed_fibre", "dfb"])),
        # access tapers widen toward the MMI (wt >= w0); ports +-W/4 (1x2) or +-W/6 (2x2) keep WG.S.1 between them
        "mmi1x2": _kw(width_mmi=w_um(2 * (w0 + 1.5), 30.0), length_mmi=st.one_of(st.none(), um(10, 400)),
                      width_taper=w_um(w0, w0 + 1.2), length_taper=um(20, 200)),
        "mmi2x2": _kw(width_mmi=w_um(3 * (w0 + 1.5), 30.0), length_mmi=st.one_of(st.none(), um(10, 400)),
                      width_taper=w_um(w0, w0 + 1.2), length_taper=um(20, 200)),
        "directional_coupler": _kw(gap=um(0.3, 3.0), length=um(1, 500), pitch=um(wmax + 3.0, wmax + 60.0),
                                   radius=um(r_strip, 2 * r_strip)),
        "phase_shifter": _kw(length=um(110, 3000), heater_width=w_um(2, 10), pads=st.booleans()),
        "pad": _kw(size=w_um(50, 200)),
        "spiral": _kw(length=um(*spiral_len), gap=um(0.302, 20.0)),
    }


def _invalid(r_strip: float, r_res: float) -> dict[str, st.SearchStrategy[dict]]:
    return {
        "straight": st.one_of(_kw(width=um(0.001, 0.249)), _kw(length=um(-100, 0)),
                              _kw(cross_section=st.sampled_from(["heater", "metal", "deep"]))),
        "bend_euler": st.one_of(_kw(radius=um(1, r_strip - 0.001)), _kw(angle=st.floats(181, 720)),
                                _kw(p=st.floats(-1, 0.04, allow_subnormal=False))),  # no subnormals: meep sets flush-to-zero in-process
        "taper": st.one_of(_kw(length=um(0.5, 2), width1=st.just(0.3), width2=st.just(2.0)),  # corner < 80 deg
                           _kw(width2=um(0.001, 0.249)), _kw(cross_section2=st.just("metal"))),
        "ring_resonator": st.one_of(_kw(gap=um(0.001, 0.299)), _kw(gap=um(0.3, 0.301), coupler=st.just("pulley")), _kw(radius=um(1, r_res - 0.001)),
                                    _kw(coupler=st.sampled_from(["ring", "Pulley", ""])),
                                    _kw(coupler=st.just("pulley"), wrap_angle=st.floats(121, 360)),
                                    _kw(heater=st.just(True), heater_width=um(0.1, 1.999)),
                                    _kw(heater=st.just(True), pad_size=um(1, 49.999)),
                                    _kw(ng=st.floats(4.01, 100)), _kw(radius=st.just(1000.0), fsr=st.just(30e9))),
        "edge_coupler": st.one_of(_kw(tip_width=um(0.001, 0.249)), _kw(target=st.sampled_from(["fiber", "laser"]))),
        "mmi1x2": st.one_of(_kw(width_taper=um(0.001, 0.249)), _kw(width_mmi=st.just(4.0), width_taper=st.just(3.0))),
        "mmi2x2": st.one_of(_kw(width_taper=um(0.001, 0.249)), _kw(width_mmi=st.just(6.0), width_taper=st.just(3.0))),
        "directional_coupler": st.one_of(_kw(gap=um(0.001, 0.299)), _kw(radius=um(1, r_strip - 0.001))),
        "phase_shifter": st.one_of(_kw(length=um(1, 104.999)), _kw(heater_width=um(0.1, 1.999)),
                                   _kw(pad_size=um(1, 49.999))),
        "pad": _kw(size=um(0.001, 49.999)),
        "spiral": st.one_of(_kw(gap=um(0.001, 0.301)), _kw(min_radius=um(1, r_strip - 0.001)),
                            _kw(length=um(1, 1000))),
    }


VALID_BY_PDK: dict[str, dict[str, st.SearchStrategy[dict]]] = {
    # sin100: strip/resonator 2.8 um, radius_min 500 um; FSR 15-45 GHz -> R ~ 0.67-2 mm
    "sin100": _valid(500.0, 500.0, (1.0, 4.0), (2.0, 4.0), (22000.0, 40000.0), (15e9, 45e9), 2.8),
    # sin800: strip 1.0 um / 30 um, resonator 1.8 um / 50 um; FSR 100-400 GHz
    "sin800": _valid(30.0, 50.0, (0.5, 2.0), (1.0, 2.5), (2500.0, 8000.0), (100e9, 400e9), 1.0),
}
INVALID_BY_PDK: dict[str, dict[str, st.SearchStrategy[dict]]] = {
    "sin100": _invalid(500.0, 500.0),
    "sin800": _invalid(30.0, 50.0),
}
