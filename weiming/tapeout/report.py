"""Static HTML report of a tape-out run, self-contained under ``report/``.

``write_report(out, summary, artifacts, sections, root=None)`` writes
``out/report/index.html`` and copies every image it shows into
``out/report/img/``, so the folder can be archived or attached to a review on
its own. Files that are not images (GDS, manifest, DRC databases) are linked
relative to the page (``../...``): they live in the output folder.

The page: overall status, provenance (git commit, package and tool versions,
design hash, time), the key figures against the design's own spec, the stages
with their input hashes, then one section per stage (its ``Stage.report``
fragment and its plots; many plots form a compact grid), then the file list.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterable

from weiming.fileio import atomic_write_text

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1200px;color:#222}
h1{margin-bottom:0} .sub{color:#666;margin-top:.2em}
table{border-collapse:collapse;margin:1em 0} td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
th{background:#f3f3f3} .ok{color:#127a1f;font-weight:600} .bad{color:#b00020;font-weight:600}
.gallery{display:flex;flex-wrap:wrap;gap:1em} figure{margin:0;max-width:560px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:.6em}
.grid figure{max-width:none} figure img{max-width:100%;border:1px solid #ddd} figcaption{font-size:.85em;color:#555}
code{background:#f6f6f6;padding:0 .2em} .prov td{font-size:.9em}
"""

#: sections with more images than this show them as a compact grid of thumbnails
GRID_FROM = 3


def _esc(x: Any) -> str:
    return html.escape(str(x))


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}" if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3) else f"{v:.6g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return str(v)


def _rel(path: str | Path, report_dir: Path, out: Path) -> str:
    p = Path(path)
    p = p if p.is_absolute() else out / p
    return Path(os.path.relpath(p, report_dir)).as_posix()


def _table(rows: Iterable[Iterable[Any]], header: Iterable[str], cls: str = "") -> str:
    h = "".join(f"<th>{_esc(c)}</th>" for c in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    attr = f" class='{cls}'" if cls else ""
    return f"<table{attr}><tr>{h}</tr>{body}</table>"


def _status(ok: bool | None) -> str:
    if ok is None:
        return '<span>n/a</span>'
    return '<span class="ok">pass</span>' if ok else '<span class="bad">FAIL</span>'


def link(rel_to_out: str, text: str | None = None) -> str:
    """A link from the report page to a file of the output folder (``rel_to_out`` relative to OUT)."""
    href = Path("..", rel_to_out).as_posix()
    return f"<a href='{_esc(href)}'>{_esc(text or rel_to_out)}</a>"


# ------------------------------------------------------------------ provenance
def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git_commit() -> str:
    from importlib.resources import files

    src = Path(str(files("weiming")))  # git looks upwards from the package for its checkout
    try:
        rev = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=10)
        if rev.returncode != 0:
            return "not a git checkout"
        dirty = subprocess.run(["git", "-C", str(src), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return rev.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "git not available"


def _meep_version() -> str:
    try:
        import meep  # noqa: F401 - only its version

        return getattr(meep, "__version__", "installed")
    except Exception:  # noqa: BLE001 - meep missing or failing to import: say so
        return "not available"


def provenance(dhash: str) -> dict[str, Any]:
    """Where a run came from: code version, tools, design hash and time (UTC)."""
    import platform

    import weiming

    return {"weiming": weiming.__version__, "git_commit": _git_commit(), "design_hash": dhash,
            "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "python": sys.version.split()[0], "platform": platform.platform(),
            "packages": {d: _version(d) for d in ("numpy", "scipy", "gdsfactory", "klayout", "pydantic",
                                                  "matplotlib", "typer")},
            "meep": _meep_version()}


# ------------------------------------------------------------------ page
def _copy_image(src_rel: str, root: Path, report_dir: Path) -> str | None:
    """Copy ``root/src_rel`` into ``report/img/`` and return the page's link; None if the file is missing."""
    src = root / src_rel
    if not src.is_file():
        return None
    name = src_rel.replace("/", "__")
    dst = report_dir / "img" / name
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return f"img/{name}"


def _gallery(images: list[str], root: Path, report_dir: Path) -> str:
    cls = "grid" if len(images) > GRID_FROM else "gallery"
    parts = [f"<div class='{cls}'>"]
    for img in images:
        src = _copy_image(img, root, report_dir) or _rel(img, report_dir, root)  # missing: a visible broken link
        parts.append(f"<figure><a href='{_esc(src)}'><img src='{_esc(src)}' alt='{_esc(Path(img).stem)}'>"
                     f"</a><figcaption>{_esc(Path(img).name)}</figcaption></figure>")
    parts.append("</div>")
    return "".join(parts)


def _provenance_table(p: dict[str, Any]) -> str:
    rows = [("weiming", _esc(p.get("weiming", ""))), ("git commit", f"<code>{_esc(p.get('git_commit', ''))}</code>"),
            ("design hash", f"<code>{_esc(p.get('design_hash', ''))}</code>"), ("time (UTC)", _esc(p.get("time_utc", ""))),
            ("Python", _esc(p.get("python", ""))), ("platform", _esc(p.get("platform", ""))),
            ("meep/MPB", _esc(p.get("meep", "")))]
    rows += [(_esc(k), _esc(v)) for k, v in p.get("packages", {}).items()]
    return _table(rows, ["item", "value"], cls="prov")


def write_report(out: Path, summary: dict[str, Any], artifacts: dict[str, list[str]],
                 sections: list[tuple[str, str, list[str]]], root: Path | None = None) -> Path:
    """Write ``out/report/index.html`` with its images copied into ``out/report/img/``.

    ``summary``: the content of ``summary.json``. ``sections``: (title,
    html_fragment, [image paths relative to the output folder]) in page order.
    ``root``: the folder those paths are relative to (default ``out``; the
    tape-out writes the report in its staging folder while the images are
    already in the output folder). Returns the path of the page.
    """
    root = Path(root) if root is not None else Path(out)
    report_dir = Path(out) / "report"
    report_dir.mkdir(parents=True, exist_ok=True)
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>weiming tape-out report</title>"
             f"<style>{CSS}</style></head><body>",
             "<h1>weiming tape-out report</h1>",
             f"<p class='sub'>Design: {_esc(summary.get('design_name', ''))} "
             f"({_esc(summary.get('design', 'built-in default'))}) &middot; "
             f"weiming {_esc(summary.get('version', ''))} &middot; overall: {_status(summary.get('passed'))}</p>"]

    rows = []
    for f in summary.get("key_figures", []):
        rows.append((_esc(f["name"]), f"<span id='fig-{_esc(f['key'])}'>{_esc(_fmt(f['value']))}</span> "
                     f"{_esc(f.get('unit', ''))}", _esc(f.get("target", "")), f"<code>{_esc(f.get('spec', ''))}</code>",
                     _esc(f.get("source", "")), _status(f.get("ok"))))
    parts.append("<h2>Key figures against the design's spec</h2>")
    parts.append(_table(rows, ["figure", "this design", "target", "spec row", "how obtained", "check"]))

    st_rows = [(_esc(s["title"]), _status(s["passed"]), f"{s['seconds']:.1f} s",
                f"<code>{_esc(str(s.get('input_hash', ''))[:12])}</code>", _esc(s.get("error") or ""))
               for s in summary.get("stages", [])]
    parts.append("<h2>Stages</h2>" + _table(st_rows, ["stage", "status", "time", "input hash", "error"]))

    for title, fragment, images in sections:
        parts.append(f"<h2>{_esc(title)}</h2>{fragment}")
        if images:
            parts.append(_gallery(images, root, report_dir))

    links = []
    for stage, paths in sorted(artifacts.items()):
        for p in paths:
            if not p.endswith(".png"):
                links.append(f"<li>{link(p)} ({_esc(stage)})</li>")
    parts.append(f"<h2>Files</h2><ul><li>{link('summary.json')}</li>" + "".join(links) + "</ul>")
    if summary.get("provenance"):
        parts.append("<h2>Provenance</h2>" + _provenance_table(summary["provenance"]))
    parts.append("</body></html>")
    page = report_dir / "index.html"
    atomic_write_text(page, _copy_linked_files("\n".join(parts), root, report_dir))
    return page


#: linked files small enough to travel with the report (the GDS stay in the output folder)
COPIED_SUFFIXES = (".lyrdb", ".json", ".yaml", ".csv")


def _copy_linked_files(page: str, root: Path, report_dir: Path) -> str:
    """Copy the DRC databases, manifest and summaries the page links into ``report/files/`` and
    point the links there, so the archived ``report/`` folder keeps them."""
    import re

    def swap(m: re.Match) -> str:
        rel = html.unescape(m.group(1))
        src = root / rel
        if not rel.endswith(COPIED_SUFFIXES) or not src.is_file():
            return m.group(0)
        name = rel.replace("/", "__")
        dst = report_dir / "files" / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        return f"href='files/{_esc(name)}'"

    return re.sub(r"href='\.\./([^']+)'", swap, page)


def write_summary(out: Path, summary: dict[str, Any]) -> Path:
    p = Path(out) / "summary.json"
    atomic_write_text(p, json.dumps(summary, indent=2, default=str))
    return p
