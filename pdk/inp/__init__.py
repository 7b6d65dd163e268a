"""The generic monolithic InP PDK ``inp``."""

from __future__ import annotations

from weiming.pdk.tech import Technology, load_yaml, technology_from_dict
from weiming.resources import data_path

#: This PDK's data file (layers, rules, stack, connectivity): read by the builder and by LVS.
TECH_YAML = data_path(__name__, "tech.yaml")


def build(name: str = "inp") -> Technology:
    data = load_yaml(TECH_YAML)
    extra = {"family": "inp", "loss_db_per_m": data["loss_db_per_m"], "etches": data["etches"],
             "composition": data["composition"]}
    return technology_from_dict(name, data, extra)
