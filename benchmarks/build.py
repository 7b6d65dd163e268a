"""Tape-out build: cold build of both reticles, unchanged rebuild, DRC time per reticle.

    python benchmarks/build.py [--config FILE]

Runs in one process with a private, empty build cache:

1. the comb ring's group index (mode solver when importable, else EIM) is
   computed first and reported on its own: it is cached by input and is not
   part of a layout build;
2. cold build of the design (all chips, both reticles, GDS, netlists, renders,
   wafer maps, connectivity and DRC) into a fresh folder;
3. unchanged rebuild into the same folder (served from the finished build);
4. rebuild into a new folder (restored from the build cache);
5. ``weiming build`` CLI rebuild in a subprocess (includes interpreter start).

The source digest is frozen for the in-process runs (concurrent edits of the
shared tree would invalidate the cache between measurements).

Targets (issue 4): cold <= 30 s on 2 cores, unchanged rebuild <= 3 s. Ratios
are against the cold build measured in the same run; the machine load is
printed because other jobs share the 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, default=None, help="design YAML (default: the built-in design)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="weiming-bench-build-"))
    os.environ["WEIMING_CACHE"] = str(tmp / "cache")

    import weiming.circuits.build as b
    from weiming.circuits.build import build
    from weiming.circuits.design import load_design

    # Freeze the source digest for the run: other people editing the tree meanwhile
    # would otherwise (correctly) invalidate the cache between the measurements.
    digest = b.source_digest()
    b.source_digest = lambda: digest
    from weiming.circuits.steps import BuildRun

    print(f"load average (1, 5, 15 min): {os.getloadavg()}")
    t = time.perf_counter()
    ring = BuildRun(load_design(args.config), "bench", tmp, False).ring()
    t_ring = time.perf_counter() - t
    print(f"ring group index ({ring['ng_source']}): ng={ring['ng']:.5f}, R={ring['radius_um']} um: {t_ring:.2f} s")

    t, c0 = time.perf_counter(), time.process_time()
    m = build(args.config, tmp / "out", progress=False)
    t_cold, cpu_cold = time.perf_counter() - t, time.process_time() - c0
    ts = m["timing_s"]
    drc = {k[4:]: v for k, v in ts.items() if k.startswith("drc_")}
    print(f"cold build, both reticles ({len(m['chips'])} dies): {t_cold:.2f} s wall, {cpu_cold:.2f} s CPU  "
          f"(target 30 s: {t_cold / 30:.2f} x target)")
    print("  steps: " + ", ".join(f"{k} {v:.2f} s" for k, v in ts.items()))
    print(f"  without DRC: {t_cold - sum(drc.values()):.2f} s")
    for name, v in drc.items():
        print(f"  DRC {name}: {v:.2f} s")

    t = time.perf_counter()
    build(args.config, tmp / "out", progress=False)
    t_hit = time.perf_counter() - t
    print(f"unchanged rebuild (same folder): {t_hit:.3f} s  (target 3 s; {t_cold / t_hit:.0f}x faster than cold)")

    t = time.perf_counter()
    build(args.config, tmp / "out2", progress=False)
    t_restore = time.perf_counter() - t
    print(f"unchanged rebuild (new folder, from the cache): {t_restore:.3f} s  ({t_cold / t_restore:.0f}x faster)")

    cmd = [sys.executable, "-m", "weiming.cli", "build", "--out", str(tmp / "out"), "-q"]
    if args.config:
        cmd += ["--config", str(args.config)]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    t_cli = time.perf_counter() - t
    print(f"`weiming build` CLI unchanged rebuild (with interpreter start): {t_cli:.2f} s, exit {r.returncode}")
    print(json.dumps({"cold_s": round(t_cold, 3), "cold_cpu_s": round(cpu_cold, 3), "rebuild_s": round(t_hit, 4), "restore_s": round(t_restore, 4),
                      "cli_rebuild_s": round(t_cli, 3), "drc_s": drc, "ring_ng_s": round(t_ring, 3)}))


if __name__ == "__main__":
    main()
