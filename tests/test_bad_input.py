"""Hostile inputs across every command: exit 2, exactly one line on stderr, no traceback, nothing new written.

The table is data: ``CASES`` is a list of ``(id, argv)`` where ``argv`` may use the placeholders of
:func:`_fill` (``{out}`` a fresh output folder, ``{file}`` an existing regular file, ``{ro}`` a folder
nobody can write into, ...). To cover a new command, add rows or generator calls in ``_cases`` (or
``CASES += ...`` at the end), e.g. for ``weiming comb``::

    CASES += out_dir_rows("comb", ["comb", "--out", "{OUT}"])
    CASES += number_rows("comb-pump", ["comb", "--out", "{out}", "--pump-mw", "{V}"])
    CASES += [("comb-config-bool", ["comb", "--config", "{design:channels-bool}", "--out", "{out}"])]

Each case runs in-process through :func:`weiming.cli.run` (the same entry point as the console script,
with its safety net), which keeps 150+ cases fast. Tolerance: none; every case must be refused.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

from weiming.cli import run

ROOT = Path(__file__).resolve().parents[1]
REF_GDS = ROOT / "tests" / "ref_gds" / "sin100" / "bend_euler.gds"

# -------------------------------------------------------------------- hostile values
NUMBERS = ["nan", "inf", "-inf", "-1", "1e400", "true"]          # for float options
INTEGERS = ["nan", "inf", "-1", "1.5", "true", "99999999999999999999999999"]
PATHS = ["{file}", "{under_file}", "{ro}"]                       # unusable output folders
OUT_FILES = ["{dir}", "{under_file}/x", "{ro}/x"]                # unusable output files (suffix added)

DESIGNS = {  # design YAML files, refused by build and tapeout before any work
    "channels-bool": "network: {channels: true}\n",
    "channels-zero": "network: {channels: 0}\n",
    "channels-huge": "network: {channels: 1000000000}\n",
    "channels-float": "network: {channels: 2.5}\n",
    "fsr-nan": "network: {fsr_ghz: .nan}\n",
    "fsr-inf": "network: {fsr_ghz: .inf}\n",
    "fsr-negative": "network: {fsr_ghz: -30.03}\n",
    "fsr-bool": "network: {fsr_ghz: false}\n",
    "fsr-text": "network: {fsr_ghz: fast}\n",
    "unknown-key": "network: {chanels: 4}\n",
    "unknown-top": "colour: red\n",
    "die-bool": "client: {die_um: [true, 2000]}\n",
    "die-negative": "client: {die_um: [-4600, 2000]}\n",
    "die-one-number": "client: {die_um: 4600}\n",
    "list-top": "- a\n- b\n",
    "scalar-top": "42\n",
    "bad-yaml": "network: {channels: [1, \n",
    "tabs-yaml": "network:\n\tchannels: 4\n",
    "spec-reversed": "spec: {comb_ring: {qi_range: [25.0e6, 15.0e6]}}\n",
    "spec-nan": "spec: {comb_ring: {qi_range: [.nan, 1.0e7]}}\n",
    "spec-unknown": "spec: {comb_ring: {qi_rnage: [1, 2]}}\n",
    "spec-bool-number": "spec: {yield: {modulator_min: true}}\n",
    "name-hostile": "name: \"../../etc/passwd\"\n",
    "reticle-too-big": "reticles: {sin: {name: S, field_um: [50000, 7000]}}\n",
    "binary": b"\x00\xff\xfe\x00GDS\x00".decode("latin-1"),
}

SPECS = {  # sweep specs, refused before any point runs
    "sweep-empty-values": "target: {kind: benchmark}\nparameters:\n  n: {values: []}\n",
    "sweep-unknown-kind": "target: {kind: nosuch}\nparameters:\n  n: {values: [1]}\n",
    "sweep-reversed": "target: {kind: benchmark}\nparameters:\n  n: {min: 9, max: 1, num: 2}\n",
    "sweep-nan": "target: {kind: benchmark}\nparameters:\n  n: {min: .nan, max: 1, num: 2}\n",
    "sweep-unknown-key": "target: {kind: benchmark}\nparameter:\n  n: {values: [1]}\n",
    "sweep-not-mapping": "- 1\n- 2\n",
    "sweep-bad-yaml": "target: {kind: benchmark\n",
}

GDS = {  # hostile layout files for drc
    "gds-empty": b"",
    "gds-text": b"this is not a layout\n",
    "gds-random": bytes(range(256)) * 8,
    "gds-truncated": None,   # the first 100 bytes of a real GDS
    "gds-huge-record": b"\xff\xff\x00\x02" + b"\x00" * 60,
}


def out_dir_rows(name: str, argv: list[str]) -> list[tuple[str, list[str]]]:
    """Rows with ``{OUT}`` in ``argv`` replaced by each unusable output folder (a file, under a file,
    unwritable). For a new command: ``CASES += out_dir_rows("comb", ["comb", "--out", "{OUT}"])``."""
    return [(f"{name}-out-{i}", [a.replace("{OUT}", p) for a in argv]) for i, p in enumerate(PATHS)]


def out_file_rows(name: str, argv: list[str], suffix: str) -> list[tuple[str, list[str]]]:
    """Rows with ``{OUT}`` replaced by each unusable output file path ending in ``suffix``."""
    return [(f"{name}-{i}", [a.replace("{OUT}", p + suffix) for a in argv]) for i, p in enumerate(OUT_FILES)]


def number_rows(name: str, argv: list[str], values: list[str] = NUMBERS) -> list[tuple[str, list[str]]]:
    """Rows with ``{V}`` replaced by each hostile number (NaN, inf, negative, huge, boolean)."""
    return [(f"{name}-{v}", [a.replace("{V}", v) for a in argv]) for v in values]


def _cases() -> list[tuple[str, list[str]]]:
    c: list[tuple[str, list[str]]] = []
    add = c.append
    cell = ["cells", "show", "ring_resonator", "--pdk", "sin100"]

    # ---- output locations that are files, under a file, or not writable
    c += out_dir_rows("build", ["build", "--out", "{OUT}"])
    c += out_dir_rows("tapeout", ["tapeout", "--out", "{OUT}", "--only", "build"])
    c += out_dir_rows("yield", ["yield", "--out", "{OUT}", "--wafers", "1"])
    c += out_dir_rows("sweep", ["sweep", "{good_spec}", "--out", "{OUT}"])
    c += out_dir_rows("gallery", ["gallery", "--pdk", "sin100", "--out", "{OUT}"])
    c += out_dir_rows("sparams", ["fdtd", "sparams", "straight", "--pdk", "sin100", "--out", "{OUT}"])
    c += out_dir_rows("klayout", ["pdk", "export-klayout", "sin100", "{OUT}"])
    c += out_file_rows("cells-gds", [*cell, "--gds", "{OUT}"], ".gds")
    c += out_file_rows("cells-png", [*cell, "--gds", "{out}/r.gds", "--png", "{OUT}"], ".png")
    c += out_file_rows("modes-png", ["modes", "--pdk", "sin100", "--xs", "resonator", "--wavelength", "1.55",
                                     "--png", "{OUT}"], ".png")
    c += out_file_rows("dispersion-png", ["dispersion", "--pdk", "sin100", "--xs", "resonator", "--fsr", "30e9",
                                          "--png", "{OUT}"], ".png")
    c += out_file_rows("ring-png", ["ring", "spectrum", "--pdk", "sin100", "--radius", "1000", "--gap", "2.5",
                                    "--png", "{OUT}"], ".png")
    add(("cells-gds-wrong-suffix", [*cell, "--gds", "{out}/r.txt"]))
    add(("cells-png-wrong-suffix", [*cell, "--gds", "{out}/r.gds", "--png", "{out}/r.jpg"]))

    # ---- input files that are missing or folders
    for opt_cmd in (["build", "--out", "{out}", "--config"], ["tapeout", "--out", "{out}", "--config"],
                    ["yield", "--out", "{out}", "--config"], ["yield", "--out", "{out}", "--specs"]):
        add((f"{opt_cmd[0]}-{opt_cmd[-1][2:]}-missing", [*opt_cmd, "{missing}"]))
        add((f"{opt_cmd[0]}-{opt_cmd[-1][2:]}-dir", [*opt_cmd, "{dir}"]))
    add(("sweep-spec-missing", ["sweep", "{missing}", "--out", "{out}"]))
    add(("sweep-spec-dir", ["sweep", "{dir}", "--out", "{out}"]))
    add(("drc-missing", ["drc", "{missing}", "--pdk", "sin100"]))
    add(("drc-dir", ["drc", "{dir}", "--pdk", "sin100"]))

    # ---- design files
    for name in DESIGNS:
        add((f"build-design-{name}", ["build", "--config", f"{{design:{name}}}", "--out", "{out}"]))
        add((f"tapeout-design-{name}", ["tapeout", "--config", f"{{design:{name}}}", "--out", "{out}"]))
    add(("yield-config-unknown-key", ["yield", "--out", "{out}", "--config", "{design:unknown-top}"]))
    add(("yield-config-list", ["yield", "--out", "{out}", "--config", "{design:list-top}"]))
    add(("yield-config-bad-yaml", ["yield", "--out", "{out}", "--config", "{design:bad-yaml}"]))

    # ---- sweep specs
    for name in SPECS:
        add((name, ["sweep", f"{{spec:{name}}}", "--out", "{out}"]))
    add(("sweep-workers-huge", ["sweep", "{good_spec}", "--out", "{out}", "--workers", "100000"]))
    for i, w in enumerate(["1.5:inf:3", "1.6:1.5:10", "a:b:c", "1.5:1.6:0", "1.5:1.6:100000000", "nan:1.6:3",
                           "1.5:1.6"]):
        add((f"sparams-wavelengths-{i}", ["fdtd", "sparams", "straight", "--pdk", "sin100", "--out", "{out}",
                                          "--wavelengths", w]))
    add(("sparams-set-nan", ["fdtd", "sparams", "straight", "--pdk", "sin100", "--out", "{out}",
                             "--set", "length=nan"]))
    add(("sweep-workers-zero", ["sweep", "{good_spec}", "--out", "{out}", "--workers", "0"]))
    add(("sweep-workers-and-scheduler", ["sweep", "{good_spec}", "--out", "{out}", "--workers", "1",
                                         "--scheduler", "tcp://127.0.0.1:1"]))

    # ---- hostile layouts
    for name in GDS:
        add((f"drc-{name}", ["drc", f"{{gds:{name}}}", "--pdk", "sin100"]))
    add(("drc-unknown-pdk", ["drc", str(REF_GDS), "--pdk", "nosuch"]))

    # ---- numbers: NaN, inf, huge, negative, booleans
    c += number_rows("modes-wavelength", ["modes", "--pdk", "sin100", "--xs", "resonator", "--wavelength", "{V}"])
    c += number_rows("modes-width", ["modes", "--pdk", "sin100", "--xs", "resonator", "--wavelength", "1.55",
                                     "--width", "{V}"])
    c += number_rows("dispersion-fsr", ["dispersion", "--pdk", "sin100", "--xs", "resonator", "--fsr", "{V}"])
    c += number_rows("ring-radius", ["ring", "spectrum", "--pdk", "sin100", "--radius", "{V}", "--gap", "2.5"])
    c += number_rows("ring-gap", ["ring", "spectrum", "--pdk", "sin100", "--radius", "1000", "--gap", "{V}"])
    c += number_rows("ring2d-ncore", ["fdtd", "ring2d", "--n-core", "{V}", "--width", "1", "--radius", "1",
                                      "--fcen", "0.15", "--df", "0.1"])
    c += number_rows("set-fsr", [*cell, "--gds", "{out}/r.gds", "--set", "fsr={V}"])
    c += number_rows("yield-wafers", ["yield", "--out", "{out}", "--wafers", "{V}"], INTEGERS)
    c += number_rows("yield-seed", ["yield", "--out", "{out}", "--seed", "{V}"], INTEGERS)
    c += number_rows("tapeout-seed", ["tapeout", "--out", "{out}", "--seed", "{V}"], INTEGERS)
    add(("yield-wafers-too-many-for-memory", ["yield", "--out", "{out}", "--wafers", "100000000"]))
    add(("yield-wafers-zero", ["yield", "--out", "{out}", "--wafers", "0"]))
    add(("yield-observed-bad", ["yield", "--out", "{out}", "--observed", "121/120"]))
    add(("yield-observed-text", ["yield", "--out", "{out}", "--observed", "most"]))
    add(("modes-num-modes-zero", ["modes", "--pdk", "sin100", "--xs", "resonator", "--wavelength", "1.55",
                                  "--num-modes", "0"]))
    add(("dispersion-both", ["dispersion", "--pdk", "sin100", "--xs", "resonator", "--fsr", "30e9",
                             "--radius", "1000"]))
    add(("ring-coupler-bad", ["ring", "spectrum", "--pdk", "sin100", "--radius", "1000", "--gap", "2.5",
                              "--coupler", "magic"]))

    # ---- --set parameters of a cell
    for i, item in enumerate(["gap=[1,2]", "radius=1e9", "nosuch=1", "=3", "1x=2", "gap", "width=-3",
                              "radius=0", "gap=true", "fsr=30e9", "heater=maybe"]):
        extra = ["--set", "radius=500"] if item == "fsr=30e9" else []  # fsr and radius together
        add((f"set-{i}", [*cell, "--gds", "{out}/r.gds", "--set", item, *extra]))

    # ---- unknown things
    add(("unknown-pdk-cells", ["cells", "list", "--pdk", "nosuch"]))
    add(("unknown-pdk-show", ["pdk", "show", "nosuch"]))
    add(("unknown-cell", ["cells", "show", "nosuch", "--pdk", "sin100", "--gds", "{out}/x.gds"]))
    add(("unknown-command", ["nosuch"]))
    add(("unknown-option", ["build", "--out", "{out}", "--colour", "red"]))
    add(("unknown-stage", ["tapeout", "--out", "{out}", "--only", "build,nosuch"]))
    add(("empty-stage-list", ["tapeout", "--out", "{out}", "--only", ","]))
    add(("unknown-xs", ["modes", "--pdk", "sin100", "--xs", "nosuch", "--wavelength", "1.55", "--radius", "-1"]))
    return c


# ---- commands added by other branches (lvs, network, comb): same rules, one-line rows
_LVS = ["lvs", str(REF_GDS), "--pdk", "sin100", "--schematic"]
_NET = ["network", "--quick"]
_LATER: list[tuple[str, list[str]]] = []
_LATER += [
    ("lvs-layout-missing", ["lvs", "{missing}", "--pdk", "sin100", "--schematic", "{good_spec}"]),
    ("lvs-layout-dir", ["lvs", "{dir}", "--pdk", "sin100", "--schematic", "{good_spec}"]),
    ("lvs-layout-truncated", ["lvs", "{gds:gds-truncated}", "--pdk", "sin100", "--schematic", "{good_spec}"]),
    ("lvs-layout-random", ["lvs", "{gds:gds-random}", "--pdk", "sin100", "--schematic", "{good_spec}"]),
    ("lvs-schematic-missing", [*_LVS, "{missing}"]),
    ("lvs-schematic-dir", [*_LVS, "{dir}"]),
    ("lvs-schematic-bad-yaml", [*_LVS, "{design:bad-yaml}"]),
    ("lvs-unknown-pdk", ["lvs", str(REF_GDS), "--pdk", "nosuch", "--schematic", "{good_spec}"]),
    ("network-config-bool", [*_NET, "--config", "{design:channels-bool}"]),
    ("network-config-missing", [*_NET, "--config", "{missing}"]),
    ("network-network-missing", [*_NET, "--network", "{missing}"]),
    ("network-protocol-bad", [*_NET, "--protocol", "bb84x"]),
]
_LATER += number_rows("network-distance", [*_NET, "--distance-km", "{V}"])
_LATER += out_file_rows("network-png", [*_NET, "--png", "{OUT}"], ".png")
# weiming comb (the design's comb) and comb lle (the normalised LLE)
_LLE = ["comb", "lle", "--zeta", "2", "--dispersion", "normal", "--modes", "64"]
_LATER += [
    ("comb-config-bool", ["comb", "--config", "{design:channels-bool}"]),
    ("comb-config-missing", ["comb", "--config", "{missing}"]),
    ("comb-lle-dispersion-bad", ["comb", "lle", "--f2", "3", "--zeta", "2", "--dispersion", "weird", "--modes", "64"]),
    ("comb-lle-seed-bad", [*_LLE, "--f2", "3", "--seed-state", "soliton9"]),
    ("comb-lle-dint-shift-bad", [*_LLE, "--f2", "3", "--dint-shift", "x:y"]),
]
_LATER += number_rows("comb-pump", ["comb", "--pump-mw", "{V}"])
_LATER += number_rows("comb-modes", ["comb", "--modes", "{V}"], INTEGERS)
_LATER += number_rows("comb-lle-f2", [*_LLE, "--f2", "{V}"])
_LATER += number_rows("comb-lle-tau", [*_LLE, "--f2", "3", "--tau", "{V}"])
_LATER += out_file_rows("comb-png", ["comb", "--png", "{OUT}"], ".png")


CASES = _cases() + _LATER


@pytest.fixture
def place(tmp_path):
    """The folder a case may touch, with its fixtures; returns (root, fill)."""
    (tmp_path / "afile").write_text("not a folder\n")
    for d in ("adir", "adir.gds", "adir.png"):  # folders where a file is expected
        (tmp_path / d).mkdir()
    good = tmp_path / "good.yaml"
    good.write_text("target: {kind: benchmark}\nparameters:\n  n: {values: [1000]}\n")

    def fill(arg: str) -> str:
        for key, text, suffix, table in (("design:", None, ".yaml", DESIGNS), ("spec:", None, ".yaml", SPECS),
                                         ("gds:", None, ".gds", GDS)):
            if arg.startswith("{" + key):
                name = arg[len(key) + 1:-1]
                p = tmp_path / "inputs" / f"{name}{suffix}"
                p.parent.mkdir(exist_ok=True)
                data = table[name]
                if data is None:
                    data = REF_GDS.read_bytes()[:100]
                p.write_bytes(data if isinstance(data, bytes) else data.encode("latin-1"))
                return str(p)
        return (arg.replace("{out}", str(tmp_path / "out")).replace("{file}", str(tmp_path / "afile"))
                .replace("{under_file}", str(tmp_path / "afile" / "sub")).replace("{ro}", "/proc/weiming-no")
                .replace("{dir}", str(tmp_path / "adir")).replace("{missing}", str(tmp_path / "missing.yaml"))
                .replace("{good_spec}", str(good)))

    return tmp_path, fill


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if "inputs" not in p.relative_to(root).parts}


def test_the_table_is_large_enough_and_ids_are_unique():
    ids = [i for i, _ in CASES]
    assert len(ids) >= 150, len(ids)
    assert len(set(ids)) == len(ids), [i for i in ids if ids.count(i) > 1]


@pytest.mark.parametrize("case_id, argv", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_cleanly(place, capsys, case_id, argv):
    root, fill = place
    args = [fill(a) for a in argv]  # writes the case's input files (under inputs/, not watched)
    before = _tree(root)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = run(args)
    out, err = capsys.readouterr()
    shown = [w for w in caught if issubclass(w.category, (RuntimeWarning, UserWarning))]
    assert not shown, (case_id, [str(w.message) for w in shown])  # each would be one more line on stderr
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2, (case_id, code, err[-1500:], out[-500:])
    assert len(lines) == 1, (case_id, lines)
    assert "Traceback" not in err + out
    assert lines[0].startswith("error:"), lines
    assert _tree(root) == before, sorted(_tree(root) - before)
    assert not Path("/proc/weiming-no").exists()


def test_set_numbers_are_read_as_people_write_them(tmp_path, capsys):
    """``--set fsr=30.03e9`` is a number (YAML 1.1 would make it text); the cell records it."""
    from weiming.commands._common import parse_value

    assert parse_value("30.03e9") == 30.03e9 and parse_value("1e-3") == 1e-3 and parse_value("7") == 7
    assert parse_value("true") is True and parse_value("[1, 2]") == [1, 2] and parse_value("point") == "point"
    with pytest.raises(ValueError):
        parse_value("nan")
    gds = tmp_path / "r.gds"
    code = run(["cells", "show", "ring_resonator", "--pdk", "sin100", "--set", "fsr=30.03e9", "--gds", str(gds)])
    assert code == 0, capsys.readouterr().err
    assert gds.is_file()


def test_channels_true_is_refused_not_read_as_one(tmp_path):
    from weiming.circuits.design import DesignError, load_design

    p = tmp_path / "d.yaml"
    p.write_text("network: {channels: true}\n")
    with pytest.raises(DesignError, match=r"network\.channels: a boolean is not a number"):
        load_design(p)
    p.write_text("network: {fsr_ghz: 3.003e1}\n")  # exponent without a dot or sign: still a number
    assert load_design(p).network.fsr_ghz == pytest.approx(30.03)


def test_an_unwritable_folder_is_refused_even_for_root(tmp_path):
    from weiming.fileio import OutputPathError, check_output_dir

    with pytest.raises(OutputPathError, match="not writable"):
        check_output_dir("/proc/weiming-no")
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        try:
            with pytest.raises(OutputPathError, match="not writable"):
                check_output_dir(ro / "x")
        finally:
            ro.chmod(0o700)


@pytest.mark.parametrize("case_id", ["tapeout-design-channels-bool", "yield-wafers-too-many-for-memory",
                                     "cells-png-1", "drc-gds-truncated", "set-fsr-nan"])
def test_the_console_entry_point_refuses_the_same_way(place, case_id):
    """A few rows through a real process (``python -m weiming.cli``): exit 2, one stderr line."""
    import subprocess
    import sys

    root, fill = place
    argv = dict(CASES)[case_id]
    args = [fill(a) for a in argv]
    before = _tree(root)
    r = subprocess.run([sys.executable, "-m", "weiming.cli", *args], capture_output=True, text=True, timeout=300)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 2 and len(lines) == 1 and lines[0].startswith("error:"), (r.returncode, r.stderr)
    assert _tree(root) == before

