"""The yield run's configuration: the design facts (die, wafer, devices, comb
plan) and process-model overrides, merged over the defaults and validated.

A ``--config`` YAML is either a chips design (the `weiming build --config`
file, as `weiming tapeout` passes it) or has up to three top-level keys::

    chips_design: path/to/build_config.yaml   # the `weiming build --config` file (optional)
    design:  {client: {devices: {im: {vpi_v: 3.2}}}, ...}   # what-if overrides
    process: {hierarchy: {...}, field: {...}, pdks: {inp: {defects: {model: negbin}}}}

One design source: the comb plan, die sizes, wafers and the device inventory
(kinds, counts, lengths, MMI widths, critical areas extracted from the
polygons) come from the chips design and its built chips
(:mod:`.inventory`); ``design_default.yaml`` holds only the device-model
facts the design does not define. Precedence: ``design_default.yaml`` < the
chips design and its layout < ``design``.

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
    critical_area_um2: float | None = Field(default=None, ge=0)   # from the layout (inventory)
    critical_area: dict | None = None                             # per-layer shorts/opens detail (inventory)
    instances: list[str] | None = None
    vpi_v: float | None = Field(default=None, gt=0)
    length_um: float | None = Field(default=None, gt=0)
    mmi_in_cell: str | None = None
    mmi_in_width_um: float | None = Field(default=None, gt=0)
    mmi_out_cell: str | None = None
    mmi_out_width_um: float | None = Field(default=None, gt=0)
    mmi_width_offset_um: float = 0.0          # design centring: drawn MMI width change
    period_offset_nm: float = 0.0             # design centring: DBR grating period change
    lock: dict | None = None                  # laser: bragg_detuning_ghz, lock_range_ghz, lock_margin
    delay_ps: float | None = Field(default=None, gt=0)
    radius_um: float | None = Field(default=None, gt=0)
    heater_range_fsr: float | None = Field(default=None, gt=0)

    @property
    def area_um2(self) -> float:
        """Mean critical area per device (um^2), extracted from the layout."""
        if self.critical_area_um2 is None:
            raise ValueError("no critical area: the device is not in the built chip's inventory")
        return self.critical_area_um2


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


CHIPS_DESIGN_KEYS = {"name", "network", "frame", "server", "client", "sin_tests", "inp_tests", "reticles",
                     "wafers", "allow_standins", "spec", "sweeps"}


def _mmi_widths(cell) -> list[tuple[str, float]]:
    """(cell function, drawn width) of the MMIs inside ``cell``, in instance order (depth first)."""
    out = []
    for inst in cell.insts:
        sub = inst.cell
        if "L_pi_um" in sub.info and "width" in sub.info:
            out.append(("mmi1x2" if "1x2" in sub.name else "mmi2x2", float(sub.info["width"])))
        else:
            out += _mmi_widths(sub)
    return out


def _design_from_circuits(path: str | Path | dict | None, process: dict, manifest=None) -> tuple[dict, str]:
    """The yield-relevant facts of the chips design and of its built chips, and where they came from."""
    from weiming.circuits.design import DesignError, design_from_dict, load_design

    from weiming.sims.wafer.inventory import built_chips, chip_inventory, manifest_devices

    try:
        d = design_from_dict(path) if isinstance(path, dict) else load_design(path)
    except DesignError as e:
        raise ConfigError(f"chips_design: {e}") from None
    n, c, s = d.network, d.client, d.server
    from weiming.circuits.errors import BuildError

    try:
        chips = built_chips(d)
    except BuildError as e:
        raise ConfigError(f"chips_design: the chips do not build: {e}") from None
    lengths = {"im": c.im_length_um, "pm": c.pm_length_um, "voa": c.voa_length_um}
    devices: dict[str, dict] = {}
    for chip, pdk in (("client", "inp"), ("server", s.pdk)):
        rules = process["pdks"][pdk]["critical_area"]
        inv = chip_inventory(chips[chip], pdk, rules, manifest_devices(manifest, chip))
        devices[chip] = {}
        for kind, dk in inv.items():
            entry = {"count": dk.count, "critical_area_um2": dk.critical_area_um2,
                     "critical_area": dk.areas[0].to_json(), "instances": dk.names}
            if kind in lengths:
                entry["length_um"] = lengths[kind]
            if kind == "im":
                inst = next(i for i in chips[chip].insts if i.name == dk.names[0])
                mmis = _mmi_widths(inst.cell)
                if len(mmis) >= 2:
                    (entry["mmi_in_cell"], entry["mmi_in_width_um"]), (entry["mmi_out_cell"], entry["mmi_out_width_um"]) = mmis[0], mmis[-1]
            if kind == "comb_ring":
                entry["radius_um"] = chips["ring_radius_um"]
            devices[chip][kind] = entry
    laser = devices["client"].get("laser")
    if laser is not None:
        lock = {"bragg_detuning_ghz": 0.0, "lock_range_ghz": 2 * d.spec.laser.bragg_detuning_ghz_max,
                "lock_margin": d.spec.laser.lock_margin,
                "source": "design spec: spec.laser.bragg_detuning_ghz_max as half the locking range, laser drawn on its line"}
        lasers = _manifest_lasers(manifest)
        if lasers:
            first = lasers[0][1]
            lock.update({k: float(first[k]) for k in ("bragg_detuning_ghz", "lock_range_ghz", "tuning_range_ghz")
                         if k in first})
            # each channel's lasers have their own Bragg error: the mean detuning of the channel's clients
            by_ch: dict[int, list[float]] = {}
            for ch, las in lasers:
                if ch is not None and "bragg_detuning_ghz" in las:
                    by_ch.setdefault(int(ch), []).append(float(las["bragg_detuning_ghz"]))
            if by_ch:
                lo = min(by_ch)
                lock["bragg_detuning_ghz_by_channel"] = [
                    sum(by_ch.get(lo + i, [lock["bragg_detuning_ghz"]])) / len(by_ch.get(lo + i, [0]))
                    for i in range(n.channels)]
            lock["source"] = "build manifest: laser model (bragg_detuning_ghz, lock_range_ghz)"
        laser["lock"] = {**(laser.get("lock") or {}), **lock}
    facts = {
        "comb": {"center_nm": n.center_wavelength_nm, "fsr_ghz": n.fsr_ghz, "channels": n.channels,
                 "line_index": [n.first_line + i * n.line_step for i in range(n.channels)]},
        "client": {"die_um": list(c.die_um), "wafer_diameter_mm": d.wafers.inp.diameter_mm,
                   "edge_exclusion_mm": d.wafers.inp.edge_exclusion_mm, "dicing_lane_um": d.frame.dicing_lane_um,
                   "devices": devices["client"]},
        "server": {"pdk": s.pdk, "die_um": list(s.die_um), "wafer_diameter_mm": d.wafers.sin.diameter_mm,
                   "edge_exclusion_mm": d.wafers.sin.edge_exclusion_mm, "dicing_lane_um": d.frame.dicing_lane_um,
                   "devices": devices["server"]},
    }
    where = "built-in default" if path is None else ("dict" if isinstance(path, dict) else str(path))
    return facts, (f"weiming.circuits.design ({where}) and its built chips (inventory and critical areas from the "
                   "layout) + sims/wafer/design_default.yaml (device-model facts)")


def _manifest_lasers(manifest) -> list[tuple[int | None, dict]]:
    """[(channel, laser entry)] of the clients of a build manifest that report a laser model."""
    if manifest is None:
        return []
    import json

    m = manifest if isinstance(manifest, dict) else json.loads(Path(manifest).read_text(encoding="utf-8"))
    clients = m.get("clients") or []
    return [(sect.get("channel"), sect["laser"]) for sect in (clients.values() if isinstance(clients, dict) else clients)
            if isinstance(sect, dict) and isinstance(sect.get("laser"), dict)]


def load_config(config: str | Path | dict | None = None, manifest: str | Path | dict | None = None
                ) -> tuple[Design, dict]:
    """(validated design, merged process data) from the defaults, the chips design and ``config``.

    ``manifest``: a build manifest (path or dict) whose per-chip ``devices:
    [{name, kind}]`` and client ``laser`` entries, when present, override the
    classification by cell name and the lock inputs.
    """
    data = _read_yaml(config, "config")
    if data and set(data) <= CHIPS_DESIGN_KEYS and not set(data) & {"design", "process", "chips_design"}:
        data = {"chips_design": config}            # a chips design file (weiming build/tapeout --config)
    unknown = set(data) - {"design", "process", "chips_design"}
    if unknown:
        raise ConfigError(f"config: unknown key(s) {sorted(unknown)}; allowed: chips_design, design, process "
                          f"(or a chips design with keys {sorted(CHIPS_DESIGN_KEYS)})")
    over = data.get("process") or {}
    _check_keys(over, load_defaults(), "process")
    process = load_defaults(over)
    base = yaml.safe_load(DESIGN_DEFAULTS.read_text(encoding="utf-8"))
    facts, source = _design_from_circuits(data.get("chips_design"), process, manifest)
    # device-model facts apply only to the kinds the built chips have
    for chip in ("client", "server"):
        base[chip]["devices"] = {k: v for k, v in base[chip]["devices"].items() if k in facts[chip]["devices"]}
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
            if DEVICES[dn].pdk[:3] != c.pdk[:3]:
                raise ConfigError(f"design.{chip}.devices.{dn}: device of PDK {DEVICES[dn].pdk} on a {c.pdk} chip")
            try:
                c.devices[dn].area_um2
            except ValueError as e:
                raise ConfigError(f"design.{chip}.devices.{dn}: {e}") from None
    if len(design.comb.line_index) != design.comb.channels:
        raise ConfigError(f"design.comb.line_index: {len(design.comb.line_index)} entries for "
                          f"{design.comb.channels} channels")
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
