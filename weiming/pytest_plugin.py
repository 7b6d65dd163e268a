"""pytest plugin (entry point ``pytest11``: loaded automatically once weiming is installed).

Fixtures for a cell library's own test suite, the way gdsfactory users use difftest::

    import pytest
    from mylib import pdk

    @pytest.mark.parametrize("name", sorted(pdk.cells))
    def test_cell_is_drc_clean(name, drc_clean):
        drc_clean(pdk.get_component(name))                  # fails with the violations listed

    def test_chip_matches_its_schematic(lvs_match):
        lvs_match("build/chips/C01A.gds", "build/chips/C01A.schematic.yaml")

- ``drc_clean(layout, pdk=None)``: ``layout`` is a gdsfactory Component, a
  ``klayout.db.Layout`` or a GDS path; fails the test unless every rule of the
  PDK passes; returns the :class:`weiming.pdk.drc.DrcResult`.
- ``lvs_match(layout, schematic, pdk=None)``: ``schematic`` a YAML path or a
  mapping (:mod:`weiming.circuits.schematic`); fails unless the layout matches;
  returns the :class:`weiming.pdk.lvs.LvsResult`.

The PDK is ``pdk=``, else ``--weiming-pdk``, else the ini option ``weiming_pdk``,
else the schematic's ``pdk`` key (LVS), else the package default.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser) -> None:
    group = parser.getgroup("weiming", "weiming DRC/LVS fixtures")
    group.addoption("--weiming-pdk", default=None, help="PDK of the drc_clean / lvs_match fixtures")
    parser.addini("weiming_pdk", "PDK of the drc_clean / lvs_match fixtures", default="")


def _pdk(config, given: str | None, fallback: str | None = None) -> str:
    from weiming.pdk import DEFAULT

    return given or config.getoption("--weiming-pdk") or config.getini("weiming_pdk") or fallback or DEFAULT


def assert_drc_clean(layout: Any, pdk: str):
    """Fail the current test unless ``layout`` is DRC-clean in ``pdk``."""
    from weiming.pdk.drc import run_drc

    result = run_drc(layout, pdk)
    if not result.clean:
        pytest.fail(result.summary(), pytrace=False)
    return result


def assert_lvs_match(layout: Any, schematic: Any, pdk: str):
    """Fail the current test unless ``layout`` matches ``schematic`` in ``pdk``."""
    from weiming.pdk.lvs import run_lvs

    if hasattr(layout, "write_gds"):  # a gdsfactory Component: LVS reads a GDS with one top cell
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "layout.gds"
            layout.write_gds(path)
            result = run_lvs(path, pdk, schematic)
    else:
        result = run_lvs(layout, pdk, schematic)
    if not result.match:
        pytest.fail(result.summary(), pytrace=False)
    return result


@pytest.fixture
def drc_clean(request):
    """``drc_clean(layout, pdk=None)``: assert ``layout`` passes every design rule of the PDK."""

    def check(layout: Any, pdk: str | None = None):
        return assert_drc_clean(layout, _pdk(request.config, pdk))

    return check


@pytest.fixture
def lvs_match(request):
    """``lvs_match(layout, schematic, pdk=None)``: assert ``layout`` matches its intended netlist."""

    def check(layout: Any, schematic: Any, pdk: str | None = None):
        from weiming.pdk.lvs import load_schematic

        sch = schematic if isinstance(schematic, dict) else load_schematic(schematic)
        return assert_lvs_match(layout, sch, _pdk(request.config, pdk, sch.get("pdk")))

    return check
