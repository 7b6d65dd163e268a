"""Map the top-level folders onto the ``weiming`` namespace.

``pdk/`` installs as ``weiming.pdk`` (likewise components, circuits, sims), so
site-packages never gets a bare ``pdk`` or ``sims`` module. Sub-packages are
discovered by walking each folder, so a new ``__init__.py`` needs no edit here.

Package data: every non-Python file below a package folder ships with the
nearest enclosing package, including files in plain data folders without an
``__init__.py`` (``sims/wafer/surrogates/*.json``, ``sims/sweep/examples/``),
which a ``package-data`` glob would miss. ``tests/test_packaging.py`` checks the
built wheel against the source tree.
"""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
FOLDERS = {"weiming": "weiming", "weiming.pdk": "pdk", "weiming.components": "components",
           "weiming.circuits": "circuits", "weiming.sims": "sims"}
#: Never data: caches and compiled files, and lab notes that document the source folder.
SKIP_SUFFIXES = {".py", ".pyc", ".pyo"}
SKIP_DIRS = {"__pycache__"}


def _packages() -> tuple[list[str], dict[str, str], dict[str, list[str]]]:
    packages, package_dir, package_data = [], {}, {}
    for name, folder in FOLDERS.items():
        base = ROOT / folder
        package_dir[name] = folder
        pkg_dirs = {init.parent for init in base.rglob("__init__.py") if not SKIP_DIRS & set(init.parts)}
        for d in sorted(pkg_dirs):
            packages.append(".".join([name, *d.relative_to(base).parts]))
        for f in sorted(base.rglob("*")):
            if not f.is_file() or f.suffix in SKIP_SUFFIXES or SKIP_DIRS & set(f.parts):
                continue
            owner = next(p for p in [f.parent, *f.parent.parents] if p in pkg_dirs)
            pkg = ".".join([name, *owner.relative_to(base).parts])
            package_data.setdefault(pkg, []).append(f.relative_to(owner).as_posix())
    return packages, package_dir, package_data


packages, package_dir, package_data = _packages()
setup(packages=packages, package_dir=package_dir, package_data=package_data)
