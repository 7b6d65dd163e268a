"""The design configuration of the network's chip set (pydantic models).

The built-in default design is data (``default.yaml`` next to this file); a
user YAML file is merged over it key by key (so it names only what it
changes) and the result is validated:

- unknown keys, wrong types and out-of-range values are errors naming the
  key path (``server.ring.gap_um: ...``), raised as :class:`DesignError`;
- nothing is written when loading fails (the build validates first).

Units: micrometres for geometry (``*_um``), nm for wavelengths (``*_nm``),
GHz for frequencies (``*_ghz``), mm for wafer sizes (``*_mm``).

>>> from weiming.circuits.design import load_design
>>> d = load_design()            # the default design
>>> d.network.channels
10
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from weiming.fileio import load_yaml

from weiming.resources import data_path

DEFAULT_PATH = data_path("weiming.circuits", "default.yaml")

Um = Annotated[float, Field(gt=0, lt=100_000)]
Size = tuple[Um, Um]


class DesignError(ValueError):
    """An invalid design config; the message names every bad key."""


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, allow_inf_nan=False)


class NetworkPlan(_M):
    """Channels on the comb grid: line m has frequency f0 + m * FSR.

    Source of the defaults (centre 1549.78 nm, FSR 30.03 GHz, 10 channels,
    two clients per channel): docs/seed-network.md
    (Nature 2026, doi 10.1038/s41586-026-10152-z).
    """

    center_wavelength_nm: float = Field(ge=1500.0, le=1600.0)
    fsr_ghz: float = Field(ge=1.0, le=1000.0)
    channels: int = Field(ge=1, le=40)
    clients_per_channel: int = Field(ge=1, le=4)
    first_line: int = Field(ge=-200, le=200)
    line_step: int = Field(ge=1, le=50)
    #: Per-line comb power at the bus output (dBm), a design value until the comb model supplies it.
    comb_line_power_dbm: float = Field(ge=-80.0, le=30.0)
    #: Loss from the comb chip's bus to a client chip's input facet (dB).
    distribution_loss_db: float = Field(ge=0.0, le=80.0)


class Frame(_M):
    """Die frame and dicing lane (assumption: 100 um lane, typical saw kerf + margin)."""

    dicing_lane_um: float = Field(ge=20.0, le=500.0)
    label_size_um: float = Field(ge=10.0, le=200.0)


class Ring(_M):
    width_um: float = Field(ge=0.25, le=10.0)
    gap_um: float = Field(ge=0.1, le=5.0)
    coupler: Literal["point", "pulley"]
    wrap_angle_deg: float = Field(ge=0.0, le=180.0)
    heater: bool
    drop: bool
    #: "auto": mode solver if importable, else the effective-index estimate.
    ng_source: Literal["auto", "mode_solver", "eim"]


class ServerChip(_M):
    pdk: Literal["sin100", "sin800"]
    count: int = Field(ge=1, le=8)
    die_um: Size
    ring: Ring
    edge_tip_width_um: float = Field(ge=0.25, le=5.0)


class ClientChip(_M):
    die_um: Size
    im_length_um: float = Field(ge=100.0, le=4000.0)
    im_electrode: Literal["dc", "gsg"]
    pm_length_um: float = Field(ge=100.0, le=4000.0)
    pm_electrode: Literal["dc", "gsg"]
    voa_length_um: float = Field(ge=20.0, le=2000.0)
    laser_neff: float | None = Field(ge=2.5, le=3.6)
    pad_pitch_um: float = Field(ge=60.0, le=1000.0)
    edge_margin_um: float = Field(ge=10.0, le=500.0)


class SinTests(_M):
    gap_sweep_um: tuple[float, ...]
    cutback_lengths_um: tuple[float, ...]
    dispersion_widths_um: tuple[float, ...]
    alignment_marks: bool


class InpTests(_M):
    laser: bool
    modulator_lengths_um: tuple[float, ...]


class Reticle(_M):
    """A stepper reticle field, at most 26 x 33 mm (the standard DUV scanner field)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    field_um: tuple[Annotated[float, Field(gt=0, le=26_000)], Annotated[float, Field(gt=0, le=33_000)]]


class Wafer(_M):
    diameter_mm: float = Field(ge=25.0, le=300.0)
    edge_exclusion_mm: float = Field(ge=0.0, le=20.0)


class Reticles(_M):
    sin: Reticle
    inp: Reticle


class Wafers(_M):
    sin: Wafer
    inp: Wafer


def _ordered(v: tuple[float, float]) -> tuple[float, float]:
    if not v[0] <= v[1]:
        raise ValueError(f"range [{v[0]:g}, {v[1]:g}] must have lo <= hi")
    return v


#: [lo, hi] with lo <= hi (both finite)
Range = Annotated[tuple[float, float], AfterValidator(_ordered)]


class CombRingSpec(_M):
    fsr_rel_tol: float = Field(gt=0, le=0.1)
    dispersion_regime: Literal["normal", "anomalous"]
    qi_range: Range
    loaded_q_range: Range
    qc_over_qi_range: Range


class LaserSpec(_M):
    bragg_detuning_ghz_max: float = Field(gt=0, le=1000.0)
    injection_db_min: float = Field(ge=-100.0, le=0.0)
    lock_margin: float = Field(ge=0.0, lt=1.0)


class InpDevicesSpec(_M):
    mmi_imbalance_db_max: float = Field(gt=0, le=10.0)
    mmi_excess_loss_db_max: float = Field(gt=0, le=20.0)


class CombSpec(_M):
    regime: Literal["dark_pulse", "bright_soliton", "turing", "chaotic", "cw"]
    min_channel_line_power_dbm: float = Field(ge=-120.0, le=30.0)


class NetworkSpec(_M):
    distance_km: float = Field(gt=0, le=2000.0)
    beat_plob: bool
    networking_capability_km_min: float = Field(ge=0, le=100_000.0)


class YieldSpec(_M):
    modulator_min: float = Field(ge=0, le=1)
    client_chip_min: float = Field(ge=0, le=1)
    server_chip_min: float = Field(ge=0, le=1)


class VerificationSpec(_M):
    drc_clean: bool
    lvs_match: bool


class Spec(_M):
    """The design's own targets and tolerances: the tape-out report's pass/fail reads these."""

    comb_ring: CombRingSpec
    laser: LaserSpec
    inp_devices: InpDevicesSpec
    comb: CombSpec
    network: NetworkSpec
    yield_: YieldSpec = Field(alias="yield")
    verification: VerificationSpec

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class Design(_M):
    name: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    network: NetworkPlan
    frame: Frame
    server: ServerChip
    client: ClientChip
    sin_tests: SinTests
    inp_tests: InpTests
    reticles: Reticles
    wafers: Wafers
    #: Cells missing from a PDK are replaced by labelled stand-in boxes (for tests only).
    allow_standins: bool
    spec: Spec

    @model_validator(mode="after")
    def _check_sweeps(self) -> "Design":
        for key, vals, lo in (("sin_tests.gap_sweep_um", self.sin_tests.gap_sweep_um, 0.1),
                              ("sin_tests.cutback_lengths_um", self.sin_tests.cutback_lengths_um, 100.0),
                              ("sin_tests.dispersion_widths_um", self.sin_tests.dispersion_widths_um, 0.25),
                              ("inp_tests.modulator_lengths_um", self.inp_tests.modulator_lengths_um, 50.0)):
            bad = [v for v in vals if not lo <= v <= 100_000]
            if bad:
                raise ValueError(f"{key}: values {bad} outside [{lo}, 100000]")
        return self


def _format(err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "<root>"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        got = e.get("input")
        shown = "" if isinstance(got, (dict, list)) or e["type"] == "missing" else f" (got {got!r})"
        lines.append(f"{key}: {msg}{shown}")
    return "invalid design: " + "; ".join(lines)


def _allows_bool(annotation: Any) -> bool:
    import typing

    return annotation is bool or any(_allows_bool(a) for a in typing.get_args(annotation))


def _model_of(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _bool_errors(model: type[BaseModel], data: Any, path: str = "") -> list[str]:
    """Booleans where the model wants numbers or text (pydantic would read ``true`` as 1)."""
    if not isinstance(data, dict):
        return []
    errs = []
    for name, f in model.model_fields.items():
        key = f.alias or name
        if key not in data:
            continue
        v, where = data[key], f"{path}{key}"
        sub = _model_of(f.annotation)
        if sub is not None:
            errs += _bool_errors(sub, v, where + ".")
        elif not _allows_bool(f.annotation):
            items = v if isinstance(v, (list, tuple)) else [v]
            if any(isinstance(x, bool) for x in items):
                errs.append(f"{where}: a boolean is not a number or a name (got {v!r})")
    return errs


def design_from_dict(data: Any) -> Design:
    """Validate ``data`` (a mapping) into a :class:`Design` or raise :class:`DesignError`."""
    if not isinstance(data, dict):
        raise DesignError(f"invalid design: top level must be a mapping, got {type(data).__name__}")
    bools = _bool_errors(Design, data)
    if bools:
        raise DesignError("invalid design: " + "; ".join(bools))
    try:
        return Design.model_validate(data)
    except ValidationError as e:
        raise DesignError(_format(e)) from None


def _merge(base: dict, over: dict) -> dict:
    """``over`` merged into ``base`` recursively (mappings merge, everything else replaces)."""
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def _read_yaml(p: Path) -> Any:
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise DesignError(f"cannot read design file {str(p)!r}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise DesignError(f"design file {str(p)!r} is not UTF-8 text") from None
    try:
        data = load_yaml(text)  # numbers as people write them: 30.03e9, 1e-3
    except yaml.YAMLError as e:
        first = " ".join(str(e).split())
        raise DesignError(f"design file {str(p)!r} is not valid YAML: {first}") from None
    return {} if data is None else data


def load_design(path: str | Path | None = None) -> Design:
    """The default design (``default.yaml``) with the YAML file ``path`` merged over it."""
    data = _read_yaml(DEFAULT_PATH)
    if path is not None:
        user = _read_yaml(Path(path))
        if not isinstance(user, dict):
            raise DesignError(f"invalid design: {str(path)!r} must hold a mapping, got {type(user).__name__}")
        data = _merge(data, user)
    return design_from_dict(data)


def design_hash(design: Design) -> str:
    """Stable hash of the validated design (feeds the build cache key)."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(design.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
