"""FDTD beyond one process: the same S-parameter run under ``mpirun -np N`` with meep's MPI build.

meep parallelises one simulation by splitting the cell into chunks, one or more
per MPI rank; every rank runs the same Python script, and reductions (DFT
fluxes, mode coefficients) are summed over all ranks, so every rank ends with
the same S-matrix. Rank 0 alone writes it.

Where the MPI build comes from (first found wins):

1. ``WEIMING_MEEP_MPI_PREFIX``: a directory holding Debian's
   ``python3-meep-openmpi`` and ``libmeep-openmpiNN`` unpacked (``dpkg -x``);
2. ``<venv>/meep-openmpi``: the same, made by ``tools/setup.sh`` on Debian as
   root. Debian's MPI package conflicts with the serial ``python3-meep`` (and
   lacks MPB), so it is kept out of the system's site-packages and put first
   on ``PYTHONPATH``/``LD_LIBRARY_PATH`` of the ranks only;
3. the interpreter's own ``meep`` if it is an MPI build (conda:
   ``conda install -c conda-forge "pymeep=*=mpi_mpich_*"``).

The parent process never imports the MPI meep (that would initialise MPI in
it); it writes the run's inputs to a JSON file, launches
``mpirun -np N python -m weiming.sims.fdtd.mpi SPEC``, and reads back the
result file that rank 0 wrote atomically. Bad input is refused before the
launch where it can be (rank count, MPI build present); errors raised inside
the run (unknown cell, bad cell parameter) come back as the same exception
types as in the serial run.

Debian's MPI build is compiled without MPB, so its ranks get their eigenmode
sources and mode coefficients from :mod:`weiming.sims.fdtd.port_modes` (the
serial package's MPB Python module, port modes in Python); a build with MPB
uses meep's own. ``info.port_modes`` of the result says which.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from weiming.sims.fdtd.core import FdtdInputError

#: Environment variable naming an unpacked MPI-meep prefix (overrides ``<venv>/meep-openmpi``).
PREFIX_ENV = "WEIMING_MEEP_MPI_PREFIX"
#: Directory of the private MPI build made by tools/setup.sh, inside the venv.
VENV_PREFIX_NAME = "meep-openmpi"
#: File tools/setup.sh writes into the prefix once the build has been checked to start under mpirun.
READY_MARKER = ".ready"

INSTALL_HINT = (
    "meep's MPI build is not installed: on Debian/Ubuntu as root run `bash tools/setup.sh` "
    "(it unpacks python3-meep-openmpi into .venv/meep-openmpi beside the serial python3-meep, and installs "
    "openmpi-bin, python3-mpi4py and libhdf5-openmpi-103-1); with conda run "
    "`conda install -c conda-forge \"pymeep=*=mpi_mpich_*\"`"
)

#: exception types a run may raise that the caller handles as bad input (same as the serial API)
_PASSED_BACK = {"FdtdInputError": FdtdInputError, "KeyError": KeyError, "ValueError": ValueError,
                "TypeError": TypeError}


class MpiUnavailableError(RuntimeError):
    """No MPI build of meep (or no ``mpirun``) to launch; the message says what to install."""


class MpiRunError(RuntimeError):
    """``mpirun`` failed without a result (a rank crashed or was killed)."""


@dataclass(frozen=True)
class MpiBuild:
    """How to start ranks of meep's MPI build: launcher, interpreter and environment additions."""

    mpirun: str
    python: str
    env: dict[str, str] = field(default_factory=dict)
    source: str = ""
    open_mpi: bool = True

    def command(self, nproc: int, argv: list[str]) -> list[str]:
        """``mpirun -np N python argv...`` (Open MPI: rank-count policy is checked by :func:`check_ranks`)."""
        cmd = [self.mpirun, "-np", str(nproc)]
        if self.open_mpi:
            # the rank count is checked against the usable CPUs before the launch; Open MPI's own slot count
            # (physical cores only) would otherwise refuse N = logical CPUs on hyper-threaded machines
            cmd += ["--oversubscribe"]
            for name in self.env:
                cmd += ["-x", name]  # forwarded to remote nodes too
        return cmd + [self.python, *argv]

    def environment(self, nproc: int = 1) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.env)
        if self.open_mpi and os.geteuid() == 0:  # containers and CI run as root; Open MPI refuses that by default
            env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
            env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        if self.open_mpi and nproc > 1 and os.getloadavg()[0] + nproc > available_slots():
            # cores already busy: a rank waiting for its neighbour should give its core away instead of
            # spinning (measured on 2 shared cores, load ~5.5, 3D case: 2 ranks 116 s spinning, 65 s yielding)
            env.setdefault("OMPI_MCA_mpi_yield_when_idle", "1")
        return env


def _prepend(var: str, path: Path) -> str:
    old = os.environ.get(var, "")
    return str(path) + (os.pathsep + old if old else "")


def _prefix_build(prefix: Path, mpirun: str, open_mpi: bool) -> MpiBuild | None:
    site = prefix / "usr" / "lib" / "python3" / "dist-packages"
    if not (site / "meep" / "__init__.py").is_file():
        return None
    libdirs = [p for p in (prefix / "usr" / "lib").glob("*-linux-gnu") if p.is_dir()]
    env = {"PYTHONPATH": _prepend("PYTHONPATH", site)}
    if libdirs:
        env["LD_LIBRARY_PATH"] = _prepend("LD_LIBRARY_PATH", libdirs[0])
    return MpiBuild(mpirun, sys.executable, env, f"Debian python3-meep-openmpi unpacked in {prefix}", open_mpi)


def _interpreter_has_mpi_meep() -> bool:
    """Whether this interpreter's own ``meep`` is an MPI build (checked in a child: importing it here would
    initialise MPI in the parent)."""
    code = "import meep, sys; sys.exit(0 if meep.with_mpi() else 3)"
    try:
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def _is_open_mpi(mpirun: str) -> bool:
    try:
        out = subprocess.run([mpirun, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "Open MPI" in out or "OpenRTE" in out


def find_mpi_build() -> MpiBuild:
    """The MPI build to launch (see the module doc for the search order), or :class:`MpiUnavailableError`."""
    mpirun = shutil.which("mpirun") or shutil.which("mpiexec")
    if mpirun is None:
        raise MpiUnavailableError("`mpirun` is not on PATH; " + INSTALL_HINT)
    # Open MPI derives its install prefix from the path it was started by: /bin/mpirun (merged /usr) gives "/"
    mpirun = os.path.realpath(mpirun)
    open_mpi = _is_open_mpi(mpirun)
    explicit = os.environ.get(PREFIX_ENV)
    if explicit:
        build = _prefix_build(Path(explicit), mpirun, open_mpi)
        if build is None:
            raise MpiUnavailableError(f"{PREFIX_ENV}={explicit!r} holds no usr/lib/python3/dist-packages/meep; "
                                      + INSTALL_HINT)
        return build
    venv_prefix = Path(sys.prefix) / VENV_PREFIX_NAME
    if (venv_prefix / READY_MARKER).is_file():
        build = _prefix_build(venv_prefix, mpirun, open_mpi)
        if build is not None:
            return build
    if _interpreter_has_mpi_meep():
        return MpiBuild(mpirun, sys.executable, {}, "this interpreter's meep (MPI build)", open_mpi)
    raise MpiUnavailableError(INSTALL_HINT)


def available_slots() -> int:
    """CPUs this process may run on (the default limit for ``--mpi N`` on one machine)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def check_ranks(nproc, *, oversubscribe: bool = False, option: str = "--mpi") -> int:
    """``nproc`` as an int >= 1 and, unless ``oversubscribe``, <= :func:`available_slots`; else FdtdInputError."""
    if isinstance(nproc, bool) or not isinstance(nproc, (int, np.integer)):
        try:
            as_float = float(nproc)
        except (TypeError, ValueError):
            as_float = None
        if as_float is None or not as_float.is_integer():
            raise FdtdInputError(f"{option} {nproc!r}: the number of MPI ranks must be an integer >= 1")
        nproc = int(as_float)
    nproc = int(nproc)
    if nproc < 1:
        raise FdtdInputError(f"{option} {nproc}: the number of MPI ranks must be an integer >= 1")
    slots = available_slots()
    if nproc > slots and not oversubscribe:
        raise FdtdInputError(f"{option} {nproc}: more ranks than the {slots} CPUs available here "
                             "(add --oversubscribe to run them anyway, sharing CPUs)")
    return nproc


def run_mpi(func: str, kwargs: dict, nproc: int, *, oversubscribe: bool = False, build: MpiBuild | None = None,
            stdout=None) -> dict:
    """Run ``func`` (``"sparams"``) with ``kwargs`` on ``nproc`` MPI ranks; return rank 0's result JSON.

    ``stdout``: where the ranks' console output goes (default: this process's stderr, so that a CLI's own
    stdout stays clean).
    """
    if func not in _WORKERS:
        raise FdtdInputError(f"unknown MPI run {func!r}: one of {sorted(_WORKERS)}")
    nproc = check_ranks(nproc, oversubscribe=oversubscribe)
    build = build or find_mpi_build()
    with tempfile.TemporaryDirectory(prefix="weiming-mpi-") as tmp:
        spec, result = Path(tmp) / "spec.json", Path(tmp) / "result.json"
        spec.write_text(json.dumps({"func": func, "kwargs": kwargs, "result": str(result)}))
        cmd = build.command(nproc, ["-m", __name__, str(spec)])  # this module, wherever it lives
        sys.stdout.flush()
        proc = subprocess.run(cmd, env=build.environment(nproc), stdout=stdout if stdout is not None else sys.stderr,
                              stderr=None, stdin=subprocess.DEVNULL, check=False)
        if not result.is_file():
            raise MpiRunError(f"`{shlex.join(cmd)}` exited with status {proc.returncode} without a result "
                              f"(its output is above; MPI build: {build.source})")
        out = json.loads(result.read_text())
    if "error" in out:
        raise _PASSED_BACK.get(out["error"]["type"], RuntimeError)(out["error"]["message"])
    out["mpi_build"] = build.source
    return out


def sparams_mpi(cell: str, pdk: str, nproc: int, *, oversubscribe: bool = False, build: MpiBuild | None = None,
                stdout=None, **kwargs):
    """:func:`weiming.sims.fdtd.sparameters.sparams` run on ``nproc`` MPI ranks; returns the same ``SParams``."""
    from weiming.sims.fdtd.sparameters import SParams

    kw = dict(kwargs, cell=cell, pdk=pdk, progress=False)
    if kw.get("wavelengths_um") is not None:
        kw["wavelengths_um"] = np.atleast_1d(np.asarray(kw["wavelengths_um"], dtype=float)).tolist()
    js = run_mpi("sparams", kw, nproc, oversubscribe=oversubscribe, build=build, stdout=stdout)
    res = SParams.from_json(js)
    res.info["mpi_build"] = js["mpi_build"]
    return res


# ---------------------------------------------------------------- rank side

def _sparams_worker(kwargs: dict, port_modes: str) -> dict:
    from weiming.sims.fdtd.sparameters import sparams

    if port_modes != "meep":  # the Python port modes do not handle meep's mirror symmetries
        kwargs = dict(kwargs, use_symmetry=False)
    out = sparams(**kwargs).to_json()
    out["info"]["port_modes"] = port_modes
    return out


_WORKERS = {"sparams": _sparams_worker}


def _rank_main(spec_path: str) -> int:
    """Entry point of every rank: run the spec's function; rank 0 writes the result (or the error) atomically."""
    from weiming.fileio import atomic_write_text
    from weiming.sims.fdtd import port_modes as fdtd_port_modes
    from weiming.sims.fdtd.core import meep_module

    spec = json.loads(Path(spec_path).read_text())
    mp = meep_module()
    port_modes = "meep"
    if not fdtd_port_modes.build_has_mpb(mp):  # Debian's MPI build: eigenmode sources from Python MPB
        fdtd_port_modes.install(mp)
        port_modes = "python-mpb (this meep build has no MPB: weiming.sims.fdtd.port_modes)"
    try:
        t0 = time.perf_counter()
        out = _WORKERS[spec["func"]](spec["kwargs"], port_modes)
        # the run's own wall time on rank 0, without mpirun's start-up and the imports
        out.setdefault("info", {}).update(mpi_ranks=int(mp.count_processors()),
                                          rank0_wall_s=round(time.perf_counter() - t0, 3))
    except tuple(_PASSED_BACK.values()) as e:  # every rank raises the same; rank 0 reports it
        out = {"error": {"type": type(e).__name__, "message": str(e).strip("'\"")}}
    if mp.am_master():
        atomic_write_text(spec["result"], json.dumps(out))
    return 0


__all__ = ["MpiBuild", "MpiRunError", "MpiUnavailableError", "available_slots", "check_ranks", "find_mpi_build",
           "run_mpi", "sparams_mpi"]

if __name__ == "__main__":
    sys.exit(_rank_main(sys.argv[1]))
