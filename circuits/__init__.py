"""Chips, reticles, wafers and the network plan; the tape-out build and its manifest.

Public API (contract 5)::

    from weiming.circuits.build import build          # build(config_path | None, out_dir, *, progress=True) -> manifest
    from weiming.circuits.design import load_design   # load_design(path | None) -> Design (default from default.yaml)

Modules: ``design`` (config models), ``network`` (channel plan), ``comb`` (ring
radius for the FSR), ``client_chip`` / ``server_chip`` / ``test_structures``
(dies), ``routing`` (pads and routes), ``connectivity`` (checks), ``reticle``,
``wafer``, ``netlist``, ``steps`` (one cold build), ``build`` (caching, atomic
install).
"""
