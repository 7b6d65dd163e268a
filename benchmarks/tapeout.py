"""Cold vs warm `weiming tapeout` (target: the second, unchanged run >= 5x faster, by caching).

Runs the whole main job twice in fresh subprocesses against an empty cache
folder and an empty output folder, then again into the same folder, and prints
both wall times and their ratio. Usage: python benchmarks/tapeout.py [--keep]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(out: Path, env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "weiming.cli", "tapeout", "--out", str(out)], env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "WEIMING_CACHE": str(Path(tmp) / "cache")}
        out = Path(tmp) / "build"
        cold = run(out, env)
        warm = run(out, env)
    print(f"cold tapeout: {cold:7.1f} s (target < 900 s on 2 cores)")
    print(f"warm tapeout: {warm:7.1f} s")
    print(f"speed-up:     {cold / warm:7.1f}x (target >= 5x)")


if __name__ == "__main__":
    main()
