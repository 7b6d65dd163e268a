"""The sweep spec: what to run (target), over which parameters, how to sample them.

A spec is YAML (or the equivalent dict)::

    target: {kind: cell, pdk: sin100, name: ring_resonator}   # + fixed arguments
    parameters:
      gap: {values: [0.6, 0.7, 0.8]}        # explicit values
      width: {min: 1.0, max: 2.0, num: 5}   # a range (num points for grid/list)
    sampling: {method: grid, seed: 0}       # grid | list | random | lhs (n: points)

Every problem is reported as a :class:`SpecError` whose message starts with the
dotted YAML key at fault (``parameters.gap.values: empty list``), so the CLI can
exit 2 naming it before any work starts.
"""

from __future__ import annotations

import difflib
import math
from pathlib import Path
from typing import Any, Literal

import yaml

from weiming.fileio import load_yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

METHODS = ("grid", "list", "random", "lhs")


class SpecError(ValueError):
    """A bad sweep spec; ``key`` is the dotted YAML key at fault."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key


class ParamSpec(BaseModel):
    """One swept parameter: explicit ``values`` or a ``min``..``max`` range."""

    model_config = ConfigDict(extra="forbid")
    values: list[Any] | None = None
    min: float | None = None
    max: float | None = None
    num: int | None = None  # points of a range for grid/list sampling
    log: bool = False  # sample a range log-uniformly (grid: geometric spacing)

    @model_validator(mode="after")
    def _check(self) -> "ParamSpec":
        has_range = self.min is not None or self.max is not None
        if self.values is not None:
            if has_range or self.num is not None:
                raise SpecError("values", "give either 'values' or 'min'/'max' (with 'num'), not both")
            if not self.values:
                raise SpecError("values", "empty list: give at least one value")
            return self
        if self.min is None or self.max is None:
            raise SpecError("min" if self.min is None else "max", "give 'values: [...]' or both 'min' and 'max'")
        if not (math.isfinite(self.min) and math.isfinite(self.max)):
            raise SpecError("min", f"min={self.min} and max={self.max} must be finite")
        if self.min > self.max:
            raise SpecError("max", f"empty range: min={self.min} > max={self.max}")
        if self.num is not None and self.num < 1:
            raise SpecError("num", f"num={self.num} must be at least 1 (empty range)")
        if self.log and self.min <= 0:
            raise SpecError("min", f"log range needs min > 0, got min={self.min}")
        return self

    @property
    def is_range(self) -> bool:
        return self.values is None


class Sampling(BaseModel):
    """How points are drawn: a full ``grid``, a ``list`` (values zipped), ``random`` or ``lhs``."""

    model_config = ConfigDict(extra="forbid")
    method: Literal["grid", "list", "random", "lhs"] = "grid"
    n: int | None = None  # number of points for random / lhs
    seed: int = 0


class SweepSpec(BaseModel):
    """A whole sweep: ``target`` (kind + fixed arguments), ``parameters``, ``sampling``."""

    model_config = ConfigDict(extra="forbid")
    target: dict[str, Any]
    parameters: dict[str, ParamSpec]
    sampling: Sampling = Sampling()
    name: str | None = None

    @field_validator("parameters", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        # ``gap: [0.6, 0.7]`` is short for ``gap: {values: [0.6, 0.7]}``
        if isinstance(v, dict):
            return {k: ({"values": p} if isinstance(p, list) else p) for k, p in v.items()}
        return v

    @model_validator(mode="after")
    def _check(self) -> "SweepSpec":
        if "kind" not in self.target:
            raise SpecError("target.kind", "missing (e.g. target: {kind: cell, pdk: sin100, name: ring_resonator})")
        if not self.parameters:
            raise SpecError("parameters", "no parameter to sweep")
        for name in self.parameters:
            if name in self.target:
                raise SpecError(f"parameters.{name}", f"also fixed in target.{name}; give it in one place")
        s = self.sampling
        if s.method in ("random", "lhs"):
            if s.n is None:
                raise SpecError("sampling.n", f"required for method {s.method!r} (number of points)")
            if s.n < 1:
                raise SpecError("sampling.n", f"n={s.n} must be at least 1")
            for name, p in self.parameters.items():
                if p.num is not None:
                    raise SpecError(f"parameters.{name}.num", f"{s.method!r} draws sampling.n points; "
                                                              f"'num' is for grid/list")
        elif s.n is not None:
            raise SpecError("sampling.n", f"only used by random/lhs, not by {s.method!r}")
        if s.method in ("grid", "list"):
            for name, p in self.parameters.items():
                if p.is_range and p.num is None:
                    raise SpecError(f"parameters.{name}.num",
                                    f"a range needs 'num' (number of points) for {s.method!r} sampling")
        if s.method == "list":
            sizes = {name: (len(p.values) if p.values is not None else p.num) for name, p in self.parameters.items()}
            if len(set(sizes.values())) > 1:
                first = next(iter(sizes))
                bad = next(n for n in sizes if sizes[n] != sizes[first])
                raise SpecError(f"parameters.{bad}", f"'list' sampling zips the parameters, so all need the same "
                                                     f"number of values; sizes are {sizes}")
        return self


def _key(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "spec"


def parse_spec(data: Any) -> SweepSpec:
    """Validate a spec dict; raise :class:`SpecError` naming the first bad key."""
    if not isinstance(data, dict):
        raise SpecError("spec", f"expected a mapping with 'target' and 'parameters', got {type(data).__name__}")
    try:
        return SweepSpec.model_validate(data)
    except SpecError:
        raise
    except ValidationError as e:
        # an unknown key first: it is usually a typo that also makes a required key look missing
        err = sorted(e.errors(), key=lambda x: x["type"] != "extra_forbidden")[0]
        loc = tuple(err.get("loc", ()))
        ctx_err = (err.get("ctx") or {}).get("error")
        if isinstance(ctx_err, SpecError):  # raised inside a model validator: its key is relative to loc
            raise SpecError(_key(loc + tuple(ctx_err.key.split("."))) if loc else ctx_err.key,
                            str(ctx_err).split(": ", 1)[1]) from None
        if err["type"] == "extra_forbidden":
            model = {(): SweepSpec, ("sampling",): Sampling}.get(loc[:-1], ParamSpec)
            close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise SpecError(_key(loc), f"unknown key (allowed: {', '.join(model.model_fields)}){hint}") from None
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "missing"
        elif err["type"] == "literal_error" and loc == ("sampling", "method"):
            msg = f"unknown method {err.get('input')!r} (known: {', '.join(METHODS)})"
        elif "input" in err and err["type"] not in ("value_error",):
            msg = f"{msg} (got {err['input']!r})"
        raise SpecError(_key(loc), msg) from None


def load_spec(spec: "str | Path | dict | SweepSpec") -> SweepSpec:
    """A :class:`SweepSpec` from a YAML path, a dict or a spec (returned as is)."""
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, dict):
        return parse_spec(spec)
    path = Path(spec)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("spec", f"file not found: {path}") from None
    except OSError as e:
        raise SpecError("spec", f"cannot read {path}: {e}") from None
    try:
        data = load_yaml(text)  # YAML 1.2 numbers: 30.03e9 and 1e-3 are floats
    except yaml.YAMLError as e:
        raise SpecError("spec", f"{path} is not valid YAML: {str(e).splitlines()[0]}") from None
    return parse_spec(data)
