"""The InP client (transmitter) chip of one network channel (die 4600 x 2000 um).

Optical path (seed network: DBR laser injection-locked to a comb line, IM I-III,
phase modulators for the quantum and reference pulses, VOA)::

    left facet: SSC_in -> DBR laser (back o1 ... front o2) -> IM I -> IM II -+
                                                                            | U-turn (deep bends)
    left facet: SSC_out <- VOA <- PM_ref <- PM_q <- IM III <----------------+

- Injection locking: the comb line enters through SSC_in into the laser's back
  mirror (o1); the laser's Bragg wavelength is the channel's comb line.
- Each MZM's complementary output (o3) drops through an S-bend into a monitor
  photodiode (bias monitor); IM III's is the chip's monitor photodiode tap.
- Row A (top) runs west -> east with its pads on the top die edge, row B
  (bottom) east -> west with pads on the bottom edge: no electrical route has to
  cross the other row. DC contacts go to DC pads; the travelling-wave (GSG)
  electrodes of the modulators go as coplanar lines to GSG pads (input and
  termination side). Routes only cross passive DEEP waveguides of their own
  device's access (rule in :data:`weiming.circuits.connectivity.CROSSING_RULES`).
"""

from __future__ import annotations

import json

import gdsfactory as gf

from weiming.circuits import cells as cl
from weiming.circuits.cells import BuildError
from weiming.circuits.design import Design
from weiming.circuits.die import frame, label, named
from weiming.circuits.network import Client
from weiming.circuits.routing import layer_of, place_pads
from weiming.pdk import get_tech

PDK = "inp"
GAP_UM = 40.0          # deep straight between devices (assumption: room for the CPW feed corners)
PD_OFFSET_UM = 150.0   # lateral offset of the monitor-PD branch (clears the CPW grounds, 53 um)


@gf.cell
def mirrored(component: gf.Component) -> gf.Component:
    """``component`` mirrored about its x axis (ports copied), e.g. an MZM with o3 on the +y side."""
    c = gf.Component()
    r = c.add_ref(component)
    r.dmirror_y()
    c.add_ports(r.ports)
    return c


@gf.cell
def sbend(offset: float, length: float) -> gf.Component:
    """Cosine S-bend on the deep ridge, o1 at (0,0) west, o2 at (length, offset) east."""
    import numpy as np

    x = np.linspace(0, length, 201)
    y = offset / 2 * (1 - np.cos(np.pi * x / length))
    return gf.path.extrude(gf.Path(np.column_stack([x, y])), gf.get_cross_section("deep"))


def _sbend_length(offset: float) -> float:
    """Length (um) of a cosine S-bend whose minimum radius (2 L^2 / (pi^2 d)) is >= 1.1 x radius_min."""
    import math

    r = get_tech(PDK).xs("deep").radius_min * 1.1
    return float(math.ceil(math.pi * math.sqrt(r * abs(offset) / 2)))


def _kind(port) -> str:
    t = get_tech(PDK)
    return "deep" if layer_of(port) == t.layer("DEEP") else "shallow"


class _Row:
    """Devices joined o-port to o-port from a start port; collects e-ports for the pad fan-out."""

    def __init__(self, c: gf.Component, start, standins: list[str], allow: bool):
        self.c, self.port, self.used, self.allow = c, start, standins, allow
        self.eports: list = []   # (instance name, port)

    def _ref(self, comp: gf.Component, name: str):
        ref = self.c.add_ref(comp, name=name)
        ref.connect("o1", self.port)
        return ref

    def _match(self, want: str, name: str) -> None:
        have = _kind(self.port)
        if have == want:
            return
        tr = cl.get(PDK, "transition_deep_shallow", standins=self.allow, used=self.used)
        ref = self.c.add_ref(tr, name=f"wg_{name}_tr")
        if have == "deep":
            ref.connect("o1", self.port)
            self.port = ref.ports["o2"]
        else:
            ref.connect("o2", self.port)
            self.port = ref.ports["o1"]

    def straight(self, length: float, name: str) -> None:
        if length <= 0:
            return
        self._match("deep", name)
        s = cl.get(PDK, "straight", standins=self.allow, used=self.used, length=round(length, 3),
                   cross_section="deep")
        self.port = self._ref(s, f"wg_{name}").ports["o2"]

    def device(self, comp: gf.Component, name: str):
        self._match(_kind(comp.ports["o1"]), name)
        ref = self._ref(comp, name)
        self.eports += [(name, p) for p in ref.ports if p.port_type != "optical"]
        self.port = ref.ports["o2"]
        return ref

    def monitor(self, port, name: str, pd: gf.Component) -> None:
        """S-bend away from the main line (towards the pads) and a photodiode at ``port``."""
        save = self.port
        self.port = port
        sb = sbend(PD_OFFSET_UM, _sbend_length(PD_OFFSET_UM))
        ref = self.c.add_ref(sb, name=f"wg_{name}_sb")
        # S-bend towards the side of the port (o3 is on the pad side of the mirrored MZM)
        ref.connect("o1", port)
        self.port = ref.ports["o2"]
        self.device_end(pd, name)
        self.port = save

    def device_end(self, comp: gf.Component, name: str) -> None:
        self._match(_kind(comp.ports["o1"]), name)
        ref = self._ref(comp, name)
        self.eports += [(name, p) for p in ref.ports if p.port_type != "optical"]


def _spec(design: Design, client: Client) -> str:
    return json.dumps({"client": client.__dict__, "cfg": design.client.model_dump(mode="json"),
                       "frame": design.frame.model_dump(mode="json"), "standins": design.allow_standins},
                      sort_keys=True)


def client_chip(design: Design, client: Client, standins_used: list[str] | None = None) -> gf.Component:
    """The client chip cell of ``client`` (cached per design and client)."""
    import hashlib

    used = standins_used if standins_used is not None else []
    h = hashlib.sha256(_spec(design, client).encode()).hexdigest()[:8]
    return named(f"client_{client.id}_{h}", lambda c: _build(c, design, client, used))


def _build(c: gf.Component, design: Design, client: Client, used: list[str]) -> None:
    cl.ensure_active(PDK)
    cfg = design.client
    w, h = cfg.die_um
    allow = design.allow_standins

    def get(name: str, **kw) -> gf.Component:
        return cl.get(PDK, name, standins=allow, used=used, **kw)

    laser_kw = {"bragg_wavelength_nm": round(client.wavelength_nm, 4),
                "back_reflectivity": cfg.laser_back_reflectivity, "front_reflectivity": cfg.laser_front_reflectivity}
    if cfg.laser_n_avg is not None:
        laser_kw["n_avg"] = cfg.laser_n_avg
    ssc = get("ssc")
    laser = get("dbr_laser", **laser_kw)
    im = mirrored(get("mzm", length=cfg.im_length_um, electrode=cfg.im_electrode))
    pm = get("phase_modulator", length=cfg.pm_length_um, electrode=cfg.pm_electrode)
    voa = get("voa", length=cfg.voa_length_um)
    pd = get("photodiode")

    tr = get("transition_deep_shallow")
    # the monitor-PD branch (S-bend, transition, PD) must end before the next device's feed
    branch = _sbend_length(PD_OFFSET_UM) + tr.dbbox().width() + pd.dbbox().width()
    gap_pd = round(branch + 200.0, 3)  # + PD n-contact lead (35 um) + facing GSG feed (113 um) + space
    y_a, y_b = 0.625 * h, 0.375 * h  # two rows, 500 um apart on the 2 mm die
    # Row A: SSC_in with its facet (o2) on the left die edge.
    s_in = c.add_ref(ssc, name="ssc_in")
    s_in.drotate(180)
    x2, y2 = s_in.ports["o2"].center
    s_in.dmove((0 - x2, y_a - y2))
    row = _Row(c, s_in.ports["o1"], used, allow)
    row.straight(GAP_UM, "a0")
    row.device(laser, "laser")
    row.straight(GAP_UM, "a1")
    im1 = row.device(im, "im1")
    row.monitor(im1.ports["o3"], "pd_im1", pd)
    row.straight(gap_pd, "a2")
    im2 = row.device(im, "im2")
    row.monitor(im2.ports["o3"], "pd_im2", pd)
    x_end = row.port.center[0]
    # U-turn to row B (east side, deep bends)
    r_min = get_tech(PDK).xs("deep").radius_min
    bend = get("bend_euler", radius=r_min, angle=-90)
    # push the U-turn to the east edge: row B (east -> west) gets the full die length
    u_w = bend.dbbox().width()
    row.straight(max(GAP_UM, round(w - cfg.edge_margin_um - u_w - row.port.center[0], 3)), "a3")
    b1 = c.add_ref(bend, name="wg_u1")
    b1.connect("o1", row.port)
    dy = abs(b1.ports["o2"].center[1] - b1.ports["o1"].center[1])
    row.port = b1.ports["o2"]
    row.straight(round((y_a - y_b) - 2 * dy, 3), "u")
    b2 = c.add_ref(bend, name="wg_u2")
    b2.connect("o1", row.port)
    row.port = b2.ports["o2"]
    if b1.dbbox().right > w - cfg.edge_margin_um + 1e-3:
        raise BuildError(f"client chip row A is {x_end:.0f} um long and with its U-turn does not fit the "
                         f"{w:g} um die (client.im_length_um={cfg.im_length_um:g})")
    eports_a = list(row.eports)
    row.eports = []
    row.straight(GAP_UM, "b0")
    im3 = row.device(im, "im3")
    row.monitor(im3.ports["o3"], "pd_mon", pd)
    row.straight(gap_pd, "b1")
    row.device(pm, "pm_q")
    row.straight(440.0, "b2")  # two facing GSG feeds (2 x 60 um) and a GSG pad row (300 um)
    row.device(pm, "pm_ref")
    row.straight(2 * GAP_UM + 80.0, "b3")
    row.device(voa, "voa")
    # SSC_out: its facet (o2) exactly on the left die edge.
    s_out_len = ssc.dbbox().width()
    row._match("deep", "b4")
    x_now = row.port.center[0]
    fill = x_now - s_out_len
    if fill < 0:
        raise BuildError(f"client chip row B needs {s_out_len - x_now:.0f} um more than the {w:g} um die")
    row.straight(round(fill, 3), "b4")
    row._match(_kind(ssc.ports["o1"]), "ssc_out")
    s_out = c.add_ref(ssc, name="ssc_out")
    s_out.connect("o1", row.port)
    eports_b = list(row.eports)

    m = cfg.edge_margin_um
    pads = place_pads(c, PDK, eports_a, side=+1, edge_y=h - m, die_w=w, pitch=cfg.pad_pitch_um,
                      get=get, prefix="a", flow=+1)
    pads += place_pads(c, PDK, eports_b, side=-1, edge_y=m, die_w=w, pitch=cfg.pad_pitch_um, get=get,
                       prefix="b", flow=-1)
    c.info["pads"] = pads
    frame(c, PDK, (w, h), design.frame.dicing_lane_um)
    label(c, PDK, f"{client.id} CH{client.channel:02d} {client.wavelength_nm:.3f}nm",
          (w / 2 - 700, h / 2 - design.frame.label_size_um / 2), design.frame.label_size_um)
    c.info["chip_id"] = client.id
    c.info["channel"] = client.channel
    c.info["wavelength_nm"] = client.wavelength_nm


#: Device kinds of the manifest's ``devices`` inventory (issue 12 contract), by instance-name prefix.
DEVICE_KINDS = {"laser": "laser", "im": "im", "pm": "pm", "voa": "voa", "amzi": "amzi", "pd": "pd", "ssc": "ssc",
                "mmi": "mmi"}


def devices(chip: gf.Component) -> list[dict]:
    """The devices the built chip carries, read from its instances: ``[{name, kind}]``, kind from the
    instance-name prefix (``laser``, ``im*``, ``pm_*``, ``voa*``, ``amzi*``, ``pd_*``, ``ssc_*``, ``mmi*``)."""
    import re

    out = []
    for inst in chip.insts:
        m = re.match(r"^(laser|im|pm|voa|amzi|pd|ssc|mmi)(?=$|[_0-9])", inst.name)
        if m:
            out.append({"name": inst.name, "kind": DEVICE_KINDS[m.group(1)]})
    return sorted(out, key=lambda d: d["name"])


def client_entry(design: Design, client: Client, chip: gf.Component) -> dict:
    """The manifest keys of a client chip: ``laser`` (figures of the drawn laser) and ``devices``.
    Raises :class:`BuildError` when the laser cannot lock to its comb line."""
    from weiming.circuits.client_laser import check_laser, client_laser, manifest_laser

    fig = client_laser(design, client, chip)
    check_laser(client.id, fig)
    return {"laser": manifest_laser(fig), "devices": devices(chip)}
