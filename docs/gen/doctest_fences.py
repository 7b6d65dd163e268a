"""Griffe extension: render doctest lines (``>>>``) of docstrings as code blocks.

weiming's docstrings carry interactive examples as plain ``>>>`` lines (reST
style); Markdown would read them as nested block quotes, and brackets in them
as link references. This wraps each run of ``>>>``/``...`` lines and the
output lines after them in a fenced ``pycon`` block before mkdocstrings renders
the docstring.
"""

from __future__ import annotations

import griffe


def fence_doctests(text: str) -> str:
    out, block = [], []
    for line in text.split("\n"):
        stripped = line.lstrip()
        starts = stripped.startswith((">>>", "..."))
        if starts or (block and stripped):
            block.append(line)
            continue
        if block:
            out += ["```pycon", *block, "```"]
            block = []
        out.append(line)
    if block:
        out += ["```pycon", *block, "```"]
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
