"""The main job: stages keep going after a failure, and the report renders in a browser."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from weiming.tapeout.main import run_tapeout
from weiming.tapeout.report import _fmt, write_report
from weiming.tapeout.runner import Context, Stage, run_stages

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_failing_stage_is_reported_and_others_still_run(tmp_path):
    ran = []

    def bad(ctx):
        raise RuntimeError("boom")

    def good(ctx):
        ran.append(1)
        return {"x": 1}

    res = run_stages([Stage("a", "A", bad), Stage("b", "B", good)], Context(out=tmp_path))
    assert [r.passed for r in res] == [False, True]
    assert "RuntimeError: boom" in res[0].error and ran == [1]


def test_unknown_stage_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="unknown stage"):
        run_tapeout(tmp_path, only=["nope"])


PROBE = """<html><body><iframe id="f" src="report/index.html" style="width:1200px;height:900px"></iframe>
<script>
document.getElementById('f').addEventListener('load', () => {
  const d = document.getElementById('f').contentDocument;
  const imgs = Array.from(d.images);
  const check = () => {
    if (!imgs.every(i => i.complete)) { setTimeout(check, 50); return; }
    const res = {n: imgs.length, broken: imgs.filter(i => i.naturalWidth === 0).map(i => i.getAttribute('src')),
                 text: d.body.innerText};
    const pre = document.createElement('pre'); pre.id = 'result'; pre.textContent = JSON.stringify(res);
    document.body.appendChild(pre);
  };
  check();
});
</script></body></html>"""


def _open_in_chromium(root: Path) -> dict:
    """Serve ``root`` on loopback, load the report in headless Chromium, return image/text facts."""
    (root / "probe.html").write_text(PROBE, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/probe.html"
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={root / '.chromium'}", "--virtual-time-budget=10000", "--dump-dom", url]
        dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    finally:
        server.shutdown()
    start = dom.find('<pre id="result">')
    assert start >= 0, f"the probe did not finish: {dom[:500]}"
    body = dom[start + len('<pre id="result">'):dom.find("</pre>", start)]
    import html

    return json.loads(html.unescape(body))


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (tools/setup.sh installs Debian's "
                                              "'chromium' package when run as root with apt)")
def test_report_renders_with_every_image_and_the_yield(tmp_path):
    """A real yield run through the CLI, its report opened in headless Chromium."""
    out = tmp_path / "build"
    proc = subprocess.run([sys.executable, "-m", "weiming.cli", "tapeout", "--out", str(out), "--only", "yield"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    fig = next(f for f in summary["key_figures"] if f["key"] == "modulator_yield")
    facts = _open_in_chromium(out)
    assert facts["n"] >= 3, facts
    assert facts["broken"] == [], facts["broken"]
    assert "modulator yield" in facts["text"]
    shown = _fmt(fig["value"])  # e.g. "97.5133" (the value in percent as the page formats it)
    assert shown in facts["text"], (shown, facts["text"][:400])


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_probe_detects_a_broken_image(tmp_path):
    """The browser check itself can fail: a report linking a missing image is caught."""
    out = tmp_path
    (out / "plots").mkdir()
    summary = {"passed": True, "key_figures": [], "stages": []}
    write_report(out, summary, {}, [("x", "", ["plots/missing.png"])])
    facts = _open_in_chromium(out)
    assert facts["broken"] == ["../plots/missing.png"]
