"""The PDK data loads, is self-consistent, and turns into gdsfactory PDKs."""

import pytest

from weiming.pdk import activate, get_tech, names
from weiming.pdk.rules import RULE_KINDS


@pytest.mark.parametrize("name", names())
def test_tech_is_consistent(name):
    t = get_tech(name)
    for r in t.rules:
        assert r.kind in RULE_KINDS
        for lay in (r.layer, *(r.other_layer or "").split("|")):
            assert not lay or lay in t.layers, f"rule {r.name} names unknown layer {lay}"
    for x in t.cross_sections.values():
        assert x.layer in t.layers
        assert x.width > 0 and x.radius_min > 0
    for lv in t.layer_stack.values():
        assert lv.layer is None or lv.layer in t.layers
        assert lv.thickness > 0
    gds = [l.gds for l in t.layers.values()]
    assert len(gds) == len(set(gds)), "two layers share a GDS number"


@pytest.mark.parametrize("name", names())
def test_gdsfactory_pdk_activates(name):
    pdk = activate(name)
    t = get_tech(name)
    for xs_name, x in t.cross_sections.items():
        xs = pdk.get_cross_section(xs_name)
        assert xs.width == pytest.approx(x.width)


def test_sin_variants_differ_only_where_they_should():
    a, b = get_tech("sin100"), get_tech("sin800")
    assert a.layers == b.layers
    assert a.layer_stack["core"].thickness == pytest.approx(0.1)
    assert b.layer_stack["core"].thickness == pytest.approx(0.8)
    assert a.extra["loss_db_per_m"] == pytest.approx(1.7)  # seed network figure
