"""PDK registry: ``names()``, ``get_tech(name)``, ``get_pdk(name)``, ``activate(name)``.

A PDK is data (:class:`weiming.pdk.tech.Technology`, loaded from its
``tech.yaml``) plus the cells registered for it in :mod:`weiming.components`.
``get_pdk`` turns both into a cached :class:`gdsfactory.Pdk`.

>>> from weiming.pdk import activate
>>> pdk = activate("sin100")          # doctest: +SKIP
>>> c = pdk.get_component("ring_resonator", radius=1000)  # doctest: +SKIP
"""

from __future__ import annotations

from functools import lru_cache

from weiming.pdk.tech import Technology

DEFAULT = "sin100"
_BUILDERS = {"sin100": ("sin", "sin100"), "sin800": ("sin", "sin800"), "inp": ("inp", "inp")}


class UnknownPdkError(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0])


def names() -> list[str]:
    """Names of the registered PDKs."""
    return list(_BUILDERS)


def _check(name: str) -> None:
    if name not in _BUILDERS:
        raise UnknownPdkError(f"unknown PDK {name!r}; known PDKs: {', '.join(_BUILDERS)}")


@lru_cache(maxsize=None)
def get_tech(name: str = DEFAULT) -> Technology:
    """The technology data (layers, cross-sections, stack, rules) of PDK ``name``."""
    _check(name)
    family, variant = _BUILDERS[name]
    if family == "sin":
        from weiming.pdk import sin

        return sin.build(variant)
    from weiming.pdk import inp

    return inp.build(variant)


@lru_cache(maxsize=None)
def get_pdk(name: str = DEFAULT):
    """The gdsfactory ``Pdk`` of ``name`` with its layers, cross-sections, stack and cells."""
    import gdsfactory as gf

    from weiming.components.registry import cells_for
    from weiming.pdk.cross_sections import cross_sections
    from weiming.pdk.layer_stack import layer_stack
    from weiming.pdk.layers import layer_map, layer_views

    tech = get_tech(name)
    return gf.Pdk(
        name=name, version="0.1.0", layers=layer_map(tech), cross_sections=cross_sections(tech),
        layer_stack=layer_stack(tech), layer_views=layer_views(tech), cells=cells_for(name))


_ACTIVE: list[str] = []


def activate(name: str = DEFAULT):
    """Make ``name`` the active gdsfactory PDK and return it."""
    pdk = get_pdk(name)
    pdk.activate()
    _ACTIVE[:] = [name]
    return pdk


def active_name() -> str:
    """Name of the PDK activated last through :func:`activate` (default if none)."""
    return _ACTIVE[0] if _ACTIVE else DEFAULT


def active_tech() -> Technology:
    """Technology of the active PDK: what cells read their rules and layers from."""
    return get_tech(active_name())


__all__ = ["DEFAULT", "names", "get_tech", "get_pdk", "activate", "active_name", "active_tech", "UnknownPdkError"]
