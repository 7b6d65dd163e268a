"""The minimal spec of issue 8: a gap sweep of the sin100 ring_resonator cell gives 6 rows."""

from __future__ import annotations

from pathlib import Path

import klayout.db as kdb
import pandas as pd

from weiming.sims.sweep import run_sweep

MINIMAL = """\
target: {kind: cell, pdk: sin100, name: ring_resonator}
parameters:
  gap: {values: [0.6, 0.7, 0.8, 0.9, 1.0, 1.1]}
"""


def test_minimal_cell_spec_gives_six_rows(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(MINIMAL)
    s = run_sweep(spec, tmp_path / "out", workers=1)  # one gdsfactory import: the test budget is CPU
    assert (s["points"], s["computed"], s["failed"]) == (6, 6, 0), s
    df = pd.read_csv(tmp_path / "out" / "results.csv")
    assert list(df["gap"]) == [0.6, 0.7, 0.8, 0.9, 1.0, 1.1] and (df["status"] == "ok").all()
    # the swept value reached the cell: its info records the gap it drew
    assert list(df["info.gap_um"]) == list(df["gap"])
    assert df["drc_clean"].isin([True, False]).all() and (df["drc_violations"] >= 0).all()
    # one GDS per point, readable, with the PDK-prefixed cell and a bus-ring gap growing with `gap`
    heights = []
    for rel in df["gds"]:
        layout = kdb.Layout()
        layout.read(str(tmp_path / "out" / rel))
        top = layout.top_cell()
        assert top.name.startswith("sin100_ring_resonator")
        heights.append(top.dbbox().height())
    # the bus sits below the ring: total height = ring + gap + bus, so +0.1 um gap -> +0.1 um height
    assert all(abs((b - a) - 0.1) < 1e-3 for a, b in zip(heights, heights[1:])), heights
    assert Path(tmp_path / "out" / "plots" / "ysize_um_vs_gap.png").exists()
