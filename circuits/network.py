"""The network plan: which client chip sits on which WDM channel (comb line).

The server's microcomb has lines at f_m = f0 + m * FSR with f0 = c / 1549.78 nm
and FSR = 30.03 GHz (seed network, docs/seed-network.md,
Nature 2026, doi 10.1038/s41586-026-10152-z). Channel k (1-based) uses comb
line m_k = first_line + (k - 1) * line_step; each channel carries
``clients_per_channel`` clients (two: the pair whose pulses interfere at the
server in twin-field QKD), so 10 channels give 20 client chips.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from weiming.circuits.design import Design, NetworkPlan

C_M_PER_S = 299_792_458.0  # exact (SI definition)


@dataclass(frozen=True)
class Channel:
    index: int          # 1-based channel number
    comb_line: int      # m: offset from the centre line in FSRs
    frequency_ghz: float
    wavelength_nm: float


@dataclass(frozen=True)
class Client:
    id: str             # e.g. "C03B": channel 3, second client of the pair
    channel: int
    wavelength_nm: float
    pair_member: str    # "A" | "B" ...


def comb_line_ghz(center_wavelength_nm: float, fsr_ghz: float, m):
    """Frequency (GHz) of comb line ``m`` (int or integer array) counted from the line at ``center_wavelength_nm``."""
    return C_M_PER_S / (center_wavelength_nm * 1e-9) / 1e9 + m * fsr_ghz


def line_frequency_ghz(plan: NetworkPlan, m: int) -> float:
    """Frequency of comb line ``m`` (GHz)."""
    return comb_line_ghz(plan.center_wavelength_nm, plan.fsr_ghz, m)


def channels(plan: NetworkPlan) -> list[Channel]:
    """The WDM channels, in order of increasing comb-line index."""
    out = []
    for k in range(1, plan.channels + 1):
        m = plan.first_line + (k - 1) * plan.line_step
        f = line_frequency_ghz(plan, m)
        out.append(Channel(k, m, round(f, 6), round(C_M_PER_S / (f * 1e9) * 1e9, 6)))
    return out


def clients(plan: NetworkPlan) -> list[Client]:
    """Every client chip: ``clients_per_channel`` per channel, ids C<channel><A|B|...>."""
    out = []
    for ch in channels(plan):
        for j in range(plan.clients_per_channel):
            out.append(Client(f"C{ch.index:02d}{'ABCD'[j]}", ch.index, ch.wavelength_nm, "ABCD"[j]))
    return out


def plan_json(design: Design) -> dict:
    """The plan as data (written into the manifest and netlists)."""
    p = design.network
    return {"center_wavelength_nm": p.center_wavelength_nm, "fsr_ghz": p.fsr_ghz,
            "channels": [asdict(c) for c in channels(p)], "clients": [asdict(c) for c in clients(p)],
            "source": "seed-network.md (doi 10.1038/s41586-026-10152-z): 1549.78 nm, FSR 30.03 GHz, "
                      "10 channels x 2 clients"}


def comb_line_power_w(design: Design, channel: int, bus_powers_w: dict[int, float] | None = None) -> float:
    """Power (W) of channel ``channel``'s comb line at a client chip's input facet.

    The one place the injected comb-line power comes from. ``bus_powers_w`` maps
    channel -> line power at the comb chip's bus output, as the comb model
    (``weiming.sims.comb``) computes it; without it the design value
    ``network.comb_line_power_dbm`` (an assumption) stands in. Either way the
    distribution loss ``network.distribution_loss_db`` is applied.
    """
    p = design.network
    if not 1 <= channel <= p.channels:
        raise ValueError(f"channel={channel}: must be in 1..{p.channels}")
    if bus_powers_w is not None and channel in bus_powers_w:
        bus_w = float(bus_powers_w[channel])
    else:
        bus_w = 1e-3 * 10 ** (p.comb_line_power_dbm / 10)
    return bus_w * 10 ** (-p.distribution_loss_db / 10)
