"""Orchestration of ``weiming tapeout``: validate -> stages -> summary.json -> report/index.html.

Validate first, write last, never stale:

1. :func:`prepare` checks the design, the stage names and the output folder
   before any work (:class:`TapeoutInputError`, nothing written).
2. Left-over staging folders of killed runs are removed; a ``summary.json`` and
   ``report/`` of another design (or of unknown design) are removed before any
   new file lands, so OUT never shows a report that disagrees with its GDS.
3. Stages write into a staging folder beside OUT (``.<OUT>.tapeout-<pid>-*``);
   after each stage its finished files are moved in (``os.replace``, atomic
   per file). The build stage installs its own files the same way.
4. ``summary.json`` (design hash, each stage's input hash) is moved in, then the
   report, last.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

import weiming
from weiming.circuits.design import Design, DesignError, design_hash, load_design
from weiming.fileio import OutputPathError, check_output_dir
from weiming.tapeout.figures import key_figures
from weiming.tapeout.keys import code_digest
from weiming.tapeout.report import provenance, write_report, write_summary
from weiming.tapeout.runner import Context, Stage, StageResult, kill_point, run_stages
from weiming.tapeout.stages import STAGES

SUMMARY = "summary.json"
REPORT = "report"
MANIFEST = "manifest.json"
_STAGING = "tapeout"


class TapeoutInputError(ValueError):
    """Bad design, stage list or output folder: found before any work, nothing written."""


@dataclass(frozen=True)
class Plan:
    out: Path
    config: Path | None
    design: Design
    design_hash: str
    stages: list[Stage]


def prepare(out: Path, config: Path | None = None, only: list[str] | None = None) -> Plan:
    """Validate everything a run needs; raise :class:`TapeoutInputError` with a one-line message."""
    names = [s.name for s in STAGES]
    unknown = [s for s in (only or []) if s not in names]
    if unknown:
        raise TapeoutInputError(f"--only: unknown stage(s) {', '.join(unknown)}; stages: {', '.join(names)}")
    if only is not None and not only:
        raise TapeoutInputError(f"--only: no stage named; stages: {', '.join(names)}")
    if config is not None:
        cp = Path(config)
        if not cp.exists():
            raise TapeoutInputError(f"--config {str(cp)!r}: no such file")
        if not cp.is_file():
            raise TapeoutInputError(f"--config {str(cp)!r}: is not a file")
    try:
        design = load_design(config)
    except DesignError as e:
        raise TapeoutInputError(str(e)) from None
    try:
        check_output_dir(out)
    except OutputPathError as e:
        raise TapeoutInputError(str(e)) from None
    out = Path(out)
    stages = [s for s in STAGES if not only or s.name in only]
    dh = design_hash(design)
    if "build" not in {s.name for s in stages}:
        try:
            m = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            m = None
        if m is not None and m.get("design_hash") != dh:
            raise TapeoutInputError(f"--out {str(out)!r}: holds the build of another design ({m.get('design')!r}); "
                                    "include the build stage or choose another --out")
    return Plan(out, Path(config) if config is not None else None, design, dh, stages)


# ------------------------------------------------------------------ file hygiene
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(out: Path) -> list[Path]:
    """Remove staging folders that killed runs left beside ``out`` (not those of a live run)."""
    removed = []
    parent = out.absolute().parent
    if not parent.is_dir():
        return removed
    for p in parent.glob(f".{out.name}.{_STAGING}-*"):
        try:
            pid = int(p.name.rsplit(f".{_STAGING}-", 1)[1].split("-", 1)[0])
        except (IndexError, ValueError):
            pid = -1
        if pid > 0 and pid != os.getpid() and _pid_alive(pid):
            continue
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    for p in parent.glob(f".{out.name}.build-*"):  # the build's own staging of a killed run
        if time.time() - p.stat().st_mtime > 60:  # a build running right now touches it
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def remove_stale(out: Path, dhash: str) -> bool:
    """Remove ``summary.json`` and ``report/`` unless they belong to the design with hash ``dhash``."""
    try:
        old = json.loads((out / SUMMARY).read_text(encoding="utf-8")).get("design_hash")
    except (OSError, json.JSONDecodeError, AttributeError):
        old = None
    if old == dhash:
        return False
    (out / SUMMARY).unlink(missing_ok=True)
    shutil.rmtree(out / REPORT, ignore_errors=True)
    return True


def install(staging: Path, out: Path) -> list[str]:
    """Move every file under ``staging`` into the same place under ``out`` (each move atomic)."""
    moved = []
    for p in sorted(staging.rglob("*")):
        if p.is_file():
            rel = p.relative_to(staging)
            dst = out / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(p, dst)
            moved.append(rel.as_posix())
    return moved


def _install_dir(src: Path, dst: Path) -> None:
    """Replace folder ``dst`` by ``src`` (rename aside, rename in, remove the old one)."""
    old = None
    if dst.exists():
        old = dst.with_name(f".{dst.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(dst, old)
    os.replace(src, dst)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def stage_input_hash(stage: str, dhash: str, quick: bool, seed: int) -> str:
    payload = json.dumps({"stage": stage, "design_hash": dhash, "quick": quick, "seed": seed,
                          "code": code_digest(), "version": weiming.__version__}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


# ------------------------------------------------------------------ report sections
def _sections(ctx: Context, stages: list[Stage], results: list[StageResult]) -> list[tuple[str, str, list[str]]]:
    """One section per stage that ran: its own ``Stage.report`` fragment and its plots."""
    by_name = {r.name: r for r in results}
    secs = []
    for st in stages:
        r = by_name.get(st.name)
        if r is None:
            continue
        frag = ""
        if st.report is not None and r.ok:
            try:
                frag = st.report(ctx, r.figures)
            except Exception as exc:  # noqa: BLE001 - a broken section must not lose the report
                from weiming.tapeout.report import _esc

                frag = f"<p class='bad'>report section failed: {_esc(type(exc).__name__)}: {_esc(exc)}</p>"
        secs.append((st.title, frag, ctx.artifacts_png(st.name)))
    return secs


# ------------------------------------------------------------------ the run
def run_tapeout(out: Path, config: Path | None = None, quick: bool = True, only: list[str] | None = None,
                seed: int = 1, console: Console | None = None) -> dict[str, Any]:
    """Run the tape-out stages into ``out`` and write the summary and the report (see the module doc)."""
    plan = prepare(out, config, only)
    dest = plan.out.absolute()
    dest.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(dest)
    remove_stale(dest, plan.design_hash)
    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.{_STAGING}-{os.getpid()}-", dir=dest.parent))
    from weiming.fileio import add_interrupt_cleanup, remove_interrupt_cleanup

    def drop_staging() -> None:
        shutil.rmtree(staging, ignore_errors=True)

    add_interrupt_cleanup(drop_staging)
    try:
        ctx = Context(out=staging.resolve(), dest=dest.resolve(), quick=quick, config=plan.config, seed=seed,
                      design=plan.design)
        t0 = time.perf_counter()
        results = run_stages(plan.stages, ctx, console, after_stage=lambda r: install(staging, dest))
        rows = key_figures(plan.design, ctx.results)
        spec_met = all(r["ok"] is not False for r in rows)
        passed = all(r.passed for r in results) and spec_met
        summary = {
            "version": weiming.__version__,
            "design": str(plan.config) if plan.config else "built-in default",
            "design_name": plan.design.name,
            "design_hash": plan.design_hash,
            "quick": quick,
            "seed": seed,
            "passed": passed,
            "spec_met": spec_met,
            "seconds": round(time.perf_counter() - t0, 2),
            "provenance": provenance(plan.design_hash),
            "stages": [{"name": r.name, "title": r.title, "ok": r.ok, "passed": r.passed,
                        "seconds": round(r.seconds, 2), "error": r.error,
                        "input_hash": stage_input_hash(r.name, plan.design_hash, quick, seed)} for r in results],
            "key_figures": rows,
            "results": ctx.results,
        }
        write_summary(staging, summary)
        os.replace(staging / SUMMARY, dest / SUMMARY)
        kill_point("summary")
        write_report(staging, summary, ctx.artifacts, _sections(ctx, plan.stages, results), root=dest)
        _install_dir(staging / REPORT, dest / REPORT)
        kill_point("report")
        return summary
    finally:
        remove_interrupt_cleanup(drop_staging)
        drop_staging()
