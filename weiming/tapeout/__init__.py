"""The main job: build, check, simulate and predict the yield of a design, then report.

``run_tapeout(out, config=None, quick=True, only=None)`` validates the design,
the stage list and ``out`` first (:class:`~weiming.tapeout.main.TapeoutInputError`,
nothing written), runs the stages of :mod:`weiming.tapeout.stages` (build + DRC
+ connectivity, comb waveguide dispersion, comb ring spectrum, InP MMI and DBR
models, wafer yield) in a staging folder beside ``out``, moves each stage's
files in as it finishes, then writes ``out/summary.json`` (design hash, each
stage's input hash) and, last, the self-contained ``out/report/``. Every
pass/fail reads the design's own spec (``design.spec``). Simulation stages are
cached on their inputs, so an unchanged second run is fast.
"""

from weiming.tapeout.main import run_tapeout

__all__ = ["run_tapeout"]
