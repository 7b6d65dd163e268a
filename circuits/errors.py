"""Build errors (kept free of heavy imports so the CLI can catch them cheaply)."""


class BuildError(RuntimeError):
    """The design cannot be built (missing cell, cell rejecting its parameters, no room...)."""


class PlacementError(ValueError):
    """Dies that do not fit the reticle field or overlap."""
