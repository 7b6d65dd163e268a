"""The steps of one cold build (called by :func:`weiming.circuits.build.build` on a cache miss).

Everything is written below a staging directory ``root``; the caller moves the
files into the output directory. Progress is shown with rich (stderr).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import gdsfactory as gf

from weiming.circuits.design import Design, design_hash


@dataclass
class Die:
    id: str
    kind: str               # "client" | "server" | "test"
    pdk: str
    cell: gf.Component
    size_um: tuple[float, float]
    channel: int | None = None
    wavelength_nm: float | None = None
    reticle: str = ""
    description: str = ""
    extra: dict = field(default_factory=dict)   # kind-specific manifest keys (client: laser, devices)

    def entry(self) -> dict:
        """The manifest's chip entry (exact keys of the contract)."""
        return {"id": self.id, "kind": self.kind, "pdk": self.pdk, "channel": self.channel,
                "wavelength_nm": self.wavelength_nm, "size_um": [float(self.size_um[0]), float(self.size_um[1])],
                "reticle": self.reticle, **self.extra}


def canonical_layout(cell: gf.Component):
    """A copy of ``cell``'s tree in a fresh layout with cells, layers and instances in sorted order.

    KLayout writes cells in creation order, which depends on what else was
    built earlier in the process; copying into a canonical order makes the GDS
    bytes depend on the geometry and names only.
    """
    import klayout.db as kdb

    src = cell.kcl.layout
    top = src.cell(cell.name)
    idxs = [top.cell_index(), *top.called_cells()]
    names = sorted(src.cell(i).name for i in idxs)
    dst = kdb.Layout()
    dst.dbu = src.dbu
    made = {n: dst.create_cell(n) for n in names}
    used = [li for li in src.layer_indexes() if not all(src.cell(i).shapes(li).is_empty() for i in idxs)]
    used.sort(key=lambda li: (src.get_info(li).layer, src.get_info(li).datatype))
    lmap = [(li, dst.layer(src.get_info(li))) for li in used]
    for n in names:
        sc, dc = src.cell(n), made[n]
        for sli, dli in lmap:
            if not sc.shapes(sli).is_empty():
                dc.shapes(dli).insert(sc.shapes(sli))
        insts = []
        for inst in sc.each_inst():
            ca = inst.cell_inst.dup()
            target = src.cell(ca.cell_index).name
            ca.cell_index = made[target].cell_index()
            insts.append((target, str(ca), ca))
        for _, _, ca in sorted(insts, key=lambda t: (t[0], t[1])):
            dc.insert(ca)
    return dst, made[cell.name]




def write_gds(cell: gf.Component, path: Path) -> None:
    """Deterministic GDS: canonical cell order, no timestamps, no context info or metadata."""
    import klayout.db as kdb

    from weiming.components.inp._common import MAX_POLYGON_POINTS  # the one vertex limit of the package

    path.parent.mkdir(parents=True, exist_ok=True)
    ly, top = canonical_layout(cell)
    opts = kdb.SaveLayoutOptions()
    opts.format = "GDS2"
    opts.write_context_info = False
    opts.gds2_write_timestamps = False
    opts.gds2_write_cell_properties = False
    opts.gds2_write_file_properties = False
    opts.gds2_libname = "WEIMING"
    # at most 4000 vertices per polygon (split on write): an XY record stays under 32 KiB, which readers
    # that take the GDSII record length as signed need (KLayout warns; the AMZI's delay arm has more)
    opts.gds2_max_vertex_count = MAX_POLYGON_POINTS
    opts.select_cell(top.cell_index())
    ly.write(str(path), opts)


class _Quiet:
    def add_task(self, *a, **k):
        return 0

    def update(self, *a, **k):
        pass

    def advance(self, *a, **k):
        pass


class BuildRun:
    def __init__(self, design: Design, key: str, root: Path, progress: bool):
        self.d, self.key, self.root, self.show = design, key, root, progress
        self.used: list[str] = []
        self.timing: dict[str, float] = {}
        self.files: dict[str, str] = {}

    # ------------------------------------------------------------------ helpers
    def _file(self, rel: str) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def _record(self, rel: str) -> str:
        self.files[rel] = hashlib.sha256((self.root / rel).read_bytes()).hexdigest()
        return self.files[rel]

    @contextlib.contextmanager
    def _timed(self, name: str):
        t0 = time.perf_counter()
        yield
        self.timing[name] = round(time.perf_counter() - t0, 3)

    # ------------------------------------------------------------------ steps
    def ring(self) -> dict:
        """Radius of the comb ring for the target FSR (group index cached on disk)."""
        from weiming.circuits import comb

        s, n = self.d.server, self.d.network
        wl = n.center_wavelength_nm / 1000
        # the one ring rule (components.sin._optics) keeps the solver's ng in its own disk cache,
        # keyed by the code that computes it
        ng, src = comb.group_index(s.pdk, s.ring.width_um, wl, s.ring.ng_source)
        r = comb.radius_for_fsr(n.fsr_ghz, ng)
        return {"radius_um": r, "ng": round(float(ng), 6), "ng_source": src, "fsr_ghz": n.fsr_ghz,
                "center_wavelength_nm": n.center_wavelength_nm, "pdk": s.pdk,
                "formula": "R = c / (2 pi ng FSR)"}

    def dies(self, ring: dict, prog, task) -> tuple[list[Die], list[Die]]:
        from weiming.circuits.client_chip import client_chip, client_entry
        from weiming.circuits.network import clients
        from weiming.circuits.server_chip import server_chip, sin_tests
        from weiming.circuits.test_structures import inp_tests

        d = self.d
        sin: list[Die] = []
        for i in range(1, d.server.count + 1):
            sin.append(Die(f"S{i:02d}", "server", d.server.pdk, server_chip(d, ring["radius_um"], i, self.used),
                           tuple(d.server.die_um), description="comb chip"))
            prog.advance(task)
        for did, text, cell in sin_tests(d, ring["radius_um"], self.used):
            sin.append(Die(did, "test", d.server.pdk, cell, tuple(cell.info["size_um"]), description=text))
            prog.advance(task)
        inp: list[Die] = []
        for cl in clients(d.network):
            chip = client_chip(d, cl, self.used)
            inp.append(Die(cl.id, "client", "inp", chip, tuple(d.client.die_um), channel=cl.channel,
                           wavelength_nm=cl.wavelength_nm, description="client transmitter",
                           extra=client_entry(d, cl, chip)))
            prog.advance(task)
        for did, text, cell in inp_tests(d, self.used):
            inp.append(Die(did, "test", "inp", cell, tuple(cell.info["size_um"]), description=text))
            prog.advance(task)
        return sin, inp

    def run(self) -> dict:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from weiming.circuits.chip_lvs import lvs_chips, write_schematics
        from weiming.circuits.connectivity import CROSSING_RULE_TEXT, check_chip
        from weiming.circuits.netlist import netlist_yaml
        from weiming.circuits.network import clients, plan_json
        from weiming.circuits.reticle import MARK_RESERVE_UM, pack, reticle
        from weiming.circuits.wafer import render_wafer, wafer_map
        from weiming.components.render import render_png
        from weiming.pdk.drc import run_drc

        d = self.d
        from weiming.circuits.test_structures import inp_test_ids

        n_dies = d.server.count + len(d.sin_tests.gap_sweep_um) + len(d.sin_tests.dispersion_widths_um) \
            + len(d.sin_tests.cutback_lengths_um) + len(clients(d.network)) + len(inp_test_ids(d))
        ctx = Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                       TimeElapsedColumn(), console=Console(stderr=True), transient=False) if self.show else None
        with ctx if ctx is not None else contextlib.nullcontext():
            prog = ctx if ctx is not None else _Quiet()
            t_ring = prog.add_task("ring radius", total=1)
            with self._timed("ring"):
                ring = self.ring()
            prog.advance(t_ring)
            # the intended netlists, from the design before any layout is drawn (LVS reads them)
            schematics = write_schematics(d, self.root)
            for rel in schematics.values():
                self._record(rel)
            t_dies = prog.add_task("chips and test dies", total=n_dies)
            with self._timed("cells"):
                sin, inp = self.dies(ring, prog, t_dies)
            all_dies = sin + inp
            t_conn = prog.add_task("connectivity", total=len(all_dies))
            conn: dict[str, dict] = {}
            with self._timed("connectivity"):
                for die in all_dies:
                    conn[die.id] = check_chip(die.cell, die.pdk, die.size_um)
                    prog.advance(t_conn)
            # reticles
            reticles = []
            lane = d.frame.dicing_lane_um
            with self._timed("reticles"):
                for cfg, pdk, dies in ((d.reticles.sin, d.server.pdk, sin), (d.reticles.inp, "inp", inp)):
                    pl = pack([(x.id, *x.size_um) for x in dies], tuple(cfg.field_um), lane, MARK_RESERVE_UM)
                    for x in dies:
                        x.reticle = cfg.name
                    # content-derived cell name: same dies and placements -> same name
                    h = hashlib.sha256(json.dumps([cfg.model_dump(mode="json"), [x.cell.name for x in dies],
                                                   [p.__dict__ for p in pl]], sort_keys=True).encode()).hexdigest()
                    cell = reticle(f"{cfg.name}_{h[:8]}", pdk, tuple(cfg.field_um),
                                   {x.id: x.cell for x in dies}, pl, marks=True)
                    reticles.append((cfg, pdk, dies, pl, cell))
            # files
            t_files = prog.add_task("GDS, netlists, renders", total=len(all_dies) + 2 * len(reticles))
            with self._timed("write"):
                for die in all_dies:
                    write_gds(die.cell, self._file(f"chips/{die.id}.gds"))
                    self._record(f"chips/{die.id}.gds")
                    extra = {"ring": ring} if die.kind == "server" else {}
                    self._file(f"netlists/{die.id}.yaml").write_text(
                        netlist_yaml(die, conn[die.id], extra), encoding="utf-8")
                    self._record(f"netlists/{die.id}.yaml")
                    prog.advance(t_files)
                ret_entries = []
                for cfg, pdk, dies, pl, cell in reticles:
                    rel = f"reticles/{cfg.name}.gds"
                    write_gds(cell, self._file(rel))
                    ret_entries.append({"name": cfg.name, "pdk": pdk, "gds": rel, "sha256": self._record(rel)})
                    prog.advance(t_files)
            with self._timed("render"):
                # one render per kind of chip (the others differ only in label and laser grating)
                firsts = [x for x in sin if x.kind == "server"][:1] + [x for x in inp if x.kind == "client"][:1]
                for cfg, pdk, dies, pl, cell in reticles:
                    rel = f"renders/{cfg.name}.png"
                    render_png(cell, self._file(rel), pdk, title=f"{cfg.name} ({pdk})", dpi=120)
                    self._record(rel)
                    prog.advance(t_files)
                for die in firsts:
                    rel = f"renders/{die.id}.png"
                    render_png(die.cell, self._file(rel), die.pdk, title=f"{die.id} ({die.kind}, {die.pdk})", dpi=120)
                    self._record(rel)
            wafers = {}
            with self._timed("wafers"):
                for tag, cfg, dies in (("sin", d.reticles.sin, sin), ("inp", d.reticles.inp, inp)):
                    wcfg = getattr(d.wafers, tag)
                    n_chips = sum(x.kind != "test" for x in dies)
                    wm = wafer_map(wcfg, tuple(cfg.field_um), cfg.name, n_chips)
                    rel = f"wafers/{tag}_{cfg.name}.png"
                    render_wafer(wm, self._file(rel), f"{tag.upper()} {wcfg.diameter_mm:g} mm wafer")
                    self._record(rel)
                    wm["png"] = rel
                    wafers[tag] = wm
            # DRC of every reticle, on the written GDS
            t_drc = prog.add_task("DRC", total=len(ret_entries))
            for entry in ret_entries:
                rep = f"drc/{entry['name']}.lyrdb"
                with self._timed(f"drc_{entry['name']}"):
                    res = run_drc(self.root / entry["gds"], entry["pdk"], report=self._file(rep))
                entry["drc"] = res.to_json()
                if (self.root / rep).is_file():  # KLayout marker database, for the report viewer
                    self._record(rep)
                prog.advance(t_drc)
            with self._timed("lvs"):
                lvs = lvs_chips(d, self.root, schematics)
        conn_errors = {k: v["errors"] for k, v in conn.items() if v["errors"]}
        lvs_ok = all(v["match"] for v in lvs.values())
        drc_clean = all(e["drc"]["clean"] for e in ret_entries)
        manifest = {
            "design": d.name,
            "design_hash": design_hash(d),
            "build_key": self.key,
            "reticles": ret_entries,
            "chips": [dict(x.entry(), **({"lvs": lvs[x.id]} if x.id in lvs else {})) for x in all_dies],
            "checks": {
                "passed": drc_clean and not conn_errors and lvs_ok,
                "lvs": {"passed": lvs_ok, "chips": len(lvs),
                        "mismatched": sorted(k for k, v in lvs.items() if not v["match"])},
                "drc_clean": drc_clean,
                "connectivity": {"passed": not conn_errors, "errors": conn_errors},
                "placement": {"passed": True, "rule": "dies + half dicing lane inside the field, no overlaps"},
                "crossing_rule": CROSSING_RULE_TEXT,
                "standins": sorted(set(self.used)),
            },
            "server_ring": ring,
            "network": plan_json(d),
            "reticle_fields_um": {cfg.name: list(cfg.field_um) for cfg, *_ in reticles},
            "wafers": wafers,
            "timing_s": self.timing,
            "files": dict(sorted(self.files.items())),
        }
        (self.root / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return manifest
