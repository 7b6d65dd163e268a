"""The yield run's configuration: the design facts (die, wafer, devices, comb
plan) and process-model overrides, merged over the defaults and validated.

A ``--config`` YAML has up to two top-level keys::

    design:  {client: {die_um: [4600, 2000], devices: {im: {count: 4}}}, ...}
    process: {hierarchy: {...}, field: {...}, pdks: {inp: {defects: {model: negbin}}}}

Unknown keys, wrong types and out-of-range values raise :class:`ConfigError`
naming the key (e.g. ``design.client.die_um``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from weiming.sims.wafer.process import deep_merge, load_defaults

DESIGN_DEFAULTS = Path(__file__).with_name("design_default.yaml")


class ConfigError(ValueError):
    """Bad yield configuration or spec file; the message names the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DeviceDesign(_Strict):
    count: int = Field(ge=0)
    critical_area_um2: float = Field(ge=0)
    vpi_v: float | None = Field(default=None, gt=0)
    length_um: float | None = Field(default=None, gt=0)
    mmi_width_um: float | None = Field(default=None, gt=0)
    mmi_excess_loss_db: float | None = Field(default=None, ge=0)
    delay_ps: float | None = Field(default=None, gt=0)
    radius_um: float | None = Field(default=None, gt=0)


class ChipDesign(_Strict):
    pdk: str
    die_um: tuple[float, float]
    wafer_diameter_mm: float = Field(gt=0)
    edge_exclusion_mm: float = Field(ge=0)
    dicing_lane_um: float = Field(ge=0)
    devices: dict[str, DeviceDesign]

    @field_validator("die_um")
    @classmethod
    def _pos(cls, v):
        if min(v) <= 0:
            raise ValueError("die size must be positive")
        return v


class CombPlan(_Strict):
    center_nm: float = Field(gt=0)
    fsr_ghz: float = Field(gt=0)
    channels: int = Field(ge=1)
    line_index: list[int]


class Design(_Strict):
    comb: CombPlan
    client: ChipDesign
    server: ChipDesign
    source: str = "weiming.sims.wafer design_default.yaml"


def _fmt(err: ValidationError, prefix: str) -> str:
    e = err.errors()[0]
    loc = ".".join(str(p) for p in (prefix, *e["loc"]))
    return f"{loc}: {e['msg']} (got {e.get('input')!r})"


def _read_yaml(path: str | Path | dict | None, what: str) -> dict:
    if path is None:
        return {}
    if isinstance(path, dict):
        return path
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{what} file {str(p)!r} does not exist")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{what} file {str(p)!r} is not valid YAML: {str(e).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{what} file {str(p)!r} must hold a mapping")
    return data


def _design_from_circuits() -> dict:
    """Die size and channel count from the chips engineer's design, when that API exists."""
    try:
        from weiming.circuits.design import load_design
    except ImportError:
        return {}
    try:
        d = load_design(None)
    except Exception:  # the chips module is still being built: keep our defaults
        return {}
    out: dict[str, Any] = {}
    client = getattr(d, "client", None)
    size = getattr(client, "size_um", None) or getattr(client, "die_um", None)
    if size:
        out.setdefault("client", {})["die_um"] = list(size)
    return out


def load_config(config: str | Path | dict | None = None) -> tuple[Design, dict]:
    """(validated design, merged process data) from the defaults and ``config``."""
    data = _read_yaml(config, "config")
    unknown = set(data) - {"design", "process"}
    if unknown:
        raise ConfigError(f"config: unknown key(s) {sorted(unknown)}; allowed: design, process")
    base = yaml.safe_load(DESIGN_DEFAULTS.read_text(encoding="utf-8"))
    base = deep_merge(base, _design_from_circuits())
    try:
        design = Design(**deep_merge(base, data.get("design") or {}))
    except ValidationError as e:
        raise ConfigError(_fmt(e, "design")) from None
    for chip in ("client", "server"):
        c = getattr(design, chip)
        from weiming.pdk import names
        if c.pdk not in names():
            raise ConfigError(f"design.{chip}.pdk: unknown PDK {c.pdk!r}; known: {names()}")
        from weiming.sims.wafer.devices import DEVICES
        for dn in c.devices:
            if dn not in DEVICES:
                raise ConfigError(f"design.{chip}.devices.{dn}: unknown device type; known: {sorted(DEVICES)}")
            if DEVICES[dn].pdk != c.pdk:
                raise ConfigError(f"design.{chip}.devices.{dn}: device of PDK {DEVICES[dn].pdk} on a {c.pdk} chip")
    if len(design.comb.line_index) != design.comb.channels:
        raise ConfigError(f"design.comb.line_index: {len(design.comb.line_index)} entries for "
                          f"{design.comb.channels} channels")
    try:
        process = load_defaults(data.get("process") or {})
    except Exception as e:  # pragma: no cover - YAML of the defaults is ours
        raise ConfigError(f"process: {e}") from None
    return design, process
