"""A design other than the seed network passes on its own spec, and a spec it misses makes exit 1.

``circuits/examples/custom_8clients.yaml``: 8 clients on 4 channels of a 50 GHz comb, other die
sizes, its own spec. The whole tape-out (every stage) runs on it: exit 0, and every row of the report
that has a check names the spec row (or design key) it was checked against, with this design's
numbers as targets (not the seed network's 20 clients / 10 channels / 30.03 GHz).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from weiming.circuits.design import design_hash, load_design
from weiming.tapeout.stages import STAGES

ROOT = Path(__file__).resolve().parents[1]
CUSTOM = ROOT / "circuits" / "examples" / "custom_8clients.yaml"


def _tapeout(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "weiming.cli", "tapeout", *args], capture_output=True, text=True,
                          timeout=1200, cwd=ROOT)


def test_custom_design_full_tapeout_checks_every_row_against_its_own_spec(tmp_path):
    out = tmp_path / "OUT"
    r = _tapeout("--out", str(out), "--config", str(CUSTOM))
    assert r.returncode == 0, r.stderr[-3000:]
    s = json.loads((out / "summary.json").read_text())
    d = load_design(CUSTOM)
    assert s["design_hash"] == design_hash(d) and s["spec_met"] and s["passed"]
    assert [st["name"] for st in s["stages"]] == [st.name for st in STAGES]  # every stage
    rows = {f["key"]: f for f in s["key_figures"]}
    checked = [f for f in s["key_figures"] if f["ok"] is not None]
    assert len(checked) >= 15
    for f in checked:  # every check names where its target came from, and passed
        assert f["spec"] and f["target"], f
        assert f["ok"] is True, f
    assert rows["client_chips"]["value"] == 8 and rows["client_chips"]["target"] == "= 8"
    assert rows["channels"]["value"] == 4 and rows["server_chips"]["value"] == 1
    assert rows["fsr"]["value"] > 49.9 and rows["fsr"]["target"].startswith("50 ")
    assert rows["qc_over_qi"]["target"] == "0.1 .. 1.5"  # the custom spec's range, not the default's
    assert rows["modulator_yield"]["target"] == ">= 90"
    assert {c["channel"] for c in s["results"]["build"]["clients"]} == {1, 2, 3, 4}
    page = (out / "report" / "index.html").read_text()
    assert "spec.comb_ring.qi_range" in page and s["design_hash"] in page
    for img in (out / "report").rglob("*.png"):  # self-contained: images copied under report/
        assert img.stat().st_size > 0
    assert "../plots/" not in page and "src='img/" in page
    assert "href='files/drc__SIN_R1.lyrdb'" in page and (out / "report" / "files" / "drc__SIN_R1.lyrdb").is_file()
    yj = json.loads((out / "yield" / "yield.json").read_text())
    assert "custom_8clients.yaml" in yj["design_source"]  # the yield model read this design


def test_spec_not_met_is_exit_1_and_the_row_says_why(tmp_path):
    cfg = tmp_path / "strict.yaml"
    text = CUSTOM.read_text().replace("qi_range: [10.0e6, 30.0e6]", "qi_range: [30.0e6, 40.0e6]")
    assert text != CUSTOM.read_text()
    cfg.write_text(text)
    out = tmp_path / "OUT"
    r = _tapeout("--out", str(out), "--config", str(cfg), "--only", "comb_dispersion,comb_ring")
    assert r.returncode == 1, r.stderr[-2000:]
    s = json.loads((out / "summary.json").read_text())
    qi = next(f for f in s["key_figures"] if f["key"] == "qi")
    assert qi["ok"] is False and qi["target"] == "30 .. 40" and qi["spec"] == "spec.comb_ring.qi_range"
    assert not s["spec_met"] and not s["passed"]
    assert "FAILED" in r.stdout
