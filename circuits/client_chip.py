"""The InP client (transmitter) chip of one network channel (die 4600 x 2000 um).

Optical path (seed network: DBR laser injection-locked to a comb line, IM I-III,
phase modulators, encoder interferometer, VOA); the devices after the laser and
their order are the design's ``client.transmitter`` list (default below)::

    facet: SSC_in -> DBR laser (back o1 ... front o2) -> IM I -> IM II -> PM_rand -+
                                                                                  | U-turn
    facet: SSC_out <- VOA <- PM_ref <- PM_q <- AMZI <- IM III <--------------------+

- Injection locking: the comb line enters through SSC_in into the laser's weak
  back mirror (o1); the laser's grating is designed from both grating sections
  onto the channel's comb line (:mod:`weiming.circuits.client_laser`,
  :mod:`weiming.sims.devices.injection`); a client that cannot lock is a build error.
- Facets: both SSCs meet the left die edge at ``client.ssc_angle_deg`` and sit
  exactly ``io_pitch_um x io_pitches_apart`` apart (a final S-bend jog).
- Each MZM's complementary output (o3) and the AMZI's second output drop
  through an S-bend into a monitor photodiode (``pd_<device>``).
- Row A (top) runs west -> east with its pads on the top die edge, row B
  (bottom) east -> west with pads on the bottom edge; devices fill row A until
  the next one does not fit, then the U-turn. Gaps follow the pad fan-out
  (:class:`_Plan`): a GSG pad row per electrode end, DC pads between them at
  ``client.dc_gsg_pad_space_um`` from any GSG pad, coplanar feeds clear of the
  next device. DC contacts go to DC pads, n contacts (returns) to ground pads,
  travelling-wave (GSG) electrodes as coplanar lines to GSG pads whose grounds
  are tied to the n side along each modulator. Routes only cross passive DEEP
  waveguides (rule in :data:`weiming.circuits.connectivity.CROSSING_RULES`).
- Instance names say what they are (``laser``, ``im*``, ``pm_*``, ``amzi*``,
  ``voa*``, ``pd_*``, ``ssc_*``; ``wg*`` guides, ``wire*`` routes, ``pad*``
  pads): the manifest's ``devices`` inventory and LVS read them.
"""

from __future__ import annotations

import json

import gdsfactory as gf

from weiming.circuits import cells as cl
from weiming.circuits.cells import BuildError
from weiming.circuits.design import Design
from weiming.circuits.die import frame, label, named
from weiming.circuits.network import Client
from weiming.circuits.routing import PAD_SPACE_UM, layer_of, place_pads
from weiming.pdk import get_tech

PDK = "inp"
GAP_UM = 40.0          # deep straight between devices (assumption: room for the CPW feed corners)
U_TURN_MARGIN_UM = 25.0  # the U-turn's outer edge from the die edge (a passive guide, no pads there; assumption)
PD_OFFSET_UM = 100.0   # lateral offset of the monitor-PD branch (clears the CPW grounds, 53 um, and its n contact)


@gf.cell
def mirrored(component: gf.Component) -> gf.Component:
    """``component`` mirrored about its x axis (ports copied), e.g. an MZM with o3 on the +y side."""
    c = gf.Component()
    r = c.add_ref(component)
    r.dmirror_y()
    c.add_ports(r.ports)
    if "n_ports" in component.info:
        c.info["n_ports"] = list(component.info["n_ports"])
    return c


@gf.cell
def sbend(offset: float, length: float) -> gf.Component:
    """Cosine S-bend on the deep ridge, o1 at (0,0) west, o2 at (length, offset) east.

    One polygon (vertices on the 1 nm grid) with ports placed exactly on the grid
    and facing exactly west/east, so a reference connected to it is a pure
    90-degree transformation and its vertices stay on the grid when flattened.
    """
    from weiming.components.inp import _common as cm

    c = gf.Component()
    w = get_tech(PDK).xs("deep").width
    cm.sbend(c, length, offset, w, "DEEP", (0.0, 0.0), npoints=201)
    xs = gf.get_cross_section("deep")
    lay = get_tech(PDK).layer("DEEP")
    c.add_port("o1", center=(0.0, 0.0), width=w, orientation=180, layer=lay, port_type="optical", cross_section=xs)
    c.add_port("o2", center=(cm.snap(length), cm.snap(offset)), width=w, orientation=0, layer=lay,
               port_type="optical", cross_section=xs)
    return c


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

    def device(self, comp: gf.Component, name: str, out: str = "o2"):
        self._match(_kind(comp.ports["o1"]), name)
        ref = self._ref(comp, name)
        self.eports += [(name, p) for p in ref.ports if p.port_type != "optical"]
        self.port = ref.ports[out]
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


def _gsg_offsets(comp: gf.Component, o_in: str) -> tuple[float, float] | None:
    """(first, last) x offsets from port ``o_in`` of the travelling-wave (GSG) electrode ends of
    ``comp`` (electrical ports facing along the row), or None for a device without them."""
    x0 = comp.ports[o_in].dcenter[0]
    xs = [p.dcenter[0] - x0 for p in comp.ports if p.port_type != "optical" and round(p.orientation) % 180 == 0]
    return (min(xs), max(xs)) if xs else None


def _n_dc(comp: gf.Component) -> int:
    return sum(1 for p in comp.ports if p.port_type != "optical" and round(p.orientation) % 180 != 0)


class _Plan:
    """Spacing rules of the pad fan-out along one row, in travel coordinates (um from the row start)."""

    def __init__(self, gsg_half: float, dc_pitch: float, start_feed: float, dc_space: float):
        self.gsg_half, self.dc_pitch, self.dc_space = gsg_half, dc_pitch, dc_space
        self.last_feed, self.dc_since = start_feed, 0

    def gap_for(self, s_now: float, comp: gf.Component, o_in: str, base: float, lead_in: float = 0.0) -> float:
        """Gap before ``comp`` so that the last coplanar feed (its ground strip, CPW_HALF_UM) is clear of
        anything but a deep guide (``lead_in``: a transition drawn before ``comp``), and its first GSG
        pad row clears the last one with room for the DC pads of everything in between."""
        base = max(base, self.last_feed + CPW_HALF_UM + PAD_SPACE_UM + lead_in - s_now)
        off = _gsg_offsets(comp, o_in)
        if off is None:
            return base
        need = 2 * self.gsg_half + (2 * self.dc_space + self.dc_since * self.dc_pitch if self.dc_since
                                    else PAD_SPACE_UM)
        first_feed_min = self.last_feed + need
        return max(base, first_feed_min - (off[0] - FEED_UM) - s_now)

    def placed(self, s_in: float, comp: gf.Component, o_in: str, n_dc_extra: int = 0) -> None:
        off = _gsg_offsets(comp, o_in)
        if off is None:
            self.dc_since += _n_dc(comp) + n_dc_extra
        else:
            self.last_feed = s_in + off[1] + FEED_UM
            self.dc_since = _n_dc(comp) + n_dc_extra


FEED_UM = 60.0  # GSG feed: pad row centre beyond the electrode end (routing.place_pads default)
#: Half width of the coplanar line (outer edge of a ground strip from the signal axis), um.
CPW_HALF_UM = max(abs(s.offset) + s.width / 2 for s in get_tech(PDK).xs("metal_rf").sections)


def _build(c: gf.Component, design: Design, client: Client, used: list[str]) -> None:
    cl.ensure_active(PDK)
    cfg = design.client
    w, h = cfg.die_um
    allow = design.allow_standins
    m = cfg.edge_margin_um

    def get(name: str, **kw) -> gf.Component:
        return cl.get(PDK, name, standins=allow, used=used, **kw)

    laser_kw = {"bragg_wavelength_nm": round(client.wavelength_nm, 4),
                "back_reflectivity": cfg.laser_back_reflectivity, "front_reflectivity": cfg.laser_front_reflectivity}
    if cfg.laser_n_avg is not None:
        laser_kw["n_avg"] = cfg.laser_n_avg
    ssc = get("ssc", angle_deg=cfg.ssc_angle_deg)
    # facet (o2) relative to the SSC's guide end (o1), in the cell; placed turned by 180 deg both ways
    ssc_dx = ssc.ports["o2"].dcenter[0] - ssc.ports["o1"].dcenter[0]
    ssc_dy = ssc.ports["o2"].dcenter[1] - ssc.ports["o1"].dcenter[1]
    laser = get("dbr_laser", **laser_kw)
    pd = get("photodiode")
    parts = {
        "im": (mirrored(get("mzm", length=cfg.im_length_um, electrode=cfg.im_electrode)), "o2", "o3"),
        "pm": (get("phase_modulator", length=cfg.pm_length_um, electrode=cfg.pm_electrode), "o2", None),
        "amzi": (mirrored(get("amzi", delay_ps=cfg.pulse_period_ps)), "o3", "o4"),
        "voa": (get("voa", length=cfg.voa_length_um), "o2", None),
    }
    tr = get("transition_deep_shallow")
    branch = _sbend_length(PD_OFFSET_UM) + tr.dbbox().width() + pd.dbbox().width()
    gsg_pad, dc_pad = get("pad_gsg"), get("pad_dc")
    gsg_half = max(gsg_pad.dbbox().width(), gsg_pad.dbbox().height()) / 2
    dc_half = dc_pad.dbbox().width() / 2
    sep = cfg.io_pitch_um * cfg.io_pitches_apart
    y_a, y_b = h / 2 + sep / 2, h / 2 - sep / 2
    r_min = get_tech(PDK).xs("deep").radius_min
    bend = get("bend_euler", radius=r_min, angle=-90)
    u_w = bend.dbbox().width()
    dy_bend = abs(bend.ports["o2"].dcenter[1] - bend.ports["o1"].dcenter[1])

    # Row A: SSC_in with its facet (o2) on the left die edge.
    s_in = c.add_ref(ssc, name="ssc_in")
    s_in.drotate(180)
    x2, y2 = s_in.ports["o2"].center
    s_in.dmove((0 - x2, y_a - y2))
    row = _Row(c, s_in.ports["o1"], used, allow)
    row.straight(GAP_UM, "a0")
    row.device(laser, "laser")
    flow, plan = +1, _Plan(gsg_half, cfg.pad_pitch_um, 150.0 - dc_half - gsg_half - cfg.dc_gsg_pad_space_um,
                           cfg.dc_gsg_pad_space_um)
    plan.dc_since = _n_dc(laser)
    x_turn = w - U_TURN_MARGIN_UM - u_w   # row A must end (its last port) before this x
    monitor_prev, eports_a = False, None
    for k, dev in enumerate(cfg.transmitter):
        comp, o_out, o_mon = parts[dev.kind]
        length = abs(comp.ports[o_out].dcenter[0] - comp.ports["o1"].dcenter[0])
        s_now = flow * row.port.center[0]
        # after a monitor branch: the photodiode, then (before a GSG device) its feed's ground strip
        base = GAP_UM if not monitor_prev else branch + GAP_UM + (CPW_HALF_UM + FEED_UM + PAD_SPACE_UM
                                                                   if _gsg_offsets(comp, "o1") else 0.0)
        lead_in = tr.dbbox().width() if _kind(comp.ports["o1"]) != "deep" else 0.0
        gap = plan.gap_for(s_now, comp, "o1", base, lead_in)
        tail = branch + 100.0 if o_mon else 0.0
        if flow > 0 and s_now + gap + length + tail > x_turn:
            # U-turn to row B at the east side (deep bends), then continue west
            row.straight(round(x_turn - row.port.center[0], 3), "a_end")
            b1 = c.add_ref(bend, name="wg_u1")
            b1.connect("o1", row.port)
            row.port = b1.ports["o2"]
            row.straight(round(abs(row.port.center[1] - y_b) - dy_bend, 3), "u")
            b2 = c.add_ref(bend, name="wg_u2")
            b2.connect("o1", row.port)
            row.port = b2.ports["o2"]
            eports_a, row.eports = list(row.eports), []
            flow, plan = -1, _Plan(gsg_half, cfg.pad_pitch_um, -1e9, cfg.dc_gsg_pad_space_um)
            s_now = flow * row.port.center[0]
            gap = plan.gap_for(s_now, comp, "o1", GAP_UM, lead_in)
        row.straight(round(gap, 3), f"{'ab'[flow < 0]}{k}")
        s_in_dev = flow * row.port.center[0]
        ref = row.device(comp, dev.name, out=o_out)
        plan.placed(s_in_dev, comp, "o1", n_dc_extra=_n_dc(pd) if o_mon else 0)
        if o_mon:
            row.monitor(ref.ports[o_mon], f"pd_{dev.name}", pd)
        monitor_prev = bool(o_mon)
    if eports_a is None:
        raise BuildError("client chip: the transmitter fits row A alone; the layout expects a U-turn to row B")
    # SSC_out: a jog puts its facet (o2) exactly io_pitch x n below SSC_in's, on the left die edge.
    row._match("deep", "b_end")
    dy = y_b + ssc_dy - row.port.center[1]
    # travelling west the S-bend cell is turned by 180 deg: its +y offset moves the guide by -y
    jog = sbend(round(-dy, 3), _sbend_length(dy)) if abs(dy) > 5e-4 else None
    s_out_len = ssc_dx + (jog.dbbox().width() if jog else 0.0)
    fill = row.port.center[0] - s_out_len - (GAP_UM if monitor_prev else 0.0)
    if fill < 0:
        raise BuildError(f"client chip row B needs {-fill:.0f} um more than the {w:g} um die "
                         f"(client.im_length_um={cfg.im_length_um:g}, client.pm_length_um={cfg.pm_length_um:g}, "
                         f"client.transmitter: {len(cfg.transmitter)} devices)")
    row.straight(round(fill, 3), "b_end")
    if jog is not None:
        jr = c.add_ref(jog, name="wg_jog")
        jr.connect("o1", row.port)
        row.port = jr.ports["o2"]
    s_out = c.add_ref(ssc, name="ssc_out")
    s_out.connect("o1", row.port)
    eports_b = list(row.eports)

    pads = place_pads(c, PDK, eports_a, side=+1, edge_y=h - m, die_w=w, pitch=cfg.pad_pitch_um,
                      get=get, prefix="a", flow=+1, dc_gsg_space_um=cfg.dc_gsg_pad_space_um)
    pads += place_pads(c, PDK, eports_b, side=-1, edge_y=m, die_w=w, pitch=cfg.pad_pitch_um, get=get,
                       prefix="b", flow=-1, dc_gsg_space_um=cfg.dc_gsg_pad_space_um)
    c.info["pads"] = pads
    c.info["facet_ports_um"] = [[round(v, 3) for v in s_in.ports["o2"].center],
                                [round(v, 3) for v in s_out.ports["o2"].center]]
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
