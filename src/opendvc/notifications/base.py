"""The interface every sender plugin implements (one per delivery service: SMTP, an SMS gateway…)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar


class SendError(Exception):
    """A sender could not deliver the message; the notification is recorded as failed with this text."""


class Sender(ABC):
    """Delivers one rendered message on one channel and returns the provider's message id.

    ``identifier`` is the name the plugin is registered under (settings ``NOTIFICATION_SENDERS``
    chooses one per channel); ``channel`` is ``"email"`` or ``"sms"``.
    """

    identifier: str = ""
    channel: ClassVar[str]
    verbose_name: ClassVar[str]

    @abstractmethod
    def send(self, *, to: str, subject: str, body: str, context: Mapping[str, Any]) -> str:
        """Deliver the message; raise :class:`SendError` (or any exception) when it cannot be delivered."""
