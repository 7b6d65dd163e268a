"""Parametric cells of the SiN and InP PDKs; see :mod:`weiming.components.registry`."""
