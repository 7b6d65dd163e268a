"""Chips, reticles, wafers and the network plan; the tape-out build and its manifest."""
