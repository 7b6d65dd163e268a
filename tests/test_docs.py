"""The documentation site: strict build with every tutorial executed, generated reference pages.

``mkdocs build --strict`` fails on any warning, and markdown-exec turns a failing
tutorial code block into a warning, so a passing build means every tutorial ran.
The PDK and CLI reference pages are generated at build time; this test reads
``tech.yaml`` and the typer app independently and checks the built pages carry
every layer, cross-section and rule, and every command and option.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _text(page: Path) -> str:
    """Visible text of a built page (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if shutil.which("mkdocs", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("mkdocs is not installed: `make test` installs the docs extra (pip install -e '.[dev]')")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true", "NO_MKDOCS_2_WARNING": "1",
           "WEIMING_CACHE": str(tmp_path_factory.mktemp("cache"))}
    r = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--site-dir", str(out)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500)
    assert r.returncode == 0, (r.stdout + r.stderr)[-6000:]
    return out


def _tech_data(pdk: str) -> dict:
    if pdk == "inp":
        return yaml.safe_load((ROOT / "pdk" / "inp" / "tech.yaml").read_text())
    raw = yaml.safe_load((ROOT / "pdk" / "sin" / "tech.yaml").read_text())
    data = dict(raw["base"])
    data["cross_sections"] = {**raw["variants"][pdk]["cross_sections"], **data["cross_sections"]}
    return data


@pytest.mark.parametrize("pdk", ["sin100", "sin800", "inp"])
def test_pdk_reference_matches_tech_yaml(site, pdk):
    text = _text(site / "reference" / f"pdk-{pdk}" / "index.html")
    data = _tech_data(pdk)
    for name, layer in data["layers"].items():
        assert name in text and f"{layer['gds'][0]}/{layer['gds'][1]}" in text and layer["color"] in text, name
    for name in data["cross_sections"]:
        assert name in text, name
    rules = data["rules"]
    assert rules, "no rules read: the check would prove nothing"
    for rule in rules:
        cells = [rule["name"], rule["kind"], *([rule["layer"]] if rule.get("layer") else [])]
        row = re.search(r"\s+".join(re.escape(str(c)) for c in cells), text)
        assert row, f"rule {rule['name']} missing or wrong in the generated page"
        assert str(rule["source"]) in text


def _commands(cmd: click.Command, path: list[str]):
    yield path, cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for sub in cmd.list_commands(ctx):
            yield from _commands(cmd.get_command(ctx, sub), [*path, sub])


def test_cli_reference_matches_the_cli(site):
    from weiming.cli import app

    text = _text(site / "reference" / "cli" / "index.html")
    n = 0
    for path, cmd in _commands(typer.main.get_command(app), ["weiming"]):
        assert " ".join(path) in text, path
        for p in cmd.params:
            if isinstance(p, click.Option) and p.name != "help":
                assert p.opts[0] in text, (path, p.opts)
                n += 1
    assert n > 20


def test_api_pages_carry_docstrings(site):
    text = _text(site / "reference" / "api" / "weiming.circuits" / "index.html")
    assert "load_design" in text and "The default design" in text


def test_tutorials_ran(site):
    # Executed output (not only the source) is on the pages.
    ring = _text(site / "tutorials" / "ring-design" / "index.html")
    assert re.search(r"FSR\s+30\.0\d\d GHz", ring) and "normal dispersion" in ring
    tape = _text(site / "tutorials" / "network-tapeout" / "index.html")
    assert "exit status 0" in tape
