"""Run named stages in order, time them, keep going when one fails.

A stage is a function ``(ctx) -> dict`` that returns the figures it produced
(JSON-serialisable) and may put artefact paths in ``ctx.artifacts``. A failing
stage is recorded with its error; later stages still run (those that need its
output fail clearly in turn). The exit status of the whole run says whether
every stage passed.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from rich.console import Console


@dataclass
class Context:
    out: Path
    quick: bool = True
    config: Path | None = None
    seed: int = 1
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    artifacts: dict[str, list[str]] = field(default_factory=dict)

    def add_artifact(self, stage: str, path: Path) -> None:
        rel = str(Path(path).resolve().relative_to(self.out))
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


def run_stages(stages: list[Stage], ctx: Context, console: Console | None = None) -> list[StageResult]:
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
        out.append(StageResult(st.name, st.title, ok, dt, figures, err, passed))
    return out
