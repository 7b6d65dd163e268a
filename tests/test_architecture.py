"""Architecture rules of the weiming package, checked on the source by static analysis (ast, no imports).

The import graph: one node per module of the ``weiming`` namespace (the repo
folders are mapped onto it as setup.py does: ``sims/`` is ``weiming.sims``,
...). An edge ``A -> B`` for every ``import``/``from ... import`` in ``A`` that
names a module ``B`` of the package (``from P import x`` is an edge to ``P.x``
when that is a module, else to ``P``; relative imports are resolved). Importing
``P.x`` also runs ``P/__init__.py``, but that implicit edge is not drawn: a
package's ``__init__`` may re-export its submodules.

Rules:

1. No cycle among module-level imports (those outside any function body;
   ``if TYPE_CHECKING:`` blocks excluded). Such a cycle makes the package's
   behaviour depend on which module is imported first (partially initialised
   modules).
2. No cycle either when function-local imports are counted. A deferred import
   does not fail at import time, but a cycle through one still means two
   modules depend on each other (the tapeout ``stages``/``inp_models`` pair was
   one): shared code belongs in a third module both import. Function-local
   imports remain fine for heavy or optional dependencies (meep, matplotlib)
   and to keep start-up light; they just may not close a loop.
3. Layering: the simulations (``weiming.sims.*``) import nothing from the
   tape-out flow or the command line (``weiming.tapeout``, ``weiming.commands``,
   ``weiming.cli``), at any level; the flow calls the simulations, never back.
4. Inside ``weiming.sims``, module-level imports go one way: ``devices`` ->
   ``fdtd`` -> ``modes`` (``devices`` -> ``modes`` too): the mode solvers know no
   FDTD or device model, FDTD no device model.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Repo folder of each top-level package of the namespace (as in setup.py).
FOLDERS = {"weiming": "weiming", "weiming.pdk": "pdk", "weiming.components": "components",
           "weiming.circuits": "circuits", "weiming.sims": "sims"}
UPPER_LAYERS = ("weiming.tapeout", "weiming.commands", "weiming.cli")
#: sims sub-package -> the sims sub-packages it may not import at module level.
SIMS_BELOW = {"modes": ("fdtd", "devices"), "fdtd": ("devices",)}


def _module_files() -> dict[str, Path]:
    mods: dict[str, Path] = {}
    for name, folder in FOLDERS.items():
        base = ROOT / folder
        for p in sorted(base.rglob("*.py")):
            rel = p.relative_to(base).with_suffix("").parts
            if "__pycache__" in rel or not (p.parent / "__init__.py").exists():
                continue
            if rel[-1] == "__init__":
                rel = rel[:-1]
            mods[".".join([name, *rel])] = p
    # a sub-folder of weiming/ that is itself mapped (none today) would be listed twice: keep the mapping
    return mods


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module, module: str, is_pkg: bool):
    """Yield (imported dotted name, candidate submodule names, function_local) for every import."""

    def visit(node, local: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    yield from visit_stmt(sub, local)
                continue
            yield from visit_stmt(child, local)

    def visit_stmt(child, local: bool):
        if isinstance(child, ast.Import):
            for a in child.names:
                yield a.name, (), local
        elif isinstance(child, ast.ImportFrom):
            if child.level:
                pkg = module if is_pkg else module.rpartition(".")[0]
                for _ in range(child.level - 1):
                    pkg = pkg.rpartition(".")[0]
                base = f"{pkg}.{child.module}" if child.module else pkg
            else:
                base = child.module or ""
            yield base, tuple(f"{base}.{a.name}" for a in child.names), local
        else:
            inner = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from visit(child, inner)

    yield from visit(tree, False)


@lru_cache(maxsize=1)
def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module-level edges, all edges incl. function-local) between modules of the package."""
    files = _module_files()
    top: dict[str, set[str]] = {m: set() for m in files}
    full: dict[str, set[str]] = {m: set() for m in files}
    for mod, path in files.items():
        tree = ast.parse(path.read_text(), str(path))
        for base, subs, local in _imports(tree, mod, path.name == "__init__.py"):
            targets = [s for s in subs if s in files] or ([base] if base in files else [])
            if len(targets) < len(subs) and base in files:  # names that are not modules come from the package
                targets.append(base)
            for t in targets:
                if t != mod:
                    full[mod].add(t)
                    if not local:
                        top[mod].add(t)
    return top, full


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:  # recursion depth is bounded by the module count (a few hundred)
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_graph_sees_the_package():
    top, full = import_graph()
    assert "weiming.sims.modes.mpb" in top and "weiming.tapeout.stages" in top
    assert "weiming.sims.cache" in top["weiming.sims.modes.mpb"]  # a module-level import
    assert "weiming.sims.devices.coupler" in full["weiming.sims.devices.ring"]  # a function-local one


def test_cycle_finder_finds_cycles():
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert find_cycles(g) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_cycle_among_module_level_imports():
    cycles = find_cycles(import_graph()[0])
    assert not cycles, f"module-level import cycles: {cycles}"


def test_no_cycle_with_function_local_imports():
    cycles = find_cycles(import_graph()[1])
    assert not cycles, f"import cycles through function-local imports: {cycles}"


def test_sims_do_not_import_the_flow():
    _, full = import_graph()
    bad = sorted((m, t) for m, ts in full.items() if m.startswith("weiming.sims.") or m == "weiming.sims"
                 for t in ts if any(t == u or t.startswith(u + ".") for u in UPPER_LAYERS))
    assert not bad, f"simulations importing the tape-out flow / CLI: {bad}"


def test_sims_layers_point_one_way():
    top, _ = import_graph()
    bad = []
    for low, banned in SIMS_BELOW.items():
        for m, ts in top.items():
            if m == f"weiming.sims.{low}" or m.startswith(f"weiming.sims.{low}."):
                bad += [(m, t) for t in sorted(ts) for b in banned
                        if t == f"weiming.sims.{b}" or t.startswith(f"weiming.sims.{b}.")]
    assert not bad, f"sims layering (devices -> fdtd -> modes) broken by: {bad}"
