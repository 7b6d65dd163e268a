"""InP test dies on the client reticle: a stand-alone DBR laser and modulators of several lengths.

Each die is one row between two SSCs (facets west and east) with its pads on
the top edge, built with the client chip's row machinery:

- ``T_LASER``: SSC - DBR laser - SSC (LIV and spectrum from both mirrors);
- ``T_MZM_<L>``: SSC - MZM (length L) - SSC, complementary output into a
  monitor photodiode (extinction, V_pi x L);
- ``T_PM_<L>``: SSC - phase modulator (length L) - SSC (V_pi x L in a
  Mach-Zehnder set-up off chip).

The SiN test dies are in :func:`weiming.circuits.server_chip.sin_tests`.
"""

from __future__ import annotations

import gdsfactory as gf

from weiming.circuits import cells as cl
from weiming.circuits.client_chip import PD_OFFSET_UM, PDK, _Row, _sbend_length, mirrored
from weiming.circuits.design import Design
from weiming.circuits.die import frame, label, named
from weiming.circuits.routing import place_pads
from weiming.circuits.server_chip import _h

DIE_H_UM = 1000.0      # assumption: room for one row, its pad row and the label
ROW_Y_UM = 400.0


def _die(design: Design, did: str, text: str, fill, used: list[str]) -> gf.Component:
    spec = {"id": did, "c": design.client.model_dump(mode="json"), "f": design.frame.model_dump(mode="json"),
            "st": design.allow_standins}

    def build(c: gf.Component) -> None:
        cl.ensure_active(PDK)

        def get(n, **kw):
            return cl.get(PDK, n, standins=design.allow_standins, used=used, **kw)

        ssc = get("ssc")
        s_in = c.add_ref(ssc, name="ssc_in")
        s_in.drotate(180)
        x2, y2 = s_in.ports["o2"].center
        s_in.dmove((0 - x2, ROW_Y_UM - y2))
        row = _Row(c, s_in.ports["o1"], used, design.allow_standins)
        row.straight(200.0, "in")  # room for a west-facing GSG feed
        fill(row, get)
        row.straight(200.0, "out")
        row._match("deep", "ssc_out")
        s_out = c.add_ref(ssc, name="ssc_out")
        s_out.connect("o1", row.port)
        w = round(s_out.ports["o2"].center[0], 3)  # the east facet is the die edge
        m = design.client.edge_margin_um
        c.info["pads"] = place_pads(c, PDK, row.eports, side=+1, edge_y=DIE_H_UM - m, die_w=w,
                                    pitch=design.client.pad_pitch_um, get=get, prefix="a", flow=+1)
        frame(c, PDK, (w, DIE_H_UM), design.frame.dicing_lane_um)
        label(c, PDK, text, (100.0, 100.0), design.frame.label_size_um)
        c.info["size_um"] = [w, DIE_H_UM]

    return named(f"test_{did}_{_h(spec)}", build)


def inp_tests(design: Design, used: list[str]) -> list[tuple[str, str, gf.Component]]:
    """(id, description, die) of the InP test dies."""
    cfg, t = design.client, design.inp_tests
    out = []
    if t.laser:
        def laser(row, get):
            row.device(get("dbr_laser"), "laser")
        out.append(("T_LASER", "DBR laser, both facets", _die(design, "T_LASER", "T_LASER DBR", laser, used)))
    for L in t.modulator_lengths_um:
        def mzm(row, get, L=L):
            ref = row.device(mirrored(get("mzm", length=L, electrode=cfg.im_electrode)), "im")
            row.monitor(ref.ports["o3"], "pd_im", get("photodiode"))
            row.straight(_sbend_length(PD_OFFSET_UM) + 200.0, "pd")

        def pm(row, get, L=L):
            row.device(get("phase_modulator", length=L, electrode=cfg.pm_electrode), "pm")

        out.append((f"T_MZM_{L:.0f}", f"MZM {L:.0f} um", _die(design, f"T_MZM_{L:.0f}", f"T_MZM L{L:.0f}", mzm, used)))
        out.append((f"T_PM_{L:.0f}", f"PM {L:.0f} um", _die(design, f"T_PM_{L:.0f}", f"T_PM L{L:.0f}", pm, used)))
    return out

