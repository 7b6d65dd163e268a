"""Functions that the sweep engine ships as targets of its own.

- :func:`cpu_benchmark`: a deterministic, CPU-bound kernel (pure Python, so it
  holds the GIL: only worker *processes* run it in parallel). It is what
  ``benchmarks/sweep.py`` measures the 2-worker speed-up on; it has no physics.
- :func:`ring_spectrum`: figures of merit of an all-pass microring from the
  analytic model :mod:`weiming.sims.devices.ring` (and, given a ``gap_um`` instead of a
  ``kappa2``, the coupler model :mod:`weiming.sims.devices.coupler`).
"""

from __future__ import annotations

import math


def cpu_benchmark(n: int = 200_000, seed: int = 1) -> dict:
    """Monte-Carlo estimate of pi from ``n`` points of a 64-bit LCG (Knuth's MMIX constants).

    Costs ~0.1 us per point of pure-Python arithmetic on one core; the result
    depends only on ``n`` and ``seed``. Returns ``pi_estimate`` and ``abs_error``.
    """
    if n < 1:
        raise ValueError(f"n={n} must be at least 1")
    a, c, m = 6364136223846793005, 1442695040888963407, 1 << 64  # Knuth, TAOCP vol. 2, MMIX LCG
    x = seed % m
    inside = 0
    scale = 1.0 / (1 << 32)
    for _ in range(n):
        x = (a * x + c) % m
        u = (x >> 32) * scale
        x = (a * x + c) % m
        v = (x >> 32) * scale
        inside += u * u + v * v < 1.0
    est = 4.0 * inside / n
    return {"pi_estimate": est, "abs_error": abs(est - math.pi)}


def ring_spectrum(radius_um: float, loss_db_per_m: float, ng: float, wavelength_um: float = 1.54978,
                  kappa2: float | None = None, gap_um: float | None = None, pdk: str = "sin100",
                  coupler_loss: float = 0.0) -> dict:
    """Q factors, FSR, extinction and coupling regime of an all-pass ring (analytic model).

    Give the power coupling ``kappa2`` directly, or a bus-ring ``gap_um`` from
    which :func:`weiming.sims.devices.coupler.kappa2` computes it for ``pdk``.
    """
    from weiming.sims.devices import ring

    if (kappa2 is None) == (gap_um is None):
        raise ValueError("give exactly one of kappa2 and gap_um")
    if kappa2 is None:
        from weiming.sims.devices.coupler import kappa2 as coupler_kappa2

        kappa2 = float(coupler_kappa2(pdk, gap_um, radius_um, wavelength_um=wavelength_um))
    circ = 2 * math.pi * radius_um
    qi = ring.intrinsic_q(loss_db_per_m, ng, wavelength_um)
    qc = ring.coupling_q(kappa2, ng, circ, wavelength_um)
    crit = ring.critical_kappa2(loss_db_per_m, circ, coupler_loss)
    return {
        "kappa2": kappa2,
        "qi": qi,
        "qc": qc,
        "ql": ring.loaded_q(qi, qc),
        "fsr_hz": ring.fsr_hz(ng, circ),
        "extinction_db": ring.extinction_db(kappa2, loss_db_per_m, circ, coupler_loss),
        "critical_kappa2": crit,
        "regime": "over" if kappa2 > crit else "under" if kappa2 < crit else "critical",
    }
