"""InP models: AMZI transfer function; MMI splitting by FDTD (meep)."""

from __future__ import annotations

import numpy as np
import pytest

from weiming.sims import amzi
from weiming.sims.ring import C_M_PER_S


def test_amzi_fsr_is_one_over_delay():
    dl, ng = 2000.0, 3.6
    nu = np.linspace(C_M_PER_S / 1.56e-6, C_M_PER_S / 1.54e-6, 200001)
    bar, cross = amzi.transfer(C_M_PER_S / nu * 1e6, dl, ng, neff=3.2)
    assert np.allclose(bar + cross, 1.0, atol=1e-12)  # lossless
    mins = nu[1:-1][(cross[1:-1] < cross[:-2]) & (cross[1:-1] < cross[2:])]
    fsr = np.mean(np.diff(mins))
    assert fsr == pytest.approx(1 / amzi.delay_s(dl, ng), rel=1e-4)
    assert amzi.fsr_hz(dl, ng) == pytest.approx(C_M_PER_S / (ng * dl * 1e-6))


def test_amzi_extinction_of_imbalanced_splitter():
    wl = np.linspace(1.549, 1.551, 20001)
    bar, _ = amzi.transfer(wl, 1000.0, 3.6, split1=0.45)
    er = 10 * np.log10(bar.max() / bar.min())
    assert er == pytest.approx(amzi.extinction_db(0.45, 0.5), abs=0.05)
    assert amzi.extinction_db(0.5, 0.5) == float("inf")


def test_amzi_delay_length_round_trip():
    assert amzi.delay_s(amzi.delay_length_for_um(1e-9, 3.6), 3.6) == pytest.approx(1e-9)
    with pytest.raises(amzi.AmziError, match="split1"):
        amzi.transfer(1.55, 100.0, 3.6, split1=1.5)


@pytest.mark.meep
def test_mmi_split_plumbing_symmetric_1x2_balanced_without_imposed_symmetry():
    """A mirror-symmetric 1x2 MMI simulated WITHOUT meep's mirror symmetry splits evenly (0.1 dB):
    checks the port geometry, mode monitors and output assignment of :func:`weiming.sims.mmi.split`."""
    from weiming.sims import mmi

    p = mmi.split("sin800", 6.0, cell="mmi1x2", resolution=8, decay_by=1e-4, use_symmetry=False)
    assert abs(p.imbalance_db) < 0.1
    assert 0 < p.p_upper + p.p_lower <= 1.0 + 1e-3
    assert p.ratio == pytest.approx(p.p_upper / (p.p_upper + p.p_lower))
