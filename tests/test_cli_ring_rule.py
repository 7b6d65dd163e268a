"""One ring group-index rule: the Python API, ``weiming cells show`` and the build draw the same radius.

The issue: 998.70 um (cells, EIM ng) against 997.08 um (build, one-grid mode-solver ng; 997.55 um since the converged ng) for FSR 30.03 GHz.
Both now call :func:`weiming.components.sin._optics.ring_group_index`. Tolerance: exact to the 1 nm
grid (both round R = c / (2 pi ng FSR) to 1 nm from the same ng).
"""

from __future__ import annotations

from weiming.circuits.design import load_design
from weiming.circuits.steps import BuildRun
from weiming.cli import run
from weiming.pdk import activate


def test_api_cells_show_and_build_agree_on_the_radius(tmp_path, capsys):
    build_ring = BuildRun(load_design(), "k", tmp_path / "b", False).ring()
    activate("sin100")
    from weiming.components.gallery import save_gds
    from weiming.components.registry import cells_for

    api = cells_for("sin100")["ring_resonator"](fsr=30.03e9)  # the public API (the registry's cell)
    assert api.info["radius_um"] == build_ring["radius_um"], (api.info, build_ring)
    assert api.info["ng_source"] == build_ring["ng_source"]
    assert 996.0 < build_ring["radius_um"] < 1000.0  # the ~1 mm seed comb ring (997.55 converged MPB, 998.70 EIM)

    cli_gds = tmp_path / "cli.gds"
    assert run(["cells", "show", "ring_resonator", "--pdk", "sin100", "--set", "fsr=30.03e9",
                "--gds", str(cli_gds)]) == 0, capsys.readouterr().err
    api_gds = tmp_path / "api.gds"
    save_gds(api, api_gds)
    assert cli_gds.read_bytes() == api_gds.read_bytes()  # the CLI draws exactly the API's ring
