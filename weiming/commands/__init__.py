"""Command groups of the ``weiming`` CLI, one module each (see :mod:`weiming.cli`)."""
