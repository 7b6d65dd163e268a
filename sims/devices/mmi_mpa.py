"""MMI splitting by guided-mode propagation analysis (MPA) in the 2D effective-index picture.

Method (L. B. Soldano, E. C. M. Pennings, J. Lightwave Technol. 13, 615
(1995), sec. II): the input field of an access guide is expanded on the
lateral modes of the multimode section, each mode is propagated with its own
propagation constant over the MMI length, and the field at the end is
projected on the output access guides' modes. Radiation modes are neglected,
so the excess loss is the power that the guided modes of the MMI do not carry
into the outputs (imaging error), not radiation at the junctions.

The lateral problem is the 1D slab of the effective-index reduction
(:func:`weiming.sims.fdtd.eim.reduce_2d`: core = slab TE index of the vertical
stack, cladding = the etched region's index). The quasi-TE mode of a ridge has
its electric field along the lateral axis, so the lateral 1D problem is the
TM one (field H, operator d/dx (1/eps) d/dx, modes orthogonal with weight
1/eps), solved by the finite differences of :mod:`weiming.sims.modes.slab`.

This is a fast model (milliseconds per point) used for width/length
sensitivities in the tape-out and the yield surrogates; 2D/3D FDTD
(:mod:`weiming.sims.devices.mmi`) is the full-wave check.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from weiming.sims.modes.slab import fd_modes


@dataclass(frozen=True)
class MpaResult:
    width_um: float
    length_um: float
    p_out: tuple[float, ...]  # power in each output guide, ordered by y (top first)
    imbalance_db: float  # 10 log10(P_top / P_bottom) for two outputs
    excess_loss_db: float
    n_modes: int
    method: str

    def to_json(self) -> dict:
        d = asdict(self)
        d["p_out"] = list(self.p_out)
        return d


def lateral_modes(n_core: float, n_clad: float, width_um: float, wavelength_um: float, *,
                  pol: str = "TM", span_um: float | None = None, dx_um: float = 0.02):
    """Guided lateral modes of a slab of ``width_um``: (x, beta [1/um], fields [n_modes, nx], inv_eps).

    Fields are normalised so that ``sum(f_m f_n inv_eps) dx = delta_mn`` (for TE
    the weight is 1). The slab module's finite-difference solver
    (:func:`weiming.sims.modes.slab.fd_modes`, cell-averaged walls) on a grid of
    ``span_um`` centred on the guide: guides of the same span share the grid.
    """
    span = span_um or width_um + 6 * wavelength_um
    x, beta, fields, weight = fd_modes([n_clad, n_core, n_clad], [width_um], wavelength_um, pol=pol,
                                       num_modes=None, cladding_um=(span - width_um) / 2, dx_um=dx_um, fields=True)
    return x, beta, fields, weight


def _overlap(f, g, inv, dx):
    return float(np.sum(f * g * inv) * dx)


def split(n_core: float, n_clad: float, width_um: float, length_um: float, wavelength_um: float, *,
          access_width_um: float, inputs_y_um: tuple[float, ...], outputs_y_um: tuple[float, ...],
          input_index: int = 0, pol: str = "TM", dx_um: float = 0.02) -> MpaResult:
    """Output powers of an MMI of ``width_um`` x ``length_um`` fed from input guide ``input_index``."""
    if width_um <= access_width_um or length_um <= 0:
        raise ValueError(f"width_um={width_um} must exceed access_width_um={access_width_um}; "
                         f"length_um={length_um} must be positive")
    x, beta, modes, inv = lateral_modes(n_core, n_clad, width_um, wavelength_um, pol=pol, dx_um=dx_um)
    span = x[-1] - x[0] + (x[1] - x[0])  # x are cell centres: the grid spans one more cell
    _, _, acc, inv_a = lateral_modes(n_core, n_clad, access_width_um, wavelength_um, pol=pol, dx_um=dx_um,
                                     span_um=span)
    f0 = acc[0]
    f0 = f0 * np.sign(f0[np.argmax(np.abs(f0))])

    def shifted(y):
        return np.interp(x - y, x, f0, left=0.0, right=0.0)

    # The access guide's field is launched in the MMI (abrupt junction): expand on the MMI modes.
    fin = shifted(inputs_y_um[input_index])
    coef = np.array([_overlap(fin, m, inv, x[1] - x[0]) for m in modes])
    fout = (coef[:, None] * modes * np.exp(1j * (beta - beta[0])[:, None] * length_um)).sum(axis=0)
    p = []
    for y in outputs_y_um:
        g = shifted(y)
        g_norm = _overlap(g, g, inv, x[1] - x[0])
        amp = np.sum(fout * g * inv) * (x[1] - x[0]) / math.sqrt(g_norm)
        p.append(float(abs(amp) ** 2))
    fin_norm = _overlap(fin, fin, inv, x[1] - x[0])
    p = [v / fin_norm for v in p]
    ys = sorted(range(len(outputs_y_um)), key=lambda i: -outputs_y_um[i])
    p_sorted = tuple(p[i] for i in ys)
    tot = sum(p_sorted)
    imb = 10 * math.log10(p_sorted[0] / p_sorted[-1]) if len(p_sorted) > 1 else 0.0
    return MpaResult(width_um=width_um, length_um=length_um, p_out=p_sorted, imbalance_db=imb,
                     excess_loss_db=-10 * math.log10(tot), n_modes=len(beta),
                     method=f"guided-mode propagation analysis, lateral {pol} slab, n_core {n_core:.4f}, "
                            f"n_clad {n_clad:.4f}")


def split_cell(pdk: str, cell: str = "mmi2x2", *, width_um: float | None = None, wavelength_um: float = 1.55,
               settings: dict | None = None) -> MpaResult:
    """MPA of a registered InP MMI cell, at its drawn length, with the MMI width changed to ``width_um``.

    Holding the drawn length while the width changes is how a lithography width
    error detunes the self-imaging.
    """
    from weiming.pdk import activate
    from weiming.sims.fdtd.eim import reduce_2d

    c = activate(pdk).get_component(cell, **(settings or {}))
    w0, length = float(c.info["width"]), float(c.info["length"])
    off = float(c.info["port_offset_um"])
    acc = float(c.settings["access_width"])
    red = reduce_2d(pdk, "DEEP", wavelength_um)
    w = w0 if width_um is None else float(width_um)
    # the access guides stay where they are drawn: a width error does not move them
    ins = (0.0,) if cell == "mmi1x2" else (-off, off)
    outs = (-off, off)
    return split(red.n_core, red.n_clad, w, length, wavelength_um, access_width_um=acc, inputs_y_um=ins,
                 outputs_y_um=outs, input_index=0)


__all__ = ["MpaResult", "lateral_modes", "split", "split_cell"]
