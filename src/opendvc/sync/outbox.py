"""The transactional outbox: native dossiers' changes, written with the change, sent later by the worker.

The listener runs inside the transaction that appends a dossier event
(:mod:`opendvc.dossiers.hooks`), so the entry exists exactly when the change does. Dossiers that came
from another system (``source_system`` set) are not sent back: the national portal has them from
their source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from opendvc.dossiers.models import Dossier, DossierEvent


def outbox_event_listener(*, dossier: Dossier, event: DossierEvent) -> None:
    from opendvc.sync.models import OutboxEntry

    if dossier.source_system_id is not None:
        return
    now = timezone.now()
    OutboxEntry.objects.create(event_id=event.pk, dossier_id=dossier.pk, created_at=now, next_attempt_at=now)


def outbox_event_listener_batch(pairs: list[tuple[Dossier, DossierEvent]]) -> None:
    from opendvc.sync.models import OutboxEntry

    now = timezone.now()
    entries = [
        OutboxEntry(event_id=event.pk, dossier_id=dossier.pk, created_at=now, next_attempt_at=now)
        for dossier, event in pairs
        if dossier.source_system_id is None
    ]
    if entries:
        OutboxEntry.objects.bulk_create(entries)
