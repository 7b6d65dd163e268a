"""``run_yield``: the wafer-level Monte Carlo, calibration and report (the JSON of ``weiming yield``).

Flow: sample the hierarchical process (:mod:`.process`) at every die site of
``wafers`` wafers per chip type, evaluate every device's metrics
(:mod:`.devices`) and specs (:mod:`.specs`), draw killer defects, calibrate
D0 of the client (InP) wafer to the observed modulator counts
(:mod:`.calibrate`), then report yields with intervals, a Pareto of failures
by spec, a sensitivity ranking of the process parameters, wafer maps and
histograms (:mod:`.maps`).

Intervals (``ci95``): for the calibrated wafer, the yield is recomputed at
both ends of D0's 95 % profile-likelihood interval (same random numbers) and
the interval runs from the Wilson 95 % lower bound of the Monte Carlo count at
the upper D0 to the Wilson upper bound at the lower D0 -- it contains the
calibration uncertainty (dominant: 120 observed devices) and the Monte Carlo
sampling error. Without calibration it is the Wilson interval of the Monte
Carlo count. ``wafer_spread`` is the 2.5-97.5 % range of the per-wafer yield
across simulated wafers (wafer-to-wafer variation, not an uncertainty).

The default modulator yield is a calibration to the published 117/120, not an
independent prediction (see :mod:`.calibrate`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from weiming.sims.wafer import devices as dv
from weiming.sims.wafer.calibrate import Calibration, fit_d0
from weiming.sims.wafer.config import ChipDesign, Design, load_config
from weiming.sims.wafer.process import ProcessModel, ProcessSample, describe, process_model, sample_process
from weiming.sims.wafer.sites import WaferLayout, die_sites
from weiming.sims.wafer.specs import Spec, load_specs
from weiming.sims.wafer.stats import wilson

DEFAULT_WAFERS = 50
C_M_S = 299_792_458.0
NOTE = ("The client modulator yield of the default run is a calibration to the published 117/120 (D0 is fitted "
        "to it by maximum likelihood), not an independent prediction; the other yields are predictions of the "
        "calibrated model.")


@dataclass
class ChipSim:
    """One chip type's Monte Carlo: process sample, metrics, parametric pass, defect draws."""

    kind: str
    design: ChipDesign
    layout: WaferLayout
    model: ProcessModel
    ps: ProcessSample
    ctx: dict
    specs: list[Spec]
    metrics: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    spec_pass: dict[str, np.ndarray] = field(default_factory=dict)     # parametric specs only
    param_pass: dict[str, np.ndarray] = field(default_factory=dict)
    u: dict[str, np.ndarray] = field(default_factory=dict)             # defect uniforms (W, S, n)
    g: np.ndarray | None = None                                          # die defect-density multiplier
    area_cm2: dict[str, float] = field(default_factory=dict)

    def killed(self, dev: str, d0: float) -> np.ndarray:
        lam = d0 * self.area_cm2[dev] * self.g[..., None]
        return self.u[dev] < -np.expm1(-lam)

    def device_pass(self, d0: float, param_pass: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        pp = param_pass or self.param_pass
        return {d: pp[d] & ~self.killed(d, d0) for d in pp}

    def chip_pass_scaled(self, d0: float, area_scale: float) -> np.ndarray:
        """Chip pass with every critical area scaled (a bigger or denser design), same random numbers."""
        dp = {d: self.param_pass[d] & ~(self.u[d] < -np.expm1(-d0 * area_scale * self.area_cm2[d] * self.g[..., None]))
              for d in self.param_pass}
        return np.logical_and.reduce([p.all(axis=-1) for p in dp.values()])

    def chip_pass(self, d0: float, param_pass=None) -> np.ndarray:
        dp = self.device_pass(d0, param_pass)
        return np.logical_and.reduce([p.all(axis=-1) for p in dp.values()])


def _ctx(design: Design, layout: WaferLayout) -> dict:
    comb = design.comb
    nu0 = C_M_S / (comb.center_nm * 1e-9)
    ch = np.arange(layout.n_sites) % comb.channels
    k = np.asarray(comb.line_index)[ch]
    line_nm = C_M_S / (nu0 + k * comb.fsr_ghz * 1e9) * 1e9
    return {"wavelength_um": comb.center_nm * 1e-3, "center_nm": comb.center_nm, "fsr_ghz": comb.fsr_ghz,
            "line_nm": line_nm}


def _evaluate(sim: ChipSim) -> tuple[dict, dict, dict]:
    """Metrics, per-spec parametric pass and per-device parametric pass for the current (frozen) sample."""
    metrics, spec_pass, param_pass = {}, {}, {}
    for name, dd in sim.design.devices.items():
        if dd.count == 0:
            continue
        m = dv.DEVICES[name].evaluate(sim.ps, dd.model_dump(), sim.ctx, dd.count)
        metrics[name] = m
        ok = np.ones((*sim.ps.shape, dd.count), dtype=bool)
        for s in sim.specs:
            if s.device == name and s.metric != dv.DEFECT_METRIC:
                p = s.passes(m[s.metric])
                spec_pass[s.name] = p
                ok &= p
        param_pass[name] = ok
    return metrics, spec_pass, param_pass


def simulate_chip(kind: str, design: Design, process: dict, specs: list[Spec], wafers: int,
                  rng: np.random.Generator) -> ChipSim:
    cd: ChipDesign = getattr(design, kind)
    layout = die_sites(cd.wafer_diameter_mm, cd.die_um, edge_exclusion_mm=cd.edge_exclusion_mm,
                       dicing_lane_um=cd.dicing_lane_um)
    model = process_model(cd.pdk, process)
    ps = sample_process(model, layout, wafers, rng)
    placed = {d for d, v in cd.devices.items() if v.count > 0}
    sim = ChipSim(kind, cd, layout, model, ps, _ctx(design, layout), [s for s in specs if s.device in placed])
    sim.metrics, sim.spec_pass, sim.param_pass = _evaluate(sim)
    if model.defect_model == "negbin":
        sim.g = rng.gamma(model.alpha, 1.0 / model.alpha, size=ps.shape)
    else:
        sim.g = np.ones(ps.shape)
    for name in sim.param_pass:
        sim.u[name] = rng.random(sim.param_pass[name].shape)
        sim.area_cm2[name] = cd.devices[name].area_um2 * 1e-8
    return sim


def _defect_yield(model: ProcessModel, d0: float, area_cm2: float) -> float:
    from weiming.sims.wafer.stats import negbin_yield, poisson_yield

    if model.defect_model == "negbin":
        return float(negbin_yield(d0, area_cm2, model.alpha))
    return float(poisson_yield(d0, area_cm2))


def calibrate_client(sim: ChipSim, observed: tuple[int, int]) -> Calibration:
    types = [t for t in dv.MODULATOR_TYPES if t in sim.param_pass]
    counts = np.array([sim.design.devices[t].count for t in types], dtype=float)
    w = counts / counts.sum()
    p_par = [float(sim.param_pass[t].mean()) for t in types]
    areas = [sim.area_cm2[t] for t in types]

    def pass_prob(d0: float) -> float:
        return float(sum(wi * pi * _defect_yield(sim.model, d0, a) for wi, pi, a in zip(w, p_par, areas)))

    return fit_d0(*observed, pass_prob)


def _r(x: float, n: int = 6) -> float:
    return float(f"{x:.{n}g}")


def _entry(passes: dict[str, np.ndarray]) -> dict:
    """Yield with ci95 from pass arrays at D0 hat / lo / hi (same shape; axis 0 = wafer)."""
    hat = passes["hat"]
    n = hat.size
    k_hat, k_lo_d0, k_hi_d0 = int(hat.sum()), int(passes["lo"].sum()), int(passes["hi"].sum())
    per_wafer = hat.reshape(hat.shape[0], -1).mean(axis=1)
    return {"value": _r(k_hat / n), "ci95": [_r(wilson(k_hi_d0, n)[0]), _r(wilson(k_lo_d0, n)[1])],
            "mc_ci95": [_r(v) for v in wilson(k_hat, n)], "n": n,
            "wafer_spread": [_r(float(np.percentile(per_wafer, 2.5))), _r(float(np.percentile(per_wafer, 97.5)))]}


def _metric_stats(v: np.ndarray) -> dict:
    return {"mean": _r(float(v.mean())), "std": _r(float(v.std())), "p1": _r(float(np.percentile(v, 1))),
            "p99": _r(float(np.percentile(v, 99)))}


def _pareto(sim: ChipSim, d0: float) -> list[dict]:
    rows = []
    n_chips = int(np.prod(sim.ps.shape))
    for s in sim.specs:
        if s.metric == dv.DEFECT_METRIC:
            fail = sim.killed(s.device, d0)
        else:
            fail = ~sim.spec_pass[s.name]
        rows.append({"spec": s.name, "device_fail_fraction": _r(float(fail.mean())),
                     "chip_fail_fraction": _r(float(fail.any(axis=-1).sum() / n_chips))})
    return sorted(rows, key=lambda r: (-r["chip_fail_fraction"], r["spec"]))


def _sensitivity(sim: ChipSim, d0: float) -> list[dict]:
    """Chip-yield gain when one source of variation is removed (one at a time, same random numbers)."""
    base = float(sim.chip_pass(d0).mean())
    rows = [{"parameter": "defects (D0)", "chip_yield_gain": _r(float(sim.chip_pass(0.0).mean()) - base)}]
    for name in sorted(sim.model.params):
        sim.ps.frozen = {name}
        _, _, pp = _evaluate(sim)
        rows.append({"parameter": name, "sigma": sim.model.params[name].sigma,
                     "chip_yield_gain": _r(float(sim.chip_pass(d0, pp).mean()) - base)})
    sim.ps.frozen = set()
    return sorted(rows, key=lambda r: (-r["chip_yield_gain"], r["parameter"]))


def _write_plots(sim: ChipSim, d0: float, out: Path) -> list[str]:
    from weiming.sims.wafer import maps

    files = []
    chip = sim.chip_pass(d0)
    files.append(maps.wafer_map(sim.layout, chip[0], out / f"{sim.kind}_chip_passfail.png",
                                f"{sim.kind} chips, wafer 0: pass/fail", passfail=True).name)
    files.append(maps.wafer_map(sim.layout, chip.mean(axis=0), out / f"{sim.kind}_chip_yield_map.png",
                                f"{sim.kind} chip yield per site over {chip.shape[0]} wafers",
                                label="yield").name)
    bounds = {(s.device, s.metric): (s.min, s.max) for s in sim.specs}
    for dev, ms in sim.metrics.items():
        for metric, v in ms.items():
            lo, hi = bounds.get((dev, metric), (None, None))
            files.append(maps.wafer_map(sim.layout, v[0, :, 0], out / f"{sim.kind}_{dev}_{metric}_map.png",
                                        f"{sim.kind} {dev} {metric}, wafer 0 (first device per die)",
                                        label=metric).name)
            files.append(maps.histogram(v, out / f"{sim.kind}_{dev}_{metric}_hist.png",
                                        f"{dev} {metric}: all devices, {v.shape[0]} wafers", label=metric,
                                        lo=lo, hi=hi).name)
    return files


def run_yield(config: str | Path | dict | None = None, specs: str | Path | dict | None = None,
              wafers: int = DEFAULT_WAFERS, seed: int = 1, observed: tuple[int, int] | None = (117, 120),
              out_dir: str | Path | None = None, *, progress: bool = False, sensitivity: bool = True) -> dict:
    """Run the yield Monte Carlo; return the JSON dict of ``weiming yield`` (and write it to ``out_dir``).

    ``config``/``specs``: YAML paths or dicts (see :mod:`.config`, :mod:`.specs`);
    ``wafers``: simulated wafers per chip type; ``seed``: numpy Generator seed
    (same seed -> identical JSON); ``observed``: (pass, total) modulators to
    calibrate D0 of the client wafer to, or None for the process default D0;
    ``out_dir``: where the wafer maps, histograms and ``yield.json`` go.
    """
    from tqdm import tqdm

    if int(wafers) < 1:
        raise ValueError(f"wafers={wafers}: need at least 1 wafer")
    design, process = load_config(config)
    spec_list = load_specs(specs)
    bar = tqdm(total=5, desc="yield", disable=not progress, leave=False)
    rng_client, rng_server = (np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(2))
    sims = {"client": simulate_chip("client", design, process, spec_list, int(wafers), rng_client),
            "server": simulate_chip("server", design, process, spec_list, int(wafers), rng_server)}
    bar.update(1)

    calib: dict[str, Any]
    d0 = {k: {"hat": s.model.d0_per_cm2, "lo": s.model.d0_per_cm2, "hi": s.model.d0_per_cm2} for k, s in sims.items()}
    if observed is not None:
        if not any(t in sims["client"].param_pass for t in dv.MODULATOR_TYPES):
            from weiming.sims.wafer.config import ConfigError

            raise ConfigError(f"observed={observed}: calibration needs modulators ({', '.join(dv.MODULATOR_TYPES)}) "
                              "on the client chip")
        cal = calibrate_client(sims["client"], tuple(observed))
        d0["client"] = {"hat": cal.value, "lo": cal.ci95[0], "hi": cal.ci95[1]}
        calib = {"d0_per_cm2": {k: (_r(v) if isinstance(v, float) else v) for k, v in cal.to_json().items()}}
        calib["d0_per_cm2"]["ci95"] = [_r(v) for v in cal.ci95]
        calib["d0_per_cm2"]["pdk"] = sims["client"].model.pdk
    else:
        calib = {"d0_per_cm2": {"value": sims["client"].model.d0_per_cm2, "ci95": None, "pdk": "inp",
                                "method": "not calibrated: process default (assumption)"}}
    bar.update(1)

    device_yield, chip_yield, wafer_yield = {}, {}, {}
    for kind, sim in sims.items():
        dp = {sc: sim.device_pass(d0[kind][sc]) for sc in ("hat", "lo", "hi")}
        for dev in sim.param_pass:
            device_yield[dev] = _entry({sc: dp[sc][dev] for sc in dp})
        mods = [t for t in dv.MODULATOR_TYPES if t in sim.param_pass]
        if kind == "client" and mods:
            device_yield["modulator"] = _entry({sc: np.concatenate([dp[sc][t] for t in mods], axis=-1) for sc in dp})
        cp = {sc: np.logical_and.reduce([p.all(axis=-1) for p in dp[sc].values()]) for sc in dp}
        chip_yield[kind] = _entry(cp)
        good = cp["hat"].sum(axis=1)
        wafer_yield[kind] = {"sites_per_wafer": sim.layout.n_sites, "good_chips_per_wafer_mean": _r(float(good.mean())),
                             "good_chips_per_wafer_p2_5_p97_5": [int(np.percentile(good, 2.5)),
                                                                 int(np.percentile(good, 97.5))]}
    bar.update(1)
    mod = {"modulator": device_yield.pop("modulator")} if "modulator" in device_yield else {}
    device_yield = {**mod, **dict(sorted(device_yield.items()))}

    result: dict[str, Any] = {
        "seed": int(seed), "wafers": int(wafers),
        "device_yield": device_yield, "chip_yield": chip_yield, "wafer_yield": wafer_yield,
        "calibration": calib,
        "interval": ("ci95: yield recomputed at both ends of the calibrated D0's 95 % profile-likelihood interval, "
                     "widened by the Wilson 95 % interval of the Monte Carlo count (Wilson only where nothing is "
                     "calibrated); mc_ci95: Wilson interval of the Monte Carlo count alone; wafer_spread: 2.5-97.5 % "
                     "of the per-wafer yield (wafer-to-wafer variation)"),
        "pareto": {k: _pareto(s, d0[k]["hat"]) for k, s in sims.items()},
        "metrics": {dev: {m: _metric_stats(v) for m, v in ms.items()} for s in sims.values()
                    for dev, ms in s.metrics.items()},
        "design_source": design.source,
        "design": {k: {"pdk": s.design.pdk, "die_um": list(s.design.die_um),
                       "wafer_diameter_mm": s.design.wafer_diameter_mm, "sites_per_wafer": s.layout.n_sites,
                       "devices": {d: {"count": v.count, "critical_area_um2": _r(v.area_um2)}
                                   for d, v in s.design.devices.items()}} for k, s in sims.items()},
        "process": {k: describe(s.model) for k, s in sims.items()},
        "surrogates": _surrogate_errors(),
        "note": NOTE,
    }
    cl = sims["client"]
    result["predictions"] = {
        "client_chip_yield_vs_critical_area_scale": {
            f"{a:g}": {"value": _r(float(cl.chip_pass_scaled(d0["client"]["hat"], a).mean())),
                       "ci95_calibration": [_r(float(cl.chip_pass_scaled(d0["client"]["hi"], a).mean())),
                                _r(float(cl.chip_pass_scaled(d0["client"]["lo"], a).mean()))]}
            for a in (0.5, 1.0, 2.0, 4.0)},
        "note": "calibrated D0 applied to a design whose killer-defect critical areas are scaled by the key; "
                "other die sizes, device counts and wafer sizes: --config design overrides",
    }
    if sensitivity:
        result["sensitivity"] = {k: _sensitivity(s, d0[k]["hat"]) for k, s in sims.items()}
    bar.update(1)
    if out_dir is not None:
        from weiming.sims.cache import atomic_write_text

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        files = []
        for kind, sim in sims.items():
            files += _write_plots(sim, d0[kind]["hat"], out)
        result["files"] = sorted(files) + ["yield.json"]
        atomic_write_text(out / "yield.json", json.dumps(result, indent=2) + "\n")
    bar.update(1)
    bar.close()
    return result


def _surrogate_errors() -> dict:
    from weiming.sims.wafer.fit_surrogates import SURROGATES
    from weiming.sims.wafer.surrogates import errors

    return {n: errors(n) for n in SURROGATES}
