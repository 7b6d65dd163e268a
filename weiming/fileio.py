"""Atomic file writes shared by every writer in the package (GDS, PNG, JSON, report databases).

A result is written to a temporary file in the destination folder and renamed
over the destination (``os.replace``), so a reader or an interrupted run sees
the old file or the new one, never half of one. ``mkstemp`` creates files
readable by the owner only; the final file gets the ordinary permissions
(``0o666`` less the umask) that a plain ``open`` would have given it.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path, suffix: str = ".tmp") -> Iterator[str]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``, on error it is removed.

    ``suffix`` lets writers that infer the format from the name (GDS, PNG) see the right extension.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (flushed to disk before the rename)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def source_digest(packages: tuple[str, ...]) -> str:
    """SHA-256 of the Python and YAML sources of ``packages`` (dotted names), wherever they are installed.

    Results computed by code carry this in their cache keys: editing the code
    that produced them invalidates them.
    """
    import hashlib
    import importlib

    h = hashlib.sha256()
    seen: set[Path] = set()
    for name in packages:
        for base in importlib.import_module(name).__path__:
            for p in sorted(Path(base).rglob("*")):
                if p.suffix in (".py", ".yaml", ".yml") and "__pycache__" not in p.parts and p not in seen:
                    seen.add(p)
                    h.update(f"{name}:{p.relative_to(base)}".encode())
                    h.update(p.read_bytes())
    return h.hexdigest()
