"""Listeners of dossier events, called inside the transaction that appends the event.

Other apps keep derived data in step with the event log — the statistics rollups, the outbox of
changes pushed to the national portal — by registering a listener in their ``AppConfig.ready()``::

    from opendvc.dossiers.hooks import event_listener_register
    event_listener_register(rollup_apply)

A listener is called as ``listener(dossier=..., event=...)`` after the event row is written and
before the transaction commits, so what it writes commits or rolls back with the event (the
transactional-outbox rule). It must not call back into the dossier services. Every event goes
through :func:`opendvc.dossiers.services._event_append`, native and synchronised dossiers alike.

Bulk writers (the synchronisation endpoint applies up to 1,000 records per call) write many events at
once and call :func:`event_batch_notify` with all of them. A listener that can fold a batch cheaply
(one upsert per rollup key instead of one per event) registers a batch form with
``event_listener_register(listener, batch=listener_batch)``; any other listener is called once per
event, so every listener sees every event whichever path wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opendvc.dossiers.models import Dossier, DossierEvent

EventListener = Callable[..., Any]
BatchListener = Callable[[list[tuple["Dossier", "DossierEvent"]]], Any]

_listeners: list[EventListener] = []
_batch_forms: dict[EventListener, BatchListener] = {}


def event_listener_register(listener: EventListener, *, batch: BatchListener | None = None) -> None:
    """Add ``listener`` once (registering the same function again is a no-op).

    ``batch``, when given, is called instead of ``listener`` by :func:`event_batch_notify` with the
    whole list of ``(dossier, event)`` pairs.
    """
    if listener not in _listeners:
        _listeners.append(listener)
    if batch is not None:
        _batch_forms[listener] = batch


def event_listeners_notify(*, dossier: Dossier, event: DossierEvent) -> None:
    """Call every listener, in registration order, for the event just written."""
    for listener in _listeners:
        listener(dossier=dossier, event=event)


def event_batch_notify(pairs: list[tuple[Dossier, DossierEvent]]) -> None:
    """Tell every listener about events written together, in the transaction that wrote them."""
    if not pairs:
        return
    for listener in _listeners:
        batch = _batch_forms.get(listener)
        if batch is not None:
            batch(pairs)
            continue
        for dossier, event in pairs:
            listener(dossier=dossier, event=event)
