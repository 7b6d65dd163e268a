"""Cache keys of the tape-out stages: their inputs plus a digest of the code.

A stage's result depends on the code that computed it as much as on its
inputs, so every key includes :func:`code_digest`, the hash of the package's
Python and YAML sources (wherever the packages are installed). Editing any of
them reruns the stages; an unchanged tree re-reads their results.
"""

from __future__ import annotations

import hashlib
import importlib
from functools import lru_cache
from pathlib import Path

_PACKAGES = ("weiming", "weiming.pdk", "weiming.components", "weiming.circuits", "weiming.sims")


@lru_cache(maxsize=1)
def code_digest() -> str:
    h = hashlib.sha256()
    seen: set[Path] = set()
    for name in _PACKAGES:
        for base in importlib.import_module(name).__path__:
            for p in sorted(Path(base).rglob("*")):
                if p.suffix in (".py", ".yaml", ".yml") and "__pycache__" not in p.parts and p not in seen:
                    seen.add(p)
                    h.update(f"{name}:{p.relative_to(base)}".encode())
                    h.update(p.read_bytes())
    return h.hexdigest()


def file_digest(path: Path | None) -> str:
    return "default" if path is None else hashlib.sha256(Path(path).read_bytes()).hexdigest()
