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


class OutputPathError(ValueError):
    """An output location that cannot be written; the message names the option, the path and the rule."""


def _nearest_existing(path: Path) -> Path:
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_output_dir(path: str | Path, option: str = "--out") -> Path:
    """Refuse, before any work, an output folder that is a file, under a file, or not writable.

    Nothing is created here: the folder is made when the first result is written.
    """
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise OutputPathError(f"{option} {str(p)!r}: is a file, not a folder")
    base = _nearest_existing(p.absolute())
    if not base.is_dir():
        raise OutputPathError(f"{option} {str(p)!r}: {str(base)!r} is a file, so the folder cannot be created")
    if not _can_write_in(base):
        raise OutputPathError(f"{option} {str(p)!r}: {str(base)!r} is not writable")
    return p


def _can_write_in(folder: Path) -> bool:
    """Try it (``os.access`` says yes to root even on /proc): a temporary file, removed at once."""
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".weiming-probe-"):
            return True
    except OSError:
        return False


def check_output_file(path: str | Path, option: str, suffixes: tuple[str, ...] = ()) -> Path:
    """Refuse, before any work, an output file that is a folder, under a file, unwritable or of the wrong type."""
    p = Path(path)
    if suffixes and p.suffix.lower() not in suffixes:
        raise OutputPathError(f"{option} {str(p)!r}: must end in {' or '.join(suffixes)}")
    if p.is_dir():
        raise OutputPathError(f"{option} {str(p)!r}: is a folder, not a file")
    if p.exists() and not _can_open_for_append(p):
        raise OutputPathError(f"{option} {str(p)!r}: the file is not writable")
    check_output_dir(p.parent if str(p.parent) else Path("."), option=f"{option} {str(p)!r}: folder")
    return p


def _can_open_for_append(p: Path) -> bool:
    try:
        with open(p, "ab"):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------- Ctrl-C cleanups
#: callables run when Ctrl-C ends a command (weiming.cli), e.g. removing a staging folder
_CLEANUPS: list = []


def add_interrupt_cleanup(fn) -> None:
    """Call ``fn()`` when Ctrl-C ends the command (e.g. remove a staging folder)."""
    _CLEANUPS.append(fn)


def remove_interrupt_cleanup(fn) -> None:
    if fn in _CLEANUPS:
        _CLEANUPS.remove(fn)


def run_interrupt_cleanups() -> None:
    for fn in list(_CLEANUPS):
        try:
            fn()
        except Exception:  # noqa: BLE001 - best effort: the next run cleans up as well
            pass


# ---------------------------------------------------------------- YAML numbers
def _number_loader():
    import re

    import yaml

    class NumberLoader(yaml.SafeLoader):
        """Safe YAML with numbers as people write them (YAML 1.2 floats): PyYAML's YAML 1.1 rules
        read ``30.03e9`` or ``1e-3`` as text. Used by the design and sweep-spec readers."""

    NumberLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                        |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
                        |[-+]?\.(?:inf|Inf|INF)
                        |\.(?:nan|NaN|NAN))$""", re.X),
        list("-+0123456789."))
    return NumberLoader


def load_yaml(text: str):
    """Parse YAML ``text`` safely, with YAML 1.2 numbers (``30.03e9`` is a float); raises ``yaml.YAMLError``."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _number_loader()
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a SafeLoader subclass


_LOADER = None
