"""Population-registry plugins by name; ``settings.POPULATION_CLIENT`` chooses the active one."""

from __future__ import annotations

from django.conf import settings

from opendvc.population.base import PopulationRegistry

_PLUGINS: dict[str, type[PopulationRegistry]] = {}


def register(name: str):  # type: ignore[no-untyped-def]
    def wrap(cls: type[PopulationRegistry]) -> type[PopulationRegistry]:
        cls.name = name
        _PLUGINS[name] = cls
        return cls

    return wrap


def active_registry() -> PopulationRegistry:
    from opendvc.population.plugins import http  # noqa: F401 - registers the built-in plugin

    name = getattr(settings, "POPULATION_CLIENT", "reference")
    if name not in _PLUGINS:
        raise LookupError(f"no population registry plugin {name!r}; known: {', '.join(sorted(_PLUGINS))}")
    return _PLUGINS[name]()
