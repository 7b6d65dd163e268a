"""The Si3N4 PDKs ``sin100`` and ``sin800``: one builder, the film thickness a parameter."""

from __future__ import annotations

import copy

from weiming.pdk.tech import Technology, load_yaml, technology_from_dict
from weiming.resources import data_path

#: This PDK's data file (layers, rules, stack, connectivity): read by the builder and by LVS.
TECH_YAML = data_path(__name__, "tech.yaml")

VARIANTS = ("sin100", "sin800")


def build(name: str = "sin100") -> Technology:
    """Technology of the ``name`` variant (``sin100`` or ``sin800``).

    The layer stack is derived from the variant's core thickness: thermal oxide
    below z=0, the Si3N4 core from z=0, the SiO2 top cladding over it, heater and
    routing metal on top of the cladding.
    """
    raw = load_yaml(TECH_YAML)
    if name not in raw["variants"]:
        raise KeyError(f"unknown SiN variant {name!r}; known: {sorted(raw['variants'])}")
    data = copy.deepcopy(raw["base"])
    var = raw["variants"][name]
    t = float(var["core_thickness"])
    clad = float(var["top_clad_thickness"])
    data["description"] = var["description"]
    data["cross_sections"] = {**var["cross_sections"], **data["cross_sections"]}
    stack = data["layer_stack"]
    stack["core"] = {"layer": "WG", "zmin": 0.0, "thickness": t, "material": "si3n4", "sidewall_angle": 90.0,
                     "thickness_tol": var["core_thickness_tol"], "width_tol": var["core_width_tol"],
                     "source": f"{t * 1000:.0f} nm LPCVD Si3N4; tolerances: assumption"}
    stack["clad"] = {"layer": None, "zmin": 0.0, "thickness": clad, "material": "sio2", "sidewall_angle": 90.0,
                     "thickness_tol": 0.1, "width_tol": 0.0, "source": "assumption: LPCVD/PECVD SiO2 top cladding, annealed"}
    stack["heater"]["zmin"] = clad
    stack["metal"]["zmin"] = clad + stack["heater"]["thickness"]
    order = ["box", "core", "clad", "heater", "metal"]
    data["layer_stack"] = {k: stack[k] for k in order}
    extra = {"core_thickness": t, "loss_db_per_m": var["loss_db_per_m"], "family": "sin"}
    return technology_from_dict(name, data, extra)
