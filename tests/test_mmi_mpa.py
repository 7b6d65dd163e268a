"""Guided-mode propagation analysis of MMIs against self-imaging theory."""

import math

import pytest

from weiming.sims.devices import mmi_mpa


def test_lateral_modes_beat_length_matches_soldano_pennings():
    """beta0 - beta1 = pi / L_pi with L_pi = 4 n_r W_e^2 / (3 lambda) (Soldano &
    Pennings 1995, eq. 5; paraxial). The paraxial formula is accurate to ~1 %
    for a 8 um wide high-contrast guide, hence the 2 % tolerance."""
    n_r, n_c, w, lam = 3.27, 1.535, 8.0, 1.55
    _, beta, _, _ = mmi_mpa.lateral_modes(n_r, n_c, w, lam, pol="TM", dx_um=0.01)
    we = w + lam / math.pi * (n_c / n_r) ** 2 / math.sqrt(n_r**2 - n_c**2)
    l_pi = 4 * n_r * we**2 / (3 * lam)
    assert math.pi / (beta[0] - beta[1]) == pytest.approx(l_pi, rel=0.02)


def test_symmetric_1x2_splits_evenly_and_images_at_3lpi_over_8():
    """Centre-fed: equal outputs by symmetry; near 3 L_pi / 8 the two-fold image
    carries almost all the power (excess loss < 0.3 dB, limited by the finite
    access-guide mode and the paraxial approximation)."""
    n_r, n_c, w, lam = 3.27, 1.535, 6.0, 1.55
    we = w + lam / math.pi * (n_c / n_r) ** 2 / math.sqrt(n_r**2 - n_c**2)
    l_pi = 4 * n_r * we**2 / (3 * lam)
    r = mmi_mpa.split(n_r, n_c, w, 3 * l_pi / 8, lam, access_width_um=1.5, inputs_y_um=(0.0,),
                      outputs_y_um=(-we / 4, we / 4))
    assert r.imbalance_db == pytest.approx(0.0, abs=1e-6)
    assert r.excess_loss_db < 0.3
    off = mmi_mpa.split(n_r, n_c, w, 0.6 * 3 * l_pi / 8, lam, access_width_um=1.5, inputs_y_um=(0.0,),
                        outputs_y_um=(-we / 4, we / 4))
    assert off.excess_loss_db > 2.0  # away from the image the outputs lose power: the test can fail


def test_pdk_mmi2x2_is_near_3db():
    r = mmi_mpa.split_cell("inp", "mmi2x2")
    assert abs(r.imbalance_db) < 0.5 and r.excess_loss_db < 0.7
