#!/usr/bin/env bash
# Idempotent set-up used by both README commands (make tapeout, make test).
#
# On Debian 12/13 as root: apt-installs python3-meep (meep + MPB + Harminv,
# built for Debian's /usr/bin/python3 and numpy) and python3-venv, makes .venv
# with --system-site-packages so that meep is importable, and installs weiming
# editable with its dev extras, keeping numpy on the major version Debian's
# meep was built against. Without apt or root it explains how to get meep with
# conda (pymeep) and carries on without it.
#
# meep's MPI build (for `weiming fdtd sparams --mpi N`): Debian's python3-meep-openmpi
# conflicts with python3-meep (apt would remove the serial build, and MPB with it), so
# as root on Debian its two packages are downloaded and unpacked into .venv/meep-openmpi,
# used only by the MPI ranks; the Open MPI runtime and mpi4py come from apt (nothing is
# removed: the install is simulated first). WEIMING_NO_MPI=1 skips it. Elsewhere: conda's
# `pymeep=*=mpi_mpich_*`.
#
# A stamp keyed by the hash of the install inputs makes a second run a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
STAMP="$VENV/.weiming-setup"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

say() { printf '[setup] %s\n' "$*"; }

want_apt=()
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    dpkg -s python3-meep >/dev/null 2>&1 || want_apt+=(python3-meep)
    dpkg -s python3-venv >/dev/null 2>&1 || want_apt+=(python3-venv)
    # Headless Chromium for the report test (optional: skip quietly if absent).
    if [ "${WEIMING_NO_CHROMIUM:-0}" != 1 ] && ! command -v chromium >/dev/null 2>&1; then
        want_apt+=(chromium)
    fi
    if [ ${#want_apt[@]} -gt 0 ]; then
        say "apt-get install ${want_apt[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq || true
        if ! apt-get install -y -qq "${want_apt[@]}" >/dev/null; then
            # Chromium is optional: retry without it.
            apt-get install -y -qq python3-meep python3-venv >/dev/null || say "apt failed; continuing without meep"
        fi
    fi
else
    if ! "$PY" -c 'import meep' >/dev/null 2>&1; then
        say "meep is not installed and apt/root is not available."
        say "Install it with conda:  conda create -n mp -c conda-forge pymeep pymeep-extras  (PyPI 'meep' is a different package)."
        say "Everything except the FDTD/MPB simulations works without it."
    fi
fi

# numpy major version Debian's meep was built against (numpy<2 on Debian 12).
CONSTRAINTS="$ROOT/.venv-constraints.txt"
np_major=$("$PY" -c 'import numpy; print(numpy.__version__.split(".")[0])' 2>/dev/null || echo "")
{
    if [ -n "$np_major" ]; then
        echo "numpy<$((np_major + 1))"
        # pandas 3 and pyarrow >= 24 need numpy 2 (pyarrow 23.0.1 checked with numpy 1.26).
        [ "$np_major" -lt 2 ] && printf 'pandas<3\npyarrow<24\n'
    fi
    true
} > "$CONSTRAINTS.tmp"
mv "$CONSTRAINTS.tmp" "$CONSTRAINTS"

# Whether this set-up installs meep's MPI build here: Debian as root with the serial python3-meep.
mpi_eligible() {
    [ "${WEIMING_NO_MPI:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
        && dpkg -s python3-meep >/dev/null 2>&1
}

# meep's MPI build in a private prefix (see the header). Returns non-zero, with a message, when it cannot.
install_meep_mpi() {
    local prefix="$VENV/meep-openmpi" ver libpkg tmp deps sim
    [ "${WEIMING_NO_MPI:-0}" = 1 ] && { say "WEIMING_NO_MPI=1: meep's MPI build not installed"; return 0; }
    if ! mpi_eligible; then
        say "meep's MPI build (for --mpi N) is installed by this script only on Debian as root with python3-meep;"
        say "  with conda: conda install -c conda-forge \"pymeep=*=mpi_mpich_*\""
        return 1
    fi
    ver=$(dpkg-query -W -f='${Version}' python3-meep)
    if [ -f "$prefix/.ready" ] && [ "$(cat "$prefix/.ready")" = "$ver" ]; then
        return 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    libpkg=$(apt-cache show "python3-meep-openmpi=$ver" 2>/dev/null | sed -n 's/^Depends:.*\(libmeep-openmpi[0-9]*\).*/\1/p' | head -1)
    if [ -z "$libpkg" ]; then
        apt-get update -qq || true
        libpkg=$(apt-cache show "python3-meep-openmpi=$ver" 2>/dev/null | sed -n 's/^Depends:.*\(libmeep-openmpi[0-9]*\).*/\1/p' | head -1)
    fi
    if [ -z "$libpkg" ]; then
        say "python3-meep-openmpi $ver is not in the apt sources: meep's MPI build not installed"
        return 1
    fi
    # runtime: Open MPI, mpi4py (meep's MPI build imports it) and the libraries libmeep-openmpi links,
    # except libmeep itself (unpacked below); installed only if apt would remove nothing
    deps=$(apt-cache show "$libpkg=$ver" | sed -n 's/^Depends: //p' | head -1 | tr ',' '\n' \
           | sed 's/|.*//; s/(.*)//; s/ //g' | grep -v '^libmeep' | grep -v '^$' | tr '\n' ' ')
    sim=$(apt-get install -s openmpi-bin python3-mpi4py $deps 2>&1) || { say "apt cannot install the MPI runtime"; return 1; }
    if printf '%s\n' "$sim" | grep -q '^Remv'; then
        say "installing the MPI runtime would remove packages; meep's MPI build not installed:"
        printf '%s\n' "$sim" | grep '^Remv' | head -5
        return 1
    fi
    say "apt-get install openmpi-bin python3-mpi4py $deps"
    apt-get install -y -qq openmpi-bin python3-mpi4py $deps >/dev/null || { say "apt failed: no MPI build"; return 1; }
    tmp=$(mktemp -d)
    chmod 755 "$tmp"  # apt-get download runs as _apt where it can
    if ! (cd "$tmp" && apt-get download -qq "$libpkg=$ver" "python3-meep-openmpi=$ver" 2>/dev/null); then
        say "apt-get download $libpkg python3-meep-openmpi failed: no MPI build"
        rm -rf "$tmp"; return 1
    fi
    rm -rf "$prefix.new"
    for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$prefix.new"; done
    rm -rf "$tmp"
    # check that it starts as an MPI build before using it
    if OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        PYTHONPATH="$prefix.new/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}" \
        LD_LIBRARY_PATH="$(echo "$prefix.new"/usr/lib/*-linux-gnu)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        mpirun --oversubscribe -np 1 "$VENV/bin/python" -c 'import meep, sys; sys.exit(0 if meep.with_mpi() else 3)' \
        >/dev/null 2>&1; then
        rm -rf "$prefix"; mv "$prefix.new" "$prefix"
        echo "$ver" > "$prefix/.ready"
        say "meep $ver MPI build (Open MPI) in $prefix: weiming fdtd sparams --mpi N"
    else
        rm -rf "$prefix.new"
        say "the unpacked MPI build of meep does not start under mpirun: not installed"
        return 1
    fi
}

key=$(cat pyproject.toml setup.py tools/setup.sh "$CONSTRAINTS" | sha256sum | cut -c1-16)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$key" ] && [ -x "$VENV/bin/python" ]; then
    # done before; only an MPI build that failed to install last time (e.g. no network) is retried
    if mpi_eligible && [ ! -f "$VENV/meep-openmpi/.ready" ]; then install_meep_mpi || true; fi
    exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV (system site packages, for Debian's meep)"
    "$PY" -m venv --system-site-packages "$VENV"
fi
say "installing weiming (editable, dev extras) with constraints: $(tr '\n' ' ' < "$CONSTRAINTS")"
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
"$VENV/bin/python" -m pip install -q -c "$CONSTRAINTS" -e ".[dev]"
"$VENV/bin/python" - <<'PY'
import numpy
print(f"[setup] numpy {numpy.__version__}", end="; ")
try:
    import meep
    print(f"meep {meep.__version__}")
except Exception as exc:  # noqa: BLE001 - report, do not fail: meep is optional
    print(f"meep unavailable ({exc.__class__.__name__}); FDTD/MPB parts will skip")
PY
install_meep_mpi || true
echo "$key" > "$STAMP"
say "done"
