"""The tape-out's contracts for stages and the report, on fake stages (fast, no simulation):
Stage.report fragments and key-figure rows of any stage reach the page, images are copied under
report/, a summary of another design is removed on start, and a stage-only run refuses an OUT that
holds another design's build."""

from __future__ import annotations

import json

import pytest

import weiming.tapeout.main as tm
from weiming.circuits.design import design_hash, load_design
from weiming.tapeout.runner import Stage


def _fake_stage(ctx):
    from weiming.tapeout.common import line_plot

    line_plot(ctx, "fake", "fake_curve", [0, 1, 2], [1, 0, 1], xlabel="x", ylabel="y", title="fake")
    spec = ctx.design.spec.laser  # a stage reads its own spec rows
    return {"passed": True, "key_figures": {
        "fake_lock": {"name": "fake lock margin", "value": 0.5, "unit": "", "target": f">= {spec.lock_margin}",
                      "spec": "spec.laser.lock_margin", "source": "test", "ok": 0.5 >= spec.lock_margin}}}


def _fake_report(ctx, figures):
    return "<table id='per-client-laser'><tr><td>C01A</td><td>locked</td></tr></table>"


@pytest.fixture
def fake_stages(monkeypatch):
    monkeypatch.setattr(tm, "STAGES", [Stage("fake", "A fake stage", _fake_stage, _fake_report)])


def test_stage_report_and_rows_reach_the_self_contained_page(tmp_path, fake_stages):
    out = tmp_path / "OUT"
    s = tm.run_tapeout(out, only=["fake"])
    assert s["passed"] and s["design_hash"] == design_hash(load_design())
    row = next(f for f in s["key_figures"] if f["key"] == "fake_lock")
    assert row["ok"] is True and row["spec"] == "spec.laser.lock_margin"
    page = (out / "report" / "index.html").read_text()
    assert "id='per-client-laser'" in page and "fake lock margin" in page
    assert (out / "report" / "img" / "plots__fake_curve.png").is_file() and "src='img/plots__fake_curve.png'" in page
    assert json.loads((out / "report" / "files" / "summary.json").read_text())["design_hash"] == s["design_hash"]
    assert "href='files/summary.json'" in page  # small linked files travel with report/
    assert s["provenance"]["git_commit"] and s["provenance"]["packages"]["gdsfactory"]
    assert (out / "plots" / "fake_curve.png").is_file()  # moved in from the staging folder
    assert list(tmp_path.glob(".OUT.*")) == []
    assert len(s["stages"][0]["input_hash"]) == 64


def test_a_summary_of_another_design_is_removed_on_start(tmp_path, fake_stages):
    out = tmp_path / "OUT"
    (out / "report").mkdir(parents=True)
    (out / "report" / "index.html").write_text("old design's report")
    (out / "summary.json").write_text(json.dumps({"design_hash": "another"}))
    (tmp_path / ".OUT.tapeout-999999999-x").mkdir()  # a killed run's staging folder (no such pid)
    assert tm.remove_stale(out, design_hash(load_design()))
    assert not (out / "summary.json").exists() and not (out / "report").exists()
    assert tm.clean_leftovers(out) == [tmp_path / ".OUT.tapeout-999999999-x"]


def test_stages_without_the_build_refuse_another_designs_build(tmp_path, fake_stages):
    out = tmp_path / "OUT"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"design": "other", "design_hash": "x"}))
    with pytest.raises(tm.TapeoutInputError, match="holds the build of another design"):
        tm.prepare(out, None, ["fake"])
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]
