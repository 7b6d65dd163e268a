"""Points that fail, and points that kill their worker: recorded, cached or retried, never stopping the sweep.

The target functions live in this light module (no pandas at import) because
every spawned worker imports it.
"""

from __future__ import annotations

import os

import weiming
from weiming.sims.sweep import run_sweep


def flaky(x: float, calls: str) -> dict:
    """Test-only target: fails for x == 3, logs every computation in ``calls``."""
    with open(calls, "a") as fh:
        fh.write(f"{x}\n")
    if x == 3:
        raise ValueError(f"x={x} is cursed")
    return {"square": x * x}


def crashy(x: int) -> dict:
    """Test-only target: x == 2 kills its worker process outright (like a segfault in a solver)."""
    if x == 2:
        os._exit(3)
    return {"y": x + 1}


def test_point_killing_its_worker_fails_alone(tmp_path):
    import pandas as pd

    spec = {"target": {"kind": "python", "function": "test_sweep_targets:crashy"}, "parameters": {"x": [1, 2, 3, 4]}}
    s = run_sweep(spec, tmp_path / "out", workers=1, plots=False)
    df = pd.read_csv(tmp_path / "out" / "results.csv")
    assert list(df["status"]) == ["ok", "error", "ok", "ok"] and list(df["y"].fillna(0)) == [2, 0, 4, 5]
    assert "worker failure: BrokenProcessPool" in df.loc[1, "error"]
    assert (s["computed"], s["failed"]) == (4, 1)
    # a crash is not a result: the next run tries that point again (and only it)
    s2 = run_sweep(spec, tmp_path / "out", workers=1, plots=False)
    assert (s2["computed"], s2["cached"], s2["failed"]) == (1, 3, 1)


def test_failing_point_is_recorded_cached_and_retried_on_request(tmp_path, monkeypatch):
    import pandas as pd

    calls = tmp_path / "calls.txt"
    spec = {"target": {"kind": "python", "function": "test_sweep_targets:flaky", "calls": str(calls)},
            "parameters": {"x": [1, 2, 3, 4]}, "name": "flaky"}
    s = run_sweep(spec, tmp_path / "out", workers=1)
    assert (s["computed"], s["cached"], s["failed"]) == (4, 0, 1)
    df = pd.read_csv(tmp_path / "out" / "results.csv")
    assert list(df["x"]) == [1, 2, 3, 4] and list(df["status"]) == ["ok", "ok", "error", "ok"]
    assert df.loc[2, "error"] == "ValueError: x=3 is cursed"
    assert list(df["square"].fillna(-1)) == [1, 4, -1, 16] and (df["seconds"] >= 0).all()
    assert (tmp_path / "out" / "plots" / "square_vs_x.png").stat().st_size > 1000
    try:  # the Parquet copy is written where pyarrow imports (recent pyarrow wheels need numpy 2)
        import pyarrow  # noqa: F401
    except ImportError:
        assert not (tmp_path / "out" / "results.parquet").exists()
    else:
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out" / "results.parquet"), df, check_dtype=False)

    # same inputs, same version: nothing recomputed, not even the failure
    s2 = run_sweep(spec, tmp_path / "out", workers=1)
    assert (s2["computed"], s2["cached"], s2["failed"]) == (0, 4, 1)
    assert sorted(calls.read_text().split()) == ["1", "2", "3", "4"]
    s3 = run_sweep(spec, tmp_path / "out", workers=1, retry_failed=True)
    assert (s3["computed"], s3["cached"]) == (1, 3) and calls.read_text().split().count("3") == 2

    # a new package version is a new cache key: every point is computed again
    monkeypatch.setattr(weiming, "__version__", weiming.__version__ + ".post1")
    s4 = run_sweep(spec, tmp_path / "out", workers=1, plots=False)
    assert (s4["computed"], s4["cached"]) == (4, 0)
    assert len(list((tmp_path / "out" / "points").glob("*.json"))) == 8  # 4 points x 2 versions
    assert not list((tmp_path / "out").rglob("*.tmp"))
