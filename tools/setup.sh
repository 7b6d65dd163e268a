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

key=$(cat pyproject.toml setup.py tools/setup.sh "$CONSTRAINTS" | sha256sum | cut -c1-16)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$key" ] && [ -x "$VENV/bin/python" ]; then
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
echo "$key" > "$STAMP"
say "done"
