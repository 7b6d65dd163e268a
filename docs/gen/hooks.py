"""mkdocs hooks of the weiming site.

:func:`on_startup` writes the tree that mkdocstrings' static reader needs
before any plugin is configured (mkdocstrings resolves its ``paths`` then).
"""

from __future__ import annotations

import os
from pathlib import Path

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
    for stale in API_TREE.iterdir():  # a module removed from the source leaves no dangling link
        if stale.name not in wanted:
            stale.unlink()
    for name, target in wanted.items():
        link = API_TREE / name
        if link.is_symlink() and Path(os.readlink(link)) == target:
            continue
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target)


def on_startup(command: str, dirty: bool) -> None:
    link_api_tree()
