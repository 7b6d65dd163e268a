"""Run named stages in order, time them, keep going when one fails.

A stage is a function ``(ctx) -> dict`` that returns the figures it produced
(JSON-serialisable) and may put artefact paths in ``ctx.artifacts``. A failing
stage is recorded with its error; later stages still run (those that need its
output fail clearly in turn). The exit status of the whole run says whether
every stage passed.

Files: a stage writes under ``ctx.out``, the run's staging folder beside the
output folder ``ctx.dest``; after each stage :func:`run_stages` calls
``after_stage`` (the tape-out moves the finished files into ``ctx.dest``).
Artefacts are registered by their path relative to either folder, which is
the same once moved.

Testing hook: ``WEIMING_TAPEOUT_KILL_AFTER=<stage>`` kills the process with
SIGKILL right after that stage's files are installed (a deterministic
interruption at a stage boundary).
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from rich.console import Console

KILL_ENV = "WEIMING_TAPEOUT_KILL_AFTER"


def kill_point(name: str) -> None:
    """SIGKILL this process when ``WEIMING_TAPEOUT_KILL_AFTER`` names ``name`` (tests of interruption)."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Context:
    out: Path
    quick: bool = True
    config: Path | None = None
    seed: int = 1
    #: the output folder the finished files end up in (``out`` itself when no staging is used)
    dest: Path | None = None
    design: Any = None
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    artifacts: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.dest is None:
            self.dest = self.out

    def rel(self, path: Path) -> str:
        """``path`` relative to the staging or the output folder."""
        p = Path(path).resolve()
        for root in (Path(self.out).resolve(), Path(self.dest).resolve()):
            if p.is_relative_to(root):
                return p.relative_to(root).as_posix()
        raise ValueError(f"{path}: not under {self.out} or {self.dest}")

    def add_artifact(self, stage: str, path: Path) -> None:
        rel = self.rel(path)
        if rel not in self.artifacts.setdefault(stage, []):
            self.artifacts[stage].append(rel)

    def artifacts_png(self, stage: str) -> list[str]:
        return [p for p in self.artifacts.get(stage, []) if p.endswith(".png")]


@dataclass
class StageResult:
    name: str
    title: str
    ok: bool
    seconds: float
    figures: dict[str, Any]
    error: str | None = None
    passed: bool = True  # the stage ran AND its own checks (e.g. DRC clean) passed


@dataclass(frozen=True)
class Stage:
    """A tape-out stage. ``report`` (optional) renders the stage's own report
    section: ``report(ctx, figures) -> html fragment``; plots registered with
    ``ctx.add_artifact(name, path)`` are shown under it."""

    name: str
    title: str
    run: Callable[[Context], dict[str, Any]]
    report: Callable[[Context, dict[str, Any]], str] | None = None


def run_stages(stages: list[Stage], ctx: Context, console: Console | None = None,
               after_stage: Callable[[StageResult], None] | None = None) -> list[StageResult]:
    console = console or Console(stderr=True)
    out: list[StageResult] = []
    for i, st in enumerate(stages, 1):
        console.print(f"[bold]\\[{i}/{len(stages)}] {st.title}[/bold] ...")
        t0 = time.perf_counter()
        try:
            figures = st.run(ctx) or {}
            ok, err = True, None
        except Exception as exc:  # noqa: BLE001 - a failing stage must not stop the others
            figures, ok = {}, False
            err = f"{type(exc).__name__}: {exc}"
            console.print(f"    [red]failed[/red]: {err}")
            console.print("    " + traceback.format_exc(limit=3).strip().replace("\n", "\n    "), style="dim")
        dt = time.perf_counter() - t0
        passed = ok and bool(figures.get("passed", True))
        ctx.results[st.name] = figures
        colour = "green" if passed else "red"
        word = "ok" if passed else ("checks failed" if ok else "error")
        console.print(f"    [{colour}]{word}[/{colour}] in {dt:.1f} s")
        res = StageResult(st.name, st.title, ok, dt, figures, err, passed)
        out.append(res)
        if after_stage is not None:
            after_stage(res)
        kill_point(st.name)
    return out
