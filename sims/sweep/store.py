"""Content-addressed store of sweep points and the results table assembled from it.

Each finished point is one JSON file ``points/<key>.json`` under the sweep's
output directory, where ``key`` is the SHA-256 of the target mapping, the
point's inputs and the package version (:func:`weiming.sims.cache.key_of`).
Files a point produced (a cell's GDS) go to ``artifacts/<key[:16]>/`` first;
the record is written last, atomically, so a point either has a complete
record or none: a sweep killed at any moment and run again recomputes exactly
the points without a record. Each record keeps when, where and how long it
was computed (``started``, ``finished``, ``host``, ``pid``, ``seconds``).
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

from weiming.sims.cache import _canonical, atomic_write_bytes, atomic_write_text, key_of

import weiming

RESERVED = ("point", "status", "error", "seconds", "cached", "key")


def point_key(target: dict, inputs: dict) -> str:
    """Content address of one point: hash of target, inputs and package version."""
    return key_of("sweep", {"target": target, "inputs": inputs})


class Store:
    """The ``points/`` and ``artifacts/`` folders of one sweep output directory."""

    def __init__(self, out_dir: str | Path):
        self.root = Path(out_dir)
        self.points = self.root / "points"

    def path(self, key: str) -> Path:
        return self.points / f"{key}.json"

    def get(self, key: str) -> dict | None:
        """The record of ``key``, or None if absent or unreadable (then it is recomputed)."""
        try:
            rec = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            return None
        return rec if isinstance(rec, dict) and rec.get("key") == key else None

    def put(self, key: str, target: dict, inputs: dict, result: dict) -> dict:
        """Write the artifacts of ``result`` (from :func:`run_point`), then its record; return the record."""
        outputs = dict(result.get("outputs") or {})
        for column, (name, data) in (result.get("artifacts") or {}).items():
            rel = Path("artifacts") / key[:16] / name
            atomic_write_bytes(self.root / rel, data)
            outputs[column] = rel.as_posix()
        rec = {"key": key, "version": weiming.__version__, "target": _canonical(target),
               "inputs": _canonical(inputs), "status": result["status"], "error": result.get("error"),
               "transient": bool(result.get("transient", False)), "outputs": outputs,
               **{k: result.get(k) for k in ("seconds", "started", "finished", "host", "pid")}}
        atomic_write_text(self.path(key), json.dumps(rec, indent=1, allow_nan=True, default=str))
        return rec

    def keys(self) -> list[str]:
        """Keys of every record in the store (any sweep that used this directory)."""
        return sorted(p.stem for p in self.points.glob("*.json")) if self.points.exists() else []


def _cell(v: Any) -> Any:
    # A tidy table holds scalars; lists and dicts go in as JSON text.
    if isinstance(v, (list, dict)):
        return json.dumps(v)
    return v


def table(points: list[dict], keys: list[str], records: dict[str, dict], cached: set[str]):
    """One row per point, in sweep order: point, inputs, outputs, status, error, seconds, cached, key."""
    import pandas as pd

    inputs = list(dict.fromkeys(k for p in points for k in p))
    out_names = list(dict.fromkeys(k for key in keys for k in (records.get(key, {}).get("outputs") or {})))
    col = {k: (f"out.{k}" if k in inputs or k in RESERVED else k) for k in out_names}
    rows = []
    for i, (p, key) in enumerate(zip(points, keys)):
        rec = records.get(key) or {"status": "missing", "error": "no record", "outputs": {}}
        row: dict[str, Any] = {"point": i, **{k: _cell(p.get(k)) for k in inputs}}
        outs = rec.get("outputs") or {}
        row.update({col[k]: _cell(outs.get(k)) for k in out_names})
        row.update(status=rec["status"], error=rec.get("error"), seconds=rec.get("seconds"),
                   cached=key in cached, key=key)
        rows.append(row)
    return pd.DataFrame(rows, columns=["point", *inputs, *col.values(), *RESERVED[1:]])


def write_table(df, out_dir: Path) -> list[Path]:
    """``results.csv`` always and ``results.parquet`` when pyarrow works; both atomic."""
    out_dir = Path(out_dir)
    written = [out_dir / "results.csv"]
    atomic_write_text(written[0], df.to_csv(index=False))
    try:
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
    except Exception:  # noqa: BLE001 - pyarrow missing or broken: the CSV is the table then
        return written
    atomic_write_bytes(out_dir / "results.parquet", buf.getvalue())
    return written + [out_dir / "results.parquet"]


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
