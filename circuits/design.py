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


class CombOperatingPoint(_M):
    """Operating point of the server comb (weiming.sims.comb); sources in default.yaml.

    The pump and detuning are normalised (Herr et al., Nat. Photon. 8, 145 (2014)):
    ``pump_f2`` = P_in/P_th and ``zeta`` = 2 delta omega/kappa, so the operating
    point follows the ring's threshold and linewidth when the coupler model changes;
    the comb model reports them in mW and MHz.
    """

    pump_f2: float = Field(gt=0, le=1000.0)
    zeta: float = Field(ge=-50.0, le=200.0)
    feedback_phase_rad: float = Field(ge=-10.0, le=10.0)
    backscatter: float = Field(ge=0.0, le=10.0)
    feedback_rate: float = Field(ge=0.0, le=1e4)
    alpha_h: float = Field(ge=0.0, le=20.0)
    seed: Literal["sil", "domain", "amx", "noise"]
    seed_width_rad: float = Field(gt=0, lt=6.28)
    amx_mu: int | None = Field(ge=-2000, le=2000)
    amx_shift_mhz: float = Field(ge=-1e4, le=1e4)
    n2_source: Literal["mode_solver"]
    modes: int = Field(ge=16, le=4096)
    tau: float = Field(gt=0, le=1e5)


class ServerChip(_M):
    pdk: Literal["sin100", "sin800"]
    count: int = Field(ge=1, le=8)
    die_um: Size
    ring: Ring
    edge_tip_width_um: float = Field(ge=0.25, le=5.0)
    comb: CombOperatingPoint


class TransmitterDevice(_M):
    """One device of the client transmitter's optical chain (after the laser), in optical order."""

    name: str = Field(pattern=r"^(im|pm|amzi|voa)[A-Za-z0-9_]*$")  # instance name; its prefix is its kind
    kind: Literal["im", "pm", "amzi", "voa"]
    role: str = Field(min_length=3)

    @model_validator(mode="after")
    def _prefix(self) -> "TransmitterDevice":
        if not self.name.startswith(self.kind):
            raise ValueError(f"name {self.name!r} must start with its kind {self.kind!r} (device naming for LVS)")
        return self


class ClientChip(_M):
    die_um: Size
    #: The optical chain after the laser, in order: counts and roles of the modulators, the AMZI, the VOA.
    transmitter: tuple[TransmitterDevice, ...] = Field(min_length=1)
    #: Pulse period the AMZI encoder's delay is matched to (ps).
    pulse_period_ps: float = Field(ge=0.5, le=100.0)
    #: Fibre-array pitch of the two facet ports (um) and how many pitches they are apart.
    io_pitch_um: Literal[127.0, 250.0]
    io_pitches_apart: int = Field(ge=1, le=12)
    #: Angle of the SSCs to the facet normal (deg): reflections back into the locked laser.
    ssc_angle_deg: float = Field(ge=0.0, le=12.0)
    im_length_um: float = Field(ge=100.0, le=4000.0)
    im_electrode: Literal["dc", "gsg"]
    pm_length_um: float = Field(ge=100.0, le=4000.0)
    pm_electrode: Literal["dc", "gsg"]
    voa_length_um: float = Field(ge=20.0, le=2000.0)
    #: Average grating index override (None: the DBR design of both sections, weiming.sims.devices.grating.dbr_design).
    laser_n_avg: float | None = Field(ge=2.5, le=3.6)
    #: Designed peak reflectivities of the laser's back (injection) and front (output) DBR mirrors.
    laser_back_reflectivity: float = Field(ge=0.05, le=0.99)
    laser_front_reflectivity: float = Field(ge=0.05, le=0.99)
    #: Total emitted power of the free-running laser, mW (assumption).
    laser_output_power_mw: float = Field(gt=0.0, le=200.0)
    #: Largest index change of the laser's phase section (magnitude, assumption).
    phase_dn_max: float = Field(gt=0.0, le=0.05)
    #: Fibre-to-chip coupling loss of the SSC, dB (assumption).
    ssc_coupling_loss_db: float = Field(ge=0.0, le=20.0)
    pad_pitch_um: float = Field(ge=60.0, le=1000.0)
    #: Smallest edge-to-edge space between a DC pad and a GSG pad (um): room for the probes.
    dc_gsg_pad_space_um: float = Field(ge=0.0, le=500.0)
    edge_margin_um: float = Field(ge=10.0, le=500.0)


class SinTests(_M):
    gap_sweep_um: tuple[float, ...]
    cutback_lengths_um: tuple[float, ...]
    dispersion_widths_um: tuple[float, ...]
    alignment_marks: bool


class InpTests(_M):
    """The InP reticle's test dies (circuits/test_structures.py)."""

    laser: bool
    modulator_lengths_um: tuple[float, ...]
    #: Straight lengths of the cutback spirals (same turns and gap: equal bends), per ridge type.
    cutback_deep_straight_um: tuple[float, ...]
    cutback_shallow_straight_um: tuple[float, ...]
    cutback_turns: int = Field(ge=1, le=20)
    #: Contact spacings of the linear p-side TLM and of the circular n-side TLM.
    tlm_gaps_um: tuple[float, ...]
    ctlm_gaps_um: tuple[float, ...]
    #: Stand-alone photodiode, VOA, SSC pair, MMI 1x2 / 2x2, DBR grating in transmission.
    devices: bool
    #: Alignment marks and verniers of every later mask, CD bars of every mask, reticle ID.
    process_marks: bool


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
        names = [t.name for t in self.client.transmitter]
        if len(set(names)) != len(names):
            raise ValueError(f"client.transmitter: device names {names} must be unique")
        for key, vals, lo in (("sin_tests.gap_sweep_um", self.sin_tests.gap_sweep_um, 0.1),
                              ("sin_tests.cutback_lengths_um", self.sin_tests.cutback_lengths_um, 100.0),
                              ("sin_tests.dispersion_widths_um", self.sin_tests.dispersion_widths_um, 0.25),
                              ("inp_tests.modulator_lengths_um", self.inp_tests.modulator_lengths_um, 50.0),
                              ("inp_tests.cutback_deep_straight_um", self.inp_tests.cutback_deep_straight_um, 1.0),
                              ("inp_tests.cutback_shallow_straight_um", self.inp_tests.cutback_shallow_straight_um, 1.0),
                              ("inp_tests.tlm_gaps_um", self.inp_tests.tlm_gaps_um, 1.0),
                              ("inp_tests.ctlm_gaps_um", self.inp_tests.ctlm_gaps_um, 1.0)):
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
