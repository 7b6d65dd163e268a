"""Device evaluations per second of the vectorised yield model vs a per-device Python loop.

One *device evaluation* = every metric of one device (here the Mach-Zehnder
intensity modulator, the most expensive model: Vpi from the waveguide
surrogate, the chip's two MMIs interpolated in their MPA tables, extinction ratio, insertion loss) plus
its spec check. The vectorised rate includes drawing the hierarchical process sample (lot, wafer,
correlated Gaussian random field by Cholesky at the die sites, radial, die, local mismatch) for every
repetition: the correlated sampler is on. Both paths check pass/fail on the same process sample; the
loop evaluates the same formulas one device at a time with scalar Python
arithmetic (the "straightforward" implementation). Target: >= 1e6 device
evaluations/s on 2 cores.

    python benchmarks/yield.py [--wafers 200]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from weiming.sims.wafer import devices as dv
from weiming.sims.wafer.config import load_config
from weiming.sims.wafer.process import process_model, sample_process
from weiming.sims.wafer.run import _ctx
from weiming.sims.wafer.sites import die_sites
from weiming.sims.wafer.slab import HC_EV_UM
from weiming.sims.wafer.specs import load_specs
from weiming.sims.wafer.surrogates import load


def vectorised(ps, dev, ctx, specs, n):
    m = dv.modulator_im(ps, dev, ctx, n)
    ok = np.ones(m["vpi_v"].shape, dtype=bool)
    for s in specs:
        ok &= s.passes(m[s.metric])
    return ok


def loop(ps, dev, ctx, specs, n, limit):
    """The same model, one device at a time, scalar Python."""
    s = load("inp_deep")
    c = s.outputs["gamma"]
    names, scales = s.inputs, s.scales
    t0, lg0 = dv._stack_thickness("inp", "core"), dv._lambda_g0()
    e_ph = HC_EV_UM / ctx["wavelength_um"]
    det0 = e_ph - HC_EV_UM / lg0
    g0 = c[0]
    loss0 = dv._loss_db_per_m("inp", "deep")
    arm = {p: ps.at_devices(p, "im_arm", n) for p in (*names, "log_loss")}
    mi, mo = ps.at_devices("width_bias_um", "im_mmi_in", n), ps.at_devices("width_bias_um", "im_mmi_out", n)
    sig = ps.model.params["width_bias_um"].sigma
    off = dev.get("mmi_width_offset_um") or 0.0
    tabs = [dv.mmi_table(dev[f"mmi_{io}_cell"], dev[f"mmi_{io}_width_um"], sig, off - 5 * sig, off + 5 * sig)
            for io in ("in", "out")]
    W, S, _ = arm[names[0]].shape
    out, count = [], 0
    for w in range(W):
        for si in range(S):
            for d in range(n):
                x = [arm[p][w, si, d] / sc for p, sc in zip(names, scales)]
                g, k = c[0], 1
                for i in range(len(x)):
                    g += c[k] * x[i]
                    k += 1
                for i in range(len(x)):
                    for j in range(i, len(x)):
                        g += c[k] * x[i] * x[j]
                        k += 1
                dt, dlg = arm["core_thickness_um"][w, si, d], arm["lambda_g_um"][w, si, d]
                det = e_ph - HC_EV_UM / (lg0 + dlg)
                vpi = dev["vpi_v"] * (t0 + dt) / t0 * g0 / g * (det / det0) ** dv.VPI_BANDGAP_EXPONENT
                ks, xs = [], []
                for dw, t in zip((mi[w, si, d], mo[w, si, d]), tabs):
                    dw = min(max(off + dw, t["dw"][0]), t["dw"][-1])
                    j = min(int(np.searchsorted(t["dw"], dw, side="right")) - 1, len(t["dw"]) - 2)
                    f = (dw - t["dw"][j]) / (t["dw"][j + 1] - t["dw"][j])
                    ks.append(t["k"][j] + f * (t["k"][j + 1] - t["k"][j]))
                    xs.append(t["excess_db"][j] + f * (t["excess_db"][j + 1] - t["excess_db"][j]))
                a, b = math.sqrt(ks[0] * ks[1]), math.sqrt((1 - ks[0]) * (1 - ks[1]))
                er = 10 * math.log10((a + b) ** 2 / max((a - b) ** 2, (a + b) ** 2 * 10 ** (-dv.ER_CAP_DB / 10)))
                il = (loss0 * math.exp(arm["log_loss"][w, si, d]) * dev["length_um"] * 1e-6
                      + xs[0] + xs[1] - 10 * math.log10((a + b) ** 2))
                vals = {"vpi_v": vpi, "extinction_ratio_db": er, "insertion_loss_db": il}
                ok = all((sp.min is None or vals[sp.metric] >= sp.min) and (sp.max is None or vals[sp.metric] <= sp.max)
                         for sp in specs)
                out.append(ok)
                count += 1
                if count >= limit:
                    return np.array(out)
    return np.array(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wafers", type=int, default=200)
    ap.add_argument("--loop-devices", type=int, default=20000)
    a = ap.parse_args()
    design, process = load_config()
    lay = die_sites(design.client.wafer_diameter_mm, design.client.die_um)
    model = process_model("inp", process)
    ps = sample_process(model, lay, a.wafers, np.random.default_rng(0))
    dev = design.client.devices["im"].model_dump()
    ctx = _ctx(design, lay)
    specs = [s for s in load_specs() if s.device == "im" and s.metric != dv.DEFECT_METRIC]
    n = dev["count"]
    vectorised(ps, dev, ctx, specs, n)           # warm-up: draws and caches the local mismatch
    n_dev = a.wafers * lay.n_sites * n
    ok_v = vectorised(ps, dev, ctx, specs, n)
    reps = []
    for r in range(3):
        t = time.perf_counter()
        ps_r = sample_process(model, lay, a.wafers, np.random.default_rng(r + 1))   # correlated sampler on
        vectorised(ps_r, dev, ctx, specs, n)
        reps.append(time.perf_counter() - t)
    t_vec = min(reps)
    t = time.perf_counter()
    ok_l = loop(ps, dev, ctx, specs, n, a.loop_devices)
    t_loop = time.perf_counter() - t
    agree = bool(np.array_equal(ok_l, ok_v.ravel()[: len(ok_l)]))
    rate_v, rate_l = n_dev / t_vec, len(ok_l) / t_loop
    print(f"vectorised incl. correlated process sampling: {n_dev} device evaluations in {t_vec:.3f} s = "
          f"{rate_v:,.0f} /s (target >= 1,000,000 /s)")
    print(f"per-device loop: {len(ok_l)} device evaluations in {t_loop:.3f} s = {rate_l:,.0f} /s")
    print(f"speed-up vectorised / loop: {rate_v / rate_l:.0f}x; pass/fail identical on the loop's devices: {agree}")


if __name__ == "__main__":
    main()
