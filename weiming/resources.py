"""Package data files, found through :mod:`importlib.resources`.

Every data file the package reads at run time (PDK ``tech.yaml``, the default
design, process/spec files, yield surrogates, sweep examples) is opened
through :func:`data_path`, never through a path relative to the source tree,
so an installed wheel finds exactly what it ships. The test
``tests/test_packaging.py`` builds the wheel and checks that every file named
in a ``data_path(...)`` call of the source is inside it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_path(package: str, relpath: str) -> Path:
    """Filesystem path of the data file ``relpath`` (``/``-separated) in ``package``.

    ``package`` is a dotted module name such as ``"weiming.pdk.inp"``. weiming
    installs as a regular (unzipped) package, so the traversable is a real path;
    a zipped install is refused with a clear message instead of a wrong path.
    """
    node = resources.files(package).joinpath(*relpath.split("/"))
    path = Path(str(node))
    if not isinstance(node, Path) and not path.exists():
        raise RuntimeError(f"package data {package}:{relpath} is not on the filesystem "
                           "(weiming must be installed unzipped)")
    return path
