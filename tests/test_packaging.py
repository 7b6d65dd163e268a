"""The package as users receive it: the built wheel and sdist, installed into a fresh venv.

The editable checkout hides missing package data (it reads the source tree), so
these tests build the wheel and the sdist with ``python -m build``, check their
contents against the source tree and against every data file the code opens
through :func:`weiming.resources.data_path`, and then install the wheel into a
fresh venv made like the project's (``--system-site-packages`` for Debian's
meep, the same numpy constraint) and run the main commands from a folder
outside the checkout.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Source folder -> installed package (the mapping of setup.py, restated here on purpose:
#: the test checks the build, so it does not import the build's own logic).
FOLDERS = {"weiming": "weiming", "pdk": "weiming/pdk", "components": "weiming/components",
           "circuits": "weiming/circuits", "sims": "weiming/sims"}


def _source_data_files() -> dict[str, str]:
    """Every non-Python file below the package folders: installed path -> source path."""
    out = {}
    for folder, installed in FOLDERS.items():
        for f in sorted((ROOT / folder).rglob("*")):
            if f.is_file() and f.suffix not in {".py", ".pyc"} and "__pycache__" not in f.parts:
                out[f"{installed}/{f.relative_to(ROOT / folder).as_posix()}"] = str(f.relative_to(ROOT))
    return out


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT)
    installed = FOLDERS[rel.parts[0]].split("/")
    parts = [*installed, *rel.parts[1:]]
    parts[-1] = parts[-1][:-3]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _data_path_calls() -> list[tuple[str, str, str]]:
    """(source file, package, relpath) of every ``data_path(...)`` call with literal arguments."""
    calls = []
    for folder in FOLDERS:
        for f in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(f.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "data_path"):
                    continue
                pkg_node, rel_node = node.args[:2]
                if isinstance(pkg_node, ast.Name) and pkg_node.id == "__name__":
                    pkg = _module_name(f)
                elif isinstance(pkg_node, ast.Constant):
                    pkg = pkg_node.value
                else:
                    raise AssertionError(f"{f}: data_path package must be a literal or __name__")
                assert isinstance(rel_node, ast.Constant), f"{f}: data_path relpath must be a literal"
                calls.append((str(f.relative_to(ROOT)), pkg, rel_node.value))
    return calls


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    # No --wheel/--sdist: build makes the sdist, then the wheel FROM the sdist (in a temporary
    # folder), so the wheel also proves the sdist complete and nothing is written into the checkout.
    r = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


def test_data_path_calls_are_found():
    # The scan must see the PDKs, the design and the yield model's files, or it proves nothing.
    found = {(p, r) for _, p, r in _data_path_calls()}
    assert ("weiming.pdk.inp", "tech.yaml") in found
    assert ("weiming.circuits", "default.yaml") in found
    assert any(p == "weiming.sims.wafer" for p, _ in found)


def test_no_data_read_relative_to_the_source_tree():
    offenders = []
    for folder in FOLDERS:
        for f in sorted((ROOT / folder).rglob("*.py")):
            if "__file__" in f.read_text(encoding="utf-8"):
                offenders.append(str(f.relative_to(ROOT)))
    assert not offenders, f"use weiming.resources.data_path instead of __file__ in {offenders}"


def test_wheel_contains_every_opened_data_file(dist):
    names = set(zipfile.ZipFile(dist["wheel"]).namelist())
    missing = []
    for src, pkg, rel in _data_path_calls():
        target = f"{pkg.replace('.', '/')}/{rel}"
        if target not in names and not any(n.startswith(target + "/") for n in names):
            missing.append(f"{target} (opened in {src})")
    assert not missing, missing


def test_wheel_and_sdist_contain_every_source_data_file(dist):
    wheel = set(zipfile.ZipFile(dist["wheel"]).namelist())
    with tarfile.open(dist["sdist"]) as tf:
        sdist = {"/".join(n.split("/")[1:]) for n in tf.getnames()}
    files = _source_data_files()
    assert any(k.endswith("surrogates/inp_deep.json") for k in files)
    assert any("sweep/examples/" in k for k in files)
    assert sorted(set(files) - wheel) == []
    assert sorted(set(files.values()) - sdist) == []


def test_check_wheel_contents(dist):
    exe = Path(sys.executable).with_name("check-wheel-contents")
    r = subprocess.run([str(exe), str(dist["wheel"])], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def _constraints(tmp_path: Path) -> list[str]:
    """The project venv's constraint: numpy (and what must match it) on this venv's versions.

    Debian's meep is built against Debian's numpy major version; tools/setup.sh keeps the
    project venv on it, so pinning the fresh venv to the project venv's versions is the
    same constraint.
    """
    from importlib.metadata import PackageNotFoundError, version

    lines = []
    for name in ("numpy", "pandas", "pyarrow"):
        try:
            lines.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            pass
    c = tmp_path / "constraints.txt"
    c.write_text("\n".join(lines) + "\n")
    return ["-c", str(c)]


@pytest.mark.slow
def test_installed_wheel_runs_the_main_commands(dist, tmp_path):
    """Fresh venv like the project's, wheel installed, commands run outside the checkout."""
    env_dir = tmp_path / "venv"
    base_python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
    r = subprocess.run([base_python, "-m", "venv", "--system-site-packages", str(env_dir)],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:  # e.g. python3-venv missing: fall back to the stdlib builder
        venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", *_constraints(tmp_path), str(dist["wheel"])],
                       capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    work = tmp_path / "outside"
    work.mkdir()
    env = {**os.environ, "WEIMING_CACHE": str(tmp_path / "cache"), "PYTHONWARNINGS": "ignore"}
    env.pop("PYTHONPATH", None)
    exe = str(env_dir / "bin" / "weiming")

    def run(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        res = subprocess.run([exe, *args], cwd=work, env=env, capture_output=True, text=True, timeout=timeout)
        assert res.returncode == 0, f"weiming {' '.join(args)}: exit {res.returncode}\n{res.stderr[-3000:]}"
        return res

    # The installed package, not the checkout, answers.
    where = subprocess.run([str(py), "-c", "import weiming.pdk; print(weiming.pdk.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=120).stdout
    assert str(env_dir) in where and str(ROOT) not in where
    assert "weiming" in run("--version").stdout
    assert {"sin100", "sin800", "inp"} <= set(run("pdk", "list").stdout.split())
    run("build", "--out", "b")
    assert (work / "b" / "manifest.json").is_file()
    run("yield", "--json", "--out", "y")
    run("tapeout", "--out", "t")
    assert (work / "t" / "summary.json").is_file() and (work / "t" / "report" / "index.html").is_file()
