"""S-parameters of a PDK cell by meep FDTD: geometry from the GDS polygons, ports from the cell's ports.

- Geometry: every polygon on the PDK's waveguide layers becomes a meep
  ``Prism``; each optical port's waveguide is extended straight through the
  PML. 2D (default): indices from the effective-index reduction
  (:func:`weiming.sims.fdtd.eim.reduce_2d`) at the band centre, quasi-TE = Hz
  polarisation. 3D (``three_d=True``, Si3N4 PDKs): prisms of the core thickness
  in the oxide cladding with material indices at the band centre, quasi-TE
  (``EVEN_Z``: Ey-dominant) ports.
- Excitation: one run per input port with an eigenmode source (fundamental
  mode, launched inwards) just outside the port; eigenmode monitors on every
  port. ``S[j, i] = a_out(j) / a_in(i)`` with meep's power-normalised mode
  amplitudes, so ``|S|^2`` are power fractions.
- Stopping: DFT fields decayed by ``decay_by`` (1e-6 default).
- Symmetry: when the cell is mirror-symmetric about y = 0 and the source port
  lies on that axis, meep's ``Mirror(Y)`` halves the cell (phase -1 for the
  quasi-TE mode's even Ey in meep's convention, verified in the tests).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from weiming.sims.fdtd.core import FdtdInputError, check_positive, meep_module, stdout_to_stderr

C_M_PER_S = 299_792_458.0


def parse_wavelengths(spec: str) -> np.ndarray:
    """``"1.5:1.6:21"`` -> 21 wavelengths (um) from 1.5 to 1.6."""
    try:
        start, stop, n = spec.split(":")
        a, b, k = float(start), float(stop), int(n)
    except ValueError:
        raise FdtdInputError(f"--wavelengths {spec!r}: expected START:STOP:N, e.g. 1.50:1.60:21") from None
    if not (0 < a < b) or k < 1:
        raise FdtdInputError(f"--wavelengths {spec!r}: need 0 < START < STOP and N >= 1")
    return np.linspace(a, b, k)


@dataclass
class SParams:
    """S-matrix ``s[f, j, i]`` (output port j, input port i) over ``wavelengths_um``."""

    cell: str
    pdk: str
    settings: dict
    ports: list[str]
    wavelengths_um: np.ndarray
    s: np.ndarray
    method: str
    resolution: float
    info: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"cell": self.cell, "pdk": self.pdk, "settings": self.settings, "ports": self.ports,
                "wavelengths_um": self.wavelengths_um.tolist(), "method": self.method,
                "resolution": self.resolution, "info": self.info,
                "s": {f"{a}@{b}": {"re": self.s[:, j, i].real.tolist(), "im": self.s[:, j, i].imag.tolist()}
                      for i, b in enumerate(self.ports) for j, a in enumerate(self.ports)}}

    @classmethod
    def from_json(cls, js: dict) -> SParams:
        """The inverse of :meth:`to_json`."""
        ports = js["ports"]
        wl = np.asarray(js["wavelengths_um"], dtype=float)
        s = np.full((len(wl), len(ports), len(ports)), np.nan + 0j)
        for i, b in enumerate(ports):
            for j, a in enumerate(ports):
                v = js["s"][f"{a}@{b}"]
                s[:, j, i] = np.asarray(v["re"], dtype=float) + 1j * np.asarray(v["im"], dtype=float)
        return cls(cell=js["cell"], pdk=js["pdk"], settings=js["settings"], ports=ports, wavelengths_um=wl, s=s,
                   method=js["method"], resolution=js["resolution"], info=dict(js["info"]))

    def power(self, out_port: str, in_port: str) -> np.ndarray:
        return np.abs(self.s[:, self.ports.index(out_port), self.ports.index(in_port)]) ** 2


def _optical_layers(tech) -> list[str]:
    return sorted({x.layer for x in tech.cross_sections.values() if x.port_type == "optical"})


def _symmetric_about_x_axis(polys: list[np.ndarray]) -> bool:
    import klayout.db as kdb

    def region(ps):
        r = kdb.Region()
        for p in ps:
            r.insert(kdb.Polygon([kdb.Point(round(x * 1000), round(y * 1000)) for x, y in p]))
        return r.merged()

    r = region(polys)
    m = region([np.c_[p[:, 0], -p[:, 1]] for p in polys])
    return (r ^ m).is_empty()


def sparams(cell: str, pdk: str, *, settings: dict | None = None, resolution: float = 20,
            wavelengths_um=None, three_d: bool = False, decay_by: float = 1e-6, margin_um: float | None = None,
            dpml_um: float = 1.0, port_margin_um: float = 1.5, input_ports: list[str] | None = None,
            use_symmetry: bool = True, progress: bool = False) -> SParams:
    """S-parameters of ``cell`` (any registered cell of ``pdk`` with ``settings``) by FDTD."""
    from weiming.pdk import activate, get_tech
    from weiming.sims.fdtd.eim import PML_FIELD_FRACTION, EimError, guide_margin_um, reduce_2d

    check_positive(resolution=resolution, dpml_um=dpml_um)
    if margin_um is not None:
        check_positive(margin_um=margin_um)
    wl = parse_wavelengths("1.5:1.6:21") if wavelengths_um is None else np.atleast_1d(np.asarray(wavelengths_um))
    tech = get_tech(pdk)
    settings = dict(settings or {})
    pd = activate(pdk)
    comp = pd.get_component(cell, **settings)
    ports = [p for p in comp.ports if p.port_type == "optical"]
    if not ports:
        raise FdtdInputError(f"cell {cell!r} has no optical ports to excite")
    wl0 = float(np.mean(wl))
    layers = _optical_layers(tech)
    by_layer = comp.get_polygons_points(by="tuple")
    polys: list[np.ndarray] = []
    for lay in layers:
        polys += [np.asarray(p, dtype=float) for p in by_layer.get(tech.layer(lay), [])]
    if not polys:
        raise FdtdInputError(f"cell {cell!r} has no shapes on the optical layers {layers} of PDK {pdk}")
    if three_d:
        if tech.extra.get("family") != "sin":
            raise FdtdInputError("3D FDTD is implemented for the Si3N4 PDKs only; use the 2D reduction for inp")
        from weiming.pdk.materials import get_material

        core = tech.layer_stack["core"]
        n_core, n_bg = float(get_material(core.material).n(wl0)), float(get_material("sio2").n(wl0))
        method = f"3D: {core.thickness} um {core.material} core (n={n_core:.4f}) in SiO2 (n={n_bg:.4f}) at {wl0} um"
    else:
        red = reduce_2d(pdk, layers[0] if "WG" not in layers else "WG", wl0)
        n_core, n_bg, method = red.n_core, red.n_clad, "2D " + red.method

    # Margins (cladding between the structure and the PML) from the mode's field decay length:
    # the narrowest port's mode decays slowest; in 3D its full-vector index is near the
    # effective-index one, and the field decays with that index into the oxide in every direction.
    red2 = red if not three_d else reduce_2d(pdk, layers[0] if "WG" not in layers else "WG", wl0)
    try:
        margin_um, decay_um = guide_margin_um(red2.n_core, red2.n_clad, min(p.width for p in ports), wl0,
                                              margin_um, "margin_um")
    except EimError as e:
        raise FdtdInputError(str(e)) from None
    margin_z = math.log(1 / PML_FIELD_FRACTION) * decay_um  # 3D: oxide above and below the core
    method += (f"; margins {margin_um:.2f} um (xy){f', {margin_z:.2f} um (z)' if three_d else ''} to the PML "
               f"(field decay length {decay_um:.2f} um)")

    mp = meep_module()
    bb = comp.dbbox()
    x0, x1, y0, y1 = bb.left, bb.right, bb.bottom, bb.top
    pad = margin_um + dpml_um
    cx, cy = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
    sx = math.ceil((x1 - x0 + 2 * pad) * resolution) / resolution
    sy = math.ceil((y1 - y0 + 2 * pad) * resolution) / resolution
    tz = tech.layer_stack["core"].thickness if three_d else 0.0
    sz = (tz + 2 * (margin_z + dpml_um)) if three_d else 0.0
    core_m, bg_m = mp.Medium(index=n_core), mp.Medium(index=n_bg)
    height = tz if three_d else mp.inf
    geometry = [mp.Prism([mp.Vector3(x - cx, y - cy, -tz / 2 if three_d else 0) for x, y in p], height,
                         material=core_m) for p in polys]
    info_ports = []
    for p in ports:  # extend each port's waveguide straight through the PML
        ox, oy = math.cos(math.radians(p.orientation)), math.sin(math.radians(p.orientation))
        px, py = p.center[0] - cx, p.center[1] - cy
        ext = pad + 1.0
        size = mp.Vector3(ext if abs(ox) > 0.5 else p.width, p.width if abs(ox) > 0.5 else ext, height)
        geometry.append(mp.Block(size=size, center=mp.Vector3(px + ox * ext / 2, py + oy * ext / 2), material=core_m))
        info_ports.append(dict(name=p.name, x=px, y=py, ox=ox, oy=oy, width=p.width))
    for q in info_ports:  # source/monitor span: the port plus margins, but never reaching a neighbouring port
        others = [math.hypot(o["x"] - q["x"], o["y"] - q["y"]) for o in info_ports
                  if o is not q and abs(o["ox"] * q["ox"] + o["oy"] * q["oy"]) > 0.99]
        half = q["width"] / 2 + port_margin_um
        if others:
            half = min(half, 0.5 * min(others))
        q["span"] = 2 * half
    freqs = (1 / wl).tolist()
    fcen = 0.5 * (max(freqs) + min(freqs))
    df = max(1.5 * (max(freqs) - min(freqs)), 0.1 * fcen)
    sym_ok = use_symmetry and _symmetric_about_x_axis([np.c_[p[:, 0] - cx, p[:, 1] - cy] for p in polys])
    # quasi-TE (in-plane E) in both cases: meep's EVEN_Z is Hz/Ex/Ey in 2D and the Ey-dominant TE0 of a
    # z-symmetric 3D guide (checked with meep 1.25: EVEN_Y + ODD_Z, used here before, is the
    # Ez-dominant quasi-TM mode in 3D; ODD_Z in 2D is Ez)
    parity = mp.EVEN_Z
    in_names = input_ports or [p["name"] for p in info_ports]
    names = [p["name"] for p in info_ports]
    for n in in_names:
        if n not in names:
            raise FdtdInputError(f"input port {n!r} is not an optical port of {cell!r}: {names}")
    s = np.full((len(freqs), len(names), len(names)), np.nan + 0j)
    used_symmetry = []
    for name in in_names:
        src_p = info_ports[names.index(name)]
        axis = mp.X if abs(src_p["ox"]) > 0.5 else mp.Y
        inward = mp.Vector3(-src_p["ox"], -src_p["oy"])
        tw = src_p["span"]
        shift = 0.5 * margin_um
        center = mp.Vector3(src_p["x"] + src_p["ox"] * shift, src_p["y"] + src_p["oy"] * shift)
        size = mp.Vector3(0, tw, sz) if axis == mp.X else mp.Vector3(tw, 0, sz)
        symmetric_src = sym_ok and axis == mp.X and abs(src_p["y"]) < 1e-9 and not three_d
        src = [mp.EigenModeSource(mp.GaussianSource(fcen, fwidth=df), center=center, size=size,
                                  direction=mp.NO_DIRECTION, eig_kpoint=inward, eig_band=1, eig_parity=parity,
                                  eig_match_freq=True)]
        sym = [mp.Mirror(mp.Y, phase=-1)] if symmetric_src else []
        used_symmetry.append(bool(sym))
        sim = mp.Simulation(cell_size=mp.Vector3(sx, sy, sz), geometry=geometry, sources=src,
                            resolution=resolution, default_material=bg_m, boundary_layers=[mp.PML(dpml_um)],
                            symmetries=sym)
        mons = []
        for q in info_ports:
            qa = mp.X if abs(q["ox"]) > 0.5 else mp.Y
            qsize = mp.Vector3(0, q["span"], sz) if qa == mp.X else mp.Vector3(q["span"], 0, sz)
            mons.append((q, qa, sim.add_mode_monitor(freqs, mp.ModeRegion(center=mp.Vector3(q["x"], q["y"]),
                                                                           size=qsize))))
        with stdout_to_stderr():
            # a minimum run of twice the light transit across the cell: the decay test is relative to the
            # largest DFT field (the input port), so it would otherwise stop before light reaches far ports
            transit = 2 * (sx + sy) * n_core
            sim.run(until_after_sources=mp.stop_when_dft_decayed(tol=decay_by, minimum_run_time=transit))
            coeff = {}
            for q, qa, mon in mons:
                a = sim.get_eigenmode_coefficients(mon, [1], eig_parity=parity, direction=qa).alpha[0]
                # alpha[:, 0] travels along +axis; a port's outgoing wave points along its orientation
                plus_out = (q["ox"] if qa == mp.X else q["oy"]) > 0
                coeff[q["name"]] = (a[:, 1] if plus_out else a[:, 0], a[:, 0] if plus_out else a[:, 1])  # (in, out)
            sim.reset_meep()
        a_in = coeff[name][0]
        i = names.index(name)
        for j, q in enumerate(names):
            s[:, j, i] = coeff[q][1] / a_in
    info = {"n_core": n_core, "n_clad": n_bg, "ports": info_ports, "mirror_symmetry": used_symmetry,
            "decay_by": decay_by}
    return SParams(cell=cell, pdk=pdk, settings=settings, ports=names, wavelengths_um=wl, s=s, method=method,
                   resolution=resolution, info=info)


def write_outputs(res: SParams, out_dir: Path) -> list[Path]:
    """Write ``<cell>.sNp`` (Touchstone, scikit-rf), ``sparams.json`` and ``sparams.png`` atomically."""
    import skrf

    from weiming.sims.cache import atomic_write_bytes, atomic_write_text

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    order = np.argsort(1 / res.wavelengths_um)  # Touchstone wants increasing frequency
    f_hz = C_M_PER_S / (res.wavelengths_um[order] * 1e-6)
    s = np.nan_to_num(res.s[order])
    net = skrf.Network(frequency=skrf.Frequency.from_f(f_hz, unit="hz"), s=s, z0=50, name=res.cell)
    n = len(res.ports)
    import tempfile

    touch = out_dir / f"{res.cell}.s{n}p"
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        net.write_touchstone(filename=res.cell, dir=tmp, skrf_comment=False)
        atomic_write_bytes(touch, (Path(tmp) / touch.name).read_bytes())
    js = out_dir / "sparams.json"
    atomic_write_text(js, json.dumps(res.to_json(), indent=1))
    png = out_dir / "sparams.png"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for i, b in enumerate(res.ports):
        if np.all(np.isnan(res.s[:, 0, i])):
            continue
        for j, a in enumerate(res.ports):
            p = np.abs(res.s[:, j, i]) ** 2
            ax.plot(res.wavelengths_um, 10 * np.log10(np.maximum(p, 1e-12)), label=f"S({a},{b})")
    ax.set_xlabel("wavelength (um)")
    ax.set_ylabel("|S|^2 (dB)")
    ax.set_title(f"{res.pdk} {res.cell} ({res.method.split(':')[0]})")
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, metadata={"Software": None})
    plt.close(fig)
    atomic_write_bytes(png, buf.getvalue())
    return [touch, js, png]


__all__ = ["SParams", "parse_wavelengths", "sparams", "write_outputs"]
