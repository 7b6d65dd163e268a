"""Map the top-level folders onto the ``weiming`` namespace.

``pdk/`` installs as ``weiming.pdk`` (likewise components, circuits, sims), so
site-packages never gets a bare ``pdk`` or ``sims`` module. Sub-packages are
discovered by walking each folder, so a new ``__init__.py`` needs no edit here.
"""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
FOLDERS = {"weiming": "weiming", "weiming.pdk": "pdk", "weiming.components": "components",
           "weiming.circuits": "circuits", "weiming.sims": "sims"}


def _packages() -> tuple[list[str], dict[str, str]]:
    packages, package_dir = [], {}
    for name, folder in FOLDERS.items():
        package_dir[name] = folder
        for init in sorted((ROOT / folder).rglob("__init__.py")):
            rel = init.parent.relative_to(ROOT / folder)
            packages.append(".".join([name, *rel.parts]))
    return packages, package_dir


packages, package_dir = _packages()
setup(packages=packages, package_dir=package_dir)
