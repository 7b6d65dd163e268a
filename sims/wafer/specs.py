"""Specifications (device, metric, bound) in YAML, validated with pydantic.

``specs_default.yaml`` holds the defaults. A user file replaces the list
(``specs: [...]``); errors name the offending entry and key, e.g.
``specs[3].metric: 'vpii' is not a metric of device im``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from weiming.sims.wafer.config import ConfigError, _read_yaml
from weiming.sims.wafer.devices import DEVICES, metrics_of
from weiming.resources import data_path

DEFAULTS = data_path("weiming.sims.wafer", "specs_default.yaml")


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    device: str
    metric: str
    min: float | None = None
    max: float | None = None
    source: str = "user"

    @model_validator(mode="after")
    def _check(self):
        if self.device not in DEVICES:
            raise ValueError(f"device {self.device!r} is unknown; known: {sorted(DEVICES)}")
        if self.metric not in metrics_of(self.device):
            raise ValueError(f"metric {self.metric!r} is not a metric of device {self.device}; "
                             f"metrics: {list(metrics_of(self.device))}")
        if self.min is None and self.max is None:
            raise ValueError("needs min and/or max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} > max {self.max}")
        return self

    @property
    def name(self) -> str:
        lo = "" if self.min is None else f"{self.min:g} <= "
        hi = "" if self.max is None else f" <= {self.max:g}"
        return f"{self.device}: {lo}{self.metric}{hi}"

    def passes(self, values: np.ndarray) -> np.ndarray:
        ok = np.ones(np.shape(values), dtype=bool)
        if self.min is not None:
            ok &= values >= self.min
        if self.max is not None:
            ok &= values <= self.max
        return ok


def load_specs(path: str | Path | dict | None = None) -> list[Spec]:
    """The validated spec list from ``path`` (default: ``specs_default.yaml``)."""
    data = _read_yaml(DEFAULTS if path is None else path, "specs")
    if set(data) != {"specs"} or not isinstance(data["specs"], list):
        raise ConfigError("specs: the file must hold one key 'specs' with a list of "
                          "{device, metric, min, max, source} entries")
    out = []
    for i, entry in enumerate(data["specs"]):
        if not isinstance(entry, dict):
            raise ConfigError(f"specs[{i}]: expected a mapping, got {entry!r}")
        try:
            out.append(Spec(**entry))
        except ValidationError as e:
            err = e.errors()[0]
            loc = ".".join(str(p) for p in err["loc"])
            key = f"specs[{i}]" + (f".{loc}" if loc else "")
            raise ConfigError(f"{key}: {err['msg'].removeprefix('Value error, ')}") from None
    return out
