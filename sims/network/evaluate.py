"""The network evaluation behind ``weiming network --json`` (the CLI only wraps these two functions).

- :func:`evaluate_ideal`: explicit link parameters, no chips.
- :func:`evaluate_network`: the design's chip set -- a network realisation (the
  first ``2 x channels`` client dies of simulated wafer 0, as they come), per-pair
  key rate at the spec distance, the networking capability, the key-rate yield
  over Monte Carlo chip pairs, and, for every pair that does not beat PLOB, the
  chip metric that limits it.
"""

from __future__ import annotations

import numpy as np

from weiming.sims.network import chips as ch
from weiming.sims.network import link as lk
from weiming.sims.network.capability import (RateSetup, common_distance_ok, max_distance_beating_plob, plob_pair,
                                             rates, setup_from_network)
from weiming.sims.network.plob import plob_absolute, plob_conditional


def _r(x, n=6):
    """Round to ``n`` significant digits for JSON; None for missing or non-finite values."""
    return None if x is None or not np.isfinite(x) else float(f"{float(x):.{n}g}")


def _curve(setup, distances, eta_d, pd_fn, e_d, leak) -> np.ndarray:
    pd = np.array([pd_fn(L) for L in distances])
    return rates(setup, distances, eta_d, pd, e_d, leak)[1]["rate"]


def _curve_json(distances, rate) -> list[dict]:
    return [{"distance_km": _r(L), "key_rate_per_pulse": _r(r)} for L, r in zip(distances, rate)]


def evaluate_ideal(*, protocol: str = "sns", eta_d: float, pd: float, e_d: float, loss_db_per_km: float,
                   distance_km: float, finite_key: bool = False, decoy: str = "three", f_ec: float = 1.16,
                   network=None) -> dict:
    """Key rate with explicit link parameters (``pd`` per detector per gate, ``e_d`` misalignment)."""
    lk.ideal_link(eta_d, pd, e_d, loss_db_per_km, f_ec)            # validates (NetworkError names the option)
    if not 0 < distance_km <= 5000:
        raise lk.NetworkError(f"--distance-km {distance_km!r}: must be in (0, 5000]")
    net = lk.load_network(network, {"fibre": {"loss_db_per_km": loss_db_per_km},
                                    "protocol": {"error_correction_f": f_ec}})
    setup = setup_from_network(net, protocol, finite_key, decoy)
    params, res = rates(setup, distance_km, eta_d, pd, e_d, 0.0)
    pa, pc = plob_pair(setup, distance_km, eta_d)
    lo, hi, n = net.curve_km
    dist = np.linspace(lo, hi, int(n))
    curve = _curve(setup, dist, eta_d, lambda L: pd, e_d, 0.0)
    r = float(res["rate"][0])
    return {"protocol": setup.protocol, "distance_km": _r(distance_km), "plob_absolute": _r(pa),
            "plob_conditional": _r(pc),
            "pairs": [{"channel": None, "clients": [None, None], "key_rate_per_pulse": _r(r),
                       "ratio_to_plob": _r(r / pa), "ratio_to_plob_conditional": _r(r / pc),
                       "qber_x": _r(res["qber_x"][0]), "qber_z": _r(res["qber_z"][0]),
                       "parameters": {k: _r(v[0]) for k, v in params.items()}}],
            "networking_capability_km": None, "key_rate_yield": None, "curve": _curve_json(dist, curve),
            "model": _model_json(setup),
            "link": {"eta_d": eta_d, "pd": pd, "e_d": e_d, "loss_db_per_km": loss_db_per_km, "f": f_ec,
                     "chips": "none (explicit link parameters)"}}


def _model_json(setup: RateSetup) -> dict:
    return {"protocol": setup.protocol, "decoy": setup.decoy if setup.protocol == "sns" else None,
            "finite_key": setup.finite_key, "pulses": setup.pulses if setup.finite_key else None,
            "aopp": setup.aopp, "slices": setup.slices, "f": setup.f_ec,
            "plob": "absolute: -log2(1 - eta_fibre) over the client-to-client fibre; conditional: "
                    "eta_fibre x eta_d (Pirandola et al., Nat. Commun. 8, 15043 (2017))"}


def _pair_links(net, chips: ch.ClientChips, a: np.ndarray, b: np.ndarray, alive_extra: np.ndarray):
    """Per-pair (leak, intensity mismatch dB, alive) from the two clients' dies ``a``, ``b``."""
    er = ch.vacuum_er_db(chips, net.chips.vacuum_ims)
    leak = np.maximum(10 ** (-er[a] / 10), 10 ** (-er[b] / 10))   # one leak per pair: the worse client (conservative)
    mismatch = np.maximum(np.abs(chips.il_db[a] - chips.il_db[b]) - net.chips.voa_range_db, 0.0) \
        + net.optics.intensity_setting_accuracy_db
    ok = ch.working(chips)
    alive = ok[a] & ok[b] & alive_extra
    return leak, mismatch, alive, er


def evaluate_network(config=None, network=None, *, distance_km: float | None = None, protocol: str | None = None,
                     finite_key: bool | None = None, manifest=None, quick: bool = False) -> dict:
    """The design's network at ``distance_km`` (default ``spec.network.distance_km``)."""
    from weiming.circuits.design import load_design
    from weiming.circuits.network import clients
    from weiming.sims.wafer.stats import wilson

    design = load_design(config)
    net = lk.load_network(network)
    spec = design.spec.network
    L = float(spec.distance_km if distance_km is None else distance_km)
    if not 0 < L <= 5000:
        raise lk.NetworkError(f"--distance-km {L!r}: must be in (0, 5000]")
    setup = setup_from_network(net, protocol, finite_key)
    plan = design.network
    n_ch, per = plan.channels, plan.clients_per_channel
    if per != 2:
        raise lk.NetworkError(f"network.clients_per_channel={per}: TF-QKD pairs need exactly 2 clients per channel")
    notes: list[str] = []
    chips = ch.sample_client_chips(config, wafers=1 if quick else net.chips.wafers, seed=net.chips.seed)
    notes += chips.notes
    lasers = ch.read_manifest_lasers(manifest)
    if lasers is None:
        notes.append("laser locking of the built chips NOT evaluated (no per-client laser entries in the build "
                     "manifest); only the yield model's Bragg-detuning tuning range is applied")
    line_w, line_src = ch.comb_line_powers(design)
    line_dbm = {k: 10 * np.log10(v / 1e-3) for k, v in line_w.items()}
    min_dbm = design.spec.comb.min_channel_line_power_dbm
    notes.append(f"comb-line power: {line_src}")
    cl = clients(plan)
    ids = [c.id for c in cl]
    locks = {i: (True if lasers is None else bool(lasers.get(i, {}).get("locks", False))) for i in ids}
    ch_ok = {k: line_dbm[k] >= min_dbm and all(locks[c.id] for c in cl if c.channel == k)
             for k in range(1, n_ch + 1)}

    pd_fn = lambda dist: net.detector.dark_count_rate_hz * net.detector.gate_ns * 1e-9 + \
        sum(lk.noise_per_gate(net, dist, n_ch).values())  # noqa: E731
    eta_d = net.detector.efficiency

    # --- one network realisation: 2 N dies of wafer 0 (known-good or as diced)
    n_dies = 2 * n_ch
    chan_ok = np.array([ch_ok[k] for k in range(1, n_ch + 1)])
    dies = {"as_diced": np.flatnonzero(chips.wafer == 0)[:n_dies],
            "known_good": np.flatnonzero((chips.wafer == 0) & ch.working(chips))[:n_dies]}
    for sel, d in dies.items():
        if d.size < n_dies:
            raise lk.NetworkError(f"chips.selection={sel}: wafer 0 has {d.size} such client dies, fewer than "
                                  f"{n_dies} clients")
    other = "as_diced" if net.chips.selection == "known_good" else "known_good"
    sel_dies = dies[net.chips.selection]
    a, b = sel_dies[0::2], sel_dies[1::2]
    notes.append(f"network realisation: chips.selection={net.chips.selection}: client dies "
                 f"{[int(x) for x in sel_dies]} of wafer 0 (site order)")
    leak, mism, alive, er = _pair_links(net, chips, a, b, chan_ok)
    lock_var = None
    if lasers is not None:                      # per-client locking range from the built chips
        rng_ghz = np.array([float(lasers.get(i, {}).get("lock_range_ghz", 0.0)) for i in ids])
        var = lk.locking_phase_variance(rng_ghz, net.phase.free_running_linewidth_hz)
        lock_var = var[0::2] + var[1::2]
    e_d, parts = lk.misalignment(net.phase, net.optics, mism, lock_var)
    params, res = rates(setup, L, eta_d, pd_fn(L), e_d, leak)
    rate = np.where(alive, res["rate"], 0.0)
    pa, pc = plob_pair(setup, L, eta_d)
    limits = _limits(setup, net, chips, a, b, L, eta_d, pd_fn(L), e_d, leak, mism, alive, chan_ok, locks, ids,
                     line_dbm, min_dbm, rate, pa)
    pairs = []
    for i in range(n_ch):
        pairs.append({"channel": i + 1, "clients": [ids[2 * i], ids[2 * i + 1]], "key_rate_per_pulse": _r(rate[i]),
                      "ratio_to_plob": _r(rate[i] / pa), "ratio_to_plob_conditional": _r(rate[i] / pc),
                      "qber_x": _r(res["qber_x"][i]), "qber_z": _r(res["qber_z"][i]),
                      "key_rate_bps": _r(rate[i] * net.protocol.repetition_rate_hz),
                      "beats_plob": bool(rate[i] > pa),
                      "chips": {"vacuum_er_db": [_r(er[a[i]], 4), _r(er[b[i]], 4)],
                                "insertion_loss_db": [_r(chips.il_db[a[i]], 4), _r(chips.il_db[b[i]], 4)],
                                "intensity_mismatch_db": _r(mism[i], 4), "leak": _r(leak[i]),
                                "devices_alive": [bool(chips.alive[a[i]]), bool(chips.alive[b[i]])],
                                "vpi_within_driver": [bool(chips.vpi_ok[a[i]]), bool(chips.vpi_ok[b[i]])],
                                "laser_in_tuning_range": [bool(chips.laser_in_range[a[i]]),
                                                          bool(chips.laser_in_range[b[i]])],
                                "laser_locks": (None if lasers is None else
                                                [locks[ids[2 * i]], locks[ids[2 * i + 1]]]),
                                "comb_line_power_dbm": _r(line_dbm[i + 1], 4)},
                      "e_d": _r(e_d if np.ndim(e_d) == 0 else e_d[i]),
                      "parameters": {k: _r(v[i]) for k, v in params.items()},
                      "limited_by": limits[i]})

    # --- networking capability of the realisation
    lmax = max_distance_beating_plob(setup, eta_d, pd_fn, e_d, leak, anchor_km=L) * alive
    l_all = float(lmax.min())
    if l_all > 0 and not common_distance_ok(setup, l_all, eta_d, pd_fn(l_all), e_d, leak):
        l_all = 0.0          # the pairs' PLOB-beating intervals do not overlap
    capability = len(ids) * l_all / 2
    working = lmax[alive]
    capability_working = (2 * working.size * float(working.min()) / 2) if working.size else 0.0
    # the other die selection, for comparison (capability only)
    oa, ob = dies[other][0::2], dies[other][1::2]
    o_leak, o_mism, o_alive, _ = _pair_links(net, chips, oa, ob, chan_ok)
    o_ed, _ = lk.misalignment(net.phase, net.optics, o_mism, lock_var)
    o_lmax = max_distance_beating_plob(setup, eta_d, pd_fn, o_ed, o_leak, anchor_km=L) * o_alive

    # --- key-rate yield over Monte Carlo chip pairs
    rng = np.random.default_rng(net.chips.seed + 1)
    k = 50 if quick else net.chips.monte_carlo_pairs
    da = rng.integers(0, chips.alive.size, k)
    db = rng.integers(0, chips.alive.size, k)
    chan = np.arange(k) % n_ch
    y_leak, y_mism, y_alive, _ = _pair_links(net, chips, da, db, chan_ok[chan])
    y_ed, _ = lk.misalignment(net.phase, net.optics, y_mism, None if lock_var is None else lock_var[chan])
    y_rate = np.where(y_alive, rates(setup, L, eta_d, pd_fn(L), y_ed, y_leak)[1]["rate"], 0.0)
    n_ok = int((y_rate > pa).sum())
    lo_ci, hi_ci = wilson(n_ok, k)
    good = ch.working(chips)[da] & ch.working(chips)[db]
    n_good, n_good_ok = int(good.sum()), int(((y_rate > pa) & good).sum())

    lo, hi, npts = net.curve_km
    dist = np.linspace(lo, hi, int(npts))
    # every pair x distance in one optimisation (cases flattened)
    pd_d = np.array([pd_fn(x) for x in dist])
    grid = np.broadcast_arrays(dist[None, :], pd_d[None, :], np.broadcast_to(e_d, (n_ch,))[:, None],
                               leak[:, None])
    flat = rates(setup, grid[0].ravel(), eta_d, grid[1].ravel(), grid[2].ravel(), grid[3].ravel())[1]["rate"]
    curves = flat.reshape(n_ch, dist.size) * alive[:, None]
    worst = curves.min(axis=0)
    passed = bool(all(p["beats_plob"] for p in pairs) or not spec.beat_plob) and \
        capability >= spec.networking_capability_km_min
    return {"protocol": setup.protocol, "distance_km": _r(L), "plob_absolute": _r(pa), "plob_conditional": _r(pc),
            "pairs": pairs, "networking_capability_km": _r(capability),
            "key_rate_yield": {"value": _r(n_ok / k), "ci95": [_r(lo_ci), _r(hi_ci)], "samples": k,
                               "definition": "fraction of Monte Carlo chip pairs whose key rate beats the absolute "
                                             "PLOB bound at distance_km; Wilson 95 % interval"},
            "key_rate_yield_known_good": {"value": _r(n_good_ok / n_good) if n_good else None,
                                          "ci95": [_r(v) for v in wilson(n_good_ok, n_good)], "samples": n_good,
                                          "definition": "the same among the sampled pairs whose two dies pass the "
                                                        "wafer-level test (chips.selection=known_good)"},
            "curve": _curve_json(dist, worst),
            "curves": {"distance_km": [_r(x) for x in dist],
                       "pairs": [[_r(x) for x in c] for c in curves],
                       "plob_absolute": [_r(x) for x in plob_absolute(dist, setup.loss_db_per_km)],
                       "plob_conditional": [_r(x) for x in plob_conditional(dist, setup.loss_db_per_km, eta_d)]},
            "max_distance_beating_plob_km": [_r(x, 5) for x in lmax],
            "networking_capability_working_pairs_km": _r(capability_working),
            "die_selection": net.chips.selection,
            f"networking_capability_km_{other}": _r(len(ids) * float(o_lmax.min()) / 2),
            "misalignment_sources": {kk: _r(np.mean(v)) for kk, v in parts.items()},
            "noise_per_gate_at_distance": {**{kk: _r(v) for kk, v in lk.noise_per_gate(net, L, n_ch).items()},
                                           "dark": _r(net.detector.dark_count_rate_hz * net.detector.gate_ns * 1e-9)},
            "model": _model_json(setup),
            "fibre_loss_db_per_km": setup.loss_db_per_km,
            "spec": {"distance_km": spec.distance_km, "beat_plob": spec.beat_plob,
                     "networking_capability_km_min": spec.networking_capability_km_min},
            "passed": passed, "notes": notes,
            "curve_note": "curve: the lowest key rate over the channel pairs at each distance (curves: each pair)"}


def _limits(setup, net, chips, a, b, L, eta_d, pd, e_d, leak, mism, alive, chan_ok, locks, ids, line_dbm, min_dbm,
            rate, pa) -> list[str | None]:
    """For each pair that does not beat PLOB: the chip metric(s) whose ideal value would make it beat it."""
    out: list[str | None] = []
    e_ideal, _ = lk.misalignment(net.phase, net.optics, net.optics.intensity_setting_accuracy_db)
    for i in range(len(a)):
        if rate[i] > pa:
            out.append(None)
            continue
        why = []
        for who, d in ((ids[2 * i], a[i]), (ids[2 * i + 1], b[i])):
            if not chips.alive[d]:
                why.append(f"{who}: a device is killed by a defect (yield model)")
            if not chips.laser_in_range[d]:
                why.append(f"{who}: DBR Bragg detuning outside the laser's tuning range (yield model)")
            if not chips.vpi_ok[d]:
                why.append(f"{who}: a modulator's Vpi exceeds the RF driver swing (yield model)")
            if not locks[who]:
                why.append(f"{who}: laser does not lock (build manifest)")
        if line_dbm[i + 1] < min_dbm:
            why.append(f"channel {i + 1}: comb-line power {line_dbm[i + 1]:.1f} dBm < spec {min_dbm} dBm")
        if not why:
            ed_i = e_d if np.ndim(e_d) == 0 else e_d[i]
            r_er = rates(setup, L, eta_d, pd, ed_i, 0.0)[1]["rate"][0]
            r_mm = rates(setup, L, eta_d, pd, e_ideal, leak[i])[1]["rate"][0]
            if r_er > pa:
                why.append(f"IM extinction ratio (off-state leak {leak[i]:.2g})")
            if r_mm > pa:
                why.append(f"insertion-loss difference beyond the VOA range (intensity mismatch {mism[i]:.2f} dB)")
            if not why:
                why.append("link (fibre, detector, phase noise): no single chip metric restores it")
        out.append("; ".join(why))
    return out
