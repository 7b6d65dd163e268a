"""Generate the reference pages at site build time (mkdocs-gen-files).

Nothing here is hand-written content: the PDK pages come from each PDK's
``tech.yaml`` (through :func:`weiming.pdk.get_tech`), the CLI page from the
typer app's click command tree, and the API pages are mkdocstrings directives
over the installed subpackages. ``tests/test_docs.py`` checks the built pages
against ``tech.yaml`` and the CLI.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import click
import mkdocs_gen_files
import typer

from weiming.cli import app
from weiming.pdk import get_tech, names

#: The source folders map onto ``weiming.*`` through setup.py's package_dir, which a
#: static reader (griffe, behind mkdocstrings) cannot follow; it reads this tree of
#: symbolic links instead (``paths`` in mkdocs.yml), rebuilt at every site build.
ROOT = Path(__file__).resolve().parents[2]
API_TREE = ROOT / ".docs-api" / "weiming"
FOLDERS = {"pdk": "pdk", "components": "components", "circuits": "circuits", "sims": "sims"}


def link_api_tree() -> None:
    API_TREE.mkdir(parents=True, exist_ok=True)
    wanted = {p.name: p for p in (ROOT / "weiming").iterdir() if p.name != "__pycache__"}
    wanted.update({name: ROOT / folder for name, folder in FOLDERS.items()})
    for name, target in wanted.items():
        link = API_TREE / name
        if link.is_symlink() and Path(os.readlink(link)) == target:
            continue
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target)


API_MODULES = {
    "weiming.pdk": "PDKs as data: registry, technology model, rules, DRC, KLayout export",
    "weiming.components": "Parametric cells and their registry",
    "weiming.circuits": "Design config, network plan, chips, reticles, build",
    "weiming.sims": "Mode solver, FDTD, device models, yield, sweeps",
    "weiming.tapeout": "The tape-out stages, summary and report",
}


def _cell(v) -> str:
    return html.escape("" if v is None else str(v)).replace("|", "\\|").replace("\n", " ")


def pdk_page(name: str) -> str:
    t = get_tech(name)
    out = [f"# PDK `{name}`", "", _cell(t.description), "",
           f"Generated from `tech.yaml` by `docs/gen/reference_pages.py`. Grid: {t.grid} um.", "",
           "## Layers", "", "| layer | GDS | colour | description |", "|---|---|---|---|"]
    for lname, ld in t.layers.items():
        swatch = f'<span style="display:inline-block;width:1em;height:1em;background:{ld.color}"></span>'
        out.append(f"| `{lname}` | {ld.gds[0]}/{ld.gds[1]} | {swatch} `{ld.color}` | {_cell(ld.description)} |")
    out += ["", "## Cross-sections", "", "| name | layer | width (um) | min radius (um) | description |",
            "|---|---|---|---|---|"]
    for xname, xs in t.cross_sections.items():
        out.append(f"| `{xname}` | `{xs.layer}` | {xs.width} | {xs.radius_min} | {_cell(xs.description)} |")
    out += ["", "## Layer stack", "", "| level | layer | zmin (um) | thickness (um) | material | source |",
            "|---|---|---|---|---|---|"]
    for lvl, st in t.layer_stack.items():
        get = st.get if isinstance(st, dict) else lambda k, _s=st: getattr(_s, k, None)
        out.append(f"| `{lvl}` | `{get('layer')}` | {get('zmin')} | {get('thickness')} | {get('material')} | "
                   f"{_cell(get('source'))} |")
    out += ["", "## Design rules", "", "| rule | kind | layer | other layer | value | source | description |",
            "|---|---|---|---|---|---|---|"]
    for r in t.rules:
        out.append(f"| `{r.name}` | {r.kind} | {_cell(r.layer)} | {_cell(r.other_layer)} | {r.value} | "
                   f"{_cell(r.source)} | {_cell(r.description)} |")
    return "\n".join(out) + "\n"


def _walk(cmd: click.Command, path: list[str]):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for sub in sorted(cmd.list_commands(click.Context(cmd))):
            yield from _walk(cmd.get_command(click.Context(cmd), sub), [*path, sub])


def cli_page() -> str:
    root = typer.main.get_command(app)
    out = ["# Command-line reference", "",
           "Generated from the typer app (`weiming.cli.app`) by `docs/gen/reference_pages.py`.", ""]
    for path, cmd in _walk(root, ["weiming"]):
        out += [f"## `{' '.join(path)}`", "", _cell((cmd.help or "").strip()), ""]
        params = [p for p in cmd.params if p.name != "help"]
        if params:
            out += ["| parameter | type | default | help |", "|---|---|---|---|"]
            for p in params:
                flag = " / ".join(p.opts) if isinstance(p, click.Option) else p.name.upper()
                default = "" if p.default is None or isinstance(p, click.Argument) else p.default
                out.append(f"| `{flag}` | {_cell(p.type.name)} | {_cell(default)} | "
                           f"{_cell(getattr(p, 'help', '') or '')} |")
            out.append("")
    return "\n".join(out) + "\n"


link_api_tree()
for pdk in names():
    with mkdocs_gen_files.open(f"reference/pdk-{pdk}.md", "w") as fh:
        fh.write(pdk_page(pdk))
with mkdocs_gen_files.open("reference/cli.md", "w") as fh:
    fh.write(cli_page())
for mod, title in API_MODULES.items():
    with mkdocs_gen_files.open(f"reference/api/{mod}.md", "w") as fh:
        fh.write(f"# `{mod}`\n\n{title}.\n\n::: {mod}\n")
