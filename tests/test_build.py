"""The tape-out build: manifest contract, outputs, checks, caching and byte-identical GDS.

The default design is built once per session (ring group index from the EIM
so the test does not depend on the mode solver's cache; everything else is the
default). A reduced design is built twice, in this process and in a fresh
subprocess with the cache off, to show the GDS is byte-identical across runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from weiming.circuits.build import build

EIM = {"server": {"ring": {"ng_source": "eim"}}}
SMALL = {"server": {"count": 1, "ring": {"ng_source": "eim"}}, "network": {"channels": 1},
         "sin_tests": {"gap_sweep_um": [0.8], "dispersion_widths_um": [], "cutback_lengths_um": []},
         "inp_tests": {"laser": False, "modulator_lengths_um": [500.0]}}


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _session_dir(tmp_path_factory) -> Path:
    """A folder shared by the xdist workers of this session (its own basetemp without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def cache_env(tmp_path_factory):
    """A private build cache, and the source digest frozen for the session: other
    work editing the tree meanwhile must not turn a cache hit into a rebuild."""
    from weiming.circuits import build as b

    mp = pytest.MonkeyPatch()
    shared = _session_dir(tmp_path_factory) / "weiming_build_cache"
    shared.mkdir(parents=True, exist_ok=True)
    mp.setenv("WEIMING_CACHE", str(shared))
    digest = b.source_digest()
    mp.setattr(b, "source_digest", lambda: digest)
    yield os.environ["WEIMING_CACHE"]
    mp.undo()


def test_source_digest_is_stable():
    from weiming.circuits.build import source_digest

    assert len(source_digest()) == 64 and source_digest() == source_digest()


@pytest.fixture(scope="session")
def built(tmp_path_factory, cache_env):
    """The default design built once per session: with xdist the first worker builds
    (under a file lock) and the others get the finished build from the same folder."""
    import fcntl

    d = _session_dir(tmp_path_factory) / "weiming_build"
    d.mkdir(parents=True, exist_ok=True)
    cfg = d / "design.yaml"
    out = d / "out"
    with open(d / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cfg.write_text(yaml.safe_dump(EIM))
        m = build(cfg, out, progress=False)
        fcntl.flock(lock, fcntl.LOCK_UN)
    return out, m, cfg


def test_manifest_contract(built):
    out, m, _ = built
    on_disk = json.loads((out / "manifest.json").read_text())
    assert on_disk["reticles"] == m["reticles"] and on_disk["chips"] == m["chips"]
    assert {r["pdk"] for r in m["reticles"]} == {"sin100", "inp"}
    for r in m["reticles"]:
        assert set(r) == {"name", "pdk", "gds", "sha256", "drc"}
        assert not Path(r["gds"]).is_absolute() and _sha(out / r["gds"]) == r["sha256"]
        assert set(r["drc"]) == {"clean", "violations"}
        assert r["drc"]["clean"], r["drc"]["violations"]
    names = {r["name"] for r in m["reticles"]}
    for c in m["chips"]:
        lvs = {"lvs"} if c["kind"] in ("client", "server") else set()  # issue 13: LVS of every chip
        assert set(c) == {"id", "kind", "pdk", "channel", "wavelength_nm", "size_um", "reticle"} | lvs
        assert not lvs or (set(c["lvs"]) == {"match", "mismatches"} and c["lvs"]["match"]), c.get("lvs")
        assert c["kind"] in ("client", "server", "test") and c["reticle"] in names
    clients = [c for c in m["chips"] if c["kind"] == "client"]
    assert len(clients) == 20
    assert all(c["size_um"] == [4600.0, 2000.0] and c["pdk"] == "inp" for c in clients)
    assert sorted({c["channel"] for c in clients}) == list(range(1, 11))
    assert all(sum(c["channel"] == k for c in clients) == 2 for k in range(1, 11))
    assert sum(c["kind"] == "server" for c in m["chips"]) >= 1
    assert m["checks"]["passed"] and m["checks"]["connectivity"]["passed"] and not m["checks"]["standins"]


def test_outputs_on_disk(built):
    out, m, _ = built
    for c in m["chips"]:
        assert (out / "chips" / f"{c['id']}.gds").is_file()
        net = yaml.safe_load((out / "netlists" / f"{c['id']}.yaml").read_text())
        assert net["id"] == c["id"] and net["errors"] == []
    assert list((out / "renders").glob("*.png")) and len(list((out / "wafers").glob("*.png"))) == 2
    for rel, sha in m["files"].items():
        assert _sha(out / rel) == sha
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out.build-")]  # staging removed


def test_client_netlists_wire_every_electrode_to_a_pad(built):
    out, m, _ = built
    net = yaml.safe_load((out / "netlists" / "C01A.yaml").read_text())
    pads = net["electrodes_to_pads"]
    # laser sections, 3 IMs (GSG in/out), 2 PMs (GSG in/out), VOA, 3 monitor PDs (p and n)
    for port in ("laser.e1", "im1.e1", "im3.e2", "pm_q.e1", "pm_ref.e2", "voa.e1", "pd_mon.e1", "pd_mon.e2"):
        assert port in pads
    assert len(set(pads.values())) == len(pads)  # no two electrodes on one pad
    assert sorted(net["io"]) == ["ssc_in.o2", "ssc_out.o2"]


def test_laser_bragg_wavelength_is_the_channel_line(built):
    """The laser cell of each client was built with its channel's comb line (read from the
    gdsfactory cell name, BWN<int>p<frac>, so it also works on a worker that did not build)."""
    import re

    out, m, _ = built
    for c in m["chips"]:
        if c["kind"] != "client":
            continue
        net = yaml.safe_load((out / "netlists" / f"{c['id']}.yaml").read_text())
        g = re.search(r"_BWN(\d+)p(\d+)_", net["instances"]["laser"]["cell"])
        assert g, net["instances"]["laser"]["cell"]
        assert float(f"{g[1]}.{g[2]}") == pytest.approx(c["wavelength_nm"], abs=1e-4)


def test_server_ring_fsr(built):
    _, m, _ = built
    ring = m["server_ring"]
    fsr = 299_792_458.0 / (ring["ng"] * 2 * 3.141592653589793 * ring["radius_um"] * 1e-6) / 1e9
    assert fsr == pytest.approx(30.03, rel=1e-5) and ring["ng_source"].startswith("eim")


def test_unchanged_rebuild_is_served_from_the_build(built):
    out, m, cfg = built
    again = build(cfg, out, progress=False)
    assert again == m  # same manifest object on disk: nothing was rebuilt (timings included)


def test_rebuild_into_a_new_folder_restores_from_the_cache(built, tmp_path):
    out, m, cfg = built
    again = build(cfg, tmp_path / "o2", progress=False)
    assert again["reticles"] == m["reticles"]
    assert all(_sha(tmp_path / "o2" / r["gds"]) == r["sha256"] for r in m["reticles"])


def test_gds_byte_identical_across_processes(tmp_path, cache_env):
    cfg = tmp_path / "small.yaml"
    cfg.write_text(yaml.safe_dump(SMALL))
    a = build(cfg, tmp_path / "a", progress=False)
    env = dict(os.environ, WEIMING_CACHE="off")
    r = subprocess.run([sys.executable, "-m", "weiming.cli", "build", "--config", str(cfg), "--out",
                        str(tmp_path / "b"), "-q"], env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    b = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert [x["sha256"] for x in a["reticles"]] == [x["sha256"] for x in b["reticles"]]
    for f in sorted((tmp_path / "a" / "chips").glob("*.gds")):
        assert f.read_bytes() == (tmp_path / "b" / "chips" / f.name).read_bytes(), f.name


def test_design_that_does_not_fit_exits_2_and_writes_nothing(tmp_path, cache_env):
    """IMs too long for the 4.6 mm die: a clear error naming the parameter, no output folder."""
    from typer.testing import CliRunner

    from weiming.cli import app

    cfg = tmp_path / "long.yaml"
    cfg.write_text(yaml.safe_dump({"client": {"im_length_um": 1500.0}, "server": {"count": 1,
                                   "ring": {"ng_source": "eim"}}}))
    r = CliRunner().invoke(app, ["build", "--config", str(cfg), "--out", str(tmp_path / "o"), "-q"])
    assert r.exit_code == 2 and "client.im_length_um=1500" in r.output
    assert not (tmp_path / "o").exists() and not list(tmp_path.glob(".o.build-*"))
