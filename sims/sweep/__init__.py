"""Parameter sweeps: cached, resumable, parallel on local processes or a Dask cluster.

>>> from weiming.sims.sweep import run_sweep
>>> summary = run_sweep("sweep.yaml", "out/gap", workers=2)             # doctest: +SKIP
>>> summary = run_sweep(spec, "out/gap", scheduler="tcp://127.0.0.1:8786")  # doctest: +SKIP

Modules: :mod:`.spec` (YAML spec and its validation), :mod:`.targets` (what a
point runs), :mod:`.sampling` (grid, list, random, lhs), :mod:`.executors`
(local processes, Dask), :mod:`.store` (content-addressed point records and the
results table), :mod:`.plots`, :mod:`.run`.
"""

from weiming.sims.sweep.executors import SchedulerError
from weiming.sims.sweep.run import plan, run_sweep
from weiming.sims.sweep.spec import SpecError, SweepSpec, load_spec
from weiming.sims.sweep.targets import TARGETS, Target, register_target

__all__ = ["run_sweep", "plan", "load_spec", "SweepSpec", "SpecError", "SchedulerError", "TARGETS", "Target",
           "register_target"]
