"""Static HTML report of a tape-out run (no network access needed to view it).

``write_report(out, results, summary)`` writes ``out/report/index.html`` that
links every image and file relative to itself, so the whole ``out`` folder can
be zipped and mailed. The page holds: the summary table of key figures against
the seed network's published ones, each stage's status and timing, renders of
chips and reticles, DRC summary, Dint and ring-spectrum plots, wafer maps and
the yield table, and links to the GDS files and the manifest.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any, Iterable

from weiming.sims.cache import atomic_write_text

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1200px;color:#222}
h1{margin-bottom:0} .sub{color:#666;margin-top:.2em}
table{border-collapse:collapse;margin:1em 0} td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
th{background:#f3f3f3} .ok{color:#127a1f;font-weight:600} .bad{color:#b00020;font-weight:600}
.gallery{display:flex;flex-wrap:wrap;gap:1em} figure{margin:0;max-width:560px}
figure img{max-width:100%;border:1px solid #ddd} figcaption{font-size:.85em;color:#555}
code{background:#f6f6f6;padding:0 .2em}
"""


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


def _table(rows: Iterable[Iterable[Any]], header: Iterable[str]) -> str:
    h = "".join(f"<th>{_esc(c)}</th>" for c in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{h}</tr>{body}</table>"


def _status(ok: bool | None) -> str:
    if ok is None:
        return '<span>n/a</span>'
    return '<span class="ok">pass</span>' if ok else '<span class="bad">FAIL</span>'


def write_report(out: Path, summary: dict[str, Any], artifacts: dict[str, list[str]],
                 sections: list[tuple[str, str, list[str]]]) -> Path:
    """Write ``out/report/index.html``.

    ``summary``: the content of ``summary.json`` (``key_figures`` rows and
    ``stages``). ``sections``: (title, html_fragment, [image paths relative to
    ``out``]) in page order. Returns the path of the page.
    """
    report_dir = out / "report"
    report_dir.mkdir(parents=True, exist_ok=True)
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>weiming tape-out report</title>"
             f"<style>{CSS}</style></head><body>",
             "<h1>weiming tape-out report</h1>",
             f"<p class='sub'>Design: {_esc(summary.get('design', 'built-in default'))} &middot; "
             f"weiming {_esc(summary.get('version', ''))} &middot; overall: {_status(summary.get('passed'))}</p>"]

    rows = []
    for f in summary.get("key_figures", []):
        rows.append((_esc(f["name"]), f"<span id='fig-{_esc(f['key'])}'>{_esc(_fmt(f['value']))}</span> "
                     f"{_esc(f.get('unit', ''))}", _esc(f.get("seed", "")), _esc(f.get("source", "")),
                     _status(f.get("ok"))))
    parts.append("<h2>Summary against the seed network</h2>")
    parts.append(_table(rows, ["figure", "this design", "seed network", "how obtained", "check"]))

    st_rows = [(_esc(s["title"]), _status(s["passed"]), f"{s['seconds']:.1f} s", _esc(s.get("error") or ""))
               for s in summary.get("stages", [])]
    parts.append("<h2>Stages</h2>" + _table(st_rows, ["stage", "status", "time", "error"]))

    for title, fragment, images in sections:
        parts.append(f"<h2>{_esc(title)}</h2>{fragment}")
        if images:
            parts.append("<div class='gallery'>")
            for img in images:
                src = _rel(img, report_dir, out)
                parts.append(f"<figure><a href='{_esc(src)}'><img src='{_esc(src)}' alt='{_esc(Path(img).stem)}'>"
                             f"</a><figcaption>{_esc(Path(img).name)}</figcaption></figure>")
            parts.append("</div>")

    links = []
    for stage, paths in sorted(artifacts.items()):
        for p in paths:
            if not p.endswith(".png"):
                links.append(f"<li><a href='{_esc(_rel(p, report_dir, out))}'>{_esc(p)}</a> ({_esc(stage)})</li>")
    parts.append("<h2>Files</h2><ul>"
                 f"<li><a href='{_esc(_rel('summary.json', report_dir, out))}'>summary.json</a></li>"
                 + "".join(links) + "</ul>")
    parts.append("</body></html>")
    page = report_dir / "index.html"
    atomic_write_text(page, "\n".join(parts))
    return page


def write_summary(out: Path, summary: dict[str, Any]) -> Path:
    p = out / "summary.json"
    atomic_write_text(p, json.dumps(summary, indent=2, default=str))
    return p
