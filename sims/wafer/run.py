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
from weiming.sims.wafer.config import ChipDesign, Design, load_config
from weiming.sims.wafer.process import ProcessModel, ProcessSample, describe, process_model, sample_process
from weiming.sims.wafer.sites import WaferLayout, die_sites
from weiming.sims.wafer.specs import Spec, load_specs

DEFAULT_WAFERS = 50
C_M_S = 299_792_458.0
NOTE = ("prediction.prior is the independent prediction from the process file alone (D0 prior, PDK/process "
        "sigmas, layout critical areas); prediction.posterior adds the observed counts (117/120 by default) by a "
        "Bayesian update of D0; device_yield/chip_yield use the posterior. Compare the two to see how much of "
        "the final number the data carried.")


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

    def killed(self, dev: str, d0) -> np.ndarray:
        """Killer-defect draw at density ``d0`` (scalar, or one value per wafer, shape (W,))."""
        d0 = np.asarray(d0, dtype=float)
        d0 = d0.reshape(-1, 1, 1) if d0.ndim else d0
        lam = d0 * self.area_cm2[dev] * self.g[..., None]
        return self.u[dev] < -np.expm1(-lam)

    def device_pass(self, d0: float, param_pass: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        pp = param_pass or self.param_pass
        return {d: pp[d] & ~self.killed(d, d0) for d in pp}

    def chip_pass_scaled(self, d0, area_scale: float) -> np.ndarray:
        """Chip pass with every critical area scaled (a bigger or denser design), same random numbers."""
        return self.chip_pass(np.asarray(d0, dtype=float) * area_scale)

    def modulator_pass(self, d0, param_pass=None) -> np.ndarray | None:
        """Pass of every modulator (W, S, n_modulators), or None without modulators."""
        dp = self.device_pass(d0, param_pass)
        mods = [t for t in dv.MODULATOR_TYPES if t in dp]
        return np.concatenate([dp[t] for t in mods], axis=-1) if mods else None

    def chip_pass(self, d0: float, param_pass=None) -> np.ndarray:
        dp = self.device_pass(d0, param_pass)
        return np.logical_and.reduce([p.all(axis=-1) for p in dp.values()])


def _ctx(design: Design, layout: WaferLayout) -> dict:
    from weiming.circuits.network import comb_line_ghz

    comb = design.comb
    ch = np.arange(layout.n_sites) % comb.channels
    k = np.asarray(comb.line_index)[ch]
    line_nm = C_M_S / (comb_line_ghz(comb.center_nm, comb.fsr_ghz, k) * 1e9) * 1e9
    return {"wavelength_um": comb.center_nm * 1e-3, "center_nm": comb.center_nm, "fsr_ghz": comb.fsr_ghz,
            "line_nm": line_nm, "channel_index": ch}


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
        sim.g = defect_multipliers(model, layout, ps.shape[0], rng)
    else:
        sim.g = np.ones(ps.shape)
    for name in sim.param_pass:
        sim.u[name] = rng.random(sim.param_pass[name].shape)
        sim.area_cm2[name] = cd.devices[name].area_um2 * 1e-8
    return sim


def defect_multipliers(model: ProcessModel, layout: WaferLayout, n_wafers: int, rng: np.random.Generator) -> np.ndarray:
    """Die defect-density multipliers g (W, S): Gamma(alpha, 1/alpha) at every die (negative-binomial
    clustering within a die, Stapper 1983) and spatially correlated between dies through a Gaussian copula
    of a random field with the defect correlation length (defects cluster over neighbouring dies, as
    real wafer maps show). The per-die marginal stays exactly Gamma, so the closed-form device and chip
    yields hold at every die."""
    from scipy import stats as st

    from weiming.sims.wafer.field import sample_field

    if model.defect_corr_length_mm <= 0:
        return rng.gamma(model.alpha, 1.0 / model.alpha, size=(n_wafers, layout.n_sites))
    z = sample_field(layout.xy_mm, 1.0, model.defect_corr_length_mm, n_wafers, rng, model.kernel)
    u = np.clip(st.norm.cdf(z), 1e-12, 1 - 1e-12)
    return st.gamma.ppf(u, model.alpha, scale=1.0 / model.alpha)


def modulator_model(sim: ChipSim):
    """The Bayesian update's view of the client chip: per modulator type its parametric pass probability
    (Monte Carlo), critical area (layout) and share of the chip's modulators, and the clustering."""
    from weiming.sims.wafer.bayes import ModulatorModel

    types = [t for t in dv.MODULATOR_TYPES if t in sim.param_pass]
    counts = np.array([sim.design.devices[t].count for t in types], dtype=float)
    return ModulatorModel(np.array([float(sim.param_pass[t].mean()) for t in types]),
                          np.array([sim.area_cm2[t] for t in types]), counts / counts.sum(),
                          sim.model.alpha if sim.model.defect_model == "negbin" else None), int(counts.sum())


def posterior_d0_median(sim: ChipSim, observed: tuple[int, int] = (117, 120)) -> float:
    """Median of the client D0 posterior given ``observed`` (working, total) modulators: the defect
    density other models (e.g. the network's chip sampling) draw the client chips with."""
    from weiming.sims.wafer import bayes

    mm, per_chip = modulator_model(sim)
    post = bayes.update(mm, sim.model.d0_per_cm2, sim.model.d0_sigma_decades, total=tuple(observed),
                        per_chip=per_chip)
    return float(post.quantile(np.array([0.5]))[0])


def wafer_interval(per_wafer: np.ndarray) -> dict:
    """Mean yield and intervals from per-wafer yields (wafers are the independent samples; chips on one
    wafer share its process draw and defect clustering). ``ci95``: 2.5-97.5 % of the next wafer's yield
    (predictive); ``mean_ci95``: the mean's normal interval (wafer-level standard error)."""
    v = np.asarray(per_wafer, dtype=float)
    se = float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else float("nan")
    return {"value": _r(float(v.mean())),
            "ci95": [_r(float(np.percentile(v, 2.5))), _r(float(np.percentile(v, 97.5)))],
            "mean_ci95": [_r(float(v.mean()) - 1.96 * se), _r(float(v.mean()) + 1.96 * se)], "wafers": len(v)}


def _per_wafer(p: np.ndarray) -> np.ndarray:
    return p.reshape(p.shape[0], -1).mean(axis=1)


def _r(x: float, n: int = 6) -> float:
    return float(f"{x:.{n}g}")


def _entry(passes: dict[str, np.ndarray]) -> dict:
    """Yield with intervals from pass arrays at D0 = posterior median / 2.5 % / 97.5 % (axis 0 = wafer).

    ``ci95``: the yield at both ends of D0's 95 % credible interval (same random numbers), widened by
    1.96 wafer-level standard errors of the Monte Carlo mean; ``mc_ci95``: the Monte Carlo mean's
    wafer-level interval alone; ``wafer_spread``: 2.5-97.5 % of the per-wafer yield."""
    hat, lo_d0, hi_d0 = (_per_wafer(passes[k]) for k in ("hat", "lo", "hi"))
    w = len(hat)
    se = (lambda v: float(v.std(ddof=1) / np.sqrt(w)) if w > 1 else 0.0)  # noqa: E731
    m = float(hat.mean())
    return {"value": _r(m), "ci95": [_r(max(0.0, float(hi_d0.mean()) - 1.96 * se(hi_d0))),
                                     _r(min(1.0, float(lo_d0.mean()) + 1.96 * se(lo_d0)))],
            "mc_ci95": [_r(max(0.0, m - 1.96 * se(hat))), _r(min(1.0, m + 1.96 * se(hat)))], "n": int(passes["hat"].size),
            "wafer_spread": [_r(float(np.percentile(hat, 2.5))), _r(float(np.percentile(hat, 97.5)))]}


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


def _variogram_plot(sim: ChipSim, out: Path, d0: float) -> str:
    """Semivariogram of the die-level process deviations (normalised by each parameter's variance) across
    the simulated wafers, with the model's curve: the spatial correlation the wafer maps show."""
    from weiming.sims.wafer import maps
    from weiming.sims.wafer.field import empirical_variogram, kernel_matrix

    xy = sim.layout.xy_mm
    bins = np.linspace(0, 2 * sim.layout.usable_radius_mm, 13)
    gam = {}
    for name in sorted(sim.model.params)[:4]:
        z = sim.ps.die[name] / sim.model.params[name].sigma
        h, g = empirical_variogram(xy, z - z.mean(axis=1, keepdims=True), bins)
        gam[name] = g
    g = sim.g / max(float(sim.g.var()), 1e-12) ** 0.5
    gam["defect density multiplier g"] = empirical_variogram(xy, g - g.mean(axis=1, keepdims=True), bins)[1]
    fr = sim.model.fractions
    hh = np.linspace(0, bins[-1], 60)
    k = kernel_matrix(np.column_stack([hh, np.zeros_like(hh)]), sim.model.corr_length_mm, sim.model.kernel)[0]
    # within-wafer semivariance of the model (the radial term is not stationary: left out of the curve)
    model = fr["field"] * (1 - k) + fr["die"] + 0 * hh
    return maps.variogram(h, gam, out / f"{sim.kind}_variogram.png",
                          f"{sim.kind}: semivariogram of die-level process deviations (L = "
                          f"{sim.model.corr_length_mm:g} mm)", model=(hh, model)).name


def read_measured(path: str | Path, modulator_names: set[str]) -> list[tuple[int, int]]:
    """Per-die (working, total) modulators from a CSV with columns die, x, y, device, pass.

    ``device`` is a modulator kind (im, pm) or a modulator instance name of the chip; other rows are
    ignored. ``pass`` is 1/0 or true/false. Raises ValueError naming the row and column."""
    import csv

    p = Path(path)
    if not p.is_file():
        raise ValueError(f"--measured {str(p)!r}: file does not exist")
    dies: dict[str, list[int]] = {}
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"--measured {str(p)!r}: cannot read it as UTF-8 text ({e.__class__.__name__})") from None
    import io

    with io.StringIO(text, newline="") as fh:
        rows = csv.DictReader(fh)
        need = {"die", "x", "y", "device", "pass"}
        if rows.fieldnames is None or not need <= {f.strip() for f in rows.fieldnames}:
            raise ValueError(f"--measured {str(p)!r}: needs the header die,x,y,device,pass (got {rows.fieldnames})")
        for n, row in enumerate(rows, start=2):
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            for c in ("x", "y"):
                try:
                    if not np.isfinite(float(row[c])):
                        raise ValueError
                except ValueError:
                    raise ValueError(f"--measured {str(p)!r} line {n}: {c}={row[c]!r} is not a finite number") from None
            ok = row["pass"].lower()
            if ok not in ("1", "0", "true", "false"):
                raise ValueError(f"--measured {str(p)!r} line {n}: pass={row['pass']!r} must be 1/0 or true/false")
            if row["device"] in dv.MODULATOR_TYPES or row["device"] in modulator_names:
                dies.setdefault(row["die"], []).append(int(ok in ("1", "true")))
    if not dies:
        raise ValueError(f"--measured {str(p)!r}: no modulator rows (device im, pm or a modulator instance name)")
    return [(sum(v), len(v)) for _, v in sorted(dies.items())]


def run_yield(config: str | Path | dict | None = None, specs: str | Path | dict | None = None,
              wafers: int = DEFAULT_WAFERS, seed: int = 1, observed: tuple[int, int] | None = (117, 120),
              out_dir: str | Path | None = None, *, measured: str | Path | None = None,
              manifest: str | Path | dict | None = None, center: list[tuple[str, float, float]] | None = None,
              progress: bool = False, sensitivity: bool = True) -> dict:
    """Run the yield Monte Carlo; return the JSON dict of ``weiming yield`` (and write it to ``out_dir``).

    ``config``/``specs``: YAML paths or dicts (see :mod:`.config`, :mod:`.specs`); a chips design file
    works as ``config``; ``wafers``: simulated wafers per chip type; ``seed``: numpy Generator seed
    (same seed -> identical JSON); ``observed``: (pass, total) modulators of one wafer for the Bayesian
    update of D0, or None; ``measured``: a CSV (die, x, y, device, pass) used instead of ``observed``;
    ``manifest``: build manifest with ``devices``/``laser`` entries; ``center``: [(param, lo, hi)] design
    centring (:mod:`.centering`); ``out_dir``: where the maps, histograms and ``yield.json`` go.
    """
    from tqdm import tqdm

    from weiming.sims.wafer import bayes

    if int(wafers) < 1:
        raise ValueError(f"wafers={wafers}: need at least 1 wafer")
    design, process = load_config(config, manifest)
    spec_list = load_specs(specs)
    measured_chips = None
    if measured is not None:        # validate the user's data before any work
        names = {n for t in dv.MODULATOR_TYPES if t in design.client.devices
                 for n in (design.client.devices[t].instances or [])}
        measured_chips = read_measured(measured, names)
    bar = tqdm(total=5, desc="yield", disable=not progress, leave=False)
    rng_client, rng_server, rng_d0, _ = (np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(4))
    sims = {"client": simulate_chip("client", design, process, spec_list, int(wafers), rng_client),
            "server": simulate_chip("server", design, process, spec_list, int(wafers), rng_server)}
    bar.update(1)

    cl = sims["client"]
    mm, per_chip = modulator_model(cl) if any(t in cl.param_pass for t in dv.MODULATOR_TYPES) else (None, 0)
    if (observed is not None or measured is not None) and mm is None:
        from weiming.sims.wafer.config import ConfigError

        raise ConfigError("observed/measured counts need modulators (im, pm) on the client chip")
    posts = {}
    for kind, sim in sims.items():
        m = sim.model
        if kind == "client" and mm is not None:
            if measured_chips is not None:
                posts[kind] = bayes.update(mm, m.d0_per_cm2, m.d0_sigma_decades, chips=measured_chips)
            else:
                posts[kind] = bayes.update(mm, m.d0_per_cm2, m.d0_sigma_decades,
                                           total=tuple(observed) if observed is not None else None, per_chip=per_chip)
        else:
            posts[kind] = bayes.update(None, m.d0_per_cm2, m.d0_sigma_decades)
    u_w = rng_d0.random(int(wafers))   # one D0 quantile per wafer: common random numbers prior vs posterior
    d0_w = {k: {w: p.quantile(u_w, w) for w in ("prior", "post")} for k, p in posts.items()}
    d0 = {k: dict(zip(("lo", "hat", "hi"), p.quantile(np.array([0.025, 0.5, 0.975])))) for k, p in posts.items()}
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
        good = sim.chip_pass(d0_w[kind]["post"]).sum(axis=1)
        wafer_yield[kind] = {"sites_per_wafer": sim.layout.n_sites, "good_chips_per_wafer_mean": _r(float(good.mean())),
                             "good_chips_per_wafer_p2_5_p97_5": [int(np.percentile(good, 2.5)),
                                                                 int(np.percentile(good, 97.5))]}
    bar.update(1)
    mod = {"modulator": device_yield.pop("modulator")} if "modulator" in device_yield else {}
    device_yield = {**mod, **dict(sorted(device_yield.items()))}

    prediction: dict[str, Any] = {}
    for which, key in (("prior", "prior"), ("post", "posterior")):
        e = {}
        if mm is not None:
            e["modulator"] = wafer_interval(_per_wafer(cl.modulator_pass(d0_w["client"][which])))
        e["client_chip"] = wafer_interval(_per_wafer(cl.chip_pass(d0_w["client"][which])))
        e["server_chip"] = wafer_interval(_per_wafer(sims["server"].chip_pass(d0_w["server"][which])))
        e["d0_per_cm2"] = posts["client"].summary(which)
        prediction[key] = e
    pc = posts["client"]
    prediction["ppc_p_value"] = None if pc.ppc_p_value is None else _r(pc.ppc_p_value)
    prediction["observed"] = pc.observed or None
    prediction["method"] = (
        "prior: D0 log-normal from the process file (median, decades), parametric spread from the PDK/process "
        "sigmas; posterior: grid posterior of D0 given the observed modulator counts (negative-binomial "
        "clustered likelihood, sims/wafer/bayes.py); value and ci95: mean and 2.5-97.5 % of the next wafer's "
        "yield over simulated wafers, each with its own D0 draw (prior or posterior) and process draw; "
        "ppc_p_value: two-sided prior-predictive probability of a count as extreme as the observed one")
    calib = {"d0_per_cm2": {"value": _r(d0["client"]["hat"]), "ci95": [_r(d0["client"]["lo"]), _r(d0["client"]["hi"])],
                            "pdk": cl.model.pdk, "observed": pc.observed or None,
                            "prior": posts["client"].summary("prior"),
                            "method": ("Bayesian update (posterior median and 95 % credible interval) of the log-normal "
                                       "prior" if pc.observed else "prior only (no observation)")}}
    crit = {}
    for s_ in sims.values():
        for dev, dd in s_.design.devices.items():
            if dd.count:
                crit[dev] = _r(dd.area_um2)

    result: dict[str, Any] = {
        "seed": int(seed), "wafers": int(wafers),
        "device_yield": device_yield, "chip_yield": chip_yield, "wafer_yield": wafer_yield,
        "calibration": calib,
        "prediction": prediction,
        "critical_area_um2": crit,
        "spatial": {"correlation_length_mm": cl.model.corr_length_mm, "cluster_alpha": cl.model.alpha,
                    "defect_correlation_length_mm": cl.model.defect_corr_length_mm,
                    "kernel": cl.model.kernel, "defect_model": cl.model.defect_model,
                    "server": {"correlation_length_mm": sims["server"].model.corr_length_mm,
                               "cluster_alpha": sims["server"].model.alpha}},
        "interval": ("ci95: yield at both ends of D0's 95 % credible interval (posterior; prior where nothing is "
                     "observed), widened by 1.96 wafer-level standard errors of the Monte Carlo mean; mc_ci95: the "
                     "Monte Carlo mean's wafer-level interval; wafer_spread: 2.5-97.5 % of the per-wafer yield; "
                     "prediction.*.ci95: the next wafer's yield (2.5-97.5 % over wafers). Wafers, not chips, are the "
                     "independent samples."),
        "pareto": {k: _pareto(s, d0[k]["hat"]) for k, s in sims.items()},
        "metrics": {dev: {m: _metric_stats(v) for m, v in ms.items()} for s in sims.values()
                    for dev, ms in s.metrics.items()},
        "design_source": design.source,
        "design": {k: {"pdk": s.design.pdk, "die_um": list(s.design.die_um),
                       "wafer_diameter_mm": s.design.wafer_diameter_mm, "sites_per_wafer": s.layout.n_sites,
                       "devices": {d: {"count": v.count, "critical_area_um2": _r(v.area_um2),
                                       "critical_area": v.critical_area, "instances": v.instances}
                                   for d, v in s.design.devices.items()}} for k, s in sims.items()},
        "process": {k: describe(s.model) for k, s in sims.items()},
        "surrogates": _surrogate_errors(),
        "note": NOTE,
    }
    result["predictions"] = {
        "client_chip_yield_vs_critical_area_scale": {
            f"{a:g}": {"value": _r(float(cl.chip_pass_scaled(d0["client"]["hat"], a).mean())),
                       "ci95_d0": [_r(float(cl.chip_pass_scaled(d0["client"]["hi"], a).mean())),
                                   _r(float(cl.chip_pass_scaled(d0["client"]["lo"], a).mean()))]}
            for a in (0.5, 1.0, 2.0, 4.0)},
        "note": "posterior-median D0 applied to a design whose killer-defect critical areas are scaled by the key",
    }
    from weiming.sims.wafer.tail import channel_pair_failure

    result["tail"] = {"channel_pair_fail": channel_pair_failure(cl, float(d0["client"]["hat"]), 200_000,
                                                                np.random.default_rng(np.random.SeedSequence(int(seed)).spawn(4)[3]))}
    if center:
        from weiming.sims.wafer.centering import center_design

        result["centering"] = center_design(sims, center, d0_w)
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
            files.append(_variogram_plot(sim, out, d0[kind]["hat"]))
        result["files"] = sorted(files) + ["yield.json"]
        atomic_write_text(out / "yield.json", json.dumps(result, indent=2) + "\n")
    bar.update(1)
    bar.close()
    return result


def _surrogate_errors() -> dict:
    from weiming.sims.wafer.fit_surrogates import SURROGATES
    from weiming.sims.wafer.surrogates import errors

    return {n: errors(n) for n in SURROGATES}
