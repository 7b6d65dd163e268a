"""The generic monolithic InP PDK ``inp``."""

from __future__ import annotations

from weiming.pdk.tech import Technology, load_yaml, technology_from_dict
from weiming.resources import data_path


def build(name: str = "inp") -> Technology:
    data = load_yaml(data_path(__name__, "tech.yaml"))
    extra = {"family": "inp", "loss_db_per_m": data["loss_db_per_m"], "etches": data["etches"],
             "composition": data["composition"]}
    return technology_from_dict(name, data, extra)
