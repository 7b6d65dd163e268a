"""Si3N4 cells (sin100, sin800). Importing this package registers them (one module per family)."""

from weiming.components.sin import (  # noqa: F401  (imported for their @register side effect)
    waveguides,
    rings,
    pads,
    couplers,
    edge_couplers,
    heaters,
    spirals,
)
