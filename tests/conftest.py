"""Shared fixtures. Tests that need meep are marked ``meep`` and skip with a
clear reason where Debian's python3-meep (or conda's pymeep) is missing."""

from __future__ import annotations

import importlib.util

import pytest

HAS_MEEP = importlib.util.find_spec("meep") is not None


#: Test modules with several-minute FDTD runs: started first, so that under
#: ``pytest -n 2`` they overlap the rest of the suite instead of trailing it.
LONG_FIRST = ("test_ring_vs_fdtd.py",)


def pytest_collection_modifyitems(config, items):
    if HAS_MEEP:
        items.sort(key=lambda item: not (item.path.name in LONG_FIRST and "meep" in item.keywords))  # stable
        return
    skip = pytest.mark.skip(reason="meep is not installed: apt-get install python3-meep (Debian) "
                                   "or conda install -c conda-forge pymeep")
    for item in items:
        if "meep" in item.keywords:
            item.add_marker(skip)
