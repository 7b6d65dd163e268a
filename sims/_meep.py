"""Import guard for Debian's meep/MPB: a clear error instead of an ImportError.

``require_meep()`` returns the ``meep`` module and ``require_mpb()`` the
``meep.mpb`` module, or raise :class:`MeepMissingError` that says how to
install them. Import these inside functions so that the rest of weiming works
without meep.
"""

from __future__ import annotations

import atexit
import warnings
from types import ModuleType

INSTALL_HINT = (
    "meep/MPB is not installed: on Debian/Ubuntu run `apt-get install python3-meep` "
    "(and create the venv with --system-site-packages, as tools/setup.sh does); "
    "elsewhere run `conda install -c conda-forge pymeep` "
    "(the PyPI package called 'meep' is a different project)"
)


class MeepMissingError(RuntimeError):
    """meep (or its MPB mode solver) cannot be imported."""

    def __init__(self, detail: str = "") -> None:
        msg = INSTALL_HINT + (f" [{detail}]" if detail else "")
        super().__init__(msg)


def require_meep() -> ModuleType:
    """The ``meep`` module, or raise :class:`MeepMissingError`."""
    try:
        with warnings.catch_warnings():  # numpy's float-limit warnings from meep's import: noise
            warnings.filterwarnings("ignore", message="The value of the smallest subnormal")
            import meep
    except ImportError as e:  # also catches broken installs (missing shared libraries)
        raise MeepMissingError(str(e)) from e
    # meep prints "Elapsed run time" on stdout at exit, which would corrupt the
    # CLI's --json output: drop that atexit hook.
    atexit.unregister(getattr(meep, "report_elapsed_time", lambda: None))
    return meep


def require_mpb() -> ModuleType:
    """The ``meep.mpb`` module (MPB mode solver), or raise :class:`MeepMissingError`."""
    require_meep()
    try:
        from meep import mpb
    except ImportError as e:  # e.g. h5py missing, or meep built without MPB
        raise MeepMissingError(f"meep.mpb: {e}") from e
    return mpb
