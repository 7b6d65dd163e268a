"""Run a sweep: check the spec, sample, skip what the store has, run the rest, tabulate, plot."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import yaml

from weiming.fileio import check_output_dir
from weiming.sims.cache import atomic_write_text
from weiming.sims.sweep import targets
from weiming.sims.sweep.executors import IsolatedExecutor, default_workers, is_worker_crash, make_executor
from weiming.sims.sweep.sampling import sample
from weiming.sims.sweep.spec import SweepSpec, load_spec
from weiming.sims.sweep.store import Store, point_key, table, write_table


def plan(spec: "str | Path | dict | SweepSpec") -> tuple[SweepSpec, list[dict[str, Any]]]:
    """The checked spec and its points; raises :class:`SpecError` before any work."""
    spec = load_spec(spec)
    integer = targets.check(spec.target, spec.parameters)
    return spec, sample(spec, integer)


def _progress(enabled: bool):
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                    console=Console(stderr=True), disable=not enabled, transient=False)


def _execute(spec: SweepSpec, todo: list[tuple[str, dict]], store: Store, workers: int | None,
             scheduler: str | None, progress: bool) -> tuple[dict[str, dict], str]:
    """Run ``todo`` (key, inputs) and store each record as soon as its point finishes.

    A local worker that dies (segfault) breaks the shared pool and every point
    still in it; those points get a second round, each in a process of its own,
    so only the point that kills its worker is recorded as failed (as transient:
    the next run tries it again).
    """
    done: dict[str, dict] = {}
    if not todo:
        return done, "nothing to run"
    # no more local processes than points: each costs an interpreter start
    n = min(workers or default_workers(), len(todo))
    ex = make_executor(n, scheduler)
    description = ex.description
    with _progress(progress) as bar:
        task = bar.add_task(spec.name or str(spec.target.get("name", spec.target["kind"])), total=len(todo))
        crashed = _round(ex, spec, todo, store, done, bar, task, retry_crashes=scheduler is None)
        if crashed:
            _round(IsolatedExecutor(min(n, len(crashed))), spec, crashed, store, done, bar, task, retry_crashes=False)
    return done, description


def _round(ex, spec: SweepSpec, todo: list[tuple[str, dict]], store: Store, done: dict, bar, task,
           retry_crashes: bool) -> list[tuple[str, dict]]:
    """Run ``todo`` on ``ex``; return the points lost to a worker crash if ``retry_crashes``."""
    crashed: list[tuple[str, dict]] = []
    futures: dict = {}
    try:
        futures = {ex.submit(targets.run_point, spec.target, inputs): (key, inputs) for key, inputs in todo}
        for fut in ex.as_completed(futures):
            key, inputs = futures[fut]
            try:
                result = fut.result()
            except Exception as e:  # noqa: BLE001 - the worker died, not the point
                if retry_crashes and is_worker_crash(e):
                    crashed.append((key, inputs))
                    continue
                result = {"status": "error", "error": f"worker failure: {type(e).__name__}: {e}",
                          "transient": True, "outputs": {}, "artifacts": {}}
            done[key] = store.put(key, spec.target, inputs, result)
            bar.advance(task)
    except BaseException:  # Ctrl-C or a store failure: what finished is stored, stop the rest now
        ex.abort(futures)
        raise
    ex.close()
    return crashed


def run_sweep(spec_path_or_obj: "str | Path | dict | SweepSpec", out_dir: str | Path, workers: int | None = None,
              scheduler: str | None = None, *, progress: bool = True, retry_failed: bool = False,
              plots: bool = True) -> dict[str, Any]:
    """Run a sweep into ``out_dir`` and return its summary.

    Points already in ``out_dir``'s store (same target, inputs and package
    version) are read back, not recomputed; failed points are kept as failed
    unless ``retry_failed`` (a worker crash is always retried). Writes
    ``points/``, ``results.csv`` (+ ``results.parquet`` where pyarrow works),
    ``plots/*.png``, ``spec.yaml`` and ``summary.json``. Returns ``points``,
    ``computed``, ``cached``, ``failed``, ``executor``, ``seconds``,
    ``results`` (paths), ``plots`` (paths).

    Raises :class:`~weiming.sims.sweep.spec.SpecError` for a bad spec and
    :class:`~weiming.sims.sweep.executors.SchedulerError` for an unreachable scheduler,
    both before any point runs.
    """
    t0 = time.perf_counter()
    spec, points = plan(spec_path_or_obj)
    out = Path(out_dir)
    check_output_dir(out)  # an unusable output folder is refused before any point runs
    store = Store(out)
    keys = [point_key(spec.target, p) for p in points]
    records: dict[str, dict] = {}
    for k in keys:
        rec = store.get(k)
        if rec is not None and not rec.get("transient") and not (retry_failed and rec["status"] != "ok"):
            records[k] = rec
    cached = set(records)
    atomic_write_text(out / "spec.yaml", yaml.safe_dump(spec.model_dump(exclude_none=True), sort_keys=False))
    todo = [(k, p) for k, p in zip(keys, points) if k not in records]
    done, executor = _execute(spec, todo, store, workers, scheduler, progress)
    records.update(done)
    df = table(points, keys, records, cached)
    results = write_table(df, out)
    inputs = list(spec.parameters)
    outputs = [c for c in df.columns if c not in ("point", *inputs, "status", "error", "seconds", "cached", "key")]
    pngs = []
    if plots:
        from weiming.sims.sweep.plots import plot_results

        pngs = plot_results(df, inputs, outputs, out, title=f"{spec.name}: " if spec.name else "")
    bad = df[df["status"] != "ok"]
    failures = [{"point": int(r["point"]), **{k: _plain(r[k]) for k in inputs}, "error": str(r.get("error", ""))}
                for _, r in bad.iterrows()]
    summary = {"points": len(points), "computed": len(done), "cached": len(cached),
               "failed": len(failures), "failures": failures, "executor": executor,
               "seconds": round(time.perf_counter() - t0, 3), "out_dir": str(out),
               "results": [str(p) for p in results], "plots": [str(p) for p in pngs]}
    atomic_write_text(out / "summary.json", json.dumps(summary, indent=2))
    return summary


def _plain(v: Any) -> Any:
    """A table cell as plain JSON (numpy scalars -> Python)."""
    return v.item() if hasattr(v, "item") else v
