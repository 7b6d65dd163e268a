"""Si3N4 cells (sin100, sin800)."""
