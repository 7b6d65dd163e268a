"""Cache keys of the tape-out stages: their inputs plus a digest of the code.

A stage's result depends on the code that computed it as much as on its
inputs, so every key includes :func:`code_digest`, the hash of the package's
Python and YAML sources (wherever the packages are installed). Editing any of
them reruns the stages; an unchanged tree re-reads their results.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from weiming.fileio import source_digest

_PACKAGES = ("weiming", "weiming.pdk", "weiming.components", "weiming.circuits", "weiming.sims")


@lru_cache(maxsize=1)
def code_digest() -> str:
    return source_digest(_PACKAGES)


def file_digest(path: Path | None) -> str:
    return "default" if path is None else hashlib.sha256(Path(path).read_bytes()).hexdigest()
