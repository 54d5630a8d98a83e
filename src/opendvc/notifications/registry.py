"""The registry of sender plugins (the Open Forms ``registry.py`` pattern).

A plugin registers itself by name::

    @register("sms_file")
    class FileSmsSender(Sender): ...

and settings ``NOTIFICATION_SENDERS = {"email": "email", "sms": "sms_file"}`` choose which one
delivers each channel, so a real SMS gateway is one more plugin and one settings line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from opendvc.notifications.base import Sender

DEFAULT_SENDERS = {"email": "email", "sms": "sms_file"}


class Registry:
    def __init__(self) -> None:
        self._plugins: dict[str, Sender] = {}

    def __call__(self, identifier: str) -> Callable[[type[Sender]], type[Sender]]:
        def decorator(plugin_class: type[Sender]) -> type[Sender]:
            if identifier in self._plugins:
                raise ValueError(f"A sender is already registered as {identifier!r}.")
            plugin = plugin_class()
            plugin.identifier = identifier
            self._plugins[identifier] = plugin
            return plugin_class

        return decorator

    def __getitem__(self, identifier: str) -> Sender:
        return self._plugins[identifier]

    def get(self, identifier: str) -> Sender | None:
        return self._plugins.get(identifier)

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._plugins

    def __iter__(self) -> Iterator[Sender]:
        return iter(self._plugins.values())

    def unregister(self, identifier: str) -> None:
        self._plugins.pop(identifier, None)

    def for_channel(self, channel: str) -> Sender:
        """The sender the settings choose for ``channel``."""
        chosen = {**DEFAULT_SENDERS, **getattr(settings, "NOTIFICATION_SENDERS", {})}
        identifier = chosen.get(channel)
        if identifier is None or identifier not in self._plugins:
            raise ImproperlyConfigured(f"No sender plugin {identifier!r} is registered for channel {channel!r}.")
        sender = self._plugins[identifier]
        if sender.channel != channel:
            raise ImproperlyConfigured(f"Sender {identifier!r} delivers {sender.channel!r}, not {channel!r}.")
        return sender


register = Registry()
