"""``build(config, out_dir)``: the tape-out GDS of the network's chip set, checked and reproducible.

Steps: validate the design (nothing is written if it is invalid) -> ring radius
-> chips and test dies -> connectivity of every die -> reticles (placement,
overlap/fit) -> GDS, netlists, renders, wafer maps in a staging directory ->
DRC of every reticle -> files moved into ``out_dir`` one by one (atomic
``os.replace``), ``manifest.json`` last.

Outputs (paths relative to ``out_dir``)::

    reticles/<name>.gds       one per reticle          chips/<id>.gds   one per chip/test die
    chips/<id>.schematic.yaml intended netlist of every client/server chip (written from the design
                              before any layout is drawn; LVS compares each chip's GDS with it)
    netlists/<id>.yaml        per-die netlist          renders/*.png    reticles, server chips, first client
    wafers/<name>.png         wafer maps               drc/<reticle>.lyrdb  DRC markers (KLayout)
    manifest.json

Determinism: GDS written without timestamps or context/metadata, cell names
derived from content hashes; the same design gives byte-identical files.

Caching: the build key is a hash of the validated design, the package version
and the source of the PDK/cell/circuit modules. If ``out_dir`` already holds a
complete build with that key it is returned as is; else a copy kept in the
disk cache (``weiming.sims.cache.cache_dir()/build/<key>``) is restored.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from weiming import fileio
from weiming.circuits.design import Design, load_design

MANIFEST = "manifest.json"
_PACKAGES = ("weiming.pdk", "weiming.components", "weiming.circuits")


# ----------------------------------------------------------------------------- keys
def source_digest() -> str:
    """Hash of the source files the GDS depends on (PDK data, cells, circuits)."""
    return fileio.source_digest(_PACKAGES)


def build_key(design: Design) -> str:
    import weiming

    payload = json.dumps({"design": design.model_dump(mode="json"), "version": weiming.__version__,
                          "source": source_digest()}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _complete(out_dir: Path, key: str) -> dict | None:
    """The manifest in ``out_dir`` if it is a complete build with ``key`` (files present, hashes match)."""
    try:
        m = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if m.get("build_key") != key:
        return None
    for rel, sha in m.get("files", {}).items():
        p = out_dir / rel
        if not p.is_file() or _sha256(p) != sha:
            return None
    return m


def _install(staging: Path, out_dir: Path, files: list[str]) -> None:
    """Move ``files`` from ``staging`` into ``out_dir`` (each ``os.replace``: atomic), manifest last;
    then remove files an earlier build listed that this one does not (e.g. a die no longer built)."""
    try:
        old = set(json.loads((out_dir / MANIFEST).read_text(encoding="utf-8")).get("files", {}))
    except (OSError, json.JSONDecodeError):
        old = set()
    out_dir.mkdir(parents=True, exist_ok=True)
    for rel in sorted(files, key=lambda r: r == MANIFEST):
        dst = out_dir / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, dst)
    for rel in sorted(old - set(files)):
        (out_dir / rel).unlink(missing_ok=True)


def _copy_tree(src: Path, files: list[str], staging: Path) -> None:
    for rel in files:
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, staging / rel)


# ----------------------------------------------------------------------------- build
def build(config_path: Path | str | None, out_dir: Path | str, *, progress: bool = True) -> dict:
    """Build the design in ``config_path`` (None: the default design) into ``out_dir``; return the manifest.

    Raises :class:`weiming.circuits.design.DesignError` for an invalid config and
    :class:`weiming.circuits.cells.BuildError` / ``reticle.PlacementError`` when the
    design cannot be laid out; nothing is written in those cases. DRC and
    connectivity failures do not raise: they are in ``manifest["checks"]``
    (``passed`` False) and the CLI exits non-zero.
    """
    design = load_design(config_path)
    out_dir = Path(out_dir)
    key = build_key(design)
    hit = _complete(out_dir, key)
    if hit is not None:
        return hit
    from weiming.sims.cache import cache_dir

    cdir = cache_dir()
    cached = cdir / "build" / key if cdir is not None else None
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=parent))
    try:
        if cached is not None and (cached / MANIFEST).is_file():
            m = json.loads((cached / MANIFEST).read_text(encoding="utf-8"))
            _copy_tree(cached, list(m["files"]) + [MANIFEST], staging)
            if all(_sha256(staging / r) == s for r, s in m["files"].items()):
                _install(staging, out_dir, list(m["files"]) + [MANIFEST])
                return m
        m = _build_into(design, key, staging, progress)
        files = list(m["files"]) + [MANIFEST]
        if cached is not None:
            tmp_cache = Path(tempfile.mkdtemp(prefix=".build-", dir=_mk(cached.parent)))
            _copy_tree(staging, files, tmp_cache)
            try:
                os.replace(tmp_cache, cached)
            except OSError:  # another process stored it first
                shutil.rmtree(tmp_cache, ignore_errors=True)
        _install(staging, out_dir, files)
        return m
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _mk(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


def _build_into(design: Design, key: str, root: Path, progress: bool) -> dict:
    from weiming.circuits.steps import BuildRun

    return BuildRun(design, key, root, progress).run()


def main_exit_code(manifest: dict[str, Any]) -> int:
    """0 when every check passed, 1 otherwise (DRC, connectivity or LVS failed)."""
    return 0 if manifest.get("checks", {}).get("passed") else 1
