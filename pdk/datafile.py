"""Reading the small YAML/JSON input files of the checks (schematics, waivers, baselines) with
one-line errors naming the file and what it was meant to be."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


def load_data(path: str | Path, what: str, error: type[Exception], fmt: str = "yaml") -> Any:
    """The parsed content of ``path`` (``fmt`` "yaml" or "json"); ``error`` raised with a one-line
    message naming ``what`` (e.g. "waivers") when it cannot be read or parsed."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise error(f"cannot read {what} {p}: {e.strerror or e}") from None
    try:
        return json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as e:
        raise error(f"{what} {p} is not valid {fmt.upper()}: {str(e).splitlines()[0]}") from None
