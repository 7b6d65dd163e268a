"""The yield run's configuration: the design facts (die, wafer, devices, comb
plan) and process-model overrides, merged over the defaults and validated.

A ``--config`` YAML has up to three top-level keys::

    chips_design: path/to/build_config.yaml   # the `weiming build --config` file (optional)
    design:  {client: {die_um: [4600, 2000], devices: {im: {count: 4}}}, ...}
    process: {hierarchy: {...}, field: {...}, pdks: {inp: {defects: {model: negbin}}}}

Precedence: ``design_default.yaml`` < the chips design
(``weiming.circuits.design.load_design``, default or ``chips_design``) <
``design``.

Unknown keys, wrong types and out-of-range values raise :class:`ConfigError`
naming the key (e.g. ``design.client.die_um``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from weiming.sims.wafer.process import deep_merge, load_defaults
from weiming.resources import data_path

DESIGN_DEFAULTS = data_path("weiming.sims.wafer", "design_default.yaml")


class ConfigError(ValueError):
    """Bad yield configuration or spec file; the message names the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DeviceDesign(_Strict):
    count: int = Field(ge=0)
    critical_area_um2: float | None = Field(default=None, ge=0)
    critical_width_um: float | None = Field(default=None, ge=0)
    vpi_v: float | None = Field(default=None, gt=0)
    length_um: float | None = Field(default=None, gt=0)
    mmi_width_um: float | None = Field(default=None, gt=0)
    mmi_excess_loss_db: float | None = Field(default=None, ge=0)
    delay_ps: float | None = Field(default=None, gt=0)
    radius_um: float | None = Field(default=None, gt=0)

    @property
    def area_um2(self) -> float:
        """Critical area: explicit, else length x critical width."""
        if self.critical_area_um2 is not None:
            return self.critical_area_um2
        if self.critical_width_um is not None and self.length_um is not None:
            return self.length_um * self.critical_width_um
        raise ValueError("needs critical_area_um2 or length_um and critical_width_um")


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


def _design_from_circuits(path: str | Path | None = None) -> tuple[dict, str]:
    """The yield-relevant facts of the chips design (``weiming.circuits.design``), and where they came from."""
    try:
        from weiming.circuits.design import DesignError, load_design
    except ImportError:
        return {}, "sims/wafer/design_default.yaml (weiming.circuits.design not importable)"
    try:
        d = load_design(path)
    except DesignError as e:
        raise ConfigError(f"chips_design: {e}") from None
    try:
        n, c, s = d.network, d.client, d.server
        facts = {
            "comb": {"center_nm": n.center_wavelength_nm, "fsr_ghz": n.fsr_ghz, "channels": n.channels,
                     "line_index": [n.first_line + i * n.line_step for i in range(n.channels)]},
            "client": {"die_um": list(c.die_um), "wafer_diameter_mm": d.wafers.inp.diameter_mm,
                       "edge_exclusion_mm": d.wafers.inp.edge_exclusion_mm, "dicing_lane_um": d.frame.dicing_lane_um,
                       "devices": {"im": {"length_um": c.im_length_um}, "pm": {"length_um": c.pm_length_um},
                                   "voa": {"length_um": c.voa_length_um}}},
            "server": {"pdk": s.pdk, "die_um": list(s.die_um), "wafer_diameter_mm": d.wafers.sin.diameter_mm,
                       "edge_exclusion_mm": d.wafers.sin.edge_exclusion_mm, "dicing_lane_um": d.frame.dicing_lane_um},
        }
    except AttributeError as e:  # the chips schema changed: say so in the result instead of guessing
        return {}, f"sims/wafer/design_default.yaml (chips design schema not understood: {e})"
    return facts, f"weiming.circuits.design.load_design({str(path) if path else 'default'}) + sims/wafer/design_default.yaml"


def load_config(config: str | Path | dict | None = None) -> tuple[Design, dict]:
    """(validated design, merged process data) from the defaults and ``config``."""
    data = _read_yaml(config, "config")
    unknown = set(data) - {"design", "process", "chips_design"}
    if unknown:
        raise ConfigError(f"config: unknown key(s) {sorted(unknown)}; allowed: chips_design, design, process")
    base = yaml.safe_load(DESIGN_DEFAULTS.read_text(encoding="utf-8"))
    facts, source = _design_from_circuits(data.get("chips_design"))
    base = deep_merge(base, facts)
    base["source"] = source
    try:
        design = Design(**deep_merge(base, data.get("design") or {}))
    except ValidationError as e:
        raise ConfigError(_fmt(e, "design")) from None
    for chip in ("client", "server"):
        c = getattr(design, chip)
        if not any(d.count > 0 for d in c.devices.values()):
            raise ConfigError(f"design.{chip}.devices: at least one device needs count >= 1")
        from weiming.pdk import names
        if c.pdk not in names():
            raise ConfigError(f"design.{chip}.pdk: unknown PDK {c.pdk!r}; known: {names()}")
        from weiming.sims.wafer.devices import DEVICES
        for dn in c.devices:
            if dn not in DEVICES:
                raise ConfigError(f"design.{chip}.devices.{dn}: unknown device type; known: {sorted(DEVICES)}")
            if DEVICES[dn].pdk != c.pdk:
                raise ConfigError(f"design.{chip}.devices.{dn}: device of PDK {DEVICES[dn].pdk} on a {c.pdk} chip")
            try:
                c.devices[dn].area_um2
            except ValueError as e:
                raise ConfigError(f"design.{chip}.devices.{dn}: {e}") from None
    if len(design.comb.line_index) != design.comb.channels:
        raise ConfigError(f"design.comb.line_index: {len(design.comb.line_index)} entries for "
                          f"{design.comb.channels} channels")
    over = data.get("process") or {}
    _check_keys(over, load_defaults(), "process")
    process = load_defaults(over)
    from weiming.sims.wafer.process import process_model

    for chip in ("client", "server"):
        pdk = getattr(design, chip).pdk
        if pdk not in process["pdks"]:
            raise ConfigError(f"process.pdks.{pdk}: no process model for PDK {pdk} (have {sorted(process['pdks'])})")
        try:
            process_model(pdk, process)
        except (ValueError, KeyError, TypeError) as e:
            raise ConfigError(f"process: {e}") from None
    return design, process


def _check_keys(over: Any, base: Any, prefix: str) -> None:
    """Every key of the override must exist in the defaults (typos are errors, not silently ignored)."""
    if not isinstance(over, dict):
        if isinstance(base, dict):
            raise ConfigError(f"{prefix}: expected a mapping, got {over!r}")
        return
    if not isinstance(base, dict):
        raise ConfigError(f"{prefix}: expected a value, got a mapping")
    for k, v in over.items():
        if k not in base:
            raise ConfigError(f"{prefix}.{k}: unknown key; known: {sorted(base)}")
        _check_keys(v, base[k], f"{prefix}.{k}")
