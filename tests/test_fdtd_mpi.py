"""FDTD on several MPI ranks (``weiming fdtd sparams --mpi N``) gives the one-rank S-parameters.

The MPI build is meep's own parallel build (Debian python3-meep-openmpi, unpacked
by tools/setup.sh into .venv/meep-openmpi). The test skips only where that set-up
cannot install it (not Debian, not root, no python3-meep); on a Debian machine set
up by ``make test`` a missing build is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from weiming.sims.fdtd.core import FdtdInputError
from weiming.sims.fdtd.mpi import MpiUnavailableError, available_slots, check_ranks, find_mpi_build

#: the coarse 2D case: the sin800 1x2 MMI, 3 wavelengths, light in at o1 (3 ports, unequal |S|, ~10 s a run)
CASE = dict(cell="mmi1x2", pdk="sin800", resolution=10, wavelengths_um=[1.5, 1.55, 1.6], input_ports=["o1"],
            decay_by=1e-5)


def _setup_installs_mpi() -> bool:
    """Whether tools/setup.sh installs the MPI build on this machine (Debian, root, python3-meep)."""
    if os.environ.get("WEIMING_NO_MPI") == "1" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return False
    return subprocess.run(["dpkg", "-s", "python3-meep"], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def mpi_build():
    try:
        return find_mpi_build()
    except MpiUnavailableError as e:
        if _setup_installs_mpi():
            pytest.fail(f"tools/setup.sh installs meep's MPI build on this machine, but it is missing: {e}")
        pytest.skip(f"meep's MPI build is unavailable here: {e}")


@pytest.mark.meep
def test_two_ranks_give_the_one_rank_sparams(mpi_build):
    """2 ranks = 1 rank to 1e-6 in complex S; both near the serial build's |S|^2.

    1e-6: the domain split changes no arithmetic of the FDTD update; what remains is the port modes' MPB
    convergence (tolerance 1e-12), measured at ~1e-9. Serial build: its own C++ eigenmode source and
    projection vs the Python MPB port modes (weiming.sims.fdtd.port_modes) the Debian MPI build needs,
    without the serial run's mirror symmetry; measured |d|S|^2| = 4.4e-3 at 10 px/um (grid-level), allowed 0.01.
    """
    from weiming.sims.fdtd.mpi import sparams_mpi
    from weiming.sims.fdtd.sparameters import sparams

    kw = {k: v for k, v in CASE.items() if k not in ("cell", "pdk")}
    over = available_slots() < 2
    one = sparams_mpi(CASE["cell"], CASE["pdk"], 1, build=mpi_build, **kw)
    two = sparams_mpi(CASE["cell"], CASE["pdk"], 2, build=mpi_build, oversubscribe=over, **kw)
    assert (one.info["mpi_ranks"], two.info["mpi_ranks"]) == (1, 2)
    assert two.ports == one.ports == ["o1", "o2", "o3"]
    diff = np.abs(two.s[:, :, 0] - one.s[:, :, 0])
    print(f"max |S(2 ranks) - S(1 rank)| = {diff.max():.2e}")
    assert diff.max() < 1e-6
    assert np.all(np.abs(one.s[:, 1:, 0]) > 0.3)  # light reaches both outputs: not a trivially equal zero
    serial = sparams(CASE["cell"], CASE["pdk"], **kw)
    d = np.abs(np.abs(one.s[:, :, 0]) ** 2 - np.abs(serial.s[:, :, 0]) ** 2)
    print(f"max |S|^2 difference, MPI build (1 rank) vs serial build: {d.max():.2e}")
    assert d.max() < 0.01


@pytest.mark.meep
def test_cli_sparams_mpi_writes_the_outputs_once(mpi_build, tmp_path):
    """``weiming fdtd sparams --mpi 2``: exit 0, the three files (written once, from rank 0's result), file
    names on stdout only, and transmission ~1 through a straight guide."""
    out = tmp_path / "o"
    cmd = [sys.executable, "-m", "weiming.cli", "fdtd", "sparams", "straight", "--pdk", "sin800", "--set",
           "length=4", "--resolution", "12", "--wavelengths", "1.5:1.6:3", "--out", str(out), "--mpi", "2"]
    if available_slots() < 2:
        cmd.append("--oversubscribe")
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert [p.rsplit("/", 1)[-1] for p in r.stdout.split()] == ["straight.s2p", "sparams.json", "sparams.png"]
    js = json.loads((out / "sparams.json").read_text())
    assert js["info"]["mpi_ranks"] == 2
    t = np.abs(np.asarray(js["s"]["o2@o1"]["re"]) + 1j * np.asarray(js["s"]["o2@o1"]["im"])) ** 2
    assert np.allclose(t, 1.0, atol=0.03)  # as the serial test: mode-coefficient error of a 12 px/um grid
    assert sorted(x.name for x in out.iterdir()) == ["sparams.json", "sparams.png", "straight.s2p"]


@pytest.mark.parametrize("value", ["0", "-1", "2.5", "abc", "", "nan"])
def test_bad_rank_counts_are_refused(value):
    with pytest.raises(FdtdInputError, match="--mpi"):
        check_ranks(value)


def test_more_ranks_than_cpus_need_oversubscribe():
    n = available_slots() + 1
    with pytest.raises(FdtdInputError, match="--oversubscribe"):
        check_ranks(n)
    assert check_ranks(n, oversubscribe=True) == n
    assert check_ranks("1") == 1


#: hostile --mpi values (as tests/test_bad_input.py's INTEGERS, plus zero, empty and too many)
BAD_RANKS = ["nan", "inf", "-1", "1.5", "true", "99999999999999999999999999", "0", "", " ", "2x"]


@pytest.mark.parametrize("args", [["--mpi", v] for v in BAD_RANKS] + [["--oversubscribe"]],
                         ids=[f"mpi={v!r}" for v in BAD_RANKS] + ["oversubscribe-alone"])
def test_cli_mpi_bad_input(tmp_path, capsys, args):
    """Exit 2, one line naming --mpi (or --oversubscribe), nothing written; in-process like test_bad_input."""
    from weiming.cli import run

    out = tmp_path / "o"
    code = run(["fdtd", "sparams", "straight", "--pdk", "sin800", "--out", str(out), *args])
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: " + args[0]), lines
    assert not out.exists()


def test_cli_mpi_missing_build_names_what_to_install(tmp_path):
    env = dict(os.environ, WEIMING_MEEP_MPI_PREFIX=str(tmp_path / "none"))
    r = subprocess.run([sys.executable, "-m", "weiming.cli", "fdtd", "sparams", "straight", "--pdk", "sin800",
                        "--out", str(tmp_path / "o"), "--mpi", "1"], capture_output=True, text=True, timeout=120,
                       env=env)
    if shutil.which("mpirun") is None and shutil.which("mpiexec") is None:
        assert r.returncode == 2 and "mpirun" in r.stderr
        return
    assert r.returncode == 2, r.stderr
    assert "python3-meep-openmpi" in r.stderr and "pymeep=*=mpi_mpich_*" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
