"""Chip metrics -> link parameters.

Sources (never typed numbers):

- **Yield Monte Carlo** (:mod:`weiming.sims.wafer`): per client die, the
  intensity modulators' extinction ratio and insertion loss, the phase
  modulators' insertion loss, killer defects of every device, and the DBR
  laser's Bragg detuning against its tuning range (the yield model's locking
  criterion). The client wafer's defect density is calibrated to the
  published 117/120 exactly as ``weiming yield`` does.
- **Build manifest** (``manifest.json``): per-client ``laser: {..., locks, ...}``
  from the built chip (issue 12). When absent, the output says that laser
  locking of the built chips was not evaluated.
- **Comb-line power**: :func:`weiming.circuits.network.comb_line_power_w`, with the
  comb model's bus powers (``weiming.sims.comb.channel_bus_powers_w``) when that
  function exists, else the design value; the output says which.

How each metric enters the link (physics in :mod:`.link`, :mod:`.sns`):

- IM extinction ratio -> the off state is ``10^(-ER/10)`` of the on state; the
  off state is made by the IMs listed in ``chips.vacuum_ims`` in cascade
  (their ERs add in dB; assumption of the drive scheme, network file);
- IM + PM insertion loss -> each client's output power; the VOA equalises the
  two clients of a pair within its range; what it cannot equalise is an
  intensity mismatch that lowers the interference visibility;
- laser locking range (manifest, when present) -> residual phase noise of the locked laser
  (:func:`weiming.sims.network.link.locking_phase_variance`) -> visibility;
- VOA range -> design value from the network file (the yield model has no
  parametric VOA metric, only defects);
- a modulator whose Vpi exceeds the RF driver's swing (the yield model's ``vpi_v`` specs) cannot
  reach its off state or full phase range: that client is counted dead (Vpi spread within the swing is
  calibrated out per chip by the drive amplitude);
- a killed device, a laser that does not lock, or a comb line below
  ``spec.comb.min_channel_line_power_dbm`` -> that client sends nothing (rate 0).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

IM_NAMES = ("im1", "im2", "im3")


@dataclass
class ClientChips:
    """Per-die client metrics from the yield Monte Carlo, flattened over (wafer, site)."""

    er_db: np.ndarray          # (dies, n_im)
    il_db: np.ndarray          # (dies,) total IM + PM insertion loss
    alive: np.ndarray          # (dies,) no killed device
    laser_in_range: np.ndarray  # (dies,) Bragg detuning within the tuning spec
    vpi_ok: np.ndarray         # (dies,) every IM/PM Vpi within the RF driver's swing (yield-model vpi specs)
    wafer: np.ndarray          # (dies,) wafer index
    notes: list[str] = field(default_factory=list)


def sample_client_chips(config=None, wafers: int = 4, seed: int = 1) -> ClientChips:
    """Run the client part of the yield Monte Carlo and return each simulated die's metrics."""
    from weiming.sims.wafer.config import load_config
    from weiming.sims.wafer.run import posterior_d0_median, simulate_chip
    from weiming.sims.wafer.specs import load_specs

    # ``config`` is the chips design (as evaluate_network reads it); the yield model takes it as chips_design
    design, process = load_config({"chips_design": str(config)} if config is not None else None)
    specs = load_specs()
    rng = np.random.default_rng(np.random.SeedSequence(int(seed)).spawn(2)[0])
    sim = simulate_chip("client", design, process, specs, int(wafers), rng)
    d0 = posterior_d0_median(sim, (117, 120))
    dp = sim.device_pass(d0)
    killed = {d: sim.killed(d, d0) for d in sim.param_pass}
    n = int(np.prod(sim.ps.shape))
    im = sim.metrics["im"]
    er = im["extinction_ratio_db"].reshape(n, -1)
    il = im["insertion_loss_db"].reshape(n, -1).sum(axis=1)
    if "pm" in sim.metrics:
        il = il + sim.metrics["pm"]["insertion_loss_db"].reshape(n, -1).sum(axis=1)
    alive = np.logical_and.reduce([~k.reshape(n, -1).any(axis=1) for k in killed.values()])
    laser = dp["laser"].reshape(n, -1).all(axis=1) | killed["laser"].reshape(n, -1).any(axis=1)
    vpi_ok = np.ones(n, dtype=bool)
    for sp in specs:
        if sp.metric == "vpi_v" and sp.name in sim.spec_pass:
            vpi_ok &= sim.spec_pass[sp.name].reshape(n, -1).all(axis=1)
    wafer = np.repeat(np.arange(sim.ps.shape[0]), n // sim.ps.shape[0])
    notes = [f"client dies from the yield Monte Carlo: {int(wafers)} wafers x {n // int(wafers)} sites, seed {seed}, "
             f"D0 = posterior median given 117/120 ({d0:.3g} /cm2)"]
    return ClientChips(er, il, alive, laser, vpi_ok, wafer, notes)


def working(chips: ClientChips) -> np.ndarray:
    """Dies a wafer-level test would pass: no killed device, laser within its tuning range, Vpi within the
    driver's swing (everything testable before assembly; ER and IL still vary among them)."""
    return chips.alive & chips.laser_in_range & chips.vpi_ok


def vacuum_er_db(chips: ClientChips, vacuum_ims: tuple[str, ...]) -> np.ndarray:
    idx = [IM_NAMES.index(n) for n in vacuum_ims]
    return chips.er_db[:, idx].sum(axis=1)


def read_manifest_lasers(manifest: str | Path | dict | None) -> dict[str, dict] | None:
    """Per-client ``laser`` entries of a build manifest, or None when the manifest has none."""
    if manifest is None:
        return None
    if not isinstance(manifest, dict):
        p = Path(manifest)
        if not p.is_file():
            return None
        manifest = json.loads(p.read_text())
    out = {c["id"]: c["laser"] for c in manifest.get("chips", [])
           if c.get("kind") == "client" and isinstance(c.get("laser"), dict) and "locks" in c["laser"]}
    return out or None


def comb_line_powers(design) -> tuple[dict[int, float], str]:
    """Channel -> comb-line power at the client facet (W), and where the bus powers came from."""
    from weiming.circuits.network import comb_line_power_w

    bus, source = None, "design value network.comb_line_power_dbm (assumption; comb model not available)"
    try:
        from weiming.sims.comb import channel_bus_powers_w  # issue 13/15: the comb model
    except ImportError:
        channel_bus_powers_w = None
    if channel_bus_powers_w is not None:
        try:
            bus = channel_bus_powers_w(design)
            source = "comb model (weiming.sims.comb.channel_bus_powers_w)"
        except Exception as exc:  # noqa: BLE001 - say why the design value stands in, never hide it
            source = (f"design value network.comb_line_power_dbm (assumption): the comb model failed: "
                      f"{type(exc).__name__}: {exc}")
    return {ch: comb_line_power_w(design, ch, bus) for ch in range(1, design.network.channels + 1)}, source
