"""Listeners of dossier events, called inside the transaction that appends the event.

Other apps keep derived data in step with the event log — the statistics rollups, the outbox of
changes pushed to the national portal — by registering a listener in their ``AppConfig.ready()``::

    from opendvc.dossiers.hooks import event_listener_register
    event_listener_register(rollup_apply)

A listener is called as ``listener(dossier=..., event=...)`` after the event row is written and
before the transaction commits, so what it writes commits or rolls back with the event (the
transactional-outbox rule). It must not call back into the dossier services. Every event goes
through :func:`opendvc.dossiers.services._event_append`, native and synchronised dossiers alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opendvc.dossiers.models import Dossier, DossierEvent

EventListener = Callable[..., Any]

_listeners: list[EventListener] = []


def event_listener_register(listener: EventListener) -> None:
    """Add ``listener`` once (registering the same function again is a no-op)."""
    if listener not in _listeners:
        _listeners.append(listener)


def event_listeners_notify(*, dossier: Dossier, event: DossierEvent) -> None:
    """Call every listener, in registration order, for the event just written."""
    for listener in _listeners:
        listener(dossier=dossier, event=event)
