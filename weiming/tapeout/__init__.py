"""The main job: build, check, simulate and predict the yield of a design, then report.

``run_tapeout(out, config=None, quick=True, only=None)`` runs the stages of
:mod:`weiming.tapeout.stages` (build + DRC + connectivity, comb waveguide
dispersion, comb ring spectrum, InP MMI and DBR models, wafer yield), writes
``out/summary.json`` and ``out/report/index.html``, and returns the summary.
Every stage is cached on its inputs, so an unchanged second run is fast.
"""

from weiming.tapeout.main import run_tapeout

__all__ = ["run_tapeout"]
