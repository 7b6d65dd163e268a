"""Registry-wide cell tests, parametrised over EVERY cell of EVERY PDK.

For each ``(pdk, cell)`` of ``weiming.components.registry.cells_for(p)``,
``p in weiming.pdk.names()`` (new cells join automatically):

(a) GDS regression: XOR (KLayout regions, per layer) of the default cell
    against ``tests/ref_gds/<pdk>/<cell>.gds``. A missing reference FAILS;
    create/refresh references explicitly with ``WEIMING_REGEN_REF=1`` or
    pytest-regressions' ``--force-regen``, then review and commit them.
(b) settings/ports/info regression with pytest-regressions (``data_regression``,
    files in ``tests/test_cells_registry/``).
(c) DRC clean at default parameters (``weiming.pdk.drc.run_drc``).
(d) hypothesis: random VALID parameters -> DRC clean; random INVALID parameters
    -> ``DesignRuleError``. Strategies come from ``tests/<family>_cell_strategies.py``
    (family = the PDK's ``tech.extra["family"]``, e.g. ``sin``, ``inp``), which
    defines either ``VALID``/``INVALID`` (``{cell: strategy of kwargs dicts}``)
    or per-PDK ``VALID_BY_PDK``/``INVALID_BY_PDK`` (``{pdk: {cell: ...}}``).
    A cell without a strategy fails with a message saying where to add it.
    Examples per cell: ``WEIMING_HYPOTHESIS_EXAMPLES`` (default 5), derandomised
    so that CI runs are reproducible.
(e) determinism: one cell written to two files gives byte-identical GDS.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import shutil
from pathlib import Path

import klayout.db as kdb
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from weiming.components._validate import DesignRuleError
from weiming.components.registry import cells_for
from weiming.pdk import activate, get_tech, names

HERE = Path(__file__).parent
REF_DIR = HERE / "ref_gds"
N_EXAMPLES = int(os.environ.get("WEIMING_HYPOTHESIS_EXAMPLES", "5"))

CASES = [(p, n) for p in names() for n in sorted(cells_for(p))]
IDS = [f"{p}-{n}" for p, n in CASES]


def build(pdk: str, name: str, **kwargs):
    activate(pdk)
    return cells_for(pdk)[name](**kwargs)


def _regen(request) -> bool:
    return os.environ.get("WEIMING_REGEN_REF") == "1" or bool(request.config.getoption("force_regen", False))


def _write(component, path: Path) -> Path:
    from weiming.components.gallery import save_gds

    return save_gds(component, path)


def xor_report(a: Path, b: Path) -> dict[tuple[int, int], float]:
    """Area (um^2) of the XOR per GDS layer of the flattened top cells of two files (empty = identical)."""
    la, lb = kdb.Layout(), kdb.Layout()
    la.read(str(a))
    lb.read(str(b))
    ta, tb = la.top_cells(), lb.top_cells()
    assert len(ta) == 1 and len(tb) == 1, f"expected one top cell: {[c.name for c in ta]}, {[c.name for c in tb]}"
    layers = {(i.layer, i.datatype) for i in la.layer_infos()} | {(i.layer, i.datatype) for i in lb.layer_infos()}
    diff = {}
    for ld in sorted(layers):
        ra = kdb.Region()
        rb = kdb.Region()
        ia, ib = la.find_layer(*ld), lb.find_layer(*ld)
        if ia is not None:
            ra = kdb.Region(ta[0].begin_shapes_rec(ia))
        if ib is not None:
            rb = kdb.Region(tb[0].begin_shapes_rec(ib))
        x = ra ^ rb
        if not x.is_empty():
            diff[ld] = x.area() * la.dbu**2
    return diff


@pytest.mark.parametrize("pdk,name", CASES, ids=IDS)
def test_gds_matches_reference(pdk, name, tmp_path, request):
    c = build(pdk, name)
    out = _write(c, tmp_path / f"{name}.gds")
    ref = REF_DIR / pdk / f"{name}.gds"
    if _regen(request):
        ref.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, ref)
        pytest.skip(f"reference regenerated: {ref}")
    assert ref.exists(), (f"no reference GDS {ref}: generate with WEIMING_REGEN_REF=1 pytest {__file__} -k "
                          f"'{pdk}-{name}', review it and commit it")
    diff = xor_report(out, ref)
    assert not diff, f"{pdk}/{name} differs from {ref} (XOR area um^2 per layer): {diff}"


def _plain(x):
    """JSON-able data with floats rounded to 1e-6 (um: 1 pm) so the YAML is stable."""
    if isinstance(x, float):
        return round(x, 6) if math.isfinite(x) else str(x)
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if x is None or isinstance(x, (bool, int, str)):
        return x
    return str(x)


def cell_record(c) -> dict:
    """What the settings/ports regression stores for one cell."""
    ports = []
    for p in c.ports:
        li = p.layer_info
        ports.append({"name": p.name, "center": list(p.center), "width": p.width, "orientation": p.orientation,
                      "port_type": p.port_type, "layer": [li.layer, li.datatype]})
    return _plain({"name": c.name, "settings": dict(c.settings), "info": dict(c.info), "ports": ports})


@pytest.mark.parametrize("pdk,name", CASES, ids=IDS)
def test_settings_and_ports(pdk, name, data_regression):
    c = build(pdk, name)
    rec = cell_record(c)
    g = get_tech(pdk).grid
    for p in rec["ports"]:
        assert p["name"][0] in "oe" and p["name"][1:].isdigit(), f"port {p['name']} not named o1../e1.."
        for v in p["center"]:
            assert abs(round(v / g) * g - v) < 1e-6, f"port {p['name']} centre {p['center']} off the {g} um grid"
    data_regression.check(json.loads(json.dumps(rec)))


def _run_drc():
    try:
        from weiming.pdk.drc import run_drc
    except ImportError as e:  # the DRC engine is another engineer's module
        pytest.skip(f"weiming.pdk.drc not importable yet: {e}")
    return run_drc


@pytest.mark.parametrize("pdk,name", CASES, ids=IDS)
def test_drc_clean_at_default(pdk, name):
    run_drc = _run_drc()
    r = run_drc(build(pdk, name), pdk)
    assert r.clean, f"{pdk}/{name} at default parameters: {r.to_json()}"


@pytest.mark.parametrize("pdk,name", CASES, ids=IDS)
def test_polygons_fit_a_gdsii_record(pdk, name):
    """No polygon over 4000 points: GDSII boundaries hold at most 8191, and records over 0x8000 bytes
    (4096 points) are read with warnings by KLayout and refused by older mask tools."""
    c = build(pdk, name)
    points = [it.shape().polygon.num_points() for li in c.kdb_cell.layout().layer_indexes()
              for it in c.kdb_cell.begin_shapes_rec(li).each() if it.shape().is_polygon()]
    worst = max(points, default=0)
    assert worst <= 4000, f"{pdk}/{name}: a polygon of {worst} points"


def strategies(pdk: str, name: str, kind: str):
    """The hypothesis strategy of ``kind`` ("VALID" or "INVALID") for a cell, or fail saying where to add it."""
    family = get_tech(pdk).extra.get("family", pdk)
    modname = f"{family}_cell_strategies"
    try:
        mod = importlib.import_module(modname)
    except ModuleNotFoundError:
        pytest.fail(f"no tests/{modname}.py with the hypothesis strategies of the {family} cells")
    table = getattr(mod, f"{kind}_BY_PDK", {}).get(pdk) or getattr(mod, kind, {})
    if name not in table:
        pytest.fail(f"no {kind} hypothesis strategy for {pdk}/{name}: add it in tests/{modname}.py")
    return table[name]


# no shrinking: each DRC example costs ~1 s, and the failing kwargs are printed whole anyway
HYP = settings(max_examples=N_EXAMPLES, deadline=None, derandomize=True, database=None,
               phases=[Phase.explicit, Phase.generate],
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("pdk,name", CASES, ids=IDS)
def test_random_valid_parameters_drc_clean(pdk, name):
    run_drc = _run_drc()

    @HYP
    @given(kw=strategies(pdk, name, "VALID"))
    def check(kw):
        r = run_drc(build(pdk, name, **kw), pdk)
        assert r.clean, f"{pdk}/{name}({kw}): {r.to_json()}"

    check()


@pytest.mark.parametrize("pdk,name", CASES, ids=IDS)
def test_random_invalid_parameters_raise(pdk, name):
    @HYP
    @given(kw=strategies(pdk, name, "INVALID"))
    def check(kw):
        with pytest.raises(DesignRuleError) as e:
            build(pdk, name, **kw)
        msg = str(e.value)
        assert "\n" not in msg and "=" in msg, f"{pdk}/{name}({kw}): unclear error {msg!r}"

    check()


@pytest.mark.parametrize("pdk,name", CASES, ids=IDS)
def test_gds_written_twice_is_byte_identical(pdk, name, tmp_path):
    c = build(pdk, name)
    a = _write(c, tmp_path / "a.gds").read_bytes()
    b = _write(build(pdk, name), tmp_path / "b.gds").read_bytes()
    assert a == b
