"""The ``comb`` tape-out stage and the fixed-pump (domain-seeded) operating point."""

from __future__ import annotations

import pytest


@pytest.mark.meep
def test_comb_stage_figures_plots_and_report(tmp_path):
    from weiming.tapeout import stage_comb
    from weiming.tapeout.runner import Context
    from weiming.tapeout.stages import STAGES

    assert "comb" in [s.name for s in STAGES]
    ctx = Context(out=tmp_path, quick=True)
    fig = stage_comb.run(ctx)
    assert fig["regime"] == "dark_pulse" and fig["passed"] is True
    assert len(fig["channel_power_dbm"]) == 10 and fig["worst_channel_dbm"] >= fig["min_channel_line_power_dbm"]
    assert fig["sil"]["locked"] is True
    assert {m["regime"] for m in fig["sil_map"]} <= {"dark_pulse", "bright_soliton", "turing", "chaotic", "cw"}
    pngs = ctx.artifacts_png("comb")
    assert sorted(pngs) == ["plots/comb_intracavity.png", "plots/comb_spectrum.png"]
    assert all((tmp_path / p).stat().st_size > 10_000 for p in pngs)
    html = stage_comb.report(ctx, fig)
    assert "dark_pulse" in html and "channel" in html and "SIL" in html


@pytest.mark.meep
def test_domain_seed_gives_a_jacobian_stable_dark_pulse(tmp_path):
    """Fixed pump (no SIL), a lower-state domain at zeta = 4, f^2 = 4.85 (inside the dark-pulse window of
    tests/test_comb_lle.py): stable by the Jacobian of the Newton-Krylov state, power on every channel."""
    from weiming.circuits.design import load_design
    from weiming.sims.comb import simulate

    cfg = tmp_path / "d.yaml"
    cfg.write_text("server:\n  comb:\n    seed: domain\n    zeta: 4.0\n    modes: 128\n")
    res = simulate(load_design(cfg))
    st = res.classification
    assert st.regime == "dark_pulse" and st.stable is True and st.leading_eigenvalue < 0
    assert all(c["power_w"] > 0 for c in res.channels)
    assert res.sil["locked"] is None  # no laser model on this path
