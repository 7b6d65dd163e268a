"""A reduced design (one channel: two client chips, one comb chip, one SiN and one InP test die)
built once per test session into a shared cache, for the LVS and DRC-in-CI tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

SMALL = {"server": {"count": 1, "ring": {"ng_source": "eim"}}, "network": {"channels": 1},
         "sin_tests": {"gap_sweep_um": [2.5], "dispersion_widths_um": [], "cutback_lengths_um": []},
         "inp_tests": {"laser": False, "modulator_lengths_um": []}}


def build_small(tmp_path_factory) -> tuple[Path, dict]:
    import fcntl

    from weiming.circuits.build import build

    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "i13_small_build"
    shared.mkdir(parents=True, exist_ok=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("WEIMING_CACHE", str(shared / "cache"))
    cfg = shared / "design.yaml"
    try:
        with open(shared / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            cfg.write_text(yaml.safe_dump(SMALL))
            m = build(cfg, shared / "out", progress=False)
    finally:
        mp.undo()
    return shared / "out", m
